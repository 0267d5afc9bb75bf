"""How `woaport port start` and `woaport upstream` results read: terminal lines and the pull
request body (Markdown). Text that comes from documents (device ids, reasons, file names)
is escaped before it goes into Markdown."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from woaport.portstart import PortStart, StepStatus
from woaport.upstream import RUNNER, Evidence, PatchResult, Strategy
from woaport.views.base import Line, Plain, Style

MARK = {StepStatus.DONE: "done", StepStatus.UNCHANGED: "unchanged", StepStatus.PLANNED: "planned"}
STEP_STYLE: dict[StepStatus, Style] = {
    StepStatus.DONE: "ok",
    StepStatus.UNCHANGED: "dim",
    StepStatus.PLANNED: "warning",
}

WHY = {
    Strategy.MATRIX_OS: f"adds `{RUNNER}` to the runners the wheel job's matrix already lists; "
    "cibuildwheel builds the runner's native architecture (ARM64) there",
    Strategy.MATRIX_ENTRY: "adds one matrix entry, a copy of the Windows x64 one for "
    f"`{RUNNER}` (ARM64 runner, architecture and target)",
    Strategy.DYNAMIC_MATRIX: "adds the Windows ARM64 build identifiers to the generated "
    f"matrix, built on `{RUNNER}`",
    Strategy.NEW_JOB: f"adds one job that builds the wheels on `{RUNNER}`, with the actions "
    "this workflow already pins",
    Strategy.NEW_WORKFLOW: f"adds a small workflow that builds the wheels on `{RUNNER}`",
    Strategy.ALREADY: f"nothing: the workflow already has a `{RUNNER}` lane",
}


def port_start_lines(result: PortStart) -> list[tuple[str, Style]]:
    """(text, style) lines for the terminal."""
    head = f"{result.package}: {result.upstream} -> {result.fork} (branch {result.branch})"
    lines: list[tuple[str, Style]] = [(head + (" [dry run]" if result.dry_run else ""), "heading")]
    for step in result.steps:
        style = STEP_STYLE[step.status]
        lines.append((f"  {step.action:<10} {MARK[step.status]:<10} {step.detail}", style))
    if any(s.action == "inventory" and s.status == StepStatus.PLANNED for s in result.steps):
        lines.append(("", ""))
        lines += [(line, "") for line in result.inventory_yaml.splitlines()]
    if result.dry_run:
        lines.append(("nothing was changed (dry run)", ""))
    elif not result.changed:
        lines.append(("nothing to do: the port is set up already", "ok"))
    else:
        lines.append((f"next: watch the woaport workflow run in {result.fork}", ""))
    return lines


def patch_lines(result: PatchResult) -> list[tuple[str, Style]]:
    lines: list[tuple[str, Style]] = [(f"{result.path.as_posix()}: {result.strategy}", "heading")]
    if not result.changed:
        lines += [(f"  {note}", "ok") for note in result.notes]
        return lines
    for line in result.diff().splitlines():
        added = line.startswith("+") and not line.startswith("+++")
        lines.append((line, "ok" if added else ""))
    lines += [(f"note: {note}", "warning") for note in result.notes]
    for check in result.validations:
        lines.append(
            (
                f"{check.tool}: {'ok' if check.ok else 'FAILED'} {check.detail}".rstrip(),
                "ok" if check.ok else "error",
            )
        )
    return lines


@dataclass(frozen=True)
class PortStartView(Plain):
    result: PortStart

    def to_json(self) -> dict[str, Any]:
        return self.result.to_json()

    def text_lines(self) -> Iterator[Line]:
        for text, style in port_start_lines(self.result):
            yield Line(text=text, style=style)


@dataclass(frozen=True)
class PatchView(Plain):
    result: PatchResult

    def to_json(self) -> dict[str, Any]:
        return self.result.to_json()

    def text_lines(self) -> Iterator[Line]:
        for text, style in patch_lines(self.result):
            yield Line(text=text, style=style)


@dataclass(frozen=True)
class PullRequestView(Plain):
    """``upstream pr-body --json``: the title, the body and the evidence behind it."""

    evidence: Evidence

    def to_json(self) -> dict[str, Any]:
        return {
            "title": pr_title(self.evidence),
            "body": pr_body(self.evidence),
            **self.evidence.to_json(),
        }

    def text_lines(self) -> Iterator[Line]:
        yield Line(text=pr_body(self.evidence))


def md(text: str) -> str:
    """Untrusted text as inline Markdown: no HTML, no table breaks, no mentions, one line."""
    text = re.sub(r"[\r\n]+", " ", text)
    text = re.sub(r"([\\`*_{}\[\]<>|#!@~])", r"\\\1", text)
    return text[:300]


def prose(text: str) -> str:
    """Text that may keep its `code spans`, with no HTML, mention or table break in it."""
    text = re.sub(r"[\r\n]+", " ", text)
    return re.sub(r"([<>|@\\])", r"\\\1", text)[:500]


def code(text: str) -> str:
    """Untrusted text inside a code span: no backtick to close it early, one line."""
    return re.sub(r"[\r\n]+", " ", text).replace("`", "'")[:300]


def pr_title(evidence: Evidence) -> str:
    return f"Build native Windows on Arm (win_arm64) wheels on {RUNNER}"


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"


def pr_body(evidence: Evidence) -> str:
    """The pull request text: what changes and why, the evidence, and how to test it."""
    out: list[str] = []
    pkg = md(evidence.package)
    name = re.sub(r"[^A-Za-z0-9._-]", "", evidence.package)
    out.append(
        f"This adds a Windows on Arm lane to {pkg}'s wheel workflow, so that releases can "
        f"ship native `win_arm64` wheels built and tested on GitHub's `{RUNNER}` runner "
        "(free for public repositories)."
    )
    out += ["", "## What changes, and why", ""]
    patch = evidence.patch
    if patch is not None and patch.changed:
        out.append(f"`{code(patch.path)}`: {WHY[patch.strategy]}.")
        out += ["", "```diff", patch.diff.rstrip("\n").replace("```", "`\u200b``"), "```"]
        if patch.notes:
            out += ["", "To review:"] + [f"- {prose(n)}" for n in patch.notes]
    else:
        out.append(f"One `{RUNNER}` lane in the wheel workflow; no source change was needed.")

    out += ["", "## Evidence", ""]
    where = md(evidence.repository) if evidence.repository else "a fork"
    run = f"[this CI run]({evidence.run_url})" if evidence.run_url else "CI"
    commit = f" at `{code(evidence.commit[:12])}`" if evidence.commit else ""
    out.append(
        f"The same lane ran in {where}{commit}: {run} built {pkg} {md(evidence.version)}, "
        f"checked the wheels' native payload, and ran the smoke contract "
        f"`{code(evidence.contract_id)}` against each exact file."
    )
    out += ["", "| wheel | size | sha256 |", "| --- | --- | --- |"]
    for a in evidence.artifacts:
        if a.role == "under-test":
            out.append(f"| `{code(a.filename)}` | {_size(a.size)} | `{code(a.sha256[:16])}…` |")
    out.append("")
    payload = {
        "pass": "**ok**, every native image loads on ARM64 (machine, Python DLL, dependencies)",
        "fail": "**problems found**: see the run's job summary",
    }.get(evidence.payload or "", "not recorded")
    out.append(f"- Payload (`woaport inspect`): {payload}")
    out.append(f"- Contract in CI ({RUNNER}): **{md(evidence.ci_verdict)}**")
    for step in evidence.ci_steps:
        out.append(
            f"  - `{code(step.step_id)}` ({md(step.kind)}): {md(step.status)}, {step.seconds:.2f} s"
        )
    if evidence.devices:
        out += [
            "",
            "The files CI tested (same sha256) were then run through the same contract on real "
            "Windows on Arm devices:",
            "",
            "| device | CPU | Windows build | native | verdict |",
            "| --- | --- | --- | --- | --- |",
        ]
        for d in evidence.devices:
            native = {True: "no (emulated)", False: "yes", None: "unknown"}[d.emulated]
            verdict = f"**{md(d.verdict)}**" + (f" ({md(d.reason)})" if d.reason else "")
            out.append(
                f"| {md(d.device_id)} | {md(d.cpu or '?')} | {d.os_build or '?'} | {native} | {verdict} |"
            )
    else:
        out += ["", "No device has run the contract yet; CI's run is the evidence so far."]
    if evidence.speeds:
        out += [
            "",
            "Native against emulated (the x64 wheel under Windows' x64 emulation on the same "
            "device), median of the contract's benchmark steps:",
            "",
            "| benchmark | native ARM64 | x64 emulated | speed-up |",
            "| --- | --- | --- | --- |",
        ]
        for s in evidence.speeds:
            out.append(
                f"| `{code(s.step_id)}` | {s.native * 1e3:.3f} ms | {s.emulated * 1e3:.3f} ms | "
                f"{s.ratio:.1f}x |"
            )

    out += [
        "",
        f"## How to test it on `{RUNNER}`",
        "",
        f"1. Run the wheel workflow on this branch (the `{RUNNER}` job), and download its wheels.",
        "2. On a Windows on Arm machine with an ARM64 Python (not an x64 one under emulation):",
        "",
        "   ```console",
        '   > py -c "import platform, sys; print(platform.machine(), sys.version)"   # ARM64',
        f"   > py -m pip install --no-index --find-links dist {name}",
        f'   > py -c "import {re.sub(r"[^A-Za-z0-9_]", "_", evidence.package)}"',
        "   ```",
        "3. Optionally, check the payload and run the same smoke contract with "
        "[woaport](https://pypi.org/project/woaport/): `woaport inspect dist/*.whl`, then "
        "`woaport contract run --contract CONTRACT.yml --wheel WHEEL --mode device`.",
        "",
        f"<sub>Prepared with woaport; contract sha256 `{code(evidence.contract_sha256[:16])}…`.</sub>",
    ]
    return "\n".join(out) + "\n"
