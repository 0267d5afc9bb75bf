"""The shapes every view produces, and the escaping untrusted text needs on its way out."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal, Protocol

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


class View(Protocol):
    """What the reporter needs of a result: its JSON, its lines, its Markdown, its annotations."""

    def to_json(self) -> dict[str, Any]: ...

    def text_lines(self) -> Iterable[Line]: ...

    def markdown(self) -> str: ...

    def annotations(self) -> Iterable[Annotation]: ...


class Plain:
    """For views that add nothing to a job summary and raise no annotation."""

    def markdown(self) -> str:
        return ""

    def annotations(self) -> Iterator[Annotation]:
        return iter(())


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def workflow_command(annotation: Annotation) -> str:
    """The ``::error file=…,title=…::message`` line GitHub Actions turns into an annotation.

    Every part is escaped as the runner expects (``%``, CR, LF; and ``:``/``,`` in
    properties), so a message cannot end the command early or start another one."""
    props = []
    if annotation.file:
        props.append(f"file={_escape_property(annotation.file)}")
    if annotation.title:
        props.append(f"title={_escape_property(annotation.title)}")
    head = f"::{annotation.level}"
    if props:
        head += " " + ",".join(props)
    return f"{head}::{_escape_data(annotation.message)}"


_CELL_SPECIAL = re.compile(r"[|\\`*_<>\[\]#]")


def md_text(value: object, limit: int = 300) -> str:
    """Untrusted text made inert inside Markdown (a table cell, a list item): one line,
    bounded, with Markdown and HTML punctuation escaped."""
    text = " ".join(str(value).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return _CELL_SPECIAL.sub(lambda m: "\\" + m[0], text)


def md_code(value: object, limit: int = 300) -> str:
    """Untrusted text as inline code: backticks cannot close it early."""
    text = " ".join(str(value).split())[:limit].replace("`", "'").replace("|", "/")
    return f"`{text}`"
