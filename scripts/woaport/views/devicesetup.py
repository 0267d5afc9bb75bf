"""The view of ``woaport device setup``: its plan, or what it did."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from woaport.devicesetup import SelfCheck, SetupResult
from woaport.views.base import Annotation, Line, Plain, Style, md_text


@dataclass(frozen=True, kw_only=True)
class SetupView(Plain):
    result: SetupResult

    def to_json(self) -> dict[str, Any]:
        return self.result.to_json()

    def text_lines(self) -> Iterator[Line]:
        result = self.result
        if result.dry_run:
            yield Line(text="woaport device setup would, in this order:", style="heading")
        for number, step in enumerate(result.steps, 1):
            mark = {None: "    ", True: "ok  ", False: "FAIL"}[step.ok]
            style: Style = "" if step.ok is None else ("ok" if step.ok else "error")
            yield Line(text=f"{mark}  {number}. {step.action}", style=style)
            if step.name == "check" and result.checks is not None:
                for line in SelfCheckView(result.checks).text_lines():
                    yield Line(text="        " + line.text, style=line.style)
        if result.dry_run:
            yield Line(text="The task, as Task Scheduler will get it:", style="heading")
            for text in result.task_xml.splitlines():
                yield Line(text=text, style="dim")


@dataclass(frozen=True)
class SelfCheckView:
    result: SelfCheck

    def to_json(self) -> dict[str, Any]:
        return self.result.to_json()

    def text_lines(self) -> Iterator[Line]:
        for c in self.result.checks:
            yield Line(
                text=f"{'ok  ' if c.ok else 'FAIL'}  {c.name:<22} {c.detail}",
                style="ok" if c.ok else "error",
            )
            if not c.ok and c.fix:
                yield Line(text=f"      {'':<22} fix: {c.fix}", style="dim")

    def markdown(self) -> str:
        rows = ["| check | ok | detail |", "| --- | --- | --- |"]
        rows += [
            f"| {c.name} | {'yes' if c.ok else 'no'} | {md_text(c.detail)} |"
            for c in self.result.checks
        ]
        return "### woaport device self-check\n\n" + "\n".join(rows)

    def annotations(self) -> Iterator[Annotation]:
        for c in self.result.checks:
            if not c.ok:
                yield Annotation(
                    level="error", title=f"self-check {c.name}", message=f"{c.detail}. Fix: {c.fix}"
                )
