"""One reporter for every command: plain text in a terminal, JSON with ``--json``, and on
GitHub Actions also ``::error``/``::warning`` annotations plus a Markdown job summary.

Commands build a result object that knows how to show itself (:class:`Reportable`); the
reporter decides where each form goes. Progress and chatter go to stderr so that stdout
stays parseable.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol, TextIO

import click

Level = Literal["error", "warning", "notice"]
Style = Literal["ok", "error", "warning", "dim", "heading", ""]


@dataclass(frozen=True, kw_only=True)
class Annotation:
    level: Level
    message: str
    file: str | None = None
    title: str | None = None


@dataclass(frozen=True, kw_only=True)
class Line:
    """A line of terminal text with an optional emphasis."""

    text: str
    style: Style = ""


class Reportable(Protocol):
    def to_json(self) -> dict[str, Any]: ...

    def text_lines(self) -> Iterable[Line]: ...

    def markdown(self) -> str: ...

    def annotations(self) -> Iterable[Annotation]: ...


class Plain:
    """For results that add nothing to a job summary and raise no annotation."""

    def markdown(self) -> str:
        return ""

    def annotations(self) -> Iterator[Annotation]:
        return iter(())


_STYLES: dict[str, dict[str, Any]] = {
    "ok": {"fg": "green"},
    "error": {"fg": "red", "bold": True},
    "warning": {"fg": "yellow"},
    "dim": {"dim": True},
    "heading": {"bold": True},
    "": {},
}


def on_github_actions() -> bool:
    return os.environ.get("GITHUB_ACTIONS") == "true"


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def workflow_command(annotation: Annotation) -> str:
    """The ``::error file=…,title=…::message`` line GitHub Actions turns into an annotation."""
    props = []
    if annotation.file:
        props.append(f"file={_escape_property(annotation.file)}")
    if annotation.title:
        props.append(f"title={_escape_property(annotation.title)}")
    head = f"::{annotation.level}"
    if props:
        head += " " + ",".join(props)
    return f"{head}::{_escape_data(annotation.message)}"


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
        self.github = on_github_actions() if github is None else github
        self._out = out
        self._err = err

    @property
    def out(self) -> TextIO:
        return self._out or sys.stdout

    @property
    def err(self) -> TextIO:
        return self._err or sys.stderr

    def emit(self, result: Reportable) -> None:
        if self.json_output:
            self.out.write(json.dumps(result.to_json(), indent=2, sort_keys=False) + "\n")
        else:
            for line in result.text_lines():
                click.echo(click.style(line.text, **_STYLES[line.style]), file=self.out)
        if self.github:
            if not self.json_output:
                # Workflow commands are read from stdout; with --json, stdout is the JSON only.
                for annotation in result.annotations():
                    click.echo(workflow_command(annotation), file=self.out)
            self.step_summary(result.markdown())

    def step_summary(self, markdown: str) -> None:
        path = os.environ.get("GITHUB_STEP_SUMMARY")
        if not path or not markdown:
            return
        with Path(path).open("a", encoding="utf-8") as fh:
            fh.write(markdown.rstrip("\n") + "\n\n")

    def outputs(self, values: dict[str, str]) -> None:
        """Step outputs for GitHub Actions (``$GITHUB_OUTPUT``); nothing elsewhere.

        Multi-line values use the ``name<<DELIMITER`` form, with a delimiter that cannot
        occur in the value."""
        path = os.environ.get("GITHUB_OUTPUT")
        if not path:
            return
        with Path(path).open("a", encoding="utf-8") as fh:
            for name, value in values.items():
                if "\n" in value or "\r" in value:
                    delimiter = f"woaport_{os.urandom(8).hex()}"
                    fh.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
                else:
                    fh.write(f"{name}={value}\n")

    def info(self, message: str) -> None:
        """Progress and status: stderr, never mixed into the machine-readable output."""
        click.echo(message, file=self.err)
