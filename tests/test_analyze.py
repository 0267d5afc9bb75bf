"""`woaport analyze` on real sdists from the index and on source trees made here."""

from __future__ import annotations

import io
import json
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fakeindex import serve
from realfiles import fetch
from woaport.analyze import analyze_files, iter_sources

Run = Callable[..., Any]


def analysis(path: Path) -> dict[str, Any]:
    return analyze_files(str(path), iter_sources(path)).to_json()


def test_real_sdist_with_x86_intrinsics_beside_neon() -> None:
    sdist = fetch("xxhash-sdist")
    doc = analysis(sdist)
    assert doc["category"] == "workflow-only"
    assert doc["build_backend"] == "setuptools" and doc["languages"]["C"] >= 2
    assert doc["vendored"] == ["deps/xxhash"]
    headers = [e for e in doc["x86"] if e["kind"] == "intrinsics-header"]
    assert headers and all(e["arm_alternative"] for e in headers)
    assert "deps/xxhash/xxhash.h" in doc["arm_alternative_files"]
    # file:line evidence points at the real line of the real file.
    with tarfile.open(sdist) as tar:
        member = tar.extractfile(f"xxhash-3.6.0/{headers[0]['file']}")
        assert member is not None
        lines = member.read().decode().split("\n")
    assert lines[headers[0]["line"] - 1].strip() == headers[0]["text"]
    assert "immintrin.h" in headers[0]["text"] or "mmintrin.h" in headers[0]["text"]


def test_real_clean_c_extension() -> None:
    doc = analysis(fetch("markupsafe-sdist"))
    assert doc["category"] == "workflow-only"
    assert doc["x86"] == [] and doc["languages"] == {"C": 1}
    assert doc["build_backend"] == "setuptools"


def tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


PYPROJECT = '[build-system]\nrequires = ["setuptools>=61", "cython"]\nbuild-backend = "setuptools.build_meta"\n'


@pytest.mark.parametrize(
    ("files", "category", "reason"),
    [
        (
            {
                "pyproject.toml": PYPROJECT,
                "src/fast.c": "#include <immintrin.h>\nvoid f(float *p) { __m128 v = _mm_loadu_ps(p); }\n",
            },
            "source-port",
            "x86-only code without an ARM/NEON path",
        ),
        (
            {
                "pyproject.toml": PYPROJECT,
                "src/cpu.c": "void f(void) { int r[4]; __cpuid(r, 0); }\n",
            },
            "source-port",
            "src/cpu.c",
        ),
        (
            {
                "pyproject.toml": PYPROJECT,
                "src/a.c": "int f(void) { return 1; }\n",
                "CMakeLists.txt": "add_compile_options(/arch:AVX2)\n",
            },
            "build-config",
            "x86-only compiler flags in CMakeLists.txt",
        ),
        (
            {"pyproject.toml": PYPROJECT, "src/a.c": "#if defined(_M_X64)\nint x = 1;\n#endif\n"},
            "build-config",
            "no `_M_ARM64` branch",
        ),
        (
            {
                "pyproject.toml": PYPROJECT,
                "src/a.c": "int f(void);\n",
                "src/lapack.f90": "subroutine x\nend\n",
            },
            "build-config",
            "Fortran",
        ),
        (
            {
                "pyproject.toml": PYPROJECT,
                "src/a.c": "#include <emmintrin.h>\n#include <arm_neon.h>\n__m128i v;\n",
            },
            "workflow-only",
            "have an ARM/NEON alternative in the same file",
        ),
        (
            {
                "pyproject.toml": '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n',
                "pkg/__init__.py": "",
            },
            "pure",
            "no native source code",
        ),
        (
            {
                "pyproject.toml": '[build-system]\nrequires = ["maturin>=1"]\nbuild-backend = "maturin"\n',
                "Cargo.toml": "[package]\n",
                "src/lib.rs": "fn f() {}\n",
            },
            "workflow-only",
            "aarch64-pc-windows-msvc target",
        ),
        (
            {
                "setup.py": "from setuptools import setup\nsetup(extra_compile_args=['-mavx2'] if platform.machine() == 'x86_64' else [])\n",
                "a.c": "int x;\n",
            },
            "workflow-only",
            "native code with no x86-specific parts",
        ),
    ],
)
def test_categories(tmp_path: Path, files: dict[str, str], category: str, reason: str) -> None:
    doc = analysis(tree(tmp_path, files))
    assert doc["category"] == category, doc
    assert any(reason in r for r in doc["reasons"]), doc["reasons"]
    assert doc["try"]


def test_x86_code_that_never_builds_for_arm64_needs_no_work(tmp_path: Path) -> None:
    doc = analysis(
        tree(
            tmp_path,
            {
                "pyproject.toml": PYPROJECT,
                "src/a.c": "#include <stdint.h>\n#ifdef __SSE2__\n#include <emmintrin.h>\n__m128i v;\n#else\nint v;\n#endif\n",
                "src/x86/kernels.c": "#include <immintrin.h>\n__m256 w;\n",
                "src/cpu_avx2.c": "__m256i probe;\n",
                "tests/bench.c": "#include <immintrin.h>\n",
            },
        )
    )
    assert doc["category"] == "workflow-only", doc["reasons"]
    contexts = {(e["file"], e["x86_only_context"]) for e in doc["x86"]}
    assert contexts == {
        ("src/a.c", "x86/other-arch #if"),
        ("src/x86/kernels.c", "x86/other-arch file"),
        ("src/cpu_avx2.c", "x86/other-arch file"),
    }
    # The else-branch is what ARM64 builds compile: code there would need work.
    after_else = analysis(
        tree(
            tmp_path / "b",
            {
                "pyproject.toml": PYPROJECT,
                "a.c": "#ifdef __SSE2__\nint s;\n#else\n__m128 v;\n#endif\n",
            },
        )
    )
    assert after_else["category"] == "source-port"


def test_numpy_is_not_called_a_source_port() -> None:
    """numpy publishes win_arm64 wheels: its x86 kernels sit in x86-only files and #if
    blocks, and it has NEON paths in many files. The prediction must not ask for a rewrite."""
    doc = analysis(fetch("numpy-sdist"))
    assert doc["build_backend"] == "meson-python"
    assert doc["category"] == "build-config", doc["reasons"]
    assert len(doc["arm_alternative_files"]) > 50
    needs_work = [e for e in doc["x86"] if not e["arm_alternative"] and not e["x86_only_context"]]
    assert len(needs_work) < 0.05 * len(doc["x86"])


def test_backend_tools_and_submodules(tmp_path: Path) -> None:
    doc = analysis(
        tree(
            tmp_path,
            {
                "pyproject.toml": '[build-system]\nrequires = ["meson-python", "cython>=3", "numpy>=2"]\nbuild-backend = "mesonpy"\n',
                "meson.build": "project('x', 'c')\n",
                ".gitmodules": '[submodule "vendored/zstd"]\n\tpath = vendored/zstd\n\turl = https://example.invalid/zstd\n',
                "vendored/zstd/lib/zstd.c": "int z;\n",
                "src/x.pyx": "def f(): pass\n",
            },
        )
    )
    assert doc["build_backend"] == "meson-python"
    assert {"meson", "cython", "numpy"} <= set(doc["tools"])
    assert doc["submodules"] == ["vendored/zstd"]
    assert doc["vendored"] == ["vendored/zstd"]
    assert doc["languages"] == {"C": 1, "Cython": 1}


def test_zip_sdist_is_read_without_extracting(tmp_path: Path) -> None:
    sdist = tmp_path / "demo-1.0.zip"
    with zipfile.ZipFile(sdist, "w") as zf:
        zf.writestr("demo-1.0/pyproject.toml", PYPROJECT)
        zf.writestr("demo-1.0/src/a.c", "#include <xmmintrin.h>\n")
        zf.writestr("demo-1.0/data/blob.bin", b"\0" * 1000)
    doc = analysis(sdist)
    assert doc["category"] == "source-port"
    assert doc["x86"][0]["file"] == "src/a.c" and doc["x86"][0]["line"] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo-1.0.zip"]


def test_binary_and_huge_files_are_skipped(tmp_path: Path) -> None:
    sdist = tmp_path / "big-1.0.tar.gz"
    with tarfile.open(sdist, "w:gz") as tar:
        for name, data in [
            ("big-1.0/src/table.c", b"_mm_add_ps(" * 500_000),
            ("big-1.0/src/blob.c", b"\0\1\2" + b"_mm_add_ps(" * 10),
            ("big-1.0/src/ok.c", b"int x;\n"),
        ]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    doc = analysis(sdist)
    assert doc["x86"] == []  # the 5 MB "table" and the binary file are not read
    assert doc["files_skipped"] == 2 and doc["files_read"] == 1


def test_analyze_a_package_name_from_the_index(
    woaport: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serve() as index:
        index.add("xxhash", {"xxhash-3.6.0.tar.gz": fetch("xxhash-sdist")})
        monkeypatch.setenv("WOAPORT_CACHE_DIR", str(tmp_path))
        result = woaport("analyze", "xxhash", "--index-url", index.url, "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["category"] == "workflow-only"
    assert (tmp_path / "sdists" / "xxhash-3.6.0.tar.gz").is_file()


def test_analyze_text_and_bad_input(woaport: Run, tmp_path: Path) -> None:
    tree(tmp_path / "src", {"pyproject.toml": PYPROJECT, "a.c": "#include <immintrin.h>\n"})
    result = woaport("analyze", tmp_path / "src")
    assert result.code == 0
    assert (
        "src: source-port" in result.out and "a.c:1  intrinsics-header  [NO ARM path]" in result.out
    )
    missing = woaport("analyze", tmp_path / "nope.tar.gz")
    assert missing.code == 2 and "no such file" in missing.err
    bad = tmp_path / "broken-1.0.tar.gz"
    bad.write_bytes(b"not a tarball")
    broken = woaport("analyze", bad)
    assert broken.code == 2 and "not a readable sdist" in broken.err
