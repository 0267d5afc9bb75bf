"""Build wheels for tests: from scratch, or as edited copies of real wheels."""

from __future__ import annotations

import base64
import hashlib
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path


def record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def write_wheel(
    path: Path,
    members: Mapping[str, bytes],
    *,
    dist_info: str,
    tags: Iterable[str] | None = None,
    record: bool = True,
    record_newline: str = "\n",
    compression: int = zipfile.ZIP_DEFLATED,
) -> Path:
    """Write ``members`` plus a WHEEL (when ``tags`` is given) and a correct RECORD."""
    files = dict(members)
    if tags is not None:
        files[f"{dist_info}/WHEEL"] = (
            "Wheel-Version: 1.0\nGenerator: woaport-tests\nRoot-Is-Purelib: false\n"
            + "".join(f"Tag: {t}\n" for t in tags)
        ).encode()
    if record:
        lines = [record_line(n, d) for n, d in files.items()]
        lines.append(f"{dist_info}/RECORD,,")
        files[f"{dist_info}/RECORD"] = (record_newline.join(lines) + record_newline).encode()
    with zipfile.ZipFile(path, "w", compression=compression, compresslevel=1) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path


def read_members(path: Path, keep: Callable[[str], bool] = lambda _: True) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {
            i.filename: zf.read(i) for i in zf.infolist() if not i.is_dir() and keep(i.filename)
        }


def native_subset(path: Path) -> tuple[dict[str, bytes], str]:
    """A real wheel's native files (.pyd, .dll) and METADATA, without RECORD/WHEEL: the
    material for fast edited copies."""
    members = read_members(path, lambda n: n.endswith((".pyd", ".dll", "/METADATA", "__init__.py")))
    dist_info = next(n.split("/")[0] for n in members if n.endswith("/METADATA"))
    return members, dist_info


def set_machine(pe: bytes, machine: int) -> bytes:
    """Patch the COFF header's Machine field."""
    offset = int.from_bytes(pe[0x3C:0x40], "little") + 4
    return pe[:offset] + machine.to_bytes(2, "little") + pe[offset + 2 :]


def rename_import(pe: bytes, old: str, new: str) -> bytes:
    """Rewrite an imported DLL name in place (the new name must not be longer)."""
    old_b, new_b = old.encode() + b"\0", new.encode() + b"\0"
    assert len(new_b) <= len(old_b) and pe.count(old_b) >= 1
    return pe.replace(old_b, new_b.ljust(len(old_b), b"\0"))


def cut(pe: bytes, fraction: float = 0.5) -> bytes:
    """The first part of an image: what an interrupted copy leaves."""
    return pe[: int(len(pe) * fraction)]


def retag_members(members: dict[str, bytes], old: str, new: str) -> dict[str, bytes]:
    return {n.replace(old, new): d for n, d in members.items()}


# Crafted variants of real wheels, one per case of issue 13's inspect list (and a few of
# the cases inspect always caught). Each builds a wheel from real files and says which
# finding codes (errors and warnings) `woaport inspect` must report: shared by
# tests/test_payload.py and bench/eval_inspect.py.


@dataclass(frozen=True, kw_only=True)
class Sources:
    """Paths of the real wheels the variants are made from."""

    numpy: Path  # numpy 2.5.5 cp312 win_arm64: delvewheel-bundled OpenBLAS and msvcp140
    pywin32: Path
    zstandard: Path  # a cffi module importing python3.dll in a cp312 wheel
    numba: Path  # tbbpool.pyd imports tbb12.dll; numba guards every import of it
    pythonnet: Path  # Python.Runtime.dll: an AnyCPU .NET assembly
    clang_format: Path  # a program importing VCRUNTIME140.dll
    markupsafe_linux: Path  # an ELF extension


@dataclass(frozen=True, kw_only=True)
class Variant:
    name: str
    case: str
    expected: frozenset[str]  # non-info finding codes
    build: Callable[[Sources, Path], Path]
    mentions: str = ""  # text one finding's message or hint must contain


NUMPY_TAG = "cp312-cp312-win_arm64"
NUMPY_UMATH = "numpy/_core/_multiarray_umath.cp312-win_arm64.pyd"
NUMPY_OPENBLAS = "numpy.libs/scipy_openblas-ff6d319c52b3e1955d73aac19764c8c0.dll"
AMD64_MACHINE, I386_MACHINE = 0x8664, 0x014C


def _numpy(
    src: Sources,
    out: Path,
    edit: Callable[[dict[str, bytes]], None] | None = None,
    tag: str = NUMPY_TAG,
) -> Path:
    members, dist_info = native_subset(src.numpy)
    if edit:
        edit(members)
    return write_wheel(out / f"numpy-2.5.5-{tag}.whl", members, dist_info=dist_info, tags=[tag])


def _real_subset(path: Path, out: Path, keep: Callable[[str], bool], tag: str) -> Path:
    members = read_members(path, lambda n: keep(n) and not n.endswith(("/RECORD", "/WHEEL")))
    dist_info = next(n.split("/")[0] for n in members if n.endswith("/METADATA"))
    interpreters, abi, platform = tag.split("-")
    tags = [f"{i}-{abi}-{platform}" for i in interpreters.split(".")]
    return write_wheel(out / path.name, members, dist_info=dist_info, tags=tags)


def _pywin32_system(src: Sources, out: Path) -> Path:
    # Extensions importing ACLUI, ACTIVEDS, LZ32, ktmw32, loadperf, query and sfc: all in
    # System32 of Windows 11 ARM64.
    wanted = ("authorization.pyd", "adsi.pyd", "win32lz.pyd", "win32transaction.pyd")
    wanted += ("perfmon.pyd", "ifilter.pyd", "win32file.pyd")
    return _real_subset(
        src.pywin32,
        out,
        lambda n: n.endswith(wanted) or "pywin32_system32" in n or n.endswith("/METADATA"),
        NUMPY_TAG,
    )


def _dotnet(machine: int | None) -> Callable[[Sources, Path], Path]:
    def build(src: Sources, out: Path) -> Path:
        (assembly,) = read_members(src.pythonnet, lambda n: n.endswith(".dll")).values()
        if machine is not None:
            assembly = set_machine(assembly, machine)

        def edit(m: dict[str, bytes]) -> None:
            m["numpy/runtime/Python.Runtime.dll"] = assembly

        return _numpy(src, out, edit)

    return build


def _elf_pyd(src: Sources, out: Path) -> Path:
    elf = next(iter(read_members(src.markupsafe_linux, lambda n: n.endswith(".so")).values()))

    def edit(m: dict[str, bytes]) -> None:
        m["numpy/_core/_elf_helper.pyd"] = elf

    return _numpy(src, out, edit)


def _rename_umath(new: str) -> Callable[[Sources, Path], Path]:
    def edit(m: dict[str, bytes]) -> None:
        m[NUMPY_UMATH.replace("_multiarray_umath.cp312-win_arm64.pyd", new)] = m.pop(NUMPY_UMATH)

    return lambda src, out: _numpy(src, out, edit)


def _text_named_like_dll(src: Sources, out: Path) -> Path:
    def edit(m: dict[str, bytes]) -> None:
        m.pop(NUMPY_OPENBLAS)
        m["numpy/doc/" + NUMPY_OPENBLAS.rpartition("/")[2] + ".txt"] = b"OpenBLAS licence\n"
        m["numpy/doc/" + NUMPY_OPENBLAS.rpartition("/")[2].lower()] = b"see LICENSE\n"

    return _numpy(src, out, edit)


def _cut_pyd(src: Sources, out: Path) -> Path:
    def edit(m: dict[str, bytes]) -> None:
        m[NUMPY_UMATH] = cut(m[NUMPY_UMATH])

    return _numpy(src, out, edit)


def _numba(unguard: bool) -> Callable[[Sources, Path], Path]:
    def build(src: Sources, out: Path) -> Path:
        members = read_members(
            src.numba,
            lambda n: not n.endswith(("/RECORD", "/WHEEL")) and "/tests/" not in n,
        )
        if unguard:  # a second module that imports tbbpool with no guard
            members["numba/np/ufunc/use_tbb.py"] = b"from numba.np.ufunc import tbbpool\n"
        dist_info = next(n.split("/")[0] for n in members if n.endswith("/METADATA"))
        return write_wheel(out / src.numba.name, members, dist_info=dist_info, tags=[NUMPY_TAG])

    return build


def _import_renamed(new: str) -> Callable[[Sources, Path], Path]:
    """numpy with its extensions' OpenBLAS import renamed to ``new`` (the DLL stays)."""
    old = NUMPY_OPENBLAS.rpartition("/")[2]

    def edit(m: dict[str, bytes]) -> None:
        for name, data in list(m.items()):
            if name.endswith(".pyd") and old.encode() in data:
                m[name] = rename_import(data, old, new)

    return lambda src, out: _numpy(src, out, edit)


def _py3_none(src: Sources, out: Path) -> Path:
    def edit(m: dict[str, bytes]) -> None:
        for name in [n for n in m if n.endswith(".cp312-win_arm64.pyd")]:
            m[name.replace(".cp312-win_arm64.pyd", ".pyd")] = m.pop(name)

    return _numpy(src, out, edit, tag="py3-none-win_arm64")


def _vcomp_unbundled(src: Sources, out: Path) -> Path:
    return _real_subset(
        src.numba,
        out,
        lambda n: n.endswith(("omppool.cp312-win_arm64.pyd", "/METADATA")),
        NUMPY_TAG,
    )


def _program(src: Sources, out: Path) -> Path:
    return _real_subset(
        src.clang_format,
        out,
        lambda n: n.endswith((".exe", "/METADATA")),
        "py2.py3-none-win_arm64",
    )


def _amd64_pyd(src: Sources, out: Path) -> Path:
    def edit(m: dict[str, bytes]) -> None:
        m[NUMPY_UMATH] = set_machine(m[NUMPY_UMATH], AMD64_MACHINE)

    return _numpy(src, out, edit)


def _case_twin(src: Sources, out: Path) -> Path:
    """A second copy of the extension, its name differing only in case: one file on Windows."""

    def edit(m: dict[str, bytes]) -> None:
        m[NUMPY_UMATH.replace("_multiarray", "_Multiarray")] = m[NUMPY_UMATH]

    return _numpy(src, out, edit)


def _real(attribute: str) -> Callable[[Sources, Path], Path]:
    def build(src: Sources, out: Path) -> Path:
        path: Path = getattr(src, attribute)
        return path

    return build


NONE: frozenset[str] = frozenset()
VARIANTS = [
    Variant(name="numpy-subset", case="control", expected=NONE, build=lambda s, o: _numpy(s, o)),
    Variant(
        name="pywin32-system-dlls",
        case="system DLLs outside a hand list (ACLUI, ACTIVEDS, LZ32, ktmw32, ...)",
        expected=NONE,
        build=_pywin32_system,
    ),
    Variant(
        name="api-set-import",
        case="ext-ms-win-* API set",
        expected=NONE,
        build=_import_renamed("ext-ms-win-gdi-desktop-l1-1-0.dll"),
    ),
    Variant(
        name="mfuuid-import",
        case="mfuuid is a static library, not a DLL",
        expected=frozenset({"missing-dependency"}),
        build=_import_renamed("mfuuid.dll"),
        mentions="mfuuid.dll",
    ),
    Variant(
        name="zstandard-python3-dll",
        case="python3.dll in a cpXY wheel",
        expected=NONE,
        build=_real("zstandard"),
    ),
    Variant(
        name="dotnet-anycpu",
        case=".NET AnyCPU assembly (I386 header, IL only)",
        expected=NONE,
        build=_dotnet(None),
    ),
    Variant(
        name="dotnet-x64-only",
        case=".NET assembly marked for AMD64 only",
        expected=frozenset({"machine-mismatch"}),
        build=_dotnet(AMD64_MACHINE),
    ),
    Variant(
        name="elf-pyd",
        case="a .pyd that is an ELF file",
        expected=frozenset({"corrupt-pe"}),
        build=_elf_pyd,
        mentions="ELF",
    ),
    Variant(
        name="py3-none-python312",
        case="py3-none-win_arm64 wheel whose .pyd imports python312.dll",
        expected=frozenset({"python-dll-mismatch"}),
        build=_py3_none,
        mentions="python312.dll",
    ),
    Variant(
        name="abi3-suffix-pyd",
        case="a .pyd named .abi3.pyd",
        expected=frozenset({"extension-name"}),
        build=_rename_umath("_multiarray_umath.abi3.pyd"),
    ),
    Variant(
        name="linux-suffix-pyd",
        case="a .pyd named .cpython-312-x86_64-linux-gnu.pyd",
        expected=frozenset({"extension-name"}),
        build=_rename_umath("_multiarray_umath.cpython-312-x86_64-linux-gnu.pyd"),
    ),
    Variant(
        name="text-named-like-dll",
        case="a text file with a bundled DLL's name",
        expected=frozenset({"missing-dependency", "corrupt-pe"}),
        build=_text_named_like_dll,
        mentions="scipy_openblas",
    ),
    Variant(
        name="cut-pyd",
        case="a .pyd cut in half",
        expected=frozenset({"corrupt-pe"}),
        build=_cut_pyd,
        mentions="cut short",
    ),
    Variant(
        name="numba-optional-tbb",
        case="optional dependency guarded by try/except ImportError",
        expected=frozenset({"optional-dependency", "vc-runtime"}),
        build=_numba(unguard=False),
        mentions="parallel.py",
    ),
    Variant(
        name="numba-unguarded-tbb",
        case="the same extension imported without a guard",
        expected=frozenset({"missing-dependency", "vc-runtime"}),
        build=_numba(unguard=True),
        mentions="tbb12.dll",
    ),
    Variant(
        name="vcomp-hint",
        case="vc-runtime hint names the missing DLL",
        expected=frozenset({"vc-runtime"}),
        build=_vcomp_unbundled,
        mentions="--include vcomp140.dll",
    ),
    Variant(
        name="exe-vcruntime",
        case="a program importing vcruntime140.dll",
        expected=frozenset({"vc-runtime"}),
        build=_program,
        mentions="VCRUNTIME140.dll",
    ),
    Variant(
        name="amd64-pyd",
        case="x64 extension in a win_arm64 wheel",
        expected=frozenset({"machine-mismatch"}),
        build=_amd64_pyd,
    ),
    Variant(
        name="case-twin-pyd",
        case="two members whose names differ only in case",
        expected=frozenset({"case-collision"}),
        build=_case_twin,
        mentions="differ only in case",
    ),
    Variant(
        name="dropped-openblas",
        case="a bundled DLL removed",
        expected=frozenset({"missing-dependency"}),
        build=lambda s, o: _numpy(s, o, lambda m: m.pop(NUMPY_OPENBLAS) and None),
    ),
]
