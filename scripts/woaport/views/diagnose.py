"""The view of ``woaport diagnose``'s result: the cause, the lines, the fix."""

from __future__ import annotations

import re
from collections.abc import Iterator
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
            tail = "\n".join(d.tail)
            fence = _fence(tail)  # log text cannot close the block early
            return f"### woaport diagnose: unknown cause\n\nLast lines:\n\n{fence}\n{tail}\n{fence}"
        rows = [
            f"### woaport diagnose: `{d.cause}`",
            "",
            "| cause | signature | first line | fix |",
            "| --- | --- | --- | --- |",
        ]
        for m in d.matches:
            # untrusted log text in inline code: no backtick closes it, no pipe ends the cell
            first = m.lines[0][1].replace("`", "'").replace("|", "\\|") if m.lines else ""
            rows.append(
                f"| {m.signature.cause} | `{m.signature.id}` | `{first}` | {m.signature.fix} |"
            )
        return "\n".join(rows)

    def annotations(self) -> Iterator[Annotation]:
        for m in self.diagnosis.matches:
            yield Annotation(
                level="error",
                title=f"{m.signature.cause}: {m.signature.id}",
                message=f"{m.signature.explanation} Fix: {m.signature.fix}",
            )


def _fence(text: str) -> str:
    """A code fence longer than any run of backticks in ``text``."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)
