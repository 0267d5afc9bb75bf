"""``woaport build``: native win_arm64 wheels with cibuildwheel, and a diagnosis on failure."""

from __future__ import annotations

import json
from pathlib import Path

import click

from woaport.build import (
    BuildPlan,
    build_wheels,
    parse_overrides,
    parse_pythons,
    select,
    setup_python_version,
)
from woaport.cli.reporter import Reporter
from woaport.views.build import BuildView


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
    result = build_wheels(
        plan, dry_run=dry_run, log=log_path or output_dir / "build.log", echo=reporter.info
    )
    outputs = {
        "pythons": json.dumps([setup_python_version(p) for p in plan.pythons]),
        "identifiers": " ".join(result.identifiers),
    }
    if not dry_run:
        outputs.update(
            wheels=json.dumps([str(w) for w in result.wheels]),
            sha256s=json.dumps(result.sha256s),
            **{
                "wheel-dir": str(output_dir),
                "diagnosis": result.diagnosis.summary() if result.diagnosis else "",
            },
        )
    reporter.outputs(outputs)
    reporter.emit(BuildView(result))
    return result.exit_code
