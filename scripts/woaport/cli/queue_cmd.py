"""``woaport queue``: publish artifacts for devices, and see what is queued.

(Not ``queue.py``: that name belongs to the standard library.)
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from woaport import contract as contracts
from woaport import devicequeue
from woaport.errors import BadInput
from woaport.report import Annotation, Line, Reporter

QUEUE_HELP = "dir:PATH (a folder) or github:OWNER/REPO (releases of that repository)."


@click.group()
def queue() -> None:
    """The device queue: CI publishes wheels + a manifest; laptops poll and report back."""


@queue.command()
@click.option(
    "--queue",
    "queue_url",
    required=True,
    envvar="WOAPORT_QUEUE",
    help=QUEUE_HELP + " [env var: WOAPORT_QUEUE]",
)
@click.option(
    "--contract",
    "contract_path",
    required=True,
    type=click.Path(path_type=Path),
    help="The contract CI ran.",
)
@click.option("--id", "smoke_test_id", help="Which contract, when the file holds several.")
@click.option(
    "--stage",
    "staged",
    multiple=True,
    type=click.Path(path_type=Path),
    help="A staged wheel the contract needs (repeatable).",
)
@click.option(
    "--ci-report",
    type=click.Path(path_type=Path, dir_okay=False),
    help="CI's `contract run --report` JSON; its verdict goes into the manifest.",
)
@click.option(
    "--inspect-report",
    type=click.Path(path_type=Path, dir_okay=False),
    help="`woaport inspect --json` output for the wheels; its verdict goes into the manifest.",
)
@click.option(
    "--json",
    "json_output",
    is_flag=True,
    help="Print the manifest and the item's location as JSON.",
)
@click.argument("wheels", nargs=-1, required=True, type=click.Path(path_type=Path))
def publish(
    queue_url: str,
    contract_path: Path,
    smoke_test_id: str | None,
    staged: tuple[Path, ...],
    ci_report: Path | None,
    inspect_report: Path | None,
    json_output: bool,
    wheels: tuple[Path, ...],
) -> int:
    """Queue WHEELS (the exact files CI tested) for validation on devices.

    The manifest records each file's size and sha256, embeds the contract (and its
    sha256) so a device runs exactly what CI ran, CI's verdict, and where the files were
    built (GITHUB_REPOSITORY, GITHUB_SHA, GITHUB_RUN_ID ... on Actions). Publishing the
    same files and contract again changes nothing.

    \b
    Examples:
      woaport queue publish --queue dir:/srv/woa-queue --contract contracts/orjson.yml dist/*.whl
      woaport queue publish --queue github:me/orjson --contract contracts/orjson.yml \\
          --ci-report report.json dist/orjson-3.13.0-cp312-cp312-win_arm64.whl
    """
    chosen = contracts.load(contract_path, smoke_test_id)
    report_data = None
    verdict = "unknown"
    if ci_report is not None:
        try:
            report_data = json.loads(ci_report.read_text(encoding="utf-8"))
            verdict = str(report_data["verdict"])
        except (OSError, ValueError, KeyError) as exc:
            raise BadInput(
                f"--ci-report {ci_report}: not a woaport contract report ({exc})"
            ) from None
        if report_data.get("contract", {}).get("sha256") != chosen.sha256:
            raise BadInput(
                f"--ci-report {ci_report} is for another contract (sha256 differs); pass the report of this run"
            )
    payload = None
    if inspect_report is not None:
        try:
            payload = (
                "ok" if json.loads(inspect_report.read_text(encoding="utf-8"))["ok"] else "fail"
            )
        except (OSError, ValueError, KeyError) as exc:
            raise BadInput(
                f"--inspect-report {inspect_report}: not `woaport inspect --json` output ({exc})"
            ) from None
    manifest = devicequeue.build_manifest(
        chosen,
        list(wheels),
        staged=list(staged),
        ci_verdict=verdict,
        ci_report=report_data,
        payload=payload,
    )
    backend = devicequeue.open_queue(queue_url)
    files = {
        a["filename"]: p
        for a in manifest["artifacts"]
        for p in [*wheels, *staged]
        if p.name == a["filename"]
    }
    try:
        location = backend.publish(manifest, files)
    finally:
        backend.close()
    reporter = Reporter(json_output=json_output)
    reporter.emit(_Published(manifest=manifest, location=location))
    return 0


@dataclass(kw_only=True)
class _Published:
    manifest: dict[str, Any]
    location: str

    def to_json(self) -> dict[str, Any]:
        return {
            "item_id": self.manifest["item_id"],
            "location": self.location,
            "manifest": self.manifest,
        }

    def text_lines(self) -> Iterator[Line]:
        yield Line(text=f"queued {self.manifest['item_id']} at {self.location}", style="ok")
        for a in self.manifest["artifacts"]:
            yield Line(text=f"  {a['role']:<10} {a['filename']}  sha256 {a['sha256'][:16]}")

    def markdown(self) -> str:
        return (
            f"### woaport queue\n\nQueued `{self.manifest['item_id']}` for devices: {self.location}"
        )

    def annotations(self) -> Iterator[Annotation]:
        return iter(())


@dataclass(kw_only=True)
class _Listing:
    url: str
    rows: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        return {"queue": self.url, "items": self.rows}

    def text_lines(self) -> Iterator[Line]:
        if not self.rows:
            yield Line(text=f"{self.url}: empty", style="dim")
        for row in self.rows:
            results = ", ".join(f"{d}" for d in row["devices"]) or "no device yet"
            yield Line(
                text=f"{row['item_id']}  {row['package']} {row['version']}  CI {row['ci_verdict']}  devices: {results}"
            )

    def markdown(self) -> str:
        lines = ["| item | package | CI | devices |", "| --- | --- | --- | --- |"]
        lines += [
            f"| {r['item_id']} | {r['package']} {r['version']} | {r['ci_verdict']} | {', '.join(r['devices'])} |"
            for r in self.rows
        ]
        return "\n".join(lines)

    def annotations(self) -> Iterator[Annotation]:
        return iter(())


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
    """List the queue's items and which devices have reported on each."""
    backend = devicequeue.open_queue(queue_url)
    try:
        items = backend.items()
    finally:
        backend.close()
    rows = [
        {
            "item_id": item.item_id,
            "package": item.manifest.get("package"),
            "version": item.manifest.get("version"),
            "ci_verdict": item.manifest.get("ci", {}).get("verdict"),
            "devices": sorted(item.results),
        }
        for item in items
    ]
    Reporter(json_output=json_output).emit(_Listing(url=queue_url, rows=rows))
    return 0
