"""The scheduled controller: collect the facts, assess the states, write status.json,
history.json, the README and the status page. Never writes packages.yml.

Which packages: the top N of PyPI by downloads (:mod:`woaport.toppypi`; the committed
snapshot when the list cannot be fetched) and everything packages.yml lists. Facts come
from four sources per package: the package index (what the latest release offers Windows
on Arm, and what it requires there: :mod:`woaport.depgraph`), the fork's port workflow runs
and the fork's device queue (GitHub, for packages with a fork), and the upstream pull
request packages.yml records (open, merged or closed; all GitHub calls are in the last
section of this module). Requests are conditional (ETags kept in
``inventory/.cache/controller.json``), what never changes is remembered in its own document
(``inventory/.cache/memos.json``: Requires-Dist by wheel sha256, diagnoses by run, device
results by asset), requests run on a bounded pool of threads, and a source that fails
leaves the package's last known facts in place, marked stale: a package never flips to a
wrong state because a source had a bad minute.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import hashlib
import json
import tempfile
import threading
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from woaport import __version__, availability, inventory, toppypi
from woaport import fleet as fleet_mod
from woaport.bounded import read_json
from woaport.depgraph import fetch_requires_dist, required_on_win_arm64
from woaport.devicequeue import QueueItem, QueueURL
from woaport.devicequeue.github import GitHubQueue
from woaport.documents.facts import (
    DeviceFacts,
    IndexFacts,
    Kind,
    PackageFacts,
    PullFacts,
    QueueFacts,
    RunFacts,
)
from woaport.documents.status import SOURCES, Status, TopSource, Transition, read_status
from woaport.documents.verdicts import Verdict
from woaport.errors import InvalidDocument, NotFound, Unreachable, WoaportError
from woaport.files import utc_now, write_atomic
from woaport.fleet import FleetRun
from woaport.github import MAX_CONCURRENT, GitHub, GitHubNotFound, GitHubUnreachable, Keep
from woaport.http import (
    DEFAULT_POLICY,
    Client,
    EtagCache,
    cache_entry_ok,
    make_session,
    plain_environment,
)
from woaport.index import IndexFile, fetch_page, project_url
from woaport.limits import MAX_CACHE_BYTES, MAX_RUN_LOG_BYTES

if TYPE_CHECKING:
    import requests

    from woaport.http import Session

STATUS_FILE = "status.json"
HISTORY_FILE = "history.json"
README_FILE = "README.md"
PAGE_FILE = "index.html"


@dataclass(frozen=True, kw_only=True)
class UpdateRequest:
    inventory: Path
    index_url: str
    workers: int = 16
    render: bool = True
    changes_file: Path | None = None
    top: int = 0  # how many of the most downloaded projects to follow (0: packages.yml only)
    top_url: str | None = None  # None: the committed snapshot only
    dependencies: bool = True  # read Requires-Dist (PEP 658) for the dependency graph
    # Processes collecting facts, this one included, each with ``workers`` threads (1: this
    # process only; see "collecting in more than one process" below).
    processes: int = 1


@dataclass
class UpdateResult:
    changes: list[Transition] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: int = 0
    not_modified: int = 0
    remembered: int = 0  # answers taken from the memos without a request
    packages: int = 0
    top_source: str = ""
    readme_changed: bool = False
    status_changed: bool = False
    helpers: int = 0  # helper processes that collected a share
    helper_peak_mb: float | None = None  # the largest helper's peak memory, where known

    @property
    def answered_without_download(self) -> float:
        """Share of the answers that were 304s or memos (the unchanged-refresh target)."""
        asked = self.requests + self.remembered
        return (self.not_modified + self.remembered) / asked if asked else 1.0

    def to_json(self) -> dict[str, Any]:
        return {
            "changes": [
                {"package": c.package, **c.to_json(), "before": c.to_json()["from"]}
                for c in self.changes
            ],
            "errors": self.errors,
            "requests": self.requests,
            "not_modified": self.not_modified,
            "remembered": self.remembered,
            "packages": self.packages,
            "top_source": self.top_source,
            "readme_changed": self.readme_changed,
            "status_changed": self.status_changed,
            "helpers": self.helpers,
            "helper_peak_mb": self.helper_peak_mb,
        }


class Memos:
    """What never changes once known, in its own cache document (not under fake ETags):
    Requires-Dist by wheel sha256, a failed run's diagnosis by run, a device result by
    asset id and upload time."""

    SECTIONS = ("requires", "diagnoses", "device_results")

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.sections: dict[str, dict[str, Any]] = {s: {} for s in self.SECTIONS}
        self.lock = threading.Lock()
        self.dirty = False
        self.hits = 0
        if path is not None and path.is_file():
            try:
                loaded = read_json(path, max_bytes=MAX_CACHE_BYTES)
            except WoaportError:
                loaded = None  # a damaged memo file only costs requests
            for section in self.SECTIONS:
                if isinstance(loaded, dict) and isinstance(loaded.get(section), dict):
                    self.sections[section] = loaded[section]

    def get(self, section: str, key: str) -> tuple[bool, Any]:
        with self.lock:
            table = self.sections[section]
            if key in table:
                self.hits += 1
                return True, table[key]
        return False, None

    def put(self, section: str, key: str, value: Any) -> None:
        with self.lock:
            self.sections[section][key] = value
            self.dirty = True

    def save(self) -> None:
        if self.path is None or not self.dirty:
            return
        with self.lock:
            text = json.dumps(self.sections, sort_keys=True)
            self.dirty = False
        write_atomic(self.path, text.encode())


class Connections:
    """Each worker thread's HTTP clients and GitHub client; one shared ETag cache and one
    shared memo document. Counts the index requests and their 304s.

    Where the environment has no proxy and no netrc (:func:`woaport.http.plain_environment`),
    the clients are :class:`woaport.http.Client` (urllib3, the same policy, less than half
    of requests' CPU per request: a full 5,000-package refresh is some 16,000 requests);
    elsewhere requests sessions, which read those settings."""

    def __init__(
        self,
        cache: EtagCache,
        memos: Memos,
        github_factory: Callable[[EtagCache], GitHub],
        *,
        light: bool | None = None,
        github_concurrency: int = MAX_CONCURRENT,
    ) -> None:
        self.cache = cache
        # GitHub's concurrent requests: this process's part of the limit (see collect_all).
        self.github_concurrency = github_concurrency
        self.gate = threading.BoundedSemaphore(max(1, github_concurrency))
        self.memos = memos
        self.github_factory = github_factory
        self.light = plain_environment() if light is None else light
        self.local = threading.local()
        self.lock = threading.Lock()
        self.made: list[tuple[Session, GitHub]] = []
        self.session_requests = 0
        self.session_not_modified = 0
        self.fleet: FleetRun | Sightings | None = None  # the fleet's part (devices.yml)
        self.helper_peaks: list[float | None] = []  # one per helper that answered

    def _count(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        with self.lock:
            self.session_requests += 1
            self.session_not_modified += response.status_code == 304

    def session(self) -> Session:
        return self._pair()[0]

    def github(self) -> GitHub:
        return self._pair()[1]

    def _pair(self) -> tuple[Session, GitHub]:
        if not hasattr(self.local, "pair"):
            github = self.github_factory(self.cache)
            github.gate = self.gate
            session: Session
            if self.light:
                session = Client(replace(DEFAULT_POLICY, retries=3))
                # The GitHub client's own retry loop, headers and token rules stay; only
                # the transport under them changes (both answer what _send reads).
                github.session = Client(github.policy, retry=False, headers=github.session.headers)
                github.storage = Client(github.policy, retry=False, headers=github.storage.headers)
            else:
                session = make_session(retries=3)
                session.hooks["response"].append(self._count)
            pair = (session, github)
            self.local.pair = pair
            with self.lock:
                self.made.append(pair)
        session, github = self.local.pair
        return session, github

    def totals(self) -> tuple[int, int]:
        """Requests made and their 304s, here and (added by the collector) in helpers."""
        requests_made, not_modified = self.session_requests, self.session_not_modified
        for session, github in self.made:
            if isinstance(session, Client):
                requests_made += session.requests
                not_modified += session.not_modified
            requests_made += github.stats.requests
            not_modified += github.stats.not_modified
        return requests_made, not_modified


@dataclass
class Collected:
    """One package's answers: a value per source, or the WoaportError that source raised."""

    pypi: IndexFacts | WoaportError | None = None
    ci: RunFacts | WoaportError | None = None
    queue: QueueFacts | WoaportError | None = None
    pr: PullFacts | WoaportError | None = None
    requires_error: WoaportError | None = None
    # Bad items that were skipped while the source still answered (a malformed device
    # result, an unreadable queue item): reported, and the rest of the answer stands.
    skipped: list[str] = field(default_factory=list)


def collect(
    package: inventory.Package,
    request: UpdateRequest,
    connections: Connections,
    last: IndexFacts | None,
) -> Collected:
    """One package's facts from its sources; ``last``: its index facts in the previous
    status (kept when Requires-Dist cannot be read for the same version)."""
    out = Collected()
    stamp = utc_now()
    try:
        facts, wheel = _index_facts(package, request, connections, stamp, last)
        if request.dependencies and facts.kind is not Kind.SDIST_ONLY:
            try:
                facts = replace(facts, requires=_requires(package, wheel, connections))
            except WoaportError as exc:
                out.requires_error = exc
                if last is not None and last.version == facts.version:
                    facts = replace(facts, requires=last.requires)
        out.pypi = facts
    except NotFound:
        out.pypi = IndexFacts(version=None, kind=Kind.NO_FILES, checked=stamp)
    except WoaportError as exc:
        out.pypi = exc
    if package.fork is not None:
        _collect_fork(package.fork, connections, out)
    if package.upstream_pr:
        out.pr = _collect_pull(package.upstream_pr, connections)
    return out


def github_client(cache: EtagCache, **options: Any) -> GitHub:
    """A GitHub client on ``cache``: a factory that pickles (with :func:`functools.partial`
    for the options), so helper processes can make their own."""
    return GitHub(cache=cache, **options)


DEFAULT_GITHUB = functools.partial(github_client, retries=3, max_wait=60)


# -- collecting in more than one process ---------------------------------------------------
# At 5,000 packages a full refresh is some 16,000 requests whose answers are parsed, checked
# and validated in Python: about 15 s of CPU under one interpreter lock, on runners with 2
# to 4 cores. With ``UpdateRequest.processes`` > 1 the packages are dealt out: this process
# collects one share on its threads and each helper process another, with the ETag-cache
# entries of its packages and the memos; what a helper learned (its answers, the cache
# entries and memos it wrote, its request counts) comes back and is merged before anything
# is assessed or written, so the result is the one a single process would reach. Helpers
# are spawned (as on Windows, where nothing else exists), started before the status is
# read so their start-up overlaps it. A helper that dies or answers nonsense costs time,
# never facts: its share is collected here after all.
MIN_SHARE = 250  # fewer packages than this per process: a helper costs more than it saves
TICK = 50  # a helper reports its progress every TICK packages
_NEW = object()


def usable_cpus(most: int) -> int:
    """The CPU cores this process may run on (its affinity, where the system has one),
    at most ``most``."""
    import os

    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # Windows, macOS
        cores = os.cpu_count() or 1
    return max(1, min(most, cores))


class Sightings:
    """The fleet's hook in a helper process: the queue items it saw, handed to the
    :class:`woaport.fleet.FleetRun` of the controller's own process afterwards."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.seen: list[tuple[str, QueueItem]] = []

    def saw(self, repo: str, item: QueueItem) -> None:
        with self.lock:  # the release document (handle) stays here: saw() never reads it
            self.seen.append((repo, replace(item, handle=None)))


@dataclass
class ShareJob:
    """What a helper process is sent: its packages and what they need to be collected."""

    request: UpdateRequest
    packages: list[inventory.Package]
    last: dict[str, IndexFacts]
    entries: dict[str, dict[str, Any]]
    memos: dict[str, dict[str, Any]]
    github_factory: Callable[[EtagCache], GitHub]
    light: bool
    fleet: bool
    github_concurrency: int  # its part of GitHub's concurrent requests


@dataclass
class ShareResult:
    """What a helper process answers: its packages' answers and what it wrote."""

    collected: dict[str, Collected]
    entries: dict[str, dict[str, Any]]
    memos: dict[str, dict[str, Any]]
    hits: int
    requests: int
    not_modified: int
    seen: list[tuple[str, QueueItem]]
    peak_mb: float | None  # the helper's peak memory, where the system tells it


class Helpers:
    """Helper processes started ahead of the work (possibly none)."""

    def __init__(self, started: list[tuple[Any, Any]]) -> None:
        self.started = started  # (process, connection)

    @classmethod
    def start(cls, count: int) -> Helpers:
        if count < 1:
            return cls([])
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        started = []
        with _sigint_ignored():
            for _ in range(count):
                ours, theirs = context.Pipe()
                process = context.Process(target=_share_main, args=(theirs,), daemon=True)
                try:
                    process.start()
                except OSError:
                    ours.close()
                    break  # no more processes: the shares are collected by fewer
                finally:
                    theirs.close()
                started.append((process, ours))
        return cls(started)

    def close(self, grace: float = 5.0) -> None:
        """End the helpers: those waiting for a job read EOF and end; any still running
        after ``grace`` seconds (all of them together) are killed."""
        import time

        for _, connection in self.started:
            connection.close()
        deadline = time.monotonic() + grace
        for process, _ in self.started:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
        self.started = []


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """SIGINT ignored while helpers start: they inherit it (POSIX keeps an ignored signal
    across exec, and Python leaves an ignored SIGINT alone), so Ctrl-C, which a terminal
    sends to every process of its group, is answered by the controller's process alone
    (one line; it ends its helpers), not by a traceback from each helper, even one still
    starting. Only the main thread may set a handler."""
    import signal

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def collect_all(
    packages: list[inventory.Package],
    request: UpdateRequest,
    connections: Connections,
    last: dict[str, IndexFacts],
    helpers: Helpers,
    progress: Callable[[str], None],
) -> dict[str, Collected]:
    """Every package's answers, keyed by its canonical name, collected here and by the
    helper processes (at most one per MIN_SHARE packages; the others end unused)."""
    total = len(packages)
    usable = helpers.started[: max(0, total // MIN_SHARE - 1)]
    shares = [packages[i :: len(usable) + 1] for i in range(len(usable) + 1)]
    done = [0]

    def tick(count: int) -> None:
        with connections.lock:
            before = done[0]
            done[0] += count
            if before // 250 != done[0] // 250:
                progress(f"{done[0] // 250 * 250}/{total} packages")

    answers: list[ShareResult | str] = ["no answer"] * len(usable)  # by helper
    # The jobs are made before this process's threads start: they read the ETag cache,
    # which those threads write (a dict that grows while it is read raises RuntimeError).
    jobs: list[ShareJob | None] = [_job(s, request, connections, last) for s in shares[1:]]

    def converse(index: int, connection: Any) -> None:
        try:
            job, jobs[index] = jobs[index], None  # sent once, then not kept here
            connection.send(job)
            del job
            while True:
                kind, value = connection.recv()
                if kind == "done":
                    tick(int(value))
                elif kind == "result" and isinstance(value, ShareResult):
                    answers[index] = value
                    return
                else:
                    answers[index] = str(value)[:300]
                    return
        except Exception as exc:  # whatever it is (unpickling runs any class): collected here
            answers[index] = f"{type(exc).__name__}: {exc}"[:300]

    talkers = [
        threading.Thread(target=converse, args=(i, conn), daemon=True)
        for i, (_, conn) in enumerate(usable)
    ]
    for talker in talkers:
        talker.start()
    if usable:
        progress(
            f"{len(usable) + 1} processes collect ({len(shares[0])} packages in this one), "
            f"{request.workers} workers each"
        )
    collected = _collect_here(shares[0], request, connections, last, tick)
    for index, talker in enumerate(talkers):
        talker.join()
        answer = answers[index]
        if isinstance(answer, str):
            share = shares[index + 1]
            progress(f"a helper process failed ({answer}); collecting its {len(share)} here")
            collected.update(_collect_here(share, request, connections, last, tick))
            continue
        collected.update(answer.collected)
        _merge(connections, answer)
    return {p.key: collected[p.key] for p in packages}


def _pickles(value: Any) -> bool:
    import pickle

    try:
        pickle.dumps(value)
    except (pickle.PickleError, AttributeError, TypeError):
        return False  # a closure or a local class (tests pass those)
    return True


def _job(
    share: list[inventory.Package],
    request: UpdateRequest,
    connections: Connections,
    last: dict[str, IndexFacts],
) -> ShareJob:
    """A share's job: only the cache entries its requests may ask for (its index pages and
    its forks' and pull requests' API URLs); a missed one only costs a full request."""
    api = connections.github().api_url + "/repos/"
    pages = {project_url(request.index_url, p.name) for p in share}
    repos = set()
    for package in share:
        if package.fork is not None:
            repos.add(package.fork.repo.lower())
        if package.upstream_pr:
            parts = package.upstream_pr.split("github.com/", 1)[-1].split("/")
            repos.add("/".join(parts[:2]).lower())
    entries = {}
    cached = connections.cache.entries
    for url, entry in cached.items():
        if url in pages:
            entries[url] = entry
        elif url.startswith(api):
            repo = "/".join(url[len(api) :].split("/", 2)[:2]).lower()
            if repo in repos:
                entries[url] = entry
    # A list's later pages, under the next links GitHub gave (`/repositories/{id}/...`, no
    # repository name in them): followed from the pages taken.
    following: list[Any] = [entry.get("next") for entry in entries.values()]
    while following:
        link = following.pop()
        if isinstance(link, str) and link not in entries and link in cached:
            entries[link] = cached[link]
            following.append(cached[link].get("next"))
    with connections.memos.lock:
        memos = {name: dict(table) for name, table in connections.memos.sections.items()}
    return ShareJob(
        request=request,
        packages=share,
        last={p.key: last[p.key] for p in share if p.key in last},
        entries=entries,
        memos=memos,
        github_factory=connections.github_factory,
        light=connections.light,
        fleet=connections.fleet is not None,
        github_concurrency=connections.github_concurrency,
    )


def _merge(connections: Connections, answer: ShareResult) -> None:
    for url, entry in answer.entries.items():
        if cache_entry_ok(entry):
            connections.cache.put(
                url, entry["etag"], entry["body"], entry["next"], shape=entry.get("shape")
            )
    for section, table in answer.memos.items():
        if section in Memos.SECTIONS:
            for key, value in table.items():
                connections.memos.put(section, key, value)
    with connections.lock:
        connections.session_requests += answer.requests
        connections.session_not_modified += answer.not_modified
    with connections.memos.lock:
        connections.memos.hits += answer.hits
    if connections.fleet is not None:
        for repo, item in answer.seen:
            connections.fleet.saw(repo, item)
    connections.helper_peaks.append(answer.peak_mb)


def peak_memory_mb() -> float | None:
    """This process's peak resident memory (Linux: VmHWM, which starts again at exec, unlike
    ru_maxrss, which a spawned process inherits from the fork before it); None elsewhere."""
    try:
        with Path("/proc/self/status").open(encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _collect_here(
    packages: list[inventory.Package],
    request: UpdateRequest,
    connections: Connections,
    last: dict[str, IndexFacts],
    tick: Callable[[int], None],
) -> dict[str, Collected]:
    """Packages' answers, collected on this process's threads."""

    def one(package: inventory.Package) -> Collected:
        collected = collect(package, request, connections, last.get(package.key))
        tick(1)
        return collected

    with ThreadPoolExecutor(max_workers=max(1, request.workers)) as pool:
        return dict(zip([p.key for p in packages], pool.map(one, packages), strict=True))


def _share_main(connection: Any) -> None:
    """A helper process: receive a job, collect its share, answer, end. Ctrl-C is the
    controller's process's to answer (see _sigint_ignored; where SIGINT was not inherited
    ignored, as on Windows, it is ignored from here)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        job = connection.recv()
    except (EOFError, OSError):
        return  # not needed: the controller closed the pipe
    try:
        if not isinstance(job, ShareJob):
            raise TypeError(f"not a job: {type(job).__name__}")
        gc.freeze()  # the job lives until the end, as in the controller's process (update)
        cache = EtagCache(entries=dict(job.entries))
        memos = Memos(None)
        job.memos = {name: job.memos.get(name, {}) for name in Memos.SECTIONS}
        memos.sections = {name: dict(table) for name, table in job.memos.items()}
        connections = Connections(
            cache,
            memos,
            job.github_factory,
            light=job.light,
            github_concurrency=job.github_concurrency,
        )
        sightings = Sightings() if job.fleet else None
        connections.fleet = sightings
        lock = threading.Lock()
        pending = [0]

        def tick(count: int) -> None:
            with lock:
                pending[0] += count
                if pending[0] >= TICK:
                    connection.send(("done", pending[0]))
                    pending[0] = 0

        collected = _collect_here(job.packages, job.request, connections, job.last, tick)
        requests_made, not_modified = connections.totals()
        result = ShareResult(
            collected=collected,
            # What it wrote: a new object (a memo may be None: compared to a marker).
            entries={k: v for k, v in cache.entries.items() if job.entries.get(k, _NEW) is not v},
            memos={
                name: {k: v for k, v in table.items() if job.memos[name].get(k, _NEW) is not v}
                for name, table in memos.sections.items()
            },
            hits=memos.hits,
            requests=requests_made,
            not_modified=not_modified,
            seen=sightings.seen if sightings else [],
            peak_mb=peak_memory_mb(),
        )
        connection.send(("done", pending[0]))
        connection.send(("result", result))
    except Exception as exc:  # told to the controller, which collects the share
        with contextlib.suppress(OSError, ValueError):
            connection.send(("failed", f"{type(exc).__name__}: {exc}"))


@dataclass(frozen=True)
class Derived:
    """What the controller derived from a project page, kept under the page's ETag: the
    page itself is not (a popular project's page runs to megabytes)."""

    etag: str
    facts: IndexFacts
    wheel: IndexFile | None


@functools.cache
def derivation() -> str:
    """Names the code that derives facts from a page (these modules and packaging): what
    another version derived is not reused, even when the page has not changed."""
    import packaging

    digest = hashlib.sha256(f"{__version__} {packaging.__version__}".encode())
    for module in (inventory, availability):
        # no source to read (a frozen build): the versions stand alone
        with contextlib.suppress(OSError):
            digest.update(Path(module.__file__ or "").read_bytes())
    return digest.hexdigest()[:16]


def _derived(entry: dict[str, Any] | None, last: IndexFacts | None = None) -> Derived | None:
    """A cache entry's derived facts, when this code derived them and they still read.
    ``last``: the package's index facts in the previous status (validated when it was
    read); when the entry says the same, those are taken as they are, not validated again."""
    if not entry or not isinstance(entry.get("body"), dict):
        return None
    body = entry["body"]
    if body.get("derived") != derivation():
        return None
    try:
        wheel = IndexFile(**body["wheel"]) if body["wheel"] is not None else None
        if last is not None:
            same = replace(last, checked=None, requires=None)
            if same.to_json() == body["facts"]:
                return Derived(str(entry["etag"]), same, wheel)
        return Derived(str(entry["etag"]), IndexFacts.from_json(body["facts"]), wheel)
    except (KeyError, TypeError, WoaportError):
        return None  # a damaged entry only costs a full request


def _index_facts(
    package: inventory.Package,
    request: UpdateRequest,
    connections: Connections,
    stamp: str,
    last: IndexFacts | None = None,
) -> tuple[IndexFacts, IndexFile | None]:
    """What the latest release offers Windows on Arm, and the wheel whose metadata says
    what it requires. Asked conditionally: on a 304 both come from what was derived from
    the same page before, and nothing is parsed again."""
    url = project_url(request.index_url, package.name)
    known = _derived(connections.cache.entries.get(url), last)
    page = fetch_page(
        connections.session(), request.index_url, package.name, known.etag if known else None
    )
    if page is None and known is not None:  # 304: None answers only a conditional request
        return replace(known.facts, checked=stamp), known.wheel
    if page is None:
        raise Unreachable(f"{url}: HTTP 304 to an unconditional request")
    facts = inventory.index_facts(package.name, page.files, stamp)
    wheel = inventory.metadata_wheel(package.name, page.files, facts.version)
    if page.etag:
        body = {
            "derived": derivation(),
            "facts": replace(facts, checked=None).to_json(),
            "wheel": dataclasses.asdict(wheel) if wheel else None,
        }
        connections.cache.put(url, page.etag, body)
    return facts, wheel


def _requires(
    package: inventory.Package, wheel: IndexFile | None, connections: Connections
) -> tuple[str, ...] | None:
    if wheel is None:
        return None
    key = wheel.sha256 or wheel.url
    found, lines = connections.memos.get("requires", key)
    if not found:
        lines = fetch_requires_dist(connections.session(), wheel)
        connections.memos.put("requires", key, lines)
    if lines is None:
        return None
    return required_on_win_arm64(lines, own=package.key)


def update(
    request: UpdateRequest,
    *,
    github_factory: Callable[[EtagCache], GitHub] | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> UpdateResult:
    """One refresh of the inventory (see the module's description).

    What it has read and collected lives until it returns: those objects (millions at
    5,000 packages: the previous status, the ETag cache, the answers) are frozen out of
    the garbage collector's full passes (:func:`gc.freeze`), each of which walked all of
    them again (~1 s of CPU a refresh), and handed back when it returns."""
    try:
        return _update(request, github_factory=github_factory, progress=progress)
    finally:
        gc.unfreeze()


def _update(
    request: UpdateRequest,
    *,
    github_factory: Callable[[EtagCache], GitHub] | None,
    progress: Callable[[str], None],
) -> UpdateResult:
    listed = inventory.load_packages(request.inventory / "packages.yml")
    factory = github_factory or DEFAULT_GITHUB
    # As many helpers as there will be shares (the top list may still come out shorter).
    count = min(request.processes, (request.top + len(listed)) // MIN_SHARE) - 1
    if count > 0 and not _pickles(factory):
        progress("the GitHub client factory cannot be sent to a helper: one process collects")
        count = 0
    # Helper processes start now: their interpreters start up while this one reads.
    helpers = Helpers.start(count)
    try:
        result = _update_with(request, listed, helpers, github_factory=factory, progress=progress)
    except BaseException:
        helpers.close(grace=0)  # an error or Ctrl-C: the shares still running are not needed
        raise
    helpers.close()
    return result


def _update_with(
    request: UpdateRequest,
    listed: list[inventory.Package],
    helpers: Helpers,
    *,
    github_factory: Callable[[EtagCache], GitHub],
    progress: Callable[[str], None],
) -> UpdateResult:
    folder = request.inventory
    status_path = folder / STATUS_FILE
    previous, previous_document = read_status(status_path)
    gc.freeze()  # what was read lives until the end (see update)
    history_path = folder / HISTORY_FILE
    history = inventory.load_history(history_path)
    cache = EtagCache.load(folder / ".cache" / "controller.json", progress)
    memos = Memos(folder / ".cache" / "memos.json")
    # GitHub allows MAX_CONCURRENT requests at once, shared out between the processes.
    share = MAX_CONCURRENT // (len(helpers.started) + 1)
    connections = Connections(cache, memos, github_factory, github_concurrency=share)
    connections.fleet = fleet_mod.start(folder, progress)
    top = toppypi.top_list(
        connections.session(),
        request.top_url,
        folder / toppypi.SNAPSHOT_NAME,
        cache,
        request.top,
        progress,
    )
    ranks = {t.key: (t.rank, t.downloads) for t in top.packages}
    packages = inventory.tracked(listed, [(t.name, t.rank) for t in top.packages])
    progress(
        f"collecting facts for {len(packages)} packages ({len(top.packages)} from {top.source}) "
        f"with {request.workers} workers"
    )
    gc.freeze()  # what was read lives until the end (see update)
    last = {
        key: entry.facts.pypi
        for key, entry in previous.packages.items()
        if entry.facts.pypi is not None
    }
    collected = collect_all(packages, request, connections, last, helpers, progress)
    gc.freeze()  # and so do the answers
    progress("collected; assessing states")
    result = UpdateResult(packages=len(packages), top_source=top.source)
    result.helpers = len(connections.helper_peaks)
    peaks = [p for p in connections.helper_peaks if p is not None]
    result.helper_peak_mb = max(peaks) if peaks else None
    facts: dict[str, PackageFacts] = {}
    stale: dict[str, dict[str, bool]] = {}
    for package in packages:
        old = previous.packages.get(package.key)
        known = old.facts if old else PackageFacts()
        answers = collected[package.key]
        if answers.requires_error is not None:
            result.errors.append(f"{package.key} requires: {answers.requires_error.message}")
        result.errors += [f"{package.key} skipped: {problem}" for problem in answers.skipped]
        values: dict[str, Any] = {}
        marks: dict[str, bool] = {}
        for source in SOURCES:
            value = getattr(answers, source)
            if isinstance(value, WoaportError):
                marks[source] = True
                values[source] = getattr(known, source)
                result.errors.append(f"{package.key} {source}: {value.message}")
            else:
                marks[source] = False
                values[source] = value
        facts[package.key] = PackageFacts(**values)
        stale[package.key] = marks
    fleet = connections.fleet
    if fleet is not None:  # results from registered outboxes only (woaport.fleet)
        progress("fleet: reading the registered devices' outboxes")
        fleet.collect(connections.github())
        facts = fleet.merge(facts)
    assessed = inventory.assess_all(packages, facts)
    at = utc_now()
    entries, result.changes = inventory.apply_states(
        previous,
        packages,
        facts,
        stale,
        assessed,
        at,
        ranks=ranks,
        first_native=history.first_native,
    )
    progress("assessed; writing status.json and history.json")
    top_source = TopSource(source=top.source, last_update=top.last_update, count=len(top.packages))
    status = Status(updated=previous.updated, top=top_source, packages=entries)
    history = inventory.record_history(history, status, at[:10])
    status = inventory.with_first_native(status, history)
    document = status.to_json()
    if previous_document is None or comparable(document) != comparable(previous_document):
        # Something real changed: only then is the file rewritten (and the workflow commits).
        status = replace(status, updated=at)
        document["updated"] = at
        text = json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False)
        write_atomic(status_path, (text + "\n").encode())
        result.status_changed = True
    _write_if_changed(history_path, json.dumps(history.to_json(), indent=1) + "\n")
    if fleet is not None:
        forks = {p.key: p.fork.repo for p in packages if p.fork is not None}
        fleet.publish(connections.github(), status, forks)
        fleet.save()
        result.errors += fleet.errors
    cache.save()
    memos.save()
    result.requests, result.not_modified = connections.totals()
    result.remembered = memos.hits
    if request.render:
        progress("rendering README.md and index.html")
        from woaport.views.inventory import readme
        from woaport.views.page import page

        result.readme_changed = _write_if_changed(
            folder / README_FILE,
            readme(packages, status, history, fleet_mod.load_fleet(folder / fleet_mod.FLEET_FILE)),
        )
        _write_if_changed(folder / PAGE_FILE, page(packages, status, history))
    if request.changes_file is not None:
        request.changes_file.write_text(commit_message(result), encoding="utf-8")
    return result


def _write_if_changed(path: Path, text: str) -> bool:
    old = path.read_text(encoding="utf-8") if path.is_file() else None
    if text == old:
        return False
    write_atomic(path, text.encode())
    return True


def comparable(document: dict[str, Any]) -> dict[str, Any]:
    """A status document without what changes on every run (when it was updated, when each
    package's index facts were checked): equal when nothing real changed. Compared as
    JSON values (lists, not tuples), without serialising 5,000 entries twice."""
    packages = {}
    for key, entry in document["packages"].items():
        pypi = entry["facts"]["pypi"]
        if pypi is not None:
            entry = {**entry, "facts": {**entry["facts"], "pypi": {**pypi, "checked": None}}}
        packages[key] = entry
    return {**document, "updated": None, "packages": packages}


def commit_message(result: UpdateResult) -> str:
    if not result.changes:
        return "inventory: refresh facts (no state changes)\n"
    lines = [f"inventory: {len(result.changes)} state change(s)", ""]
    lines += [f"- {c}" for c in result.changes[:200]]
    if len(result.changes) > 200:
        lines.append(f"- ... and {len(result.changes) - 200} more")
    return "\n".join(lines) + "\n"


# -- GitHub: the fork's port runs and its device queue -------------------------------------
# Every call to GitHub and to the device queue is here, so that they can be re-pointed at
# the queue package's backends in one place.
FAILED = ("failure", "timed_out", "startup_failure")
MAX_LOG_BYTES = MAX_RUN_LOG_BYTES


# What a malformed answer raises where the code reads it (a field missing, of another
# type): it marks that one source of that one package stale, never the whole update.
MALFORMED = (KeyError, TypeError, AttributeError, ValueError, IndexError)


def _collect_fork(fork: inventory.Fork, connections: Connections, out: Collected) -> None:
    github = connections.github()
    try:
        run = _latest_run(github, fork)
    except WoaportError as exc:
        out.ci = out.queue = exc
        return
    except MALFORMED as exc:
        out.ci = out.queue = _malformed(f"{fork.repo} workflow runs", exc)
        return
    if run is not None and run.status == "completed" and run.conclusion in FAILED:
        run = replace(run, diagnosis=_diagnosis(github, connections.memos, fork.repo, run.run_id))
    out.ci = run
    if run is None or run.status != "completed" or not run.head_sha:
        return
    try:
        out.queue = _queue_item(
            github, connections.memos, fork.repo, run.head_sha, out.skipped, connections.fleet
        )
    except WoaportError as exc:
        out.queue = exc
    except MALFORMED as exc:
        out.queue = _malformed(f"{fork.repo} device queue", exc)


def _malformed(where: str, exc: Exception) -> InvalidDocument:
    return InvalidDocument(f"{where}: an answer of the wrong shape ({type(exc).__name__}: {exc})")


# A workflow run names its repository and head repository (some 100 fields each), its
# actor, its head commit: kept under the run's ETag at every fork, they were most of the
# controller's ETag cache. What _latest_run reads is kept.
RUN_FIELDS = ("id", "run_number", "status", "conclusion", "head_sha", "html_url", "created_at")
RUNS = Keep(
    "run-v1", lambda run: {k: run[k] for k in RUN_FIELDS if k in run}, under="workflow_runs"
)


def _latest_run(github: GitHub, fork: inventory.Fork) -> RunFacts | None:
    try:
        body = github.get_json(
            f"/repos/{fork.repo}/actions/workflows/{fork.workflow}/runs",
            {"branch": fork.branch, "per_page": 1},
            keep=RUNS,
        )
    except GitHubNotFound:
        return None  # no port workflow in the fork yet: a fact, not a failure
    runs = body.get("workflow_runs") or []
    if not runs:
        return None
    run = runs[0]
    return RunFacts(
        run_id=run["id"],
        run_number=run.get("run_number"),
        status=run.get("status"),
        conclusion=run.get("conclusion"),
        head_sha=run.get("head_sha"),
        url=run.get("html_url"),
        created_at=run.get("created_at"),
    )


def _diagnosis(github: GitHub, memos: Memos, repo: str, run_id: int) -> str | None:
    """`woaport diagnose` on a failed run's logs; once per run (remembered in the memos)."""
    key = f"{repo}:{run_id}"
    found, memo = memos.get("diagnoses", key)
    if found:
        return str(memo) if memo else None
    from woaport.diagnose import diagnose, iter_zip_logs

    try:
        with tempfile.TemporaryDirectory() as tmp:
            logs = github.download_run_logs(
                repo, run_id, Path(tmp) / "logs.zip", max_bytes=MAX_LOG_BYTES
            )
            result = diagnose(iter_zip_logs(logs), source=f"run {run_id}")
    except (WoaportError, OSError, zipfile.BadZipFile):
        return None  # logs expire (410) or are too big: the state stands without a cause
    summary = result.summary() if result.matches else None
    memos.put("diagnoses", key, summary)
    return summary


def _collect_pull(url: str, connections: Connections) -> PullFacts | WoaportError:
    """The upstream pull request's state: GET /repos/{owner}/{repo}/pulls/{number}
    (https://docs.github.com/rest/pulls/pulls#get-a-pull-request), conditional (its ETag
    in the controller's cache), so an unchanged pull request costs a 304, no rate limit."""
    from woaport.upstream import parse_pull_url, pull_state

    try:
        repo, number = parse_pull_url(url)
        pull = connections.github().get_json(f"/repos/{repo}/pulls/{number}")
        if not isinstance(pull, dict) or pull.get("state") not in ("open", "closed"):
            raise GitHubUnreachable(f"{url}: GitHub answered no pull request document")
        return PullFacts(
            url=url,
            state=pull_state(pull),
            merged_at=_text(pull.get("merged_at")),
            closed_at=_text(pull.get("closed_at")),
        )
    except WoaportError as exc:
        return exc  # the last known state stands, marked stale


def _text(value: Any) -> str | None:
    return value[:64] if isinstance(value, str) else None


# The queue manifest's payload words ("ok" today) read as verdicts.
def _queue_item(
    github: GitHub,
    memos: Memos,
    repo: str,
    sha: str,
    skipped: list[str],
    fleet: FleetRun | Sightings | None = None,
) -> QueueFacts | None:
    queue = GitHubQueue(QueueURL("github", repo), github)
    listing = queue.items()  # an unreadable item is skipped there, never the whole update
    matching = [i for i in listing.items if i.manifest.provenance.commit == sha]
    if not matching:
        if listing.skipped:
            # The item for this run may be the one that could not be read (a transient
            # failure, or a damaged one): the queue's facts are unknown, not "no item".
            raise InvalidDocument(
                f"{len(listing.skipped)} queue item(s) unreadable, none readable for {sha[:12]}: "
                f"{listing.skipped[0]}"
            )
        return None
    skipped += listing.skipped
    item = max(matching, key=lambda i: i.manifest.created)
    under_test = item.manifest.under_test
    devices: dict[str, DeviceFacts] = {}
    results = item.results
    if fleet is not None:  # the fleet's devices report to their outboxes, not here
        fleet.saw(repo, item)
        results = {}
    for device_id, asset in sorted(results.items()):
        key = f"{repo}:{asset['id']}:{asset.get('updated_at')}"
        found, summary = memos.get("device_results", key)
        if not found or not _summary_ok(summary):  # unknown, or a damaged memo
            try:
                document = queue.read_result(item, device_id)
            except WoaportError as exc:
                skipped.append(exc.message)
                continue  # one malformed result is skipped; the others still count
            if document is None:
                continue
            summary = {
                "verdict": str(document.verdict),
                "finished": document.finished,
                "reason": document.reason,
                "artifacts": [a.sha256 for a in document.artifacts],
                "native_vs_emulated": document.emulation.ratio if document.emulation else None,
            }
            memos.put("device_results", key, summary)
        if under_test.sha256 in summary["artifacts"]:
            devices[device_id] = DeviceFacts(
                verdict=Verdict(summary["verdict"]),
                finished=summary["finished"],
                reason=summary["reason"],
                native_vs_emulated=summary.get("native_vs_emulated"),  # absent in older memos
            )
    return QueueFacts(
        item_id=item.item_id,
        artifact=under_test.filename,
        artifact_sha256=under_test.sha256,
        payload=item.manifest.ci.payload,
        ci_verdict=item.manifest.ci.verdict,
        devices=devices,
    )


def _summary_ok(summary: Any) -> bool:
    """A remembered device result this module wrote (memos.json may be damaged)."""
    return (
        isinstance(summary, dict)
        and summary.get("verdict") in set(Verdict)
        and isinstance(summary.get("artifacts"), list)
        and isinstance(summary.get("finished"), str)
        and isinstance(summary.get("reason"), str)
    )
