"""One reporter for every command: plain text in a terminal, JSON with ``--json``, and on
GitHub Actions also ``::error``/``::warning`` annotations plus a Markdown job summary.

Commands build a view of their result (:mod:`woaport.views`); the reporter decides where
each form goes. Progress and chatter go to stderr so that stdout stays parseable.

On GitHub Actions, every line that shows something a stranger wrote (a wheel's member
names, a log, a contract's output) could hold a workflow command (``::add-mask::``,
``::error``). The reporter therefore prints text between ``::stop-commands::TOKEN`` and
``::TOKEN::`` (GitHub's documented way to print untrusted text without it being read as a
command), with a token nobody can guess, and writes its own annotations outside that
block. Progress on stderr is read for commands too, so it goes through the same guard.
"""

from __future__ import annotations

import json
import secrets
import sys
from collections.abc import Iterable
from typing import Any, TextIO

import click

from woaport.actionsenv import ActionsEnv
from woaport.views.base import View, workflow_command

_STYLES: dict[str, dict[str, Any]] = {
    "ok": {"fg": "green"},
    "error": {"fg": "red", "bold": True},
    "warning": {"fg": "yellow"},
    "dim": {"dim": True},
    "heading": {"bold": True},
    "": {},
}


class Reporter:
    def __init__(
        self,
        *,
        json_output: bool = False,
        github: bool | None = None,
        out: TextIO | None = None,
        err: TextIO | None = None,
    ) -> None:
        self.json_output = json_output
        self.github = ActionsEnv.from_environ().on_actions if github is None else github
        self._out = out
        self._err = err

    @property
    def out(self) -> TextIO:
        return self._out or sys.stdout

    @property
    def err(self) -> TextIO:
        return self._err or sys.stderr

    def _guarded(self, lines: Iterable[str], stream: TextIO) -> None:
        """Lines printed so that GitHub Actions reads no workflow command in them."""
        if not self.github:
            for text in lines:
                click.echo(text, file=stream)
            return
        token = secrets.token_hex(16)
        click.echo(f"::stop-commands::{token}", file=stream)
        try:
            for text in lines:
                click.echo(text, file=stream)
        finally:
            click.echo(f"::{token}::", file=stream)

    def emit(self, view: View) -> None:
        if self.json_output:
            self.out.write(json.dumps(view.to_json(), indent=2, sort_keys=False) + "\n")
        else:
            self._guarded(
                (click.style(line.text, **_STYLES[line.style]) for line in view.text_lines()),
                self.out,
            )
        if self.github:
            if not self.json_output:
                # Workflow commands are read from stdout; with --json, stdout is the JSON only.
                for annotation in view.annotations():
                    click.echo(workflow_command(annotation), file=self.out)
            self.step_summary(view.markdown())

    def step_summary(self, markdown: str) -> None:
        path = ActionsEnv.from_environ().step_summary
        if path is None or not markdown:
            return
        with path.open("a", encoding="utf-8") as fh:
            fh.write(markdown.rstrip("\n") + "\n\n")

    def outputs(self, values: dict[str, str]) -> None:
        """Step outputs for GitHub Actions (``$GITHUB_OUTPUT``); nothing elsewhere.

        Multi-line values use the ``name<<DELIMITER`` form, with a delimiter that cannot
        occur in the value."""
        path = ActionsEnv.from_environ().output
        if path is None:
            return
        with path.open("a", encoding="utf-8") as fh:
            for name, value in values.items():
                if "\n" in value or "\r" in value:
                    delimiter = f"woaport_{secrets.token_hex(8)}"
                    fh.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
                else:
                    fh.write(f"{name}={value}\n")

    def info(self, message: str) -> None:
        """Progress and status: stderr, never mixed into the machine-readable output."""
        if self.github:
            # One line at a time: make a line that looks like a command inert.
            message = "\n".join(
                ("\u2060" + line) if line.lstrip().startswith("::") else line
                for line in message.splitlines() or [""]
            )
        click.echo(message, file=self.err)
