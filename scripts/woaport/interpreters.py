"""The laptop's Pythons: found, probed once, and chosen for each wheel by its tags.

A queue item holds wheels for one interpreter (``cp312-cp312-win_arm64``); a laptop has
several Pythons. The device runs each item with one whose tags include a tag of every
wheel in the item, and reports the item *skipped* -- never *failed* -- when it has none.

Where the Pythons come from:

- the ``python`` setting (the default, first), then the ``pythons`` setting, in order;
- on Windows, the Python launcher's list, ``py -0p`` (:func:`parse_py_listing` reads it);
- the ``emulated_pythons`` setting names interpreters that run emulated (an x64 CPython on
  an Arm64 laptop); on Windows the probe also detects them. Emulated interpreters are never
  used to validate a native wheel: they serve the native-vs-emulated comparison.

Each interpreter is probed once (a stdlib-only script, :data:`PROBE`, run by it) for the
facts its tags follow from; the answer is cached by the executable's path, size and mtime.
The tags themselves are derived here with ``packaging.tags``' own generators, so the target
interpreter needs nothing installed.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PureWindowsPath
from typing import Any

from packaging.tags import (
    INTERPRETER_SHORT_NAMES,
    Tag,
    compatible_tags,
    cpython_tags,
    generic_tags,
    mac_platforms,
)
from packaging.utils import InvalidWheelFilename, parse_wheel_filename

from woaport import venv
from woaport.documents.base import Document
from woaport.documents.device_result import Interpreter
from woaport.errors import InvalidDocument
from woaport.files import write_atomic
from woaport.procs import windowless

# Run by the interpreter being probed, as ``python -I -c PROBE <envfacts.py>``: the standard
# library only (the interpreter may have nothing installed), any Python 3.8+. What it prints
# is what packaging.tags reads from the running interpreter (sysconfig variables, sys,
# platform) and the machine facts woaport.envfacts derives (emulated or not).
PROBE = r"""
import importlib.machinery, importlib.util, json, os, platform, struct, sys, sysconfig
var = sysconfig.get_config_var
glibc = None
if hasattr(os, "confstr"):
    try:
        found = os.confstr("CS_GNU_LIBC_VERSION") or ""
    except (OSError, ValueError):
        found = ""
    if found.startswith("glibc "):
        glibc = found.split(" ", 1)[1]
facts = {
    "executable": sys.executable,
    "implementation": sys.implementation.name,
    "version": platform.python_version(),
    "version_info": list(sys.version_info[:2]),
    "py_version_nodot": str(var("py_version_nodot") or ""),
    "ext_suffix": str(var("EXT_SUFFIX") or ""),
    "extension_suffixes": list(importlib.machinery.EXTENSION_SUFFIXES),
    "py_debug": None if var("Py_DEBUG") is None else bool(var("Py_DEBUG")),
    "gettotalrefcount": hasattr(sys, "gettotalrefcount"),
    "free_threaded": bool(var("Py_GIL_DISABLED")),
    "with_pymalloc": None if var("WITH_PYMALLOC") is None else bool(var("WITH_PYMALLOC")),
    "sysconfig_platform": sysconfig.get_platform(),
    "system": platform.system(),
    "machine": platform.machine(),
    "bits": struct.calcsize("P") * 8,
    "glibc": glibc,
    "mac_version": platform.mac_ver()[0] or None,
    "interpreter_machine": None,
    "native_machine": None,
    "emulated": None,
}
if len(sys.argv) > 1:
    spec = importlib.util.spec_from_file_location("woaport_envfacts", sys.argv[1])
    envfacts = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(envfacts)
    machine = envfacts.interpreter_machine(sysconfig.get_platform(), platform.machine())
    if os.name == "nt":
        native = envfacts.native_machine_windows()
    else:
        native = envfacts.interpreter_machine("", os.uname().machine)
    facts.update(
        interpreter_machine=machine,
        native_machine=native,
        emulated=envfacts.is_emulated(machine, native),
    )
print(json.dumps(facts))
"""

PROBE_TIMEOUT = 60.0
MAX_PROBE_OUTPUT = 64 << 10
MAX_LISTING = 1 << 20  # a py launcher listing larger than this is not one
MAX_ENTRIES = 200
CACHE_VERSION = 1
MAX_REASON = 4000  # a skip reason longer than this is cut (an item may hold many wheels)


@dataclass(frozen=True, kw_only=True)
class Facts(Document):
    """What :data:`PROBE` printed: everything an interpreter's tags follow from."""

    executable: str
    implementation: str  # sys.implementation.name: "cpython", "pypy"
    version: str  # "3.12.7"
    version_info: tuple[int, ...]  # (3, 12)
    py_version_nodot: str
    ext_suffix: str
    extension_suffixes: tuple[str, ...]
    py_debug: bool | None
    gettotalrefcount: bool
    free_threaded: bool
    with_pymalloc: bool | None
    sysconfig_platform: str  # "win-arm64", "linux-x86_64", "macosx-11.0-arm64"
    system: str  # "Windows", "Linux", "Darwin"
    machine: str  # platform.machine()
    bits: int
    glibc: str | None = None  # "2.36"
    mac_version: str | None = None  # "14.4"
    interpreter_machine: str | None = None  # "ARM64", "AMD64" (woaport.envfacts' names)
    native_machine: str | None = None
    emulated: bool | None = None


@dataclass(frozen=True, kw_only=True)
class Python:
    """One interpreter of the laptop, probed."""

    path: str  # what the device runs (as configured or listed)
    source: str  # where it was found: "python setting", "py -0p (-V:3.12-arm64)", ...
    facts: Facts
    emulated: bool
    tags: tuple[Tag, ...]  # what it installs, most preferred first (packaging's order)

    @property
    def platform(self) -> str:
        """The platform tag sysconfig names: win_arm64, win_amd64, linux_x86_64."""
        return _normalize(self.facts.sysconfig_platform)

    @property
    def label(self) -> str:
        """``cp312`` / ``cp313t`` / ``pp310``: the interpreter part of its best tag."""
        abi = self.tags[0].abi if self.tags else ""
        interp = self.tags[0].interpreter if self.tags else self.facts.implementation
        return abi if abi.startswith(interp) else interp

    def describe(self) -> str:
        emulated = ", emulated" if self.emulated else ""
        return f"{self.path} ({self.label}, {self.platform}{emulated})"

    def record(self, matched: Sequence[str] = ()) -> Interpreter:
        """This interpreter as a device result names it."""
        return Interpreter(
            executable=self.path,
            version=self.facts.version,
            implementation=self.facts.implementation,
            platform=self.platform,
            machine=self.facts.interpreter_machine or self.facts.machine,
            free_threaded=self.facts.free_threaded,
            tags=tuple(matched),
            emulated=self.emulated,
        )


@dataclass(frozen=True, kw_only=True)
class Discovery:
    pythons: tuple[Python, ...]
    problems: tuple[str, ...] = ()  # interpreters that were named but could not be probed

    @property
    def native(self) -> tuple[Python, ...]:
        return tuple(p for p in self.pythons if not p.emulated)

    @property
    def emulated(self) -> tuple[Python, ...]:
        return tuple(p for p in self.pythons if p.emulated)

    def describe(self) -> str:
        found = "; ".join(p.describe() for p in self.pythons) or "none"
        broken = f"; not usable: {'; '.join(self.problems)}" if self.problems else ""
        return found + broken


@dataclass(frozen=True, kw_only=True)
class Choice:
    python: Python
    matched: tuple[str, ...]  # per wheel, the tag it matched (the interpreter's preference)

    def record(self) -> Interpreter:
        return self.python.record(self.matched)


# -- the py launcher's list ---------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class LauncherEntry:
    tag: str  # "3.12-arm64", "PythonCore/3.12", "3.10-64"; "" for the active virtual env
    default: bool
    path: str  # the executable, or an install folder when the launcher knows only that
    arguments: str = ""  # ExecutableArguments (PEP 514), which the launcher appends


# A line of ``py -0p`` / ``py --list-paths``. The formats, from the sources that print them:
# - the launcher of CPython 3.11+ (PC/launcher2.c, _printEnvironment and
#   _listAllEnvironments): `L" %-*s %s\n"` with TAGWIDTH 16, the first field "-V:TAG" or
#   "-V:COMPANY/TAG" with " *" appended for the default, the second the ExecutablePath
#   (followed by " " and its ExecutableArguments when the registry has some) or the
#   InstallPath; "No installed Pythons found!" when there is nothing.
# - the Python install manager (python/pymanager, src/manage/list_command.py,
#   format_legacy, which `py -0p` prints "for compatibility with the old launcher"):
#   " -V:TAG" (or " -V:COMPANY\TAG") plus " *" for the default, ljust(17), then the
#   executable; the active virtual environment is "  *" (no tag).
# - the launcher before 3.11 (PC/launcher.c, bpo-30362): " -X.Y-BB" plus " *" then the path.
# CPython's Lib/test/test_launcher.py reads the same lines with r"\s*(.+?)\s+?(\*\s+)?(.+)$".
_LINE = re.compile(
    r"^\s{0,4}(?P<tag>-V:\S{1,200}|-\d\S{0,30})?(?P<star>\s{1,4}\*)?\s+(?P<rest>\S.*)$"
)
_EXE = re.compile(r"^(?P<path>.+?\.exe)(?:\s+(?P<args>.*))?$", re.IGNORECASE)
_WINDOWS_ABSOLUTE = re.compile(r"^(?:[A-Za-z]:[\\/]|\\\\)")


def parse_py_listing(text: str) -> list[LauncherEntry]:
    """The interpreters in ``py -0p`` output; lines that name no absolute path (the
    ``-0`` display names, "No installed Pythons found!", headers) are left out."""
    entries = []
    for line in text[:MAX_LISTING].splitlines()[: MAX_ENTRIES * 2]:
        line = line.rstrip("\r")
        if not line.strip().startswith(("-", "*")):
            continue
        stripped = line.strip()
        if stripped.startswith("*"):  # the active virtual environment: "  *   C:\env\..."
            tag, star, rest = "", True, stripped[1:].strip()
        else:
            match = _LINE.match(line)
            if match is None:
                continue
            tag, star, rest = match["tag"] or "", bool(match["star"]), match["rest"].strip()
        if tag.startswith("-V:"):
            tag = tag[3:]
        elif tag.startswith("-"):
            tag = tag[1:]
        exe = _EXE.match(rest)
        path, arguments = (exe["path"], exe["args"] or "") if exe else (rest, "")
        if not (_WINDOWS_ABSOLUTE.match(path) or path.startswith("/")):
            continue  # a display name ("Python 3.12 (64-bit)"), not a path
        entries.append(LauncherEntry(tag=tag, default=star, path=path, arguments=arguments))
        if len(entries) >= MAX_ENTRIES:
            break
    return entries


def executable_of(path: str, os_name: str = os.name) -> str:
    """The interpreter a setting or the launcher names: an executable as is; a folder as
    the Python in it -- an installation (``python.exe``) or a virtual environment
    (``Scripts\\python.exe`` on Windows, ``bin/python`` elsewhere)."""
    folder = Path(path)
    if folder.is_dir():
        inside = [folder / "python.exe"] if os_name == "nt" else [folder / "bin" / "python3"]
        for candidate in [*inside, venv.python_in(folder, os_name)]:
            if candidate.is_file():
                return str(candidate)
        return path
    if os_name == "nt" and not folder.exists() and PureWindowsPath(path).suffix.lower() != ".exe":
        # The launcher prints the InstallPath when the registry has no ExecutablePath
        # (PEP 514): python.exe is in that folder.
        return str(PureWindowsPath(path) / "python.exe")
    return path


def launcher_listing(py: str, timeout: float = 30.0) -> tuple[str, str | None]:
    """(``py -0p``'s output, a problem or None)."""
    try:
        done = subprocess.run(
            [py, "-0p"],
            capture_output=True,
            timeout=timeout,
            check=False,
            stdin=subprocess.DEVNULL,
            **windowless(),
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return "", f"{py} -0p: {exc}"
    # launcher2.c switches stdout to UTF-8 (_setmode _O_U8TEXT) before listing.
    text = done.stdout[:MAX_LISTING].decode("utf-8", "replace")
    if done.returncode != 0 and not text.strip():
        return "", f"{py} -0p exited {done.returncode}"
    return text, None


# -- probing ------------------------------------------------------------------------------


@dataclass
class ProbeCache:
    """Facts by executable, kept while the file's size and mtime (and its environment's
    pyvenv.cfg) stay the same."""

    path: Path | None
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    changed: bool = False

    @classmethod
    def load(cls, path: Path | None) -> ProbeCache:
        if path is None or not path.is_file():
            return cls(path=path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            entries = data["entries"] if data.get("version") == CACHE_VERSION else {}
            if not isinstance(entries, dict):
                entries = {}
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
            entries = {}
        return cls(path=path, entries=entries)

    def get(self, executable: str, key: list[int]) -> Facts | None:
        entry = self.entries.get(executable)
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        try:
            return Facts.from_json(entry.get("facts"), f"{self.path}: {executable}")
        except InvalidDocument:
            return None

    def put(self, executable: str, key: list[int], facts: Facts) -> None:
        self.entries[executable] = {"key": key, "facts": facts.to_json()}
        self.changed = True

    def save(self) -> None:
        if self.path is not None and self.changed:
            payload = {"version": CACHE_VERSION, "entries": self.entries}
            write_atomic(self.path, json.dumps(payload, indent=1, sort_keys=True).encode())
            self.changed = False


def _identity(executable: str) -> list[int] | None:
    """What the cache is keyed on: the file's (target's) size and mtime, and those of the
    pyvenv.cfg of the environment it belongs to, if any; None when it does not exist."""
    try:
        stat = Path(executable).stat()
    except OSError:
        return None
    key = [stat.st_size, stat.st_mtime_ns]
    parent = Path(executable).parent
    for cfg in (parent / "pyvenv.cfg", parent.parent / "pyvenv.cfg"):
        try:
            key.append(cfg.stat().st_mtime_ns)
            break
        except OSError:
            continue
    return key


def probe(executable: str, timeout: float = PROBE_TIMEOUT) -> Facts:
    """Run :data:`PROBE` with ``executable``; raises OSError with the reason when it cannot."""
    envfacts = Path(__file__).with_name("envfacts.py")
    try:
        done = subprocess.run(
            [executable, "-I", "-c", PROBE, str(envfacts)],
            capture_output=True,
            timeout=timeout,
            check=False,
            stdin=subprocess.DEVNULL,
            **windowless(),
        )
    except subprocess.TimeoutExpired:
        raise OSError(f"did not answer in {timeout:.0f}s") from None
    if done.returncode != 0:
        tail = done.stderr[-300:].decode("utf-8", "replace").strip().splitlines()
        raise OSError(f"exited {done.returncode}" + (f": {tail[-1]}" if tail else ""))
    lines = done.stdout[:MAX_PROBE_OUTPUT].decode("utf-8", "replace").strip().splitlines()
    try:
        return Facts.from_json(json.loads(lines[-1]), f"{executable} (probe)")
    except (IndexError, ValueError, InvalidDocument) as exc:
        raise OSError(f"printed no facts ({exc})") from None


# -- tags ---------------------------------------------------------------------------------


def _normalize(text: str) -> str:
    return text.replace(".", "_").replace("-", "_").replace(" ", "_")


# manylinux: PEP 600 (manylinux_x_y: glibc >= x.y) and its legacy aliases -- PEP 513
# manylinux1 = 2.5, PEP 571 manylinux2010 = 2.12, PEP 599 manylinux2014 = 2.17 --, listed
# from the interpreter's glibc down to 2.5 on x86 and 2.17 elsewhere, in the order of
# packaging's _manylinux.platform_tags (which reads the *running* process's glibc, so it
# cannot answer for another interpreter).
_LEGACY_MANYLINUX = {(2, 17): "manylinux2014", (2, 12): "manylinux2010", (2, 5): "manylinux1"}
# packaging/_manylinux.py _ALLOWED_ARCHS, plus the 32-bit ones it checks in the ELF header.
_MANYLINUX_ARCHS = {
    "x86_64",
    "aarch64",
    "ppc64",
    "ppc64le",
    "s390x",
    "loongarch64",
    "riscv64",
    "i686",
    "armv7l",
}


def _manylinux(glibc: str | None, archs: Sequence[str]) -> Iterator[str]:
    match = re.match(r"(\d+)\.(\d+)", glibc or "")
    if not match or not set(archs) <= _MANYLINUX_ARCHS:
        return
    major, minor = int(match[1]), int(match[2])
    if major != 2:
        return  # no glibc 3 exists; packaging would also list 2.50 downwards
    oldest = 4 if set(archs) & {"x86_64", "i686"} else 16
    for arch in archs:
        for glibc_minor in range(minor, oldest, -1):
            yield f"manylinux_2_{glibc_minor}_{arch}"
            legacy = _LEGACY_MANYLINUX.get((2, glibc_minor))
            if legacy:
                yield f"{legacy}_{arch}"


def platforms(facts: Facts) -> list[str]:
    """The platform tags the interpreter installs, most specific first (packaging.tags'
    platform_tags, for that interpreter's facts)."""
    plat = _normalize(facts.sysconfig_platform)
    if facts.system == "Darwin" and facts.mac_version:
        parts = facts.mac_version.split(".")
        version = (int(parts[0]), int(parts[1]) if len(parts) > 1 else 0)
        return list(mac_platforms(version, facts.machine))
    if facts.system == "Linux" and plat.startswith("linux_"):
        if facts.bits == 32:
            plat = {"linux_x86_64": "linux_i686", "linux_aarch64": "linux_armv8l"}.get(plat, plat)
        arch = plat.split("_", 1)[1]
        archs = {"armv8l": ["armv8l", "armv7l"]}.get(arch, [arch])
        # musllinux needs the musl loader's version (packaging reads the ELF interpreter of
        # sys.executable and runs it): not probed, so a musllinux wheel finds no match here
        # and is skipped -- never run on an interpreter that cannot load it.
        return [f"linux_{a}" for a in archs] + list(_manylinux(facts.glibc, archs))
    return [plat]


def _cpython_abis(facts: Facts, version: tuple[int, int]) -> list[str]:
    """packaging.tags._cpython_abis, from the probed variables."""
    nodot = f"{version[0]}{version[1]}"
    debug = facts.py_debug or (
        facts.py_debug is None and (facts.gettotalrefcount or "_d.pyd" in facts.extension_suffixes)
    )
    threading = "t" if version >= (3, 13) and facts.free_threaded else ""
    pymalloc = "m" if version < (3, 8) and facts.with_pymalloc is not False else ""
    abis = [f"cp{nodot}{threading}{'d' if debug else ''}{pymalloc}"]
    if debug and version >= (3, 8):
        abis.append(f"cp{nodot}{threading}")
    return abis


def _generic_abis(facts: Facts) -> list[str]:
    """packaging.tags._generic_abi, from the probed EXT_SUFFIX."""
    parts = facts.ext_suffix.split(".")
    if len(parts) < 3:
        return []
    soabi = parts[1]
    if soabi.startswith("cpython"):
        pieces = soabi.split("-")
        return ["cp" + pieces[1]] if len(pieces) > 1 and pieces[1] else []
    if soabi.startswith("cp"):
        return [_normalize(soabi.split("-")[0])]
    if soabi.startswith("pypy"):
        return [_normalize("-".join(soabi.split("-")[:2]))]
    if soabi.startswith("graalpy"):
        return [_normalize("-".join(soabi.split("-")[:3]))]
    return [_normalize(soabi)] if soabi else []


def supported_tags(facts: Facts) -> tuple[Tag, ...]:
    """packaging.tags.sys_tags() of the interpreter the facts describe, in its order."""
    if len(facts.version_info) < 2:
        return ()
    version = (facts.version_info[0], facts.version_info[1])
    plats = platforms(facts)
    if not plats:
        return ()
    name = INTERPRETER_SHORT_NAMES.get(facts.implementation) or facts.implementation
    nodot = facts.py_version_nodot or f"{version[0]}{version[1]}"
    tags: list[Tag] = []
    if name == "cp":
        tags += cpython_tags(version, _cpython_abis(facts, version), plats)
        interp: str | None = f"cp{nodot}"
    else:
        tags += generic_tags(f"{name}{nodot}", _generic_abis(facts), plats)
        interp = "pp3" if name == "pp" else None
    tags += compatible_tags(version, interp, plats)
    return tuple(tags)


# -- discovery ----------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Candidate:
    path: str
    source: str
    emulated: bool = False  # named as emulated in the settings


def candidates(
    python: str,
    pythons: Iterable[str] = (),
    emulated: Iterable[str] = (),
    *,
    os_name: str = os.name,
    py: str | None = None,
) -> tuple[list[Candidate], list[str]]:
    """Every interpreter the settings and (on Windows) the py launcher name, the default
    first, each once; and the problems met on the way."""
    found: list[Candidate] = [Candidate(path=executable_of(python, os_name), source="python")]
    found += [Candidate(path=executable_of(p, os_name), source="pythons") for p in pythons]
    found += [
        Candidate(path=executable_of(p, os_name), source="emulated_pythons", emulated=True)
        for p in emulated
    ]
    problems: list[str] = []
    if os_name == "nt":
        launcher = py if py is not None else shutil.which("py")
        if launcher:
            text, problem = launcher_listing(launcher)
            if problem:
                problems.append(problem)
            for entry in parse_py_listing(text):
                where = f"py -0p ({'-V:' + entry.tag if entry.tag else 'active venv'})"
                found.append(Candidate(path=executable_of(entry.path, os_name), source=where))
    seen: dict[str, int] = {}
    unique: list[Candidate] = []
    for candidate in found:
        key = _same_file_key(candidate.path, os_name)
        if key in seen:
            if candidate.emulated:  # the setting marks one already listed as emulated
                index = seen[key]
                unique[index] = Candidate(
                    path=unique[index].path, source=unique[index].source, emulated=True
                )
            continue
        seen[key] = len(unique)
        unique.append(candidate)
    return unique, problems


def _same_file_key(path: str, os_name: str) -> str:
    """One key per file: symlinks resolved where the path is this machine's; Windows paths
    compare without case."""
    resolved = path
    if os_name == os.name:
        with contextlib.suppress(OSError):
            resolved = str(Path(path).resolve())
    return resolved.casefold() if os_name == "nt" else resolved


def discover(
    python: str,
    pythons: Iterable[str] = (),
    emulated: Iterable[str] = (),
    *,
    cache_path: Path | None = None,
    os_name: str = os.name,
    py: str | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> Discovery:
    """The usable interpreters, probed (or read from the cache), in preference order."""
    found, problems = candidates(python, pythons, emulated, os_name=os_name, py=py)
    cache = ProbeCache.load(cache_path)
    usable: list[Python] = []
    for candidate in found:
        key = _identity(candidate.path)
        if key is None:
            problems.append(f"{candidate.path} ({candidate.source}): no such file")
            continue
        facts = cache.get(candidate.path, key)
        if facts is None:
            progress(f"probing {candidate.path}")
            try:
                facts = probe(candidate.path)
            except OSError as exc:
                problems.append(f"{candidate.path} ({candidate.source}): {exc}")
                continue
            cache.put(candidate.path, key, facts)
        usable.append(
            Python(
                path=candidate.path,
                source=candidate.source,
                facts=facts,
                emulated=candidate.emulated or bool(facts.emulated),
                tags=supported_tags(facts),
            )
        )
    try:
        cache.save()
    except OSError as exc:
        progress(f"interpreter cache not saved: {exc}")
    return Discovery(pythons=tuple(usable), problems=tuple(problems))


# -- choosing -----------------------------------------------------------------------------


def wheel_tags(filename: str) -> frozenset[Tag]:
    """The tags a wheel's file name carries (empty when it is no wheel file name)."""
    try:
        return parse_wheel_filename(filename)[3]
    except InvalidWheelFilename:
        return frozenset()


def best_match(python: Python, filename: str) -> Tag | None:
    """The tag of ``filename`` this interpreter prefers, or None when it installs none."""
    offered = wheel_tags(filename)
    return next((tag for tag in python.tags if tag in offered), None)


def choose(pythons: Iterable[Python], filenames: Sequence[str]) -> Choice | None:
    """The first interpreter (in preference order) that installs every one of the wheels."""
    for python in pythons:
        matched: list[str] = []
        for filename in filenames:
            tag = best_match(python, filename)
            if tag is None:
                break
            if str(tag) not in matched:
                matched.append(str(tag))
        else:
            return Choice(python=python, matched=tuple(matched))
    return None


def no_match(discovery: Discovery, filenames: Sequence[str], limit: int = 8) -> str:
    """Why no interpreter here can run these wheels: their tags and what was found."""
    wheels = []
    for filename in filenames:
        tags = sorted(str(t) for t in wheel_tags(filename))
        shown = ", ".join(tags[:limit]) + (f", ... ({len(tags)} tags)" if len(tags) > limit else "")
        wheels.append(f"{filename} (tags {shown or 'none: not a wheel file name'})")
    natives = "; ".join(p.describe() for p in discovery.native) or "none"
    text = f"no interpreter here installs {', '.join(wheels)}; found {natives}"
    if discovery.emulated:
        text += "; emulated, not used for validation: " + "; ".join(
            p.describe() for p in discovery.emulated
        )
    if discovery.problems:
        text += "; not usable: " + "; ".join(discovery.problems)
    if len(text) > MAX_REASON:
        text = text[: MAX_REASON - 3] + "..."
    return text + (
        ". Install a matching Python (on Windows: the py launcher lists it) "
        "or name it in the `pythons` setting"
    )
