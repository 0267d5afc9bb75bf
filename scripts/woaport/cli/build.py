"""``woaport build``: native win_arm64 wheels with cibuildwheel, and a diagnosis on failure."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from woaport.build import (
    BuildPlan,
    parse_overrides,
    parse_pythons,
    run_build,
    select,
    setup_python_version,
)
from woaport.cli.reporter import Reporter
from woaport.diagnose import Diagnosis, diagnose
from woaport.files import sha256_file
from woaport.views.base import Annotation, Line


@dataclass(kw_only=True)
class BuildResult:
    plan: BuildPlan
    identifiers: list[str]
    dry_run: bool
    exit_code: int = 0
    wheels: list[Path] = field(default_factory=list)
    log: Path | None = None
    diagnosis: Diagnosis | None = None
    sha256s: dict[str, str] = field(default_factory=dict)  # wheel file name -> sha256, hashed once

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.exit_code == 0,
            "dry_run": self.dry_run,
            "identifiers": self.identifiers,
            "environment": self.plan.environment(),
            "wheels": [{"path": str(w), "sha256": self.sha256s[w.name]} for w in self.wheels],
            "log": str(self.log) if self.log else None,
            "diagnosis": self.diagnosis.to_json() if self.diagnosis else None,
        }

    def text_lines(self) -> Iterator[Line]:
        if self.dry_run:
            yield Line(text=f"cibuildwheel would build: {' '.join(self.identifiers)}", style="ok")
            for key, value in self.plan.environment().items():
                yield Line(text=f"  {key}={value}", style="dim")
            return
        if self.exit_code == 0:
            yield Line(
                text=f"built {len(self.wheels)} wheel(s) in {self.plan.output_dir}", style="ok"
            )
            for wheel in self.wheels:
                yield Line(text=f"  {wheel.name}")
            return
        yield Line(text=f"the build failed; log: {self.log}", style="error")
        if self.diagnosis:
            yield Line(text=f"  likely cause: {self.diagnosis.summary()}", style="error")
            for match in self.diagnosis.matches[:5]:
                yield Line(text=f"  fix: {match.signature.fix}")

    def markdown(self) -> str:
        if self.dry_run:
            return f"### woaport build (dry run)\n\ncibuildwheel would build: `{' '.join(self.identifiers)}`"
        if self.exit_code == 0:
            rows = [
                "### :white_check_mark: woaport build",
                "",
                "| wheel | sha256 |",
                "| --- | --- |",
            ]
            rows += [f"| `{w.name}` | `{self.sha256s[w.name][:16]}…` |" for w in self.wheels]
            return "\n".join(rows)
        rows = ["### :x: woaport build failed", ""]
        if self.diagnosis and self.diagnosis.matches:
            rows.append(f"**Likely cause:** {self.diagnosis.summary()}")
            rows += ["", "| cause | signature | line | fix |", "| --- | --- | --- | --- |"]
            for m in self.diagnosis.matches:
                first = m.lines[0][1].replace("|", "\\|") if m.lines else ""
                rows.append(
                    f"| {m.signature.cause} | `{m.signature.id}` | `{first}` | {m.signature.fix} |"
                )
        tail = (
            self.diagnosis.tail if self.diagnosis and not self.diagnosis.matches else self._tail()
        )
        rows += ["", "Last lines of the build log:", "", "```", *tail, "```"]
        return "\n".join(rows)

    def _tail(self) -> list[str]:
        if not self.log or not self.log.is_file():
            return []
        return self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-30:]

    def annotations(self) -> Iterator[Annotation]:
        if self.exit_code and self.diagnosis:
            for m in self.diagnosis.matches:
                yield Annotation(
                    level="error",
                    title=f"build failed: {m.signature.cause}",
                    message=f"{m.signature.explanation} Fix: {m.signature.fix}",
                )
            if not self.diagnosis.matches:
                yield Annotation(
                    level="error",
                    title="build failed",
                    message="no known cause in the log; see the job summary for its last lines",
                )


@click.command()
@click.option(
    "--package-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path(),
    show_default=True,
    help="The package to build (pyproject.toml/setup.py).",
)
@click.option(
    "--python",
    "pythons",
    multiple=True,
    help="cp311, 3.12, 3.14t ... (repeatable, or space-separated) [default: every one of "
    "cp311-cp314 cibuildwheel selects for the package; cp314t when the package opts in].",
)
@click.option(
    "--output-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("wheelhouse"),
    show_default=True,
)
@click.option(
    "--env",
    "env_lines",
    multiple=True,
    help="Extra cibuildwheel settings: CIBW_NAME=value (repeatable, or one per line).",
)
@click.option(
    "--log",
    "log_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where the build log goes [default: OUTPUT_DIR/build.log].",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Print what cibuildwheel would build (checked with cibuildwheel itself), build nothing.",
)
@click.option("--json", "json_output", is_flag=True, help="Print one JSON document on stdout.")
def build(
    package_dir: Path,
    pythons: tuple[str, ...],
    output_dir: Path,
    env_lines: tuple[str, ...],
    log_path: Path | None,
    dry_run: bool,
    json_output: bool,
) -> int:
    """Build native win_arm64 wheels with cibuildwheel.

    The target is always ARM64 (CIBW_ARCHS_WINDOWS=ARM64, explicit, so an emulated x64
    interpreter cannot make cibuildwheel build x64 wheels). Without --python, every Python of
    cp311-cp314 that cibuildwheel selects for the package is built (its requires-python and
    its own build/skip settings; free-threaded cp314t only when its cibuildwheel config opts
    in). Pythons given with --python (3.11 and newer: there is no ARM64 Python 3.9/3.10) must
    all be selected, or the build refuses. Either way the selection is checked with
    `cibuildwheel --print-build-identifiers` first. The wheels left in OUTPUT_DIR are the
    repaired ones cibuildwheel ships (delvewheel on Windows, its 4.x default). A failed build's log is diagnosed:
    the likely cause and its fix go to the terminal and the job summary.

    On GitHub Actions the step outputs are `wheels` (JSON list), `wheel-dir`, `pythons`
    (JSON list of setup-python versions, for a test matrix) and `diagnosis`.

    \b
    Examples:
      woaport build --python "cp312 cp313"
      woaport build --dry-run --env CIBW_TEST_COMMAND="python -c 'import mypkg'"
    """
    plan = select(
        BuildPlan(
            package_dir=package_dir,
            output_dir=output_dir,
            pythons=parse_pythons(pythons),
            overrides=parse_overrides(env_lines),
        )
    )
    reporter = Reporter(json_output=json_output)
    identifiers = plan.identifiers
    result = BuildResult(plan=plan, identifiers=identifiers, dry_run=dry_run)
    outputs = {
        "pythons": json.dumps([setup_python_version(p) for p in plan.pythons]),
        "identifiers": " ".join(identifiers),
    }
    if not dry_run:
        result.log = log_path or output_dir / "build.log"
        code, wheels = run_build(plan, result.log, reporter.info)
        result.exit_code = 1 if code else 0
        result.wheels = wheels
        result.sha256s = {w.name: sha256_file(w) for w in wheels}
        if code:
            result.diagnosis = diagnose(
                result.log.read_text(encoding="utf-8", errors="replace").splitlines(),
                source=str(result.log),
            )
        elif not wheels:
            result.exit_code = 1
            result.diagnosis = diagnose(
                ["Error: No wheels were found in wheelhouse; nothing was built"], source="woaport"
            )
        outputs.update(
            wheels=json.dumps([str(w) for w in wheels]),
            sha256s=json.dumps(result.sha256s),
            **{
                "wheel-dir": str(output_dir),
                "diagnosis": result.diagnosis.summary() if result.diagnosis else "",
            },
        )
    reporter.outputs(outputs)
    reporter.emit(result)
    return result.exit_code
