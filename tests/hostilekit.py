"""Run a woaport command on hostile input as a real, resource-limited process.

The hostile-input suite (tests/test_hostile_*.py) generates each class of bad input and runs
every command that reads it through `run_bounded`, then asserts with `assert_refused` (exit 2,
one line on stderr naming the input, no traceback) or `assert_handled` (any documented exit
code, no traceback). Memory and CPU time are bounded with resource limits on the child, so a
parser that believes a declared size or follows an alias bomb dies instead of taking the machine.
"""

from __future__ import annotations

import contextlib
import os
import resource
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

World = TypeVar("World")

# A woaport process on hostile input must stay inside these; the numbers are generous for a
# shared 2-core machine and far below what the old defects took (4.2 GB, 23-106 s).
MEMORY_LIMIT = 768 * 1024 * 1024
CPU_SECONDS = 20
WALL_SECONDS = 40

_SRC = Path(__file__).resolve().parent.parent / "scripts"


@dataclass(frozen=True)
class Outcome:
    args: tuple[str, ...]
    code: int
    out: str
    err: str
    seconds: float
    cpu_seconds: float = 0.0  # the child's own CPU time, which other jobs do not inflate

    def describe(self) -> str:
        return (
            f"woaport {' '.join(self.args)} -> exit {self.code} in {self.seconds:.1f}s"
            f" ({self.cpu_seconds:.1f}s CPU)\n"
            f"--- stdout ---\n{self.out[-2000:]}\n--- stderr ---\n{self.err[-2000:]}"
        )


def _limits(memory: int, cpu: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run_bounded(
    args: Sequence[str | os.PathLike[str]],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    memory: int = MEMORY_LIMIT,
    cpu: int = CPU_SECONDS,
    stdin: str | None = None,
) -> Outcome:
    """``python -m woaport ARGS`` with a memory and CPU ceiling and a wall-clock timeout."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "WOAPORT_"))}
    full_env["PYTHONPATH"] = str(_SRC) + os.pathsep + full_env.get("PYTHONPATH", "")
    full_env.update(env or {})
    argv = tuple(str(a) for a in args)
    started = time.monotonic()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(
        [sys.executable, "-m", "woaport", *argv],
        capture_output=True,
        text=True,
        errors="replace",
        cwd=cwd,
        env=full_env,
        input=stdin,
        timeout=WALL_SECONDS,
        preexec_fn=lambda: _limits(memory, cpu),
    )
    seconds = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # (the child was waited for)
    cpu_seconds = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return Outcome(argv, proc.returncode, proc.stdout, proc.stderr, seconds, cpu_seconds)


def assert_handled(outcome: Outcome, codes: Sequence[int] = (0, 1, 2, 3)) -> None:
    """A documented exit code and no traceback, within the limits (a killed child has a
    negative code: the limit was hit)."""
    assert outcome.code in codes, outcome.describe()
    assert "Traceback" not in outcome.err, outcome.describe()
    assert "Traceback" not in outcome.out, outcome.describe()


def assert_refused(outcome: Outcome, *, names: str | None = None) -> None:
    """Exit 2 with exactly one line on stderr (naming ``names`` when given) and no traceback."""
    assert_handled(outcome, (2,))
    lines = [line for line in outcome.err.splitlines() if line.strip()]
    assert len(lines) == 1, outcome.describe()
    if names is not None:
        assert names in lines[0], outcome.describe()


def selected_cases(request: Any, cases: Mapping[str, object]) -> list[str]:
    """The names of the cases this pytest session runs (``-k`` selects cases: only those)."""
    return [
        item.callspec.params["name"]
        for item in request.session.items
        if hasattr(item, "callspec") and item.callspec.params.get("name") in cases
    ]


def run_cases(
    world: World,
    root: Path,
    cases: Mapping[str, Callable[[World, Path], None]],
    names: Iterable[str],
    *,
    workers: int = 8,
) -> dict[str, str | None]:
    """Run each named case in a folder of its own under ``root``, ``workers`` at a time (each
    starts real processes): name -> None (passed) or the failure's traceback, for the
    case's own test to report. WOAPORT_HOSTILE_TIMES=1 prints each case's time."""
    results: dict[str, str | None] = {}

    def run(name: str) -> None:
        folder = root / name
        folder.mkdir()
        started = time.monotonic()
        try:
            cases[name](world, folder)
            results[name] = None
        except BaseException:  # reported by the case's own test
            results[name] = traceback.format_exc()
        if os.environ.get("WOAPORT_HOSTILE_TIMES"):
            print(f"{time.monotonic() - started:6.1f}s {name}", file=sys.stderr)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(run, names))
    return results


@contextlib.contextmanager
def outcomes_against_fakes(
    request: Any,
    tmp_path_factory: Any,
    cases: Mapping[str, tuple[str, Callable[[World, Path], None]]],
    folder: str,
    make_world: Callable[[Path, Any, Any], World],
    order: Callable[[str], Any] | None = None,
) -> Iterator[dict[str, str | None]]:
    """Every case this session selected, run at once on a few threads in a world of
    ``make_world(root, index, github)`` with the fake index and GitHub serving; when the
    suite is done, every exchange with the fake GitHub is checked against GitHub's OpenAPI
    description. ``order`` sorts the cases (the slowest first, say)."""
    from fakegithub import serve as serve_github
    from fakeindex import serve as serve_index
    from openapi_check import validate

    selected = selected_cases(request, cases)
    root = tmp_path_factory.mktemp(folder)
    with serve_index() as index, serve_github() as github:
        world = make_world(root, index, github)
        functions = {name: function for name, (_, function) in cases.items()}
        yield run_cases(world, root, functions, sorted(selected, key=order) if order else selected)
    for exchange in github.exchanges:
        validate(exchange.method, exchange.path, exchange.status, exchange.body)
