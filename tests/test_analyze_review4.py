"""Red-team review of 10fedff and 09b99f2 (woaport analyze: fallback builds, 128-bit integers,
jemalloc, plainly named POSIX sources, Conan, CMake comments): synthetic sdists, each modelled
on a real project's shape. The plain tests are wrong answers fixed after the review; the
strict xfails are wrong answers left, each a judgement call its reason names."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from test_analyze import analysis, external_names, needing_work, tree
from woaport.analyze import _chooses, _definable_at, _in_cmake_comment

MATURIN = '[build-system]\nrequires = ["maturin"]\nbuild-backend = "maturin"\n'
JEMALLOC_CARGO = (
    '[package]\nname = "x"\n[lib]\ncrate-type = ["cdylib"]\n[dependencies]\n'
    'pyo3 = "0.22"\ntikv-jemallocator = "0.6"\n'
)
JEMALLOC = (
    "use tikv_jemallocator::Jemalloc;\n#[global_allocator]\nstatic GLOBAL: Jemalloc = Jemalloc;\n"
)


def _doc(tmp_path: Path, files: dict[str, str]) -> dict[str, Any]:
    return analysis(tree(tmp_path, files))


# --- (1) fallback builds: `try: setup(...)` is one only where the except runs it again ----


@pytest.mark.parametrize(
    "after",
    [
        # a `finally:` that cleans up (no except: setup()'s failure stops the build)
        "finally:\n    os.remove('x/_x_tmp.cpp')\n",
        # an except that only explains: no second setup(), so no wheel
        "except SystemExit as e:\n    print('build failed:', e)\n",
    ],
)
def test_a_try_around_setup_that_runs_it_once_is_no_fallback(tmp_path: Path, after: str) -> None:
    """fastdtw 0.3.4's `libraries=["stdc++"]` stops MSVC's linker; a `try: setup(**kw)` whose
    except does not run setup() again without ext_modules leaves the build stopped, not a
    pure-Python wheel."""
    files = {
        "setup.py": "import os\nfrom setuptools import setup, Extension\n"
        "kw = dict(name='x', ext_modules=[Extension('x._x', ['x/_x.cpp'], language='c++', "
        "libraries=['stdc++'])])\ntry:\n    setup(**kw)\n" + after,
        "x/_x.cpp": "#include <Python.h>\nint f() { return 0; }\n",
    }
    doc = _doc(tmp_path, files)
    assert doc["category"] == "build-config", doc["reasons"]


# --- (2) 128-bit integers: a file of many uses is read once for a typedef ------------------


def test_int128_typedef_search_is_once_per_file() -> None:
    text = "typedef int T;\n" + "__uint128_t a;\n" * 20_000
    started = time.perf_counter()
    for at in range(15, len(text), len("__uint128_t a;\n")):
        assert not _definable_at(text, at, None, set())
    assert time.perf_counter() - started < 2.0


# --- (3) jemalloc: a cfg over the whole file or over the module ----------------------------


@pytest.mark.parametrize(
    "files",
    [
        # the allocator in a file whose inner attribute keeps it off MSVC
        {"src/lib.rs": '#![cfg(not(target_env = "msvc"))]\n' + JEMALLOC + "pub fn f() {}\n"},
        # in a module lib.rs declares under the cfg jemalloc's README gives
        {
            "src/lib.rs": '#[cfg(not(target_env = "msvc"))]\nmod alloc;\npub fn f() {}\n',
            "src/alloc.rs": JEMALLOC,
        },
    ],
)
def test_jemalloc_under_a_cfg_of_its_file_or_module(tmp_path: Path, files: dict[str, str]) -> None:
    doc = _doc(tmp_path, {"pyproject.toml": MATURIN, "Cargo.toml": JEMALLOC_CARGO, **files})
    assert needing_work(doc) == [], doc["reasons"]
    assert doc["category"] == "workflow-only", doc["reasons"]


@pytest.mark.xfail(
    strict=True,
    reason="_rust_attributes_above skips `//` lines between attributes, not a `/* */` "
    "comment: the cfg above it is not read",
)
def test_jemalloc_cfg_above_a_block_comment(tmp_path: Path) -> None:
    code = (
        '#[cfg(not(target_env = "msvc"))]\n/* faster than the system allocator */\n'
        "use tikv_jemallocator::Jemalloc;\n"
        '#[cfg(not(target_env = "msvc"))]\n#[global_allocator]\nstatic GLOBAL: Jemalloc = Jemalloc;\n'
    )
    files = {"pyproject.toml": MATURIN, "Cargo.toml": JEMALLOC_CARGO, "src/lib.rs": code}
    assert needing_work(_doc(tmp_path, files)) == []


# --- (4) POSIX-only includes in a source setup.py names "plainly" --------------------------

POSIX_BASE = {
    "src/a.pyx": "def f():\n    return 1\n",
    "src/dirs.cpp": "#include <unistd.h>\nint g() { return 0; }\n",
    "src/other.cpp": "#ifdef _WIN32\n#include <windows.h>\n#endif\nint h() { return 0; }\n",
}


@pytest.mark.xfail(
    strict=True,
    reason="named_by_setup(plainly=True) reads the lines that name the file, not where the "
    "name they are bound to is used: a list of POSIX sources added under `if os.name != "
    "'nt':`, or Extensions made by a function setup() calls only off Windows, count as plain",
)
@pytest.mark.parametrize(
    "script",
    [
        "POSIX_SOURCES = [\n    'src/dirs.cpp',\n]\nsources = ['src/a.pyx']\n"
        "if os.name != 'nt':\n    sources += POSIX_SOURCES\n"
        "setup(ext_modules=[Extension('m', sources)])\n",
        "def extensions():\n    return [Extension('m', sources=[\n        'src/a.pyx',\n"
        "        'src/dirs.cpp',\n    ])]\n"
        "setup(ext_modules=[] if sys.platform == 'win32' else extensions())\n",
    ],
)
def test_a_posix_source_listed_under_a_name_used_off_windows(tmp_path: Path, script: str) -> None:
    files = {
        "setup.py": "import os\nimport sys\nfrom setuptools import setup, Extension\n" + script,
        **POSIX_BASE,
    }
    doc = _doc(tmp_path, files)
    assert ("posix-only", "src/dirs.cpp", 1) not in needing_work(doc), doc["reasons"]


def test_chooses_is_linear_on_a_long_line() -> None:
    started = time.perf_counter()
    assert not _chooses("x = ['src/dirs.cpp', " + "if " * 330_000 + "]")
    assert _chooses("s = ['a.c'] if WINDOWS else ['b.c']")
    assert not _chooses("elsewhere = 1  # modified")
    assert time.perf_counter() - started < 1.0


# --- (5) Cargo: a bundling feature on a dev-dependency bundles nothing the module links ----


def test_openssl_vendored_only_for_the_tests(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": MATURIN,
        "Cargo.toml": '[package]\nname = "x"\n[lib]\ncrate-type = ["cdylib"]\n[dependencies]\n'
        'pyo3 = "0.22"\nopenssl-sys = "0.9"\n[dev-dependencies]\n'
        'openssl = { version = "0.10", features = ["vendored"] }\n',
        "src/lib.rs": "pub fn f() {}\n",
    }
    assert external_names(_doc(tmp_path, files)) == ["openssl"]


@pytest.mark.xfail(
    strict=True,
    reason="_cargo_system_libraries reads [dependencies] only: a default feature that "
    "turns on `openssl/vendored` builds OpenSSL too (whether a wheel build keeps default "
    "features is the build's choice)",
)
def test_openssl_vendored_by_a_default_feature(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": MATURIN,
        "Cargo.toml": '[package]\nname = "x"\n[lib]\ncrate-type = ["cdylib"]\n[dependencies]\n'
        'pyo3 = "0.22"\nopenssl = "0.10"\nopenssl-sys = "0.9"\n'
        '[features]\ndefault = ["vendored"]\nvendored = ["openssl/vendored"]\n',
        "src/lib.rs": "pub fn f() {}\n",
    }
    assert external_names(_doc(tmp_path, files)) == []


# --- (8) Conan ----------------------------------------------------------------------------


def _conan(recipe: str, name: str = "conanfile.py") -> dict[str, str]:
    return {
        "pyproject.toml": "[build-system]\n"
        'requires = ["conan>=2.0", "py-build-cmake~=0.4"]\nbuild-backend = "py_build_cmake.build"\n',
        "CMakeLists.txt": "cmake_minimum_required(VERSION 3.15)\nproject(a CXX)\n"
        "include(${CMAKE_SOURCE_DIR}/conan_output/conan_toolchain.cmake)\n"
        "add_library(a MODULE src/a.cpp)\n",
        name: recipe,
        "src/a.cpp": "int f() { return 0; }\n",
    }


RECIPE = "from conan import ConanFile\n\nclass R(ConanFile):\n    settings = 'os', 'arch'\n"


@pytest.mark.parametrize(
    ("files", "external"),
    [
        # a requirement commented out
        (
            _conan(
                RECIPE + "    def requirements(self):\n"
                '        self.requires("zlib/1.3.1")\n        # self.requires("openssl/3.2.0")\n'
            ),
            ["zlib"],
        ),
        # the attribute as Conan's reference writes it: bare strings, one or a tuple
        (_conan(RECIPE + '    requires = "zlib/1.3.1", "boost/1.84.0"\n'), ["boost", "zlib"]),
        (_conan(RECIPE + '    requires = "zlib/1.3.1"  # the only one\n'), ["zlib"]),
        # a conanfile.txt with CRLF line ends
        (
            _conan(
                "[requires]\r\nboost/1.84.0\r\nzlib/1.3.1\r\n\r\n[generators]\r\nCMakeDeps\r\n",
                "conanfile.txt",
            ),
            ["boost", "zlib"],
        ),
    ],
)
def test_conan_recipes_read_as_conan_reads_them(
    tmp_path: Path, files: dict[str, str], external: list[str]
) -> None:
    assert external_names(_doc(tmp_path, files)) == external


@pytest.mark.xfail(
    strict=True,
    reason="_note_conan_requires reads no condition: a requirement under `if "
    'self.settings.os == "Linux":` is none for a Windows build (Conan recipes do this for '
    "ALSA, libuuid, libselinux ...); whether to read settings.os tests is a judgement call",
)
def test_conan_requirement_for_linux_only(tmp_path: Path) -> None:
    files = _conan(
        RECIPE + "    def requirements(self):\n"
        '        self.requires("zlib/1.3.1")\n'
        '        if self.settings.os == "Linux":\n            self.requires("libalsa/1.2.10")\n'
    )
    assert external_names(_doc(tmp_path, files)) == ["zlib"]


# --- (9) CMake comments --------------------------------------------------------------------

SKBUILD = (
    '[build-system]\nrequires = ["scikit-build-core"]\nbuild-backend = "scikit_build_core.build"\n'
)


@pytest.mark.parametrize(
    "cmake",
    [
        # a `#[[` inside a line comment opens no bracket comment (CMake: a `#` not followed
        # at once by a bracket is a line comment to the end of its line)
        "project(a C)\n# see #[[ bracket comments\nfind_package(ZLIB REQUIRED)\n",
        # a `#[` inside a bracket comment is not the comment's opening
        "project(a C)\n#[[\n  usage: #[cfg]\n  find_package(Fake REQUIRED)\n]]\n"
        "find_package(ZLIB REQUIRED)\n",
    ],
)
def test_cmake_comments_read_from_the_start(tmp_path: Path, cmake: str) -> None:
    files = {
        "pyproject.toml": SKBUILD,
        "src/a.c": "int x;\n",
        "CMakeLists.txt": cmake + "add_library(a MODULE src/a.c)\n",
    }
    assert external_names(_doc(tmp_path, files)) == ["zlib"]


def test_cmake_comments_are_read_once_per_file() -> None:
    text = "\n#" * 300_000 + "\n" + "find_package(Z REQUIRED)\n" * 20_000
    started = time.perf_counter()
    for at in range(0, len(text), len(text) // 500):
        _in_cmake_comment(text, at)
    assert not _in_cmake_comment(text, len(text) - 5)
    assert _in_cmake_comment(text, 1)
    assert time.perf_counter() - started < 2.0
