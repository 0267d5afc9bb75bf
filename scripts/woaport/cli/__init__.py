"""The ``woaport`` command line: a click group that wires one module per command.

Commands are imported only when they run, so ``woaport inspect`` never pays for the
modules ``woaport check`` needs (and the other way round).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

import click

from woaport import __version__
from woaport.errors import EXIT_BAD_INPUT, EXIT_INTERRUPTED, WoaportError

# name -> (module, attribute, one-line help shown in `woaport --help` without importing it)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "analyze": ("woaport.cli.analyze", "analyze", "Before porting: how much work is this package?"),
    "build": ("woaport.cli.build", "build", "Build native win_arm64 wheels with cibuildwheel."),
    "check": ("woaport.cli.check", "check", "Does a package on the index have win_arm64 wheels?"),
    "controller": (
        "woaport.cli.controller",
        "controller",
        "The hub's scheduled controller: update the inventory.",
    ),
    "contract": (
        "woaport.cli.contract",
        "contract",
        "Validate smoke contracts; run one against a wheel.",
    ),
    "diagnose": (
        "woaport.cli.diagnose",
        "diagnose_cmd",
        "After a failure: which known cause does a log show?",
    ),
    "device": (
        "woaport.cli.device",
        "device",
        "On a Windows-on-Arm laptop: poll, validate, report.",
    ),
    "fleet": (
        "woaport.cli.fleet",
        "fleet",
        "The hub's registered devices: last seen, Pythons, results.",
    ),
    "fork": ("woaport.cli.fork", "fork", "Set a fork up: one workflow file, a starter contract."),
    "inspect": ("woaport.cli.inspect", "inspect", "Check a wheel's native payload."),
    "inventory": (
        "woaport.cli.inventory",
        "inventory",
        "Validate packages.yml, pick what is next, render the table.",
    ),
    "port": ("woaport.cli.port", "port", "Start a port: fork, enable Actions, commit the lane."),
    "queue": ("woaport.cli.queue", "queue", "Publish wheels for devices; list the queue."),
    "upstream": (
        "woaport.cli.upstream",
        "upstream",
        "Patch the upstream's wheel workflow; PR text.",
    ),
}


class LazyGroup(click.Group):
    def __init__(self, *args: object, lazy: dict[str, tuple[str, str, str]], **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            module, attr, _ = self.lazy[cmd_name]
            command = getattr(importlib.import_module(module), attr)
            if not isinstance(command, click.Command):
                raise TypeError(f"{module}.{attr} is not a click command")
            return command
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            if name in self.lazy:
                rows.append((name, self.lazy[name][2]))
            else:
                command = super().get_command(ctx, name)
                if command is not None and not command.hidden:
                    rows.append((name, command.get_short_help_str()))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(
    cls=LazyGroup,
    lazy=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="woaport")
def cli() -> None:
    """Port Python packages to native Windows on Arm, repeatably.

    \b
    Exit codes, for every command:
      0  everything checked is fine
      1  the check ran and found problems
      2  bad input or usage: nothing was checked
      3  a source (package index, GitHub) could not be reached: try again later

    \b
    Start here:
      woaport check numpy          which win_arm64 wheels does numpy publish? are they sound?
      woaport inspect FILE.whl     is this wheel's native payload loadable on Windows on Arm?
    """


def one_line(message: str) -> str:
    """An error message as the one line the exit-2 promise says: a message that quotes
    untrusted text with a line break in it must not start a second line (on Actions, a
    line that starts with ``::`` is a workflow command)."""
    return " ".join(message.split("\n")).replace("\r", " ")


def render_help(path: Sequence[str]) -> str | None:
    """What ``woaport PATH --help`` prints, rendered through click's own API (None when
    PATH names no command)."""
    ctx = cli.make_context("woaport", [], resilient_parsing=True)
    command: click.Command = cli
    for name in path:
        if not isinstance(command, click.Group):
            return None
        sub = command.get_command(ctx, name)
        if sub is None:
            return None
        ctx = sub.make_context(name, [], parent=ctx, resilient_parsing=True)
        command = sub
    return command.get_help(ctx) + "\n"


def main(argv: Sequence[str] | None = None, *, help_for: Sequence[str] | None = None) -> None:
    """Entry point: the only place that calls ``sys.exit``. ``help_for``: the command path
    of a plain help request (`woaport.entry` found it not cached): rendered, kept, printed."""
    if help_for is not None:
        text = render_help(help_for)
        if text is not None:
            from woaport.entry import store_help

            store_help(tuple(help_for), text)
            sys.stdout.write(text)
            sys.exit(0)
    try:
        code = cli.main(args=argv, prog_name="woaport", standalone_mode=False)
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.ClickException as exc:
        exc.show()
        code = exc.exit_code
    except click.Abort:
        click.echo("woaport: aborted", err=True)
        code = EXIT_INTERRUPTED
    except WoaportError as exc:
        click.echo(f"woaport: error: {one_line(exc.message)}", err=True)
        code = exc.exit_code
    except KeyboardInterrupt:
        click.echo("woaport: interrupted", err=True)
        code = EXIT_INTERRUPTED
    sys.exit(code if isinstance(code, int) else 0)


__all__ = ["EXIT_BAD_INPUT", "cli", "main"]
