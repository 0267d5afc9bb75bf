"""Extract the subset of GitHub's OpenAPI description that woaport's client uses.

    python tests/openapi/extract.py [--tarball octokit-openapi-X.tgz]

Without --tarball it runs `npm pack @octokit/openapi@VERSION` in a temporary folder.
Writes tests/openapi/github-subset.json: the operations below, with every component they
reference (recursively), minus examples. The fake GitHub server's responses are validated
against it in the tests.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

PACKAGE = "@octokit/openapi"
VERSION = "23.0.2"
MEMBER = "package/generated/api.github.com.json"
OUT = Path(__file__).with_name("github-subset.json")

OPERATIONS = [
    ("/repos/{owner}/{repo}", "get"),
    ("/repos/{owner}/{repo}/releases", "get"),
    ("/repos/{owner}/{repo}/releases", "post"),
    ("/repos/{owner}/{repo}/releases/{release_id}", "patch"),
    ("/repos/{owner}/{repo}/releases/tags/{tag}", "get"),
    ("/repos/{owner}/{repo}/releases/{release_id}/assets", "get"),
    ("/repos/{owner}/{repo}/releases/{release_id}/assets", "post"),
    ("/repos/{owner}/{repo}/releases/assets/{asset_id}", "get"),
    ("/repos/{owner}/{repo}/releases/assets/{asset_id}", "delete"),
    ("/repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs", "get"),
    ("/repos/{owner}/{repo}/actions/runs/{run_id}/logs", "get"),
    ("/rate_limit", "get"),
    # woaport port start / woaport upstream
    ("/user", "get"),
    ("/repos/{owner}/{repo}/forks", "post"),
    ("/repos/{owner}/{repo}/actions/permissions", "get"),
    ("/repos/{owner}/{repo}/actions/permissions", "put"),
    ("/repos/{owner}/{repo}/git/ref/{ref}", "get"),
    ("/repos/{owner}/{repo}/git/refs", "post"),
    ("/repos/{owner}/{repo}/git/refs/{ref}", "patch"),
    ("/repos/{owner}/{repo}/git/blobs", "post"),
    ("/repos/{owner}/{repo}/git/trees", "post"),
    ("/repos/{owner}/{repo}/git/trees/{tree_sha}", "get"),
    ("/repos/{owner}/{repo}/git/commits", "post"),
    ("/repos/{owner}/{repo}/git/commits/{commit_sha}", "get"),
    ("/repos/{owner}/{repo}/pulls/{pull_number}", "get"),
    # the device fleet: the hub's index, the devices' outboxes
    ("/repos/{owner}/{repo}/contents/{path}", "get"),
    ("/repos/{owner}/{repo}/contents/{path}", "put"),
    ("/repos/{owner}/{repo}/git/blobs/{file_sha}", "get"),
]


def refs(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                found.add(value)
            else:
                found |= refs(value)
    elif isinstance(node, list):
        for value in node:
            found |= refs(value)
    return found


def strip_examples(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: strip_examples(v) for k, v in node.items() if k not in ("examples", "example")}
    if isinstance(node, list):
        return [strip_examples(v) for v in node]
    return node


def resolve(document: dict[str, Any], ref: str) -> Any:
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def extract(document: dict[str, Any]) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for path, method in OPERATIONS:
        paths.setdefault(path, {})[method] = strip_examples(document["paths"][path][method])
    components: dict[str, dict[str, Any]] = {}
    pending = refs(paths)
    seen: set[str] = set()
    while pending:
        ref = pending.pop()
        if ref in seen:
            continue
        seen.add(ref)
        _, section, name = ref.removeprefix("#/").split("/", 2)
        node = strip_examples(resolve(document, ref))
        components.setdefault(section, {})[name] = node
        pending |= refs(node) - seen
    return {
        "openapi": document["openapi"],
        "info": {
            "title": "GitHub REST API: the subset woaport uses",
            "version": document["info"]["version"],
            "x-source": f"{PACKAGE}@{VERSION} {MEMBER}",
        },
        "paths": paths,
        "components": {k: dict(sorted(v.items())) for k, v in sorted(components.items())},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tarball", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tarball = args.tarball
        if tarball is None:
            subprocess.run(["npm", "pack", f"{PACKAGE}@{VERSION}"], cwd=tmp, check=True)
            tarball = next(Path(tmp).glob("*.tgz"))
        with tarfile.open(tarball) as tar:
            member = tar.extractfile(MEMBER)
            if member is None:
                raise SystemExit(f"{tarball} has no {MEMBER}")
            raw = member.read()
    subset = extract(json.loads(raw))
    subset["info"]["x-source-sha256"] = hashlib.sha256(raw).hexdigest()
    OUT.write_text(json.dumps(subset, indent=1, sort_keys=False) + "\n")
    print(
        f"wrote {OUT} ({OUT.stat().st_size:,} bytes, {len(subset['components'].get('schemas', {}))} schemas)"
    )


if __name__ == "__main__":
    main()
