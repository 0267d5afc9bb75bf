"""Benchmark: the device fleet at scale, 1,000 forks and 5 devices, against the fake GitHub
(and a fake package index) answering every request after 50 ms.

    .venv/bin/python bench/fleet.py [--forks N] [--devices D] [--latency S] [--new N,...]

Each fork has a passed port run and a queued item; devices.yml registers the devices, each
with its own outbox and a token that may write there only. Devices already validated every
item (their state files say so), so their polls are idle. Counted by the fake GitHub:

* requests per idle device poll subscribed to the hub (target: 1), against the same poll of
  every fork's queue directly (``github:`` queues: one conditional request per fork);
* requests per controller refresh that collects N new results (devices write them to
  their outboxes through the contents API first): the fleet's requests (the hub's index,
  the outboxes' listings, the new results, the index's update) should grow with devices +
  N, not with forks. The refresh also re-reads every fork's latest run and queue (about
  two conditional requests per fork, answered 304): that scan predates the fleet and is
  printed apart.
"""

# ruff: noqa: I001  (_common must be imported first: it fixes sys.path for this folder)
from __future__ import annotations

import _common  # (also puts tests/ on sys.path)

import argparse
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import yaml
from fakegithub import EPOCH, Asset, Release, iso, serve as serve_github
from fakeindex import serve as serve_index
from fleetkit import HUB, Device, add_device, add_hub

from woaport.controller import UpdateRequest, update
from woaport.device import Poller
from woaport.devicequeue import github as queue_github
from woaport.devicequeue.hub import INDEX_BRANCH, INDEX_PATH
from woaport.devicequeue.outbox import Outbox, result_path
from woaport.documents.device_result import RESULT_VERSION, DeviceResult
from woaport.documents.fleet import HubIndex
from woaport.documents.manifest import Manifest
from woaport.documents.verdicts import Verdict
from woaport.github import GitHub
from woaport.settings import resolve_config

TARGET_IDLE = 1


def populate(github: Any, index: Any, forks: int) -> list[tuple[str, str]]:
    """``forks`` forks of as many owners, each with a passed run and a queued item; the
    index offers each package as an sdist only (so each one needs porting)."""
    listed = []
    for i in range(forks):
        name, repo = f"pkg{i:04d}", f"owner{i:04d}/pkg{i:04d}"
        index.add(name, {f"{name}-1.0.tar.gz": b"s"})
        fake = github.add_repo(repo)
        sha = f"{i:040x}"
        github.add_run(repo, "woaport.yml", branch="woaport", sha=sha, conclusion="success")
        manifest = Manifest.from_json(_common.queued_item(name, i, repo, sha, iso(EPOCH)))
        release = Release(
            id=github.next_id(),
            tag_name=queue_github.TAG_PREFIX + manifest.item_id,
            name=name,
            body=queue_github.release_body(manifest),
            prerelease=True,
            created_at=iso(EPOCH),
        )
        release.assets = [
            Asset(github.next_id(), "manifest.json", "application/json", b"{}"),
            Asset(github.next_id(), manifest.artifacts[0].filename, "application/zip", b"w"),
        ]
        release.assets[0].data = json.dumps(manifest.to_json()).encode()
        fake.releases.append(release)
        listed.append((name, repo))
    return listed


def done_state(state: Path, device: Device, keys: list[str]) -> None:
    """The device's state file as a device that validated every item leaves it."""
    state.mkdir(parents=True, exist_ok=True)
    items = {f"{device.id}@{k}": {"status": "done", "attempts": 1} for k in keys}
    (state / "state.json").write_text(json.dumps({"version": 1, "items": items}))


def poll_requests(github: Any, device: Device, state: Path, queues: list[str]) -> int:
    """One `device poll` as ``device``; the API requests it made."""
    os.environ["WOAPORT_TOKEN"] = device.token
    config = resolve_config(
        {
            "queues": queues,
            "outbox": device.outbox,
            "device_id": device.id,
            "state_dir": state,
            "allow": ["*/*"],
            "provenance": "off",
        },
        {},
    )
    before = sum(github.hits.values())
    summary = Poller(config, log=lambda m: None).poll()
    if summary.queue_errors or summary.validated:
        raise SystemExit(f"{device.id}: not an idle poll: {summary.to_json()}")
    return sum(github.hits.values()) - before


def publish_results(github: Any, devices: list[Device], count: int, offset: int) -> None:
    """``count`` new results, spread over the devices, written as a device writes them."""
    index = HubIndex.from_json(json.loads(github.files(HUB, INDEX_BRANCH)[INDEX_PATH]))
    items = index.items[offset : offset + count]
    for n, listed in enumerate(items):
        device = devices[n % len(devices)]
        client = GitHub(api_url=github.api_url, token=device.token)
        result = DeviceResult(
            result_version=RESULT_VERSION,
            device_id=device.id,
            item_id=listed.item_id,
            package=listed.package,
            version=listed.version,
            manifest_sha256=listed.manifest_sha256,
            artifacts=listed.artifacts,
            verdict=Verdict.PASS,
            reason="",
            report=None,
            finished=iso(EPOCH),
            woaport_version="0",
        )
        Outbox(device.outbox, client).write(
            result_path(device.id, listed.item_id),
            json.dumps(result.to_json()).encode(),
            message=f"woaport: {device.id} pass {listed.item_id}",
            replace=False,
        )


def fleet_hits(hits: Counter[str], before: Counter[str], devices: list[Device]) -> int:
    """Requests of the fleet's part: the hub's index and the outboxes."""
    places = [f"/repos/{HUB}/contents/", f"/repos/{HUB}/git/"] + [
        f"/repos/{d.outbox}/" for d in devices
    ]
    return sum(n - before.get(k, 0) for k, n in hits.items() if any(p in k for p in places))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forks", type=int, default=1000)
    parser.add_argument("--devices", type=int, default=5)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--new", default="0,10,50", help="New results per refresh, in turn.")
    parser.add_argument(
        "--direct-sample",
        type=int,
        default=100,
        help="How many forks' queues the direct poll reads (each opens its own client).",
    )
    args = parser.parse_args()
    news = [int(n) for n in args.new.split(",")]
    devices = [
        Device(id=f"dev{d}", owner=f"laptop{d}", outbox=f"laptop{d}/outbox", token=f"tok{d}")
        for d in range(args.devices)
    ]
    began = time.perf_counter()
    ok = True
    with serve_github() as github, serve_index() as index, tempfile.TemporaryDirectory() as tmp:
        add_hub(github)
        for device in devices:
            add_device(github, device)
        listed = populate(github, index, args.forks)
        folder = Path(tmp) / "inventory"
        folder.mkdir()
        (folder / "packages.yml").write_text(
            yaml.safe_dump(
                {
                    "defaults": {"branch": "woaport"},
                    "packages": [{"name": n, "fork": {"repo": r}} for n, r in listed],
                }
            )
        )
        (folder / "devices.yml").write_text(
            yaml.safe_dump({"hub": HUB, "devices": [d.registration() for d in devices]})
        )
        github.latency = index.state.latency = args.latency
        os.environ["GITHUB_API_URL"] = github.api_url
        os.environ.pop("GITHUB_TOKEN", None)

        def refresh() -> Any:
            request = UpdateRequest(
                inventory=folder, index_url=index.url, workers=args.workers, top=0
            )
            return update(
                request,
                github_factory=lambda c: GitHub(
                    api_url=github.api_url, token=github.token, cache=c
                ),
            )

        start = time.perf_counter()
        cold = refresh()
        print(
            f"{args.forks} forks of {args.forks} owners, {args.devices} devices, "
            f"{args.latency * 1000:.0f} ms per request; cold refresh: {cold.requests} requests "
            f"in {time.perf_counter() - start:.1f} s, {len(cold.errors)} errors"
        )
        ok &= not cold.errors
        index_doc = HubIndex.from_json(json.loads(github.files(HUB, INDEX_BRANCH)[INDEX_PATH]))
        item_ids = [i.item_id for i in index_doc.items]

        states = {d.id: Path(tmp) / "state" / d.id for d in devices}
        idle = []
        for device in devices:
            done_state(states[device.id], device, [f"hub:{HUB}#{i}" for i in item_ids])
            first = poll_requests(github, device, states[device.id], [f"hub:{HUB}"])
            idle.append(poll_requests(github, device, states[device.id], [f"hub:{HUB}"]))
        verdict = "ok" if max(idle) <= TARGET_IDLE else "MISSED"
        print(
            f"device poll subscribed to the hub: first {first} requests (the index, the "
            f"heartbeat), then idle: {idle} requests per poll (target {TARGET_IDLE}) {verdict}"
        )
        ok &= max(idle) <= TARGET_IDLE
        direct = devices[0]
        direct_state = Path(tmp) / "state" / "direct"
        sample = listed[: args.direct_sample]
        queues = [f"github:{r}" for _, r in sample]
        done_state(
            direct_state,
            direct,
            [f"github:{r}#{i}" for (_, r), i in zip(sample, item_ids, strict=False)],
        )
        poll_requests(github, direct, direct_state, queues)  # fills its ETag cache
        start = time.perf_counter()
        direct_idle = poll_requests(github, direct, direct_state, queues)
        print(
            f"  the same idle poll of {len(sample)} forks' queues directly (github: queues, "
            f"as before the hub): {direct_idle} requests ({time.perf_counter() - start:.0f} s)"
        )

        offset = 0
        for count in news:
            publish_results(github, devices, count, offset)
            offset += count
            before = Counter(github.hits)
            start = time.perf_counter()
            result = refresh()
            elapsed = time.perf_counter() - start
            fleet = fleet_hits(github.hits, before, devices)
            total = sum(github.hits.values()) - sum(before.values())
            # the index read, one listing per device, one read per new result (and, the
            # first time, per heartbeat), the index's update
            bound = 1 + args.devices + count + args.devices + 1
            verdict = "ok" if fleet <= bound else "MISSED"
            print(
                f"refresh collecting {count} new result(s): fleet {fleet} requests "
                f"(bound 1 + {args.devices} devices + {count} new + {args.devices} heartbeats "
                f"+ 1 = {bound}) {verdict}; forks' scan {total - fleet} requests "
                f"({result.not_modified} answered 304); {elapsed:.1f} s; "
                f"{len(result.errors)} errors"
            )
            ok &= fleet <= bound and not result.errors
        status = json.loads((folder / "status.json").read_text())["packages"]
        validated = sum(e["state"] == "device-validated" for e in status.values())
        print(f"device-validated packages: {validated} (of {sum(news)} results written)")
        ok &= validated == sum(news)
    print(f"bench/fleet.py: {time.perf_counter() - began:.0f} s in all", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
