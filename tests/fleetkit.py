"""Helpers for the device fleet's tests and benchmark: a hub, forks of several owners with
queued items, devices with outboxes and tokens of their own, all on the fake GitHub."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from cext import build_pure_wheel
from woaport.artifacts import classify
from woaport.contract import from_dict
from woaport.devicequeue import QueueURL
from woaport.devicequeue.github import GitHubQueue, release_body
from woaport.devicequeue.manifest import build_manifest
from woaport.documents.manifest import CISummary, Manifest, Provenance
from woaport.documents.verdicts import Verdict
from woaport.github import GitHub

HUB = "hub/woaport"


@dataclasses.dataclass(frozen=True)
class Device:
    id: str
    owner: str
    outbox: str
    token: str
    hardware: str = "Surface Pro 11 (Snapdragon X Elite, 16 GB)"
    schedule: str = "1d"

    def registration(self) -> dict[str, str]:
        return {
            "id": self.id,
            "owner": self.owner,
            "outbox": self.outbox,
            "hardware": self.hardware,
            "schedule": self.schedule,
        }


def add_hub(github: Any) -> None:
    """The hub repository; the fake's default token is the hub's (its App installation
    may write there)."""
    github.orgs.add(HUB.split("/")[0])
    github.add_repo(HUB)
    github.seed_git(HUB, {"README.md": "the hub\n"})


def add_device(github: Any, device: Device) -> None:
    """The device's outbox (an empty repository of its owner) and its token, which may
    write that repository and nothing else."""
    if device.outbox not in github.repos:
        github.add_repo(device.outbox)
    github.add_token(device.token, device.owner, {device.outbox})


def contract_for(package: str, code: str | None = None) -> dict[str, Any]:
    module = package.replace("-", "_")
    step: dict[str, Any] = (
        {"step_id": "s", "kind": "python_code", "code": code}
        if code
        else {"step_id": "s", "kind": "import_module", "module": module}
    )
    return {"smoke_test_id": package, "package": package, "steps": [step]}


def manifest_for(
    repo: str, package: str, wheels: Path, *, sha: str, code: str | None = None
) -> tuple[Manifest, Path]:
    wheel = build_pure_wheel(wheels / repo.replace("/", "_"), package.replace("-", "_"))
    contract = from_dict(contract_for(package, code))
    manifest = dataclasses.replace(
        build_manifest(
            contract,
            classify(contract, [wheel]),
            payload=Verdict.PASS,
            provenance=Provenance(repository=repo, commit=sha),
        ),
        ci=CISummary(verdict=Verdict.PASS, payload=Verdict.PASS),
    )
    return manifest, wheel


def add_fork(
    github: Any, repo: str, package: str, wheels: Path, *, code: str | None = None
) -> Manifest:
    """A fork whose port run passed and queued its wheel (as port.yml does, with the
    fork's own token: here the fake's default one)."""
    github.add_repo(repo)
    sha = (package.encode().hex() * 40)[:40]
    github.add_run(repo, "woaport.yml", branch="woaport", sha=sha, conclusion="success")
    manifest, wheel = manifest_for(repo, package, wheels, sha=sha, code=code)
    queue = GitHubQueue(
        QueueURL("github", repo), GitHub(api_url=github.api_url, token=github.token)
    )
    queue.publish(manifest, {wheel.name: wheel})
    return manifest


def add_fork_directly(github: Any, repo: str, manifest: Manifest, wheel: bytes) -> None:
    """The state ``add_fork`` leaves, written into the fake without requests (for the
    benchmark's thousand forks)."""
    from fakegithub import Asset, Release

    fake_repo = github.add_repo(repo)
    github.add_run(
        repo, "woaport.yml", branch="woaport", sha=manifest.provenance.commit, conclusion="success"
    )
    (artifact,) = manifest.artifacts
    release = Release(
        id=github.next_id(),
        tag_name=f"woaport-queue-{manifest.item_id}",
        name=f"woaport queue: {manifest.package} {manifest.version}",
        body=release_body(manifest),
        prerelease=True,
        created_at=github.tick(),
        assets=[
            Asset(github.next_id(), artifact.filename, "application/zip", wheel),
            Asset(
                github.next_id(),
                "manifest.json",
                "application/json",
                json.dumps(manifest.to_json(), indent=2).encode(),
            ),
        ],
    )
    fake_repo.releases.append(release)


def write_inventory(
    folder: Path, forks: Iterable[tuple[str, str]], devices: Iterable[Device], hub: str = HUB
) -> None:
    """packages.yml listing each (package, fork) and devices.yml registering ``devices``."""
    folder.mkdir(parents=True, exist_ok=True)
    packages = [{"name": name, "fork": {"repo": repo}} for name, repo in forks]
    (folder / "packages.yml").write_text(
        yaml.safe_dump({"defaults": {"branch": "woaport"}, "packages": packages}, sort_keys=False)
    )
    (folder / "devices.yml").write_text(
        yaml.safe_dump(
            {"hub": hub, "devices": [d.registration() for d in devices]}, sort_keys=False
        )
    )


def poll_args(state: Path, device: Device, *extra: str, hub: str = HUB) -> list[str]:
    """``woaport device poll`` subscribed to the hub (provenance off: nothing here can sign
    wheels the way port.yml does; the gate is tested in test_provenance.py)."""
    return [
        "device",
        "poll",
        "--once",
        "--json",
        "--queue",
        f"hub:{hub}",
        "--outbox",
        device.outbox,
        "--state-dir",
        str(state),
        "--device-id",
        device.id,
        "--allow",
        "*/*",
        "--retry-base",
        "0s",
        "--provenance",
        "off",
        *extra,
    ]


def outbox_results(github: Any, device: Device) -> dict[str, dict[str, Any]]:
    """The results in ``device``'s outbox, by item id."""
    prefix = f"woaport/results/{device.id}/"
    return {
        path[len(prefix) : -len(".json")]: json.loads(data)
        for path, data in github.files(device.outbox).items()
        if path.startswith(prefix)
    }


def commits_touching(github: Any, repo: str, needle: str) -> int:
    """How many commits of ``repo`` carry ``needle`` in their message."""
    return sum(needle in c["message"] for c in github.repos[repo].commits.values())
