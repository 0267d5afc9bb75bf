"""woaport.entry: --version and a kept --help answer without click, and say exactly what
click would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from woaport import entry
from woaport.cli import cli


def command_paths() -> list[tuple[str, ...]]:
    paths: list[tuple[str, ...]] = [()]
    ctx = click.Context(cli, info_name="woaport")

    def walk(group: click.Group, prefix: tuple[str, ...]) -> None:
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            assert command is not None
            paths.append((*prefix, name))
            if isinstance(command, click.Group):
                walk(command, (*prefix, name))

    walk(cli, ())
    return paths


def woaport(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "woaport", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "90", **env},
        check=False,
    )


def click_itself(*args: str) -> subprocess.CompletedProcess[str]:
    """The click command line with no woaport.entry in front of it."""
    code = "import sys; from woaport.cli import main; main(sys.argv[1:])"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "90"},
        check=False,
    )


def test_every_help_text_is_what_click_prints() -> None:
    paths = command_paths()
    assert ("contract", "run") in paths and ("device", "poll") in paths
    for path in paths:
        native = click_itself(*path, "--help")
        assert native.returncode == 0, (path, native.stderr)
        rendered = woaport(*path, "--help")  # rendered through click's API, then kept
        kept = woaport(*path, "--help")  # read back
        assert rendered.stdout == native.stdout == kept.stdout, path
        assert rendered.returncode == kept.returncode == 0


def test_a_kept_help_text_is_printed_without_importing_click() -> None:
    probe = (
        "import sys, runpy; sys.argv = ['woaport', 'inspect', '--help']\n"
        "try:\n    runpy.run_module('woaport', run_name='__main__')\n"
        "except SystemExit: pass\n"
        "print('CLICK' if 'click' in sys.modules else 'NO-CLICK', file=sys.stderr)\n"
    )
    env = {**os.environ, "COLUMNS": "90"}
    first = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env)
    second = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env)
    assert first.stdout == second.stdout and "Usage: woaport inspect" in first.stdout
    assert second.stderr.strip() == "NO-CLICK"
    versions = woaport("--version")
    assert versions.stdout == f"woaport, version {__import__('woaport').__version__}\n"


def test_the_key_changes_with_the_code_the_width_and_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    package = tmp_path / "woaport"
    (package / "cli").mkdir(parents=True)
    module = package / "cli" / "x.py"
    module.write_text("A = 1\n")
    monkeypatch.setattr(entry, "PACKAGE", str(package))
    monkeypatch.setenv("COLUMNS", "90")
    before = entry.fingerprint()
    assert entry.fingerprint() == before
    module.write_text("A = 22\n")  # another size (and mtime): another key
    assert entry.fingerprint() != before
    edited = entry.fingerprint()
    monkeypatch.setenv("COLUMNS", "60")
    assert entry.fingerprint() != edited
    monkeypatch.setenv("COLUMNS", "90")
    monkeypatch.setenv("WOAPORT_HUB", "someone/hub")
    assert entry.fingerprint() != edited


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["--help"], ()),
        (["-h"], ()),
        (["contract", "run", "--help"], ("contract", "run")),
        (["inspect", "--json", "--help"], None),  # options before --help: click decides
        (["inspect", "x.whl"], None),
        (["../x", "--help"], None),
        ([], None),
    ],
)
def test_only_plain_help_requests_are_answered_from_the_cache(
    words: list[str], expected: tuple[str, ...] | None
) -> None:
    assert entry.help_path(words) == expected


def test_an_unknown_command_still_gets_clicks_usage_error() -> None:
    proc = woaport("nosuch", "--help")
    assert proc.returncode == 2 and "No such command 'nosuch'" in proc.stderr


# A command that reports the garbage collector's state when it runs.
GC_PROBE = """
import gc, sys
import woaport.cli

def command(words, help_for=None):
    print(gc.isenabled(), gc.get_freeze_count() > 1000)
    sys.exit(0)

woaport.cli.main = command
sys.argv = ["woaport", "check", "six"]
from woaport.entry import main
main()
"""


def test_commands_run_with_the_garbage_collector_on() -> None:
    """The executable starts with the collector off (start-up makes only objects that live
    as long as the process); the command itself, a device's poll loop say, runs with it on
    and the start-up's objects frozen out of it."""
    proc = subprocess.run(
        [sys.executable, "-c", GC_PROBE], capture_output=True, text=True, check=False
    )
    assert (proc.returncode, proc.stdout) == (0, "True True\n"), proc.stderr


def test_a_caller_that_passes_the_words_keeps_its_collector_as_it_is() -> None:
    import gc

    frozen = gc.get_freeze_count()
    with pytest.raises(SystemExit):
        entry.main(["--version"])
    assert gc.isenabled() and gc.get_freeze_count() == frozen
