"""``woaport queue``: publish artifacts for devices, and see what is queued."""

from __future__ import annotations

import json
from pathlib import Path

import click

from woaport import contract as contracts
from woaport.actionsenv import ActionsEnv
from woaport.artifacts import classify
from woaport.bounded import read_json
from woaport.cli.contract import contract_reference
from woaport.cli.reporter import Reporter
from woaport.cli.types import optional_path
from woaport.devicequeue import QueueURL, open_queue
from woaport.devicequeue.manifest import build_manifest
from woaport.documents.contract_report import ContractReport
from woaport.documents.verdicts import Verdict
from woaport.errors import BadInput
from woaport.views.queue import ListingView, PublishedManyView, PublishedView

QUEUE_HELP = "dir:PATH (a folder) or github:OWNER/REPO (releases of that repository)."


@click.group()
def queue() -> None:
    """The device queue: CI publishes wheels + a manifest; laptops poll and report back."""


@queue.command()
@click.option(
    "--queue",
    "queue_url",
    envvar="WOAPORT_QUEUE",
    help=QUEUE_HELP + " [env var: WOAPORT_QUEUE; default on Actions: github:$GITHUB_REPOSITORY]",
)
@contract_reference
@click.option(
    "--stage",
    "staged",
    multiple=True,
    type=click.Path(path_type=Path),
    help="A staged wheel the contract needs (repeatable).",
)
@click.option(
    "--ci-report",
    type=optional_path(dir_okay=False),
    help="CI's `contract run --report` JSON; its verdict goes into the manifest.",
)
@click.option(
    "--reports-dir",
    type=optional_path(file_okay=False),
    help="CI reports (`contract run --report`), matched to each wheel by its sha256.",
)
@click.option(
    "--wheel-dir",
    type=optional_path(file_okay=False),
    help="Publish every wheel of the package in this folder, one queue item each.",
)
@click.option(
    "--inspect-report",
    type=optional_path(dir_okay=False),
    help="`woaport inspect --json` output for the wheels; its verdict goes into the manifest.",
)
@click.option(
    "--attestation",
    type=optional_path(dir_okay=False),
    help="The Sigstore bundle attesting the wheels' build provenance "
    "(actions/attest-build-provenance); queued beside each wheel for devices to verify.",
)
@click.option(
    "--json",
    "json_output",
    is_flag=True,
    help="Print the manifest and the item's location as JSON.",
)
@click.argument("wheels", nargs=-1, type=click.Path(path_type=Path))
def publish(
    queue_url: str,
    contract_ref: str,
    smoke_test_id: str | None,
    contracts_dir: Path | None,
    staged: tuple[Path, ...],
    ci_report: Path | None,
    reports_dir: Path | None,
    inspect_report: Path | None,
    wheel_dir: Path | None,
    attestation: Path | None,
    json_output: bool,
    wheels: tuple[Path, ...],
) -> int:
    """Queue WHEELS (the exact files CI tested) for validation on devices.

    The manifest records each file's size and sha256, embeds the contract (and its
    sha256) so a device runs exactly what CI ran, CI's verdict and the payload verdict,
    and where the files were built (GITHUB_REPOSITORY, GITHUB_SHA, GITHUB_RUN_ID ... on
    Actions). Publishing the same files and contract again changes nothing.

    With --wheel-dir, every wheel of the package in the folder becomes its own item, each
    with the CI report (from --reports-dir) whose run tested that exact file.

    \b
    Examples:
      woaport queue publish --queue dir:/srv/woa-queue --contract contracts/orjson.yml dist/*.whl
      woaport queue publish --queue github:me/orjson --contract contracts/orjson.yml \\
          --ci-report report.json dist/orjson-3.13.0-cp312-cp312-win_arm64.whl
      woaport queue publish --queue github:me/orjson --contract orjson --contracts-dir contracts \\
          --wheel-dir wheelhouse --reports-dir reports --inspect-report inspect.json
    """
    if not queue_url:
        repository = ActionsEnv.from_environ().repository
        if not repository:
            raise click.UsageError(
                "pass --queue dir:PATH or github:OWNER/REPO (or set WOAPORT_QUEUE)"
            )
        queue_url = f"github:{repository}"
    url = QueueURL.parse(queue_url)
    chosen = contracts.resolve(
        contract_ref, smoke_test_id, contracts_dir, contracts.package_names(wheels, wheel_dir)
    )
    if bool(wheels) == bool(wheel_dir):
        raise click.UsageError("pass WHEELS or --wheel-dir, one of them")
    for path in [*wheels, *staged, *([attestation] if attestation else [])]:
        if not path.is_file():
            raise BadInput(f"{path}: no such file; pass the built .whl files")
    reports = [_read_ci_report(ci_report, chosen)] if ci_report else []
    if reports_dir is not None:
        reports += [_read_ci_report(path, chosen) for path in sorted(reports_dir.rglob("*.json"))]
    payloads = _read_inspect_report(inspect_report) if inspect_report else {}
    groups: list[list[Path]]
    if wheel_dir is not None:
        own = [w for w in sorted(wheel_dir.glob("*.whl")) if _is_package(w, chosen.package)]
        if not own:
            raise BadInput(f"--wheel-dir {wheel_dir}: no wheel of {chosen.package} in it")
        groups = [[w] for w in own]
    else:
        groups = [list(wheels)]
    published = []
    backend = open_queue(url)
    try:
        for group in groups:
            artifacts = classify(chosen, group, staged)
            digests = {a.sha256 for a in artifacts}
            report = next(
                (r for r in reports if digests & {a.sha256 for a in r.artifacts}),
                reports[0] if len(reports) == 1 and wheel_dir is None else None,
            )
            verdicts = [payloads[a.filename] for a in artifacts if a.filename in payloads]
            manifest = build_manifest(
                chosen,
                artifacts,
                ci_report=report,
                payload=Verdict.worst(verdicts),
                attested=attestation is not None,
            )
            files = {a.filename: a.path for a in artifacts}
            if attestation is not None:
                files |= {a.attestation: attestation for a in manifest.artifacts if a.attestation}
            published.append(
                PublishedView(manifest=manifest, location=backend.publish(manifest, files))
            )
    finally:
        backend.close()
    reporter = Reporter(json_output=json_output)
    reporter.outputs(
        {
            "items": json.dumps([p.manifest.item_id for p in published]),
            "locations": json.dumps([p.location for p in published]),
        }
    )
    reporter.emit(published[0] if len(published) == 1 else PublishedManyView(items=published))
    return 0


def _is_package(wheel: Path, package: str) -> bool:
    from packaging.utils import canonicalize_name

    from woaport.wheelfile import parse_wheel_name

    return canonicalize_name(parse_wheel_name(wheel).name) == canonicalize_name(package)


def _read_ci_report(path: Path, chosen: contracts.Contract) -> ContractReport:
    data = read_json(path, f"CI report {path}", error=BadInput)
    report = ContractReport.from_json(data, f"CI report {path}")
    if report.contract.sha256 != chosen.sha256:
        raise BadInput(
            f"CI report {path} is for another contract (sha256 differs); pass the report of this run"
        )
    return report


def _read_inspect_report(path: Path) -> dict[str, Verdict]:
    """filename -> payload verdict from `woaport inspect --json`/`--report` output."""
    from woaport.documents.inspect_report import InspectReport

    doc = read_json(path, f"--inspect-report {path}", error=BadInput)
    return InspectReport.from_json(doc, f"--inspect-report {path}").verdicts()


@queue.command(name="list")
@click.option(
    "--queue",
    "queue_url",
    required=True,
    envvar="WOAPORT_QUEUE",
    help=QUEUE_HELP + " [env var: WOAPORT_QUEUE]",
)
@click.option("--json", "json_output", is_flag=True, help="Print one JSON document on stdout.")
def list_items(queue_url: str, json_output: bool) -> int:
    """List the queue's items and which devices have reported on each.

    Exit 1 when some items could not be read (they are named on stderr and skipped).

    \b
    Examples:
      woaport queue list --queue github:me/orjson
      woaport queue list --queue dir:/srv/woa-queue --json
    """
    url = QueueURL.parse(queue_url)
    backend = open_queue(url)
    try:
        listing = backend.items()
    finally:
        backend.close()
    reporter = Reporter(json_output=json_output)
    for problem in listing.skipped:
        reporter.info(f"skipped: {problem}")
    reporter.emit(ListingView(url=url, listing=listing))
    return 1 if listing.skipped else 0
