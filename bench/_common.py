"""Helpers shared by the benchmarks: timing whole processes, reading their peak RSS."""

from __future__ import annotations

import sys
from pathlib import Path

# bench/inspect.py is named like the stdlib's `inspect`: keep this folder behind the stdlib
# on sys.path, before anything imports `inspect` (dataclasses does).
_HERE = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if p not in (_HERE, "")] + [_HERE]

import os  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
# This checkout's package, whatever environment runs the benchmark: a virtual environment
# with another checkout installed in editable mode would otherwise measure that one.
sys.path.insert(0, str(ROOT / "scripts"))


def compile_package() -> None:
    """Write bytecode for woaport, as an installed (non-editable) package has; the
    environment may set PYTHONDONTWRITEBYTECODE, which would charge compilation to every run."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "scripts" / "woaport")], check=True
    )


def run_once(argv: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{argv} exited {proc.returncode}")
    return elapsed, usage.ru_maxrss


def compare(a: list[str], b: list[str], runs: int) -> tuple[list[float], list[float], int, int]:
    """Alternate the two commands ``runs`` times (after one warm-up each)."""
    run_once(a)
    run_once(b)
    times_a, times_b, rss_a, rss_b = [], [], 0, 0
    for _ in range(runs):
        t, r = run_once(a)
        times_a.append(t)
        rss_a = max(rss_a, r)
        t, r = run_once(b)
        times_b.append(t)
        rss_b = max(rss_b, r)
    return times_a, times_b, rss_a, rss_b


def median(values: list[float]) -> float:
    return statistics.median(values)


def queued_item(name: str, i: int, repo: str, sha: str, created: str) -> dict[str, object]:
    """The manifest of a fork's queue item for package ``name`` (the i-th fork) as the
    benchmarks' fake GitHub holds it: one under-test wheel, a one-step import contract,
    a passing CI verdict."""
    from woaport.contract import from_dict

    contract = from_dict(
        {
            "smoke_test_id": name,
            "package": name,
            "steps": [{"step_id": "s", "kind": "import_module", "module": name}],
        }
    )
    return {
        "manifest_version": 1,
        "item_id": f"{name}-1.0-{i:012x}",
        "package": name,
        "version": "1.0",
        "created": created,
        "artifacts": [
            {
                "filename": f"{name}-1.0-cp312-cp312-win_arm64.whl",
                "size": 1,
                "sha256": f"{i:064x}",
                "role": "under-test",
            }
        ],
        "contract": contract.raw,
        "contract_sha256": contract.sha256,
        "ci": {"verdict": "pass", "payload": "pass"},
        "provenance": {"repository": repo, "commit": sha},
    }
