"""Red-team review of ea966dc and fb5c800 (helper-211, review 8): <limits.h>/<stdint.h> values
(cpp.STANDARD_VALUES), GCC's byte-order macros in ARM64_UNDEFINED, the closed world's
architecture #errors (cpp.read's closed_errors, _Definable.in_build), x86 code in headers no
source reaches (_headers_nothing_includes), CMake check programs, R packages' folders,
paths.h, the asm-string cpuid, ggml's MSVC-on-ARM stop and clang-cl, Hexagon/SpacemiT
folders. Synthetic sdists, each modelled on a real project's shape. Tests that pass document
a rule working; the 29 that failed on fb5c800 showed bugs, fixed in the commit that adds this
file but for three gaps left as strict xfails (a build's definition under a machine test, a
bare "cpuid" feature name)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from test_analyze import _RAPIDJSON_H, analysis, setup_extension, tree


def _doc(tmp_path: Path, files: dict[str, str]) -> dict[str, Any]:
    return analysis(tree(tmp_path, files))


def _needing_work(doc: dict[str, Any], kind: str | None = None) -> list[str]:
    """The files of the x86 items left needing work (no ARM path, no context that takes
    them out), of one kind or all."""
    return [
        e["file"]
        for e in doc["x86"]
        if (kind is None or e["kind"] == kind)
        and not e["arm_alternative"]
        and e["x86_only_context"] is None
    ]


_SKBUILD = (
    '[build-system]\nrequires = ["scikit-build-core"]\nbuild-backend = "scikit_build_core.build"\n'
)

# an x64-only intrinsic in an MSVC branch (wyhash's old_versions shape, as the reviewed
# test has it): MSVC ARM64 has no _mm_popcnt_u64 (C3861)
_POPCOUNT_H = (
    "#pragma once\n#include <stdint.h>\n#if defined(_MSC_VER)\n#include <intrin.h>\n"
    "static int pc(uint64_t x) { return (int)_mm_popcnt_u64(x); }\n#else\n"
    "static int pc(uint64_t x) { return __builtin_popcountll(x); }\n#endif\n"
)
# an MSVC-aware source (so it is read for its #ifs): picks a name per target
_MSVC_CHAIN = (
    '#if defined(_M_X64)\n#define TARGET "x64"\n#elif defined(_M_ARM64)\n#define TARGET "arm64"\n'
    "#endif\n"
)


# --- (4) x86 code in a header "no source includes" --------------------------------------------


@pytest.mark.parametrize(
    ("guard", "source", "build"),
    [
        # names the compiler or the build defines, not a file of the sdist: the closed world
        # reads them as undefined, drops the #include edge, and the header's x86 code is then
        # "a header no source includes". MSVC defines __cplusplus and _MSVC_LANG in every C++
        # compile (Microsoft Learn, "Predefined macros"); _DLL with /MD; setuptools' MSVC
        # compiler passes /DNDEBUG /MD (distutils _msvccompiler: compile_options); CMake's
        # default MSVC flags hold /DWIN32 /D_WINDOWS (CMAKE_<LANG>_FLAGS_INIT)
        ("#ifdef __cplusplus", "src/ext.cpp", "setup"),
        ("#if _MSVC_LANG >= 201703L || __cplusplus >= 201703L", "src/ext.cpp", "setup"),
        ("#ifdef NDEBUG", "src/ext.c", "setup"),
        ("#ifdef _DLL", "src/ext.c", "setup"),
        ("#ifdef WIN32", "src/ext.c", "cmake"),
    ],
)
def test_a_header_included_under_a_name_the_compiler_defines(
    tmp_path: Path, guard: str, source: str, build: str
) -> None:
    files = {
        source: _MSVC_CHAIN
        + guard
        + '\n#include "popcount.h"\n#endif\nint f(void) { return 0; }\n',
        "src/popcount.h": _POPCOUNT_H,
    }
    if build == "setup":
        files["setup.py"] = setup_extension("pkg._ext", source)
    else:
        files["pyproject.toml"] = _SKBUILD
        files["CMakeLists.txt"] = f"project(p C CXX)\nadd_library(p MODULE {source})\n"
    doc = _doc(tmp_path, files)
    assert _needing_work(doc) == ["src/popcount.h"], doc["x86"]
    assert doc["category"] == "source-port", doc["reasons"]


def test_a_header_only_a_cffi_preamble_includes(tmp_path: Path) -> None:
    # cffi's set_source(module, c_source, sources=[...]): the C source string is compiled
    # ("#include" of the library's header, cffi docs "Main mode of usage"); the sdist's other
    # C file gives the reading a root, so popcount.h looked unincluded
    files = {
        "setup.py": "from setuptools import setup\nsetup(cffi_modules=['build_ffi.py:ffibuilder'])\n",
        "build_ffi.py": "from cffi import FFI\nffibuilder = FFI()\n"
        "ffibuilder.cdef('int pc(unsigned long long x); int util(void);')\n"
        "ffibuilder.set_source('pkg._fast', '#include \"popcount.h\"\\n#include \"util.h\"\\n', "
        "sources=['src/util.c'], include_dirs=['src'])\n",
        "src/util.c": '#include <stdlib.h>\n#include "util.h"\nint util(void) { return 0; }\n',
        "src/util.h": "int util(void);\n",
        "src/popcount.h": _POPCOUNT_H,
    }
    doc = _doc(tmp_path, files)
    assert doc["category"] == "source-port", doc["reasons"]


@pytest.mark.parametrize("reach", ["cython", "swig"])
def test_a_header_a_binding_file_includes_is_reached(tmp_path: Path, reach: str) -> None:
    # Cython's `cdef extern from "..."` and a SWIG interface's %{ #include %} both compile
    # the header into the module
    files = {
        "src/util.c": '#include <stdlib.h>\n#include "util.h"\nint util(void) { return 0; }\n',
        "src/util.h": "int util(void);\n",
        "src/popcount.h": _POPCOUNT_H,
    }
    if reach == "cython":
        files["setup.py"] = setup_extension("pkg.fast", "pkg/fast.pyx")
        files["pkg/fast.pyx"] = (
            'cdef extern from "../src/popcount.h":\n    int pc(unsigned long long x)\n\n'
            "def popcount(x):\n    return pc(x)\n"
        )
    else:
        files["setup.py"] = (
            "from setuptools import setup, Extension\n"
            "setup(ext_modules=[Extension('pkg._fast', ['pkg/fast.i', 'src/util.c'])])\n"
        )
        files["pkg/fast.i"] = (
            '%module fast\n%{\n#include "../src/popcount.h"\n%}\nint pc(unsigned long long x);\n'
        )
    doc = _doc(tmp_path, files)
    assert doc["category"] == "source-port", doc["reasons"]


# --- (3) the closed world's architecture #errors ----------------------------------------------


@pytest.mark.parametrize(
    "fallback",
    [
        # Python's own pyconfig.h/pyport.h define these for every extension that includes
        # <Python.h> (PC/pyconfig.h: SIZEOF_VOID_P 8 under _WIN64; pyport.h: PY_LITTLE_ENDIAN);
        # CPython's Modules/_sha3 keccak code picks its variant by `#elif PY_BIG_ENDIAN` /
        # `#elif SIZEOF_VOID_P == 8`. No file of the sdist defines them: the closed world
        # reads them as 0 and reaches the #error, which a real build never does.
        "#elif SIZEOF_VOID_P == 8\n#  define WORD_BITS 64\n#elif SIZEOF_VOID_P == 4\n"
        "#  define WORD_BITS 32\n",
        "#elif PY_LITTLE_ENDIAN\n#  define WORD_BITS 64\n#elif PY_BIG_ENDIAN\n#  define WORD_BITS 64\n",
        # <stdint.h>'s own name: `defined(UINTPTR_MAX)` is 0 in the closed world although
        # UINTPTR_MAX reads as STANDARD_VALUES' 2**64-1 (Macros.defined ignores them)
        "#elif defined(UINTPTR_MAX) && UINTPTR_MAX == 0xFFFFFFFFFFFFFFFFu\n#  define WORD_BITS 64\n",
    ],
)
def test_an_architecture_chain_that_falls_back_on_a_header_s_macro(
    tmp_path: Path, fallback: str
) -> None:
    files = {
        "setup.py": setup_extension("pkg._ext", "src/ext.c"),
        "src/ext.c": '#include <Python.h>\n#include <stdint.h>\n#include "word.h"\n'
        "int f(void) { return WORD_BITS; }\n",
        "src/word.h": "#pragma once\n"
        "#if defined(__x86_64__) || defined(_M_X64) || defined(__aarch64__)\n"
        "#  define WORD_BITS 64\n#elif defined(__i386__) || defined(_M_IX86) || defined(__arm__)\n"
        "#  define WORD_BITS 32\n" + fallback + '#else\n#  error "unknown word size"\n#endif\n',
    }
    doc = _doc(tmp_path, files)
    assert doc["category"] == "workflow-only", doc["reasons"]


_SIZE_CHAIN = (
    "#if defined(_M_X64) || defined(__x86_64__)\n#  define BITS 64\n"
    "#elif SIZE_MAX == 0xFFFFFFFFFFFFFFFFull\n#  define BITS 64\n"
    '#elif SIZE_MAX == 0xFFFFFFFFul\n#  define BITS 32\n#else\n#  error "unsupported platform"\n'
    "#endif\n"
)


@pytest.mark.parametrize(
    "prelude",
    [
        # the chain alone: SIZE_MAX has <stdint.h>'s value (the rule working)
        "#include <stdint.h>\n",
        # libyaml-style default, `#ifndef SIZE_MAX / #define SIZE_MAX ((size_t)-1)`: <stdint.h>
        # has defined it, so no build takes this block; the reading takes it as a default
        # (_defines_next) and reads `((size_t)-1)` as -1 in the closed world
        "#include <stdint.h>\n#ifndef SIZE_MAX\n#  define SIZE_MAX ((size_t)-1)\n#endif\n",
        # msinttypes-style shim for Visual Studio before 2010, in the same file: its #define
        # sits where ARM64 never reads (_MSC_VER is 1944), which makes SIZE_MAX
        # _UNDEFINED_HERE (0) instead of <stdint.h>'s value
        "#include <stdint.h>\n#if defined(_MSC_VER) && _MSC_VER < 1600\n#  ifdef _WIN64\n"
        "#    define SIZE_MAX _UI64_MAX\n#  else\n#    define SIZE_MAX _UI32_MAX\n#  endif\n#endif\n",
    ],
)
def test_size_max_keeps_its_standard_value(tmp_path: Path, prelude: str) -> None:
    files = {
        "setup.py": setup_extension("pkg._ext", "src/ext.c"),
        "src/ext.c": '#include "size.h"\nint f(void) { return BITS; }\n',
        "src/size.h": prelude + _SIZE_CHAIN,
    }
    doc = _doc(tmp_path, files)
    assert doc["category"] == "workflow-only", doc["reasons"]


@pytest.mark.parametrize(
    "files",
    [
        # SimulationCraft's engine/config.hpp: `#if defined(_MSC_VER) && defined(_M_ARM64)` /
        # `#define RAPIDJSON_ENDIAN RAPIDJSON_LITTLEENDIAN`, included before RapidJSON: the
        # port is done (RapidJSON's own message: "User needs to define RAPIDJSON_ENDIAN")
        {
            "pkg/config.hpp": "#ifndef CONFIG_H\n#define CONFIG_H\n#define RAPIDJSON_HAS_STDSTRING 1\n"
            "#if defined(_MSC_VER) && defined(_M_ARM64)\n#    define RAPIDJSON_ENDIAN 0\n#endif\n"
            "#endif\n",
            "pkg/_ext.cpp": '#include "config.hpp"\n#include "rapidjson/rapidjson.h"\n'
            "int f() { return 0; }\n",
        },
        # the source defines it itself before the include
        {
            "pkg/_ext.cpp": '#define RAPIDJSON_ENDIAN 0\n#include "rapidjson/rapidjson.h"\n'
            "int f() { return 0; }\n",
        },
    ],
)
def test_rapidjson_endian_defined_by_a_file_of_the_project(
    tmp_path: Path, files: dict[str, str]
) -> None:
    # in_build asks only the build files; a #define in another file of the sdist (outside
    # RapidJSON's own `#ifndef RAPIDJSON_ENDIAN` block) passes the #error over just the same
    files = {
        "setup.py": setup_extension("pkg._ext", "pkg/_ext.cpp"),
        "pkg/rapidjson/rapidjson.h": _RAPIDJSON_H,
        **files,
    }
    doc = _doc(tmp_path, files)
    assert doc["category"] == "workflow-only", doc["reasons"]


@pytest.mark.xfail(
    strict=True,
    reason="a build file's definition counts wherever it is: one under a machine test (CMake processor if(), setup.py machine guard) is not told apart yet",
)
@pytest.mark.parametrize(
    "build",
    [
        # a big-endian fix only: the name is in a build file, but not for an ARM64 build
        {
            "pyproject.toml": _SKBUILD,
            "CMakeLists.txt": 'project(p CXX)\nif(CMAKE_SYSTEM_PROCESSOR MATCHES "s390x")\n'
            "  add_compile_definitions(RAPIDJSON_ENDIAN=1)\nendif()\n"
            "add_library(p MODULE pkg/_ext.cpp)\n",
        },
        {
            "setup.py": "import platform\nfrom setuptools import setup, Extension\nmacros = []\n"
            "if platform.machine() == 's390x':\n    macros.append(('RAPIDJSON_ENDIAN', '1'))\n"
            "setup(ext_modules=[Extension('pkg._ext', ['pkg/_ext.cpp'], define_macros=macros)])\n",
        },
    ],
)
def test_rapidjson_endian_defined_only_for_another_machine(
    tmp_path: Path, build: dict[str, str]
) -> None:
    files = {
        **build,
        "pkg/_ext.cpp": '#include "rapidjson/rapidjson.h"\nint f() { return 0; }\n',
        "pkg/rapidjson/rapidjson.h": _RAPIDJSON_H,
    }
    doc = _doc(tmp_path, files)
    assert doc["category"] == "source-port", doc["reasons"]


def test_rapidjson_endian_defined_for_every_build(tmp_path: Path) -> None:
    # (the rule working) a CMake definition every build gets passes the chain over
    files = {
        "pyproject.toml": _SKBUILD,
        "CMakeLists.txt": "project(p CXX)\nadd_compile_definitions(RAPIDJSON_ENDIAN=0)\n"
        "add_library(p MODULE pkg/_ext.cpp)\n",
        "pkg/_ext.cpp": '#include "rapidjson/rapidjson.h"\nint f() { return 0; }\n',
        "pkg/rapidjson/rapidjson.h": _RAPIDJSON_H,
    }
    doc = _doc(tmp_path, files)
    assert doc["category"] == "workflow-only", doc["reasons"]


def test_rapidjson_with_an_arm64_branch(tmp_path: Path) -> None:
    # (the rule working) RapidJSON after Tencent/rapidjson#1051: `_M_ARM64` beside `_M_ARM`
    fixed = _RAPIDJSON_H.replace(
        "defined(_MSC_VER) && defined(_M_ARM)\n",
        "defined(_MSC_VER) && (defined(_M_ARM) || defined(_M_ARM64))\n",
    )
    assert fixed != _RAPIDJSON_H
    files = {
        "setup.py": setup_extension("pkg._ext", "pkg/_ext.cpp"),
        "pkg/_ext.cpp": '#include "rapidjson/rapidjson.h"\nint f() { return 0; }\n',
        "pkg/rapidjson/rapidjson.h": fixed,
    }
    doc = _doc(tmp_path, files)
    assert doc["category"] == "workflow-only", doc["reasons"]


# --- (2) GCC's byte-order macros --------------------------------------------------------------


def test_a_compat_header_that_defines_glibc_s_byte_order_names_for_msvc(tmp_path: Path) -> None:
    # (the rule working) the project's own endian shim for MSVC: its definitions hold
    files = {
        "setup.py": setup_extension("pkg._ext", "src/ext.c"),
        "src/ext.c": '#include "compat_endian.h"\n#include "codec.h"\nint f(void) { return 0; }\n',
        "src/compat_endian.h": "#pragma once\n#if defined(_MSC_VER)\n#  define __LITTLE_ENDIAN 1234\n"
        "#  define __BIG_ENDIAN 4321\n#  define __BYTE_ORDER __LITTLE_ENDIAN\n#else\n"
        "#  include <endian.h>\n#endif\n",
        "src/codec.h": '#pragma once\n#include "compat_endian.h"\n'
        "#if __BYTE_ORDER == __LITTLE_ENDIAN\n#  define LE 1\n#elif __BYTE_ORDER == __BIG_ENDIAN\n"
        "#  define LE 0\n#elif defined(_M_X64) || defined(__x86_64__)\n#  define LE 1\n#else\n"
        '#  error "unknown byte order"\n#endif\n',
    }
    doc = _doc(tmp_path, files)
    assert doc["category"] == "workflow-only", doc["reasons"]


def test_rapidjson_where_the_build_picks_clang_cl(tmp_path: Path) -> None:
    # clang-cl predefines __BYTE_ORDER__ / __ORDER_LITTLE_ENDIAN__ / __LITTLE_ENDIAN__ for
    # windows-msvc targets too (tensorflow/tensorflow#16492: "Clang on Windows will define
    # __BYTE_ORDER__ etc. for us"): RapidJSON 1.1.0's first branch holds there. The analysis
    # knows this build uses clang-cl (review 7's builtins test); ARM64_UNDEFINED does not.
    files = {
        "pyproject.toml": _SKBUILD + '[tool.scikit-build]\ncmake.args = ["-T", "ClangCL"]\n',
        "CMakeLists.txt": "project(p CXX)\nadd_library(p MODULE pkg/_ext.cpp)\n",
        "pkg/_ext.cpp": '#include "rapidjson/rapidjson.h"\nint f() { return 0; }\n',
        "pkg/rapidjson/rapidjson.h": _RAPIDJSON_H,
    }
    doc = _doc(tmp_path, files)
    assert doc["category"] != "source-port", doc["reasons"]


# --- (10) ggml's MSVC-on-ARM stop and clang-cl ------------------------------------------------

_GGML = {
    "ggml/CMakeLists.txt": 'if (GGML_SYSTEM_ARCH STREQUAL "ARM")\n'
    '    if (MSVC AND NOT CMAKE_C_COMPILER_ID STREQUAL "Clang")\n'
    '        message(FATAL_ERROR "MSVC is not supported for ARM, use clang")\n'
    "    endif()\nendif()\nadd_library(ggml src/ggml.c)\n",
    "ggml/src/ggml.c": "int ggml(void) { return 0; }\n",
}


@pytest.mark.parametrize(
    "pyproject",
    [
        # scikit-build-core's cmake.args is a TOML list: `"-T", "ClangCL"` (two items, as
        # review 7's clang-cl test has it), which _CLANG_CL's `-T[ \t]*["']?ClangCL` misses
        '[tool.scikit-build]\ncmake.args = ["-T", "ClangCL"]\n',
        # a typed cache entry (CMake docs, "-D <var>:<type>=<value>")
        '[tool.scikit-build]\ncmake.args = ["-DCMAKE_C_COMPILER:FILEPATH=clang-cl", '
        '"-DCMAKE_CXX_COMPILER:FILEPATH=clang-cl"]\n',
        # CMake reads the toolset from the environment (CMAKE_GENERATOR_TOOLSET, CMake 3.15+)
        '[tool.cibuildwheel.windows]\nenvironment = { CMAKE_GENERATOR_TOOLSET = "ClangCL" }\n',
        # the compiler by its path, as Windows build scripts give it
        '[tool.scikit-build]\ncmake.args = ["-DCMAKE_C_COMPILER=C:/Program Files/LLVM/bin/'
        'clang-cl.exe", "-DCMAKE_CXX_COMPILER=C:/Program Files/LLVM/bin/clang-cl.exe"]\n',
    ],
)
def test_a_build_that_picks_clang_cl_passes_ggml_s_stop(tmp_path: Path, pyproject: str) -> None:
    files = {
        "pyproject.toml": _SKBUILD + pyproject,
        "CMakeLists.txt": "project(p C)\nadd_subdirectory(ggml)\n",
        **_GGML,
    }
    doc = _doc(tmp_path, files)
    assert doc["category"] == "workflow-only", doc["reasons"]


def test_clang_cl_named_only_in_a_comment(tmp_path: Path) -> None:
    # the stop still stops a default build: a comment picks no compiler
    files = {
        "pyproject.toml": _SKBUILD,
        "CMakeLists.txt": "# Windows on Arm: MSVC cannot build ggml; configure with -T ClangCL\n"
        "project(p C)\nadd_subdirectory(ggml)\n",
        **_GGML,
    }
    doc = _doc(tmp_path, files)
    assert doc["category"] == "build-config", doc["reasons"]


def test_ggml_s_cmake_file_in_an_sdist_setuptools_builds(tmp_path: Path) -> None:
    # setup.py compiles ggml's C with setuptools (MSVC); ggml's CMakeLists.txt is shipped
    # but no build runs CMake, so its FATAL_ERROR stops nothing
    files = {
        "pyproject.toml": '[build-system]\nrequires = ["setuptools"]\n'
        'build-backend = "setuptools.build_meta"\n',
        "setup.py": "from setuptools import setup, Extension\n"
        "setup(ext_modules=[Extension('pkg._ggml', ['pkg/_ggml.c', 'vendor/ggml/src/ggml.c'], "
        "include_dirs=['vendor/ggml/include'])])\n",
        "pkg/_ggml.c": '#include <Python.h>\n#include "ggml.h"\n'
        "PyMODINIT_FUNC PyInit__ggml(void) { return NULL; }\n",
        "vendor/ggml/include/ggml.h": "int ggml(void);\n",
        "vendor/ggml/src/ggml.c": '#include "ggml.h"\nint ggml(void) { return 0; }\n',
        "vendor/ggml/CMakeLists.txt": "project(ggml C)\n"
        'if (MSVC AND NOT CMAKE_C_COMPILER_ID STREQUAL "Clang")\n'
        '    message(FATAL_ERROR "MSVC is not supported for ARM, use clang")\nendif()\n'
        "add_library(ggml src/ggml.c)\n",
    }
    doc = _doc(tmp_path, files)
    assert doc["category"] == "workflow-only", doc["reasons"]


# --- (9) cpuid in a string --------------------------------------------------------------------


def test_cpuid_in_split_asm_strings(tmp_path: Path) -> None:
    # (the rule working) the PIC-safe 32-bit form, one instruction per string
    files = {
        "setup.py": setup_extension("pkg._ext", "src/ext.c"),
        "src/ext.c": "void f(unsigned *a, unsigned *b) {\n"
        '  __asm__ volatile("pushl %%ebx\\n\\t"\n                   "cpuid\\n\\t"\n'
        '                   "movl %%ebx, %1\\n\\t" : "+a"(*a), "=r"(*b));\n}\n',
    }
    doc = _doc(tmp_path, files)
    assert "src/ext.c" in _needing_work(doc, "cpuid"), doc["x86"]


@pytest.mark.xfail(
    strict=True,
    reason="a bare 'cpuid' string is taken for the instruction (as at c30bd4d): the Linux kernel's hwcap_str table shape is left for later",
)
def test_cpuid_as_an_arm64_feature_name(tmp_path: Path) -> None:
    # "cpuid" is an ARM64 hwcap (HWCAP_CPUID; Linux's arch/arm64/kernel/cpuinfo.c hwcap_str:
    # `[KERNEL_HWCAP_CPUID] = "cpuid"`, as /proc/cpuinfo lists it): a feature-name table is
    # no instruction. `"cpuid"` matches the new pattern's closing-quote alternative.
    files = {
        "setup.py": setup_extension("pkg._ext", "src/ext.c"),
        "src/ext.c": "#include <string.h>\nstatic const char *const names[] = {"
        '"fp", "asimd", "evtstrm", "aes", "pmull", "sha1", "sha2", "crc32", "atomics", "fphp", '
        '"asimdhp", "cpuid", "asimdrdm"};\n'
        "int find(const char *n) { for (int i = 0; i < 13; i++) if (!strcmp(n, names[i])) "
        "return i; return -1; }\n",
    }
    doc = _doc(tmp_path, files)
    assert _needing_work(doc, "cpuid") == [], doc["x86"]


# --- (5) CMake check programs, (8) paths.h, (11) Hexagon, (7) R packages ---------------------


@pytest.mark.parametrize(
    ("folder", "category"),
    [
        # (the rule working) OpenCV's cmake/checks/*.cpp shape
        ("cmake/checks", "workflow-only"),
        # the other usual names of a CMake module folder (CMakeModules/, cmake_modules/)
        # hold the same programs
        ("CMakeModules", "workflow-only"),
        ("cmake_modules", "workflow-only"),
    ],
)
def test_a_cmake_check_program_in_a_module_folder(
    tmp_path: Path, folder: str, category: str
) -> None:
    files = {
        "pyproject.toml": _SKBUILD,
        "CMakeLists.txt": f"project(p CXX)\ninclude({folder}/CheckCPU.cmake)\n"
        "add_library(p MODULE src/p.cpp)\n",
        f"{folder}/CheckCPU.cmake": "try_run(RUN_RESULT COMPILE_RESULT ${CMAKE_BINARY_DIR}\n"
        "  ${CMAKE_CURRENT_LIST_DIR}/have_cpuid.cpp)\n",
        f"{folder}/have_cpuid.cpp": "#include <intrin.h>\n#include <array>\nint main() {\n"
        "  std::array<int, 4> cpui;\n  __cpuid(cpui.data(), 1);\n"
        "  unsigned long long x = _xgetbv(0);\n  return (int)x;\n}\n",
        "src/p.cpp": "int f() { return 0; }\n",
    }
    doc = _doc(tmp_path, files)
    assert doc["category"] == category, doc["reasons"]


@pytest.mark.parametrize(
    "code",
    [
        '#ifndef _WIN32\n#include <paths.h>\n#define DEVNULL _PATH_DEVNULL\n#else\n#define DEVNULL "NUL"\n'
        "#endif\nconst char *n = DEVNULL;\n",
        # autoconf's HAVE_PATHS_H, which nothing in the sdist defines
        '#ifdef HAVE_PATHS_H\n#include <paths.h>\n#endif\nconst char *n = "x";\n',
    ],
)
def test_paths_h_where_windows_never_includes_it(tmp_path: Path, code: str) -> None:
    # (the rule working)
    files = {
        "setup.py": setup_extension("pkg._ext", "src/ext.c"),
        "src/ext.c": "#include <Python.h>\n" + code,
    }
    doc = _doc(tmp_path, files)
    assert doc["category"] == "workflow-only", doc["reasons"]


def test_hexagon_the_shape(tmp_path: Path) -> None:
    # "hexagon" is an ordinary word of geometry code (hex grids): a header of that name with
    # x86 inline assembly is no Qualcomm DSP's. The analysis keeps x86 code names that are
    # ordinary words (sapphire, genoa) to X86_CODENAME_FILE for this reason; OTHER_ARCH_FILE
    # takes any hexagon.* file for another architecture's.
    files = {
        "setup.py": setup_extension("pkg._ext", "src/ext.c"),
        "src/ext.c": '#include "hexagon.h"\nint f(void) { return 0; }\n',
        "src/hexagon.h": "#pragma once\nstatic inline unsigned long long ticks(void) {\n"
        '  unsigned lo, hi; __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));\n'
        "  return ((unsigned long long)hi << 32) | lo;\n}\n",
    }
    doc = _doc(tmp_path, files)
    assert doc["category"] == "source-port", doc["reasons"]


def test_an_r_package_folder_the_python_build_compiles_from(tmp_path: Path) -> None:
    # an R-first project keeps its C core in the R package's src/ (where R CMD build wants
    # it) and setup.py compiles it from there: that file's <fftw3.h> is the Python build's
    # library all the same (only R's own headers, R.h/Rinternals.h/Rcpp.h, are R's)
    files = {
        "setup.py": "from setuptools import setup, Extension\n"
        "setup(ext_modules=[Extension('pkg._ext', ['pkg/_ext.c', 'rpkg/src/core.c'])])\n",
        "pkg/_ext.c": '#include <Python.h>\n#include "../rpkg/src/core.h"\n'
        "PyMODINIT_FUNC PyInit__ext(void) { return NULL; }\n",
        "rpkg/DESCRIPTION": "Package: rpkg\n",
        "rpkg/NAMESPACE": "useDynLib(rpkg)\n",
        "rpkg/src/core.h": "int core(double *x, int n);\n",
        "rpkg/src/core.c": '#include <fftw3.h>\n#include "core.h"\n'
        "int core(double *x, int n) {\n"
        "  fftw_plan p = fftw_plan_r2r_1d(n, x, x, FFTW_R2HC, FFTW_ESTIMATE);\n"
        "  fftw_execute(p); return 0;\n}\n",
        "rpkg/src/r_wrap.c": '#include <R.h>\n#include <Rinternals.h>\n#include "core.h"\n',
    }
    doc = _doc(tmp_path, files)
    assert doc["category"] == "external-native-library", doc["reasons"]


# --- hostile inputs ---------------------------------------------------------------------------


def test_many_errors_in_the_else_of_a_long_chain_are_linear(tmp_path: Path) -> None:
    # every closed-world #error of the #else walks every condition of every open frame with
    # _ARCH (the `arch` any() is now worked out where active is None too): n #elifs and n
    # #errors take n*n regex searches (2000: 5 s; c30bd4d: 0.03 s)
    n = 1500
    chain = "".join(f"#elif defined(OPT_{i})\n#define W {i}\n" for i in range(n))
    header = (
        "#if defined(OPT_START)\n#define W 0\n"
        + chain
        + "#elif defined(__x86_64__) || defined(_M_X64)\n#define W 1\n#else\n"
        + "#error unsupported\n" * n
        + "#endif\n"
    )
    files = {
        "setup.py": setup_extension("pkg._ext", "src/ext.c"),
        "src/ext.c": '#include "w.h"\nint f(void) { return 0; }\n',
        "src/w.h": header,
    }
    tree(tmp_path, files)
    started = time.perf_counter()
    analysis(tmp_path)
    assert time.perf_counter() - started < 1.0


def test_the_cmake_check_path_is_linear() -> None:
    from woaport.analyze import _cmake_check_program

    # a deep path (a PAX tar member's name has no length limit) that fails to match: each
    # `cmake/` tried the rest of the path again while this was a regex (_CMAKE_CHECK_PATH)
    path = "cmake/" * 8000 + "x.h"
    started = time.perf_counter()
    assert not _cmake_check_program(path)
    assert time.perf_counter() - started < 0.1
