"""The device fleet's documents: the hub's index, a device's heartbeat, the fleet's record.

* :class:`HubIndex` (``device-index.json`` on the hub's ``woaport-devices`` branch): the
  items awaiting device validation, one per fork, each with what a device needs to fetch
  and check it without asking anyone else (fork, item id, manifest digest, artifacts with
  their sha256, the wheel's tags) and the devices whose results the hub has collected.
  A device polls this one document.
* :class:`Heartbeat` (``woaport/devices/<device>.json`` in the device's outbox): when it
  last checked in, its woaport and its Pythons.
* :class:`FleetStatus` (``inventory/fleet.json``, written by the controller): each
  registered device, what it reported, what was ignored and why.

Schemas: ``woaport/data/hub-index``, ``heartbeat`` and ``fleet``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from woaport.documents.base import Document
from woaport.documents.device_result import Interpreter
from woaport.documents.manifest import ArtifactRecord
from woaport.documents.verdicts import Verdict

INDEX_VERSION = 1
HEARTBEAT_VERSION = 1
FLEET_VERSION = 1


@dataclass(frozen=True, kw_only=True)
class IndexItem(Document):
    """One item awaiting device validation, as the hub lists it."""

    fork: str  # OWNER/REPO: the github: queue that holds it
    item_id: str
    package: str
    version: str
    manifest_sha256: str  # the digest of the manifest the hub read (Manifest.digest)
    artifacts: tuple[ArtifactRecord, ...]
    tags: tuple[str, ...]  # the under-test wheel's tags, e.g. cp312-cp312-win_arm64
    reported: tuple[str, ...] = ()  # devices whose results the hub has collected


@dataclass(frozen=True, kw_only=True)
class HubIndex(Document):
    SCHEMA = "hub-index"

    index_version: int
    hub: str
    updated: str  # when the list of items last changed
    items: tuple[IndexItem, ...] = ()

    def by_id(self) -> dict[str, IndexItem]:
        return {i.item_id: i for i in self.items}


@dataclass(frozen=True, kw_only=True)
class Heartbeat(Document):
    SCHEMA = "heartbeat"

    heartbeat_version: int
    device_id: str
    seen: str
    woaport_version: str
    pythons: tuple[Interpreter, ...] = ()
    hubs: tuple[str, ...] = ()  # the hubs it subscribes to


@dataclass(frozen=True, kw_only=True)
class CollectedResult(Document):
    """A device result the controller accepted (read from the device's outbox)."""

    item_id: str
    package: str
    version: str
    verdict: Verdict
    reason: str
    finished: str
    under_test_sha256: str
    blob: str  # the outbox blob it was read from
    python: str | None = None  # "3.12.7", when the result names its interpreter
    native_vs_emulated: float | None = None  # the emulation comparison's ratio, if measured


@dataclass(frozen=True, kw_only=True)
class IgnoredResult(Document):
    """A file in an outbox the controller did not count, and why."""

    device_id: str
    path: str
    blob: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class DeviceRecord(Document):
    owner: str
    outbox: str
    hardware: str
    schedule: str  # how often the device checks in (a duration: 6h, 1d)
    last_seen: str | None = None
    silent: bool = False  # not seen for longer than its schedule at the last collection
    woaport_version: str | None = None
    pythons: tuple[str, ...] = ()  # "3.12.7 ARM64"
    heartbeat_blob: str | None = None
    results: dict[str, CollectedResult] = field(default_factory=dict)  # by outbox path

    def counts(self) -> dict[str, int]:
        """Items validated, and how many passed, failed (anything else) or were skipped."""
        verdicts = [r.verdict for r in self.results.values()]
        passed = sum(v is Verdict.PASS for v in verdicts)
        skipped = sum(v is Verdict.SKIPPED for v in verdicts)
        return {
            "validated": len(verdicts),
            "pass": passed,
            "fail": len(verdicts) - passed - skipped,
            "skipped": skipped,
        }


@dataclass(frozen=True, kw_only=True)
class FleetStatus(Document):
    SCHEMA = "fleet"

    fleet_version: int = FLEET_VERSION
    updated: str | None = None
    hub: str | None = None
    devices: dict[str, DeviceRecord] = field(default_factory=dict)
    ignored: tuple[IgnoredResult, ...] = ()
