"""`woaport inspect` through the real entry point: exit codes, bad input, Actions output."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import run_process
from wheelkit import set_machine, write_wheel
from woaport.documents.inspect_report import InspectReport

Run = Callable[..., Any]


def small_wheel(path: Path, members: dict[str, bytes] | None = None) -> Path:
    return write_wheel(
        path,
        members or {"demo/__init__.py": b""},
        dist_info="demo-1.0.dist-info",
        tags=["py3-none-any"],
    )


def test_ok_wheel_exits_0(woaport: Run, tmp_path: Path) -> None:
    result = woaport("inspect", small_wheel(tmp_path / "demo-1.0-py3-none-any.whl"))
    assert result.code == 0
    assert "demo-1.0-py3-none-any.whl: ok" in result.out


def test_problem_exits_1_with_fix(woaport: Run, tmp_path: Path, numpy_arm64: Path) -> None:
    with zipfile.ZipFile(numpy_arm64) as zf:
        pyd = zf.read("numpy/random/_sfc64.cp312-win_arm64.pyd")
    wheel = write_wheel(
        tmp_path / "demo-1.0-cp312-cp312-win_arm64.whl",
        {"demo/_sfc64.cp312-win_arm64.pyd": set_machine(pyd, 0x8664)},
        dist_info="demo-1.0.dist-info",
        tags=["cp312-cp312-win_arm64"],
    )
    result = woaport("inspect", wheel)
    assert result.code == 1
    assert "FAIL" in result.out
    assert "machine-mismatch" in result.out and "fix: build on windows-11-arm" in result.out


def zip_with(path: Path, names: list[str]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name in names:
            zf.writestr(name, b"x")
    return path


def text_file(path: Path) -> Path:
    path.write_text("hello")
    return path


def bomb(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("demo/zeros.bin", b"\0" * (64 << 20))
    return path


BAD_INPUTS: list[tuple[str, Callable[[Path], Path], str]] = [
    ("not-a-zip", lambda d: text_file(d / "demo-1.0-py3-none-any.whl"), "not a zip archive"),
    ("bad-name", lambda d: small_wheel(d / "demo.whl"), "not a valid wheel file name"),
    ("missing", lambda d: d / "demo-1.0-py3-none-any.whl", "no such file"),
    (
        "dotdot",
        lambda d: zip_with(d / "demo-1.0-py3-none-any.whl", ["demo/../../evil.py"]),
        "contains '..'",
    ),
    (
        "absolute",
        lambda d: zip_with(d / "demo-1.0-py3-none-any.whl", ["/etc/evil.py"]),
        "absolute path",
    ),
    (
        "drive",
        lambda d: zip_with(d / "demo-1.0-py3-none-any.whl", ["C:/evil.py"]),
        "absolute path",
    ),
    ("bomb", lambda d: bomb(d / "demo-1.0-py3-none-any.whl"), "zip bomb"),
]


@pytest.mark.parametrize(("case", "make", "expected"), BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_is_one_line_exit_2(
    woaport: Run, tmp_path: Path, case: str, make: Callable[[Path], Path], expected: str
) -> None:
    path = make(tmp_path)
    result = woaport("inspect", path)
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert expected in lines[0] and str(path) in lines[0]
    assert "Traceback" not in result.err + result.out


def test_truncated_real_wheel(woaport: Run, tmp_path: Path, numpy_arm64: Path) -> None:
    data = numpy_arm64.read_bytes()
    for keep in (len(data) // 2, len(data) - 10):
        cut = tmp_path / numpy_arm64.name
        cut.write_bytes(data[:keep])
        result = woaport("inspect", cut)
        assert result.code == 2, result.out
        assert "not a zip archive" in result.err


def test_corrupt_member_data(woaport: Run, tmp_path: Path) -> None:
    wheel = small_wheel(
        tmp_path / "demo-1.0-py3-none-any.whl", {"demo/data.txt": b"hello world " * 5000}
    )
    raw = bytearray(wheel.read_bytes())
    start = raw.index(b"demo/data.txt") + len("demo/data.txt")
    for i in range(start + 10, start + 60):
        raw[i] ^= 0xFF
    wheel.write_bytes(bytes(raw))
    result = woaport("inspect", wheel)
    assert result.code == 2
    assert "is corrupt" in result.err and "demo/data.txt" in result.err


def test_mixed_good_and_bad_wheels(woaport: Run, tmp_path: Path) -> None:
    good = small_wheel(tmp_path / "demo-1.0-py3-none-any.whl")
    bad = tmp_path / "other-1.0-py3-none-any.whl"
    bad.write_text("nope")
    result = woaport("inspect", good, bad)
    assert result.code == 2
    assert "demo-1.0-py3-none-any.whl: ok" in result.out
    assert "other-1.0-py3-none-any.whl: UNREADABLE: not a zip archive" in result.out
    assert str(bad) not in result.out  # the file is named once, not again by the reader
    doc = json.loads(woaport("inspect", "--json", good, bad).out)
    assert [w["verdict"] for w in doc["wheels"]] == ["pass", "fail"]
    assert doc["wheels"][1]["kind"] == "unreadable" and "not a zip" in doc["wheels"][1]["error"]
    assert doc["verdict"] == "fail" and doc["ok"] is False
    InspectReport.from_json(doc, "inspect --json")  # unreadable wheels fit the schema too


def test_usage_error_exits_2(woaport: Run) -> None:
    result = woaport("inspect")
    assert result.code == 2
    assert "Missing argument" in result.err


def test_github_actions_annotations_and_summary(
    woaport: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, numpy_arm64: Path
) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    with zipfile.ZipFile(numpy_arm64) as zf:
        pyd = zf.read("numpy/random/_sfc64.cp312-win_arm64.pyd")
    wheel = write_wheel(
        tmp_path / "demo-1.0-cp312-cp312-win_arm64.whl",
        {"demo/_sfc64.cp311-win_arm64.pyd": pyd},
        dist_info="demo-1.0.dist-info",
        tags=["cp312-cp312-win_arm64"],
    )
    result = woaport("inspect", wheel)
    assert result.code == 1
    annotations = [line for line in result.out.splitlines() if line.startswith("::error ")]
    assert len(annotations) == 1
    assert f"file={wheel}".replace(":", "%3A") in annotations[0]
    assert "title=extension-tag-mismatch%3A demo-1.0-cp312-cp312-win_arm64.whl" in annotations[0]
    text = summary.read_text()
    assert "### woaport inspect" in text and "`extension-tag-mismatch`" in text
    assert "| `demo-1.0-cp312-cp312-win_arm64.whl` | :x: fail |" in text


def test_json_output_is_pure_json_on_actions(
    woaport: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "s.md"))
    result = woaport("inspect", "--json", small_wheel(tmp_path / "demo-1.0-py3-none-any.whl"))
    assert json.loads(result.out)["ok"] is True
    assert (tmp_path / "s.md").read_text().startswith("### woaport inspect")


def test_real_process_and_help(tmp_path: Path) -> None:
    proc = run_process("inspect", "--help")
    assert proc.returncode == 0
    assert "arm64ec-payload" in proc.stdout and "Examples:" in proc.stdout
    proc = run_process("inspect", str(tmp_path / "nope-1.0-py3-none-any.whl"))
    assert proc.returncode == 2
    assert proc.stderr.startswith("woaport: error: ") and "Traceback" not in proc.stderr


@pytest.mark.network
def test_optional_dependency_is_a_warning_with_its_evidence(woaport: Run) -> None:
    """numba's tbbpool extension needs tbb12.dll, which the wheel does not carry; numba
    imports tbbpool only under try/except ImportError, so the wheel works without it."""
    from realfiles import corpus_wheel

    numba = corpus_wheel("numba")
    result = woaport("inspect", numba)
    assert result.code == 0, result.out
    assert "optional-dependency" in result.out and "tbb12.dll" in result.out
    assert "numba/np/ufunc/parallel.py:401" in result.out
    # The vc-runtime hint names the DLL that is missing, not always msvcp140.dll.
    assert "--include vcomp140.dll" in result.out
    assert woaport("inspect", "--strict", numba).code == 1


def test_queue_publish_reads_the_inspect_report(
    woaport: Run, tmp_path: Path, native_wheel: Path
) -> None:
    """The report `inspect --report` writes is the document `queue publish` reads for the
    payload verdict; anything else is refused in one line."""
    from test_queue_device import write_contract

    report = tmp_path / "inspect.json"
    assert woaport("inspect", native_wheel, "--report", report).code in (0, 1)
    expected = InspectReport.from_json(json.loads(report.read_text()), "report").verdict
    contract = write_contract(tmp_path)
    queue = f"dir:{tmp_path / 'queue'}"
    args = ["queue", "publish", "--queue", queue, "--contract", contract, native_wheel]
    out = woaport(*args, "--inspect-report", report, "--json")
    assert out.code == 0, out.err
    (manifest,) = (tmp_path / "queue").rglob("manifest.json")
    assert json.loads(manifest.read_text())["ci"]["payload"] == str(expected)

    report.write_text(json.dumps({"wheels": [{"filename": native_wheel.name, "ok": True}]}))
    out = woaport(*args, "--inspect-report", report)
    assert out.code == 2
    (line,) = out.err.strip().splitlines()
    assert line.startswith(f"woaport: error: --inspect-report {report}: not a valid inspect-report")
