"""The laptop's side: poll the queues, validate the exact artifacts, report back.

A poll is crash-safe. Each item's progress is saved (atomically) before every step that
cannot be undone: ``running`` before the contract starts, the finished result written to
disk and ``publishing`` saved before it is uploaded, ``done`` after. A poll killed at any
point resumes on the next one: an interrupted run is run again, a result that was written
but not uploaded is uploaded, and a result already on the queue is never uploaded twice
(there is one ``result-<device>.json`` per item and device). One poll runs at a time
(a file lock in the state folder).
"""

from __future__ import annotations

import dataclasses
import fnmatch
import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from filelock import FileLock, Timeout

from woaport import __version__, credentials, devicequeue, procs
from woaport.artifacts import Role
from woaport.bounded import read_json
from woaport.contract import Contract, from_dict
from woaport.devicequeue import Backend, QueueItem, QueueURL
from woaport.documents.base import canonical_json
from woaport.documents.contract_report import ContractReport
from woaport.documents.device_result import (
    RESULT_VERSION,
    DeviceResult,
    EmulationComparison,
    Interpreter,
)
from woaport.documents.manifest import Manifest
from woaport.documents.verdicts import Verdict
from woaport.errors import BadInput, Corrupted, WoaportError
from woaport.files import sha256_file, utc_now, write_atomic
from woaport.interpreters import Choice, Discovery, Python, choose, discover, no_match
from woaport.limits import MAX_CACHE_BYTES
from woaport.safepath import child, name_problem
from woaport.settings import DeviceConfig

STEP_LEDGER = "running-steps"  # the processes of running steps (procs.reap_leftovers)

if TYPE_CHECKING:
    from woaport.devicequeue.hub import Subscriber
    from woaport.documents.fleet import IndexItem


@dataclass
class State:
    path: Path
    items: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path, log: Callable[[str], None] | None = None) -> State:
        """The saved state. A damaged file is kept aside for a human and the poll starts
        afresh (results on the queue still prevent double publishing); an entry of the
        wrong shape is dropped (its item is looked at again)."""
        if not path.is_file():
            return cls(path=path)
        try:
            document = read_json(path, error=BadInput, max_bytes=MAX_CACHE_BYTES)
            items = document["items"] if isinstance(document, dict) else None
            if not isinstance(items, dict):
                raise BadInput(f"{path}: `items` is not a table")
        except BadInput as exc:
            aside = path.with_suffix(f".damaged-{int(time.time())}")
            path.replace(aside)
            if log is not None:
                log(f"warning: {exc.message}; kept as {aside.name}, starting afresh")
            return cls(path=path)
        kept = {key: entry for key, entry in items.items() if _entry_ok(entry)}
        if len(kept) != len(items) and log is not None:
            log(f"warning: {path}: {len(items) - len(kept)} damaged entries dropped")
        return cls(path=path, items=kept)

    def save(self) -> None:
        write_atomic(self.path, json.dumps({"version": 1, "items": self.items}, indent=1).encode())


STATUSES = ("new", "refused", "running", "retry", "publishing", "done", "failed")


def _entry_ok(entry: Any) -> bool:
    """A state entry this poller can act on (what it saved itself)."""
    return (
        isinstance(entry, dict)
        and entry.get("status") in STATUSES
        and isinstance(entry.get("attempts", 0), int)
        and isinstance(entry.get("next_attempt", 0), int | float)
    )


@dataclass
class PollSummary:
    seen: int = 0
    validated: list[str] = field(default_factory=list)
    published: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    retrying: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # items no interpreter here can run
    queue_errors: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return dict(vars(self))


def allowed(item: QueueItem, queue_url: QueueURL, allow: tuple[str, ...]) -> tuple[bool, str]:
    """Every source the item names must be on the allow-list (glob patterns allowed)."""
    sources = []
    if queue_url.repository:
        sources.append(queue_url.repository)
    repo = item.manifest.provenance.repository
    if repo:
        sources.append(repo)
    if not sources:
        sources.append(str(queue_url))
    for source in sources:
        if not any(
            fnmatch.fnmatchcase(source, pattern) or pattern == str(queue_url) for pattern in allow
        ):
            return False, f"{source} is not on the allow-list ({', '.join(allow) or 'empty'})"
    return True, ""


class Poller:
    def __init__(
        self,
        config: DeviceConfig,
        log: Callable[[str], None],
        clock: Callable[[], float] = time.time,
    ):
        self.config = config
        self.clock = clock
        self.state_dir = config.state_dir
        self._log = log
        self.log_file = self.state_dir / "logs" / "poll.log"
        self._interpreters_seen = ""
        self._discovery: Discovery | None = None

    def log(self, message: str) -> None:
        self._log(message)
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        with self.log_file.open("a", encoding="utf-8") as fh:
            fh.write(f"{utc_now()} {message}\n")

    def poll(self, *, wait_for_lock: float = -1) -> PollSummary:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.state_dir / "poll.lock"))
        try:
            lock.acquire(timeout=wait_for_lock)
        except Timeout:
            raise BadInput(
                f"another poll holds {self.state_dir / 'poll.lock'}; try again later"
            ) from None
        try:
            return self._poll()
        finally:
            lock.release()

    def _poll(self) -> PollSummary:
        summary = PollSummary()
        state = State.load(self.state_dir / "state.json", log=self.log)
        shutil.rmtree(self.state_dir / "work", ignore_errors=True)  # left by a killed poll
        for leftover in procs.reap_leftovers(self.state_dir / STEP_LEDGER):  # and its steps
            self.log(f"killed process {leftover.pid}, left running by an interrupted poll")
        for url in self.config.queues:
            cache = self.state_dir / "etags.json"
            client = credentials.github_client(url, cache, self.log)  # token: credential store, env
            queue = devicequeue.open_queue(
                url,
                cache_path=cache,
                client=client,
                subscriber=self._subscriber(state),
                warn=self.log,
            )
            try:
                try:
                    listing = queue.items()
                except WoaportError as exc:
                    summary.queue_errors.append(f"{url}: {exc.message}")
                    self.log(f"{url}: cannot list the queue: {exc.message}")
                    continue
                for problem in listing.skipped:
                    summary.queue_errors.append(problem)
                    self.log(f"skipped an unreadable item: {problem}")
                for item in listing.items:
                    summary.seen += 1
                    try:
                        self._process(queue, item, state, summary)
                    except (WoaportError, OSError) as exc:  # one bad item never stops the poll
                        message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
                        summary.queue_errors.append(f"{item.item_id}: {message}")
                        self.log(f"{item.item_id}: {message}")
            finally:
                queue.close()
        state.save()
        self.log(
            f"poll done: {summary.seen} item(s), validated {len(summary.validated)}, "
            f"published {len(summary.published)}, refused {len(summary.refused)}, "
            f"retrying {len(summary.retrying)}, failed {len(summary.failed)}"
        )
        return summary

    def _subscriber(self, state: State) -> Subscriber | None:
        """Who this device is to a hub: subscription (its outbox, the items it still wants:
        not done or given up here, not reported to the hub, from an allowed fork)."""
        if self.config.outbox is None:
            return None
        from woaport.devicequeue.hub import Subscriber

        def wanted(url: str, listed: IndexItem) -> bool:
            entry = state.items.get(self._key(url, listed.item_id), {})
            if entry.get("status") in ("done", "failed"):
                return False
            if self.config.device_id in listed.reported and entry.get("status") != "publishing":
                return False
            if entry.get("status") == "retry" and entry.get("next_attempt", 0) > self.clock():
                return False  # not due: no need to read it from its fork
            return any(fnmatch.fnmatchcase(listed.fork, p) for p in self.config.allow)

        return Subscriber(
            device_id=self.config.device_id,
            outbox=self.config.outbox,
            state_dir=self.state_dir,
            wanted=wanted,
            log=self.log,
            heartbeat_every=self.config.heartbeat,
            pythons=lambda: tuple(
                # the file's name only: the outbox is public, a home folder is not
                dataclasses.replace(p.record(), executable=Path(p.path).name)
                for p in self._interpreters().pythons
            ),
        )

    def _key(self, url: object, item_id: str) -> str:
        return f"{self.config.device_id}@{url}#{item_id}"

    def _process(self, queue: Backend, item: QueueItem, state: State, summary: PollSummary) -> None:
        key = self._key(queue.url, item.item_id)
        entry = state.items.setdefault(key, {"status": "new", "attempts": 0})
        if entry["status"] == "refused":
            # Decided against the allow-list of the time: decide again, it may have changed.
            entry["status"] = "new"
        if entry["status"] in ("done", "failed"):
            return
        if self.config.device_id in item.results and entry["status"] != "publishing":
            entry.update(status="done", note="result already on the queue")
            state.save()
            return
        ok, reason = allowed(item, queue.url, self.config.allow)
        if not ok:
            entry.update(status="refused", reason=reason)
            state.save()
            summary.refused.append(item.item_id)
            self.log(f"{item.item_id}: refused: {reason}")
            return
        result_file = child(self.state_dir / "results", f"{item.item_id}.json", "queue item id")
        if entry["status"] == "publishing" and result_file.is_file():
            self._publish(queue, item, entry, state, result_file, summary)
            return
        if entry.get("next_attempt", 0) > self.clock():
            return
        entry["attempts"] = entry.get("attempts", 0) + 1
        entry.update(status="running", started=utc_now())
        state.save()  # a kill from here on is seen as an interrupted attempt
        self.log(f"{item.item_id}: validating (attempt {entry['attempts']})")
        try:
            result = self._validate(queue, item)
        except (WoaportError, OSError) as exc:
            message = (
                exc.message if isinstance(exc, WoaportError) else f"{type(exc).__name__}: {exc}"
            )
            if entry["attempts"] < self.config.max_attempts:
                delay = self.config.retry_base * 2 ** (entry["attempts"] - 1)
                entry.update(status="retry", next_attempt=self.clock() + delay, reason=message)
                state.save()
                summary.retrying.append(item.item_id)
                self.log(
                    f"{item.item_id}: attempt {entry['attempts']} failed ({message}); retry in {delay:.0f}s"
                )
                return
            result = self._result(
                item,
                Verdict.ERROR,
                reason=f"gave up after {entry['attempts']} attempts: {message}",
            )
            entry["final"] = "failed"
        write_atomic(result_file, json.dumps(result.to_json(), indent=1).encode())
        entry.update(status="publishing", verdict=str(result.verdict))
        state.save()
        summary.validated.append(item.item_id)
        if result.verdict is Verdict.SKIPPED:
            summary.skipped.append(item.item_id)
        self._publish(queue, item, entry, state, result_file, summary)

    def _publish(
        self,
        queue: Backend,
        item: QueueItem,
        entry: dict[str, Any],
        state: State,
        result_file: Path,
        summary: PollSummary,
    ) -> None:
        try:
            result = DeviceResult.from_json(read_json(result_file), str(result_file))
            where = queue.publish_result(item, result)
        except (WoaportError, OSError, ValueError) as exc:
            message = exc.message if isinstance(exc, WoaportError) else str(exc)
            self.log(
                f"{item.item_id}: result kept locally, upload failed ({message}); next poll retries"
            )
            summary.retrying.append(item.item_id)
            return
        entry.update(status=entry.pop("final", "done"), published=utc_now(), where=where)
        state.save()
        summary.published.append(item.item_id)
        if entry["status"] == "failed":
            summary.failed.append(item.item_id)
        self.log(f"{item.item_id}: {entry.get('verdict')} -> {where}")

    def _validate(self, queue: Backend, item: QueueItem) -> DeviceResult:
        work = child(self.state_dir / "items", item.item_id, "queue item id")
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        try:
            manifest = queue.authoritative_manifest(item, work)
        except Corrupted as exc:  # e.g. not the manifest the hub listed
            return self._tampered(item, exc.message)
        if canonical_json(manifest.to_json()) != canonical_json(item.manifest.to_json()):
            return self._tampered(item, "the listed manifest and manifest.json disagree")
        for artifact in manifest.artifacts:
            problem = name_problem(artifact.filename)
            if problem is not None:
                return self._tampered(item, f"artifact {artifact.filename[:80]!r} {problem}")
        # Which interpreter installs these wheels, before anything is downloaded: an item for
        # a Python this laptop does not have is skipped, never run (and failed) on another.
        choice = self._interpreter_for(item, [a.filename for a in manifest.artifacts])
        if not isinstance(choice, Choice):
            return self._result(item, Verdict.SKIPPED, reason=choice)
        paths: dict[Role, list[Path]] = {role: [] for role in Role}
        for artifact in manifest.artifacts:
            path = queue.download(
                item, artifact.filename, child(work, artifact.filename), size=artifact.size
            )
            size, digest = path.stat().st_size, sha256_file(path)
            if size != artifact.size or digest != artifact.sha256:
                path.unlink(missing_ok=True)  # never installed
                return self._tampered(
                    item,
                    f"{artifact.filename}: sha256 {digest} ({size} bytes), the manifest says "
                    f"{artifact.sha256} ({artifact.size} bytes)",
                )
            paths[artifact.role].append(path)
        contract = from_dict(manifest.contract, source=f"{item.item_id} manifest")
        if contract.sha256 != manifest.contract_sha256:
            return self._tampered(item, "the embedded contract does not match its sha256")
        refusal = self._provenance(queue, item, manifest, work)
        if refusal is not None:
            self.log(f"{item.item_id}: UNVERIFIED: {refusal}; nothing was installed")
            return self._result(item, Verdict.UNVERIFIED, reason=refusal)
        from woaport.runner import RunRequest, run_contract

        request = RunRequest(
            contract=contract,
            wheels=tuple(paths[Role.UNDER_TEST] + paths[Role.EXTRA]),
            staged=tuple(paths[Role.STAGED]),
            mode="device",
            python=choice.python.path,
            installer=self.config.installer,
            index_url=self.config.index_url,
            work_parent=self.state_dir / "work",
            ledger=self.state_dir / STEP_LEDGER,
        )
        interpreter = choice.record()
        try:
            report = run_contract(request, progress=lambda m: self.log(f"{item.item_id}: {m}"))
        except BadInput as exc:
            return self._result(item, Verdict.ERROR, reason=exc.message, interpreter=interpreter)
        emulation = self._emulation(item, manifest, contract, choice, report, work)
        shutil.rmtree(work, ignore_errors=True)
        return self._result(
            item, report.verdict, report=report, interpreter=interpreter, emulation=emulation
        )

    def _emulation(
        self,
        item: QueueItem,
        manifest: Manifest,
        contract: Contract,
        choice: Choice,
        report: ContractReport,
        work: Path,
    ) -> EmulationComparison | None:
        """Native vs emulated: the benchmark steps again under an emulated interpreter, with
        the package's x64 wheel of the same version from the index (woaport.emulation)."""
        found = self._discovery
        if found is None or not found.emulated:
            return None
        from woaport import emulation
        from woaport.http import download, make_session
        from woaport.index import default_index_url, fetch_files
        from woaport.runner import RunRequest, run_contract

        index_url = self.config.index_url or default_index_url()
        session = make_session()

        def run_benchmarks(benchmarks: Contract, wheel: Path, python: Python) -> ContractReport:
            request = RunRequest(
                contract=benchmarks,
                wheels=(wheel,),
                staged=(),
                mode="device",
                python=python.path,
                installer=self.config.installer,
                index_url=self.config.index_url,
                work_parent=self.state_dir / "work",
            )
            return run_contract(request, progress=lambda m: self.log(f"{item.item_id}: {m}"))

        comparison = emulation.run(
            emulation.Request(
                contract=contract,
                package=manifest.package,
                version=manifest.version,
                native=choice.python,
                native_report=report,
                emulated=found.emulated,
                index_url=index_url,
                installer=self.config.installer,
                work=work / "emulated",
            ),
            list_files=lambda name: fetch_files(session, index_url, name),
            download=lambda file, target: download(session, file.url, target, sha256=file.sha256),
            run_benchmarks=run_benchmarks,
            progress=lambda m: self.log(f"{item.item_id}: {m}"),
        )
        if comparison is not None:
            ratio = comparison.ratio
            self.log(
                f"{item.item_id}: emulated run {comparison.verdict}"
                + (f", native/emulated {ratio:.2f}" if ratio is not None else "")
                + (f": {comparison.reason}" if comparison.reason else "")
            )
        return comparison

    def _interpreters(self) -> Discovery:
        """This laptop's interpreters, found again for each item (probes are cached by
        file, so a Python installed between two items is seen by the second)."""
        found = discover(
            self.config.python,
            self.config.pythons,
            self.config.emulated_pythons,
            cache_path=self.state_dir / "interpreters.json",
            progress=self.log,
        )
        self._discovery = found
        described = found.describe()
        if described != self._interpreters_seen:
            self._interpreters_seen = described
            self.log(f"interpreters: {described}")
        return found

    def _interpreter_for(self, item: QueueItem, filenames: list[str]) -> Choice | str:
        """The interpreter to run the item with, or why there is none (the skip reason)."""
        found = self._interpreters()
        choice = choose(found.native, filenames)
        if choice is None:
            reason = no_match(found, filenames)
            self.log(f"{item.item_id}: SKIPPED: {reason}")
            return reason
        self.log(
            f"{item.item_id}: runs with {choice.python.describe()}, "
            f"matching {', '.join(choice.matched)}"
        )
        return choice

    def _provenance(
        self, queue: Backend, item: QueueItem, manifest: Manifest, work: Path
    ) -> str | None:
        """Where each artifact was built, checked before anything is installed: None when
        the policy lets the item run, else the reason it may not."""
        from woaport import provenance as prov

        mode = (
            prov.PolicyMode(self.config.provenance)
            if self.config.provenance
            else prov.default_mode(str(queue.url))
        )
        if mode is prov.PolicyMode.OFF:
            return None
        source = queue.url.repository or manifest.provenance.repository or ""
        hub = self.config.hub
        if hub is None or not source:
            reason = (
                "no hub is configured to have signed the wheels (set --hub OWNER/REPO)"
                if hub is None
                else "the item names no source repository, so its signer cannot be checked"
            )
            if mode is prov.PolicyMode.REQUIRE:
                return reason
            self.log(f"{item.item_id}: provenance not checked: {reason}")
            return None
        expect = prov.Expectation(
            hub=hub,
            accepted_refs=self.config.hub_refs,
            source_repository=source,
            allow=self.config.allow,
            mode=mode,
        )
        bundles: dict[str, bytes] = {}
        for artifact in manifest.artifacts:
            bundle = None
            name = artifact.attestation
            if name is not None:
                if name_problem(name) is not None:
                    return f"{artifact.filename}: attestation {name[:80]!r} is not a file name"
                if name not in bundles:
                    path = queue.download(
                        item, name, child(work, name), size=prov.MAX_BUNDLE_BYTES // 2
                    )
                    bundles[name] = path.read_bytes()[: prov.MAX_BUNDLE_BYTES + 1]
                bundle = bundles[name]
            result = prov.verify_before_install(
                artifact=work / artifact.filename,
                sha256=artifact.sha256,
                bundle=bundle,
                expect=expect,
                trusted_root=prov.trusted_root_path(),
            )
            if not result.installable:
                return f"{artifact.filename}: {result.check} check failed: {result.reason}"
            if result.status is prov.Status.WARNED:
                self.log(f"{item.item_id}: provenance warning: {result.reason}")
        return None

    def _result(
        self,
        item: QueueItem,
        verdict: Verdict,
        *,
        reason: str = "",
        report: ContractReport | None = None,
        interpreter: Interpreter | None = None,
        emulation: EmulationComparison | None = None,
    ) -> DeviceResult:
        return DeviceResult(
            result_version=RESULT_VERSION,
            device_id=self.config.device_id,
            item_id=item.item_id,
            package=item.manifest.package,
            version=item.manifest.version,
            manifest_sha256=item.manifest.digest(),
            artifacts=item.manifest.artifacts,
            verdict=verdict,
            reason=reason,
            report=report,
            finished=utc_now(),
            woaport_version=__version__,
            interpreter=interpreter,
            emulation=emulation,
        )

    def _tampered(self, item: QueueItem, reason: str) -> DeviceResult:
        self.log(f"{item.item_id}: TAMPERED: {reason}; nothing was installed")
        return self._result(item, Verdict.TAMPERED, reason=reason)
