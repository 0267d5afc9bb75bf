"""``woaport contract``: validate smoke contracts and run them against an artifact."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from woaport.cli.types import optional_path

# The modules behind each command are imported in its body: `run` starts creating the
# environment (`woaport.venv.workspace`) before it imports the rest, so the two overlap.


def contract_reference(function: Any) -> Any:
    """--contract, --id and --contracts-dir: how a command names the contract to use."""
    options = [
        click.option(
            "--contract",
            "contract_ref",
            required=True,
            help="The contract file, or (with --contracts-dir) a contract id or package name; "
            "empty: the contract for the wheel's package.",
        ),
        click.option("--id", "smoke_test_id", help="Which contract, when the file holds several."),
        click.option(
            "--contracts-dir",
            type=optional_path(file_okay=False),
            help="Where to look a contract id or package name up (the hub's contracts/).",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


@click.group()
def contract() -> None:
    """Smoke contracts: the same test for CI and for the device.

    A contract (contracts/NAME.yml) names the package, its runtime requirements, staged
    wheels, environment variables, and steps: import_module, python_code, command (an argv
    list, never a shell string), pytest and benchmark. `woaport contract schema` prints the
    JSON Schema.
    """


@contract.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "json_output", is_flag=True, help="Print one JSON document on stdout.")
def validate(paths: tuple[Path, ...], json_output: bool) -> int:
    """Check contract files against the schema and the rules a schema cannot say.

    Every problem names the file, the YAML path and the fix. A folder is searched for
    *.yml/*.yaml. Exit 1 when any file has problems.

    \b
    Examples:
      woaport contract validate contracts/
      woaport contract validate contracts/asyncpg.yml --json
    """
    from woaport import contract as contracts
    from woaport.cli.reporter import Reporter
    from woaport.views.contract import ValidationView

    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted([*path.glob("*.yml"), *path.glob("*.yaml")])
        else:
            files.append(path)
    if not files:
        raise click.UsageError("no .yml/.yaml files under the given folders")
    result = contracts.validate_files(files)
    Reporter(json_output=json_output).emit(ValidationView(result))
    return result.exit_code


@contract.command()
def schema() -> None:
    """Print the contract JSON Schema (for editors and check-jsonschema)."""
    from woaport import contract as contracts

    click.echo(json.dumps(contracts.schema(), indent=2))


@contract.command()
@contract_reference
@click.option(
    "--wheel",
    "wheels",
    multiple=True,
    type=click.Path(path_type=Path),
    help="The artifact under test (and extra wheels); repeatable.",
)
@click.option(
    "--wheel-dir",
    type=optional_path(file_okay=False),
    help="Take the wheels this interpreter installs from this folder (a wheelhouse).",
)
@click.option(
    "--stage",
    "stage",
    multiple=True,
    help="Wheels (paths or URLs, space- or line-separated) the contract needs that are not "
    "published; added to its stage.",
)
@click.option(
    "--mode",
    type=click.Choice(["ci", "device"]),
    default="ci",
    show_default=True,
    help="Run the steps meant for this place.",
)
@click.option(
    "--report",
    "report_path",
    type=optional_path(dir_okay=False),
    help="Write the JSON report here too.",
)
@click.option(
    "--python",
    "python",
    default=sys.executable,
    show_default="this interpreter",
    help="Base interpreter for the environment.",
)
@click.option(
    "--installer",
    type=click.Choice(["auto", "uv", "pip"]),
    default="auto",
    show_default=True,
    help="uv is used when available; pip (venv + pip) otherwise.",
)
@click.option(
    "--index-url",
    envvar="WOAPORT_INDEX_URL",
    help="Index for `requires` [env var: WOAPORT_INDEX_URL; default: the installer's].",
)
@click.option("--keep", is_flag=True, help="Keep the temporary environment, logs and step scripts.")
@click.option("--json", "json_output", is_flag=True, help="Print the report as JSON on stdout.")
def run(
    contract_ref: str,
    smoke_test_id: str | None,
    contracts_dir: Path | None,
    wheels: tuple[Path, ...],
    wheel_dir: Path | None,
    stage: tuple[str, ...],
    mode: str,
    report_path: Path | None,
    python: str,
    installer: str,
    index_url: str | None,
    keep: bool,
    json_output: bool,
) -> int:
    """Run a contract against the exact WHEEL in a fresh environment.

    The wheel under test is installed from its file only, never from the index, and checked
    afterwards to be that file (version, origin, RECORD hashes). Steps run from an empty
    folder with an allow-listed environment (what Python needs, plus the contract's own
    variables: no token reaches them); a step past its timeout is killed with its whole
    process tree.

    Exit 0 when every step passed, 1 when one failed, crashed or timed out (or the install
    did), 2 on bad input (including a wheel of another version than the contract names).

    \b
    Examples:
      woaport contract run --contract contracts/asyncpg.yml --wheel dist/asyncpg-*.whl
      woaport contract run --contract contracts/fastparquet.yml --wheel dist/fastparquet-*.whl \\
          --mode device --report result.json
      woaport contract run --contract orjson --contracts-dir contracts --wheel-dir wheelhouse
    """
    from woaport import venv

    if not wheels and wheel_dir is None:
        raise click.UsageError("pass --wheel WHEEL (repeatable) or --wheel-dir FOLDER")
    # The environment is created while the contract is loaded, validated and staged.
    workspace = venv.workspace(base_python=python, installer=installer)
    try:
        from woaport import contract as contracts
        from woaport.cli.reporter import Reporter
        from woaport.runner import RunRequest, run_contract

        chosen = contracts.resolve(
            contract_ref, smoke_test_id, contracts_dir, contracts.package_names(wheels, wheel_dir)
        )
        if wheel_dir is not None:
            wheels = wheels + tuple(contracts.wheels_for_this_python(wheel_dir, chosen.package))
        reporter = Reporter(json_output=json_output)
        request = RunRequest(
            contract=chosen,
            wheels=wheels,
            extra_stage=tuple(
                contracts.StageRef(location=item)
                for value in stage
                for item in value.split()
                if item
            ),
            mode=mode,  # type: ignore[arg-type]
            python=python,
            installer=installer,
            keep=keep,
            index_url=index_url,
        )
    except BaseException:
        workspace.close(keep=False)
        raise
    report = run_contract(request, progress=reporter.info, workspace=workspace)
    from woaport.views.contract import ContractReportView

    if report_path:
        report_path.parent.mkdir(parents=True, exist_ok=True)
        report_path.write_text(json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8")
    reporter.outputs({"verdict": str(report.verdict), "report": str(report_path or "")})
    reporter.emit(ContractReportView(report))
    return report.exit_code
