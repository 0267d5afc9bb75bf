"""``woaport diagnose``: which known cause does this failing log show?"""

from __future__ import annotations

from typing import Any

import click

from woaport.cli.reporter import Reporter
from woaport.diagnose import diagnose, iter_text
from woaport.errors import BadInput
from woaport.views.diagnose import DiagnoseView


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
    Reporter(json_output=json_output).emit(DiagnoseView(result))
    return result.exit_code
