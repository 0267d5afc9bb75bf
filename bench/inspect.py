"""Benchmark: `woaport inspect` on numpy's win_arm64 wheel against the floor.

    .venv/bin/python bench/inspect.py [--runs N]

Prints, measured in this one run:
  * the ratio of whole-process wall time, woaport / floor (target <= 1.3), where the floor
    is bench/floor_inspect.py: a script that only decompresses and sha256-hashes every member;
  * peak memory of the inspection itself (tracemalloc, in-process) against the largest
    member (target <= 2x), and both processes' peak RSS for context.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file is named like the stdlib's `inspect`: move its folder behind the stdlib on
# sys.path so that `import inspect` (dataclasses does it) finds the real one.
_HERE = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if p not in (_HERE, "")] + [_HERE]

import argparse  # noqa: E402
import tracemalloc  # noqa: E402
import zipfile  # noqa: E402

from _common import ROOT, compare, compile_package, median  # noqa: E402
from realfiles import fetch  # noqa: E402
from woaport.payload import inspect_wheel  # noqa: E402

TARGET_RATIO = 1.3
TARGET_MEMORY = 2.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()

    wheel = fetch("numpy-arm64")
    compile_package()
    woaport = [sys.executable, "-m", "woaport", "inspect", str(wheel)]
    floor = [sys.executable, str(ROOT / "bench" / "floor_inspect.py"), str(wheel)]
    t_woaport, t_floor, rss_woaport, rss_floor = compare(woaport, floor, args.runs)
    ratio = median(t_woaport) / median(t_floor)

    with zipfile.ZipFile(wheel) as zf:
        largest = max(i.file_size for i in zf.infolist())
    inspect_wheel(wheel)  # warm imports so that only the inspection is traced
    tracemalloc.start()
    inspect_wheel(wheel)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    memory_ratio = peak / largest

    print(f"wheel: {wheel.name} ({wheel.stat().st_size / 1e6:.1f} MB), {args.runs} runs each")
    print(f"woaport inspect: median {median(t_woaport) * 1000:.0f} ms, peak RSS {rss_woaport} KiB")
    print(
        f"floor (unzip + sha256): median {median(t_floor) * 1000:.0f} ms, peak RSS {rss_floor} KiB"
    )
    verdict = "ok" if ratio <= TARGET_RATIO else "MISSED"
    print(f"time ratio woaport/floor: {ratio:.2f} (target <= {TARGET_RATIO}) {verdict}")
    verdict = "ok" if memory_ratio <= TARGET_MEMORY else "MISSED"
    print(
        f"inspection peak memory: {peak / 1e6:.1f} MB = {memory_ratio:.2f}x the largest member "
        f"({largest / 1e6:.1f} MB) (target <= {TARGET_MEMORY}x) {verdict}"
    )
    return 0 if ratio <= TARGET_RATIO and memory_ratio <= TARGET_MEMORY else 1


if __name__ == "__main__":
    raise SystemExit(main())
