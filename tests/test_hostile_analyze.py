"""The hostile-input suite for `woaport analyze` (issue 12): sdists and source trees made
here to hurt a reader, each handed to `woaport analyze` as a real, resource-limited process
(tests/hostilekit.py: memory and CPU limits on the child, a wall-clock timeout).

Each case asserts the exit code, for refusals one line on stderr naming the input, no
traceback, and a time bound. The cases run at once on a few threads (they are processes that
mostly wait), once per module; each test reports its own case.
"""

from __future__ import annotations

import gzip
import io
import json
import struct
import tarfile
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from hostilekit import (
    Outcome,
    assert_handled,
    assert_refused,
    run_bounded,
    run_cases,
    selected_cases,
)

# the child's CPU time (other jobs on a shared 2-core machine stretch its wall time: 12.6 s
# for a case of 6 s, while CI ran beside two analyses of the corpus); its CPU is capped at 20 s
SECONDS = 12.0
DEEP = 100_000  # levels of nesting: far past Python's recursion limit

CASES: dict[str, Callable[[Path], None]] = {}


def case(function: Callable[[Path], None]) -> Callable[[Path], None]:
    CASES[function.__name__.removeprefix("case_")] = function
    return function


def run(folder: Path, *args: str | Path) -> Outcome:
    outcome = run_bounded(["analyze", *args], cwd=folder)
    assert outcome.cpu_seconds < SECONDS, outcome.describe()
    return outcome


def tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
    return root


def tar_gz(path: Path, files: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


PYPROJECT = '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'


# -- .gitmodules, nesting, long lines: linear time ------------------------------------------
@case
def case_gitmodules_of_200k_newlines(folder: Path) -> None:
    """The old `^\\s*path\\s*=` regex took 75 s on this (issue 12, item 12)."""
    gitmodules = "\n" * 200_000 + '[submodule "x"]\n\tpath = vendor/x\n' + " \n" * 100_000
    sdist = tar_gz(
        folder / "demo-1.0.tar.gz",
        {"demo-1.0/.gitmodules": gitmodules.encode(), "demo-1.0/a.c": b"int x;\n"},
    )
    outcome = run(folder, sdist, "--json")
    assert_handled(outcome, (0,))
    assert json.loads(outcome.out)["submodules"] == ["vendor/x"], outcome.describe()


@case
def case_many_frame_variables_and_arrows(folder: Path) -> None:
    """30,000 `PyFrameObject *vN;` declarations, as many `PyThreadState *`, and 150,000
    arrows: the cpython-311 reading looks each arrow's owner up in a set (a regex of every
    declared name took 52.8 s on a 3 MB file of this shape: helper-233)."""
    declared = "".join(f"PyFrameObject *v{n};\nPyThreadState *t{n};\n" for n in range(30_000))
    arrows = "".join(f"w{n % 997}->f_lineno; u->frame;\n" for n in range(75_000))
    tree(
        folder / "src",
        {
            "pyproject.toml": PYPROJECT,
            "setup.py": "from setuptools import Extension, setup\n"
            "setup(ext_modules=[Extension('m', ['m.c'])])\n",
            "m.c": "#include <Python.h>\n" + declared + arrows + "int x = v1->f_lasti;\n",
        },
    )
    outcome = run(folder, folder / "src", "--json")
    assert_handled(outcome, (0, 1))
    kinds = [item["kind"] for item in json.loads(outcome.out)["x86"]]
    assert kinds.count("cpython-311") == 1, outcome.describe()


@case
def case_many_array_declarations_and_bound_lists(folder: Path) -> None:
    """The readers of this session: 20,000 array declarations sized by names in one long
    function (each size is looked up in the function: bounded per file), a setup.py of
    5,000 lists bound to names with Extensions in them (read once), a CMakeLists.txt whose
    project() runs 100,000 characters without a `)`, and a Rust file of 20,000 uses of
    memmap2's Advice nested in blocks."""
    body = "".join(f"    double a{n}[q{n % 50} + r];\n" for n in range(20_000))
    lists = "".join(f"L{n} = [\n    Extension('m{n}', ['m.c']),\n]\n" for n in range(5_000))
    nested = "".join("    " * (n % 40) + "{\n" for n in range(2_000))
    advice = "".join(
        f"        let _ = m.advise(memmap2::Advice::Random); // {n}\n" for n in range(20_000)
    )
    tree(
        folder / "src",
        {
            "pyproject.toml": PYPROJECT,
            "setup.py": "from setuptools import Extension, setup\n"
            + lists
            + "setup(ext_modules=[Extension('m', ['m.c'])])\n",
            "m.c": "#include <Python.h>\nint f(int n0, int m) {\n" + body + "    return 0;\n}\n"
            "PyMODINIT_FUNC PyInit_m(void) { return 0; }\n",
            "CMakeLists.txt": "project(x " + "a " * 50_000 + "\n",
            "Cargo.toml": '[package]\nname = "x"\n[dependencies]\nmemmap2 = "0.9"\n',
            "src/lib.rs": "pub fn f(m: &memmap2::Mmap) {\n" + nested + advice + "}\n",
        },
    )
    assert_handled(run(folder, folder / "src"), (0, 1))


@case
def case_many_headers_with_builtins_and_commented_defines(folder: Path) -> None:
    """This session's readers: 3,000 headers that each call __builtin_prefetch, included by
    3,000 sources setup.py names (what they include is gathered once, by file name, not
    searched per header), and a header of 50,000 `//#define` lines after code."""
    files: dict[str, str] = {"pyproject.toml": PYPROJECT}
    names = [f"src/m{n}.c" for n in range(3_000)]
    files["setup.py"] = (
        f"from setuptools import Extension, setup\nsetup(ext_modules=[Extension('m', {names!r})])\n"
    )
    for n in range(3_000):
        files[f"include/h{n}.h"] = (
            f"static inline void w{n}(const int* p) {{ __builtin_prefetch(p); }}\n"
        )
        files[f"src/m{n}.c"] = (
            f'#include "../include/h{n}.h"\n#include "../include/h{(n + 1) % 3_000}.h"\n'
        )
    files["include/defs.h"] = "".join(f"int x{n}; //#define D{n} 1\n" for n in range(50_000))
    tree(folder / "src", files)
    assert_handled(run(folder, folder / "src"), (0, 1))


@case
def case_cmake_long_arguments_and_build_hooks(folder: Path) -> None:
    """This session's readers: a CMakeLists.txt of 30,000 unclosed `[[` and `#[[` openers
    and 30,000 quotes over lines with `if(` inside (read left to right, once: a lazy
    regex, and the if() stacks summed at every line, were quadratic: 16,000 took 11 s), a
    meson.build of 30,000 shared_library() calls under open ifs, a hatch_build.py of
    30,000 MSYS2 paths, and a Cython file declaring getline() 30,000 times."""
    cmake = (
        "project(x C)\n"
        + 'set(s "\nif(a)\n")\n' * 30_000
        + "add_subdirectory(lib)\n"
        + "set(x [[\nif(b)\n" * 30_000
        + "#[[\n" * 30_000
    )
    meson = "project('x', 'c')\n" + "if true\nshared_library('m', 'm.c')\n" * 30_000
    hook = "import os\nMSYS = 1\n" + "p = root / 'ucrt64' / 'bin'  # msys\n" * 30_000
    pyx = (
        'cdef extern from "stdio.h":\n'
        + "    ssize_t getline(char **, size_t *, FILE *)\n" * 30_000
    )
    tree(
        folder / "src",
        {
            "pyproject.toml": PYPROJECT,
            "CMakeLists.txt": cmake,
            "lib/CMakeLists.txt": "add_library(l STATIC a.c)\n",
            "lib/a.c": "#include <unistd.h>\nint a;\n",
            # 20,000 fetches after find_package()s that stop where not found: the stops are
            # read once per file, not once per fetch
            "cmake/FindOrFetch.cmake": (
                'find_package(x QUIET)\nif(x_FOUND)\n  return()\nendif()\nmessage(FATAL_ERROR "x")\n'
                * 500
                + "FetchContent_Declare(x GIT_REPOSITORY https://example.invalid/x.git)\n" * 20_000
            ),
            "meson.build": meson,
            "m.c": "int m;\n",
            "hatch_build.py": hook,
            "g.pyx": pyx,
        },
    )
    assert_handled(run(folder, folder / "src"), (0, 1))


@case
def case_preprocessor_nesting_and_long_lines(folder: Path) -> None:
    """100,000 nested #ifdefs, a line of 250,000 `_mm_` tokens and a chain of #defines
    each naming the one before twice: no quadratic or exponential reading."""
    nested = "#ifdef X\n" * DEEP + "_mm_add_ps(a, b);\n" + "#endif\n" * DEEP
    doubling = "#define A0 1\n" + "".join(
        f"#define A{n} (A{n - 1} + A{n - 1})\n" for n in range(1, 60)
    )
    tree(
        folder / "src",
        {
            "pyproject.toml": PYPROJECT,
            "nested.c": nested,
            "line.c": "int x = 0; " + "_mm_" * 250_000 + "\n",
            "calls.c": "void f(void) { " + "_mm_add_ps(a, b); " * 100_000 + "}\n",
            "comment.c": "// " + '"' * 1001 + " _mm_add_ps(a, b);" * 100_000 + "\n",
            "doubling.c": doubling + "#if A59 > 0\n__m128 v = _mm_setzero_ps();\n#endif\n",
        },
    )
    assert_handled(run(folder, folder / "src"), (0,))


@case
def case_rust_cfg_attributes_that_never_close(folder: Path) -> None:
    """A hundred thousand cfgs that never close (each would have been read to the end of a
    window of text), and a cfg nested a thousand levels (past Python's recursion limit)."""
    unclosed = (
        '#[cfg(target_arch = "x86_64"' * 100_000
        + "\nuse core::arch::x86_64::*;\nfn f() -> __m128 { todo!() }\n"
    )
    deep = "#[cfg(" + "all(" * 1_000 + 'target_arch = "x86_64"' + ")" * 1_001 + "]\nmod m {}\n"
    tree(
        folder / "src",
        {
            "pyproject.toml": '[build-system]\nrequires = ["maturin"]\nbuild-backend = "maturin"\n',
            "Cargo.toml": "[package]\n",
            "src/lib.rs": unclosed,
            "src/deep.rs": deep + "use core::arch::x86_64::__m128;\n",
        },
    )
    assert_handled(run(folder, folder / "src"), (0,))


# -- compression bombs --------------------------------------------------------------------------
def zeros_tar_gz(path: Path, gigabytes: int) -> Path:
    """A .tar.gz of about 2 MB per GiB that unpacks to one member of ``gigabytes`` GiB of
    zeros: the deflate output of a MiB of zeros is the same bytes each time once the window
    holds only zeros, so the stream is written without compressing gigabytes."""
    size = gigabytes << 30
    info = tarfile.TarInfo("bomb-1.0/data/zeros.bin")
    info.size = size
    header = info.tobuf(format=tarfile.GNU_FORMAT)
    mib = bytes(1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    first = compressor.compress(header + mib) + compressor.flush(zlib.Z_SYNC_FLUSH)
    middle = compressor.compress(mib) + compressor.flush(zlib.Z_SYNC_FLUSH)
    again = compressor.compress(mib) + compressor.flush(zlib.Z_SYNC_FLUSH)
    assert middle == again  # the trick holds
    chunks = size >> 20
    tail = compressor.compress(bytes(len(header) % 512 and 512 - len(header) % 512))
    tail += compressor.compress(bytes(1024)) + compressor.flush()  # end-of-archive blocks
    crc = 0  # left 0: a reader that believes the sizes never gets this far
    with path.open("wb") as fh:
        fh.write(b"\x1f\x8b\x08\x00" + struct.pack("<I", 0) + b"\x02\xff")
        fh.write(first)
        for _ in range(chunks - 1):
            fh.write(middle)
        fh.write(tail + struct.pack("<II", crc, (size + len(header) + 1024) & 0xFFFFFFFF))
    return path


@case
def case_a_small_tar_gz_of_zeros(folder: Path) -> None:
    """2 MB that unpacks to 2 GiB (issue 12, item 14: 106 s before a cap)."""
    sdist = zeros_tar_gz(folder / "bomb-1.0.tar.gz", 2)
    assert sdist.stat().st_size < 4 << 20
    started = time.monotonic()
    outcome = run(folder, sdist)
    assert_refused(outcome, names="bomb-1.0.tar.gz")
    assert "unpacks to" in outcome.err and time.monotonic() - started < 8, outcome.describe()


@case
def case_a_zip_that_declares_gigabytes(folder: Path) -> None:
    sdist = folder / "bomb-2.0.zip"
    block = bytes(4 << 20)
    with zipfile.ZipFile(sdist, "w", zipfile.ZIP_DEFLATED) as zf:
        for n in range(80):  # 320 MiB of C sources, ~0.3 MB compressed
            zf.writestr(f"bomb-2.0/src/f{n}.c", block)
    outcome = run(folder, sdist)
    assert_refused(outcome, names="bomb-2.0.zip")


# -- damaged and odd archives: one line, exit 2 ---------------------------------------------
def demo_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("demo-1.0/pyproject.toml", PYPROJECT)
        zf.writestr("demo-1.0/src/a.c", "int f(void) { return 1; }\n" * 200)
    return path


def patch_zip(path: Path, edit: Callable[[bytearray, int, int], None]) -> Path:
    """Apply ``edit(data, local_header_offset, central_header_offset)`` to the member a.c
    (APPNOTE.TXT 4.3.7 and 4.3.12: local and central file headers)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("demo-1.0/src/a.c")
    name = info.filename.encode()
    central = data.find(b"PK\x01\x02", data.rfind(b"PK\x05\x06") - 400)
    while data[central + 46 : central + 46 + len(name)] != name:
        central = data.find(b"PK\x01\x02", central + 4)
    edit(data, info.header_offset, central)
    path.write_bytes(bytes(data))
    return path


@case
def case_damaged_archives(folder: Path) -> None:
    junk = folder / "junk-1.0.zip"
    junk.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 40)

    def encrypted(data: bytearray, local: int, central: int) -> None:
        data[local + 6] |= 1  # general purpose flag bit 0: encrypted
        data[central + 8] |= 1

    def unknown_method(data: bytearray, local: int, central: int) -> None:
        data[local + 8 : local + 10] = struct.pack("<H", 99)  # AE-x / unknown compression
        data[central + 10 : central + 12] = struct.pack("<H", 99)

    def bad_deflate(data: bytearray, local: int, central: int) -> None:
        name_length, extra_length = struct.unpack("<HH", data[local + 26 : local + 30])
        start = local + 30 + name_length + extra_length
        data[start : start + 8] = b"\xff" * 8

    cases = [
        junk,
        patch_zip(demo_zip(folder / "enc-1.0.zip"), encrypted),
        patch_zip(demo_zip(folder / "method-1.0.zip"), unknown_method),
        patch_zip(demo_zip(folder / "deflate-1.0.zip"), bad_deflate),
    ]
    whole = tar_gz(
        folder / "cut-1.0.tar.gz",
        {f"cut-1.0/src/f{n}.c": bytes(range(256)) * 400 for n in range(8)},
    )
    cut = folder / "cut-2.0.tar.gz"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    cases.append(cut)
    not_gzip = folder / "plain-1.0.tar.gz"
    not_gzip.write_bytes(gzip.compress(b"not a tar archive at all" * 100))
    cases.append(not_gzip)
    for sdist in cases:
        assert_refused(run(folder, sdist), names=sdist.name)


@case
def case_an_unreadable_file_in_a_source_tree(folder: Path) -> None:
    """/proc/self/mem: a regular file that cannot be read at offset 0, even by root."""
    src = tree(folder / "src", {"pyproject.toml": PYPROJECT, "a.c": "int x;\n"})
    (src / "bad.c").symlink_to("/proc/self/mem")
    assert_refused(run(folder, src), names="bad.c")
    link = folder / "link-1.0.tar.gz"
    link.symlink_to("/proc/self/mem")
    assert_refused(run(folder, link), names="link-1.0.tar.gz")


# -- build scripts against the round-44 rules (helper-92's red team) --------------------------
@case
def case_build_scripts_against_the_round_44_rules(folder: Path) -> None:
    """A condition of 100,000 `not`s over 300 source names (each name's branch was read
    whole: 291 s), 100 generator names on a 1 MB line (each read from the line's start:
    21 s), and 5,000 bundled DLLs against a 2 MB build.rs (a regex per name: 64 s)."""
    maturin = '[build-system]\nrequires = ["maturin>=1"]\nbuild-backend = "maturin"\n'
    tree(
        folder / "branch",
        {
            "pyproject.toml": PYPROJECT,
            "setup.py": "from setuptools import setup\nsetup(cffi_modules=['ext_build.py:f'])\n",
            "ext_build.py": "sources = []\nif "
            + "not x " * 100_000
            + ":\n"
            + "".join(f"    sources.append('src/a{n}.c')\n" for n in range(300)),
            "src/a0.c": "int a;\n",
        },
    )
    tree(
        folder / "generator",
        {
            "pyproject.toml": PYPROJECT,
            "setup.py": 'X = """' + "ab " * 330_000 + "'Visual Studio 16 2019' " * 100 + '"""\n',
            "CMakeLists.txt": "project(t C)\n",
            "t.c": "int t;\n",
        },
    )
    tree(
        folder / "cargo",
        {
            "pyproject.toml": maturin,
            "Cargo.toml": '[package]\nname = "k"\nversion = "1.0.0"\n',
            "src/lib.rs": "pub fn f() {}\n",
            "build.py": "import subprocess\nsubprocess.check_call(['cargo', 'build'])\n"
            + "".join(f"x{n} = 'qzx{n}.dll'\n" for n in range(5000)),
            "build.rs": "".join(
                f'// https://x/ arm64 windows qzx{n}\nconst A{n}: &str = "https://e.org/qzx{n}.zip";\n'
                for n in range(20_000)
            )
            + 'fn main() { if t.contains("windows") { "aarch64" }; }\n',
        },
    )
    for name in ("branch", "generator", "cargo"):
        assert_handled(run(folder, folder / name), (0,))


# -- build scripts against session 25's rules (helper-127's red team) ---------------------------
@case
def case_build_scripts_against_the_round_60_rules(folder: Path) -> None:
    """A list of 20 names with no commas between them, each after four spaces, tested by
    `sys.platform in NAME` (the list's pattern split each gap between two items: 5^20
    ways), and a build.rs of 100,000 unclosed `/*` in a crate that links a library (each
    comment searched to the end: 83 s at 300 KB)."""
    tree(
        folder / "list",
        {
            "pyproject.toml": PYPROJECT,
            "setup.py": "import sys\nfrom setuptools import setup, Extension\nX = ["
            + "    'win32'" * 20
            + "  ] + []\nif sys.platform in X:\n    sys.exit(1)\n"
            "setup(ext_modules=[Extension('m', ['m.c'])])\n",
            "m.c": "int m;\n",
        },
    )
    tree(
        folder / "links",
        {
            "pyproject.toml": '[build-system]\nrequires = ["maturin>=1"]\nbuild-backend = "maturin"\n',
            "Cargo.toml": '[workspace]\nmembers = ["py", "foo-sys"]\n',
            "py/Cargo.toml": '[package]\nname = "py"\n\n[dependencies]\n'
            'pyo3 = { version = "0.25", features = ["extension-module"] }\n'
            'foo-sys = { path = "../foo-sys" }\n',
            "py/src/lib.rs": "pub fn f() {}\n",
            "foo-sys/Cargo.toml": '[package]\nname = "foo-sys"\nlinks = "foo"\n',
            "foo-sys/build.rs": 'fn main() { println!("cargo:rustc-link-lib=foo"); }\n'
            + "/* " * 100_000,
            "foo-sys/src/lib.rs": "pub fn g() {}\n",
        },
    )
    for name in ("list", "links"):
        assert_handled(run(folder, folder / name), (0,))


@case
def case_cmake_subdirectories_and_setup_messages(folder: Path) -> None:
    """A CMakeLists.txt of 200,000 add_subdirectory() lines (each counted from the file's
    start: quadratic), a chain of 300 folders each adding the next, and a setup.py of 20,000
    "not found" messages against 300 libraries (each message line re-read per library)."""
    chain = {
        f"p/{'/'.join(['d'] * n)}/CMakeLists.txt": "add_subdirectory(d)\n" for n in range(1, 300)
    }
    tree(
        folder / "subdirectories",
        {
            "pyproject.toml": PYPROJECT,
            "setup.py": "import subprocess\nsubprocess.check_call(['cmake', 'p'])\n",
            "p/LICENSE": "MIT\n",
            "p/CMakeLists.txt": "project(p C)\nadd_subdirectory(d)\n"
            + "".join(f"add_subdirectory(x{n})\n" for n in range(200_000)),
            **chain,
            "p/a.c": "int a;\n",
        },
    )
    tree(
        folder / "messages",
        {
            "pyproject.toml": PYPROJECT,
            "setup.py": "from setuptools import setup, Extension\n"
            + "".join(f"print('lib{n} not found')\n" for n in range(20_000))
            + "".join(f"Extension('a{n}', ['a.c'], libraries=['q{n}'])\n" for n in range(300)),
            "a.c": "int a;\n",
        },
    )
    for name in ("subdirectories", "messages"):
        assert_handled(run(folder, folder / name), (0,))


# -- pyproject.toml of the wrong shape ----------------------------------------------------------
PYPROJECTS = {
    "deep": ("a = " + "[" * DEEP + "]" * DEEP + "\n", "nested too deep"),
    "backend-number": ("[build-system]\nbuild-backend = 5\n", "build-backend"),
    "backend-table": ("[build-system]\nbuild-backend = {a = 1}\n", "build-backend"),
    "requires-string": ('[build-system]\nrequires = "setuptools"\n', "requires"),
    "requires-numbers": ("[build-system]\nrequires = [1, 2]\n", "requires"),
    "build-system-number": ("build-system = 1\n", "build-system"),
}


@case
def case_pyproject_of_the_wrong_shape(folder: Path) -> None:
    for key, (text, named) in PYPROJECTS.items():
        src = tree(folder / key, {"pyproject.toml": text, "a.c": "int x;\n"})
        outcome = run(folder, src)
        assert_refused(outcome, names="pyproject.toml")
        assert named in outcome.err, outcome.describe()
        sdist = tar_gz(
            folder / f"{key}-1.0.tar.gz",
            {f"{key}-1.0/pyproject.toml": text.encode(), f"{key}-1.0/a.c": b"int x;\n"},
        )
        assert_refused(run(folder, sdist), names="pyproject.toml")


# -- an index page of the wrong shape (analyze NAME) ------------------------------------------
@case
def case_an_index_page_of_the_wrong_shape(folder: Path) -> None:
    from fakeindex import serve

    pages = {
        "files-string": {"meta": {"api-version": "1.1"}, "name": "x", "files": "x"},
        "filename-number": {
            "meta": {"api-version": "1.1"},
            "name": "x",
            "files": [{"filename": 5, "url": [], "hashes": {"sha256": 7}}],
        },
        "top-list": [1, 2, 3],
    }
    with serve() as index:
        for project, page in pages.items():
            index.state.raw_pages[project] = (
                "application/vnd.pypi.simple.v1+json",
                json.dumps(page).encode(),
            )
        for project in pages:
            outcome = run_bounded(
                ["analyze", project, "--index-url", index.url, "--cache-dir", folder],
                cwd=folder,
            )
            assert outcome.cpu_seconds < SECONDS, outcome.describe()
            assert_handled(outcome, (2, 3))
            errors = [line for line in outcome.err.splitlines() if line.strip()]
            assert len(errors) == 1 and project in errors[0], outcome.describe()


# -- the runner ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def hostile_outcomes(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, str | None]]:
    """Every selected case, run at once on a few threads: name -> None (passed) or the
    failure. (``-k`` selects cases: only those run.)"""
    cases = {name: (lambda _world, folder, c=c: c(folder)) for name, c in CASES.items()}
    root = tmp_path_factory.mktemp("hostile-analyze")
    yield run_cases(None, root, cases, selected_cases(request, CASES), workers=4)


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_analyze(name: str, hostile_outcomes: dict[str, str | None]) -> None:
    failure = hostile_outcomes[name]
    if failure is not None:
        pytest.fail(failure, pytrace=False)
