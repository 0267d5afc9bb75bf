"""Red-team review (helper-228) of the rules added at a2daa3c and 41971a1 (sources setup.py
leaves out, GCC -W flags given to MSVC, #warning after an architecture test, os.path.join
names, bundled release archives by folder, posix_conditions). Synthetic sdists, each modelled
on a shape real setup.py files use; each test that documents a wrong answer failed on the code
at a2daa3c (the same inputs give the right answer at 2137c98 unless said otherwise), and
passes with the fixes of the commit that adds this file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from test_analyze import analysis, external_names, tree


def _platform_errors(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in doc["x86"] if e["kind"] == "platform-error" and not e["x86_only_context"]]


# --- posix_conditions / _mentioned_by_build: the C keyword `defined` is no macro a build gives


_PICOSAT = (
    "#include <stdio.h>\nint f(void) { return 0; }\n"
    "#if !defined(NGETRUSAGE)\n#include <sys/time.h>\n#include <sys/resource.h>\n#endif\n"
)


@pytest.mark.parametrize(
    "setup_py",
    [
        # control: no build file says the word (source-port today as well)
        "from setuptools import setup, Extension\n"
        "setup(ext_modules=[Extension('p.picosat', ['thirdparty/picosat/picosat.c'])])\n",
        # the same setup.py with a description that says "user-defined": the word `defined`
        # of `#if !defined(NGETRUSAGE)` is taken for a macro the build file names
        "from setuptools import setup, Extension\n"
        "setup(description='SAT solving with user-defined clauses',\n"
        "      ext_modules=[Extension('p.picosat', ['thirdparty/picosat/picosat.c'])])\n",
        # or a comment
        "from setuptools import setup, Extension\n# compiler flags are defined below\n"
        "setup(ext_modules=[Extension('p.picosat', ['thirdparty/picosat/picosat.c'])])\n",
    ],
)
def test_a_posix_include_under_if_defined_where_a_build_file_says_defined(
    tmp_path: Path, setup_py: str
) -> None:
    """`#if !defined(NGETRUSAGE)` (the pyeda/picosat shape spelled with defined()):
    _enclosing_c_conditions gives its words, `defined` among them, and _mentioned_by_build
    finds `\\bdefined\\b` in any build file ("user-defined", "# ... defined below"), so the
    <sys/time.h> MSVC stops at (C1083) is let go and the package reads workflow-only. Only
    NGETRUSAGE may be defined by a build; `defined` (and numbers' suffixes: `199901L`) may
    not."""
    files = {"setup.py": setup_py, "thirdparty/picosat/picosat.c": _PICOSAT}
    doc = analysis(tree(tmp_path, files))
    assert doc["category"] == "source-port", doc["reasons"]
    assert any(e["kind"] == "posix-only" for e in doc["x86"]), doc["x86"]


# --- _left_out_by_setup: a source compiled through Cython's `# distutils: sources` -----------


def test_a_source_a_pyx_names_with_a_distutils_sources_directive(tmp_path: Path) -> None:
    """A Cython module that compiles a C helper beside it through its own header comment
    `# distutils: sources = m/helper.c` (Cython/Build/Dependencies.py reads it; setup.py
    names only the .pyx, cythonize adds the helper). setup.py's list is not all it compiles:
    helper.c's unconditional <unistd.h> stops MSVC (C1083). _left_out_by_setup calls
    helper.c a file setup.py leaves out and drops the POSIX header (source-port at 2137c98,
    workflow-only now)."""
    files = {
        "setup.py": "from setuptools import setup, Extension\nfrom Cython.Build import cythonize\n"
        "setup(ext_modules=cythonize([Extension('m.fast', ['m/fast.pyx'])]))\n",
        "m/fast.pyx": "# distutils: sources = m/helper.c\n"
        'cdef extern from "helper.h":\n    int helper(int)\ndef f(int x): return helper(x)\n',
        "m/helper.h": "int helper(int);\n",
        "m/helper.c": '#include <unistd.h>\n#include "helper.h"\n'
        "int helper(int x) { return x + (int)getpid(); }\n",
    }
    doc = analysis(tree(tmp_path, files))
    assert doc["category"] == "source-port", doc["reasons"]


# --- _left_out_by_setup: cost on a large sdist -----------------------------------------------


def test_left_out_sources_of_a_large_sdist(tmp_path: Path) -> None:
    """An sdist that ships a library's tools beside the one source setup.py compiles (300
    files, each with a POSIX header and 16 headers of its own): the tools are left out, and
    their POSIX headers with them. (_left_out_by_setup rebuilt `{n.lower() for n in
    result.included}` for every POSIX include it was asked about: files x includes; helper-228
    measured 3,000 such files at 10.2 s against 0.50 s at 2137c98. The set is now made once,
    `Analysis.included_lower`; timings belong in bench/, not here.)"""
    files = {
        "setup.py": "from setuptools import setup, Extension\n"
        "setup(ext_modules=[Extension('m', ['src/m.c'])])\n",
        "src/m.c": "int f(void) { return 0; }\n",
    }
    for i in range(300):
        own = "".join(f'#include "h{i}_{j}.h"\n' for j in range(16))
        files[f"tools/t{i}.c"] = f"#include <unistd.h>\n{own}int main(void) {{ return 0; }}\n"
    doc = analysis(tree(tmp_path, files))
    assert doc["category"] == "workflow-only", doc["reasons"]


# --- _gcc_warning_flag: compiler tests the script makes in other words ------------------------


@pytest.mark.parametrize(
    "before",
    [
        # vorostereology's setup.py shape: the compiler CPython was built with
        "import sys\nif 'MSC' in sys.version:\n    ARGS = ['/O2']\n"
        "else:\n    ARGS = ['-O3', '-Wno-unused-function']\n",
        # a build_ext that takes the flags back for MSVC by the compiler's class name
        "from setuptools.command.build_ext import build_ext\nARGS = ['-O3', '-Wno-unused-function']\n"
        "class B(build_ext):\n    def build_extensions(self):\n"
        "        if self.compiler.__class__.__name__ == 'MSVCCompiler':\n"
        "            for e in self.extensions:\n                e.extra_compile_args = []\n"
        "        build_ext.build_extensions(self)\n",
    ],
)
def test_a_gcc_warning_flag_the_script_keeps_from_msvc(tmp_path: Path, before: str) -> None:
    """_gcc_warning_flag gives up only on _WINDOWS_TEST's words, `compiler_type` and
    `compiler.compiler`; `"MSC" in sys.version` (the test of the compiler CPython was built
    with, MSVC on every Windows build) and `self.compiler.__class__.__name__ ==
    'MSVCCompiler'` keep the GCC flag from cl.exe as well, and the package builds as is
    (workflow-only at 2137c98; build-config now, D8021 said of a flag cl never sees)."""
    script = before + (
        "from setuptools import setup, Extension\n"
        "setup(ext_modules=[Extension('m', ['m.c'], extra_compile_args=ARGS)])\n"
    )
    files = {"setup.py": script, "m.c": "int f(void) { return 0; }\n"}
    doc = analysis(tree(tmp_path, files))
    assert not [r for r in doc["reasons"] if "GCC warning flag" in r], doc["reasons"]
    assert doc["category"] == "workflow-only", doc["reasons"]


# --- #warning: MSVC Build Tools 14.50 (VS 2026) implements it ---------------------------------


_FTZ = (
    "#if defined(__SSE2_MATH__) || defined(_M_X64)\n#include <xmmintrin.h>\n"
    "#define TURN_ON_FTZ _mm_setcsr(_mm_getcsr() | _MM_FLUSH_ZERO_ON);\n#else\n"
    '#warning "manual FTZ is being used"\n#define TURN_ON_FTZ\n#endif\n'
    "void f(void) { TURN_ON_FTZ }\n"
)


def test_a_warning_directive_in_cxx23_mode(tmp_path: Path) -> None:
    """MSVC Build Tools v14.50 (compiler 19.50, first in Visual Studio 2026 18.0) implements
    P2437R1, C++23's `#warning` (MicrosoftDocs cpp-docs msvc-conformance-improvements.md,
    "P2437R1: C++23 #warning directive"; learn.microsoft.com hash-warning-directive-c-cpp:
    "available starting in C23 and C++23"), and the windows-11-arm label runs the Visual
    Studio 2026 image since September 2026 (actions/runner-images#14602). A C++ source built
    with /std:c++latest on Windows gets a warning there, not C1021: no port (source-port
    now). Whether 19.50 takes #warning in its default modes too is not settled here; the
    rule's "MSVC has no #warning" holds for VS 2022 (windows-11-arm before September 2026)."""
    script = (
        "import sys\nfrom setuptools import setup, Extension\n"
        "args = ['/std:c++latest'] if sys.platform == 'win32' else ['-std=c++23']\n"
        "setup(ext_modules=[Extension('e', ['src/e.cpp'], extra_compile_args=args)])\n"
    )
    doc = analysis(tree(tmp_path, {"setup.py": script, "src/e.cpp": _FTZ}))
    assert not _platform_errors(doc), doc["x86"]
    assert doc["category"] == "workflow-only", doc["reasons"]


# --- _builds_bundled_archive by folder name: an archive that is not the library's -------------


def test_an_sdist_that_ships_its_own_earlier_sdist(tmp_path: Path) -> None:
    """MANIFEST.in's `graft .` sweeps dist/fastz-0.1.tar.gz (the project's own earlier sdist)
    into the sdist; setup.py names its source `'fastz/_ext.c'`, which the new folder test
    (`["']fastz/`) reads as the folder that archive unpacks to. _builds_bundled_archive then
    returns True and _resolve_includes drops every header the sdist does not ship: zlib,
    which `libraries=['z']` links and <zlib.h> needs, is no longer reported
    (external-native-library at 2137c98, workflow-only now)."""
    files = {
        "setup.py": "from setuptools import setup, Extension\n"
        "setup(name='fastz', packages=['fastz'],\n"
        "      ext_modules=[Extension('fastz._ext', ['fastz/_ext.c'], libraries=['z'])])\n",
        "MANIFEST.in": "graft .\n",
        "fastz/__init__.py": "",
        "fastz/_ext.c": "#include <zlib.h>\nint f(void) { return (int)zlibVersion()[0]; }\n",
        "dist/fastz-0.1.tar.gz": "(an archive)\n",
    }
    doc = analysis(tree(tmp_path, files))
    assert "zlib" in external_names(doc), doc["external_libraries"]
    assert doc["category"] == "external-native-library", doc["reasons"]
