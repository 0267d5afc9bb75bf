"""The device fleet, from the hub's side: who is trusted (``devices.yml``), what is
published for devices (the index), and what they reported (their outboxes).

``inventory/devices.yml`` (beside packages.yml; schema ``woaport/data/devices.schema.json``)
names the hub and registers each device: its id, its owner, its outbox (a repository the
owner controls) and what hardware it is. Without it the controller works as before (results
in the forks' releases count). With it, one controller run also:

1. reads the hub's current index (one conditional request);
2. notes each fork's current queue item as the collectors see it (no request of its own),
   and ignores results found in forks' releases: anyone who can write a fork could put a
   ``result-<device>.json`` there;
3. reads each registered outbox's file listing (one conditional request per device, a 304
   while nothing moved) and each result it has not read before (one request per new
   result): a refresh that collects N new results costs about devices + N requests,
   whatever the number of forks. A result counts only when it names an item the hub
   listed, with that item's manifest digest and artifact sha256s, under the device's own
   folder; everything else is kept in ``fleet.json``'s ignored list with the reason;
4. writes the accepted results into the packages' facts (before the states are assessed);
5. publishes the new index, only when its items changed (one write);
6. writes ``inventory/fleet.json``, only when something in it changed.

A run killed at any point leaves what the last complete run wrote (every file is written
atomically, the index by one commit): the next run reads the same outboxes again and comes
to the same result, and a result is counted once (by its path and blob).
"""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.utils import InvalidWheelFilename, parse_wheel_filename

from woaport.artifacts import Role
from woaport.bounded import load_json, read_yaml
from woaport.devicequeue import QueueItem
from woaport.devicequeue.hub import INDEX_BRANCH, INDEX_PATH, read_index
from woaport.devicequeue.outbox import heartbeat_path, parse_result_path
from woaport.documents.device_result import DeviceResult, Interpreter
from woaport.documents.facts import DeviceFacts, PackageFacts
from woaport.documents.fleet import (
    INDEX_VERSION,
    CollectedResult,
    DeviceRecord,
    FleetStatus,
    Heartbeat,
    HubIndex,
    IgnoredResult,
    IndexItem,
)
from woaport.documents.states import State
from woaport.documents.status import Status
from woaport.errors import BadInput, InvalidDocument, WoaportError
from woaport.files import parse_utc, utc_now, write_atomic
from woaport.github import GitHub, GitHubNotFound, GitHubRefused

REGISTRY_FILE = "devices.yml"
FLEET_FILE = "fleet.json"
LEDGER_FILE = Path(".cache") / "fleet-ledger.json"
DEFAULT_SCHEDULE = "1d"
DEFAULT_BRANCH = "main"
MAX_RESULT = 4 << 20  # a result with its contract report; more is not one
MAX_IGNORED = 200
MAX_LEDGER = 50_000


# -- devices.yml ---------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class RegisteredDevice:
    id: str
    owner: str
    outbox: str
    hardware: str
    branch: str = DEFAULT_BRANCH
    schedule: str = DEFAULT_SCHEDULE

    @property
    def schedule_seconds(self) -> float:
        from woaport.settings import parse_duration

        return parse_duration(self.schedule)


@dataclass(frozen=True, kw_only=True)
class Registry:
    hub: str
    devices: tuple[RegisteredDevice, ...]


def check_registry(path: Path) -> list[str]:
    """Every problem in devices.yml, one line each, naming the place and the fix."""
    from woaport.documents.base import problems as schema_problems

    try:
        document = read_yaml(path, error=BadInput)
    except BadInput as exc:
        return [exc.message]
    found = schema_problems("devices", document, str(path))
    if found:
        return found
    problems: list[str] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(document["devices"]):
        if raw["id"] in seen:
            problems.append(
                f"{path}: devices.{i}.id: {raw['id']!r} is registered twice (first as "
                f"devices.{seen[raw['id']]}); give each device its own id"
            )
        seen.setdefault(raw["id"], i)
        schedule = raw.get("schedule", DEFAULT_SCHEDULE)
        try:
            _seconds(schedule)
        except BadInput as exc:
            problems.append(f"{path}: devices.{i}.schedule: {exc.message}")
    return problems


def _seconds(text: str) -> float:
    from woaport.settings import parse_duration

    return parse_duration(text)


def load_registry(path: Path) -> Registry | None:
    """devices.yml, validated; None when there is none (the fleet is off)."""
    if not path.is_file():
        return None
    problems = check_registry(path)
    if problems:
        more = (
            f" (and {len(problems) - 1} more: woaport inventory validate)" if problems[1:] else ""
        )
        raise BadInput(problems[0] + more)
    document = read_yaml(path, error=BadInput)
    return Registry(
        hub=document["hub"],
        devices=tuple(
            RegisteredDevice(
                id=d["id"],
                owner=d["owner"],
                outbox=d["outbox"],
                hardware=d["hardware"],
                branch=d.get("branch", DEFAULT_BRANCH),
                schedule=d.get("schedule", DEFAULT_SCHEDULE),
            )
            for d in document["devices"]
        ),
    )


def load_fleet(path: Path) -> FleetStatus | None:
    """``fleet.json``; None when there is none."""
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        raise InvalidDocument(f"{path}: not valid JSON; restore it from git") from None
    return FleetStatus.from_json(data, str(path))


# -- what the hub listed, remembered ---------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class Known:
    """An item the hub listed: what a result must name to count for it."""

    fork: str
    package: str
    version: str
    manifest_sha256: str
    artifacts: tuple[str, ...]  # sorted sha256s
    under_test: str


def known_from(listed: IndexItem) -> Known:
    (under_test,) = [a.sha256 for a in listed.artifacts if a.role is Role.UNDER_TEST] or [""]
    return Known(
        fork=listed.fork,
        package=listed.package,
        version=listed.version,
        manifest_sha256=listed.manifest_sha256,
        artifacts=tuple(sorted(a.sha256 for a in listed.artifacts)),
        under_test=under_test,
    )


class Ledger:
    """Every item the hub has listed (in the Actions cache beside the ETags, not
    committed), so that a result that arrives after its item left the index still counts.
    Losing it costs only that: the hub's current index refills it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.items: dict[str, Known] = {}
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
            for item_id, raw in loaded.items():
                self.items[item_id] = Known(**{**raw, "artifacts": tuple(raw["artifacts"])})
        except (OSError, ValueError, TypeError, AttributeError):
            pass

    def add(self, listed: Iterable[IndexItem]) -> None:
        for item in listed:
            self.items[item.item_id] = known_from(item)

    def save(self) -> None:
        kept = dict(list(self.items.items())[-MAX_LEDGER:])
        text = json.dumps({k: dataclasses.asdict(v) for k, v in kept.items()}, sort_keys=True)
        write_atomic(self.path, text.encode())


# -- one controller run ------------------------------------------------------------------------
AWAITING = (State.CI_VALIDATED, State.DEVICE_VALIDATED)


def awaits_devices(state: State, stage: str | None) -> bool:
    """An item a device should (still) run: CI passed it. More devices are welcome after a
    first pass, and after a device failed it (another may tell a flaky laptop apart)."""
    return state in AWAITING or (state is State.FAILING and stage == "device-contract")


def index_item(repo: str, item: QueueItem, reported: tuple[str, ...]) -> IndexItem:
    manifest = item.manifest
    try:
        tags = tuple(sorted(str(t) for t in parse_wheel_filename(manifest.under_test.filename)[3]))
    except (InvalidWheelFilename, ValueError):
        tags = ()
    return IndexItem(
        fork=repo,
        item_id=item.item_id,
        package=manifest.package,
        version=manifest.version,
        manifest_sha256=manifest.digest(),
        artifacts=manifest.artifacts,
        tags=tags,
        reported=reported,
    )


@dataclass
class FleetRun:
    """The fleet's part of one ``controller update`` (the controller calls, in order:
    :meth:`saw` from its collectors, :meth:`collect`, :meth:`merge`, :meth:`publish`,
    :meth:`save`)."""

    folder: Path
    registry: Registry
    progress: Callable[[str], None] = lambda message: None
    clock: Callable[[], str] = utc_now

    def __post_init__(self) -> None:
        self.previous = load_fleet(self.folder / FLEET_FILE) or FleetStatus(hub=self.registry.hub)
        self.ledger = Ledger(self.folder / LEDGER_FILE)
        self.lock = threading.Lock()
        self.seen: dict[str, IndexItem] = {}  # item id -> as it would be listed
        self.errors: list[str] = []
        self.ignored: dict[tuple[str, str], IgnoredResult] = {
            (i.device_id, i.path): i for i in self.previous.ignored
        }
        self.records: dict[str, DeviceRecord] = {}
        self.current: HubIndex | None = None
        self.current_sha = ""
        self.status: FleetStatus | None = None

    # -- 2. the collectors' hook ---------------------------------------------------------
    def saw(self, repo: str, item: QueueItem) -> None:
        """A fork's current queue item (called from the collectors' threads). Results in
        the fork's release are not counted: they are reported as ignored."""
        listed = index_item(repo, item, ())
        with self.lock:
            self.seen[item.item_id] = listed
            for device_id in item.results:
                path = f"{repo} release {item.item_id}: result-{device_id}.json"
                self.ignored[(device_id, path)] = IgnoredResult(
                    device_id=device_id[:63],
                    path=path,
                    blob="",
                    reason="a result in a fork's release; results count from registered "
                    "outboxes only (devices.yml)",
                )

    # -- 1 and 3: the index as it is, the outboxes -----------------------------------------
    def collect(self, github: GitHub) -> None:
        try:
            self.current, self.current_sha = read_index(github, self.registry.hub, None)
        except WoaportError as exc:
            self.errors.append(f"fleet: the hub's index {INDEX_PATH}: {exc.message}")
        if self.current is not None:
            self.ledger.add(self.current.items)
        for device in self.registry.devices:
            self.records[device.id] = self._collect_device(github, device)

    def _collect_device(self, github: GitHub, device: RegisteredDevice) -> DeviceRecord:
        old = self.previous.devices.get(device.id)
        record = DeviceRecord(
            owner=device.owner,
            outbox=device.outbox,
            hardware=device.hardware,
            schedule=device.schedule,
            last_seen=old.last_seen if old else None,
            woaport_version=old.woaport_version if old else None,
            pythons=old.pythons if old else (),
            heartbeat_blob=old.heartbeat_blob if old else None,
            results=dict(old.results) if old and old.outbox == device.outbox else {},
        )
        try:
            files = github.tree_files(device.outbox, device.branch)
            if files is None:
                raise GitHubNotFound(
                    f"no branch {device.branch!r}; set `branch:` in devices.yml to the "
                    "outbox's default branch"
                )
            record = self._read_outbox(github, device, record, files)
        except WoaportError as exc:  # the device's last known record stands, marked here
            self.errors.append(f"fleet: {device.id}: outbox {device.outbox}: {exc.message}")
        return self._seen_and_silent(device, record)

    def _read_outbox(
        self,
        github: GitHub,
        device: RegisteredDevice,
        record: DeviceRecord,
        files: Mapping[str, str],
    ) -> DeviceRecord:
        results: dict[str, CollectedResult] = {}
        beat = files.get(heartbeat_path(device.id))
        if beat is not None and beat != record.heartbeat_blob:
            record = self._heartbeat(github, device, record, beat)
        for path, blob in sorted(files.items()):
            parsed = parse_result_path(path)
            if parsed is None:
                continue
            device_id, item_id = parsed
            old = record.results.get(path)
            if old is not None and old.blob == blob:
                results[path] = old  # read on an earlier run: no request
                continue
            known_ignored = self.ignored.get((device.id, path))
            if known_ignored is not None and known_ignored.blob == blob:
                continue
            if device_id != device.id:
                if device_id not in self._sharing(device.outbox):
                    self._ignore(device.id, path, blob, f"device {device_id!r} is not registered")
                continue  # another registered device's folder in a shared outbox
            verdict = self._judge(github, device, path, blob, item_id)
            if isinstance(verdict, str):
                self._ignore(device.id, path, blob, verdict)
            else:
                results[path] = verdict
                self.ignored.pop((device.id, path), None)
        return dataclasses.replace(record, results=results)

    def _sharing(self, outbox: str) -> set[str]:
        """The registered devices that write to ``outbox`` (an owner may have several)."""
        return {d.id for d in self.registry.devices if d.outbox.lower() == outbox.lower()}

    def _heartbeat(
        self, github: GitHub, device: RegisteredDevice, record: DeviceRecord, blob: str
    ) -> DeviceRecord:
        path = heartbeat_path(device.id)
        try:
            data = github.blob(device.outbox, blob, max_bytes=1 << 20)
            where = f"{device.outbox} {path}"
            beat = Heartbeat.from_json(load_json(data, where), where)
        except (WoaportError, ValueError, RecursionError) as exc:
            message = getattr(exc, "message", None) or "not JSON"
            self._ignore(device.id, path, blob, f"not a valid heartbeat: {message}")
            return dataclasses.replace(record, heartbeat_blob=blob)
        if beat.device_id != device.id:
            self._ignore(device.id, path, blob, f"a heartbeat of device {beat.device_id!r}")
            return dataclasses.replace(record, heartbeat_blob=blob)
        pythons = tuple(_python_words(p) for p in beat.pythons)
        return dataclasses.replace(
            record,
            heartbeat_blob=blob,
            last_seen=_latest(record.last_seen, beat.seen),
            woaport_version=beat.woaport_version,
            pythons=tuple(dict.fromkeys(pythons)),
        )

    def _judge(
        self, github: GitHub, device: RegisteredDevice, path: str, blob: str, item_id: str
    ) -> CollectedResult | str:
        """The result at ``path`` if it counts, else why not (one request: its blob)."""
        where = f"{device.outbox} {path}"
        try:
            data = github.blob(device.outbox, blob, max_bytes=MAX_RESULT)
        except GitHubRefused as exc:
            return f"cannot be read: {exc.message}"
        try:
            result = DeviceResult.from_json(load_json(data, where), where)
        except InvalidDocument as exc:
            return f"not a valid device result: {exc.message}"
        except (ValueError, RecursionError):
            return "not a valid device result: not JSON"
        if result.device_id != device.id:
            return f"it names device {result.device_id!r}, not {device.id!r}"
        if result.item_id != item_id:
            return f"it names item {result.item_id!r}, not the {item_id!r} its path says"
        with self.lock:
            known = self.ledger.items.get(item_id)
        if known is None:
            return f"item {item_id!r} is not one the hub listed"
        if result.manifest_sha256 != known.manifest_sha256:
            return (
                f"it names manifest {result.manifest_sha256[:16]}, the hub listed "
                f"{known.manifest_sha256[:16]} for {item_id}"
            )
        if tuple(sorted(a.sha256 for a in result.artifacts)) != known.artifacts:
            return f"it names artifacts the hub does not know for {item_id}"
        python = _python_words(result.interpreter) if result.interpreter else None
        return CollectedResult(
            item_id=item_id,
            package=result.package,
            version=result.version,
            verdict=result.verdict,
            reason=result.reason[:500],
            finished=result.finished,
            under_test_sha256=known.under_test,
            blob=blob,
            python=python,
            native_vs_emulated=result.emulation.ratio if result.emulation else None,
        )

    def _ignore(self, device_id: str, path: str, blob: str, reason: str) -> None:
        self.progress(f"fleet: ignored {device_id}: {path}: {reason}")
        self.ignored[(device_id, path)] = IgnoredResult(
            device_id=device_id, path=path, blob=blob, reason=reason
        )

    def _seen_and_silent(self, device: RegisteredDevice, record: DeviceRecord) -> DeviceRecord:
        last = record.last_seen
        pythons = list(record.pythons)
        for result in record.results.values():
            last = _latest(last, result.finished)
            if result.python and result.python not in pythons:
                pythons.append(result.python)
        now = parse_utc(self.clock())
        seen = parse_utc(last)
        silent = (
            seen is None or now is None or (now - seen).total_seconds() > device.schedule_seconds
        )
        return dataclasses.replace(record, last_seen=last, silent=silent, pythons=tuple(pythons))

    # -- 4. results into the facts -------------------------------------------------------
    def merge(self, facts: dict[str, PackageFacts]) -> dict[str, PackageFacts]:
        """Each package's device facts: the accepted results for its current item and its
        exact artifact, from the registered outboxes only."""
        by_item: dict[str, dict[str, CollectedResult]] = {}
        for device_id, record in self.records.items():
            for result in record.results.values():
                by_item.setdefault(result.item_id, {})[device_id] = result
        merged = dict(facts)
        for key, package in facts.items():
            queue = package.queue
            if queue is None or queue.item_id is None:
                continue
            devices = {
                device_id: DeviceFacts(
                    verdict=result.verdict,
                    finished=result.finished,
                    reason=result.reason,
                    native_vs_emulated=result.native_vs_emulated,
                )
                for device_id, result in sorted(by_item.get(queue.item_id, {}).items())
                if result.under_test_sha256 == queue.artifact_sha256
            }
            merged[key] = dataclasses.replace(
                package, queue=dataclasses.replace(queue, devices=devices)
            )
        return merged

    # -- 5. the index -------------------------------------------------------------------
    def build_index(self, status: Status, forks: Mapping[str, str]) -> tuple[IndexItem, ...]:
        """The items awaiting devices: each fork's current item that CI passed (``forks``:
        package key -> fork repository). An item seen in this run is listed as seen; one
        whose fork could not be read this time stays as the hub last listed it."""
        reported: dict[str, set[str]] = {}
        for device_id, record in self.records.items():
            for result in record.results.values():
                reported.setdefault(result.item_id, set()).add(device_id)
        listed_before = self.current.by_id() if self.current else {}
        items = []
        for key, repo in sorted(forks.items()):
            entry = status.packages.get(key)
            if entry is None or not awaits_devices(entry.state, entry.stage):
                continue
            queue = entry.facts.queue
            if queue is None or queue.item_id is None:
                continue
            base = self.seen.get(queue.item_id) or listed_before.get(queue.item_id)
            if base is None or base.fork.lower() != repo.lower():
                continue
            items.append(
                dataclasses.replace(base, reported=tuple(sorted(reported.get(base.item_id, ()))))
            )
        return tuple(items)

    def publish(self, github: GitHub, status: Status, forks: Mapping[str, str]) -> None:
        """Write the index when its items changed: one commit on the hub's index branch."""
        items = self.build_index(status, forks)
        self.ledger.add(items)
        if self.current is not None and [i.to_json() for i in self.current.items] == [
            i.to_json() for i in items
        ]:
            return
        index = HubIndex(
            index_version=INDEX_VERSION, hub=self.registry.hub, updated=self.clock(), items=items
        )
        data = (json.dumps(index.to_json(), indent=1, sort_keys=True) + "\n").encode()
        message = f"woaport: device index, {len(items)} item(s) awaiting devices"
        hub = self.registry.hub
        try:
            try:
                github.put_file(
                    hub,
                    INDEX_PATH,
                    data,
                    message=message,
                    sha=self.current_sha or None,
                    branch=INDEX_BRANCH,
                )
            except GitHubNotFound:  # no index branch yet: make it, holding the index only
                blob = github.create_blob(hub, data.decode())
                tree = github.create_tree(
                    hub, None, [{"path": INDEX_PATH, "mode": "100644", "type": "blob", "sha": blob}]
                )
                commit = github.create_commit(hub, message=message, tree=tree, parents=[])
                github.create_ref(hub, f"refs/heads/{INDEX_BRANCH}", commit)
            self.progress(f"fleet: published the device index ({len(items)} item(s))")
        except WoaportError as exc:
            self.errors.append(f"fleet: publishing the device index to {hub}: {exc.message}")

    # -- 6. fleet.json ------------------------------------------------------------------
    def save(self) -> bool:
        """Write fleet.json when something in it changed (and the ledger); True if written."""
        ignored = sorted(self.ignored.values(), key=lambda i: (i.device_id, i.path))
        status = FleetStatus(
            hub=self.registry.hub,
            updated=self.previous.updated,
            devices={d.id: self.records.get(d.id) or _record(d) for d in self.registry.devices},
            ignored=tuple(ignored[-MAX_IGNORED:]),
        )
        self.ledger.save()
        path = self.folder / FLEET_FILE
        if _comparable(status.to_json()) == _comparable(self.previous.to_json()) and path.is_file():
            self.status = self.previous
            return False
        status = dataclasses.replace(status, updated=self.clock())
        write_atomic(path, (json.dumps(status.to_json(), indent=1, sort_keys=True) + "\n").encode())
        self.status = status
        return True


def _python_words(python: Interpreter) -> str:
    """``3.12.7 win_arm64``, ``3.12.7 win_amd64 emulated``: how the fleet view names one."""
    words = [python.version[:40], python.platform[:40], "emulated" if python.emulated else ""]
    return " ".join(w for w in words if w)


def _record(device: RegisteredDevice) -> DeviceRecord:
    return DeviceRecord(
        owner=device.owner,
        outbox=device.outbox,
        hardware=device.hardware,
        schedule=device.schedule,
        silent=True,
    )


def _comparable(document: dict[str, Any]) -> str:
    return json.dumps({**document, "updated": None}, sort_keys=True)


def _latest(a: str | None, b: str | None) -> str | None:
    moments = [(parse_utc(t), t) for t in (a, b) if t and parse_utc(t) is not None]
    return max(moments)[1] if moments else (a or b)


def start(folder: Path, progress: Callable[[str], None] = lambda m: None) -> FleetRun | None:
    """The fleet's part of a controller run, when ``folder`` has a devices.yml."""
    registry = load_registry(folder / REGISTRY_FILE)
    if registry is None:
        return None
    progress(f"fleet: {len(registry.devices)} registered device(s), hub {registry.hub}")
    return FleetRun(folder=folder, registry=registry, progress=progress)
