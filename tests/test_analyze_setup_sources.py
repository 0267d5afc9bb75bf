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
