"""Benchmark: `woaport controller update` on 1,000 packages against the fake GitHub and a
fake package index, each answering with 50 ms of latency.

    .venv/bin/python bench/controller.py [--packages N] [--latency S] [--workers W]

Prints, measured in this one run: the time of a full refresh (target <= 15 s) and the
share of a second, unchanged refresh answered by 304s (target >= 90%).
"""

# ruff: noqa: I001  (_common must be imported first: it fixes sys.path for this folder)
from __future__ import annotations

import _common  # noqa: F401  (also puts tests/ on sys.path)

import argparse
import json
import tempfile
import time
from pathlib import Path

import yaml
from fakegithub import EPOCH, Asset, Release, iso, serve as serve_github
from fakeindex import serve as serve_index

from woaport.devicequeue import github as queue_github
from woaport.documents.manifest import Manifest
from woaport.contract import from_dict
from woaport.controller import UpdateRequest, update
from woaport.github import GitHub

TARGET_SECONDS = 15.0
TARGET_304 = 0.90


def populate(github: object, index: object, count: int) -> list[dict[str, object]]:
    """1 in 3 packages has a fork with a finished port run, a queue item and a device result;
    the rest are split between upstream-native, pure and sdist-only on the index."""
    packages: list[dict[str, object]] = []
    ids = iter(range(10**6, 10**7))
    for i in range(count):
        name = f"pkg{i:04d}"
        kind = i % 6
        if kind == 0:
            index.add(name, {f"{name}-1.0-cp312-cp312-win_arm64.whl": b"w"})  # type: ignore[attr-defined]
        elif kind == 1:
            index.add(name, {f"{name}-1.0-py3-none-any.whl": b"w"})  # type: ignore[attr-defined]
        else:
            index.add(name, {f"{name}-1.0.tar.gz": b"s"})  # type: ignore[attr-defined]
        entry: dict[str, object] = {"name": name, "priority": i}
        if kind in (2, 3):
            repo = f"ports/{name}"
            github.add_repo(repo)  # type: ignore[attr-defined]
            sha = f"{i:040x}"
            github.add_run(repo, "woaport.yml", branch="woaport", sha=sha, conclusion="success")  # type: ignore[attr-defined]
            contract = from_dict(
                {
                    "smoke_test_id": name,
                    "package": name,
                    "steps": [{"step_id": "s", "kind": "import_module", "module": name}],
                }
            )
            manifest = {
                "manifest_version": 1,
                "item_id": f"{name}-1.0-{i:012x}",
                "package": name,
                "version": "1.0",
                "created": iso(EPOCH),
                "artifacts": [
                    {
                        "filename": f"{name}-1.0-cp312-cp312-win_arm64.whl",
                        "size": 1,
                        "sha256": f"{i:064x}",
                        "role": "under-test",
                    }
                ],
                "contract": contract.raw,
                "contract_sha256": contract.sha256,
                "ci": {"verdict": "pass", "payload": "pass"},
                "provenance": {"repository": repo, "commit": sha},
            }
            result = {
                "verdict": "pass",
                "artifacts": [{"sha256": f"{i:064x}"}],
                "finished": iso(EPOCH),
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
            github.repos[repo].releases.append(release)  # type: ignore[attr-defined]
            entry["fork"] = {"repo": repo}
        packages.append(entry)
    return packages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--workers", type=int, default=16)
    args = parser.parse_args()
    with serve_github() as github, serve_index() as index, tempfile.TemporaryDirectory() as tmp:
        packages = populate(github, index, args.packages)
        folder = Path(tmp) / "inventory"
        folder.mkdir()
        (folder / "packages.yml").write_text(
            yaml.safe_dump({"defaults": {"branch": "woaport"}, "packages": packages})
        )
        github.latency = index.state.latency = args.latency

        def factory(cache: object) -> GitHub:
            return GitHub(api_url=github.api_url, token=github.token, cache=cache)  # type: ignore[arg-type]

        request = UpdateRequest(
            inventory=folder, index_url=index.url, workers=args.workers, render=True
        )
        start = time.perf_counter()
        first = update(request, github_factory=factory)
        full = time.perf_counter() - start
        start = time.perf_counter()
        second = update(request, github_factory=factory)
        again = time.perf_counter() - start
        states: dict[str, int] = {}
        for entry in json.loads((folder / "status.json").read_text())["packages"].values():
            states[entry["state"]] = states.get(entry["state"], 0) + 1
    share = second.not_modified / max(second.requests, 1)
    print(
        f"{args.packages} packages, {args.latency * 1000:.0f} ms per request, {args.workers} workers; states: {states}"
    )
    ok_full = "ok" if full <= TARGET_SECONDS else "MISSED"
    print(
        f"full refresh: {full:.1f} s, {first.requests} requests, {len(first.errors)} errors (target <= {TARGET_SECONDS} s) {ok_full}"
    )
    ok_304 = "ok" if share >= TARGET_304 else "MISSED"
    print(
        f"second refresh: {again:.1f} s, {second.requests} requests, {second.not_modified} answered 304 = {share:.0%} (target >= {TARGET_304:.0%}) {ok_304}"
    )
    return 0 if full <= TARGET_SECONDS and share >= TARGET_304 and not first.errors else 1


if __name__ == "__main__":
    raise SystemExit(main())
