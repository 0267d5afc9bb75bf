"""What a build compiles, where its build files say so one by one: a suffix setup.py picks
by whether Cython is there, sources it names without their folders, the POSIX headers and -D
flags of files it leaves out, and a header-only library's .cpp files under include/.
Synthetic sdists, each modelled on a real project of the tuning corpus (named in each test);
each test fails on the code before the rule it documents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from test_analyze import analysis, external_names, tree


def _needing_work(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """The x86 items left needing work: (kind, file)."""
    return [
        (e["kind"], e["file"])
        for e in doc["x86"]
        if not e["arm_alternative"] and e["x86_only_context"] is None
    ]


# --- a suffix setup.py picks: `"src/metrohash" + SRC_EXT` --------------------------------------

_CRC = (
    "#include <nmmintrin.h>\n#include <stdint.h>\n"
    "uint64_t crc(uint64_t v, uint64_t x) { return _mm_crc32_u64(v, x); }\n"
)
_METROHASH_SETUP = (
    "from setuptools import setup\nfrom setuptools.extension import Extension\n"
    "try:\n    from Cython.Distutils import build_ext\n    USE_CYTHON = True\n"
    "except ImportError:\n    USE_CYTHON = False\n"
    "CXXSOURCES = [\n    'src/metrohash64.cc',\n    'src/metrohash128.cc',\n]\n"
    "if USE_CYTHON:\n    SRC_EXT = '.pyx'\nelse:\n    SRC_EXT = '.cpp'\n"
    "setup(ext_modules=[Extension('metrohash', CXXSOURCES + ['src/metrohash' + SRC_EXT],"
    " language='c++')])\n"
)


@pytest.mark.parametrize(
    ("change", "compiled"),
    [
        ({}, False),
        # the same, as a conditional expression
        (
            {
                "setup.py": _METROHASH_SETUP.replace(
                    "if USE_CYTHON:\n    SRC_EXT = '.pyx'\nelse:\n    SRC_EXT = '.cpp'\n",
                    "SRC_EXT = '.pyx' if USE_CYTHON else '.cpp'  # generated C++ otherwise\n",
                )
            },
            False,
        ),
        # the file is named
        (
            {"setup.py": _METROHASH_SETUP.replace("'src/metrohash128.cc',", "'src/crc.cc',")},
            True,
        ),
        # the suffix is used in a name this reading does not resolve: every source may be built
        (
            {
                "setup.py": _METROHASH_SETUP.replace(
                    "'src/metrohash' + SRC_EXT", "f'src/{n}{SRC_EXT}'"
                )
            },
            True,
        ),
        ({"setup.py": _METROHASH_SETUP.replace("+ SRC_EXT", "+ NAME + SRC_EXT")}, True),
        # a suffix alone, not assigned to a name
        (
            {"setup.py": _METROHASH_SETUP + "EXTS = ['.c', '.cc']\n"},
            True,
        ),
    ],
)
def test_a_source_setup_py_leaves_out_beside_a_suffix_it_picks(
    tmp_path: Path, change: dict[str, str], compiled: bool
) -> None:
    """metrohash 0.4.1's setup.py names metrohash64.cc, metrohash128.cc and `"src/metrohash"
    + SRC_EXT` (.pyx with Cython, .cpp without): src/metrohash128crc.cc, the SSE4.2 CRC
    variant, is in the sdist and compiled by no build."""
    files = {
        "setup.py": _METROHASH_SETUP,
        "src/metrohash.pyx": "def h(): return 0\n",
        "src/metrohash64.cc": "int a() { return 0; }\n",
        "src/metrohash128.cc": "int b() { return 0; }\n",
        "src/crc.cc": _CRC,
        **change,
    }
    doc = analysis(tree(tmp_path, files))
    crc = [w for w in _needing_work(doc) if w[1] == "src/crc.cc"]
    assert bool(crc) == compiled, doc["x86"]
    assert (doc["category"] == "workflow-only") != compiled, doc["reasons"]


# --- sources named without their folder; a left-out tool's POSIX headers, libraries and -D ----

_KISS_SETUP = (
    "from pathlib import Path\nfrom setuptools import setup, Extension\n"
    "_DIR = Path(__file__).parent\n_KISS = _DIR / 'vad' / 'kissfft'\n"
    "sources = [_DIR / 'vad' / 'vad.cpp']\n"
    "sources.append(_KISS / 'kiss_fft.cc')\nsources.append(_KISS / 'tools' / 'kiss_fftr.cc')\n"
    "setup(ext_modules=[Extension(name='vad_cpp', language='c++',"
    " sources=sorted([str(p) for p in sources] + [str(_DIR / 'src' / 'vad.cpp')]),"
    " define_macros=[('FIXED_POINT', '16')])])\n"
)
_KISS_FILES = {
    "setup.py": _KISS_SETUP,
    "vad/vad.cpp": '#include "kissfft/kiss_fft.h"\nint v() { return 0; }\n',
    "src/vad.cpp": "int w() { return 0; }\n",
    "vad/kissfft/kiss_fft.h": "#pragma once\nint kiss(void);\n",
    "vad/kissfft/kiss_fft.cc": '#include "kiss_fft.h"\nint kiss(void) { return 0; }\n',
    "vad/kissfft/tools/kiss_fftr.cc": (
        '#include "../kiss_fft.h"\n#ifdef USE_SIMD\n#include <xmmintrin.h>\n'
        "__m128 z(void) { return _mm_set1_ps(0); }\n#endif\nint r(void) { return 1; }\n"
    ),
    # kissfft's command-line tools, which its own Makefile builds
    "vad/kissfft/tools/fftutil.cc": "#include <unistd.h>\nint main() { return getpid(); }\n",
    "vad/kissfft/tools/psdpng.cc": "#include <unistd.h>\n#include <png.h>\nint main() { return 0; }\n",
    "vad/kissfft/tools/Makefile": (
        "TYPEFLAGS=-DUSE_SIMD=1 -msse\nfftutil: fftutil.cc\n\t$(CC) $(TYPEFLAGS) -o $@ $^\n"
    ),
}


def test_a_setup_py_that_names_its_sources_without_their_folders(tmp_path: Path) -> None:
    """pymicro-vad 2.1.0's setup.py joins folders to names with pathlib (`_KISSFFT_DIR /
    "tools" / "kiss_fftr.cc"`), and names micro_vad.cpp twice (micro_vad/ and src/). Beside
    kiss_fftr.cc, kissfft's own command-line tools (fftutil.cc: <unistd.h>; psdpng.cc:
    <png.h>) are compiled by its Makefile only, whose `-DUSE_SIMD=1 -msse` no setup.py build
    passes: kiss_fftr.cc's `#ifdef USE_SIMD` SSE code is off. Nothing to port: workflow-only."""
    doc = analysis(tree(tmp_path / "as-shipped", _KISS_FILES))
    assert doc["category"] == "workflow-only", doc["reasons"]
    assert external_names(doc) == [], doc["external_libraries"]
    assert _needing_work(doc) == [], doc["x86"]
    # where setup.py runs make, the Makefile's flags and tools are the build's
    runs_make = {
        **_KISS_FILES,
        "setup.py": _KISS_SETUP.replace(
            "from pathlib",
            "import subprocess\nsubprocess.check_call(['make', '-C', 'vad'])\nfrom pathlib",
        ),
    }
    doc = analysis(tree(tmp_path / "runs-make", runs_make))
    assert doc["category"] != "workflow-only", doc["reasons"]
    assert ("intrinsic-call", "vad/kissfft/tools/kiss_fftr.cc") in _needing_work(doc), doc["x86"]


@pytest.mark.parametrize("named", ["fftutil.cc", "psdpng.cc"])
def test_a_tool_setup_py_names_is_compiled(tmp_path: Path, named: str) -> None:
    """The same sdist, where setup.py does name the tool: its POSIX header, or its library,
    is the build's."""
    files = {
        **_KISS_FILES,
        "setup.py": _KISS_SETUP.replace(
            "sources.append(_KISS / 'kiss_fft.cc')",
            f"sources.append(_KISS / 'kiss_fft.cc')\nsources.append(_KISS / 'tools' / '{named}')",
        ),
    }
    doc = analysis(tree(tmp_path, files))
    if named == "psdpng.cc":
        assert "png" in external_names(doc), doc["external_libraries"]
    else:
        assert any("POSIX" in reason for reason in doc["reasons"]), doc["reasons"]
    assert doc["category"] != "workflow-only"


# --- a header-only library's .cpp files under include/ -------------------------------------

_SVD_CPP = (
    '#include <xmmintrin.h>\n#include "svd.h"\n'
    "float svd(float x) { return _mm_cvtss_f32(_mm_rsqrt_ss(_mm_set_ss(x))); }\n"
)
_IGL_FILES = {
    "pyproject.toml": (
        '[build-system]\nrequires = ["setuptools", "cmake", "pybind11"]\n'
        'build-backend = "setuptools.build_meta"\n'
    ),
    "setup.py": "from setuptools import setup\nsetup()\n",
    "CMakeLists.txt": (
        "cmake_minimum_required(VERSION 3.15)\nproject(rdp)\n"
        "include_directories(BEFORE ${PROJECT_SOURCE_DIR}/headers/include)\n"
        "add_subdirectory(pybind11)\npybind11_add_module(_rdp src/main.cpp)\n"
    ),
    "src/main.cpp": "#include <Eigen/Core>\n#include <pybind11/pybind11.h>\nint m() { return 0; }\n",
    "headers/include/Eigen/Core": "#pragma once\n",
    "pybind11/include/pybind11/pybind11.h": "#pragma once\n",
    # libigl in its header-only mode: each header includes its .cpp
    "headers/include/igl/svd.h": (
        '#pragma once\nfloat svd(float x);\n#ifndef IGL_STATIC_LIBRARY\n#include "svd.cpp"\n#endif\n'
    ),
    "headers/include/igl/svd.cpp": _SVD_CPP,
    "headers/include/igl/fwn.h": "#pragma once\n#include <xmmintrin.h>\nint m(__m128 v) { return _mm_movemask_ps(v); }\n",
    "headers/include/igl/fwn.cpp": '#include "fwn.h"\n#include "svd.h"\n',
}


@pytest.mark.parametrize(
    ("change", "compiled"),
    [
        ({}, False),
        # the binding uses the library
        (
            {"src/main.cpp": "#include <igl/svd.h>\n#include <igl/fwn.h>\nint m() { return 0; }\n"},
            True,
        ),
        # a build file names the .cpp: compiled on its own
        (
            {
                "CMakeLists.txt": _IGL_FILES["CMakeLists.txt"]
                + "add_library(igl STATIC headers/include/igl/svd.cpp headers/include/igl/fwn.cpp)\n"
            },
            True,
        ),
        # not under a folder named include: a source as any other
        (
            {
                "headers/inc/igl/svd.cpp": _SVD_CPP,
                "headers/inc/igl/fwn.cpp": '#include "fwn.h"\n',
                "headers/inc/igl/fwn.h": _IGL_FILES["headers/include/igl/fwn.h"],
            },
            True,
        ),
    ],
)
def test_a_header_only_librarys_sources_under_include(
    tmp_path: Path, change: dict[str, str], compiled: bool
) -> None:
    """pybind11-rdp 0.1.4 vendors libigl under headers/include/igl, .h and .cpp side by side
    (in its header-only mode igl/X.h ends with `#include "X.cpp"`); its one compiled source,
    src/main.cpp, includes Eigen and pybind11 only. libigl's SSE (FastWindingNumberForSoups.h,
    svd3x3.cpp) is built by nothing: its .cpp files under include/ are no roots of the build."""
    doc = analysis(tree(tmp_path, {**_IGL_FILES, **change}))
    left = _needing_work(doc)
    assert bool(left) == compiled, doc["x86"]
    assert (doc["category"] == "workflow-only") != compiled, doc["reasons"]


# --- GCC warning flags MSVC stops at ---------------------------------------------------------

_EIF_SETUP = (
    "from setuptools import setup, Extension\nimport numpy\n"
    "setup(ext_modules=[Extension('eif', sources=['_eif.pyx', 'eif.cxx'],"
    " include_dirs=[numpy.get_include()], extra_compile_args=FLAGS, language='c++')])\n"
)


@pytest.mark.parametrize(
    ("flags", "before", "stops"),
    [
        # eif 2.0.2; cl.exe: "Command line error D8021: invalid numeric argument '/Wcpp'"
        ("['-Wcpp']", "", True),
        # pycocotools-fix 2.0.0.9; lz4tools 1.3.1.2's bare -W and -Wundef
        ("['-Wno-cpp', '-Wno-unused-function', '-std=c99']", "", True),
        ("['-O3', '-W', '-Wundef']", "", True),  # (-Wundef; a bare -W alone is not matched)
        ("['-O3', '-W']", "", False),
        # a list a name is given (sagemaker-training 5.1.4's -Wl,-export-dynamic: D8021 too,
        # Hywan/inline-c-rs#20)
        ("ARGS", "ARGS = ['-Wall', '-Wl,-export-dynamic']\n", True),
        # cl.exe's own /Wall, and GCC flags it only warns about (D9002)
        ("['-Wall', '-O3', '-std=c99', '-fPIC']", "", False),
        # given to GCC only
        ("['-Wno-cpp'] if sys.platform != 'win32' else []", "import sys\n", False),
        (
            "ARGS",
            "import sys\nARGS = []\nif sys.platform != 'win32':\n    ARGS = ['-Wno-cpp']\n",
            False,
        ),
        # a build_ext that looks at the compiler may take it back
        (
            "['-Wno-cpp']",
            "class B:\n    def build_extensions(self):\n"
            "        if self.compiler.compiler_type == 'msvc':\n            pass\n",
            False,
        ),
    ],
)
def test_a_gcc_warning_flag_given_to_every_compiler(
    tmp_path: Path, flags: str, before: str, stops: bool
) -> None:
    files = {
        "setup.py": before + _EIF_SETUP.replace("FLAGS", flags),
        "_eif.pyx": "def f(): return 0\n",
        "eif.cxx": "int g() { return 0; }\n",
    }
    doc = analysis(tree(tmp_path, files))
    said = [r for r in doc["reasons"] if "GCC warning flag" in r]
    assert bool(said) == stops, doc["reasons"]
    assert (doc["category"] == "build-config") == stops, doc["reasons"]


def test_a_gcc_warning_flag_in_an_optional_build(tmp_path: Path) -> None:
    """Where the build goes on without the extension (a BuildFailed fallback), MSVC's stop
    at the flag leaves the pure-Python package."""
    script = (
        "from setuptools import setup, Extension\n"
        "ext = Extension('m._speedups', ['m/_speedups.c'], extra_compile_args=['-Wno-cpp'])\n"
        "try:\n    setup(ext_modules=[ext])\nexcept Exception:\n    setup()\n"
    )
    files = {"setup.py": script, "m/_speedups.c": "int f(void) { return 0; }\n"}
    doc = analysis(tree(tmp_path, files))
    assert doc["category"] == "pure", doc["reasons"]
    assert "-Wno-cpp" in doc["reasons"][0], doc["reasons"]


# --- a #warning an ARM64 build reaches ------------------------------------------------------


def setup_py_ebur() -> str:
    return (
        "from setuptools import setup, Extension\n"
        "setup(ext_modules=[Extension('ebur', ['src/ebur128.c'])])\n"
    )


_FTZ = (
    "#include <float.h>\n"
    "#if defined(__SSE2_MATH__) || defined(_M_X64) || _M_IX86_FP >= 2\n"
    "#include <xmmintrin.h>\n#define TURN_ON_FTZ _mm_setcsr(_mm_getcsr() | _MM_FLUSH_ZERO_ON);\n"
    "#else\n"
    '#warning "manual FTZ is being used, please enable SSE2 (-msse2 -mfpmath=sse)"\n'
    "#define TURN_ON_FTZ\n#endif\nvoid f(void) { TURN_ON_FTZ }\n"
)


@pytest.mark.parametrize(
    ("change", "stops"),
    [
        ({}, True),
        # an ARM64 branch before the #else
        (
            {
                "src/ebur128.c": _FTZ.replace(
                    "#else\n",
                    "#elif defined(_M_ARM64) || defined(__aarch64__)\n#define TURN_ON_FTZ\n#else\n",
                    1,
                )
            },
            False,
        ),
        # a #warning in no architecture's chain (a deprecation note)
        (
            {
                "src/ebur128.c": '#ifndef NEW_API\n#warning "old API"\n#endif\nint f(void) { return 0; }\n'
            },
            False,
        ),
        # clang-cl takes #warning
        (
            {
                "setup.py": setup_py_ebur(),
                "pyproject.toml": '[tool.cibuildwheel.windows]\nenvironment = { CC = "clang-cl" }\n',
            },
            False,
        ),
    ],
)
def test_a_warning_directive_msvc_stops_at(
    tmp_path: Path, change: dict[str, str], stops: bool
) -> None:
    """libebur128's ebur128.c (pyebur128 0.1.1): after its SSE2/_M_X64 test, the #else an
    ARM64 build takes holds a `#warning`, which MSVC has no such directive for ("fatal error
    C1021: invalid preprocessor command 'warning'"; jiixyj/libebur128#131 makes it a
    `#pragma message` for MSVC): the x64 build passes, ARM64's stops."""
    files = {"setup.py": setup_py_ebur(), "src/ebur128.c": _FTZ, **change}
    doc = analysis(tree(tmp_path, files))
    errors = [e for e in doc["x86"] if e["kind"] == "platform-error" and not e["x86_only_context"]]
    assert bool(errors) == stops, doc["x86"]
    assert (doc["category"] == "source-port") == stops, doc["reasons"]


# --- glibc's byte-order headers; setup.py naming a source by os.path.join ----------------------


def test_glibc_byte_order_headers_where_msvc_reads_them(tmp_path: Path) -> None:
    """thriftrw 1.9.0's protocol/_endian.h includes <endian.h> and <byteswap.h> wherever the
    target is not Apple: MSVC has neither (C1083). Under a Linux test they are no MSVC
    build's."""
    header = (
        "#if defined(__APPLE__)\n#include <libkern/OSByteOrder.h>\n#else\n"
        "#include <endian.h>\n#include <byteswap.h>\n#endif\n"
    )
    files = {
        "setup.py": "from setuptools import setup, Extension\n"
        "setup(ext_modules=[Extension('p', ['p/binary.pyx'])])\n",
        "p/binary.pyx": 'cdef extern from "_endian.h":\n    int be32toh(int)\n',
        "p/_endian.h": header,
    }
    doc = analysis(tree(tmp_path / "else", files))
    assert doc["category"] == "source-port", doc["reasons"]
    files["p/_endian.h"] = header.replace("#else", "#elif defined(__linux__)")
    doc = analysis(tree(tmp_path / "linux", files))
    assert doc["category"] == "workflow-only", doc["reasons"]


def test_a_posix_header_in_a_file_setup_py_names_by_os_path_join(tmp_path: Path) -> None:
    """nano-lib-py 0.5.4's bit_array.c has a Windows path of its own (a `_WIN32` popcount)
    and includes <unistd.h> outside any #if; setup.py names it as `os.path.join("src",
    "nano_lib_py-nbase32-module", "bit_array.c")` where every Windows build runs: MSVC stops
    there (C1083)."""
    source = (
        "#include <unistd.h>\n#ifdef _WIN32\n#include <intrin.h>\n#endif\n"
        "int f(void) { return (int)getpid(); }\n"
    )
    script = (
        "import os\nfrom setuptools import setup, Extension\n"
        "setup(ext_modules=[Extension('n._nbase32', sources=[\n"
        "    os.path.join('src', 'nbase32', 'nbase32.c'),\n"
        "    os.path.join('src', 'nbase32', 'bit_array.c')])])\n"
    )
    files = {
        "setup.py": script,
        "src/nbase32/nbase32.c": "int g(void) { return 0; }\n",
        "src/nbase32/bit_array.c": source,
    }
    doc = analysis(tree(tmp_path / "joined", files))
    assert doc["category"] == "source-port", doc["reasons"]
    # named only off Windows: another system's file
    files["setup.py"] = (
        "import os\nfrom setuptools import setup, Extension\n"
        "SRCS = [os.path.join('src', 'nbase32', 'nbase32.c')]\n"
        "if os.name == 'posix':\n    SRCS.append(os.path.join('src', 'nbase32', 'bit_array.c'))\n"
        "setup(ext_modules=[Extension('n._nbase32', sources=SRCS)])\n"
    )
    doc = analysis(tree(tmp_path / "posix-only", files))
    assert doc["category"] == "workflow-only", doc["reasons"]


# --- a library's release archive the build unpacks; a commented-out Cython extern -------------


@pytest.mark.parametrize(
    ("named", "external"),
    [
        ("op.join('libmseed', entry)", False),  # the folder the archive unpacks to, quoted
        ("op.join('libmseed-2.19.6', entry)", False),  # its stem
        ("op.join('mseed_src', entry)", True),  # some other folder: not known to be it
    ],
)
def test_a_release_archive_the_build_unpacks(tmp_path: Path, named: str, external: bool) -> None:
    """pyrocko 2026.6.2 ships libmseed-2.19.6.tar.gz and compiles `op.join('libmseed',
    entry)` after its prerequisites script unpacks and patches it: <libmseed.h> is that
    archive's, built here, not a library to provide."""
    script = (
        "import os.path as op\nfrom setuptools import setup, Extension\n"
        f"srcs = [{named} for entry in ['fileutils.c', 'unpack.c']]\n"
        "setup(ext_modules=[Extension('p.mseed_ext', ['src/mseed_ext.c'] + srcs,"
        ")])\n"
    )
    files = {
        "setup.py": script,
        "src/mseed_ext.c": "#include <libmseed.h>\nint f(void) { return 0; }\n",
        "libmseed-2.19.6.tar.gz": "(an archive)\n",
    }
    doc = analysis(tree(tmp_path, files))
    assert ("mseed" in " ".join(external_names(doc))) == external, doc["external_libraries"]


def test_a_commented_out_cython_extern(tmp_path: Path) -> None:
    """numpythia 1.3.1's pythia.pxd: `#cdef extern from "Vincia/Vincia.h"` is a comment;
    the header is no library the build needs."""
    files = {
        "setup.py": "from setuptools import setup, Extension\n"
        "setup(ext_modules=[Extension('p._lib', ['p/_lib.pyx'])])\n",
        "p/_lib.pyx": "cimport pythia\ndef f(): return 0\n",
        "p/pythia.pxd": '#cdef extern from "Vincia/Vincia.h" namespace "Vincia":\n'
        '#    cdef cppclass VinciaShower:\n#        pass\ncdef extern from "stdlib.h":\n'
        "    int abs(int)\n",
    }
    doc = analysis(tree(tmp_path, files))
    assert external_names(doc) == [], doc["external_libraries"]
    files["p/pythia.pxd"] = files["p/pythia.pxd"].replace("#cdef extern", "cdef extern", 1)
    files["p/pythia.pxd"] = (
        files["p/pythia.pxd"]
        .replace("#    cdef", "    cdef")
        .replace("#        pass", "        pass")
    )
    doc = analysis(tree(tmp_path / "live", files))
    assert "vincia" in external_names(doc), doc["external_libraries"]


# --- an optional build of Fortran alone -------------------------------------------------------


def test_an_optional_fortran_build(tmp_path: Path) -> None:
    """dragonfly-opt 0.1.7 builds its DIRECT optimizer (Fortran, numpy.distutils) in a
    `try:` whose `except BuildFailed:` runs setup() without it, and falls back to Python at
    import: the Windows-on-Arm runner has no ARM64 Fortran compiler (its MinGW gfortran
    targets x86-64, actions/partner-runner-images#142), so the wheel is pure. A required
    Fortran build needs one installed (build-config)."""
    script = (
        "from numpy.distutils.core import setup, Extension\n"
        "class BuildFailed(Exception):\n    pass\n"
        "ext1 = Extension(name='d.direct', sources=['d/direct.pyf', 'd/DIRect.f'])\n"
        "try:\n    setup(ext_modules=[ext1])\nexcept BuildFailed:\n    setup()\n"
    )
    fortran = "      SUBROUTINE DIRECT(N)\n      INTEGER N\n      END\n"
    files = {"setup.py": script, "d/DIRect.f": fortran, "d/direct.pyf": "python module direct\n"}
    doc = analysis(tree(tmp_path / "optional", files))
    assert doc["category"] == "pure", doc["reasons"]
    files["setup.py"] = (
        "from numpy.distutils.core import setup, Extension\n"
        "setup(ext_modules=[Extension(name='d.direct', sources=['d/direct.pyf', 'd/DIRect.f'])])\n"
    )
    doc = analysis(tree(tmp_path / "required", files))
    assert doc["category"] == "build-config", doc["reasons"]


def test_a_posix_header_under_a_name_setup_py_defines_on_windows(tmp_path: Path) -> None:
    """pyeda 0.29.0's vendored picosat.c includes <sys/time.h> under `#ifndef NGETRUSAGE`,
    and setup.py, naming picosat.c by os.path.join, defines NGETRUSAGE on win32: no MSVC
    build reads the include. Where no build file names the macro, it does."""
    source = (
        "#include <stdio.h>\nint f(void) { return 0; }\n"
        "#ifndef NGETRUSAGE\n#include <sys/time.h>\n#include <sys/resource.h>\n#endif\n"
    )
    script = (
        "import sys\nfrom os.path import join as pjoin\nfrom setuptools import setup, Extension\n"
        "PICOSAT = dict(sources=[pjoin('thirdparty', 'picosat', 'picosat.c')])\n"
        "if sys.platform == 'win32':\n"
        "    PICOSAT['define_macros'] = [('NGETRUSAGE', None)]\n"
        "setup(ext_modules=[Extension('p.picosat', **PICOSAT)])\n"
    )
    files = {"setup.py": script, "thirdparty/picosat/picosat.c": source}
    doc = analysis(tree(tmp_path / "defined", files))
    assert doc["category"] == "workflow-only", doc["reasons"]
    files["setup.py"] = script.replace("NGETRUSAGE", "NOTHING_HERE")
    doc = analysis(tree(tmp_path / "not-defined", files))
    assert doc["category"] == "source-port", doc["reasons"]


def test_a_warning_directive_in_a_build_make_runs(tmp_path: Path) -> None:
    """pyescrypt 0.1.0's setup.py runs make on every system (its port is that: a
    build-config reason of its own); the compiler make runs takes yescrypt-opt.c's
    `#warning` after its x86 test, which MSVC would stop at."""
    files = {
        "setup.py": "import subprocess\nfrom setuptools import setup, Extension\n"
        "subprocess.check_call(['make', '-C', 'src'])\n" + setup_py_ebur().split("\n", 1)[1],
        "src/ebur128.c": _FTZ,
    }
    doc = analysis(tree(tmp_path, files))
    assert not [e for e in doc["x86"] if e["kind"] == "platform-error"], doc["x86"]
    assert doc["category"] == "build-config", doc["reasons"]


def test_a_cython_extern_of_a_posix_header(tmp_path: Path) -> None:
    """A top-level `cdef extern from "<unistd.h>"` in a Cython module (uvloop's system.pxd
    shape) is read for _posix_only as an unconditional include (a regression test: the
    #if conditions kept for C includes are not asked of Cython's)."""
    files = {
        "setup.py": "from setuptools import setup, Extension\n"
        "setup(ext_modules=[Extension('m', ['m.pyx'])])\n",
        "m.pyx": 'cdef extern from "unistd.h":\n    int getpid()\ndef f(): return getpid()\n',
    }
    doc = analysis(tree(tmp_path, files))
    assert doc["category"] == "source-port", doc["reasons"]


@pytest.mark.parametrize(("named", "external"), [(True, ["gpgme"]), (False, [])])
def test_a_library_header_a_source_setup_py_names_in_lib_includes(
    tmp_path: Path, named: bool, external: list[str]
) -> None:
    """pygpgme 0.6 keeps its own C in lib/ (a vendored library's folder elsewhere) and its
    setup.py compiles lib/pygpgme-signature.c by that path: the file's <gpgme.h> is the
    build's, GPGME the library a Windows ARM64 build needs (pkg-config finds it on Linux).
    A lib/ file setup.py does not name stays a vendored tree's business."""
    source = "lib/pygpgme-signature.c" if named else "src/other.c"
    files = {
        "setup.py": "import shlex, subprocess\nfrom setuptools import setup, Extension\n"
        "def pkgconfig(*args):\n"
        "    return shlex.split(subprocess.check_output(['pkg-config', *args]).decode())\n"
        f"setup(ext_modules=[Extension('gpgme._gpgme', ['{source}'],\n"
        "      extra_compile_args=pkgconfig('--cflags', 'gpgme >= 1.13.0'))])\n",
        "lib/pygpgme-signature.c": "#include <Python.h>\n#include <gpgme.h>\nint f(void) { return 0; }\n",
        "src/other.c": "int g(void) { return 0; }\n",
    }
    doc = analysis(tree(tmp_path, files))
    assert external_names(doc) == external, doc["external_libraries"]
