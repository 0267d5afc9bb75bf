"""Readings that rounds 126 and 127 got wrong, each modelled on the real sdist:

- sonicparanoid 2.0.9: Cython modules that declare `cdef extern from "stdio.h": ssize_t
  getline(char **, size_t *, FILE *)`. getline() is POSIX's; MSVC's C runtime has none, so
  the module does not link on Windows ("unresolved external symbol getline",
  libplctag/libplctag#385): code written for POSIX only, like an include of unistd.h.
- wiresharkffi 0.1.1's _ws_impl.c: <epan/epan.h>, <wiretap/wtap.h>, <wsutil/buffer.h> and
  <ws_version.h>, the headers Wireshark installs under include/wireshark/ for libwireshark,
  libwiretap and libwsutil: one external library, Wireshark."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_analyze import PYPROJECT, analysis, external_names, needing_work, setup_extension, tree

GETLINE_MODULE = """\
from libc.stdio cimport FILE, fopen, fclose
from libc.stdlib cimport free

{extern}

def count_lines(path):
    cdef FILE* f = fopen(path, b"r")
    cdef char* line = NULL
    cdef size_t size = 0
    cdef Py_ssize_t n = 0
    while getline(&line, &size, f) != -1:
        n += 1
    free(line)
    fclose(f)
    return n
"""
STDIO_GETLINE = 'cdef extern from "stdio.h":\n    ssize_t getline(char **, size_t *, FILE *)'


@pytest.mark.parametrize(
    ("extern", "other", "category"),
    [
        # sonicparanoid 2.0.9's graph_c.pyx
        (STDIO_GETLINE, "", "source-port"),
        (
            'cdef extern from "stdio.h" nogil:\n    # POSIX\n'
            "    ssize_t getdelim(char **, size_t *, int, FILE *)\n"
            "    ssize_t getline(char **, size_t *, FILE *)",
            "",
            "source-port",
        ),
        # declared only off Windows (Cython's compile-time IF)
        (
            'IF UNAME_SYSNAME != "Windows":\n'
            + "\n".join("    " + line for line in STDIO_GETLINE.split("\n")),
            "",
            "workflow-only",
        ),
        # from a header of the package's own, which may define it for Windows (apache-beam
        # 2.77.0's crossplatform_unistd.h and usleep)
        (
            'cdef extern from "compat_getline.h":\n    ssize_t getline(char **, size_t *, FILE *)',
            "",
            "workflow-only",
        ),
        # stdio.h's own functions
        ('cdef extern from "stdio.h":\n    int fflush(FILE *)', "", "workflow-only"),
        # a commented declaration declares nothing
        (
            'cdef extern from "stdio.h":\n    # ssize_t getline(char **, size_t *, FILE *)\n    pass',
            "",
            "workflow-only",
        ),
        # another native file of the package has a Windows path: not written for POSIX only
        (
            STDIO_GETLINE,
            "#ifdef _WIN32\n#include <windows.h>\n#endif\nint g(void) { return 0; }\n",
            "workflow-only",
        ),
    ],
)
def test_getline_declared_from_stdio_in_cython(
    tmp_path: Path, extern: str, other: str, category: str
) -> None:
    files = {
        "pyproject.toml": PYPROJECT,
        "setup.py": (
            "from setuptools import setup, Extension\nfrom Cython.Build import cythonize\n"
            "setup(ext_modules=cythonize([Extension('sonic.graph_c', ['sonic/graph_c.pyx'])"
            + (", Extension('sonic.util', ['sonic/util.c'])" if other else "")
            + "]))\n"
        ),
        "sonic/__init__.py": "",
        "sonic/graph_c.pyx": GETLINE_MODULE.format(extern=extern),
    }
    if "compat_getline.h" in extern:
        files["sonic/compat_getline.h"] = (
            "#include <stdio.h>\nssize_t getline(char **, size_t *, FILE *);\n"
        )
    if other:
        files["sonic/util.c"] = other
    doc = analysis(tree(tmp_path, files))
    assert doc["category"] == category, doc["reasons"]
    posix = [(kind, file) for kind, file, _line in needing_work(doc) if kind == "posix-only"]
    assert (("posix-only", "sonic/graph_c.pyx") in posix) == (category == "source-port"), posix


@pytest.mark.parametrize(
    ("includes", "external"),
    [
        # wiresharkffi 0.1.1's _ws_impl.c (glib is its own library)
        (
            ["glib.h", "ws_version.h", "wsutil/buffer.h", "wiretap/wtap.h", "epan/epan.h"],
            ["glib", "wireshark"],
        ),
        (["epan/proto.h"], ["wireshark"]),
        (["wiretap/wtap.h", "wsutil/wslog.h"], ["wireshark"]),
    ],
)
def test_wiresharks_headers_are_wireshark(
    tmp_path: Path, includes: list[str], external: list[str]
) -> None:
    source = (
        "".join(f"#include <{header}>\n" for header in includes) + "int f(void) { return 0; }\n"
    )
    files = {
        "pyproject.toml": PYPROJECT,
        "setup.py": setup_extension("wsffi._ws", "src/wsffi/_ws_impl.c"),
        "src/wsffi/_ws_impl.c": source,
    }
    doc = analysis(tree(tmp_path, files))
    assert external_names(doc) == external, doc["external_libraries"]


MESON_PYPROJECT = (
    '[build-system]\nrequires = ["meson-python"]\nbuild-backend = "mesonpy"\n'
    '[project]\nname = "stLENS"\nversion = "0.2.0"\n'
)
STLENS_MESON = """\
project('stLENS', 'cpp', version : '0.1.0', default_options : ['cpp_std=c++11'])
py = import('python').find_installation(pure: false)
src_dir = 'src/stLENS'
cpp_sources = [
  {{'name': 'random_matrix', 'source': src_dir / 'random_matrix.cpp'}},
]
{open}foreach cpp_source : cpp_sources
  shared_library(
    cpp_source['name'],
    cpp_source['source'],
    name_suffix: 'so',
    install: true,
    install_dir: py.get_install_dir() / 'stLENS',
    cpp_args: ['-fPIC', '-O3'],{defs}
  )
endforeach
{close}{module}py.install_sources([src_dir / '__init__.py'], subdir: 'stLENS')
"""
RANDOM_MATRIX = 'extern "C" {{\n{mark}void fill(double* out, int n) {{ for (int i = 0; i < n; ++i) out[i] = i; }}\n}}\n'


@pytest.mark.parametrize(
    ("change", "category"),
    [
        # stLENS 0.2.0: ctypes libraries with nothing exported under MSVC
        ({}, "build-config"),
        # the source exports its functions
        ({"mark": "__declspec(dllexport) "}, "workflow-only"),
        # a .def file gives the exports
        ({"defs": "\n    vs_module_defs: 'src/stLENS/exports.def',"}, "workflow-only"),
        # built only off Windows
        ({"open": "if host_machine.system() != 'windows'\n", "close": "endif\n"}, "workflow-only"),
        # a Python module in the same build: its own exports, the build's linking (not read)
        (
            {"module": "py.extension_module('_core', 'src/stLENS/core.cpp', install: true)\n"},
            "workflow-only",
        ),
    ],
)
def test_a_meson_shared_library_that_exports_nothing_under_msvc(
    tmp_path: Path, change: dict[str, str], category: str
) -> None:
    parts = {"open": "", "close": "", "defs": "", "module": "", "mark": ""} | change
    files = {
        "pyproject.toml": MESON_PYPROJECT,
        "meson.build": STLENS_MESON.format(**parts),
        "src/stLENS/__init__.py": "",
        "src/stLENS/random_matrix.cpp": RANDOM_MATRIX.format(mark=parts["mark"]),
    }
    if parts["defs"]:
        files["src/stLENS/exports.def"] = "EXPORTS\n    fill\n"
    if parts["module"]:
        files["src/stLENS/core.cpp"] = (
            "#include <Python.h>\nPyMODINIT_FUNC PyInit__core(void) { return 0; }\n"
        )
    doc = analysis(tree(tmp_path, files))
    assert doc["category"] == category, doc["reasons"]
    stops = [r for r in doc["reasons"] if "shared_library() that exports nothing" in r]
    assert bool(stops) == (category == "build-config"), doc["reasons"]
