"""The view of ``woaport inspect``'s report (also embedded by ``woaport check``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from woaport.documents.inspect_report import InspectReport, Severity, WheelInspection
from woaport.documents.verdicts import Verdict
from woaport.views.base import Annotation, Level, Line, Style, md_code, md_text


def _machine_summary(wheel: WheelInspection) -> str:
    counts: dict[str, int] = defaultdict(int)
    for pe in wheel.pe_files:
        counts[str(pe.machine)] += 1
    if not counts:
        return "no PE images"
    machines = ", ".join(f"{m} x{n}" for m, n in sorted(counts.items()))
    return f"{len(wheel.pe_files)} PE images: {machines}"


@dataclass(frozen=True)
class InspectView:
    report: InspectReport
    verbose: bool = False  # info findings and every PE image with its imports

    def to_json(self) -> dict[str, Any]:
        return self.report.to_json()

    def text_lines(self) -> Iterator[Line]:
        for wheel in self.report.wheels:
            if wheel.error:
                # The reader's message starts with the path; the line already names the file.
                error = wheel.error.removeprefix(f"{wheel.wheel}: ")
                yield Line(text=f"{wheel.filename}: UNREADABLE: {error}", style="error")
                continue
            failed = wheel.verdict is not Verdict.PASS
            style: Style = "error" if failed else "ok"
            yield Line(
                text=f"{wheel.filename}: {'FAIL' if failed else 'ok'} "
                f"({', '.join(wheel.tags)}; {_machine_summary(wheel)})",
                style=style,
            )
            for finding in wheel.findings:
                info = finding.severity is Severity.INFO
                if info and not self.verbose:
                    continue
                where = f"{finding.file}: " if finding.file else ""
                shade: Style = (
                    "dim" if info else "error" if finding.severity is Severity.ERROR else "warning"
                )
                yield Line(
                    text=f"  {finding.severity:<7} {finding.code:<22} {where}{finding.message}",
                    style=shade,
                )
                if finding.hint and not info:
                    yield Line(text=f"  {'':<7} {'':<22} fix: {finding.hint}", style="dim")
            if self.verbose:
                for pe in wheel.pe_files:
                    py = ", ".join(pe.python_dlls) or "-"
                    yield Line(
                        text=f"  {pe.machine!s:<8} {pe.path}  python: {py}  "
                        f"imports: {', '.join(pe.all_imports) or '-'}",
                        style="dim",
                    )

    def markdown(self) -> str:
        rows = ["### woaport inspect", "", "| wheel | verdict | payload | errors | warnings |"]
        rows.append("| --- | --- | --- | --- | --- |")
        details = []
        for w in self.report.wheels:
            if w.error:
                rows.append(f"| {md_code(w.filename)} | :x: unreadable | {md_text(w.error)} | | |")
                continue
            errors, warnings = w.count(Severity.ERROR), w.count(Severity.WARNING)
            verdict = ":white_check_mark: ok" if w.verdict is Verdict.PASS else ":x: fail"
            rows.append(
                f"| {md_code(w.filename)} | {verdict} | {_machine_summary(w)} | {errors} | {warnings} |"
            )
            for f in w.findings:
                if f.severity is not Severity.INFO:
                    details.append(
                        f"| {md_code(w.filename)} | {f.severity} | `{f.code}` | {md_code(f.file or '')} "
                        f"| {md_text(f.message)} | {md_text(f.hint)} |"
                    )
        if details:
            rows += ["", "| wheel | severity | code | file | finding | fix |"]
            rows += ["| --- | --- | --- | --- | --- | --- |", *details]
        return "\n".join(rows)

    def annotations(self) -> Iterator[Annotation]:
        for w in self.report.wheels:
            if w.error:
                yield Annotation(
                    level="error", message=w.error, file=w.wheel, title="unreadable wheel"
                )
                continue
            for f in w.findings:
                if f.severity is Severity.INFO:
                    continue
                level: Level = "error" if f.severity is Severity.ERROR else "warning"
                where = f" ({f.file})" if f.file else ""
                yield Annotation(
                    level=level,
                    file=w.wheel,
                    title=f"{f.code}: {w.filename}",
                    message=f"{f.message}{where}. Fix: {f.hint}",
                )
