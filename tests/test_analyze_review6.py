"""Red-team review of 69ed40b and 8007521 (woaport analyze: `-A x64` beside Linux-only aarch64
lines, an old Visual Studio's install folder, .cmake files included under if() branches the
build does not take, posix/ folders with no Windows half, ${VAR} export-header targets, a
top vendor-named folder the root CMakeLists.txt adds, CMake variables nothing sets, SKBUILD):
synthetic sdists, each modelled on a real project's shape (helper-181). Every wrong answer
the review found was fixed after it, in the same session: its tests fail on 8007521 (the
tests of what held, the included .cmake files and the regexes' speed, pass there too)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from test_analyze import _SCIPP_LIB, analysis, external_names, tree
from woaport.analyze import (
    _CMAKE_INCLUDE_FILE,
    _FIND_PACKAGE_NAME,
    _OVERRIDE_TABLE,
    _VS_OLD_PATH,
)

SCIKIT_BUILD = (
    '[build-system]\nrequires = ["scikit-build-core"]\nbuild-backend = "scikit_build_core.build"\n'
)
_SOURCE = {"src/a.cpp": "int f() { return 0; }\n"}


def _doc(tmp_path: Path, files: dict[str, str]) -> dict[str, Any]:
    return analysis(tree(tmp_path, files))


# --- (7) a CMake variable nothing sets is false: what "sets" misses ---------------------------


def test_variables_nothing_sets_on_one_long_condition_line_are_linear(tmp_path: Path) -> None:
    condition = "if(" + " OR ".join(["FOO"] * 80_000) + ")\nendif()\n"
    files = {
        "pyproject.toml": SCIKIT_BUILD,
        "CMakeLists.txt": "project(p CXX)\nif(FOO)\n  find_package(CURL REQUIRED)\nendif()\n"
        + condition
        + "add_library(p MODULE src/a.cpp)\n",
        **_SOURCE,
    }
    started = time.perf_counter()
    doc = _doc(tmp_path, files)
    assert time.perf_counter() - started < 2.0
    assert external_names(doc) == []  # (FOO is set nowhere: false, and CURL not asked for)


@pytest.mark.parametrize(
    "condition",
    [
        'if.platform-system = "win32"',
        'if.platform-machine = "ARM64"',
        'if.platform-system = "^win"',
    ],
)
def test_a_variable_set_only_in_an_override_for_windows(tmp_path: Path, condition: str) -> None:
    files = {
        "pyproject.toml": SCIKIT_BUILD + "[[tool.scikit-build.overrides]]\n"
        f'{condition}\ncmake.define.WITH_CLOUD = "ON"\n',
        "CMakeLists.txt": "project(p CXX)\nif(WITH_CLOUD)\n  find_package(CURL REQUIRED)\n"
        "endif()\nadd_library(p MODULE src/a.cpp)\n",
        **_SOURCE,
    }
    assert external_names(_doc(tmp_path, files)) == ["curl"]


@pytest.mark.parametrize(
    ("cmake", "library"),
    [
        (
            "project(p CXX)\nforeach(dep ZLIB LZ4)\n"
            '  option(WITH_${dep} "use ${dep}" ON)\nendforeach()\n'
            "if(WITH_ZLIB)\n  find_package(ZLIB REQUIRED)\nendif()\n"
            "add_library(p MODULE src/a.cpp)\n",
            "zlib",
        ),
        (
            'project(FOO CXX)\noption(${PROJECT_NAME}_WITH_ZLIB "use zlib" ON)\n'
            "if(FOO_WITH_ZLIB)\n  find_package(ZLIB REQUIRED)\nendif()\n"
            "add_library(p MODULE src/a.cpp)\n",
            "zlib",
        ),
        (
            "project(p CXX)\nfunction(p_add_module name)\n"
            '  cmake_parse_arguments(ARG "WITH_CURL" "" "" ${ARGN})\n'
            "  if(ARG_WITH_CURL)\n    find_package(CURL REQUIRED)\n  endif()\n"
            "  add_library(${name} MODULE src/a.cpp)\nendfunction()\n"
            "p_add_module(p WITH_CURL)\n",
            "curl",
        ),
    ],
    ids=["foreach-option", "project-prefix", "parse-arguments"],
)
def test_a_variable_set_by_a_name_cmake_makes(tmp_path: Path, cmake: str, library: str) -> None:
    files = {"pyproject.toml": SCIKIT_BUILD, "CMakeLists.txt": cmake, **_SOURCE}
    assert external_names(_doc(tmp_path, files)) == [library]


def test_a_variable_set_in_a_one_line_if(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": SCIKIT_BUILD,
        "CMakeLists.txt": "project(p CXX)\nif(WIN32) set(WITH_SSPI ON) endif()\n"
        "if(WITH_SSPI)\n  find_package(KRB5 REQUIRED)\nendif()\nadd_library(p MODULE src/a.cpp)\n",
        **_SOURCE,
    }
    assert external_names(_doc(tmp_path, files)) == ["krb5"]


def test_a_variable_a_cmake_preset_sets(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": SCIKIT_BUILD
        + '[tool.scikit-build]\ncmake.args = ["--preset", "wheel"]\n',
        "CMakePresets.json": '{"version": 3, "configurePresets": [{"name": "wheel", '
        '"cacheVariables": {"WITH_CLOUD": "ON"}}]}\n',
        "CMakeLists.txt": "project(p CXX)\nif(WITH_CLOUD)\n  find_package(CURL REQUIRED)\n"
        "endif()\nadd_library(p MODULE src/a.cpp)\n",
        **_SOURCE,
    }
    assert external_names(_doc(tmp_path, files)) == ["curl"]


def test_classic_scikit_build_sets_skbuild(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": '[build-system]\nrequires = ["setuptools", "scikit-build"]\n'
        'build-backend = "setuptools.build_meta"\n',
        "setup.py": "from skbuild import setup\nsetup(name='p', packages=['p'])\n",
        "CMakeLists.txt": "project(p CXX)\n" + _SCIPP_LIB,
        **_SOURCE,
    }
    assert external_names(_doc(tmp_path, files)) == []


# --- (6) a top vendor-named folder the root CMakeLists.txt adds ----------------------------


@pytest.mark.parametrize(
    "condition",
    ["BENCHMARKS", "NOT WIN32", 'CMAKE_SYSTEM_NAME STREQUAL "Linux"'],
)
def test_a_vendor_folder_added_only_under_a_false_condition(tmp_path: Path, condition: str) -> None:
    files = {
        "pyproject.toml": SCIKIT_BUILD,
        "CMakeLists.txt": 'project(m CXX)\noption(BENCHMARKS "benchmarks" OFF)\n'
        f"if({condition})\n  add_subdirectory(3rdparty)\nendif()\n"
        "add_library(m MODULE src/a.cpp)\n",
        "3rdparty/CMakeLists.txt": "find_package(HDF5 REQUIRED)\nadd_library(HighFive INTERFACE)\n",
        "3rdparty/HighFive/include/highfive/H5File.hpp": "#pragma once\n",
        **_SOURCE,
    }
    assert external_names(_doc(tmp_path, files)) == []


# --- (4) a posix/ folder with no Windows half ------------------------------------------------


_POSIX_SOURCE = "#include <sys/mman.h>\n#include <unistd.h>\nint g() { return 0; }\n"


@pytest.mark.parametrize(
    ("choice", "folder", "extra"),
    [
        ("if(UNIX)\n  list(APPEND SRC src/posix/mapped.cc)\nendif()\n", "posix", {}),
        ("if(NOT WIN32)\n  list(APPEND SRC src/posix/mapped.cc)\nendif()\n", "posix", {}),
        (
            'if(CMAKE_SYSTEM_NAME STREQUAL "Linux")\n  list(APPEND SRC src/linux/mapped.cc)\n'
            "endif()\n",
            "linux",
            {},
        ),
        ("if(APPLE)\n  list(APPEND SRC src/macos/mapped.cc)\nendif()\n", "macos", {}),
        # the Windows half named by its file, with the CRT's <io.h> and no _WIN32
        (
            "if(WIN32)\n  list(APPEND SRC src/mapped_windows.cc)\nelse()\n"
            "  list(APPEND SRC src/posix/mapped.cc)\nendif()\n",
            "posix",
            {"src/mapped_windows.cc": "#include <io.h>\nint g() { return 0; }\n"},
        ),
    ],
    ids=["unix", "not-win32", "linux", "apple", "windows-file"],
)
def test_an_os_folder_cmake_builds_only_for_other_systems(
    tmp_path: Path, choice: str, folder: str, extra: dict[str, str]
) -> None:
    files = {
        "pyproject.toml": SCIKIT_BUILD,
        "CMakeLists.txt": f"project(p CXX)\nset(SRC src/a.cpp)\n{choice}add_library(p MODULE ${{SRC}})\n",
        f"src/{folder}/mapped.cc": _POSIX_SOURCE,
        **_SOURCE,
        **extra,
    }
    doc = _doc(tmp_path, files)
    assert doc["category"] == "workflow-only", doc["reasons"]


# --- (2) an old Visual Studio's install folder ------------------------------------------------


def _vs_setup(script: str) -> dict[str, str]:
    return {
        "setup.py": script + "from setuptools import setup, Extension\n"
        "setup(ext_modules=[Extension('a', ['src/a.c'])])\n",
        "src/a.c": "int a;\n",
    }


_VS2019 = r"C:\Program Files (x86)\Microsoft Visual Studio\2019\BuildTools\MSBuild\Current\Bin\MSBuild.exe"
_VS2022 = (
    r"C:\Program Files\Microsoft Visual Studio\2022\Enterprise\MSBuild\Current\Bin\MSBuild.exe"
)


@pytest.mark.parametrize(
    "script",
    [
        "import os, subprocess\nCANDIDATES = [\n"
        f'    r"{_VS2022}",\n    r"{_VS2019}",\n]\n'
        "msbuild = next(p for p in CANDIDATES if os.path.exists(p))\n"
        'subprocess.run([msbuild, "x.sln"])\n',
        "import os, shutil, subprocess\n"
        f'msbuild = r"{_VS2019}"\n'
        "if not os.path.exists(msbuild):\n"
        '    msbuild = shutil.which("msbuild")\n'
        'subprocess.run([msbuild, "x.sln"])\n',
        "import shutil, subprocess\n"
        'msbuild = shutil.which("msbuild")\n'
        "if msbuild is None:\n"
        '    raise SystemExit("MSBuild not found: install the Build Tools, e.g. in "\n'
        r'                     r"C:\Program Files (x86)\Microsoft Visual Studio\2019\BuildTools"'
        ")\n"
        'subprocess.run([msbuild, "x.sln"])\n',
    ],
    ids=["candidates", "default-replaced", "message"],
)
def test_an_old_visual_studio_path_the_build_does_not_need(tmp_path: Path, script: str) -> None:
    doc = _doc(tmp_path, _vs_setup(script))
    assert not any("from their install folder" in r for r in doc["reasons"]), doc["reasons"]


@pytest.mark.parametrize(
    "path",
    [
        r'r"C:\Program Files (x86)\Microsoft Visual Studio 14.0\VC\bin\amd64\cl.exe"',
        'os.path.join(os.environ["ProgramFiles(x86)"], "Microsoft Visual Studio", "2019", '
        '"BuildTools", "MSBuild", "Current", "Bin", "MSBuild.exe")',
    ],
    ids=["vs-14.0", "joined"],
)
def test_an_old_visual_studio_path_written_otherwise(tmp_path: Path, path: str) -> None:
    script = (
        "import os, subprocess, sys\nif sys.platform == 'win32':\n"
        f"    tool = {path}\n    subprocess.run([tool, 'x.sln'])\n"
    )
    doc = _doc(tmp_path, _vs_setup(script))
    assert any("from their install folder" in r for r in doc["reasons"]), doc["reasons"]
    assert doc["category"] == "build-config"


# --- (3) .cmake files included under if() branches: what works ---------------------------


@pytest.mark.parametrize(
    ("default", "args", "windows", "external"),
    [
        # off by default, turned on by the root pyproject: needed
        ("OFF", '"-DENABLE_GCS=ON"', "", ["curl"]),
        # on by default, turned off for every build but turned on again for Windows
        (
            "ON",
            '"-DENABLE_GCS=OFF"',
            '[[tool.scikit-build.overrides]]\nif.platform-system = "win32"\n'
            'cmake.args = ["-DENABLE_GCS=ON"]\n',
            ["curl"],
        ),
        ("ON", '"-DENABLE_GCS=OFF"', "", []),
        ("OFF", "", "", []),
    ],
)
def test_an_included_cmake_file_under_an_option(
    tmp_path: Path, default: str, args: str, windows: str, external: list[str]
) -> None:
    files = {
        "pyproject.toml": SCIKIT_BUILD + f"[tool.scikit-build]\ncmake.args = [{args}]\n{windows}",
        "CMakeLists.txt": f'project(p CXX)\noption(ENABLE_GCS "gcs" {default})\n'
        "if(ENABLE_GCS)\n  include(cmake/gcs.cmake)\nendif()\nadd_library(p MODULE src/a.cpp)\n",
        "cmake/gcs.cmake": "find_package(CURL REQUIRED)\n",
        **_SOURCE,
    }
    assert external_names(_doc(tmp_path, files)) == external


def test_the_new_regexes_are_linear_on_a_megabyte() -> None:
    """The regexes the rules added, on adversarial input of about 1 MB each."""
    cases = [
        (_CMAKE_INCLUDE_FILE.match, "include(" + "a." * 500_000 + "cmakex"),
        (_CMAKE_INCLUDE_FILE.match, "include(" + "a" * 1_000_000),
        (_VS_OLD_PATH.findall, "Microsoft Visual Studio\\\\" * 40_000),
        (_VS_OLD_PATH.findall, "Microsoft Visual Studio\\20" * 40_000),
        (
            lambda text: _OVERRIDE_TABLE.sub("", text),
            "[[tool.scikit-build.overrides]]\n" * 30_000,
        ),
        (
            lambda text: _OVERRIDE_TABLE.sub("", text),
            "[[tool.scikit-build.overrides]]\n" + "[x\n" * 300_000,
        ),
        (_FIND_PACKAGE_NAME.findall, "find_package(" + " " * 1_000_000),
        (_FIND_PACKAGE_NAME.findall, "find_package (" * 70_000),
    ]
    for function, text in cases:
        started = time.perf_counter()
        function(text)
        assert time.perf_counter() - started < 1.0
