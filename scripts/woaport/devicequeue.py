"""The device queue: built wheels + a manifest, published by CI, pulled by laptops.

Two backends behind one interface, chosen by URL:

* ``dir:PATH``: a local or shared folder, ``PATH/items/<item_id>/`` with the wheels,
  ``manifest.json`` and ``results/result-<device>.json``. Items appear atomically (built
  in a staging folder, then renamed into place).
* ``github:OWNER/REPO``: one (pre-)release per item, tag ``woaport-queue-<item_id>``,
  assets = wheels + ``manifest.json`` (uploaded last: its presence marks the item
  complete) + ``result-<device>.json``. The release body carries a copy of the manifest,
  so one conditional request lists the whole queue.

The item id is derived from the package, version and the artifacts' and contract's
sha256, so publishing the same thing twice is a no-op, and anything else is a new item.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from packaging.utils import canonicalize_name

from woaport import __version__
from woaport.contract import Contract
from woaport.errors import BadInput
from woaport.github import GitHub
from woaport.http import EtagCache, sha256_file
from woaport.wheelfile import parse_wheel_name

TAG_PREFIX = "woaport-queue-"
MANIFEST = "manifest.json"
RESULT_PREFIX = "result-"
BODY_MARKER = "```json woaport-manifest"
DEVICE_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,62}$")


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def canonical_json(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``path`` so that readers see the old or the new content, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)


def provenance_from_environment() -> dict[str, str | None]:
    """Where the artifact was built, from the variables GitHub Actions sets."""
    env = os.environ.get
    return {
        "repository": env("GITHUB_REPOSITORY"),
        "commit": env("GITHUB_SHA"),
        "ref": env("GITHUB_REF"),
        "workflow": env("GITHUB_WORKFLOW_REF") or env("GITHUB_WORKFLOW"),
        "run_id": env("GITHUB_RUN_ID"),
        "run_attempt": env("GITHUB_RUN_ATTEMPT"),
        "server_url": env("GITHUB_SERVER_URL"),
    }


def build_manifest(
    contract: Contract,
    wheels: list[Path],
    *,
    staged: list[Path] | None = None,
    ci_verdict: str = "unknown",
    ci_report: dict[str, Any] | None = None,
    payload: str | None = None,
    provenance: dict[str, str | None] | None = None,
) -> dict[str, Any]:
    artifacts: list[dict[str, Any]] = []
    under_test = None
    for path, staged_role in [(w, False) for w in wheels] + [(s, True) for s in staged or []]:
        if not path.is_file():
            raise BadInput(f"{path}: no such wheel; pass the built .whl files")
        name = parse_wheel_name(path)
        is_package = canonicalize_name(name.name) == canonicalize_name(contract.package)
        role = "staged" if staged_role else ("under-test" if is_package else "extra")
        if role == "under-test":
            if under_test is not None:
                raise BadInput(
                    f"two wheels of {contract.package} ({under_test.filename}, {path.name}); "
                    "publish one queue item per wheel"
                )
            under_test = name
        artifacts.append(
            {
                "filename": path.name,
                "size": path.stat().st_size,
                "sha256": sha256_file(path),
                "role": role,
            }
        )
    if under_test is None:
        raise BadInput(
            f"none of the wheels is {contract.package!r}, the package the contract tests"
        )
    if contract.version is not None and not contract.version.contains(
        under_test.version, prereleases=True
    ):
        raise BadInput(
            f"{under_test.filename}: version {under_test.version} does not satisfy the contract's {contract.version}"
        )
    digest = hashlib.sha256()
    for artifact in sorted(artifacts, key=lambda a: str(a["filename"])):
        digest.update(f"{artifact['filename']}:{artifact['sha256']}\n".encode())
    digest.update(contract.sha256.encode())
    package = str(canonicalize_name(contract.package))
    ci: dict[str, Any] = {"verdict": ci_verdict}
    if payload is not None:
        ci["payload"] = payload
    if ci_report is not None:
        ci["report_sha256"] = hashlib.sha256(canonical_json(ci_report)).hexdigest()
        ci["environment"] = ci_report.get("environment", {})
    return {
        "manifest_version": 1,
        "item_id": f"{package}-{under_test.version}-{digest.hexdigest()[:12]}".lower(),
        "package": package,
        "version": under_test.version,
        "created": now(),
        "artifacts": artifacts,
        "contract": contract.raw,
        "contract_sha256": contract.sha256,
        "ci": ci,
        "provenance": provenance if provenance is not None else provenance_from_environment(),
    }


def validate_manifest(manifest: Any, where: str) -> dict[str, Any]:
    from jsonschema import Draft202012Validator

    from woaport.contract import schema

    errors = list(Draft202012Validator(schema("manifest")).iter_errors(manifest))
    if errors:
        first = errors[0]
        path = "/".join(map(str, first.absolute_path)) or "(top level)"
        raise BadInput(f"{where}: manifest is invalid at {path}: {first.message}")
    return dict(manifest)


@dataclass(kw_only=True)
class QueueItem:
    queue: str
    item_id: str
    manifest: dict[str, Any]
    results: dict[str, Any] = field(default_factory=dict)  # device id -> backend handle
    handle: Any = None

    @property
    def provenance_repository(self) -> str | None:
        repo = self.manifest.get("provenance", {}).get("repository")
        return str(repo) if repo else None


class Backend(Protocol):
    url: str

    def publish(self, manifest: dict[str, Any], files: dict[str, Path]) -> str: ...

    def items(self) -> list[QueueItem]: ...

    def download(self, item: QueueItem, filename: str, dest: Path, *, size: int) -> Path: ...

    def publish_result(self, item: QueueItem, device_id: str, data: bytes) -> str: ...

    def read_result(self, item: QueueItem, device_id: str) -> dict[str, Any] | None: ...

    def close(self) -> None: ...


class DirQueue:
    def __init__(self, url: str, root: Path) -> None:
        self.url = url
        self.root = root

    @property
    def items_dir(self) -> Path:
        return self.root / "items"

    def publish(self, manifest: dict[str, Any], files: dict[str, Path]) -> str:
        final = self.items_dir / manifest["item_id"]
        if (final / MANIFEST).is_file():
            return str(final)  # the same artifacts and contract: already queued
        staging = self.root / f".staging-{manifest['item_id']}-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        for name, path in files.items():
            shutil.copyfile(path, staging / name)
        write_atomic(staging / MANIFEST, json.dumps(manifest, indent=2).encode())
        self.items_dir.mkdir(parents=True, exist_ok=True)
        try:
            staging.rename(final)
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)
            if not (final / MANIFEST).is_file():
                raise
        return str(final)

    def items(self) -> list[QueueItem]:
        if not self.items_dir.is_dir():
            return []
        found = []
        for folder in sorted(self.items_dir.iterdir()):
            manifest_path = folder / MANIFEST
            if not manifest_path.is_file():
                continue
            try:
                manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            results = {
                p.stem.removeprefix(RESULT_PREFIX): p
                for p in (folder / "results").glob(f"{RESULT_PREFIX}*.json")
            }
            found.append(
                QueueItem(
                    queue=self.url,
                    item_id=folder.name,
                    manifest=manifest,
                    results=results,
                    handle=folder,
                )
            )
        return found

    def download(self, item: QueueItem, filename: str, dest: Path, *, size: int) -> Path:
        source = Path(item.handle) / filename
        if not source.is_file():
            raise FileNotFoundError(f"{source} is missing from the queue item")
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, dest)
        return dest

    def publish_result(self, item: QueueItem, device_id: str, data: bytes) -> str:
        target = Path(item.handle) / "results" / f"{RESULT_PREFIX}{device_id}.json"
        write_atomic(target, data)
        return str(target)

    def read_result(self, item: QueueItem, device_id: str) -> dict[str, Any] | None:
        path = item.results.get(device_id)
        if path is None:
            path = Path(item.handle) / "results" / f"{RESULT_PREFIX}{device_id}.json"
        try:
            data: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data

    def close(self) -> None:
        pass


# GitHub refuses release bodies over 125,000 characters; past this, the body carries no
# copy of the manifest and listing reads the manifest.json asset instead (one request).
BODY_LIMIT = 100_000


def _release_body(manifest: dict[str, Any]) -> str:
    p = manifest.get("provenance", {})
    lines = [
        f"woaport device queue item for **{manifest['package']} {manifest['version']}**.",
        "",
        f"CI verdict: {manifest['ci']['verdict']}; built from {p.get('repository')}@{p.get('commit')}.",
        "Laptops running `woaport device poll` validate these exact files and upload `result-<device>.json` here.",
        "",
    ]
    copy = json.dumps(manifest, indent=1)
    if len(copy) <= BODY_LIMIT:
        lines += [BODY_MARKER, copy, "```"]
    else:
        lines.append("(The manifest is too long to copy here: see manifest.json.)")
    return "\n".join(lines)


def _manifest_from_body(body: str | None) -> dict[str, Any] | None:
    if not body or BODY_MARKER not in body:
        return None
    text = body.split(BODY_MARKER, 1)[1].rsplit("```", 1)[0]
    try:
        data: dict[str, Any] = json.loads(text)
    except ValueError:
        return None
    return data


class GitHubQueue:
    def __init__(self, url: str, repo: str, client: GitHub) -> None:
        self.url = url
        self.repo = repo
        self.client = client

    def publish(self, manifest: dict[str, Any], files: dict[str, Path]) -> str:
        tag = TAG_PREFIX + manifest["item_id"]
        commit = manifest.get("provenance", {}).get("commit")
        release = self.client.release_by_tag(self.repo, tag) or self.client.create_release(
            self.repo,
            tag=tag,
            name=f"woaport queue: {manifest['package']} {manifest['version']}",
            body=_release_body(manifest),
            commitish=commit,
        )
        present = {a["name"]: a for a in release.get("assets", [])}
        uploads = [(name, path.read_bytes(), "application/zip") for name, path in files.items()]
        uploads.append((MANIFEST, json.dumps(manifest, indent=2).encode(), "application/json"))
        for name, data, content_type in uploads:  # manifest last: it marks the item complete
            self._put(release, present, name, data, content_type)
        return str(release.get("html_url", tag))

    def _put(
        self,
        release: dict[str, Any],
        present: dict[str, Any],
        name: str,
        data: bytes,
        content_type: str,
    ) -> None:
        asset = present.get(name)
        if asset is not None:
            if asset.get("state") == "uploaded" and asset.get("size") == len(data):
                digest = asset.get("digest")
                if not digest or digest == "sha256:" + hashlib.sha256(data).hexdigest():
                    return
            self.client.delete_asset(self.repo, asset["id"])  # a broken or different upload
        try:
            self.client.upload_asset(release, name, data, content_type)
        except Exception:
            # A failed upload can leave an asset in state "open" behind: clear it for the next try.
            fresh = {a["name"]: a for a in self.client.assets(self.repo, release["id"])}
            if name in fresh and fresh[name].get("state") != "uploaded":
                self.client.delete_asset(self.repo, fresh[name]["id"])
            raise

    def items(self) -> list[QueueItem]:
        found = []
        for release in self.client.releases(self.repo):
            tag = str(release.get("tag_name", ""))
            if not tag.startswith(TAG_PREFIX):
                continue
            assets = {
                a["name"]: a for a in release.get("assets", []) if a.get("state") == "uploaded"
            }
            if MANIFEST not in assets:
                continue  # still being published
            manifest = _manifest_from_body(release.get("body"))
            if manifest is None:
                manifest = self._manifest_asset(release, assets[MANIFEST])
            if manifest is None:
                continue
            results = {
                name.removeprefix(RESULT_PREFIX).removesuffix(".json"): asset
                for name, asset in assets.items()
                if name.startswith(RESULT_PREFIX) and name.endswith(".json")
            }
            found.append(
                QueueItem(
                    queue=self.url,
                    item_id=tag.removeprefix(TAG_PREFIX),
                    manifest=manifest,
                    results=results,
                    handle=release,
                )
            )
        return found

    def _manifest_asset(
        self, release: dict[str, Any], asset: dict[str, Any]
    ) -> dict[str, Any] | None:
        """The manifest.json asset, for releases whose body holds no copy of it."""
        try:
            return self._json_asset(asset)
        except (BadInput, OSError, ValueError):
            return None

    def _json_asset(self, asset: dict[str, Any]) -> dict[str, Any]:
        """A small JSON asset (a manifest, a device's result), read through a temporary file."""
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            path = self.client.download_asset(
                self.repo, asset["id"], Path(tmp) / "asset.json", max_bytes=1 << 24
            )
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data

    def _asset(self, item: QueueItem, filename: str) -> dict[str, Any]:
        for asset in item.handle.get("assets", []):
            if asset["name"] == filename and asset.get("state") == "uploaded":
                return dict(asset)
        raise FileNotFoundError(f"{filename} is missing from queue release {item.item_id}")

    def download(self, item: QueueItem, filename: str, dest: Path, *, size: int) -> Path:
        asset = self._asset(item, filename)
        return self.client.download_asset(
            self.repo,
            asset["id"],
            dest,
            max_bytes=max(size, 1) * 2 + 65536,
        )

    def manifest(self, item: QueueItem, dest: Path) -> dict[str, Any]:
        """The authoritative manifest: the asset, not the body's copy."""
        path = self.download(item, MANIFEST, dest, size=1 << 22)
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data

    def publish_result(self, item: QueueItem, device_id: str, data: bytes) -> str:
        name = f"{RESULT_PREFIX}{device_id}.json"
        release = self.client.release_by_tag(self.repo, TAG_PREFIX + item.item_id)
        if release is None:
            raise BadInput(f"queue release for {item.item_id} is gone; nothing to report to")
        present = {a["name"]: a for a in release.get("assets", [])}
        self._put(release, present, name, data, "application/json")
        return name

    def read_result(self, item: QueueItem, device_id: str) -> dict[str, Any] | None:
        asset = item.results.get(device_id)
        if asset is None:
            return None
        return self._json_asset(asset)

    def close(self) -> None:
        self.client.cache.save()


def open_queue(
    url: str, *, cache_path: Path | None = None, client: GitHub | None = None
) -> DirQueue | GitHubQueue:
    scheme, sep, rest = url.partition(":")
    if sep and scheme == "dir" and rest:
        return DirQueue(url, Path(rest).expanduser())
    if sep and scheme == "github" and re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", rest):
        return GitHubQueue(url, rest, client or GitHub(cache=EtagCache.load(cache_path)))
    raise BadInput(f"queue {url!r}: expected dir:PATH or github:OWNER/REPO")


def result_document(
    *,
    device_id: str,
    item: QueueItem,
    verdict: str,
    report: dict[str, Any] | None,
    reason: str = "",
) -> dict[str, Any]:
    return {
        "result_version": 1,
        "device_id": device_id,
        "item_id": item.item_id,
        "package": item.manifest.get("package"),
        "version": item.manifest.get("version"),
        "manifest_sha256": hashlib.sha256(canonical_json(item.manifest)).hexdigest(),
        "artifacts": [
            {"filename": a["filename"], "sha256": a["sha256"]}
            for a in item.manifest.get("artifacts", [])
        ],
        "verdict": verdict,
        "reason": reason,
        "report": report,
        "finished": now(),
        "woaport_version": __version__,
    }
