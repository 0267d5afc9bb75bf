"""The view of ``woaport build``'s result: the wheels, or the likely cause of the failure."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from woaport.build import BuildResult
from woaport.views.base import Annotation, Line, md_code
from woaport.views.diagnose import fenced, match_rows


@dataclass(frozen=True)
class BuildView:
    result: BuildResult

    def to_json(self) -> dict[str, Any]:
        return self.result.to_json()

    def text_lines(self) -> Iterator[Line]:
        if self.result.dry_run:
            yield Line(
                text=f"cibuildwheel would build: {' '.join(self.result.identifiers)}", style="ok"
            )
            for key, value in self.result.plan.environment().items():
                yield Line(text=f"  {key}={value}", style="dim")
            return
        if self.result.exit_code == 0:
            yield Line(
                text=f"built {len(self.result.wheels)} wheel(s) in {self.result.plan.output_dir}",
                style="ok",
            )
            for wheel in self.result.wheels:
                yield Line(text=f"  {wheel.name}")
            return
        yield Line(text=f"the build failed; log: {self.result.log}", style="error")
        if self.result.diagnosis:
            yield Line(text=f"  likely cause: {self.result.diagnosis.summary()}", style="error")
            for match in self.result.diagnosis.matches[:5]:
                yield Line(text=f"  fix: {match.signature.fix}")

    def markdown(self) -> str:
        if self.result.dry_run:
            return f"### woaport build (dry run)\n\ncibuildwheel would build: `{' '.join(self.result.identifiers)}`"
        if self.result.exit_code == 0:
            rows = [
                "### :white_check_mark: woaport build",
                "",
                "| wheel | sha256 |",
                "| --- | --- |",
            ]
            rows += [
                f"| {md_code(w.name)} | `{self.result.sha256s[w.name][:16]}…` |"
                for w in self.result.wheels
            ]
            return "\n".join(rows)
        rows = ["### :x: woaport build failed", ""]
        d = self.result.diagnosis
        if d and d.matches:
            rows += [f"**Likely cause:** {d.summary()}", "", *match_rows(d)]
        tail = d.tail if d and not d.matches else self.result.tail
        rows += ["", "Last lines of the build log:", "", *fenced(tail)]
        return "\n".join(rows)

    def annotations(self) -> Iterator[Annotation]:
        if self.result.exit_code and self.result.diagnosis:
            for m in self.result.diagnosis.matches:
                yield Annotation(
                    level="error",
                    title=f"build failed: {m.signature.cause}",
                    message=f"{m.signature.explanation} Fix: {m.signature.fix}",
                )
            if not self.result.diagnosis.matches:
                yield Annotation(
                    level="error",
                    title="build failed",
                    message="no known cause in the log; see the job summary for its last lines",
                )
