"""The wheel payload inspector: does this wheel carry what its tags promise?

It catches what "it compiled" hides: an x64 or ARM64EC DLL in a win_arm64 wheel, an
extension linked to another python DLL or named for another interpreter, a dependency DLL
that was never bundled, RECORD that does not match the files, WHEEL tags that disagree with
the file name. Every member is decompressed exactly once.
"""

from __future__ import annotations

import ast
import hashlib
import os
import re
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar
from zipfile import ZipInfo

from woaport import windll
from woaport.documents.inspect_report import (
    Finding,
    InspectReport,
    PEImageRecord,
    Severity,
    WheelInspection,
    WheelKind,
    judge,
    report_of,
)
from woaport.errors import InvalidWheel
from woaport.pe import CorruptPE, Machine, PEImage, has_pe_signature, parse_pe, starts_like_pe
from woaport.wheelfile import (
    UNLISTED_OK,
    MemberDigest,
    MemoryBudget,
    RecordEntry,
    WheelName,
    b64_digest,
    checked_members,
    dist_info_dirs,
    open_wheel,
    parse_wheel_metadata,
    parse_wheel_name,
    read_member,
    read_metadata,
    read_record,
    stream_member,
)

# The machines a process for each platform tag loads.
ACCEPTED_MACHINES: dict[str, frozenset[Machine]] = {
    "win_arm64": frozenset({Machine.ARM64, Machine.ARM64X}),
    "win_amd64": frozenset({Machine.AMD64}),
    "win32": frozenset({Machine.I386}),
}
WINDOWS_PLATFORMS = tuple(ACCEPTED_MACHINES)

HINTS: dict[str, str] = {
    "wheel-metadata-missing": "build the wheel with a PEP 517 backend; it writes .dist-info/WHEEL",
    "wheel-tag-mismatch": (
        "retag consistently (`wheel tags --platform-tag ...` rewrites both) instead of renaming "
        "the file"
    ),
    "record-missing": "rebuild the wheel; every wheel needs .dist-info/RECORD",
    "record-mismatch": (
        "a file was changed after the wheel was built; rebuild it, or repack with "
        "`wheel unpack` + `wheel pack`, which rewrites RECORD"
    ),
    "machine-mismatch": (
        "build on windows-11-arm with CIBW_ARCHS_WINDOWS=ARM64 and make sure bundled DLLs come "
        "from the ARM64 toolchain/redistributable, not the x64 one"
    ),
    "arm64ec-payload": (
        "this image was built for ARM64EC (x64-compatible); a native ARM64 python cannot load "
        "it. Build it for ARM64 (MSVC: /arch for arm64, `-A ARM64` with CMake), or ship ARM64X"
    ),
    "python-dll-mismatch": (
        "the extension was linked against another interpreter's import library; build each "
        "Python version in its own environment (cibuildwheel does this)"
    ),
    "extension-tag-mismatch": (
        "the extension was built by another interpreter or for another platform; clean the "
        "build directory between Python versions and build natively on ARM64"
    ),
    "missing-dependency": (
        "bundle the DLL into the wheel: `delvewheel repair` (CIBW_REPAIR_WHEEL_COMMAND_WINDOWS) "
        "copies and name-mangles it"
    ),
    "vc-runtime": (
        "bundle the ARM64 Visual C++ runtime DLL (`delvewheel repair` copies it), "
        "or link the runtime statically (/MT)"
    ),
    "optional-dependency": (
        "the package imports this module only inside try/except ImportError, so it works "
        "without it; bundle the DLL (`delvewheel repair`) if the feature matters on ARM64"
    ),
    "extension-name": (
        "name the extension MODULE.pyd or MODULE.cp3XY-PLATFORM.pyd (setuptools/meson do "
        "this when building with the target interpreter)"
    ),
    "corrupt-pe": "the image is damaged or truncated; rebuild the wheel",
    "case-collision": (
        "rename one of the two: Windows file systems do not tell names apart by case, so "
        "installing the wheel writes one over the other"
    ),
    "not-windows": "nothing to check for Windows in this wheel",
}


def finding(
    code: str, severity: Severity, file: str | None, message: str, advice: str | None = None
) -> Finding:
    """A finding with its hint: ``advice`` for this case, or the code's general one."""
    hint = advice if advice is not None else HINTS.get(code, "")
    return Finding(code=code, severity=severity, file=file, message=message, hint=hint)


@dataclass(frozen=True, kw_only=True)
class PEFile:
    """A PE image as the checks see it (all of :class:`PEImage`); the report keeps a
    :class:`PEImageRecord` of it."""

    path: str
    image: PEImage

    @property
    def python_dlls(self) -> list[str]:
        return [d for d in self.image.all_imports if windll.is_python_dll(d)]

    def record(self) -> PEImageRecord:
        python_dlls = self.python_dlls
        return PEImageRecord(
            path=self.path,
            machine=self.image.machine,
            hybrid_metadata=self.image.hybrid,
            python_dll=python_dlls[0] if python_dlls else None,
            imports=self.image.imports,
            delay_imports=self.image.delay_imports,
            is_dll=self.image.is_dll,
            il_only=self.image.il_only,
        )


@dataclass(kw_only=True)
class _Inspection:
    """One wheel's inspection while the checks add to it."""

    name: WheelName
    findings: list[Finding] = field(default_factory=list)
    pe_files: list[PEFile] = field(default_factory=list)

    def add(
        self,
        code: str,
        severity: Severity,
        file: str | None,
        message: str,
        advice: str | None = None,
    ) -> None:
        self.findings.append(finding(code, severity, file, message, advice))


T = TypeVar("T")
R = TypeVar("R")


def run_parallel(work: Callable[[T], R], items: list[T], workers: int) -> list[R]:
    """``[work(i) for i in items]`` on ``workers`` threads (order not kept). Cheaper per item
    than an executor's futures, which matters for wheels with thousands of small members.

    When items fail, the exception of the first failing item *in list order* is re-raised,
    whatever the threads' timing: items are handed out in order and no new one starts after
    a failure, so every item before a failed one has run to its end."""
    pending = iter(enumerate(items))
    lock = threading.Lock()
    results: list[R] = []
    failures: list[tuple[int, BaseException]] = []

    def loop() -> None:
        while not failures:
            with lock:
                index, item = next(pending, (-1, None))
            if index < 0:
                return
            try:
                results.append(work(item))  # type: ignore[arg-type]
            except BaseException as exc:
                failures.append((index, exc))

    threads = [threading.Thread(target=loop, daemon=True) for _ in range(max(1, workers) - 1)]
    for thread in threads:
        thread.start()
    loop()
    for thread in threads:
        thread.join()
    if failures:
        raise min(failures, key=lambda f: f[0])[1]
    return results


def inspect_wheel(
    path: Path, *, workers: int | None = None, strict: bool = False
) -> WheelInspection:
    """Inspect one wheel. Raises :class:`InvalidWheel` when it cannot be read at all.
    With ``strict``, warnings fail the wheel too.

    Members are decompressed and hashed on a few threads (zlib and hashlib release the GIL);
    a PE image is parsed as soon as it is read and its bytes dropped, and the images held at
    once stay within 1.5x the largest member, whatever the wheel's size.
    """
    name = parse_wheel_name(path)
    kind = (
        WheelKind.WINDOWS
        if name.is_windows
        else (WheelKind.PURE if name.is_pure else WheelKind.OTHER_PLATFORM)
    )
    report = _Inspection(name=name)
    with open_wheel(path) as zf:
        members = checked_members(zf, path)
        by_name = {m.filename: m for m in members}
        record = _read_dist_info(report, zf, path, by_name)

        # PE images are held whole while parsed: at most 1.5x the largest member at once.
        largest = max((m.file_size for m in members), default=0)
        budget = MemoryBudget(largest + largest // 2)

        def read(info: ZipInfo) -> tuple[MemberDigest, PEFile | Finding | None]:
            algorithm = _algorithm_for(info.filename, record.entries)
            heads: list[bytes] = []

            def keep(head: bytes) -> bool:
                heads.append(head[:4])
                return starts_like_pe(head)

            member, data = stream_member(
                zf, path, info, algorithm=algorithm, keep=keep, budget=budget
            )
            if data is None:
                if kind is WheelKind.WINDOWS and info.filename.lower().endswith(PE_SUFFIXES):
                    return member, _not_pe(info.filename, heads[0] if heads else b"")
                return member, None
            try:
                return member, _analyse(info.filename, data)
            finally:
                # pefile's objects form reference cycles that would keep the image alive
                # until the next garbage collection; emptying the buffer frees it now.
                data.clear()
                budget.release(info.file_size)

        todo = [m for m in members if m.filename not in record.meta_read]
        # Largest first, so that one big DLL does not start last and run alone.
        todo.sort(key=lambda m: m.file_size, reverse=True)
        results = run_parallel(read, todo, workers or min(4, os.cpu_count() or 1))
    results.sort(key=lambda r: r[0].name)
    if kind is not WheelKind.OTHER_PLATFORM:  # pure wheels install on Windows too
        _check_case_collisions(report, [m.filename for m in members])
    digests = {member.name: member for member, _ in results}
    for _, analysis in results:
        if isinstance(analysis, PEFile):
            report.pe_files.append(analysis)
        elif analysis is not None:
            report.findings.append(analysis)
    if record.entries is not None:
        _check_record(report, record, digests)
    if kind is WheelKind.WINDOWS:
        _check_windows_payload(report, name, path)
    else:
        what = (
            "a pure-Python wheel"
            if kind is WheelKind.PURE
            else f"a {', '.join(sorted(name.platforms))} wheel"
        )
        report.add(
            "not-windows",
            Severity.INFO,
            None,
            f"{name.filename} is {what}: no Windows payload to check",
        )
    findings = tuple(report.findings)
    verdict = judge(findings, error=None, strict=strict)
    return WheelInspection(
        wheel=str(path),
        filename=name.filename,
        name=name.name,
        version=name.version,
        tags=tuple(sorted(str(t) for t in name.tags)),
        kind=kind,
        verdict=verdict,
        ok=verdict.passed,
        error=None,
        findings=findings,
        pe_files=tuple(pe.record() for pe in report.pe_files),
    )


def windows_name_key(name: str) -> str:
    """The name as Windows compares it: NTFS (and FAT) look names up case-insensitively,
    through a table that maps each character to one upper-case character ($UpCase), so
    ``ß`` stays ``ß`` where Python's full ``upper()`` makes it ``SS``.
    https://learn.microsoft.com/en-us/windows/win32/fileio/naming-a-file ("Do not assume
    case sensitivity ... NTFS supports POSIX semantics for case sensitivity but this is not
    the default behavior")."""
    if name.isascii():
        return name.upper()
    return "".join(upper if len(upper := c.upper()) == 1 else c for c in name)


def _check_case_collisions(report: _Inspection, names: list[str]) -> None:
    """Two members (or a member and a folder) whose paths differ only in case are one file
    on Windows: the second written replaces the first, or cannot be written at all."""
    files: dict[str, str] = {}
    folders: dict[str, str] = {}
    for name in names:
        parts = name.split("/")
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            folders.setdefault(windows_name_key(folder), folder)
    for name in sorted(names):
        key = windows_name_key(name)
        other = files.get(key) or folders.get(key)
        if other is None:
            files[key] = name
            continue
        clash = (
            "is a file and a folder at once"
            if other == name
            else f"and {other!r} differ only in case: on Windows they are one path"
        )
        report.add("case-collision", Severity.ERROR, name, f"{name!r} {clash}")


@dataclass(kw_only=True)
class _DistInfo:
    directory: str | None
    entries: dict[str, RecordEntry] | None
    meta_read: dict[str, bytes]

    def unlisted_ok(self, name: str) -> bool:
        return any(name == f"{self.directory}/{x}" for x in UNLISTED_OK)


def _algorithm_for(name: str, entries: dict[str, RecordEntry] | None) -> str:
    entry = entries.get(name) if entries else None
    algorithm = entry.algorithm if entry and entry.algorithm else "sha256"
    return algorithm if algorithm in hashlib.algorithms_available else "sha256"


def _read_dist_info(report: _Inspection, zf: Any, path: Path, by_name: dict[str, Any]) -> _DistInfo:
    """Read WHEEL and RECORD up front (they are small) and check the WHEEL tags."""
    meta_read: dict[str, bytes] = {}
    candidates = dist_info_dirs(list(by_name))
    expected = f"{report.name.name.replace('-', '_')}-{report.name.version}.dist-info".lower()
    dist_info = next((d for d in candidates if d.lower() == expected), None)
    if dist_info is None:
        dist_info = next((d for d in candidates if f"{d}/WHEEL" in by_name), None)
    wheel_name = f"{dist_info}/WHEEL" if dist_info else None
    if wheel_name is None or wheel_name not in by_name:
        report.add(
            "wheel-metadata-missing",
            Severity.ERROR,
            None,
            f"no .dist-info/WHEEL file (looked for {expected}/WHEEL)",
        )
    else:
        data = read_metadata(zf, path, by_name[wheel_name])
        meta_read[wheel_name] = data
        tags = set(parse_wheel_metadata(data.decode("utf-8", "replace")))
        filename_tags = {str(t) for t in report.name.tags}
        if tags != filename_tags:
            report.add(
                "wheel-tag-mismatch",
                Severity.ERROR,
                wheel_name,
                f"WHEEL says Tag: {', '.join(sorted(tags)) or '(none)'} but the file name says "
                f"{', '.join(sorted(filename_tags))}",
            )
    record_name = f"{dist_info}/RECORD" if dist_info else None
    if record_name is None or record_name not in by_name:
        report.add("record-missing", Severity.ERROR, None, "the wheel has no .dist-info/RECORD")
        return _DistInfo(directory=dist_info, entries=None, meta_read=meta_read)
    record_bytes, entries = read_record(zf, path, by_name[record_name])
    meta_read[record_name] = record_bytes
    return _DistInfo(directory=dist_info, entries=entries, meta_read=meta_read)


def _check_record(report: _Inspection, record: _DistInfo, digests: dict[str, MemberDigest]) -> None:
    entries = record.entries or {}
    for name, data in record.meta_read.items():
        if not record.unlisted_ok(name):
            algorithm = _algorithm_for(name, entries)
            digest = b64_digest(hashlib.new(algorithm, data).digest())
            digests[name] = MemberDigest(
                name=name, size=len(data), algorithm=algorithm, digest=digest
            )
    for name, member in sorted(digests.items()):
        if record.unlisted_ok(name):
            continue
        entry = entries.get(name)
        if entry is None:
            report.add(
                "record-mismatch", Severity.ERROR, name, "is in the wheel but not listed in RECORD"
            )
        elif entry.digest is None:
            report.add(
                "record-mismatch", Severity.ERROR, name, "is listed in RECORD without a hash"
            )
        elif entry.algorithm not in ("sha256", "sha384", "sha512", "blake2b", "sha3_256"):
            report.add(
                "record-mismatch",
                Severity.ERROR,
                name,
                f"RECORD uses the hash {entry.algorithm!r}; wheels need sha256 or stronger",
            )
        elif entry.digest != member.digest:
            report.add(
                "record-mismatch",
                Severity.ERROR,
                name,
                f"{entry.algorithm} in RECORD is {entry.digest}, the file's is {member.digest}",
            )
        elif entry.size is not None and entry.size != member.size:
            report.add(
                "record-mismatch",
                Severity.ERROR,
                name,
                f"RECORD says {entry.size} bytes, the file has {member.size}",
            )
    for name in sorted(set(entries) - set(digests)):
        if record.unlisted_ok(name):
            continue
        report.add(
            "record-mismatch", Severity.ERROR, name, "is listed in RECORD but not in the wheel"
        )


PE_SUFFIXES = (".dll", ".pyd", ".exe")
_MAGIC = {
    b"\x7fELF": "an ELF file (built for Linux)",
    b"\xcf\xfa\xed\xfe": "a Mach-O file (built for macOS)",
    b"\xca\xfe\xba\xbe": "a Mach-O universal file (built for macOS)",
}


def _not_pe(name: str, head: bytes) -> Finding:
    what = "empty" if not head else _MAGIC.get(head[:4], "not a Windows image (no MZ header)")
    return finding(
        "corrupt-pe",
        Severity.ERROR,
        name,
        f"has a Windows image name but is {what}; Windows cannot load it",
    )


def _analyse(name: str, data: bytearray) -> PEFile | Finding | None:
    """A member that starts with ``MZ``: a PE image, a damaged one, or just data."""
    if not has_pe_signature(data):
        if name.lower().endswith((".dll", ".pyd", ".exe")):
            return finding(
                "corrupt-pe", Severity.ERROR, name, "has a Windows image name but no PE header"
            )
        return None
    try:
        return PEFile(path=name, image=parse_pe(data))
    except CorruptPE as exc:
        return finding("corrupt-pe", Severity.ERROR, name, f"is not a loadable PE image ({exc})")


def _check_windows_payload(report: _Inspection, name: WheelName, path: Path) -> None:
    platforms = sorted(p for p in name.platforms if p in ACCEPTED_MACHINES)
    abis = sorted({t.abi for t in name.tags})
    python_dlls = _accepted_python_dlls(abis)
    # Only PE images count as bundled: a text file named like a DLL is no DLL.
    bundled = {pe.path.rpartition("/")[2].lower() for pe in report.pe_files}
    missing: dict[str, list[str]] = defaultdict(list)
    vc_missing: dict[str, list[PEFile]] = defaultdict(list)

    for pe in report.pe_files:
        _check_machine(report, pe, platforms)
        if pe.image.il_only:
            continue  # .NET IL: the CLR loads it; its only import, mscoree.dll, is not used
        _check_python_dll(report, pe, name, abis, python_dlls, bundled)
        for dll in pe.image.all_imports:
            lower = dll.lower()
            if lower in bundled or windll.is_python_dll(lower):
                continue
            if all(windll.is_system(lower, p) for p in platforms):
                continue
            if windll.is_vc_redist(lower):
                # CPython ships part of the VC runtime beside python.exe: a DLL loaded into
                # python.exe finds it there; a program (.exe) runs in its own process.
                provided = pe.image.is_dll and all(
                    lower in windll.INTERPRETER_VC_RUNTIME[p] for p in platforms
                )
                if not provided:
                    vc_missing[dll].append(pe)
                continue
            missing[dll].append(pe.path)

    for pe_path in sorted(pe.path for pe in report.pe_files if pe.path.lower().endswith(".pyd")):
        _check_extension_name(report, name, pe_path, platforms, abis)

    guarded = _optional_imports(path, missing) if missing else {}
    for dll, importers in sorted(missing.items()):
        delay = all(dll in pe.image.delay_imports for pe in report.pe_files if pe.path in importers)
        how = "delay-loads" if delay else "imports"
        evidence = guarded.get(dll)
        if evidence:
            report.add(
                "optional-dependency",
                Severity.WARNING,
                importers[0],
                f"{how} {dll}, which is neither in the wheel nor a Windows system DLL; the "
                f"package imports this module only under try/except ImportError ({evidence})"
                + _also(importers),
            )
            continue
        report.add(
            "missing-dependency",
            Severity.ERROR,
            importers[0],
            f"{how} {dll}, which is neither in the wheel nor a Windows system DLL"
            + _also(importers),
        )
    for dll, pes in sorted(vc_missing.items()):
        programs = [pe for pe in pes if not pe.image.is_dll]
        why = (
            "; a program runs in its own process, where the runtime CPython ships beside "
            "python.exe does not help"
            if programs and all(dll.lower() in windll.INTERPRETER_VC_RUNTIME[p] for p in platforms)
            else ""
        )
        report.add(
            "vc-runtime",
            Severity.WARNING,
            pes[0].path,
            f"needs the Visual C++ runtime DLL {dll}, which the wheel does not bundle and "
            f"Windows does not ship{why}" + _also([pe.path for pe in pes]),
            advice=(
                f"bundle the ARM64 Visual C++ runtime DLL {dll} (`delvewheel repair` copies it; "
                f"`--include {dll.lower()}` forces it), or link the runtime statically (/MT)"
            ),
        )


def _accepted_python_dlls(abis: list[str]) -> set[str]:
    """The python DLLs an extension of a wheel with these ABI tags may import. Every
    CPython 3 on Windows ships python3.dll (the stable-ABI forwarder) beside its
    python3XY.dll, so a cp312 extension may use either; an abi3 one only python3.dll
    (https://docs.python.org/3/c-api/stable.html#limited-c-api)."""
    accepted = set()
    for abi in abis:
        dll = windll.expected_python_dll(abi)
        if dll:
            accepted.add(dll)
            if abi != "abi3":
                accepted.add("python3.dll")
    return accepted


def _check_machine(report: _Inspection, pe: PEFile, platforms: list[str]) -> None:
    machine = pe.image.machine
    for platform in platforms:
        if machine in ACCEPTED_MACHINES[platform] or machine is Machine.ANYCPU:
            continue
        if machine is Machine.ARM64EC and platform in ("win_arm64", "win_amd64"):
            report.add(
                "arm64ec-payload",
                Severity.ERROR,
                pe.path,
                f"is ARM64EC (AMD64 header with CHPE metadata); a {platform} python cannot load it",
            )
        else:
            accepted = " or ".join(sorted(ACCEPTED_MACHINES[platform]))
            report.add(
                "machine-mismatch",
                Severity.ERROR,
                pe.path,
                f"is {machine}, but a {platform} wheel needs {accepted}",
            )


def _check_python_dll(
    report: _Inspection,
    pe: PEFile,
    name: WheelName,
    abis: list[str],
    accepted: set[str],
    bundled: set[str],
) -> None:
    if accepted:
        for dll in pe.python_dlls:
            if dll.lower() not in accepted:
                report.add(
                    "python-dll-mismatch",
                    Severity.ERROR,
                    pe.path,
                    f"imports {dll}, but the wheel's ABI tag ({', '.join(abis)}) needs "
                    f"{' or '.join(sorted(accepted))}",
                )
        return
    # A version-agnostic wheel (py3-none-win_arm64): any Python 3 installs it, so one
    # version's DLL (python312.dll) fails on every other version unless the wheel carries it.
    interpreters = sorted({t.interpreter for t in name.tags})
    for dll in pe.python_dlls:
        if windll.is_versioned_python_dll(dll) and dll.lower() not in bundled:
            report.add(
                "python-dll-mismatch",
                Severity.ERROR,
                pe.path,
                f"imports {dll}, one Python version's DLL, but the wheel's tags "
                f"({', '.join(interpreters)}-{', '.join(abis)}) let every Python 3 install it",
                advice=(
                    "build one wheel per Python version (cp3XY tags), or use the limited API "
                    "(link python3.dll) and tag the wheel abi3"
                ),
            )


def _also(importers: list[str]) -> str:
    return f" (also needed by {len(importers) - 1} more file(s))" if len(importers) > 1 else ""


# What Windows CPython looks for when importing MODULE: MODULE.cp312-win_arm64.pyd, then
# MODULE.pyd -- importlib.machinery.EXTENSION_SUFFIXES on Windows
# (https://docs.python.org/3/library/importlib.html#importlib.machinery.EXTENSION_SUFFIXES;
# CPython Python/dynload_win.c, _PyImport_DynLoadFiletab: "." PYD_TAGGED_SUFFIX and ".pyd",
# where PYD_TAGGED_SUFFIX is "cp3XY[t]-PLATFORM" from PC/pyconfig.h). Debug builds add "_d".
_WINDOWS_SOABI = re.compile(r"cp3\d{1,2}t?-(?:win32|win_amd64|win_arm64)", re.ASCII)


def _check_extension_name(
    report: _Inspection, name: WheelName, path: str, platforms: list[str], abis: list[str]
) -> None:
    parts = PurePosixPath(path).name.split(".")
    if len(parts) < 3:
        return  # plain module.pyd: every interpreter on the platform looks for it
    tag = ".".join(parts[1:-1])
    if not _WINDOWS_SOABI.fullmatch(tag):
        report.add(
            "extension-name",
            Severity.ERROR,
            path,
            f"is named with the suffix .{tag}.pyd, which Windows CPython never imports: it "
            f"looks for {parts[0]}.cp3XY-{platforms[0] if platforms else 'PLATFORM'}.pyd or "
            f"{parts[0]}.pyd (importlib.machinery.EXTENSION_SUFFIXES)",
        )
        return
    interpreter, _, platform = tag.rpartition("-")
    if platform not in platforms:
        report.add(
            "extension-tag-mismatch",
            Severity.ERROR,
            path,
            f"is named for {platform}, but the wheel is for {', '.join(platforms)}",
        )
    cpython_abis = [a for a in abis if windll.expected_python_dll(a)]
    if cpython_abis and interpreter not in cpython_abis:
        loads = "abi3 (any CPython 3)" if cpython_abis == ["abi3"] else ", ".join(cpython_abis)
        report.add(
            "extension-tag-mismatch",
            Severity.ERROR,
            path,
            f"is named for {interpreter}, but the wheel is for {loads}: that interpreter "
            "will not import it",
        )


# Reading the package's Python sources to tell an optional extension from a required one:
# bounded, as the wheel is untrusted.
MAX_SOURCE_BYTES = 2 << 20
MAX_SOURCES = 200
MAX_SOURCES_TOTAL = 32 << 20  # bytes of Python parsed in all
_GUARDS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})


def _optional_imports(path: Path, missing: dict[str, list[str]]) -> dict[str, str]:
    """For each missing DLL whose every importer is an extension module that the package
    imports only inside ``try: ... except ImportError`` (numba's tbbpool -> tbb12.dll),
    where those imports are ("numba/np/ufunc/parallel.py:401, ..."). The rule: Python would
    raise ImportError when the DLL is absent, and the package is written to carry on then.
    An extension imported anywhere without such a guard, or never imported from Python,
    keeps the finding an error."""
    modules: dict[str, str] = {}
    for importers in missing.values():
        for importer in importers:
            if importer.lower().endswith(".pyd"):
                stem = PurePosixPath(importer).name.split(".")[0]
                package = str(PurePosixPath(importer).parent).replace("/", ".")
                modules[importer] = f"{package}.{stem}" if package != "." else stem
    if not modules:
        return {}
    found = _find_imports(path, set(modules.values()))
    evidence: dict[str, str] = {}
    for dll, importers in missing.items():
        places: list[str] = []
        for importer in importers:
            sites = found.get(modules.get(importer, ""), [])
            if not sites or not all(guarded for _, guarded in sites):
                break
            places += [where for where, _ in sites]
        else:
            shown = sorted(set(places))
            more = f", +{len(shown) - 3} more" if len(shown) > 3 else ""
            evidence[dll] = ", ".join(shown[:3]) + more
    return evidence


def _find_imports(path: Path, modules: set[str]) -> dict[str, list[tuple[str, bool]]]:
    """Import statements of ``modules`` in the wheel's .py files: (file:line, guarded)."""
    tails = {m.rpartition(".")[2].encode() for m in modules}
    found: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    with open_wheel(path) as zf:
        sources = [
            i
            for i in zf.infolist()
            if i.filename.endswith(".py") and 0 < i.file_size <= MAX_SOURCE_BYTES
        ]
        read = parsed = 0
        for info in sources:
            data = read_member(zf, path, info)
            if not any(t in data for t in tails):
                continue
            read += 1
            parsed += len(data)
            if read > MAX_SOURCES or parsed > MAX_SOURCES_TOTAL:
                break
            try:
                tree = ast.parse(data, filename=info.filename)
            except (SyntaxError, ValueError, RecursionError):
                continue
            # For a/b/c.py and for a/b/__init__.py alike, "." is the package a.b.
            package = str(PurePosixPath(info.filename).parent).replace("/", ".")
            for node, guarded in _imports(tree):
                for target in _imported_modules(node, package):
                    if target in modules:
                        found[target].append((f"{info.filename}:{node.lineno}", guarded))
    return found


def _imports(tree: ast.AST) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Every import statement, and whether a surrounding ``try`` catches ImportError."""

    def catches(handler: ast.ExceptHandler) -> bool:
        if handler.type is None:
            return True
        names = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        return any(isinstance(n, ast.Name) and n.id in _GUARDS for n in names)

    stack: list[tuple[ast.AST, bool]] = [(tree, False)]
    while stack:
        node, guarded = stack.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, guarded
            continue
        if isinstance(node, ast.Try | ast.TryStar):
            body_guarded = guarded or any(catches(h) for h in node.handlers)
            stack += [(child, body_guarded) for child in node.body]
            for part in (node.handlers, node.orelse, node.finalbody):
                stack += [(child, guarded) for child in part]
            continue
        stack += [(child, guarded) for child in ast.iter_child_nodes(node)]


def _imported_modules(node: ast.Import | ast.ImportFrom, package: str) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        parts = package.split(".") if package not in ("", ".") else []
        parts = parts[: len(parts) - (node.level - 1)] if node.level > 1 else parts
        base = ".".join([*parts, base] if base else parts)
    # `from a.b import c` imports a.b, and a.b.c when c is a submodule.
    return [base, *(f"{base}.{alias.name}" for alias in node.names)]


def inspect_paths(paths: list[Path], *, strict: bool = False) -> InspectReport:
    """Inspect each wheel; one that cannot be read is in the report with its ``error``."""
    wheels = []
    for path in paths:
        try:
            wheels.append(inspect_wheel(path, strict=strict))
        except InvalidWheel as exc:
            wheels.append(
                WheelInspection(
                    wheel=str(path),
                    filename=PurePosixPath(path).name,
                    name=None,
                    version=None,
                    tags=(),
                    kind=WheelKind.UNREADABLE,
                    verdict=judge((), error=exc.message, strict=strict),
                    ok=False,
                    error=exc.message,
                )
            )
    return report_of(wheels, strict=strict)
