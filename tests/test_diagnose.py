"""`woaport diagnose`: every catalog entry against its real log line, and whole logs."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from woaport.diagnose import catalog, diagnose

Run = Callable[..., Any]
CAUSES, SIGNATURES = catalog()


def test_catalog_is_well_formed() -> None:
    ids = [s.id for s in SIGNATURES]
    assert len(ids) == len(set(ids))
    assert set(CAUSES) == {
        "no-woa-lane",
        "build-environment",
        "wrong-payload",
        "dependency-gap",
        "validation-plumbing",
        "source-port",
    }
    assert {s.cause for s in SIGNATURES} <= set(CAUSES)
    for s in SIGNATURES:
        assert s.explanation and s.fix and s.example


@pytest.mark.parametrize("signature", SIGNATURES, ids=lambda s: s.id)
def test_each_entry_matches_its_real_line(signature: Any) -> None:
    result = diagnose([f"2026-10-07T22:03:24.4853276Z {signature.example}\r\n"])
    assert signature.id in [m.signature.id for m in result.matches]
    assert result.cause == signature.cause


LOG = """\
2026-11-20T10:00:01.0000000Z ##[group]Run python -m cibuildwheel --output-dir wheelhouse
2026-11-20T10:00:02.0000000Z cibuildwheel version 3.1.4
2026-11-20T10:00:30.0000000Z \x1b[1mBuilding cp312-win_arm64 wheel\x1b[0m
2026-11-20T10:00:31.0000000Z Collecting cramjam>=2.3
2026-11-20T10:00:31.5000000Z   Downloading cramjam-2.11.0.tar.gz (1.1 MB)
2026-11-20T10:00:40.0000000Z   Building wheel for cramjam (pyproject.toml): started
2026-11-20T10:01:10.0000000Z   Building wheel for cramjam (pyproject.toml): finished with status 'error'
2026-11-20T10:01:10.1000000Z   error: subprocess-exited-with-error
2026-11-20T10:01:10.2000000Z   = note: the `aarch64-pc-windows-msvc` target may not be installed
2026-11-20T10:01:11.0000000Z ERROR: Failed building wheel for cramjam
2026-11-20T10:01:12.0000000Z ERROR: Could not build wheels for cramjam, which is required to install pyproject.toml-based projects
"""


def test_a_real_looking_log(woaport: Run, tmp_path: Path) -> None:
    log = tmp_path / "build.log"
    log.write_bytes(LOG.replace("\n", "\r\n").encode())
    result = woaport("diagnose", log, "--json")
    assert result.code == 1
    doc = json.loads(result.out)
    assert [m["id"] for m in doc["matches"]] == ["rust-target-missing", "pip-builds-dependency"]
    assert {c["cause"] for c in doc["causes"]} == {"build-environment", "dependency-gap"}
    pip = next(m for m in doc["matches"] if m["id"] == "pip-builds-dependency")
    assert pip["count"] == 2 and pip["lines"][0]["line"] == 6
    assert (
        pip["lines"][0]["text"] == "Building wheel for cramjam (pyproject.toml): started"
    )  # no timestamp


def test_text_output_has_lines_and_fixes(woaport: Run, tmp_path: Path) -> None:
    log = tmp_path / "b.log"
    log.write_text("src\\simd.c(42): error C3861: '_mm_loadu_si128': identifier not found\n")
    result = woaport("diagnose", log)
    assert result.code == 1
    assert "source-port" in result.out and "1: src\\simd.c(42)" in result.out
    assert "fix: Guard the x86 code" in result.out


def test_utf16_log_from_powershell(tmp_path: Path, woaport: Run) -> None:
    log = tmp_path / "ps.log"
    log.write_bytes(
        "ImportError: DLL load failed while importing _core: %1 is not a valid Win32 application.\r\n".encode(
            "utf-16"
        )
    )
    doc = json.loads(woaport("diagnose", log, "--json").out)
    assert doc["cause"] == "wrong-payload"


def test_clean_log_is_unknown_and_exit_0(woaport: Run, tmp_path: Path) -> None:
    log = tmp_path / "ok.log"
    log.write_text("Successfully built wheel\nall tests passed\n")
    result = woaport("diagnose", log, "--json")
    assert result.code == 0
    doc = json.loads(result.out)
    assert doc["cause"] == "unknown" and doc["tail"] == [
        "Successfully built wheel",
        "all tests passed",
    ]


def test_missing_log_is_bad_input(woaport: Run, tmp_path: Path) -> None:
    result = woaport("diagnose", tmp_path / "nope.log")
    assert result.code == 2 and "nope.log" in result.err
