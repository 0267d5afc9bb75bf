"""Views of contract results: a run's report, and the validation of contract files."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from woaport.contract import Validation
from woaport.documents.contract_report import ContractReport, StepStatus
from woaport.documents.verdicts import Verdict
from woaport.views.base import Annotation, Line, Style, md_code, md_text

STEP_STYLE: dict[StepStatus, Style] = {StepStatus.PASSED: "ok", StepStatus.SKIPPED: "dim"}


def environment_line(report: ContractReport) -> str:
    e = report.environment
    if e.error:
        return f"environment unknown ({e.error})"
    emulated = {True: "EMULATED", False: "native", None: "emulation unknown"}[e.emulated]
    build = f" build {e.os_build}" if e.os_build else ""
    python = e.python.version if e.python else "?"
    platform = e.python.sysconfig_platform if e.python else "?"
    return (
        f"on {e.os} {e.os_release}{build}, {e.interpreter_machine} python {python} "
        f"({platform}, {emulated}), CPU {e.cpu or 'unknown'}"
    )


@dataclass(frozen=True)
class ContractReportView:
    report: ContractReport

    def to_json(self) -> dict[str, Any]:
        return self.report.to_json()

    def text_lines(self) -> Iterator[Line]:
        r = self.report
        c = r.contract
        yield Line(
            text=f"contract {c.smoke_test_id} (sha256 {c.sha256[:12]}) in {r.mode} mode",
            style="heading",
        )
        for a in r.artifacts:
            yield Line(text=f"  {a.role:<10} {a.filename}  sha256 {a.sha256[:16]}")
        if r.environment.os or r.environment.error:
            yield Line(
                text=f"  {environment_line(r)}",
                style="warning" if r.environment.emulated else "",
            )
        ok = r.install.ok
        yield Line(
            text=f"  install ({r.installer}): {'ok' if ok else 'FAILED'} "
            f"{r.install.duration_seconds:.1f}s",
            style="" if ok else "error",
        )
        if not ok and r.install.output:
            for line in r.install.output.strip().splitlines()[-15:]:
                yield Line(text=f"      | {line}", style="dim")
        if r.verification is not None:
            v = r.verification
            yield Line(text=f"  verified: {v.summary}", style="" if v.ok else "error")
            for problem in v.problems[:10]:
                yield Line(text=f"      | {problem}", style="error")
        for s in r.steps:
            bench = f"  median {s.benchmark.median * 1e3:.3f} ms" if s.benchmark else ""
            yield Line(
                text=f"  {s.status.upper():<8} {s.step_id:<36} {s.duration_seconds:6.2f}s  "
                f"{s.detail}{bench}",
                style=STEP_STYLE.get(s.status, "error"),
            )
            if not s.status.ok and s.output_tail:
                for line in s.output_tail.rstrip().splitlines()[-20:]:
                    yield Line(text=f"      | {line}", style="dim")
        yield Line(
            text=f"verdict: {r.verdict.upper()}",
            style="ok" if r.verdict is Verdict.PASS else "error",
        )

    def markdown(self) -> str:
        r = self.report
        icon = ":white_check_mark:" if r.verdict is Verdict.PASS else ":x:"
        verified = r.verification.summary if r.verification else "not checked"
        rows = [
            f"### {icon} woaport contract {md_code(r.contract.smoke_test_id)} ({r.mode})",
            "",
            "| artifact | sha256 |",
            "| --- | --- |",
            *[f"| {md_code(a.filename)} | `{a.sha256[:16]}…` |" for a in r.artifacts],
            "",
            f"Environment: {md_text(environment_line(r))}; installer: {r.installer}; "
            f"install: {'ok' if r.install.ok else 'failed'}; verified: {md_text(verified)}",
            "",
            "| step | kind | status | seconds | detail |",
            "| --- | --- | --- | --- | --- |",
        ]
        for s in r.steps:
            rows.append(
                f"| {md_code(s.step_id)} | {s.kind} | {s.status} | {s.duration_seconds:.2f} "
                f"| {md_text(s.detail)} |"
            )
        return "\n".join(rows)

    def annotations(self) -> Iterator[Annotation]:
        r = self.report
        title = f"contract {r.contract.smoke_test_id}"
        if not r.install.ok:
            yield Annotation(level="error", title=title, message="installing the artifact failed")
        elif r.verification is not None and not r.verification.ok:
            yield Annotation(level="error", title=title, message=r.verification.summary)
        for s in r.steps:
            if not s.status.ok:
                last = s.output_tail.strip().splitlines()[-1:] or [""]
                yield Annotation(
                    level="error",
                    file=r.contract.source or None,
                    title=f"{title}: step {s.step_id} {s.status}",
                    message=f"{s.detail}. {last[0]}".strip(),
                )


@dataclass(frozen=True)
class ValidationView:
    result: Validation

    def to_json(self) -> dict[str, Any]:
        return self.result.to_json()

    def text_lines(self) -> Iterator[Line]:
        for file, problems in self.result.files.items():
            if not problems:
                count = self.result.counts.get(file, 0)
                yield Line(text=f"{file}: ok ({count} contract(s))", style="ok")
            for problem in problems:
                yield Line(text=str(problem), style="error")

    def markdown(self) -> str:
        bad = [md_text(p) for problems in self.result.files.values() for p in problems]
        if not bad:
            return f"### woaport contract validate: {len(self.result.files)} file(s) ok"
        return "### woaport contract validate\n\n" + "\n".join(f"- {b}" for b in bad)

    def annotations(self) -> Iterator[Annotation]:
        for file, problems in self.result.files.items():
            for p in problems:
                yield Annotation(
                    level="error",
                    file=file,
                    title=f"contract {p.path}",
                    message=f"{p.message} (fix: {p.hint})" if p.hint else p.message,
                )
