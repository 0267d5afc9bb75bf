"""The device queue: built wheels + a manifest, published by CI, pulled by laptops.

Two backends behind one :class:`Backend` protocol, chosen by a :class:`QueueURL`:

* ``dir:PATH`` (:mod:`.local`): a local or shared folder, ``PATH/items/<item_id>/`` with
  the wheels, ``manifest.json`` and ``results/result-<device>.json``.
* ``github:OWNER/REPO`` (:mod:`.github`): one pre-release per item, tag
  ``woaport-queue-<item_id>``, assets = wheels + ``manifest.json`` + the devices' results.
* ``hub:OWNER/REPO`` (:mod:`.hub`): a subscription to a hub's index of the items awaiting
  device validation in every fork; items are read from their forks, results written to the
  device's own outbox (:mod:`.outbox`). Devices only: nothing is published to a hub.

The manifest is built by :mod:`.manifest`; its identity is a digest of the artifacts and the
contract, so publishing the same thing twice is a no-op and anything else is a new item.
Everything read back from a queue is untrusted: item ids are checked against the manifest
they came with and against :data:`ITEM_ID`, and one malformed item is reported and
skipped, never the end of a listing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from woaport.errors import BadInput
from woaport.safepath import name_problem

if TYPE_CHECKING:
    from woaport.devicequeue.hub import Subscriber
    from woaport.documents.device_result import DeviceResult
    from woaport.documents.manifest import Manifest
    from woaport.github import GitHub

MANIFEST = "manifest.json"
RESULT_PREFIX = "result-"
DEVICE_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,62}$")
# What a queue item id may be: also a folder name on the device, so no separators, no dots
# at the start, and (woaport.safepath) nothing Windows reserves: `nul.x-0123456789ab` would
# be the device NUL.
ITEM_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,150}-[0-9a-f]{12}$")
_REPO = re.compile(r"^[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}$")


def result_name(device_id: str) -> str:
    return f"{RESULT_PREFIX}{device_id}.json"


@dataclass(frozen=True)
class QueueURL:
    """``dir:PATH``, ``github:OWNER/REPO`` or ``hub:OWNER/REPO``, parsed once; ``str()``
    gives it back."""

    scheme: Literal["dir", "github", "hub"]
    location: str

    @classmethod
    def parse(cls, text: str) -> QueueURL:
        scheme, sep, rest = text.partition(":")
        if sep and scheme == "dir" and rest:
            return cls("dir", rest)
        if sep and scheme in ("github", "hub") and _REPO.match(rest) and ".." not in rest:
            return cls("github" if scheme == "github" else "hub", rest)
        raise BadInput(
            f"queue {text!r}: expected dir:PATH or github:OWNER/REPO (or hub:OWNER/REPO: a device's subscription)"
        )

    def __str__(self) -> str:
        return f"{self.scheme}:{self.location}"

    @property
    def repository(self) -> str | None:
        """OWNER/REPO for a GitHub queue (not for a hub: its items come from many forks)."""
        return self.location if self.scheme == "github" else None

    @property
    def path(self) -> Path:
        return Path(self.location).expanduser()


@dataclass(kw_only=True)
class QueueItem:
    """An item as listed: its manifest (from the listing) and who reported on it."""

    queue: QueueURL
    item_id: str
    manifest: Manifest
    results: Mapping[str, Any] = field(default_factory=dict)  # device id -> backend handle
    handle: Any = None  # the backend's own reference (a folder, a release)


@dataclass(kw_only=True)
class Listing:
    """What a queue holds: complete items, and the ones that could not be read (skipped)."""

    items: list[QueueItem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "<what>: <why>", one per bad item


class Backend(Protocol):
    url: QueueURL

    def publish(self, manifest: Manifest, files: Mapping[str, Path]) -> str:
        """Queue the files with their manifest; the location. Same item again: no-op."""
        ...

    def items(self) -> Listing: ...

    def authoritative_manifest(self, item: QueueItem, work: Path) -> Manifest:
        """The manifest to trust for ``item`` (a backend may list from a copy)."""
        ...

    def download(self, item: QueueItem, filename: str, dest: Path, *, size: int) -> Path: ...

    def publish_result(self, item: QueueItem, result: DeviceResult) -> str: ...

    def read_result(self, item: QueueItem, device_id: str) -> DeviceResult | None: ...

    def close(self) -> None: ...


def open_queue(
    url: QueueURL | str,
    *,
    cache_path: Path | None = None,
    client: GitHub | None = None,
    subscriber: Subscriber | None = None,
    warn: Callable[[str], None] | None = None,
) -> Backend:
    """The backend for ``url``; a ``hub:`` subscription needs its ``subscriber`` (the
    device: its id, its outbox, which items it still wants); ``warn`` hears of a damaged
    ETag cache (discarded)."""
    parsed = url if isinstance(url, QueueURL) else QueueURL.parse(url)
    if parsed.scheme == "dir":
        from woaport.devicequeue.local import DirQueue

        return DirQueue(parsed)
    from woaport.devicequeue.github import GitHubQueue
    from woaport.github import GitHub
    from woaport.http import EtagCache

    client = client or GitHub(cache=EtagCache.load(cache_path, warn))
    if parsed.scheme == "hub":
        from woaport.devicequeue.hub import HubQueue

        if subscriber is None:
            raise BadInput(
                f"queue {parsed}: a hub subscription is for devices (woaport device poll)"
            )
        return HubQueue(parsed, client, subscriber)
    return GitHubQueue(parsed, client)


def checked_item_id(item_id: str, manifest: Manifest, where: str) -> str:
    """An item id read from a queue (a folder or tag name): well-formed, and the one the
    manifest itself names. Raises BadInput otherwise."""
    if not ITEM_ID.match(item_id) or name_problem(item_id) is not None:
        raise BadInput(f"{where}: {item_id[:80]!r} is not a queue item id")
    if manifest.item_id != item_id:
        raise BadInput(f"{where}: the manifest names item {manifest.item_id!r}, not {item_id!r}")
    return item_id
