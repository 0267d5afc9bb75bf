"""The fast paths of woaport.analyze give what the plain ways they replace give."""

from __future__ import annotations

import gzip
import io
import mmap
import re
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from woaport import analyze

# pieces of Python source that make and unmake `def` lines
_PIECES = st.sampled_from(
    ["def ", "def\t", "def", "async ", "async\t", "asyncdef ", "undef ", " ", "\t", "\n", "x", "#"]
)
_TEXTS = st.lists(_PIECES, max_size=40).map("".join)


def _function_around_plain(text: str, offset: int) -> str:
    """_function_around as the regex `^[ \\t]*(?:async[ \\t]+)?def[ \\t]` (MULTILINE) finds
    its lines, tried at every character."""
    start = 0
    for match in analyze._DEF.finditer(text, max(0, offset - 20_000), offset):
        start = match.start()
    if not start and not text.startswith("def", 0):
        return ""
    after = analyze._DEF.search(text, offset)
    return text[start : after.start() if after else len(text)]


@settings(max_examples=500, deadline=None)
@given(_TEXTS, st.integers(0, 200))
@example("x\n  async def f\n x\ndef g\n", 16)
@example("def f\n x\nundef y\n  def g\n", 8)
@example("def a\n  def f\n", 7)  # from inside the blanks before a `def`: not its line
def test_function_around_finds_the_lines_the_regex_finds(text: str, at: int) -> None:
    offset = at % (len(text) + 1)
    assert analyze._function_around(text, offset) == _function_around_plain(text, offset)


def test_function_around_looks_back_20000_characters_at_most() -> None:
    text = "import os\ndef f():\n" + "    x = 1\n" * 3000 + "    'lib.dll'\n"
    offset = text.index("lib.dll")
    assert _function_around_plain(text, offset) == ""  # the `def` is out of reach
    assert analyze._function_around(text, offset) == ""
    near = "def f():\n    'lib.dll'\ndef g():\n"
    assert analyze._function_around(near, near.index("lib")) == "def f():\n    'lib.dll'\n"


# pieces of the ARM tokens and of the words that hint at them, and their near misses
_ARM_PIECES = st.sampled_from(
    [*analyze.ARM_TOKENS, "_", "__", "ARM", "_NEON", "neon", "arm_", "aarch64", "M_ARM", "64", "x"]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_ARM_PIECES, max_size=8).map("".join))
@example("__ARM_NEON")
@example("_M_ARM64")
@example("x__aarch64__x")
def test_has_arm_path_is_any_arm_token(text: str) -> None:
    assert analyze.has_arm_path(text) == any(token in text for token in analyze.ARM_TOKENS)


# pieces of Rust `use` lines, Unix-only and not, on lines of their own or not
_RUST_USE_PIECES = st.sampled_from(
    [
        "use ",
        "pub ",
        "pub\t",
        "\n",
        "\r\n",
        "    ",
        "ab",
        "std::",
        "os::",
        "unix",
        "fd",
        "::",
        "{",
        "}",
        ";",
        ", ",
        "tokio::net::",
        "UnixStream",
        "io::",
    ]
)


@settings(max_examples=1000, deadline=None)
@given(st.lists(_RUST_USE_PIECES, max_size=30).map("".join))
@example("use std::os::unix;\nuse std::os::fd;")
@example("pub use std::{io, os::{fd::{AsRawFd}, unix::net}};\nuse std::os::unix;")
@example("use std::{a,\nuse std::os::unix; b, os::unix};")  # a match over lines hides the next
@example("abuse std::os::unix;\n    use std::os::unix;\nuse tokio::net::UnixStream;")
def test_rust_unix_uses_are_the_regex_matches(text: str) -> None:
    assert [m.span() for m in analyze._rust_unix_uses(text)] == [
        m.span() for m in analyze._RUST_UNIX_USE.finditer(text)
    ]


# pieces of Python string literals that name (or nearly name) C sources; one long enough to
# pass _SOURCE_LITERAL's 300 characters
_SOURCE_PIECES = st.sampled_from(
    [b"'", b'"', b".c", b".cc", b".cpp", b".cxx", b".h", b"a", b"/", b".", b"-", b" ", b"x" * 150]
)


@settings(max_examples=1000, deadline=None)
@given(st.lists(_SOURCE_PIECES, max_size=30).map(b"".join))
@example(b"'a.c''b.c'")
@example(b"'a.c'b.c'")  # a closing quote does not open the next literal
@example(b"'" + b"x" * 300 + b".c'")
@example(b"'" + b"x" * 301 + b".c'")  # past the 300 characters
def test_source_literals_are_the_regex_matches(data: bytes) -> None:
    assert analyze._source_literals(data) == analyze._SOURCE_LITERAL.findall(data)


# setup.py's two scans as the one alternation each was, every alternative led by `\b` where
# it was: _earliest must find where its first match starts
_EXTENSION_PLAIN = re.compile(
    r"\b(?:Extension|Pybind11Extension|RustExtension|cythonize|mypycify)\s*\("
    r"|\bcffi_modules\s*="
)
_PLATFORM_WHEEL_PLAIN = re.compile(
    r"root_is_pure\s*=\s*False|def\s+has_ext_modules\b|\bhas_ext_modules\s*=\s*lambda"
    r"|--plat-name|-pc-windows-msvc|\bdef\s+get_tag\b|\bplatform_tags\s*\("
    r"""|['"][\w./-]{1,200}\.(?:dll|dylib|so)['"]"""
)
_SETUP_PIECES = st.sampled_from(
    [
        "Extension",
        "Pybind11Extension",
        "RustExtension",
        "cythonize",
        "mypycify",
        "cffi_modules",
        "root_is_pure",
        "False",
        "has_ext_modules",
        "lambda",
        "def",
        "get_tag",
        "platform_tags",
        "--plat-name",
        "-pc-windows-msvc",
        ".dll",
        ".so",
        ".dylib",
        "'",
        '"',
        "(",
        "=",
        " ",
        "\n",
        "_",
        "x",
        "9",
        "é",
        "/",
    ]
)


@settings(max_examples=2000, deadline=None)
@given(st.lists(_SETUP_PIECES, max_size=14).map("".join))
@example("x = Extension(")
@example("MyExtension(")  # no word boundary: not setuptools' Extension
@example("éExtension(")  # é is a word character
@example("Pybind11Extension (")
@example("a_cffi_modules=1 cffi_modules =")
@example("undef get_tag def  get_tag")
@example("'lib.so' has_ext_modules = lambda")
def test_setup_scans_find_where_the_alternations_first_match(text: str) -> None:
    # every Extension(...) is judged, in order: the alternation of the literal-led forms
    # finds the same matches as the plain one
    assert [m.span() for m in analyze._EXTENSION_ALL.finditer(text)] == [
        m.span() for m in _EXTENSION_PLAIN.finditer(text)
    ]
    match = _PLATFORM_WHEEL_PLAIN.search(text)
    assert analyze._earliest(analyze._PLATFORM_WHEEL_RES, text) == (
        match.start() if match else None
    )


_ASSEMBLY_PIECES = st.sampled_from(
    [
        *(b".seh_", b".SEH_", b".def", b".Def", b"PROC", b"proc", b"Proc", b"_WIN32", b"_win64"),
        *(b"_MSC_VER", b"WIN64", b"win64", b"x", b"_", b"9", b" ", b".", b"\n", b"\xc3\xa9"),
    ]
)


@settings(max_examples=1000, deadline=None)
@given(st.lists(_ASSEMBLY_PIECES, max_size=8).map(b"".join))
@example(b"xPROC")
@example(b"PROC_")
@example(b" Proc ")
@example(b".def_")
@example(b"\xc3\xa9win64")  # a UTF-8 letter's bytes are no word characters for bytes
def test_windows_assembly_is_the_regex(data: bytes) -> None:
    expected = analyze._WINDOWS_ASSEMBLY.search(data) is not None
    assert analyze._windows_assembly(data) == expected


_CALL_PIECES = st.sampled_from(
    [
        *("cargo", "CARGO", "Cargo", "cmake", "CMake", "cma\u212ae", "CMA\u212aE", "x", "_"),
        *(" ", "\u017f", "\u0130", "(", "\n"),
    ]
)


@settings(max_examples=1000, deadline=None)
@given(st.lists(_CALL_PIECES, max_size=8).map("".join))
@example("subprocess.run(['CMake'])")
@example("cma\u212ae")  # the Kelvin sign: re.I takes it for k, and str.lower() makes it k
@example("xcargo")
@example("\u017fcargo")  # the long s is a letter [A-Za-z] takes with re.I
def test_native_build_call_is_the_regex(function: str) -> None:
    match = analyze._NATIVE_BUILD_CALL.search(function)
    assert analyze._native_build_call(function) == (match[0].lower() if match else None)


@settings(max_examples=1000, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                *("'", '"', "config", "version", "-config", "_config", ".h", "pkg", "x", " ", "-"),
                *("\n", "\t", "/*.", "*.s", "*.asm", "/", "$", "{", "}", "src", ".", "\\"),
                *("a" * 29, "b" * 30, "c" * 31, "_"),  # a config tool's name: 31 letters at most
            ]
        ),
        max_size=16,
    ).map("".join)
)
@example("'pkg-config' --libs")
@example(" gsl-config -x")
@example("'" + "a" * 30 + "-config'")  # the longest name: 31 letters
@example("'" + "a" * 31 + "-config' " + "b" * 30 + "_config -x")
@example("'pkg-config pkg-config -")  # the blank before the second is the first match's
@example("'src/version.h'")
@example("src/*.asm ${D}/*.s")
def test_regexes_run_only_where_their_words_are_find_every_match(text: str) -> None:
    for regex, words, reach in [
        (analyze._CONFIG_TOOL, analyze._CONFIG_TOOL_WORDS, analyze._CONFIG_TOOL_REACH),
        (analyze._QUOTED_CONFIG_HEADER, analyze._QUOTED_CONFIG_HEADER_WORDS, None),
        (analyze._GLOB_FOLDER, analyze._GLOB_FOLDER_WORDS, None),
    ]:
        found = [match.span() for match in analyze._holding(regex, text, words, reach)]
        assert found == [match.span() for match in regex.finditer(text)]


_CTYPES_PIECES = st.sampled_from(
    [
        *("find_library", "CDLL", "WinDLL", "LoadLibrary", "(", " ", "'", '"', "r", "lib", ".dll"),
        *(".so", "x", "1", "-", "-{", "}", "{arch}", "a" * 30, "b" * 59, "c" * 60, "{", "\n"),
    ]
)


@settings(max_examples=2000, deadline=None)
@given(st.lists(_CTYPES_PIECES, max_size=12).map("".join))
@example("CDLL('libzbar.so')")
@example("r'lib" + "a" * 61 + "-{" + "x" * 20 + "}.dll'")  # the farthest `.dll`: 89 characters
@example("f'" + "a" * 62 + ".dll'")  # a name of 62: no match
@example("'x.dll' 'y.dll'")
def test_ctypes_libraries_are_the_regex_matches(text: str) -> None:
    words, reach = analyze._CTYPES_LIBRARY_WORDS, analyze._CTYPES_LIBRARY_REACH
    found = [
        match.span() for match in analyze._holding(analyze._CTYPES_LIBRARY, text, words, reach)
    ]
    assert found == [match.span() for match in analyze._CTYPES_LIBRARY.finditer(text)]


_ASSIGNMENT_PIECES = st.sampled_from(
    [
        "NAME",
        "a",
        "_",
        "1",
        "\u00e9",
        "\u0663",
        ":",
        "BOOL",
        "=",
        "==",
        " ",
        "\n",
        "\t",
        "-D",
        "x:y",
    ]
)


@settings(max_examples=2000, deadline=None)
@given(st.lists(_ASSIGNMENT_PIECES, max_size=12).map("".join))
@example("-DNAME:BOOL=ON")
@example("a:b:c = 1")  # the name before the last `:` only
@example("1a:b=")  # no word boundary before a: b is the name
@example("a == b = c")
@example("x\n  =\u00e9a=")
def test_assigned_names_are_the_regex_matches(text: str) -> None:
    assert analyze._assigned_names(text) == set(analyze._ASSIGNED.findall(text))


def _find_x86_plain(text: str) -> list[tuple[int, str]]:
    """find_x86 as each X86_PATTERNS regex's finditer over the whole text finds it."""
    found = [
        (match.start(), kind)
        for kind, _tokens, pattern, before in analyze.X86_PATTERNS
        for match in re.finditer(pattern, text)
        if analyze._preceded(text, match.start(), before)
    ]
    return sorted(found)


# pieces of x86 code (asm strings that name cpuid, intrinsics inside and at the start of
# words), and their near misses
_X86_PIECES = st.sampled_from(
    [
        *('"', " ", "\t", "\n", "\u2003", "cpuid", "cpuid.h", "cpuidex", "cpuid(", "x", "_"),
        *("(", ".", "é", "_mm_add_ps", "mm256_", "__m128", "_M_X64", "__popcnt64", "_umul128"),
        # #includes of the headers X86_PATTERNS names, and their near misses
        *("#include", "# include ", "#\tinclude", "include", "#", "<", ">", "\r", "\v"),
        *("intrin.h", "immintrin.h", "avx2", "avx", "xmm", "arm_acle.h", "cpuid.h", " " * 250),
    ]
)


@settings(max_examples=3000, deadline=None)
@given(st.lists(_X86_PIECES, max_size=16).map("".join))
@example("x_mm_add_ps(_mm_add_ps(")  # a match inside a word, then one that starts a word
@example("é__m128 (__m128")  # é is a word character
@example("___m128")
@example('asm("cpuid" : )')
@example('" \n\tcpuid')
@example('""cpuid')
@example('" \u2003cpuid')  # an em space is whitespace to `\s`
@example('"cpuid.h"')  # blst's `#include "cpuid.c"` is no cpuid
@example('"x cpuid')
@example("#include <immintrin.h>")
@example("#include <avx2intrin.h>\n#include <avxintrin.h>")
@example("#include\r<cpuid.h>")  # `\s`, which _INCLUDE's `[ \t]` is not
@example("#\ninclude <arm_acle.h>")  # (a newline between: not on the #include's line)
@example("#include <" + " " * 250 + ">#include <cpuid.h>")
@example("#include <" + " " * 250 + "cpuid.h>")  # (too far from its `#`)
@example('#include <intrin.h>"immintrin.h"')
@example("#include <a#include <b>")  # (an #include inside the one before: not one of its own)
def test_find_x86_finds_what_each_regex_finds(text: str) -> None:
    assert analyze.find_x86(text) == _find_x86_plain(text)
    # (and _scan_code's #includes, from the same openers)
    assert [m.span() for m in analyze._include_matches(text)] == [
        m.span() for m in analyze._INCLUDE.finditer(text)
    ]


# -- the .tar.gz reader --------------------------------------------------------------------------
def _tarfile_only(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: analyze._GzipTar) -> Iterator[tuple[str, int, bytes | None]]:
        raise analyze._NotSimple
        yield  # (a generator, as the one it stands in for)

    monkeypatch.setattr(analyze._GzipTar, "members", refuse)


def _read_tar(path: Path) -> tuple[list[tuple[str, int, bytes | None]] | str, int, int]:
    """What _iter_tar gives (or the error it raises), and what it counted."""
    budget = analyze._Budget(path, path.stat().st_size)
    try:
        found: list[tuple[str, int, bytes | None]] | str = list(analyze._iter_tar(path, budget))
    except Exception as exc:  # (the error is what is compared)
        found = f"{type(exc).__name__}: {exc}"
    return found, budget.total, budget.members


def _both_ways(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[tuple[object, int, int], tuple[object, int, int]]:
    fast = _read_tar(path)
    with monkeypatch.context() as patch:
        _tarfile_only(patch)
        plain = _read_tar(path)
    return fast, plain


_NAMES = [
    "demo-1.0/setup.py",
    "demo-1.0/src/" + "deep/" * 30 + "module.c",  # past ustar's 100 characters
    "demo-1.0/src/" + "x" * 120 + ".h",  # one name of more than 100
    "demo-1.0/src/naïve_ünïcode.c",
    "demo-1.0/src/empty.c",
    "demo-1.0/src/block.c",  # exactly one block of data
    "demo-1.0/data/blob.bin",  # not read: drained
    "demo-1.0/data/big.c",  # past MAX_FILE: drained in pieces
]


def _demo_tar_gz(path: Path, tar_format: int, names: list[str] = _NAMES, **options: Any) -> Path:
    with tarfile.open(path, "w:gz", format=tar_format, **options) as tar:
        folder = tarfile.TarInfo("demo-1.0/src")
        folder.type = tarfile.DIRTYPE
        tar.addfile(folder)
        for name in names:
            if name.endswith("empty.c"):
                data = b""
            elif name.endswith("block.c"):
                data = b"int x;\n".ljust(512, b" ")
            elif name.endswith("big.c"):
                data = b"/* big */\n" * (analyze.MAX_FILE // 10 + 1)
            else:
                data = f"/* {name} */\n".encode() * 50
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("demo-1.0/src/link.c")
        link.type = tarfile.SYMTYPE
        link.linkname = "empty.c"
        tar.addfile(link)
        hard = tarfile.TarInfo("demo-1.0/src/hard.c")
        hard.type = tarfile.LNKTYPE
        hard.linkname = "demo-1.0/src/empty.c"
        tar.addfile(hard)
    return path


@pytest.mark.parametrize(
    "tar_format", [tarfile.PAX_FORMAT, tarfile.GNU_FORMAT, tarfile.USTAR_FORMAT]
)
def test_the_gzip_tar_reader_gives_what_tarfile_gives(
    tar_format: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # (ustar has no room for a file name of more than 100 characters)
    names = [n for n in _NAMES if tar_format != tarfile.USTAR_FORMAT or "x" * 120 not in n]
    sdist = _demo_tar_gz(tmp_path / "demo-1.0.tar.gz", tar_format, names)
    budget = analyze._Budget(sdist, sdist.stat().st_size)
    read = list(analyze._GzipTar(sdist, budget).members())  # by itself: no _NotSimple
    fast, plain = _both_ways(sdist, monkeypatch)
    assert fast == plain and fast[0] == read
    assert [relative for relative, _size, _data in read] == [
        name.split("/", 1)[1] for name in names
    ]
    assert read[-1][2] is None and read[-2][2] is None  # big.c and blob.bin drained


def test_odd_tar_gz_archives_are_left_to_tarfile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = _demo_tar_gz(tmp_path / "whole-1.0.tar.gz", tarfile.PAX_FORMAT)
    data = whole.read_bytes()
    cut = tmp_path / "cut-1.0.tar.gz"
    cut.write_bytes(data[: len(data) // 3])
    # a global pax header (type g) first
    odd = _demo_tar_gz(
        tmp_path / "global-1.0.tar.gz", tarfile.PAX_FORMAT, pax_headers={"comment": "x"}
    )
    # two gzip members: tarfile's stream reads the first only
    raw = gzip.decompress(data)
    twice = tmp_path / "twice-1.0.tar.gz"
    twice.write_bytes(gzip.compress(raw[: 512 * 9]) + gzip.compress(raw[512 * 9 :]))
    not_tar = tmp_path / "plain-1.0.tar.gz"
    not_tar.write_bytes(gzip.compress(b"not a tar archive at all" * 100))
    empty = tmp_path / "empty-1.0.tar.gz"
    empty.write_bytes(gzip.compress(bytes(1024)))
    for sdist in (cut, odd, twice, not_tar, empty):
        budget = analyze._Budget(sdist, sdist.stat().st_size)
        with pytest.raises(analyze._NotSimple):
            list(analyze._GzipTar(sdist, budget).members())
        fast, plain = _both_ways(sdist, monkeypatch)
        assert fast == plain, sdist.name


# -- the .zip reader ------------------------------------------------------------------------------
def _read_zip(path: Path) -> tuple[object, int, int]:
    budget = analyze._Budget(path, path.stat().st_size)
    try:
        found: object = list(analyze._iter_zip(path, budget))
    except Exception as exc:  # (the error is what is compared)
        found = f"{type(exc).__name__}: {exc}"
    return found, budget.total, budget.members


def _demo_zip(path: Path, *, stream: bool = False) -> Path:
    members = {
        "demo-1.0/setup.py": b"from setuptools import setup\n" * 40,
        "demo-1.0/src/naïve.c": "/* ünïcode */\nint x;\n".encode() * 300,
        "demo-1.0/src/empty.c": b"",
        "demo-1.0/src/stored.h": b"#define STORED 1\n" * 30,
        "demo-1.0/data/blob.bin": bytes(range(256)) * 64,
    }
    if stream:  # written to a pipe: sizes and CRCs in data descriptors after the data
        buffer = io.BytesIO()

        class Unseekable(io.RawIOBase):
            def writable(self) -> bool:
                return True

            def write(self, data: Any) -> int:
                return buffer.write(data)

        with zipfile.ZipFile(Unseekable(), "w", zipfile.ZIP_DEFLATED) as zf:  # type: ignore[arg-type]
            for name, data in members.items():
                zf.writestr(name, data)
        path.write_bytes(buffer.getvalue())
        return path
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            method = zipfile.ZIP_STORED if name.endswith("stored.h") else zipfile.ZIP_DEFLATED
            zf.writestr(name, data, compress_type=method)
    return path


def test_the_zip_reader_gives_what_zipfile_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for sdist in (
        _demo_zip(tmp_path / "a-1.0.zip"),
        _demo_zip(tmp_path / "b-1.0.zip", stream=True),
    ):
        with (
            zipfile.ZipFile(sdist) as zf,
            mmap.mmap(zf.fp.fileno(), 0, access=mmap.ACCESS_READ) as archive,
        ):  # type: ignore[union-attr]
            read = [analyze._zip_member(archive, info) for info in zf.infolist()]
            assert read == [zf.read(info) for info in zf.infolist()]  # every one by itself
        fast = _read_zip(sdist)
        with monkeypatch.context() as patch:
            patch.setattr(analyze, "_zip_member", lambda _archive, _info: None)
            assert _read_zip(sdist) == fast


def test_odd_zip_members_are_left_to_zipfile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def patched(name: str, offset: int, data: bytes) -> Path:
        path = _demo_zip(tmp_path / f"{name}-1.0.zip")
        raw = bytearray(path.read_bytes())
        with zipfile.ZipFile(path) as zf:
            at = zf.getinfo("demo-1.0/src/naïve.c").header_offset
        raw[at + offset : at + offset + len(data)] = data
        path.write_bytes(bytes(raw))
        return path

    odd = [
        patched("magic", 0, b"PK\x09\x09"),  # no local header there
        patched("name", 30 + len("demo-1.0/src/"), b"N"),  # a name that differs
        patched("method", 8, b"\x63\x00"),  # another compression method in the header only
        patched("deflate", 30 + len("demo-1.0/src/naïve.c".encode()), b"\xff" * 8),
        patched("crc", 14, b"\x00\x00\x00\x00"),  # (the central directory's CRC is the one read)
    ]
    for sdist in odd:
        fast = _read_zip(sdist)
        with monkeypatch.context() as patch:
            patch.setattr(analyze, "_zip_member", lambda _archive, _info: None)
            assert _read_zip(sdist) == fast, sdist.name
    for sdist in odd[:2] + odd[3:4]:  # these zipfile refuses: the fast reader leaves them
        with (
            zipfile.ZipFile(sdist) as zf,
            mmap.mmap(
                zf.fp.fileno(),  # type: ignore[union-attr]
                0,
                access=mmap.ACCESS_READ,
            ) as archive,
        ):
            assert analyze._zip_member(archive, zf.getinfo("demo-1.0/src/naïve.c")) is None
        refused = _read_zip(sdist)[0]
        assert isinstance(refused, str) and refused.startswith(("BadZipFile", "error")), sdist.name


# -- Windows paths, looked for only where a POSIX-only header asks ---------------------------------
def test_windows_paths_are_looked_for_only_where_posix_headers_ask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    looked = analyze._windows_path

    def counting(text: str, cython: bool) -> bool:
        asked.append(text)
        return looked(text, cython)

    monkeypatch.setattr(analyze, "_windows_path", counting)

    def analyze_tree(name: str, files: dict[str, str]) -> dict[str, Any]:
        root = tmp_path / name
        for relative, text in files.items():
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            (root / relative).write_text(text)
        return analyze.analyze_files(str(root), analyze.iter_sources(root)).to_json()

    files = {
        "pyproject.toml": '[build-system]\nbuild-backend = "setuptools.build_meta"\n',
        "src/a.c": "#ifdef _WIN32\n#include <windows.h>\n#endif\nint a;\n",
        "src/b.c": "int b;\n",
    }
    analyze_tree("portable", files)
    assert asked == []  # no POSIX-only header: no file's Windows path matters
    posix = analyze_tree("posix", {**files, "src/c.c": "#include <unistd.h>\nint c;\n"})
    assert asked  # asked now, and a.c's Windows path says c.c's header is no POSIX-only port
    assert not [e for e in posix["x86"] if e["kind"] == "posix-only"]
    del files["src/a.c"]
    asked.clear()
    only = analyze_tree("posix-only", {**files, "src/c.c": "#include <unistd.h>\nint c;\n"})
    assert asked and [e["file"] for e in only["x86"] if e["kind"] == "posix-only"] == ["src/c.c"]


# pieces of C declarations around a type's name, and their near misses
_TYPEDEF_PIECES = st.sampled_from(
    [
        "typedef",
        "typedefx",
        "xtypedef",
        "using",
        "Using",
        "}",
        "{",
        ";",
        "=",
        " ",
        "\t",
        "\n",
        "struct",
        "x",
        "é",
        "_",
        "(",
        "::",
        "__m128i",
        "__m128",
        "__m256d",
        "__m512",
        "__int128",
        "w" * 59,
        "w" * 61,
        " " * 150,
    ]
)


@settings(max_examples=2000, deadline=None)
@given(
    st.lists(_TYPEDEF_PIECES, max_size=30).map("".join),
    st.sampled_from(["__m128i", "__m128", "__m256d", "__int128", "x"]),
)
@example("typedef struct { int x; } __m128i;", "__m128i")
@example("} ATTR __m128i ;", "__m128i")
@example("}" + "w" * 61 + " __m128i;", "__m128i")
@example("using\t__m128i =", "__m128i")
@example("typedefé __m128i;", "__m128i")
@example("typedef" + " " * 201 + "__m128i;", "__m128i")
@example("typedef" + " " * 199 + "x__m128i;", "__m128i")
def test_typedefs_finds_what_the_regex_finds(text: str, name: str) -> None:
    expected = ("typedef" in text or "using" in text) and (
        analyze._typedef_pattern(name).search(text) is not None
    )
    assert analyze._typedefs_read(text, name) == expected
    analyze._TYPEDEFS.clear()
    # (the SIMD types are read all at once, whichever is asked first)
    for other in ("__m128i", "__m128", "__m256d", "__m512", name):
        answer = analyze._typedefs(text, other)
        assert answer == (
            ("typedef" in text or "using" in text)
            and (analyze._typedef_pattern(other).search(text) is not None)
        )
    assert analyze._typedefs(text, name) == expected  # (the answer kept)


# pieces that make, unmake and overlap the words of _PY_WORDS and the `x` words of Rust
_PY_PIECES = st.sampled_from(
    ["Py", "P", "y", "Module", "MODINIT_FUNC", "_InitModule", "Init_", "_", "Def", "PyPy", " "]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_PY_PIECES, max_size=16).map("".join))
@example("PyPyModule")
@example("Py_InitModulePyInit_PyMODINIT_FUNCPyModule")
def test_py_words_are_the_in_tests(text: str) -> None:
    words = ("PyMODINIT_FUNC", "Py_InitModule", "PyModule", "PyInit_")
    assert analyze._py_words(text) == {word for word in words if word in text}


_X_PIECES = st.sampled_from(["x", "86", "8", "6", "uni", "Uni", "un", "i", "nix", "ux", " ", "\n"])


@settings(max_examples=500, deadline=None)
@given(st.lists(_X_PIECES, max_size=16).map("".join).map(str.encode))
@example(b"unix86")
@example(b"x86 Unix")
@example(b"nix")
def test_rust_x_words_are_the_two_regexes(data: bytes) -> None:
    assert analyze._rust_x_words(data) == (
        analyze._X86_BYTES.search(data) is not None,
        analyze._RUST_UNIX_BYTES.search(data) is not None,
    )
