"""Readings that rounds 122 to 125 got wrong, each modelled on the real sdist:

- gimpact 1.0.2's GIMPACT/include/GIMPACT/gim_memory.h: `//#define PREFETCH 1`, then
  `#ifdef PREFETCH` / `#include <xmmintrin.h>` / `_mm_prefetch`. A #define in a comment
  defines nothing, so nothing in the sdist defines PREFETCH and no build takes the block.
- qbinary 0.0.3: meson-python whose meson.build files only call `py.install_sources()`: no
  native code is built, fetched or run, so the wheel is pure (not a build that fetches its
  native code).
- japan-dem 0.1.1's Cargo.toml: `gdal = "0.18.0"`, georust's wrapper, whose gdal-sys links
  the machine's GDAL unless the `bundled` feature builds gdal-src (georust/gdal's Cargo.toml
  and gdal-sys' src/lib.rs).
- scsplice 2.1.0: `find_package(Eigen3 NO_MODULE REQUIRED)` with no Eigen in the sdist.
- mcp-server-if 0.2.0's vendored garglk: TADS 2's tads2/msdos/ port, whose `asm { }` blocks
  are MS-DOS real-mode code no Windows build compiles."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_analyze import analysis, external_names, needing_work, setup_extension, tree

PREFETCH_HEADER = (
    "#ifndef GIM_MEMORY_H\n#define GIM_MEMORY_H\n{switch}\n#ifdef PREFETCH\n"
    "#include <xmmintrin.h>\n#define pf(x) _mm_prefetch((const char*)(x), 0)\n#else\n"
    "#define pf(x)\n#endif\n#endif\n"
)


@pytest.mark.parametrize(
    ("switch", "x86"),
    [
        ("//#define PREFETCH 1", False),
        ("// #define PREFETCH 1", False),
        ("/* #define PREFETCH 1 */", False),
        ("/*\n * #define PREFETCH 1\n */", False),
        # a real definition: the block is built, and x86-only
        ("#define PREFETCH 1", True),
        # after code on its line (a directive only starts a line): no definition either
        ("int x; //#define PREFETCH 1", False),
    ],
)
def test_a_define_in_a_comment_defines_nothing(tmp_path: Path, switch: str, x86: bool) -> None:
    files = {
        "setup.py": setup_extension("gimpact", "src/gimpact.c"),
        "src/gimpact.c": '#include "gim_memory.h"\nvoid f(const int* p) { pf(p); }\n',
        "src/gim_memory.h": PREFETCH_HEADER.format(switch=switch),
    }
    doc = analysis(tree(tmp_path, files))
    found = [(kind, file) for kind, file, _line in needing_work(doc)]
    assert (("intrinsics-header", "src/gim_memory.h") in found) == x86, doc["x86"]
    assert (doc["category"] == "source-port") == x86, doc["reasons"]


MESON_PYPROJECT = (
    '[build-system]\nrequires = ["meson-python"]\nbuild-backend = "mesonpy"\n'
    '[project]\nname = "qbinary"\nversion = "0.0.3"\n'
)
MESON_ROOT = (
    "project('qbinary', version: run_command(find_program('python3'), "
    "'src/qbinary/__version__.py', check: true).stdout().strip())\n"
    "py = import('python').find_installation(pure: false)\nsubdir('src/qbinary')\n"
)


@pytest.mark.parametrize(
    ("package_meson", "category"),
    [
        # qbinary 0.0.3: Python sources only
        ("py.install_sources(files('__init__.py'), subdir: 'qbinary')\n", "pure"),
        # a module built from a source meson fetches or generates: native after all
        (
            "py.install_sources(files('__init__.py'), subdir: 'qbinary')\n"
            "py.extension_module('_core', custom_target('gen', output: 'core.c', "
            "command: ['gen.py']), install: true)\n",
            "build-config",
        ),
        # a subproject it builds, a dependency it finds
        ("sub = subproject('capstone')\n", "build-config"),
        ("dep = dependency('capstone')\n", "build-config"),
    ],
)
def test_meson_that_installs_python_only(tmp_path: Path, package_meson: str, category: str) -> None:
    files = {
        "pyproject.toml": MESON_PYPROJECT,
        "meson.build": MESON_ROOT,
        "src/qbinary/meson.build": package_meson,
        "src/qbinary/__init__.py": "",
        "src/qbinary/__version__.py": "print('0.0.3')\n",
    }
    doc = analysis(tree(tmp_path, files))
    assert doc["category"] == category, doc["reasons"]


@pytest.mark.parametrize(
    ("dependency", "external"),
    [
        ('gdal = "0.18.0"', ["gdal"]),
        ('gdal = { version = "0.18", features = ["bundled"] }', []),
        # only for other systems
        ("[target.'cfg(unix)'.dependencies]\ngdal = \"0.18.0\"", []),
    ],
)
def test_the_gdal_crate_links_the_machines_gdal(
    tmp_path: Path, dependency: str, external: list[str]
) -> None:
    manifest = '[package]\nname = "japan-dem"\n\n[lib]\ncrate-type = ["cdylib"]\n\n[dependencies]\n'
    files = {
        "pyproject.toml": '[build-system]\nrequires = ["maturin"]\nbuild-backend = "maturin"\n',
        "Cargo.toml": manifest + f'pyo3 = "0.22"\n{dependency}\n',
        "src/lib.rs": "pub fn f() {}\n",
    }
    doc = analysis(tree(tmp_path, files))
    assert external_names(doc) == external, doc["external_libraries"]
    assert (doc["category"] == "external-native-library") == bool(external), doc["reasons"]


@pytest.mark.parametrize(
    ("requires", "find", "external"),
    [
        # scsplice 2.1.0: Eigen required and nowhere in the sdist; its workflow installs it
        (
            '["scikit-build-core>=0.5", "pybind11>=2.11"]',
            "find_package(Eigen3 NO_MODULE REQUIRED)",
            ["eigen3"],
        ),
        # power-grid-model 1.13.213: a build requirement of its own brings the headers
        ('["scikit-build-core", "pgm-build-deps"]', "find_package(Eigen3 REQUIRED)", []),
        # not required: the build goes on without it
        ('["scikit-build-core", "pybind11"]', "find_package(Eigen3 QUIET)", []),
        # another header-only library stays none
        ('["scikit-build-core", "pybind11"]', "find_package(nlohmann_json REQUIRED)", []),
    ],
)
def test_eigen_must_be_given_to_the_build(
    tmp_path: Path, requires: str, find: str, external: list[str]
) -> None:
    files = {
        "pyproject.toml": (
            f'[build-system]\nrequires = {requires}\nbuild-backend = "scikit_build_core.build"\n'
            '[project]\nname = "scsplice"\nversion = "2.1.0"\n'
        ),
        "CMakeLists.txt": (
            "cmake_minimum_required(VERSION 3.18)\nproject(scsplice LANGUAGES CXX)\n"
            f"find_package(pybind11 CONFIG REQUIRED)\n{find}\n"
            "pybind11_add_module(_core src/core.cpp)\n"
        ),
        "src/core.cpp": "#include <Eigen/Dense>\nint f() { return 0; }\n",
    }
    doc = analysis(tree(tmp_path, files))
    assert external_names(doc) == external, doc["external_libraries"]


@pytest.mark.parametrize(
    ("folder", "x86"),
    [
        # mcp-server-if 0.2.0's garglk: TADS 2's MS-DOS port, `asm { ... }` for real mode
        ("deps/garglk/terps/tads/tads2/msdos", False),
        ("src/os2", False),
        ("src/amiga", False),
        # a folder of the package's own, named for nothing: its inline asm counts
        ("src/tads2", True),
    ],
)
def test_old_systems_ports_are_other_systems_files(tmp_path: Path, folder: str, x86: bool) -> None:
    source = f"{folder}/osdos.c"
    files = {
        "CMakeLists.txt": f"project(t C)\nadd_library(t SHARED {source})\n",
        source: "void beep(void) {\n    __asm {\n        mov ah, 2\n        int 21h\n    }\n}\n",
    }
    doc = analysis(tree(tmp_path, files))
    found = [(kind, file) for kind, file, _line in needing_work(doc)]
    assert (("inline-asm", source) in found) == x86, doc["x86"]
