"""Readings that rounds 124 and 125 got wrong, each modelled on the real sdist:

- colapy 1.0.0.2's cmake/FindOrInstallCOLA.cmake: `find_package(COLA CONFIG QUIET)`, then
  `if (COLA_FOUND)` / `return()` / `endif ()`, then `message(FATAL_ERROR "COLA was not
  found. ...")` unless the user gives COLA_INSTALL_PREFIX, the only path to its
  FetchContent_Populate(cola ...). By default the build stops where COLA is not on the
  machine: an external library, not one the build fetches. (CMake's return() in an
  include()d file returns to the includer: https://cmake.org/cmake/help/latest/command/return.html)"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_analyze import analysis, external_names, tree

FIND_OR_INSTALL = """\
if (NOT DEFINED COLA_INSTALL_PREFIX AND DEFINED ENV{{COLA_INSTALL_PREFIX}})
    set(COLA_INSTALL_PREFIX "$ENV{{COLA_INSTALL_PREFIX}}")
endif ()
if (NOT "${{COLA_INSTALL_PREFIX}}" STREQUAL "")
    find_package(COLA CONFIG QUIET PATHS "${{COLA_INSTALL_PREFIX}}" NO_DEFAULT_PATH)
else ()
    find_package(COLA CONFIG QUIET)
endif ()
{guard}if (COLA_FOUND)
    return()
endif ()
{unguard}if ("${{COLA_INSTALL_PREFIX}}" STREQUAL "")
    message(FATAL_ERROR
        "{message}")
endif ()
include(FetchContent)
FetchContent_Populate(cola
    GIT_REPOSITORY https://github.com/Spectator-matter-group-INR-RAS/COLA.git
    GIT_TAG 167334453a670a717640f6f3a4e43f99a7cc2e2e
)
find_package(COLA CONFIG REQUIRED PATHS "${{COLA_INSTALL_PREFIX}}" NO_DEFAULT_PATH)
"""


@pytest.mark.parametrize(
    ("guard", "message", "external"),
    [
        # colapy 1.0.0.2: found, or the build stops (unless the user opts in to a fetch)
        (
            "",
            'COLA was not found. Set COLA_INSTALL_PREFIX to an absolute installation path "\n'
            '        "via the environment or -Ccmake.define.COLA_INSTALL_PREFIX=/path/to/COLA.',
            ["cola"],
        ),
        # a stop that names something else is no word on COLA: the fetch builds it
        ("", "Unset DESTDIR for the installation", []),
        # a return() only some configurations reach: elsewhere the file goes on to the fetch
        ("if (WIN32)\n", "COLA was not found. Set COLA_INSTALL_PREFIX", []),
    ],
)
def test_found_or_stop_unless_the_user_opts_in_to_a_fetch(
    tmp_path: Path, guard: str, message: str, external: list[str]
) -> None:
    files = {
        "pyproject.toml": (
            '[build-system]\nrequires = ["scikit-build-core", "pybind11"]\n'
            'build-backend = "scikit_build_core.build"\n[project]\nname = "colapy"\n'
            'version = "1.0.0.2"\n'
        ),
        "CMakeLists.txt": (
            "cmake_minimum_required(VERSION 3.15)\nproject(colapy LANGUAGES CXX)\n"
            "include(cmake/FindOrInstallCOLA.cmake)\nfind_package(pybind11 REQUIRED)\n"
            "pybind11_add_module(_cola_impl src/bindings.cpp)\n"
            "target_link_libraries(_cola_impl PUBLIC COLA)\n"
        ),
        "cmake/FindOrInstallCOLA.cmake": FIND_OR_INSTALL.format(
            guard=guard, unguard="endif ()\n" if guard else "", message=message
        ),
        "src/bindings.cpp": "#include <COLA.hh>\nint f() { return 0; }\n",
    }
    doc = analysis(tree(tmp_path, files))
    assert external_names(doc) == external, doc["external_libraries"]


HATCH_PYPROJECT = (
    '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
    '[project]\nname = "mcp-server-if"\nversion = "0.2.0"\n'
    "[tool.hatch.build.targets.wheel.hooks.custom]\n"
)
HATCH_BUILD = """\
import os
import subprocess
import sys
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


def _find_msys2() -> Path:
    root = os.environ.get("MSYS2_ROOT")
    return Path(root) if root else Path(r"C:\\msys64")


def _msys2_env(msys2_root: Path) -> dict:
    {line}
    env = dict(os.environ)
    env["PATH"] = f"{{mingw_bin}};{{env['PATH']}}"
    return env


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version, build_data):
        env = _msys2_env(_find_msys2()) if sys.platform == "win32" else None
        subprocess.run(["make", "-C", "deps/glulxe"], env=env, check=True)
        build_data["pure_python"] = False
"""


@pytest.mark.parametrize(
    ("line", "category", "environment"),
    [
        # mcp-server-if 0.2.0's hatch_build.py: UCRT64's gcc first on PATH
        ('mingw_bin = msys2_root / "ucrt64" / "bin"', "build-config", "UCRT64"),
        ('mingw_bin = os.path.join(msys2_root, "clang64", "bin")', "build-config", "CLANG64"),
        ('mingw_bin = str(msys2_root) + "\\\\mingw64\\\\bin"', "build-config", "MINGW64"),
        # ttfautohint-py 0.6.1's setup.py: the MINGW environment by pointer size
        ('mingw_bin = msys2_root / ("mingw%d" % 64) / "bin"', "build-config", "MINGW64"),
        # MSYS2's ARM64 environment, picked on ARM64: no finding
        (
            'mingw_bin = msys2_root / ("clangarm64" if IS_ARM64 else "ucrt64") / "bin"',
            "workflow-only",
            None,
        ),
        # only in a comment, or a message: no finding
        ('mingw_bin = msys2_root / "bin"  # e.g. /ucrt64/bin', "workflow-only", None),
        (
            'print("install mingw-w64 into C:/msys64/ucrt64/bin"); mingw_bin = ""',
            "workflow-only",
            None,
        ),
        # an environment's name that is no path (scrypt 0.9.4: `msys2_env not in ("UCRT64",
        # "MSYS")`)
        (
            'mingw_bin = "" if os.environ.get("MSYSTEM") in ("UCRT64", "MSYS") else ""',
            "workflow-only",
            None,
        ),
    ],
)
def test_an_x86_64_msys2_environment_builds_x64_code(
    tmp_path: Path, line: str, category: str, environment: str | None
) -> None:
    files = {
        "pyproject.toml": HATCH_PYPROJECT,
        "hatch_build.py": HATCH_BUILD.format(line=line),
        "deps/glulxe/Makefile": "glulxe: main.c\n\t$(CC) -o glulxe main.c\n",
        "deps/glulxe/main.c": '#include <stdio.h>\nint main(void) { puts("glulxe"); return 0; }\n',
    }
    doc = analysis(tree(tmp_path, files))
    assert doc["category"] == category, doc["reasons"]
    msys2 = [r for r in doc["reasons"] if "MSYS2's" in r]
    if environment is None:
        assert not msys2, msys2
    else:
        assert len(msys2) == 1 and f"MSYS2's {environment} environment" in msys2[0], msys2
        assert msys2[0].startswith("hatch_build.py:"), msys2
