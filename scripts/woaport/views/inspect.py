"""The view of ``woaport inspect``'s result (also embedded by ``woaport check``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from woaport.payload import InspectResult, WheelReport
from woaport.views.base import Annotation, Level, Line, Style, md_code, md_text


def _machine_summary(report: WheelReport) -> str:
    counts: dict[str, int] = defaultdict(int)
    for pe in report.pe_files:
        counts[str(pe.image.machine)] += 1
    if not counts:
        return "no PE images"
    machines = ", ".join(f"{m} x{n}" for m, n in sorted(counts.items()))
    return f"{len(report.pe_files)} PE images: {machines}"


@dataclass(frozen=True)
class InspectView:
    result: InspectResult

    def to_json(self) -> dict[str, Any]:
        return self.result.to_json()

    def text_lines(self) -> Iterator[Line]:
        for report in self.result.reports:
            if report.error:
                yield Line(text=f"{report.filename}: UNREADABLE: {report.error}", style="error")
                continue
            failed = self.result.failed(report)
            verdict = "FAIL" if failed else "ok"
            style: Style = "error" if failed else "ok"
            tags = ", ".join(sorted(str(t) for t in report.name.tags)) if report.name else ""
            yield Line(
                text=f"{report.filename}: {verdict} ({tags}; {_machine_summary(report)})",
                style=style,
            )
            for finding in report.findings:
                if finding.severity == "info" and not self.result.verbose:
                    continue
                where = f"{finding.file}: " if finding.file else ""
                yield Line(
                    text=f"  {finding.severity:<7} {finding.code:<22} {where}{finding.message}",
                    style="dim" if finding.severity == "info" else finding.severity,
                )
                if finding.hint and finding.severity != "info":
                    yield Line(text=f"  {'':<7} {'':<22} fix: {finding.hint}", style="dim")
            if self.result.verbose:
                for pe in report.pe_files:
                    py = ", ".join(pe.python_dlls) or "-"
                    yield Line(
                        text=f"  {pe.image.machine!s:<8} {pe.path}  python: {py}  "
                        f"imports: {', '.join(pe.image.all_imports) or '-'}",
                        style="dim",
                    )

    def markdown(self) -> str:
        rows = ["### woaport inspect", "", "| wheel | verdict | payload | errors | warnings |"]
        rows.append("| --- | --- | --- | --- | --- |")
        details = []
        for r in self.result.reports:
            if r.error:
                rows.append(f"| {md_code(r.filename)} | :x: unreadable | {md_text(r.error)} | | |")
                continue
            errors = sum(f.severity == "error" for f in r.findings)
            warnings = sum(f.severity == "warning" for f in r.findings)
            verdict = ":x: fail" if self.result.failed(r) else ":white_check_mark: ok"
            rows.append(
                f"| {md_code(r.filename)} | {verdict} | {_machine_summary(r)} | {errors} | {warnings} |"
            )
            for f in r.findings:
                if f.severity != "info":
                    details.append(
                        f"| {md_code(r.filename)} | {f.severity} | `{f.code}` | {md_code(f.file or '')} "
                        f"| {md_text(f.message)} | {md_text(f.hint)} |"
                    )
        if details:
            rows += ["", "| wheel | severity | code | file | finding | fix |"]
            rows += ["| --- | --- | --- | --- | --- | --- |", *details]
        return "\n".join(rows)

    def annotations(self) -> Iterator[Annotation]:
        for r in self.result.reports:
            if r.error:
                yield Annotation(
                    level="error", message=r.error, file=r.path, title="unreadable wheel"
                )
                continue
            for f in r.findings:
                if f.severity == "info":
                    continue
                level: Level = "error" if f.severity == "error" else "warning"
                where = f" ({f.file})" if f.file else ""
                yield Annotation(
                    level=level,
                    file=r.path,
                    title=f"{f.code}: {r.filename}",
                    message=f"{f.message}{where}. Fix: {f.hint}",
                )
