"""The view of ``woaport diagnose``'s result: the cause, the lines, the fix."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from woaport.diagnose import Diagnosis, catalog
from woaport.views.base import Annotation, Line


@dataclass(frozen=True)
class DiagnoseView:
    diagnosis: Diagnosis

    def to_json(self) -> dict[str, Any]:
        return self.diagnosis.to_json()

    def text_lines(self) -> Iterator[Line]:
        d = self.diagnosis
        if not d.matches:
            yield Line(
                text=f"{d.source}: no known failure signature in {d.lines_read} lines",
                style="warning",
            )
            for line in d.tail:
                yield Line(text=f"  | {line}", style="dim")
            return
        descriptions = catalog()[0]
        yield Line(text=f"{d.source}: {d.cause}: {descriptions.get(d.cause, '')}", style="error")
        for match in d.matches:
            s = match.signature
            yield Line(text=f"  [{s.cause}] {s.id} ({match.count} line(s))", style="heading")
            for number, text in match.lines:
                yield Line(text=f"    {number}: {text}", style="dim")
            yield Line(text=f"    why: {s.explanation}")
            yield Line(text=f"    fix: {s.fix}")

    def markdown(self) -> str:
        d = self.diagnosis
        if not d.matches:
            return "\n".join(
                ["### woaport diagnose: unknown cause", "", "Last lines:", "", *fenced(d.tail)]
            )
        return "\n".join([f"### woaport diagnose: `{d.cause}`", "", *match_rows(d)])

    def annotations(self) -> Iterator[Annotation]:
        for m in self.diagnosis.matches:
            yield Annotation(
                level="error",
                title=f"{m.signature.cause}: {m.signature.id}",
                message=f"{m.signature.explanation} Fix: {m.signature.fix}",
            )


def fenced(lines: Sequence[str]) -> list[str]:
    """Untrusted log lines as a Markdown code block that no line in them can close early."""
    longest = max((len(run) for line in lines for run in re.findall(r"`+", line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence, *lines, fence]


def match_rows(d: Diagnosis) -> list[str]:
    """A Markdown table of the matched signatures: cause, signature, first line, fix."""
    rows = ["| cause | signature | first line | fix |", "| --- | --- | --- | --- |"]
    for m in d.matches:
        # untrusted log text in inline code: no backtick closes it, no pipe ends the cell
        first = m.lines[0][1].replace("`", "'").replace("|", "\\|") if m.lines else ""
        rows.append(f"| {m.signature.cause} | `{m.signature.id}` | `{first}` | {m.signature.fix} |")
    return rows
