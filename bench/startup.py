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
import sys
import tempfile
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


def measure(commands: dict[str, list[str]], runs: int) -> dict[str, float]:
    """Median wall seconds of each command, the commands interleaved round by round."""
    for argv in commands.values():
        _common.run_once(argv)  # warm-up: disk cache, uv's cache
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            times[name].append(_common.run_once(argv)[0])
    return {name: _common.median(values) for name, values in times.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").strip().splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    _common.compile_package()
    uv = venv.find_uv()
    if uv is None:
        raise SystemExit("uv is not installed; `pip install uv` (it is a woaport dependency)")
    woaport = shutil.which("woaport", path=str(Path(sys.executable).parent)) or "woaport"
    wheel = fetch("six")
    with tempfile.TemporaryDirectory(prefix="woaport-startup-") as tmp:
        root = Path(tmp)
        contract = root / "six.yml"
        contract.write_text(CONTRACT, encoding="utf-8")
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "woaport --version": [woaport, "--version"],
            "woaport inspect --help": [woaport, "inspect", "--help"],
            "bare uv sequence": bare_sequence(uv, wheel),
            "woaport contract run": [
                woaport,
                "contract",
                "run",
                "--contract",
                str(contract),
                "--wheel",
                str(wheel),
                "--installer",
                "uv",
            ],
        }
        os.environ.setdefault("UV_NO_PROGRESS", "1")
        medians = measure(commands, args.runs)
    for name, seconds in medians.items():
        print(f"{name:24s} {seconds * 1000:8.1f} ms")
    floor = medians["python -c pass"]
    bare = medians["bare uv sequence"]
    help_ratio = medians["woaport inspect --help"] / floor
    version_ratio = medians["woaport --version"] / floor
    contract_ratio = medians["woaport contract run"] / bare
    print(f"--version / python -c pass:       {version_ratio:5.2f}x")
    print(f"inspect --help / python -c pass:  {help_ratio:5.2f}x  (target <= {TARGET_HELP}x)")
    print(
        f"contract run / bare uv sequence:  {contract_ratio:5.2f}x  (target <= {TARGET_CONTRACT}x)"
    )
    met = help_ratio <= TARGET_HELP and contract_ratio <= TARGET_CONTRACT
    print("targets met" if met else "targets NOT met")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
