"""The ``github:OWNER/REPO`` queue: one release per item in the fork.

Publishing follows the order GitHub's immutable releases require (assets can be attached
only while a release is a draft; a published immutable release answers 422 "Cannot upload
assets to an immutable release"; see docs.github.com, "Immutable releases"): create the
release as a **draft** whose body carries a copy of the manifest, upload the wheels, upload
``manifest.json`` last, then publish. A draft has no tag yet and is listed only to
accounts with push access, so devices never see a half-published item. A re-run finds its
own draft by tag name, rewrites the body to the manifest it uploads, replaces what is
broken or different, and publishes: the body's copy and the asset always agree. A
published item is never touched again (same files and contract: same item).

Asset uploads are retried on 5xx and connection failures; a failed upload that left an
asset behind in state ``open``/``starter`` is deleted before the next try.

Listing costs one conditional request: the body's copy of each manifest is what
:meth:`items` reads (the ``manifest.json`` asset, authoritative, is read by the device
before it trusts an item). Bodies over :data:`BODY_LIMIT` carry no copy; listing reads
their asset instead.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from woaport.bounded import load_json
from woaport.devicequeue import (
    DEVICE_ID,
    MANIFEST,
    RESULT_PREFIX,
    Listing,
    QueueItem,
    QueueURL,
    checked_item_id,
    result_name,
)
from woaport.documents.device_result import DeviceResult
from woaport.documents.manifest import Manifest
from woaport.errors import BadInput, Unreachable, WoaportError
from woaport.github import GitHub, GitHubError
from woaport.limits import MAX_DOCUMENT_BYTES

TAG_PREFIX = "woaport-queue-"
BODY_MARKER = "```json woaport-manifest"
# GitHub refuses release bodies over 125,000 characters; past this, the body carries no
# copy of the manifest and listing reads the manifest.json asset instead (one request).
BODY_LIMIT = 100_000
MAX_DOCUMENT = MAX_DOCUMENT_BYTES
UPLOAD_TRIES = 3


def release_body(manifest: Manifest) -> str:
    p = manifest.provenance
    lines = [
        f"woaport device queue item for **{manifest.package} {manifest.version}**.",
        "",
        f"CI verdict: {manifest.ci.verdict}; payload: {manifest.ci.payload}; "
        f"built from {p.repository}@{p.commit}.",
        "Laptops running `woaport device poll` validate these exact files.",
        "",
    ]
    copy = json.dumps(manifest.to_json(), indent=1)
    if len(copy) <= BODY_LIMIT:
        lines += [BODY_MARKER, copy, "```"]
    else:
        lines.append("(The manifest is too long to copy here: see manifest.json.)")
    return "\n".join(lines)


def manifest_in_body(body: str | None, where: str) -> Manifest | None:
    """The body's copy of the manifest; None when the body carries none."""
    if not body or BODY_MARKER not in body or len(body) > 2 * BODY_LIMIT:
        return None
    text = body.split(BODY_MARKER, 1)[1].rsplit("```", 1)[0]
    data = load_json(text, f"{where} (release body)")
    return Manifest.from_json(data, f"{where} (release body)")


class GitHubQueue:
    def __init__(
        self, url: QueueURL, client: GitHub, *, sleep: Callable[[float], None] | None = None
    ) -> None:
        if url.repository is None:
            raise BadInput(f"queue {url}: not a github: queue")
        self.url = url
        self.repo = url.repository
        self.client = client
        self._sleep = sleep or client.sleep

    # -- publishing (CI) ---------------------------------------------------------------
    def publish(self, manifest: Manifest, files: Mapping[str, Path]) -> str:
        tag = TAG_PREFIX + manifest.item_id
        published = self.client.release_by_tag(self.repo, tag)
        if published is not None:
            return str(published.get("html_url", tag))  # the same item is already queued
        body = release_body(manifest)
        release = self._own_draft(tag)
        if release is None:
            release = self.client.create_release(
                self.repo,
                tag=tag,
                name=f"woaport queue: {manifest.package} {manifest.version}",
                body=body,
                commitish=manifest.provenance.commit,
                draft=True,
            )
        elif release.get("body") != body:
            release = self.client.update_release(self.repo, release["id"], body=body)
        present = {a["name"]: a for a in self.client.assets(self.repo, release["id"])}
        uploads = [
            (
                name,
                path.read_bytes(),
                "application/json" if name.endswith(".json") else "application/zip",
            )
            for name, path in files.items()
        ]
        document = json.dumps(manifest.to_json(), indent=2).encode()
        uploads.append((MANIFEST, document, "application/json"))
        for name, data, content_type in uploads:  # manifest last: it completes the item
            self._put(release, present, name, data, content_type)
        release = self.client.update_release(self.repo, release["id"], draft=False)
        return str(release.get("html_url", tag))

    def _own_draft(self, tag: str) -> dict[str, Any] | None:
        """A draft an earlier, interrupted publish of this item left (drafts have no tag
        yet, so only the list of releases shows them, and only to writers)."""
        for release in self.client.releases(self.repo):
            if release.get("draft") and release.get("tag_name") == tag:
                return release
        return None

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
        for attempt in range(UPLOAD_TRIES):
            try:
                self.client.upload_asset(release, name, data, content_type)
                return
            except GitHubError as exc:
                # A failed upload can leave an asset in state "open" behind: clear it first.
                fresh = {a["name"]: a for a in self.client.assets(self.repo, release["id"])}
                if name in fresh and fresh[name].get("state") != "uploaded":
                    self.client.delete_asset(self.repo, fresh[name]["id"])
                if not isinstance(exc, Unreachable) or attempt + 1 == UPLOAD_TRIES:
                    raise
                self._sleep(self.client.policy.delay(attempt))

    # -- reading (devices, the controller) ------------------------------------------------
    def items(self) -> Listing:
        listing = Listing()
        for release in self.client.releases(self.repo):
            try:
                item = self._item(release)
            except WoaportError as exc:
                listing.skipped.append(exc.message)
                continue
            except (KeyError, TypeError, AttributeError, ValueError) as exc:
                # A release of the wrong shape (from a damaged cache, or a proxy): one item.
                where = f"{self.url} release {str(release)[:80]!r}"
                listing.skipped.append(f"{where}: malformed ({type(exc).__name__})")
                continue
            if item is not None:
                listing.items.append(item)
        return listing

    def item(self, item_id: str) -> QueueItem | None:
        """One published item by its id (one request: its release by tag); None when the
        queue has no complete item of that id."""
        release = self.client.release_by_tag(self.repo, TAG_PREFIX + item_id)
        if release is None:
            return None
        item = self._item(release)
        if item is not None and item.item_id != item_id:
            raise BadInput(f"{self.url}: release {TAG_PREFIX + item_id} holds another item")
        return item

    def _item(self, release: dict[str, Any]) -> QueueItem | None:
        """A release as a queue item; None for releases that are no complete item;
        raises WoaportError for one that claims to be an item and is not a valid one."""
        tag = str(release.get("tag_name", ""))
        if not tag.startswith(TAG_PREFIX) or release.get("draft"):
            return None
        where = f"{self.url} release {tag[:120]!r}"
        assets = {
            str(a["name"]): a for a in release.get("assets") or [] if a.get("state") == "uploaded"
        }
        if MANIFEST not in assets:
            return None  # not complete (published by hand, or by an older woaport)
        manifest = manifest_in_body(release.get("body"), where)
        if manifest is None:
            manifest = Manifest.from_json(self._json_asset(assets[MANIFEST]), where)
        item_id = checked_item_id(tag.removeprefix(TAG_PREFIX), manifest, where)
        results = {
            device: asset
            for name, asset in assets.items()
            if name.startswith(RESULT_PREFIX)
            and name.endswith(".json")
            and DEVICE_ID.match(device := name.removeprefix(RESULT_PREFIX).removesuffix(".json"))
        }
        return QueueItem(
            queue=self.url, item_id=item_id, manifest=manifest, results=results, handle=release
        )

    def _json_asset(self, asset: dict[str, Any]) -> Any:
        """A small JSON asset (a manifest, a device's result), read in memory, bounded."""
        data = self.client.read_asset(
            self.repo, asset["id"], max_bytes=MAX_DOCUMENT, label=str(asset["name"])
        )
        return load_json(data, f"{self.url}: asset {str(asset.get('name'))[:80]!r}")

    def _asset(self, item: QueueItem, filename: str) -> dict[str, Any]:
        for asset in item.handle.get("assets", []):
            if asset["name"] == filename and asset.get("state") == "uploaded":
                return dict(asset)
        raise FileNotFoundError(f"{filename} is missing from queue release {item.item_id}")

    def authoritative_manifest(self, item: QueueItem, work: Path) -> Manifest:
        """The manifest.json asset, which must agree with the body's copy the listing used."""
        data = self._json_asset(self._asset(item, MANIFEST))
        manifest = Manifest.from_json(data, f"{self.url} {item.item_id} manifest.json")
        return manifest

    def download(self, item: QueueItem, filename: str, dest: Path, *, size: int) -> Path:
        asset = self._asset(item, filename)
        return self.client.download_asset(
            self.repo,
            asset["id"],
            dest,
            max_bytes=max(size, 1) * 2 + 65536,
        )

    def publish_result(self, item: QueueItem, result: DeviceResult) -> str:
        name = result_name(result.device_id)
        release = self.client.release_by_tag(self.repo, TAG_PREFIX + item.item_id)
        if release is None:
            raise BadInput(f"queue release for {item.item_id} is gone; nothing to report to")
        present = {a["name"]: a for a in release.get("assets", [])}
        data = json.dumps(result.to_json(), indent=1).encode()
        self._put(release, present, name, data, "application/json")
        return name

    def read_result(self, item: QueueItem, device_id: str) -> DeviceResult | None:
        asset = item.results.get(device_id)
        if asset is None:
            return None
        return DeviceResult.from_json(self._json_asset(asset), f"{self.url} {asset['name']}")

    def close(self) -> None:
        self.client.cache.save()
