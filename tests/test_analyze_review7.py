"""Red-team review of cb6e4df and the worktree's changes to analyze.py (helper, review 7):
a C/C++ source setup.py names among literal sources is built (its #error on ARM64 is a port,
a name for x86 does not make it x86-only); GCC builtins MSVC lacks as gnu-only (in a #define
code uses, in a vendored file setup.py compiles, not where the sdist defines the name); an x64
intrinsic in an MSVC block takes only a near `_M_ARM64` for its ARM64 path; setup.py's CMake
`-A x64` skipped where pyproject.toml's backend never runs setup.py. Synthetic sdists, each
modelled on a real project's shape. Tests that fail on the reviewed code show a bug."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from test_analyze import _LIKELY, _SETUP_A_X64, _USE, analysis, tree


def _doc(tmp_path: Path, files: dict[str, str]) -> dict[str, Any]:
    return analysis(tree(tmp_path, files))


def _gnu_only(doc: dict[str, Any]) -> list[str]:
    """The gnu-only items that need work (no context that takes them out)."""
    return [
        e["text"] for e in doc["x86"] if e["kind"] == "gnu-only" and e["x86_only_context"] is None
    ]


_MODULE_C = (
    '#include <Python.h>\n#include "cpu.h"\nPyMODINIT_FUNC PyInit_ext(void) { return NULL; }\n'
)

# cpufeature 0.2.1's cpu_x86.c, shortened (as tests/test_analyze.py's _CPUFEATURE_C)
_CPU_X86_C = (
    '#include "cpu.h"\n'
    "#if defined(__x86_64__) || defined(_M_X64) || defined(__i386) || defined(_M_IX86)\n"
    "#  if _WIN32\n#    include <intrin.h>\n#    define cpuid(o, l, s) __cpuidex(o, l, s)\n"
    "#  else\n#    include <cpuid.h>\n#  endif\n"
    '#else\n#  error "No cpuid intrinsic defined for processor architecture."\n#endif\n'
    "int features(void) { int info[4]; cpuid(info, 1, 0); return info[2]; }\n"
)


def _setup(body: str, sources: str = "sources") -> str:
    return (
        "from setuptools import Extension, setup\n"
        + body
        + f"setup(name='p', ext_modules=[Extension('pkg.ext', sources={sources})])\n"
    )


# --- (1) a source setup.py names is built -----------------------------------------------------


@pytest.mark.parametrize(
    ("setup", "category"),
    [
        # setup.py adds the file only where the build is not Windows (the Python Packaging
        # guide's platform-specific sources: `if sys.platform != "win32":
        # sources.append(...)`): no Windows build compiles it, so its `#ifdef _WIN32 #error`
        # stops none. The literal is in setup.py all the same.
        (
            "import sys\nsources = ['pkg/module.c']\n"
            "if sys.platform != 'win32':\n    sources.append('pkg/posix_io.c')\n",
            "workflow-only",
        ),
        (
            "import os\nsources = ['pkg/module.c']\n"
            "if os.name == 'posix':\n    sources += ['pkg/posix_io.c']\n",
            "workflow-only",
        ),
        # the same file in the plain list: every build compiles it, and MSVC stops there
        (
            "sources = ['pkg/module.c', 'pkg/posix_io.c']\n",
            "source-port",
        ),
    ],
)
def test_a_posix_source_setup_py_adds_off_windows(
    tmp_path: Path, setup: str, category: str
) -> None:
    files = {
        "setup.py": _setup(setup),
        "pkg/module.c": _MODULE_C,
        "pkg/cpu.h": "int features(void);\n",
        "pkg/posix_io.c": '#ifdef _WIN32\n#error "posix_io.c is for POSIX systems"\n#endif\n'
        "#include <unistd.h>\nint io(void) { return (int)getpid(); }\n",
    }
    doc = _doc(tmp_path, files)
    assert doc["category"] == category, doc["reasons"]


@pytest.mark.parametrize(
    "test",
    [
        # machine tests _SETUP_PICKS_BY_MACHINE does not see: platform.uname().machine (an
        # attribute, no call; Python docs: platform.uname() "machine" field), "x86_64" (\bx86\b
        # stops at the underscore), vcvars' VSCMD_ARG_TGT_ARCH ("x64", "arm64" per target:
        # Microsoft Learn, "Use the Microsoft C++ toolset from the command line"), a prefix
        "platform.uname().machine == 'x86_64'",
        "platform.uname()[4] == 'x86_64'",
        "os.environ.get('VSCMD_ARG_TGT_ARCH', 'x64') == 'x64'",
        "not platform.uname().machine.lower().startswith(('arm', 'aarch'))",
        # ... and those it sees (guards)
        "platform.machine() in ('x86_64', 'AMD64')",
        "os.environ.get('PROCESSOR_ARCHITECTURE') == 'AMD64'",
    ],
)
def test_a_source_setup_py_adds_for_x86_machines_only(tmp_path: Path, test: str) -> None:
    # setup.py compiles the x86 probe only on x86 machines: an ARM64 build never reaches its
    # #error; the file is x86-only by its name too
    files = {
        "setup.py": _setup(
            "import os, platform, struct\nsources = ['pkg/module.c']\n"
            f"if {test}:\n    sources.append('pkg/cpu_x86.c')\n"
        ),
        "pkg/module.c": _MODULE_C,
        "pkg/cpu.h": "int features(void);\n",
        "pkg/cpu_x86.c": _CPU_X86_C,
    }
    doc = _doc(tmp_path, files)
    assert doc["category"] == "workflow-only", doc["reasons"]


def test_a_c_file_setup_py_names_in_depends_is_included_not_compiled(tmp_path: Path) -> None:
    # setuptools' Extension(depends=[...]): "list of files that the extension depends on"
    # (rebuilt when they change), not compiled. module.c #includes the x86 kernel only on x86
    # (a unity-build file: `#include "kernel_x86.c"`), as many C projects do.
    files = {
        "setup.py": _setup(
            "",
            "['pkg/module.c'], depends=['pkg/kernel_x86.c', 'pkg/cpu.h']",
        ),
        "pkg/module.c": '#include <Python.h>\n#include "cpu.h"\n'
        '#if defined(__x86_64__) || defined(_M_X64)\n#include "kernel_x86.c"\n#endif\n'
        "PyMODINIT_FUNC PyInit_ext(void) { return NULL; }\n",
        "pkg/cpu.h": "int features(void);\n",
        "pkg/kernel_x86.c": "#include <immintrin.h>\n"
        "static int k(void) { __m128i v = _mm_setzero_si128(); return _mm_cvtsi128_si32(v); }\n",
    }
    doc = _doc(tmp_path, files)
    assert doc["category"] == "workflow-only", doc["reasons"]


@pytest.mark.parametrize(
    "finder",
    [
        # `from glob import glob as find`: a pattern, whatever name it is called by (the glob
        # module's docs); `_COMPILES_MORE` skips both `glob`s of the import line
        "from glob import glob as find\n",
        "import glob as g\nfind = g.glob\n",
        "from glob import glob\nfind = glob\n",
    ],
)
def test_a_glob_called_by_another_name_compiles_more(tmp_path: Path, finder: str) -> None:
    # setup.py names module.c and finds the SIMD kernels by a pattern: simd/kernel.c's SSE,
    # with no #if, is built on ARM64
    files = {
        "setup.py": _setup(finder + "sources = ['pkg/module.c'] + find('pkg/simd/*')\n"),
        "pkg/module.c": _MODULE_C,
        "pkg/cpu.h": "int features(void);\n",
        "pkg/simd/kernel.c": "#include <emmintrin.h>\n"
        "int k(void) { __m128i v = _mm_setzero_si128(); return _mm_cvtsi128_si32(v); }\n",
    }
    doc = _doc(tmp_path, files)
    assert doc["category"] == "source-port", doc["reasons"]


@pytest.mark.parametrize(
    "vendored",
    [
        # (an x86 kernel with an #error for other targets, cpufeature's shape)
        "#if defined(__x86_64__) || defined(_M_X64)\n#include <immintrin.h>\n"
        'int lead(void) { return _mm_popcnt_u32(1u); }\n#else\n#error "fastlib is x86 only"\n'
        "#endif\n",
        "int lead(unsigned x) { return __builtin_clz(x); }\n",
    ],
)
def test_a_literal_that_names_a_basename_only(tmp_path: Path, vendored: str) -> None:
    # os.path.join('src', 'util.c') names src/util.c: not the vendored tree's util.c, which
    # setup.py never compiles (its #error stops no build; its builtins are GCC's own tree's)
    files = {
        "setup.py": "import os\nfrom setuptools import Extension, setup\n"
        "setup(name='p', ext_modules=[Extension('pkg.ext', sources=["
        "os.path.join('src', 'module.c'), os.path.join('src', 'util.c')])])\n",
        "src/module.c": _MODULE_C,
        "src/cpu.h": "int features(void);\n",
        "src/util.c": "int util(void) { return 0; }\n",
        "third_party/fastlib/util.c": vendored,
    }
    doc = _doc(tmp_path, files)
    assert not _gnu_only(doc), doc["x86"]
    assert doc["category"] == "workflow-only", doc["reasons"]


@pytest.mark.xfail(
    reason="_GCC_STYLE_WINDOWS takes any mention of mingw in setup.py for a MinGW build (as at "
    "e0b8b4e); telling a chosen MinGW compiler from a mention is left for later",
    strict=True,
)
def test_a_setup_py_that_only_mentions_mingw(tmp_path: Path) -> None:
    # setup.py tests for MinGW to pick its flags; the Windows build it runs is MSVC's
    # (setuptools' default compiler on Windows), which has no __builtin_clz (C3861/C4013)
    files = {
        "setup.py": "import sys\nfrom setuptools import Extension, setup\n"
        "args = []\nif sys.platform == 'win32' and 'mingw' not in sys.version.lower():\n"
        "    args = ['/O2']\n"
        "setup(name='p', ext_modules=[Extension('p', sources=['src/p.c'], "
        "extra_compile_args=args)])\n",
        "src/p.c": "int lead(unsigned x) { return __builtin_clz(x); }\n",
    }
    doc = _doc(tmp_path, files)
    assert doc["category"] == "source-port", doc["reasons"]


def test_an_error_in_the_else_of_an_arm64_test_is_not_reached(tmp_path: Path) -> None:
    # `#if defined(_M_ARM64) ... #elif x86 ... #else #error`: MSVC ARM64 takes the first
    # branch (_M_ARM64 is MSVC's predefined macro for ARM64 targets)
    files = {
        "setup.py": _setup("sources = ['pkg/module.c', 'pkg/cpu.c']\n"),
        "pkg/module.c": _MODULE_C,
        "pkg/cpu.h": "int features(void);\n",
        "pkg/cpu.c": '#include "cpu.h"\n'
        "#if defined(_M_ARM64) || defined(__aarch64__)\n"
        "int features(void) { return 0; }\n"
        "#elif defined(_M_X64) || defined(__x86_64__)\n#include <intrin.h>\n"
        "int features(void) { int i[4]; __cpuid(i, 1); return i[2]; }\n"
        '#else\n#error "unsupported processor"\n#endif\n',
    }
    doc = _doc(tmp_path, files)
    assert doc["category"] == "workflow-only", doc["reasons"]


@pytest.mark.parametrize(
    ("error", "extension", "category"),
    [
        # an #error a macro setup.py defines keeps off (setuptools' Extension define_macros,
        # and a -D flag: "define_macros: list of macros to define"): no build reaches it
        (
            '#ifndef P_CONFIGURED\n#error "build with setup.py"\n#endif\n',
            "define_macros=[('P_CONFIGURED', '1')]",
            "workflow-only",
        ),
        (
            '#ifndef P_CONFIGURED\n#error "build with setup.py"\n#endif\n',
            "extra_compile_args=['-DP_CONFIGURED']",
            "workflow-only",
        ),
        # a 64-bit test: ARM64 is 64-bit
        (
            '#include <stdint.h>\n#if SIZE_MAX < 0xFFFFFFFFFFFFFFFFu\n#error "64-bit only"\n#endif\n',
            "define_macros=[]",
            "workflow-only",
        ),
        # SSE2 or nothing: MSVC ARM64 defines neither (a port)
        (
            '#if !defined(__SSE2__) && !defined(_M_X64)\n#error "SSE2 required"\n#endif\n',
            "define_macros=[]",
            "source-port",
        ),
    ],
)
def test_an_error_in_a_source_setup_py_lists(
    tmp_path: Path, error: str, extension: str, category: str
) -> None:
    files = {
        "setup.py": "from setuptools import Extension, setup\n"
        "setup(name='p', ext_modules=[Extension('pkg.ext', sources=['pkg/module.c', "
        f"'pkg/core.c'], {extension})])\n",
        "pkg/module.c": _MODULE_C,
        "pkg/cpu.h": "int features(void);\n",
        "pkg/core.c": error + "int core(void) { return 0; }\n",
    }
    doc = _doc(tmp_path, files)
    assert doc["category"] == category, doc["reasons"]


# --- (2) GCC builtins MSVC lacks --------------------------------------------------------------


def _builtin_files(code: str, name: str = "lib/p.c") -> dict[str, str]:
    return {
        "setup.py": "from setuptools import Extension, setup\n"
        f"setup(name='p', ext_modules=[Extension('p', sources=['p.pyx', '{name}'])])\n",
        "p.pyx": "def g():\n    return 1\n",
        name: code,
    }


@pytest.mark.parametrize(
    ("code", "flagged"),
    [
        # guarded for the compilers that have it (GCC's manual: "Other Builtins"; MSVC
        # defines neither __GNUC__ nor __clang__; clang-cl defines __clang__ and _MSC_VER,
        # and has the builtins)
        (
            "#if defined(__GNUC__) || defined(__clang__)\n"
            + _LIKELY
            + "#else\n#define likely(x) (x)\n#endif\n"
            + _USE,
            False,
        ),
        ("#if __GNUC__ >= 3\n" + _LIKELY + "#else\n#define likely(x) (x)\n#endif\n" + _USE, False),
        (
            "#if defined(_MSC_VER) && !defined(__clang__)\n#define likely(x) (x)\n#else\n"
            + _LIKELY
            + "#endif\n"
            + _USE,
            False,
        ),
        # Clang's __has_builtin, defined to 0 where the compiler has none (the idiom of
        # Clang's "Feature Checking Macros" docs)
        (
            "#ifndef __has_builtin\n#define __has_builtin(x) 0\n#endif\n"
            "#if __has_builtin(__builtin_expect)\n"
            + _LIKELY
            + "#else\n#define likely(x) (x)\n#endif\n"
            + _USE,
            False,
        ),
        # in a comment or a string: no code
        (
            "/* likely() is __builtin_expect(x, 1) on GCC */\n" + "int f(int x) { return x; }\n",
            False,
        ),
        ("// __builtin_clz(x) would do\nint f(int x) { return x; }\n", False),
        (
            "/*\n * portable: no __builtin_popcount(x) here\n */\nint f(int x) { return x; }\n",
            False,
        ),
        ('const char *s = "__builtin_expect(x, 1)";\n', False),
        # the macro named only in a comment, in a string, or in another macro's continued body
        # that nothing uses
        (_LIKELY + "/* if (likely(x)) ... */\nint f(int x) { return x; }\n", False),
        (_LIKELY + 'const char *doc = "likely(x) hints the branch";\n', False),
        (
            _LIKELY + "#define CHECK(x) \\\n    do { if (!likely(x)) abort(); } while (0)\n"
            "int f(int x) { return x; }\n",
            False,
        ),
        # ... and used through another macro that code uses: built
        (
            _LIKELY + "#define CHECK(x) \\\n    do { if (!likely(x)) return -1; } while (0)\n"
            "int f(int x) { CHECK(x); return x; }\n",
            True,
        ),
        # the sdist's own definition for MSVC, as a macro (`#define __builtin_expect(x, v)
        # (x)` under _MSC_VER: e.g. the shim many C libraries carry)
        (
            "#ifdef _MSC_VER\n#define __builtin_expect(x, v) (x)\n#endif\n" + _LIKELY + _USE,
            False,
        ),
        (
            "#ifdef _MSC_VER\n#include <intrin.h>\n#define __builtin_popcount __popcnt\n#endif\n"
            "int f(unsigned x) { return __builtin_popcount(x); }\n",
            False,
        ),
        # its own function, with the return type on its own line (GNU style)
        (
            "#ifdef _MSC_VER\n#include <intrin.h>\nstatic __forceinline int\n"
            "__builtin_ctz(unsigned int x)\n{\n  unsigned long r; _BitScanForward(&r, x);"
            " return (int)r;\n}\n#endif\nint f(unsigned x) { return __builtin_ctz(x); }\n",
            False,
        ),
        # `#ifndef likely` only: no compiler test, so MSVC defines likely() as the builtin
        (
            "#ifndef likely\n" + _LIKELY + "#endif\n" + _USE,
            True,
        ),
        # a #define of a builtin right before a type or namespace that opens a brace is no
        # definition of a function named __builtin_clz (_BUILTIN_DEFINED's `[\s\w]{0,40}\{`
        # spans the newline: `__builtin_clz(x)\nnamespace p {`), and it takes the name out of
        # every file of the sdist (defined_names)
        (
            "#define CLZ(x) __builtin_clz(x)\nnamespace p {\n"
            "int lead(unsigned v) { return CLZ(v); }\n}\n",
            True,
        ),
        (
            "#define CLZ(x) __builtin_clz(x)\n\ntypedef struct {\n  int n;\n} buf;\n"
            "int lead(unsigned v) { return CLZ(v); }\n",
            True,
        ),
        (
            "#define LIKELY(x) __builtin_expect(x, 1)\nenum {\n  A = 1\n};\n"
            "int f(int x) { if (LIKELY(x > 0)) return 1; return 0; }\n",
            True,
        ),
        # (with `!!(x)` the nested parentheses keep _BUILTIN_DEFINED from matching)
        (
            _LIKELY
            + "#define unlikely(x) __builtin_expect(!!(x), 0)\nnamespace p {\n"
            + _USE
            + "}\n",
            True,
        ),
        # Cython's generated C (what sdists ship beside the .pyx): likely() under __GNUC__
        (
            "#if defined(__GNUC__)\n  #define likely(x)   __builtin_expect(!!(x), 1)\n"
            "  #define unlikely(x) __builtin_expect(!!(x), 0)\n#else /* !__GNUC__ */\n"
            "  #define likely(x)   (x)\n  #define unlikely(x) (x)\n#endif /* __GNUC__ */\n" + _USE,
            False,
        ),
        # __has_builtin tested before it is used (Clang docs: "#if defined(__has_builtin)")
        (
            "#if defined(__has_builtin)\n#  if __has_builtin(__builtin_expect)\n#    "
            + _LIKELY
            + "#  endif\n#endif\n#ifndef likely\n#define likely(x) (x)\n#endif\n"
            + _USE,
            False,
        ),
    ],
)
def test_gcc_builtins_where_msvc_arm64_compiles_them(
    tmp_path: Path, code: str, flagged: bool
) -> None:
    doc = _doc(tmp_path, _builtin_files(code, "lib/p.cpp" if "namespace" in code else "lib/p.c"))
    assert bool(_gnu_only(doc)) == flagged, doc["x86"]
    assert (doc["category"] == "source-port") == flagged, doc["reasons"]


def test_a_vendored_builtin_in_a_file_setup_py_adds_off_windows(tmp_path: Path) -> None:
    # setup.py compiles vendor/fastpath.c only off Windows (its Windows build uses
    # vendor/fastpath_msvc.c): the builtins there are built by GCC and Clang alone
    files = {
        "setup.py": _setup(
            "import sys\nsources = ['pkg/module.c']\n"
            "if sys.platform == 'win32':\n    sources.append('vendor/fastpath_msvc.c')\n"
            "else:\n    sources.append('vendor/fastpath.c')\n"
        ),
        "pkg/module.c": _MODULE_C,
        "pkg/cpu.h": "int features(void);\n",
        "vendor/fastpath.c": "int lead(unsigned x) { return __builtin_clz(x); }\n",
        "vendor/fastpath_msvc.c": "#include <intrin.h>\n"
        "int lead(unsigned x) { unsigned long r; _BitScanReverse(&r, x); return 31 - (int)r; }\n",
    }
    doc = _doc(tmp_path, files)
    assert not _gnu_only(doc), doc["x86"]
    assert doc["category"] == "workflow-only", doc["reasons"]


@pytest.mark.xfail(
    reason="gnu-only builtins count in C/C++ sources only: a header's #define of one, used by "
    "the sources that include it, is left for later (as are __restrict__ and arm_acle.h there)",
    strict=True,
)
def test_a_header_defining_likely_with_no_compiler_test(tmp_path: Path) -> None:
    # the usual place of likely(): a header (the Linux kernel's compiler.h shape), used by
    # the sources; MSVC builds the sources that use it (C4013 then LNK2019 in C, C3861 in
    # C++: taocpp/json#65)
    files = {
        "setup.py": "from setuptools import Extension, setup\n"
        "setup(name='p', ext_modules=[Extension('p', sources=['lib/p.c'])])\n",
        "lib/compiler.h": _LIKELY,
        "lib/p.c": '#include "compiler.h"\n' + _USE,
    }
    doc = _doc(tmp_path, files)
    assert doc["category"] == "source-port", doc["reasons"]


def test_many_builtin_macros_nothing_uses_are_linear(tmp_path: Path) -> None:
    # a generated C file of many #defines of builtins, none used: each asks _define_used,
    # whose search runs over the whole text
    defines = "".join(
        f"#define HINT_{i}(x) __builtin_expect(!!(x), {i % 2})\n" for i in range(2000)
    )
    files = _builtin_files(defines + "int f(int x) { return x; }\n" + "/* pad */\n" * 40000)
    started = time.perf_counter()
    doc = _doc(tmp_path, files)
    assert time.perf_counter() - started < 3.0
    assert not _gnu_only(doc)


def test_the_macro_use_search_is_linear_on_one_long_line() -> None:
    from woaport import cpp  # noqa: F401
    from woaport.analyze import _BUILTIN_DEFINED, _COMPILES_MORE

    cases = [
        (_BUILTIN_DEFINED.findall, "__builtin_a(" + "b" * 190 + ")" + " x" * 20 + "\n"),
        (_BUILTIN_DEFINED.findall, ("__builtin_" + "a" * 64 + " " * 500) * 2000),
        (_COMPILES_MORE.search, "import " * 200_000),
        (_COMPILES_MORE.search, "glob import " * 100_000),
    ]
    for function, text in cases:
        started = time.perf_counter()
        function(text)
        assert time.perf_counter() - started < 1.0


# --- (3) an x64 intrinsic in an MSVC block ----------------------------------------------------


@pytest.mark.parametrize(
    ("body", "alternative"),
    [
        # an `_M_ARM64` right before the MSVC block that only picks pragmas for both (x64 and
        # ARM64 have _BitScanReverse64): no ARM64 path for _umul128, which MSVC has only for
        # x64 ("_umul128 ... Architecture: x64", Microsoft Learn)
        (
            "#if defined(_M_X64) || defined(_M_ARM64)\n#pragma intrinsic(_BitScanReverse64)\n"
            "#endif\n#if defined(_MSC_VER)\n"
            "static unsigned long long m(unsigned long long a, unsigned long long b) {\n"
            "    unsigned long long hi; return _umul128(a, b, &hi); }\n#endif\n",
            False,
        ),
        # a comment that names it
        (
            "#if defined(_MSC_VER)\n/* TODO: _M_ARM64 (use __umulh) */\n"
            "static unsigned long long m(unsigned long long a, unsigned long long b) {\n"
            "    unsigned long long hi; return _umul128(a, b, &hi); }\n#endif\n",
            False,
        ),
        # the sdist's own _umul128 for ARM64, far above (sse2neon-style shim, as a compat
        # header amalgamated into the file): ARM64 builds call it
        (
            "#if defined(_M_ARM64)\n#include <intrin.h>\nstatic __inline unsigned long long "
            "_umul128(unsigned long long a, unsigned long long b, unsigned long long *hi) {\n"
            "    *hi = __umulh(a, b); return a * b; }\n#endif\n"
            + "static int filler(int x) { return x + 1; }\n"
            * 120
            + "#if defined(_MSC_VER)\n"
            "static unsigned long long m(unsigned long long a, unsigned long long b) {\n"
            "    unsigned long long hi; return _umul128(a, b, &hi); }\n#endif\n",
            True,
        ),
    ],
)
def test_an_x64_intrinsic_in_an_msvc_block_and_arm64_near_it(
    tmp_path: Path, body: str, alternative: bool
) -> None:
    files = {
        "pyproject.toml": '[build-system]\nrequires = ["setuptools"]\n'
        'build-backend = "setuptools.build_meta"\n',
        "CMakeLists.txt": "project(m CXX)\nadd_library(m MODULE src/a.cpp)\n",
        "src/a.cpp": '#include "u128.hpp"\nint f() { return 0; }\n',
        "src/u128.hpp": "#include <stdint.h>\n#if INTPTR_MAX == INT64_MAX\n#define P64 1\n"
        "#endif\n#if P64\n" + body + "#endif\n",
    }
    doc = _doc(tmp_path, files)
    items = [e for e in doc["x86"] if e["kind"] == "x64-intrinsic" and "_umul128(a" in e["text"]]
    # (an ARM64 path: an alternative beside it, or the file's own definition of the name)
    assert items and all(
        (e["arm_alternative"] or e["x86_only_context"] is not None) == alternative for e in items
    ), doc["x86"]


# --- (4) backends that never run setup.py -----------------------------------------------------


@pytest.mark.parametrize(
    ("pyproject", "category"),
    [
        # scikit-build-core's setuptools plugin runs setup.py (scikit-build-core docs,
        # "Setuptools plugin": build-backend = "scikit_build_core.setuptools.build_meta")
        (
            '[build-system]\nrequires = ["scikit-build-core"]\n'
            'build-backend = "scikit_build_core.setuptools.build_meta"\n',
            "build-config",
        ),
        # no build-backend: pip's legacy setuptools build, which runs setup.py (PEP 517:
        # "fall back to setuptools.build_meta:__legacy__"), whatever requires lists
        ('[build-system]\nrequires = ["scikit-build-core", "setuptools"]\n', "build-config"),
        # an in-tree backend (backend-path) wrapping scikit-build-core may run anything
        (
            '[build-system]\nrequires = ["scikit-build-core"]\nbuild-backend = "backend"\n'
            'backend-path = ["_build"]\n',
            "build-config",
        ),
        # hatchling with a custom hook, pdm-backend with its build script: not skipped
        (
            '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
            '[tool.hatch.build.hooks.custom]\npath = "hatch_build.py"\n',
            "build-config",
        ),
        # maturin and meson-python never run setup.py
        ('[build-system]\nrequires = ["maturin"]\nbuild-backend = "maturin"\n', "workflow-only"),
        (
            '[build-system]\nrequires = ["meson-python"]\nbuild-backend = "mesonpy"\n',
            "workflow-only",
        ),
    ],
)
def test_a_setup_py_and_the_backend_that_runs_it(
    tmp_path: Path, pyproject: str, category: str
) -> None:
    files = {
        "pyproject.toml": pyproject,
        "setup.py": _SETUP_A_X64,
        "CMakeLists.txt": "project(p CXX)\nadd_library(p MODULE src/a.cpp)\n",
        "src/a.cpp": "int f() { return 0; }\n",
    }
    if "hatch_build" in pyproject:
        files["hatch_build.py"] = (
            "import subprocess\nfrom hatchling.builders.hooks.plugin.interface import "
            "BuildHookInterface\nclass Hook(BuildHookInterface):\n"
            "    def initialize(self, version, build_data):\n"
            "        subprocess.check_call(['python', 'setup.py', 'build_ext', '--inplace'])\n"
        )
    if "backend-path" in pyproject:
        files["_build/backend.py"] = (
            "from scikit_build_core.build import *\nimport subprocess\n"
            "subprocess.check_call(['python', 'setup.py', 'build_ext'])\n"
        )
    if "mesonpy" in pyproject:
        files["meson.build"] = "project('p', 'cpp')\npy = import('python').find_installation()\n"
    if "maturin" in pyproject:
        files["Cargo.toml"] = '[package]\nname = "p"\nversion = "0.1.0"\n'
        files["src/lib.rs"] = "pub fn f() {}\n"
    doc = _doc(tmp_path, files)
    assert doc["category"] == category, doc["reasons"]


def test_builtins_where_the_windows_build_uses_clang_cl(tmp_path: Path) -> None:
    # CMake's Visual Studio generator with `-T ClangCL` builds with clang-cl, which has GCC's
    # builtins (Clang docs, "MSVC compatibility"; CMake docs CMAKE_GENERATOR_TOOLSET)
    files = {
        "pyproject.toml": '[build-system]\nrequires = ["scikit-build-core"]\n'
        'build-backend = "scikit_build_core.build"\n'
        '[tool.scikit-build]\ncmake.args = ["-T", "ClangCL"]\n',
        "CMakeLists.txt": "project(p C)\nadd_library(p MODULE src/p.c)\n",
        "src/p.c": "int lead(unsigned x) { return __builtin_clz(x); }\n",
    }
    doc = _doc(tmp_path, files)
    assert not _gnu_only(doc), doc["x86"]
    assert doc["category"] != "source-port", doc["reasons"]
