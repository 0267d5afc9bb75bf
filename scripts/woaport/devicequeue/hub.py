"""The ``hub:OWNER/REPO`` subscription: one document to poll, items read from their forks,
results written to the device's own outbox.

The hub's controller publishes ``device-index.json`` on the hub's ``woaport-devices``
branch (:mod:`woaport.fleet`): every item awaiting device validation, with its fork, id,
manifest digest, artifacts and tags. A device reads that one file through the contents API
with ``If-None-Match``: while nothing changed GitHub answers 304, which "does not count
against your primary rate limit if ... the request was made while correctly authorized"
(https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api#use-conditional-requests-if-appropriate).
ETags belong to the token that asked (github/docs#34689), so the device always asks with
its own. An idle poll is that one request, whatever the number of forks.

Only the items the device still wants (not done here, not reported by it to the hub
already, from a fork on its allow-list) are fetched from their forks: the release by tag,
read-only (public forks need no permission at all), then the manifest asset, whose digest
must be the one the hub listed, and the files, whose sha256 the device checks as for any
queue. Results go to the device's outbox (:mod:`.outbox`), never to the fork: the device's
token needs no access to any fork.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from woaport import __version__
from woaport.bounded import load_json
from woaport.devicequeue import Listing, QueueItem, QueueURL
from woaport.devicequeue.github import GitHubQueue
from woaport.devicequeue.outbox import Outbox, heartbeat_path, result_path
from woaport.documents.device_result import DeviceResult, Interpreter
from woaport.documents.fleet import HEARTBEAT_VERSION, Heartbeat, HubIndex, IndexItem
from woaport.documents.manifest import Manifest
from woaport.errors import BadInput, Corrupted, InvalidDocument, WoaportError
from woaport.files import utc_now, write_atomic
from woaport.github import GitHub

INDEX_BRANCH = "woaport-devices"
INDEX_PATH = "device-index.json"
MAX_INDEX = 64 << 20


def read_index(client: GitHub, hub: str, cache_dir: Path | None) -> tuple[HubIndex | None, str]:
    """The hub's index and its blob sha (None, "" when the hub has published none): one
    conditional request. An index over 1 MB comes without its bytes; it is then read as a
    blob once and kept in ``cache_dir`` by its sha (a blob never changes)."""
    found = client.file(hub, INDEX_PATH, ref=INDEX_BRANCH)
    if found is None:
        return None, ""
    data = found.data
    cached = cache_dir / f"{found.sha}.json" if cache_dir is not None else None
    if data is None:
        if cached is not None and cached.is_file():
            data = cached.read_bytes()
        else:
            data = client.blob(hub, found.sha, max_bytes=MAX_INDEX)
            if cached is not None:
                write_atomic(cached, data)
    where = f"hub {hub} {INDEX_PATH}"
    index = HubIndex.from_json(load_json(data, where, max_bytes=MAX_INDEX), where)
    if index.hub.lower() != hub.lower():
        raise InvalidDocument(f"{where}: it names hub {index.hub}, not {hub}")
    return index, found.sha


@dataclass(frozen=True, kw_only=True)
class Subscriber:
    """The device behind a subscription: who it is, where it writes, what it still wants."""

    device_id: str
    outbox: str
    state_dir: Path
    wanted: Callable[[str, IndexItem], bool] = lambda url, item: True  # url: the hub's
    log: Callable[[str], None] = lambda message: None
    heartbeat_every: float = 21600.0
    pythons: Callable[[], tuple[Interpreter, ...]] = lambda: ()
    clock: Callable[[], float] = time.time


@dataclass
class _Handle:
    """A hub item's backend handle: the fork's queue item and what the hub listed."""

    listed: IndexItem
    fork_item: QueueItem
    fork: GitHubQueue


class HubQueue:
    def __init__(self, url: QueueURL, client: GitHub, subscriber: Subscriber) -> None:
        self.url = url
        self.hub = url.location
        self.client = client
        self.subscriber = subscriber
        self.outbox = Outbox(subscriber.outbox, client)
        self.forks: dict[str, GitHubQueue] = {}
        key = f"{self.hub}".replace("/", "+")
        self.state_path = subscriber.state_dir / "hubs" / f"{key}.json"

    # -- the protocol --------------------------------------------------------------------
    def publish(self, manifest: Manifest, files: Mapping[str, Path]) -> str:
        raise BadInput(
            f"{self.url} is a subscription: publish to the fork's queue (github:OWNER/REPO)"
        )

    def items(self) -> Listing:
        listing = Listing()
        index, _ = read_index(self.client, self.hub, self.subscriber.state_dir / "hubs")
        if index is None:
            self.subscriber.log(f"{self.url}: the hub has published no index yet")
            return listing
        for listed in index.items:
            if not self.subscriber.wanted(str(self.url), listed):
                continue
            where = f"{self.url} item {listed.item_id} in {listed.fork}"
            fork = self.forks.get(listed.fork) or GitHubQueue(
                QueueURL("github", listed.fork), self.client
            )
            self.forks[listed.fork] = fork
            try:
                fork_item = fork.item(listed.item_id)
            except BadInput as exc:
                listing.skipped.append(f"{where}: {exc.message}")
                continue
            if fork_item is None:
                listing.skipped.append(f"{where}: the fork has no such item (withdrawn?)")
                continue
            source = fork_item.manifest.provenance.repository
            if source is None or source.lower() != listed.fork.lower():
                listing.skipped.append(
                    f"{where}: its manifest says it was built in {source}, not {listed.fork}"
                )
                continue
            listing.items.append(
                QueueItem(
                    queue=self.url,
                    item_id=listed.item_id,
                    manifest=fork_item.manifest,
                    results={device: None for device in listed.reported},
                    handle=_Handle(listed=listed, fork_item=fork_item, fork=fork),
                )
            )
        return listing

    def authoritative_manifest(self, item: QueueItem, work: Path) -> Manifest:
        """The fork's manifest.json, which must be the manifest the hub listed (its digest);
        anything else is refused as :class:`Corrupted` (reported tampered)."""
        handle: _Handle = item.handle
        manifest = handle.fork.authoritative_manifest(handle.fork_item, work)
        if manifest.digest() != handle.listed.manifest_sha256:
            raise Corrupted(
                f"the manifest in {handle.listed.fork} (sha256 {manifest.digest()}) is not "
                f"the one the hub listed ({handle.listed.manifest_sha256})"
            )
        return manifest

    def download(self, item: QueueItem, filename: str, dest: Path, *, size: int) -> Path:
        handle: _Handle = item.handle
        return handle.fork.download(handle.fork_item, filename, dest, size=size)

    def publish_result(self, item: QueueItem, result: DeviceResult) -> str:
        path = result_path(result.device_id, item.item_id)
        data = json.dumps(result.to_json(), indent=1).encode()
        self.outbox.write(
            path,
            data,
            message=f"woaport: {result.device_id} {result.verdict} {item.item_id}",
            replace=False,
        )
        return f"{self.outbox.repo}/{path}"

    def read_result(self, item: QueueItem, device_id: str) -> DeviceResult | None:
        found = self.client.file(self.outbox.repo, result_path(device_id, item.item_id))
        if found is None or found.data is None:
            return None
        where = f"{self.outbox} {found.path}"
        return DeviceResult.from_json(load_json(found.data, where), where)

    def close(self) -> None:
        try:
            self._heartbeat()
        except WoaportError as exc:  # the next poll tries again; results are what matter
            self.subscriber.log(f"{self.url}: heartbeat not written: {exc.message}")
        finally:
            self.client.cache.save()

    # -- the heartbeat ------------------------------------------------------------------
    def _heartbeat(self) -> None:
        """Tell the outbox this device is alive, at most once per ``heartbeat_every``: one
        write, so an idle poll in between stays one request."""
        state = self._state()
        now = self.subscriber.clock()
        if now - float(state.get("heartbeat_at", 0)) < self.subscriber.heartbeat_every:
            return
        beat = Heartbeat(
            heartbeat_version=HEARTBEAT_VERSION,
            device_id=self.subscriber.device_id,
            seen=utc_now(),
            woaport_version=__version__,
            pythons=self.subscriber.pythons(),
            hubs=(self.hub,),
        )
        sha = self.outbox.write(
            heartbeat_path(self.subscriber.device_id),
            json.dumps(beat.to_json(), indent=1).encode(),
            message=f"woaport: {self.subscriber.device_id} heartbeat",
            replace=True,
            sha=state.get("heartbeat_sha"),
        )
        write_atomic(
            self.state_path, json.dumps({"heartbeat_at": now, "heartbeat_sha": sha}).encode()
        )

    def _state(self) -> dict[str, Any]:
        try:
            loaded = json.loads(self.state_path.read_text(encoding="utf-8"))
            return loaded if isinstance(loaded, dict) else {}
        except (OSError, ValueError):
            return {}
