"""``woaport diagnose``: which known cause does this failing log show?"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import click

from woaport.cli.reporter import Reporter
from woaport.diagnose import Diagnosis, catalog, diagnose, iter_text
from woaport.errors import BadInput
from woaport.views.base import Annotation, Line


@dataclass(kw_only=True)
class _Result:
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


@click.command(name="diagnose")
@click.argument("log", type=click.File("rb"))
@click.option("--json", "json_output", is_flag=True, help="Print one JSON document on stdout.")
@click.option(
    "--package",
    metavar="NAME",
    default=None,
    help="The project the log builds: pip building its own wheel is not a dependency gap.",
)
def diagnose_cmd(log: Any, json_output: bool, package: str | None) -> int:
    """Classify a build or test LOG (a file, or - for stdin) into the known causes of
    Windows-on-Arm porting failures, with the matching lines and the fix for each.

    Causes: no-woa-lane, build-environment, build-config, wrong-payload, dependency-gap,
    validation-plumbing, source-port (else: unknown). GitHub Actions timestamps and colour
    codes are ignored, console-wrapped lines are joined, and translated MSVC messages are
    matched by their codes. An error line always outranks context (such as pip building a
    wheel). Exit 1 when a known failure signature is found, 0 when none is.

    \b
    Examples:
      woaport diagnose build.log
      woaport diagnose --package pywin32 build.log
      gh run view 123 --log-failed | woaport diagnose -
    """
    try:
        data = log.read()
    except OSError as exc:
        raise BadInput(f"{log.name}: cannot be read ({exc})") from None
    source = "stdin" if log.name == "<stdin>" else log.name
    result = diagnose(iter_text(data), source=source, package=package)
    Reporter(json_output=json_output).emit(_Result(diagnosis=result))
    return result.exit_code
