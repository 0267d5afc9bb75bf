"""Benchmark: what a woaport command costs at start-up, against the floor it cannot beat.

    .venv/bin/python bench/startup.py [--runs N]

Whole processes, measured in this one run, interleaved (one of each per round, so that a
busy machine slows every command alike), medians of N rounds:

* ``python -c pass`` (the interpreter's own start) against ``woaport --version`` and
  ``woaport inspect --help``;
* the bare sequence ``uv venv && uv pip install W && python -c "import six"`` against
  ``woaport contract run`` with a contract of one import step, on the same wheel W: six
  1.16.0, a small real pure-Python wheel from the index, pinned by sha256 in
  tests/realfiles.py and downloaded once into the test cache.

The targets are for the steady state a user sees: ``--help`` rendered once is kept
(woaport.entry), and a contract that passed its schema is not validated again
(woaport.memo: a device runs one contract for item after item). The "(cold)" rows switch
both caches off and are printed beside, without a target.

Targets: ``inspect --help`` <= 3x ``python -c pass``; ``contract run`` <= 2x the bare
sequence. The package is compiled first (the environment may set PYTHONDONTWRITEBYTECODE,
which would charge compilation to every run, unlike an installed package).
"""

# ruff: noqa: I001  (_common must be imported first: it fixes sys.path for this folder)
from __future__ import annotations

import _common  # (also puts tests/ on sys.path)

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from realfiles import fetch

from woaport import venv

TARGET_HELP = 3.0
TARGET_CONTRACT = 2.0

CONTRACT = """\
- smoke_test_id: six-startup
  package: six
  execution_modes: [ci, device]
  steps:
    - step_id: import-six
      kind: import_module
      module: six
"""


def bare_sequence(uv: str, wheel: Path) -> list[str]:
    """The bare sequence, in a fresh folder each time, as one ``sh`` process."""
    script = (
        'd=$(mktemp -d) && "$1" venv -q --python "$3" "$d/env" '
        '&& "$1" pip install -q --python "$d/env/bin/python" "$2" '
        '&& "$d/env/bin/python" -c "import six"; s=$?; rm -rf "$d"; exit $s'
    )
    return ["sh", "-c", script, "bare", uv, str(wheel), sys.executable]


def run_once(argv: list[str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system, the process and every child it waited
    for) of one process. CPU time barely moves when other work shares the machine."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{argv} exited {os.waitstatus_to_exitcode(status)}")
    return elapsed, usage.ru_utime + usage.ru_stime


def measure(commands: dict[str, list[str]], runs: int) -> dict[str, tuple[float, float]]:
    """Median wall and CPU seconds of each command, interleaved round by round."""
    for argv in commands.values():
        run_once(argv)  # warm-up: disk cache, uv's cache
    wall: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            w, c = run_once(argv)
            wall[name].append(w)
            cpu[name].append(c)
    return {name: (_common.median(wall[name]), _common.median(cpu[name])) for name in commands}


def woaport_commands(woaport: list[str], contract: Path, wheel: Path) -> dict[str, list[str]]:
    """``woaport`` is ``env PYTHONPATH=... woaport``: the cold variants add the variables that
    switch woaport's caches off (the rendered help text; the memo of a validated contract)."""
    run = [
        *("contract", "run", "--contract", str(contract), "--wheel", str(wheel)),
        *("--installer", "uv"),
    ]
    env, rest = woaport[:-1], woaport[-1:]
    return {
        "woaport --version": [*woaport, "--version"],
        "woaport inspect --help": [*woaport, "inspect", "--help"],
        "woaport inspect --help (cold)": [
            *env,
            "WOAPORT_NO_HELP_CACHE=1",
            *rest,
            "inspect",
            "--help",
        ],
        "woaport contract run": [*woaport, *run],
        "woaport contract run (cold)": [*env, "WOAPORT_NO_MEMO=1", *rest, *run],
    }


def report(medians: dict[str, tuple[float, float]], runs: int, suffix: str = "") -> bool:
    """Print the ratios of the woaport commands (``suffix``: which checkout's)."""

    def ratio(a: str, b: str, column: int) -> float:
        return medians[a + suffix][column] / medians[b][column]

    rows = [
        ("--version / python -c pass", "woaport --version", "python -c pass", None),
        (
            "inspect --help / python -c pass",
            "woaport inspect --help",
            "python -c pass",
            TARGET_HELP,
        ),
        (
            "  (cold: help not cached)",
            "woaport inspect --help (cold)",
            "python -c pass",
            None,
        ),
        ("contract run / bare uv", "woaport contract run", "bare uv sequence", TARGET_CONTRACT),
        (
            "  (cold: contract not seen)",
            "woaport contract run (cold)",
            "bare uv sequence",
            None,
        ),
    ]
    met = True
    print(f"ratios{suffix or ' (this checkout)'}:")
    for label, a, b, target in rows:
        wall, cpu = ratio(a, b, 0), ratio(a, b, 1)
        goal = f"target <= {target}x (wall)" if target else ""
        print(f"  {label:32s} wall {wall:5.2f}x   cpu {cpu:5.2f}x   {goal}")
        met = met and (target is None or wall <= target)
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").strip().splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="SCRIPTS_DIR",
        help="Also time another checkout's woaport (its scripts/ folder, e.g. a worktree of "
        "the main branch), interleaved with this one: before and after in one run.",
    )
    args = parser.parse_args()
    _common.compile_package()
    uv = venv.find_uv()
    if uv is None:
        raise SystemExit("uv is not installed; `pip install uv` (it is a woaport dependency)")
    woaport = shutil.which("woaport", path=str(Path(sys.executable).parent)) or "woaport"
    wheel = fetch("six")
    with tempfile.TemporaryDirectory(prefix="woaport-startup-") as tmp:
        contract = Path(tmp) / "six.yml"
        contract.write_text(CONTRACT, encoding="utf-8")
        here = str(_common.ROOT / "scripts")
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "bare uv sequence": bare_sequence(uv, wheel),
            **woaport_commands(["env", f"PYTHONPATH={here}", woaport], contract, wheel),
        }
        if args.baseline:
            subprocess.run(
                [sys.executable, "-m", "compileall", "-q", str(args.baseline / "woaport")],
                check=True,
                env=dict(os.environ, PYTHONDONTWRITEBYTECODE=""),
            )
            baseline = ["env", f"PYTHONPATH={args.baseline.resolve()}", woaport]
            for name, argv in woaport_commands(baseline, contract, wheel).items():
                commands[name + " (baseline)"] = argv
        os.environ.setdefault("UV_NO_PROGRESS", "1")
        load_before = os.getloadavg()
        medians = measure(commands, args.runs)
        load_after = os.getloadavg()
    print(
        "load average (1, 5, 15 min): "
        f"{' '.join(f'{x:.2f}' for x in load_before)} before, "
        f"{' '.join(f'{x:.2f}' for x in load_after)} after"
    )
    print(f"{'':36s} {'wall':>9s} {'cpu':>9s}   (medians of {args.runs} interleaved rounds)")
    for name, (wall, cpu) in medians.items():
        print(f"{name:36s} {wall * 1000:7.1f}ms {cpu * 1000:7.1f}ms")
    if args.baseline:
        report(medians, args.runs, " (baseline)")
    met = report(medians, args.runs)
    print("targets met" if met else "targets NOT met")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
