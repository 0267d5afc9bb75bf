"""Benchmark: a fresh environment plus a small wheel installed, with uv and with venv + pip.

    .venv/bin/python bench/contract_env.py [--runs N]

Uses the runner's own code (woaport.venv.create + install), measured in this one run.
Targets: median <= 1.0 s with uv, and uv >= 5x faster than venv + pip.
"""

# ruff: noqa: I001  (_common must be imported first: it fixes sys.path for this folder)
from __future__ import annotations

import _common  # noqa: F401  (also puts tests/ on sys.path)

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from cext import build_pure_wheel

from woaport import venv

TARGET_UV = 1.0
TARGET_SPEEDUP = 5.0


def once(installer: venv.Installer, uv: str | None, wheel: Path) -> float:
    root = Path(tempfile.mkdtemp(prefix="woaport-bench-"))
    try:
        start = time.perf_counter()
        environment, created = venv.create(
            root / "env", base_python=sys.executable, installer=installer, uv=uv
        )
        if environment is None:
            raise SystemExit(f"creating the environment failed:\n{created.output}")
        installed = venv.install(environment, [f"woabench @ {wheel.as_uri()}"])
        if not installed.ok:
            raise SystemExit(f"installing failed:\n{installed.output}")
        return time.perf_counter() - start
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    uv = venv.find_uv()
    if uv is None:
        raise SystemExit("uv is not installed; `pip install uv` (it is a woaport dependency)")
    with tempfile.TemporaryDirectory() as tmp:
        wheel = build_pure_wheel(Path(tmp), "woabench")
        once("uv", uv, wheel)  # warm uv's cache the way a device's second run would be
        times_uv, times_pip = [], []
        for _ in range(args.runs):
            times_uv.append(once("uv", uv, wheel))
            times_pip.append(once("pip", None, wheel))
    med_uv, med_pip = statistics.median(times_uv), statistics.median(times_pip)
    speedup = med_pip / med_uv
    print(f"fresh environment + small wheel, {args.runs} runs each")
    ok_uv = "ok" if med_uv <= TARGET_UV else "MISSED"
    print(f"uv:         median {med_uv:.3f} s (target <= {TARGET_UV} s) {ok_uv}")
    print(f"venv + pip: median {med_pip:.3f} s")
    ok_speed = "ok" if speedup >= TARGET_SPEEDUP else "MISSED"
    print(f"speedup uv over venv + pip: {speedup:.1f}x (target >= {TARGET_SPEEDUP}x) {ok_speed}")
    return 0 if med_uv <= TARGET_UV and speedup >= TARGET_SPEEDUP else 1


if __name__ == "__main__":
    raise SystemExit(main())
