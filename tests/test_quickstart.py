"""The README's quick start, command by command, as written (against a package index on
loopback that serves the real numpy win_arm64 wheel): each `$ woaport ...` line runs in one
folder, and the lines the README shows for the cp312 wheel are what the commands print."""

from __future__ import annotations

import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from fakeindex import FakeIndex, serve

ROOT = Path(__file__).resolve().parent.parent
ARM64 = "numpy-2.5.5-cp312-cp312-win_arm64.whl"


def quick_start() -> list[tuple[list[str], list[str]]]:
    """(argv, the output lines the README shows) for each command of the quick start."""
    readme = (ROOT / "README.md").read_text()
    block = readme.split("## Quick start", 1)[1].split("```console\n", 1)[1].split("```", 1)[0]
    commands: list[tuple[list[str], list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            commands.append((shlex.split(line[2:]), []))
        elif line.strip() and commands:
            commands[-1][1].append(line)
    return commands


@pytest.fixture
def index(numpy_arm64: Path) -> Iterator[FakeIndex]:
    with serve() as fake:
        fake.add("numpy", {ARM64: numpy_arm64, "numpy-2.5.5.tar.gz": b"sdist"})
        yield fake


def test_the_quick_start_works_as_written(index: FakeIndex, tmp_path: Path) -> None:
    commands = quick_start()
    assert [argv[:2] for argv, _ in commands] == [["woaport", "check"], ["woaport", "inspect"]]
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "WOAPORT_INDEX_URL": index.url,
        "HOME": str(tmp_path),
    }
    for argv, shown in commands:
        result = subprocess.run(
            [sys.executable, "-m", "woaport", *argv[1:]],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        for line in shown:  # the lines about the cp312 wheel this index serves
            if ARM64 in line or line.startswith(("verdict:", "saved:")):
                assert line in result.stdout.splitlines(), (line, result.stdout)
    assert (tmp_path / "wheels" / ARM64).is_file()
