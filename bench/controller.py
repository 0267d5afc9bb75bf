"""Benchmark: `woaport controller update` following the top 5,000 packages against the fake
GitHub and a fake package index, each answering with 50 ms of latency.

    .venv/bin/python bench/controller.py [--packages N] [--latency S] [--workers W]

The fake servers run in a child process, so the controller's own time and memory are what
is measured. 1 in 3 packages has a fork (listed in packages.yml) with a finished port run,
a queue item and a device result; the index holds native, pure and needs-porting releases,
each wheel with its PEP 658 metadata (requiring another package, so the graph is real).

Prints, measured in this one run: the time of a full refresh (target <= 15 s), the share
of a second, unchanged refresh answered by 304s or the memos (target >= 90%), and the
controller's peak memory (target <= 300 MB).
"""

# ruff: noqa: I001  (_common must be imported first: it fixes sys.path for this folder)
from __future__ import annotations

import _common

import argparse
import functools
import json
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import yaml
from fakegithub import EPOCH, Asset, Release, iso, serve as serve_github
from fakeindex import serve as serve_index

from woaport.devicequeue import github as queue_github
from woaport.documents.manifest import Manifest
from woaport.controller import UpdateRequest, github_client, update, usable_cpus

TARGET_SECONDS = 15.0
TARGET_ANSWERED = 0.90
TARGET_MB = 300


def _metadata(name: str, requires: list[str]) -> bytes:
    lines = ["Metadata-Version: 2.1", f"Name: {name}", "Version: 1.0"]
    lines += [f"Requires-Dist: {r}" for r in requires]
    return ("\n".join(lines) + "\n").encode()


def populate(github: Any, index: Any, count: int) -> list[dict[str, object]]:
    """The index and the forks; returns packages.yml's entries (the forks)."""
    listed: list[dict[str, object]] = []
    ids = iter(range(10**6, 10**7))
    for i in range(count):
        name = f"pkg{i:04d}"
        kind = i % 6
        parent = f"pkg{i // 7:04d}"
        requires = [parent, "pytest; extra == 'test'"] if i else []
        if kind == 0:
            wheel = f"{name}-1.0-cp312-cp312-win_arm64.whl"
        elif kind == 1:
            wheel = f"{name}-1.0-py3-none-any.whl"
        elif kind == 5:
            wheel = ""
        else:
            wheel = f"{name}-1.0-cp312-cp312-win_amd64.whl"
        # Distinct bytes per wheel: metadata is remembered by the wheel's sha256.
        index.add(name, {wheel: wheel.encode()} if wheel else {f"{name}-1.0.tar.gz": b"s"})
        if wheel:
            index.state.projects[name].metadata[wheel] = _metadata(name, requires)
        if kind not in (2, 3):
            continue
        repo = f"ports/{name}"
        github.add_repo(repo)
        sha = f"{i:040x}"
        github.add_run(repo, "woaport.yml", branch="woaport", sha=sha, conclusion="success")
        manifest = _common.queued_item(name, i, repo, sha, iso(EPOCH))
        result = {
            "result_version": 1,
            "device_id": "x13s",
            "item_id": manifest["item_id"],
            "package": name,
            "version": "1.0",
            "manifest_sha256": "0" * 64,
            "artifacts": manifest["artifacts"],
            "verdict": "pass",
            "reason": "",
            "report": None,
            "finished": iso(EPOCH),
            "woaport_version": "0",
        }
        release = Release(
            id=next(ids),
            tag_name=queue_github.TAG_PREFIX + str(manifest["item_id"]),
            name=name,
            body=queue_github.release_body(Manifest.from_json(manifest)),
            prerelease=True,
            created_at=iso(EPOCH),
        )
        release.assets = [
            Asset(
                id=next(ids),
                name="manifest.json",
                content_type="application/json",
                data=json.dumps(manifest).encode(),
            ),
            Asset(
                id=next(ids),
                name="result-x13s.json",
                content_type="application/json",
                data=json.dumps(result).encode(),
            ),
        ]
        github.repos[repo].releases.append(release)
        listed.append({"name": name, "fork": {"repo": repo}})
    return listed


def serve_world(count: int, latency: float, conn: Connection) -> None:
    """In the child process: both fake servers, until the parent says stop; asked "cpu",
    answers the CPU seconds the servers have used so far (they share the machine)."""
    with serve_github() as github, serve_index() as index:
        listed = populate(github, index, count)
        github.latency = index.state.latency = latency
        conn.send((github.api_url, github.token, index.url, listed))
        while conn.recv() == "cpu":
            conn.send(_servers_cpu())


def _cpu() -> float:
    """CPU seconds of this process and of its children that have ended (the controller's
    helper processes, joined before update returns; not the fake servers, still running)."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def _servers_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", type=int, default=5000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--workers", type=int, default=64, help="Threads per process.")
    parser.add_argument(
        "--processes",
        type=int,
        default=usable_cpus(4),
        help="Processes collecting facts, the controller's own included (default: one per "
        "core, at most 4, as the command's default).",
    )
    parser.add_argument("--verbose", action="store_true", help="Print the controller's progress.")
    args = parser.parse_args()
    began = time.perf_counter()

    def progress(message: str) -> None:
        if args.verbose:
            print(f"{time.perf_counter() - began:7.2f} {message}", file=sys.stderr, flush=True)

    ours, theirs = multiprocessing.get_context("fork").Pipe()
    child = multiprocessing.get_context("fork").Process(
        target=serve_world, args=(args.packages, args.latency, theirs), daemon=True
    )
    child.start()
    api_url, token, index_url, listed = ours.recv()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "inventory"
            folder.mkdir()
            (folder / "packages.yml").write_text(
                yaml.safe_dump({"defaults": {"branch": "woaport"}, "packages": listed})
            )
            rows = [
                {"project": f"pkg{i:04d}", "download_count": 10**9 - i}
                for i in range(args.packages)
            ]
            (folder / "top-pypi-packages.min.json").write_text(
                json.dumps({"last_update": "2026-11-01 00:00:00", "rows": rows})
            )

            # A factory that pickles: helper processes make their own clients with it.
            factory = functools.partial(github_client, api_url=api_url, token=token)
            request = UpdateRequest(
                inventory=folder,
                index_url=index_url,
                workers=args.workers,
                processes=args.processes,
                top=args.packages,
                top_url=None,
            )

            def servers_cpu() -> float:
                ours.send("cpu")
                return float(ours.recv())

            start, cpu, served = time.perf_counter(), _cpu(), servers_cpu()
            first = update(request, github_factory=factory, progress=progress)
            full, full_cpu = time.perf_counter() - start, _cpu() - cpu
            full_served = servers_cpu() - served
            start, cpu, served = time.perf_counter(), _cpu(), servers_cpu()
            second = update(request, github_factory=factory, progress=progress)
            again, again_cpu = time.perf_counter() - start, _cpu() - cpu
            again_served = servers_cpu() - served
            # The controller's peak plus its helpers' (the largest one's, as each helper
            # tells it), as if they peaked at once.
            # (ru_maxrss of the children would be the fork's image before each exec.)
            own_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            helpers = max(first.helpers, second.helpers)
            helper_mb = max(r.helper_peak_mb or 0.0 for r in (first, second))
            peak_mb = own_mb + helpers * helper_mb
            states: dict[str, int] = {}
            status = json.loads((folder / "status.json").read_text())
            for entry in status["packages"].values():
                states[entry["state"]] = states.get(entry["state"], 0) + 1
    finally:
        ours.send("stop")
        child.join(10)
    share = second.answered_without_download
    print(
        f"{args.packages} packages ({len(listed)} with forks), {args.latency * 1000:.0f} ms "
        f"per request, {args.processes} process(es) of {args.workers} workers; states: {states}"
    )
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} CPUs, load average {load:.1f} during the run")
    ok_full = "ok" if full <= TARGET_SECONDS else "MISSED"
    print(
        f"full refresh: {full:.1f} s ({full_cpu:.1f} s CPU; the fake servers {full_served:.1f} s), "
        f"{first.requests} requests, {len(first.errors)} errors "
        f"(target <= {TARGET_SECONDS} s) {ok_full}"
    )
    ok_answered = "ok" if share >= TARGET_ANSWERED else "MISSED"
    print(
        f"unchanged refresh: {again:.1f} s ({again_cpu:.1f} s CPU; the fake servers "
        f"{again_served:.1f} s), {second.requests} requests, "
        f"{second.not_modified} "
        f"answered 304, {second.remembered} from the memos = {share:.0%} answered without a "
        f"download (target >= {TARGET_ANSWERED:.0%}) {ok_answered}"
    )
    ok_mb = "ok" if peak_mb <= TARGET_MB else "MISSED"
    print(
        f"controller peak memory: {peak_mb:.0f} MB ({own_mb:.0f} MB + {helpers} helper "
        f"process(es) of at most {helper_mb:.0f} MB) (target <= {TARGET_MB} MB) {ok_mb}"
    )
    met = full <= TARGET_SECONDS and share >= TARGET_ANSWERED and peak_mb <= TARGET_MB
    return 0 if met and not first.errors else 1


if __name__ == "__main__":
    raise SystemExit(main())
