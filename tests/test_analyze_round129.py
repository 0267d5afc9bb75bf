"""Readings that rounds 128 and 129 got wrong, each modelled on the real sdist:

- deqr 0.2.5's pyproject.toml: `[tool.poetry]` / `build = { script = "build.py",
  generate-setup-file = true }`, the inline-table spelling of [tool.poetry.build]'s script
  (https://python-poetry.org/docs/building-extension-modules/): Poetry runs build.py, which
  cythonizes and compiles, so the wheel is not pure.
- libosim 1.0.0's src/Layers.hpp: <Jolt/Jolt.h>, Jolt Physics' header folder; the library
  is joltphysics (jrouwe/JoltPhysics, vcpkg's port joltphysics).
- kalign-python 3.6.0: the root CMakeLists.txt's check_c_source_runs() strings of C hold
  `if( ( src[i] + src[i] ) != dst[i] ){`, no CMake if() (a quoted argument may span lines:
  cmake-language(7), "Quoted Argument"), so `add_subdirectory(lib)` after them is under no
  if(); lib/CMakeLists.txt compiles lib/src/tlrng.c, which includes <unistd.h> with no
  Windows path, beside a command-line tool's src/parameters.c that has one."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_analyze import analysis, external_names, needing_work, setup_extension, tree

POETRY_PYPROJECT = """\
[project]
name = "deqr"
version = "0.2.5"
requires-python = ">=3.10,<4.0"

[tool.poetry]
{build}

[build-system]
requires = ["cython==3.1.2", "poetry-core==2.1.3", "setuptools==80.9.0"]
build-backend = "poetry.core.masonry.api"
"""
BUILD_PY = """\
from Cython.Build import cythonize
from setuptools import Extension
from setuptools.command.build_ext import build_ext
from setuptools.dist import Distribution


def build():
    extensions = cythonize([Extension("deqr.quirc", ["deqr/quirc.pyx", "deps/quirc/lib/decode.c"])])
    distribution = Distribution({"ext_modules": extensions})
    command = build_ext(distribution)
    command.ensure_finalized()
    command.run()


if __name__ == "__main__":
    build()
"""


@pytest.mark.parametrize(
    ("build", "category"),
    [
        # deqr 0.2.5: the inline table
        ('build = { script = "build.py", generate-setup-file = true }', "workflow-only"),
        # the table, and the legacy string
        ('[tool.poetry.build]\nscript = "build.py"', "workflow-only"),
        ('build = "build.py"', "workflow-only"),
        # a setup file asked for, and no script: Poetry compiles nothing
        ("[tool.poetry.build]\ngenerate-setup-file = false", "pure"),
        ("", "pure"),
    ],
)
def test_poetrys_build_script_in_any_toml_spelling(
    tmp_path: Path, build: str, category: str
) -> None:
    files = {
        "pyproject.toml": POETRY_PYPROJECT.format(build=build),
        "build.py": BUILD_PY,
        "deqr/__init__.py": "",
        "deqr/quirc.pyx": "def decode(data):\n    return len(data)\n",
        "deps/quirc/lib/decode.c": "int quirc_decode(const unsigned char* p) { return p[0]; }\n",
    }
    doc = analysis(tree(tmp_path, files))
    assert doc["category"] == category, doc["reasons"]


@pytest.mark.parametrize(
    ("header", "external"),
    [
        ("Jolt/Jolt.h", ["joltphysics"]),
        ("Jolt/Physics/PhysicsSystem.h", ["joltphysics"]),
        # a name that only starts the same is its own
        ("JoltLike/x.h", ["joltlike"]),
    ],
)
def test_jolt_physics_headers(tmp_path: Path, header: str, external: list[str]) -> None:
    files = {
        "pyproject.toml": (
            '[build-system]\nrequires = ["setuptools", "pybind11"]\n'
            'build-backend = "setuptools.build_meta"\n'
        ),
        "setup.py": setup_extension("libosim._core", "src/Layers.cpp"),
        "src/Layers.cpp": f"#include <{header}>\nint f() {{ return 0; }}\n",
    }
    doc = analysis(tree(tmp_path, files))
    assert external_names(doc) == external, doc["external_libraries"]


KALIGN_ROOT = """\
cmake_minimum_required(VERSION 3.18)
project(kalign LANGUAGES C CXX)
if (ENABLE_SSE)
  check_c_source_runs("
    #include <emmintrin.h>
    int main()
    {{
      int i;
      for(i = 0; i < 4; ++i) {{
        if( ( src[i] + src[i] ) != dst[i] ){{
          return -1;
        }}
      }}
      return 0;
    }}"
    HAVE_SSE)
endif()
{guard}add_subdirectory(lib)
add_subdirectory(src)
{unguard}find_package(pybind11 CONFIG REQUIRED)
pybind11_add_module(_core python-kalign/_core.cpp)
target_link_libraries(_core PRIVATE kalign_static)
"""
KALIGN_LIB = """\
set(source_files
  src/tlrng.c
  src/tldevel.c
)
add_library(kalign_static STATIC ${source_files})
"""


@pytest.mark.parametrize(
    ("guard", "rng", "category"),
    [
        # kalign-python 3.6.0
        (
            "",
            "#include <time.h>\n#include <unistd.h>\nint rng(void) { return (int)getpid(); }\n",
            "source-port",
        ),
        # lib/ added only off Windows
        (
            "if(NOT WIN32)\n",
            "#include <time.h>\n#include <unistd.h>\nint rng(void) { return (int)getpid(); }\n",
            "workflow-only",
        ),
        # the vendored file has its own Windows path
        (
            "",
            "#ifdef _WIN32\n#include <process.h>\n#else\n#include <unistd.h>\n#endif\n"
            "int rng(void) { return 0; }\n",
            "workflow-only",
        ),
    ],
)
def test_a_vendored_posix_source_the_cmake_build_compiles(
    tmp_path: Path, guard: str, rng: str, category: str
) -> None:
    files = {
        "pyproject.toml": (
            '[build-system]\nrequires = ["scikit-build-core", "pybind11"]\n'
            'build-backend = "scikit_build_core.build"\n'
            '[project]\nname = "kalign-python"\nversion = "3.6.0"\n'
        ),
        "CMakeLists.txt": KALIGN_ROOT.format(guard=guard, unguard="endif()\n" if guard else ""),
        "lib/CMakeLists.txt": KALIGN_LIB,
        "lib/src/tlrng.c": rng,
        "lib/src/tldevel.c": "int tl(void) { return 1; }\n",
        "src/CMakeLists.txt": "add_executable(kalign run_kalign.c parameters.c)\n",
        "src/run_kalign.c": "int main(void) { return 0; }\n",
        # the command-line tool's Windows path: the project is Windows-minded
        "src/parameters.c": "#ifdef _WIN32\n#include <windows.h>\n#endif\nint p(void) { return 0; }\n",
        "python-kalign/_core.cpp": "#include <pybind11/pybind11.h>\nPYBIND11_MODULE(_core, m) {}\n",
    }
    doc = analysis(tree(tmp_path, files))
    assert doc["category"] == category, doc["reasons"]
    posix = [file for kind, file, _line in needing_work(doc) if kind == "posix-only"]
    assert ("lib/src/tlrng.c" in posix) == (category == "source-port"), posix
