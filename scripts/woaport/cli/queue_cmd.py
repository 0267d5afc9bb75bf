"""``woaport queue``: publish artifacts for devices, and see what is queued.

(Not ``queue.py``: that name belongs to the standard library.)
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from woaport import contract as contracts
from woaport import devicequeue
from woaport.cli.contract import contract_reference
from woaport.cli.types import optional_path
from woaport.errors import BadInput
from woaport.http import sha256_file
from woaport.report import Annotation, Line, Plain, Reporter

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
        repository = os.environ.get("GITHUB_REPOSITORY")
        if not repository:
            raise click.UsageError(
                "pass --queue dir:PATH or github:OWNER/REPO (or set WOAPORT_QUEUE)"
            )
        queue_url = f"github:{repository}"
    chosen = contracts.resolve(
        contract_ref, smoke_test_id, contracts_dir, contracts.package_names(wheels, wheel_dir)
    )
    if bool(wheels) == bool(wheel_dir):
        raise click.UsageError("pass WHEELS or --wheel-dir, one of them")
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
    backend = devicequeue.open_queue(queue_url)
    try:
        for group in groups:
            digests = {sha256_file(w) for w in group}
            report = next(
                (r for r in reports if digests & {a.get("sha256") for a in r.get("artifacts", [])}),
                reports[0] if len(reports) == 1 and wheel_dir is None else None,
            )
            names = [w.name for w in group]
            verdicts = [payloads[n] for n in names if n in payloads]
            payload = ("fail" if "fail" in verdicts else "ok") if verdicts else None
            manifest = devicequeue.build_manifest(
                chosen,
                group,
                staged=list(staged),
                ci_verdict=str(report["verdict"]) if report else "unknown",
                ci_report=report,
                payload=payload,
            )
            files = {
                a["filename"]: p
                for a in manifest["artifacts"]
                for p in [*group, *staged]
                if p.name == a["filename"]
            }
            published.append(
                _Published(manifest=manifest, location=backend.publish(manifest, files))
            )
    finally:
        backend.close()
    reporter = Reporter(json_output=json_output)
    reporter.outputs(
        {
            "items": json.dumps([p.to_json()["item_id"] for p in published]),
            "locations": json.dumps([p.location for p in published]),
        }
    )
    result: _Published | _PublishedMany = (
        published[0] if len(published) == 1 else _PublishedMany(items=published)
    )
    reporter.emit(result)
    return 0


def _is_package(wheel: Path, package: str) -> bool:
    from packaging.utils import canonicalize_name

    from woaport.wheelfile import parse_wheel_name

    return canonicalize_name(parse_wheel_name(wheel).name) == canonicalize_name(package)


def _read_ci_report(path: Path, chosen: Any) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        str(data["verdict"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BadInput(f"CI report {path}: not a woaport contract report ({exc})") from None
    if data.get("contract", {}).get("sha256") != chosen.sha256:
        raise BadInput(
            f"CI report {path} is for another contract (sha256 differs); pass the report of this run"
        )
    return data


def _read_inspect_report(path: Path) -> dict[str, str]:
    """filename -> "ok"/"fail" from `woaport inspect --json` output."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        return {w["filename"]: "ok" if w["ok"] else "fail" for w in doc["wheels"]}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BadInput(
            f"--inspect-report {path}: not `woaport inspect --json` output ({exc})"
        ) from None


@dataclass(kw_only=True)
class _PublishedMany(Plain):
    items: list[Any]

    def to_json(self) -> dict[str, Any]:
        return {"items": [i.to_json() for i in self.items]}

    def text_lines(self) -> Iterator[Line]:
        for item in self.items:
            yield from item.text_lines()

    def markdown(self) -> str:
        return "\n\n".join(i.markdown() for i in self.items)

    def annotations(self) -> Iterator[Annotation]:
        return iter(())


@dataclass(kw_only=True)
class _Published(Plain):
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
class _Listing(Plain):
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
