"""The inventory: packages.yml (people), status.json (the controller), history.json (both
over time), and the one pure function from a package's facts to its ``State``.

Which packages: the top N of PyPI by downloads (:mod:`woaport.toppypi`) and every package
a person listed in packages.yml (forks, contracts, notes, manual blocks, extra packages).
What each one offers Windows on Arm is classified from its latest release's files
(:func:`index_facts`); :func:`assess` turns a package's facts and its dependencies' states
into its state (the words and their order: :class:`woaport.documents.states.State`).
Rendering lives in :mod:`woaport.views.inventory` and :mod:`woaport.views.page`.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from packaging.utils import (
    canonicalize_name,
)
from packaging.version import Version

from woaport.availability import ReleaseFile, classify, summarize_classified
from woaport.bounded import read_json, read_yaml
from woaport.documents.facts import (
    TARGETS,
    IndexFacts,
    Kind,
    PackageFacts,
    PullFacts,
    PullState,
    QueueFacts,
    Regression,
    RunFacts,
)
from woaport.documents.states import State
from woaport.documents.status import PackageStatus, Status, Transition
from woaport.documents.verdicts import Verdict
from woaport.errors import BadInput
from woaport.index import IndexFile

HISTORY_KEEP = 20  # transitions kept per package


@dataclass(frozen=True, kw_only=True)
class Fork:
    repo: str
    branch: str
    workflow: str


@dataclass(frozen=True, kw_only=True)
class Package:
    name: str
    upstream: str | None = None
    fork: Fork | None = None
    priority: int = 100
    rank: int | None = None
    depends_on: tuple[str, ...] = ()
    contract: str | None = None
    upstream_pr: str | None = None
    blocked: str | None = None
    notes: str | None = None
    listed: bool = True  # in packages.yml (False: only in the top-N list)

    @functools.cached_property
    def key(self) -> str:
        """The canonical name (computed once: the controller asks for it ~10 times a package)."""
        return str(canonicalize_name(self.name))


def load_packages(path: Path) -> list[Package]:
    """packages.yml, validated; raises BadInput naming every problem's place. The file is
    read, checked and parsed once (a 5,000-entry one costs 0.2 s a read)."""
    problems, packages = _checked(path)
    if problems:
        raise BadInput(
            problems[0] + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else "")
        )
    return packages


def _load_yaml(path: Path) -> Any:
    return read_yaml(path, error=BadInput)


def _parse(document: dict[str, Any]) -> list[Package]:
    defaults = document.get("defaults", {})
    packages = []
    for raw in document["packages"]:
        fork = None
        if "fork" in raw:
            fork = Fork(
                repo=raw["fork"]["repo"],
                branch=raw["fork"].get("branch", defaults.get("branch", "main")),
                workflow=raw["fork"].get("workflow", defaults.get("workflow", "woaport.yml")),
            )
        packages.append(
            Package(
                name=raw["name"],
                upstream=raw.get("upstream"),
                fork=fork,
                priority=raw.get("priority", 100),
                rank=raw.get("rank"),
                depends_on=tuple(str(canonicalize_name(d)) for d in raw.get("depends_on", [])),
                contract=raw.get("contract"),
                upstream_pr=raw.get("upstream_pr"),
                blocked=raw.get("blocked"),
                notes=raw.get("notes"),
            )
        )
    return packages


def check_packages(
    path: Path, contract_ids: set[str] | None = None, known: set[str] | None = None
) -> list[str]:
    """Every problem in packages.yml, each naming the file, the place and the fix.
    ``known``: canonical names from elsewhere (the top-N snapshot) depends_on may name."""
    return _checked(path, contract_ids, known)[0]


def _checked(
    path: Path, contract_ids: set[str] | None = None, known: set[str] | None = None
) -> tuple[list[str], list[Package]]:
    """packages.yml's problems, and its packages (none when the schema refuses it)."""
    from woaport.documents.base import problems as schema_problems

    if not path.is_file():
        raise BadInput(f"{path}: no such file; pass the inventory folder that holds packages.yml")
    document = _load_yaml(path)
    found = schema_problems("inventory", document, str(path))
    if found:
        return found, []
    problems: list[str] = []
    packages = _parse(document)
    names: set[str] = set()
    every = {p.key for p in packages}
    for i, package in enumerate(packages):
        if package.key in names:
            problems.append(
                f"{path}: packages.{i}: {package.name!r} is listed twice; keep one entry"
            )
        names.add(package.key)
        for dep in package.depends_on:
            if dep not in every and dep not in (known or set()):
                problems.append(
                    f"{path}: packages.{i}.depends_on: {dep!r} is not in the inventory; add it (it may be native already)"
                )
        if contract_ids is not None and package.contract and package.contract not in contract_ids:
            problems.append(
                f"{path}: packages.{i}.contract: no contract {package.contract!r} in contracts/; write it or fix the id"
            )
    for cycle in find_cycles({p.key: p.depends_on for p in packages}):
        problems.append(f"{path}: dependency cycle {' -> '.join(cycle)}; break it in depends_on")
    return problems, packages


def find_cycles(graph: dict[str, tuple[str, ...]]) -> list[list[str]]:
    """Each dependency cycle once, as a path that returns to its start. Depth-first without
    recursion: a depends_on chain may be longer than Python's stack."""
    cycles: list[list[str]] = []
    color: dict[str, int] = {}  # 1: on the current path, 2: done
    for root in sorted(graph):
        if root in color:
            continue
        color[root] = 1
        path = [root]
        pending = [iter(graph[root])]
        while pending:
            dep = next(pending[-1], None)
            if dep is None:
                color[path.pop()] = 2
                pending.pop()
            elif dep not in graph:
                continue
            elif color.get(dep) == 1:
                cycles.append([*path[path.index(dep) :], dep])
            elif dep not in color:
                color[dep] = 1
                path.append(dep)
                pending.append(iter(graph[dep]))
    return cycles


# -- what the index offers ---------------------------------------------------------------------
def coverage(pythons: tuple[str, ...]) -> tuple[str, ...]:
    """The TARGETS served by win_arm64 wheels labelled ``pythons`` (see
    :func:`woaport.availability.python_label`): ``cp312`` serves cp312; ``cp313t`` the
    free-threaded 3.13; ``cp311+abi3`` every CPython from 3.11 on but not the free-threaded
    ones (PEP 803's abi3t is a different ABI); ``py3`` (a ``py3-none-win_arm64`` wheel)
    every target."""
    served: set[str] = set()
    for label in pythons:
        if label.startswith("py3") or label == "py2.py3":
            served.update(TARGETS)
        elif label.endswith("+abi3"):
            floor = _minor(label.removesuffix("+abi3"))
            served.update(t for t in TARGETS if not t.endswith("t") and _minor(t) >= floor)
        elif label in TARGETS:
            served.add(label)
    return tuple(t for t in TARGETS if t in served)


def _minor(label: str) -> int:
    digits = "".join(c for c in label[3:] if c.isdigit())
    return int(digits) if digits else 0


def index_facts(name: str, files: list[IndexFile], checked: str) -> IndexFacts:
    """Classify the latest release (pip's pick: the newest non-yanked final version). Only
    the project's own files count (availability.classify drops legacy names such as
    ``selenium-2.0-dev-9429.tar.gz``, which parse as another project)."""
    release_files, ignored = classify(name, files)
    available = summarize_classified(name, release_files, ignored)
    if available.win_arm64:
        kind = Kind.NATIVE
    elif available.pure:
        kind = Kind.PURE
    elif available.other_platforms:
        kind = Kind.NEEDS_PORTING  # wheels with native code, none for win_arm64
    elif available.sdists:
        kind = Kind.SDIST_ONLY
    else:
        kind = Kind.NO_FILES
    pythons = tuple(available.pythons)
    regressed = fallback = None
    if kind in (Kind.NEEDS_PORTING, Kind.SDIST_ONLY) and available.version:
        latest = Version(available.version)
        earlier = _earlier_wheels(release_files, latest)
        regressed = _regression(earlier, latest, bool(available.sdists))
        fallback = _newest_installable(earlier)
    return IndexFacts(
        version=available.version,
        kind=kind,
        pythons=pythons,
        coverage=coverage(pythons),
        regressed=regressed,
        binary_fallback=str(fallback) if fallback else None,
        checked=checked,
    )


def _earlier_wheels(release_files: list[ReleaseFile], latest: Version) -> list[ReleaseFile]:
    return [
        rf
        for rf in release_files
        if rf.kind == "wheel"
        and not rf.file.yanked
        and not rf.version.is_prerelease
        and rf.version < latest
    ]


def _regression(earlier: list[ReleaseFile], latest: Version, has_sdist: bool) -> Regression | None:
    """The newest earlier final release with a win_arm64 wheel, if there is one."""
    native = {rf.version for rf in earlier if any(t.platform == "win_arm64" for t in rf.tags)}
    if not native:
        return None
    return Regression(last_native=str(max(native)), latest=str(latest), latest_has_sdist=has_sdist)


def _newest_installable(earlier: list[ReleaseFile]) -> Version | None:
    """The newest earlier final release with a wheel that installs on Windows on Arm
    (win_arm64 or any platform): what ``pip install --only-binary=:all:`` falls back to
    when the latest has none (pip ignores Requires-Python here; so does this)."""
    versions = {
        rf.version for rf in earlier if any(t.platform in ("win_arm64", "any") for t in rf.tags)
    }
    return max(versions) if versions else None


def metadata_wheel(name: str, files: list[IndexFile], version: str | None) -> IndexFile | None:
    """The wheel of ``version`` whose core metadata to read: a win_arm64 one, else a pure
    one, else a Windows one, else any (Requires-Dist rarely differs between them)."""
    wheels = [
        rf
        for rf in classify(name, files)[0]
        if rf.kind == "wheel" and str(rf.version) == version and not rf.file.yanked
    ]

    def preference(rf: Any) -> int:
        platforms = {t.platform for t in rf.tags}
        for rank, wanted in enumerate(("win_arm64", "any", "win_amd64")):
            if wanted in platforms:
                return rank
        return 3

    return min(wheels, key=preference).file if wheels else None


# -- the state of a package --------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class Assessment:
    """What :func:`assess` concluded: a state, where it broke, why, and what it waits for."""

    state: State
    stage: str | None = None
    cause: str = ""
    blocked_by: tuple[str, ...] = ()


FAILED_RUNS = ("failure", "timed_out", "startup_failure", "cancelled")


def assess(
    package: Package,
    facts: PackageFacts,
    deps: Mapping[str, State | None],
    cycle: list[str] | None = None,
) -> Assessment:
    """The state of a package from its facts and its dependencies' states. Pure."""
    pypi = facts.pypi
    if pypi is not None and pypi.kind is Kind.NATIVE:
        return Assessment(
            state=State.NATIVE,
            cause=f"{pypi.version}: win_arm64 wheels for {', '.join(pypi.pythons)}",
        )
    if pypi is not None and pypi.kind is Kind.PURE:
        return Assessment(state=State.PURE, cause=f"{pypi.version}: a wheel for any platform")
    if package.blocked:
        return Assessment(state=State.BLOCKED, cause=package.blocked)
    if pypi is not None and pypi.kind is Kind.SDIST_ONLY and not package.listed:
        return Assessment(state=State.SDIST_ONLY, cause=_index_words(pypi))
    # A port under way says more than its parents; an upstream pull request more than the
    # fork, except a failing fork (a person must act) and a device-validated one (its
    # wheel installs today: the coverage must not drop when the pull request is opened).
    fork = (
        _fork_state(facts.ci, facts.queue)
        if package.fork is not None and facts.ci is not None
        else None
    )
    pull = _pull_state(package, facts.pr)
    if fork is not None and fork.state in (State.FAILING, State.DEVICE_VALIDATED):
        return replace(fork, cause=_with_pull(fork.cause, package, facts.pr))
    if pull is not None:
        return pull
    if fork is not None:
        return replace(fork, cause=_with_pull(fork.cause, package, facts.pr))
    if cycle:
        return Assessment(
            state=State.BLOCKED,
            cause=f"dependency cycle {' -> '.join(cycle)}",
            blocked_by=tuple(sorted(set(cycle) - {package.key})),
        )
    waiting = tuple(
        d for d, s in deps.items() if s is None or not (s.satisfied or s is State.SDIST_ONLY)
    )
    if waiting:
        detail = ", ".join(f"{d} ({deps[d] or 'unknown'})" for d in waiting)
        return Assessment(
            state=State.AWAITING_PARENTS, cause=f"awaiting parents: {detail}", blocked_by=waiting
        )
    if package.fork is None:
        return Assessment(
            state=State.READY, cause=_with_pull(_index_words(pypi), package, facts.pr)
        )
    return Assessment(
        state=State.IN_FORK,
        cause=_with_pull(
            f"{package.fork.repo}@{package.fork.branch}: no port run yet", package, facts.pr
        ),
    )


def _current_pull(package: Package, pull: PullFacts | None) -> PullFacts | None:
    """What the API said of the pull request packages.yml names now (not of an older one)."""
    return pull if pull is not None and pull.url == package.upstream_pr else None


def _pull_state(package: Package, pull: PullFacts | None) -> Assessment | None:
    """in-pr while the upstream pull request is open (or not read yet), merged once it is
    merged; None when there is none, or it was closed without merging."""
    if not package.upstream_pr:
        return None
    known = _current_pull(package, pull)
    if known is None or known.state is PullState.OPEN:
        return Assessment(state=State.IN_PR, cause=f"upstream pull request: {package.upstream_pr}")
    if known.state is PullState.MERGED:
        day = f" on {known.merged_at[:10]}" if known.merged_at else ""
        return Assessment(
            state=State.DONE,
            cause=f"upstream merged {package.upstream_pr}{day}; "
            "win_arm64 wheels come with its next release",
        )
    return None


def _with_pull(cause: str, package: Package, pull: PullFacts | None) -> str:
    """A state's cause, with what became of the upstream pull request when that is news."""
    if not package.upstream_pr:
        return cause
    known = _current_pull(package, pull)
    if known is not None and known.state is PullState.CLOSED:
        return f"{cause}; upstream closed {package.upstream_pr} without merging"
    return f"{cause}; upstream pull request: {package.upstream_pr}"


def _fork_state(ci: RunFacts, item: QueueFacts | None) -> Assessment:
    """Where a port stands from its latest run and what the queue says of its artifact."""
    run = f"run {ci.run_number or ci.run_id}"
    if ci.status != "completed":
        return Assessment(state=State.IN_FORK, cause=f"{run} is {ci.status}")
    if item is not None and item.payload.blames_artifact:
        return Assessment(
            state=State.FAILING,
            stage="payload",
            cause=f"{run}: the wheel's payload failed inspection",
        )
    if item is not None and item.ci_verdict.blames_artifact:
        return Assessment(
            state=State.FAILING,
            stage="ci-contract",
            cause=f"{run}: the contract failed on windows-11-arm",
        )
    if ci.conclusion != "success":
        return Assessment(
            state=State.FAILING,
            stage="build",
            cause=f"{run} {ci.conclusion}" + (f": {ci.diagnosis}" if ci.diagnosis else ""),
        )
    devices = item.devices if item is not None else {}
    bad = [
        (d, r)
        for d, r in sorted(devices.items())
        if r.verdict.blames_artifact or r.verdict is Verdict.ERROR
    ]
    if bad:
        device, result = bad[0]
        reason = f": {result.reason}" if result.reason else ""
        return Assessment(
            state=State.FAILING,
            stage="device-contract",
            cause=f"{device}: {result.verdict}{reason}",
        )
    passing = sorted(d for d, r in devices.items() if r.verdict.passed)
    if passing:
        return Assessment(state=State.DEVICE_VALIDATED, cause=f"passed on {', '.join(passing)}")
    return Assessment(state=State.CI_VALIDATED, cause=f"{run} passed; awaiting a device")


def _index_words(pypi: IndexFacts | None) -> str:
    if pypi is None:
        return "not checked yet"
    words = {
        Kind.SDIST_ONLY: f"{pypi.version}: sdist only",
        Kind.NEEDS_PORTING: f"{pypi.version}: wheels for other platforms only",
        Kind.NO_FILES: "no installable release",
    }.get(pypi.kind, str(pypi.kind))
    if pypi.regressed is not None:
        words += f"; regressed: {pypi.regressed.last_native} had win_arm64 wheels, "
        words += pypi.regressed.pip_installs
    elif pypi.binary_fallback is not None:
        words += f"; --only-binary=:all: falls back to {pypi.binary_fallback} (a pure wheel)"
    return words


def dependencies(package: Package, facts: PackageFacts, known: set[str]) -> tuple[str, ...]:
    """What a package waits for: depends_on (a person's word) and the Requires-Dist that
    holds on Windows on Arm, among the packages of the inventory."""
    computed = facts.pypi.requires if facts.pypi and facts.pypi.requires else ()
    names = dict.fromkeys((*package.depends_on, *(d for d in computed if d in known)))
    names.pop(package.key, None)
    return tuple(names)


def assess_all(packages: list[Package], facts: Mapping[str, PackageFacts]) -> dict[str, Assessment]:
    """States for all packages, dependencies first. Cycles among packages that need
    porting are reported, not followed (a pure or native package ends every chain)."""
    empty = PackageFacts()
    known = {p.key for p in packages}
    graph = {p.key: dependencies(p, facts.get(p.key, empty), known) for p in packages}

    def finished(key: str) -> bool:
        pypi = facts.get(key, empty).pypi
        return pypi is not None and pypi.kind in (Kind.NATIVE, Kind.PURE)

    open_graph = {
        k: tuple(d for d in deps if not finished(d)) for k, deps in graph.items() if not finished(k)
    }
    in_cycle: dict[str, list[str]] = {}
    for cycle in find_cycles(open_graph):
        for node in cycle:
            in_cycle.setdefault(node, cycle)
    by_key = {p.key: p for p in packages}
    states: dict[str, Assessment] = {}

    def resolve(root: str) -> None:
        # Iterative depth-first walk: real dependency chains may be deeper than the stack.
        stack: list[tuple[str, bool]] = [(root, False)]
        while stack:
            key, ready = stack.pop()
            if key in states:
                continue
            cycle = in_cycle.get(key, [])
            deps = [d for d in graph[key] if d not in cycle]
            if not ready:
                stack.append((key, True))
                stack.extend((d, False) for d in deps if d not in states)
                continue
            known_states: dict[str, State | None] = {
                d: states[d].state if d in states else None for d in deps
            }
            known_states.update({d: State.BLOCKED for d in graph[key] if d in cycle})
            states[key] = assess(by_key[key], facts.get(key, empty), known_states, cycle or None)

    for key in sorted(by_key):
        resolve(key)
    return states


# -- status.json and history.json --------------------------------------------------------------
def apply_states(
    previous: Status,
    packages: list[Package],
    facts: Mapping[str, PackageFacts],
    stale: Mapping[str, dict[str, bool]],
    assessed: Mapping[str, Assessment],
    at: str,
    *,
    ranks: Mapping[str, tuple[int, int]] | None = None,
    first_native: Mapping[str, str] | None = None,
) -> tuple[dict[str, PackageStatus], list[Transition]]:
    """The new entries of status.json and the transitions since ``previous`` (a package
    that left the inventory is dropped). ``ranks``: key -> (rank, downloads)."""
    known = {p.key for p in packages}
    graph = {p.key: dependencies(p, facts.get(p.key, PackageFacts()), known) for p in packages}
    from woaport.depgraph import waiting_on

    waiting = waiting_on(
        {k: [d for d in deps if not assessed[d].state.done] for k, deps in graph.items()}
    )
    ranks = ranks or {}
    changes: list[Transition] = []
    entries: dict[str, PackageStatus] = {}
    for package in packages:
        key = package.key
        a = assessed[key]
        old = previous.packages.get(key)
        history = old.history if old else ()
        since = old.since if old else None
        if old is None or old.state != a.state:
            change = Transition(
                package=key, before=old.state if old else None, after=a.state, at=at, cause=a.cause
            )
            changes.append(change)
            history = (*history, change)[-HISTORY_KEEP:]
            since = at
        rank, downloads = ranks.get(key, (None, None))
        waiters = waiting.get(key, set()) if a.state.needs_porting else set()
        entries[key] = PackageStatus(
            name=package.name,
            state=a.state,
            stage=a.stage,
            cause=a.cause,
            blocked_by=a.blocked_by,
            facts=facts.get(key, PackageFacts()),
            stale=dict(stale.get(key, {})),
            since=since,
            history=history,
            rank=rank,
            downloads=downloads,
            reach=len(waiters),
            unblocks_downloads=sum(ranks.get(w, (0, 0))[1] for w in waiters),
            first_native=(first_native or {}).get(key),
        )
    return entries, changes


@dataclass(frozen=True, kw_only=True)
class CoveragePoint:
    """One day of the tracker: how much of the top N a Windows-on-Arm user can install."""

    date: str  # YYYY-MM-DD
    top: int
    installable: int  # native, pure or device-validated
    native: int
    pure: int
    # installable, and so is everything it requires on Windows on Arm (among those followed)
    with_dependencies: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # by state, over the top N

    @property
    def share(self) -> float:
        return self.installable / self.top if self.top else 0.0


@dataclass(frozen=True, kw_only=True)
class History:
    """``history.json``: one coverage point per day, and the day each package was first
    seen native (set once; a later regression does not move it)."""

    points: tuple[CoveragePoint, ...] = ()
    first_native: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Any, where: str = "history.json") -> History:
        from woaport.documents.base import validate

        document = validate("history", data, where)
        return cls(
            points=tuple(CoveragePoint(**p) for p in document["points"]),
            first_native=dict(document["first_native"]),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "history_version": 1,
            "points": [vars(p) for p in self.points],
            "first_native": dict(sorted(self.first_native.items())),
        }

    def month_ago(self, today: str) -> CoveragePoint | None:
        """The newest point at least 28 days before ``today``."""
        cutoff = dt.date.fromisoformat(today) - dt.timedelta(days=28)
        older = [p for p in self.points if dt.date.fromisoformat(p.date) <= cutoff]
        return older[-1] if older else None


def load_history(path: Path) -> History:
    if not path.is_file():
        return History()
    data = read_json(path)
    return History.from_json(data, where=str(path))


def complete(status: Status) -> set[str]:
    """The installable packages whose required dependencies (Requires-Dist on Windows on
    Arm, transitively, among the packages followed) are all installable too: what a user
    can really ``pip install`` with wheels only."""
    packages = status.packages

    def requires(key: str) -> tuple[str, ...]:
        pypi = packages[key].facts.pypi
        return tuple(d for d in (pypi.requires or ()) if d in packages) if pypi else ()

    broken = {k for k, e in packages.items() if not e.state.done}
    dependents: dict[str, set[str]] = {}
    for key in packages:
        for dep in requires(key):
            dependents.setdefault(dep, set()).add(key)
    todo = list(broken)
    while todo:  # everything that requires a broken package, directly or not, is broken
        for parent in dependents.get(todo.pop(), ()):
            if parent not in broken:
                broken.add(parent)
                todo.append(parent)
    return set(packages) - broken


def coverage_point(status: Status, date: str) -> CoveragePoint:
    top = [(k, e) for k, e in status.packages.items() if e.rank is not None]
    whole = complete(status)
    counts: dict[str, int] = {}
    for _, e in top:
        counts[str(e.state)] = counts.get(str(e.state), 0) + 1
    return CoveragePoint(
        date=date,
        top=len(top),
        installable=sum(e.state.done for _, e in top),
        native=sum(e.state is State.NATIVE for _, e in top),
        pure=sum(e.state is State.PURE for _, e in top),
        with_dependencies=sum(k in whole for k, _ in top),
        counts=dict(sorted(counts.items())),
    )


def record_history(history: History, status: Status, date: str) -> History:
    """Today's point (replacing an earlier one of the same day) and first-native days."""
    first = dict(history.first_native)
    for key, entry in status.packages.items():
        if entry.state is State.NATIVE and key not in first:
            first[key] = date
    point = coverage_point(status, date)
    points = (*tuple(p for p in history.points if p.date != date), point)
    return History(points=tuple(sorted(points, key=lambda p: p.date)), first_native=first)


def with_first_native(status: Status, history: History) -> Status:
    packages = {
        k: replace(e, first_native=history.first_native.get(k)) for k, e in status.packages.items()
    }
    return replace(status, packages=packages)


# -- what to work on next ----------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class Validation:
    """What `inventory validate` found in packages.yml (and devices.yml)."""

    path: Path
    problems: tuple[str, ...]
    count: int  # packages listed (0 when the file has problems)

    @property
    def exit_code(self) -> int:
        return 1 if self.problems else 0

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": not self.problems,
            "file": str(self.path),
            "packages": self.count,
            "problems": list(self.problems),
        }


@dataclass
class NextPick:
    package: Package
    state: State
    reasons: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.package.name,
            "state": str(self.state),
            "priority": self.package.priority,
            "reasons": self.reasons,
        }


def next_up(packages: list[Package], status: Status, count: int) -> list[NextPick]:
    """The next packages to work on: failing ones and the ready ones, by priority, then by
    how many other packages wait for them, then by the downloads they unblock, then by
    download rank."""
    waiting_on: dict[str, set[str]] = {}
    for p in packages:
        for dep in p.depends_on:
            waiting_on.setdefault(dep, set()).add(p.key)
    for key, known in status.packages.items():
        for dep in known.blocked_by:
            waiting_on.setdefault(dep, set()).add(key)
    picks = []
    for p in packages:
        entry = status.packages.get(p.key)
        state = entry.state if entry else State.READY
        if state not in (State.FAILING, State.READY):
            continue
        reasons = [f"priority {p.priority}"]
        rank = p.rank or (entry.rank if entry else None)
        if rank:
            reasons.append(f"download rank {rank}")
        if waiting_on.get(p.key):
            reasons.append(f"unblocks {', '.join(sorted(waiting_on[p.key]))}")
        if entry is not None and entry.reach:
            reasons.append(
                f"{entry.reach} packages require it on Windows on Arm "
                f"({entry.unblocks_downloads:,} downloads)"
            )
        if entry is not None and state is State.FAILING:
            reasons.append(f"failing at {entry.stage}: {entry.cause}")
        elif entry is not None and entry.cause:
            reasons.append(entry.cause)
        picks.append(NextPick(package=p, state=state, reasons=reasons))
    picks.sort(
        key=lambda n: (
            n.package.priority,
            -len(waiting_on.get(n.package.key, ())),
            -(
                status.packages[n.package.key].unblocks_downloads
                if n.package.key in status.packages
                else 0
            ),
            n.package.rank or 10**9,
            n.package.key,
        )
    )
    return picks[:count]


def load_status(path: Path) -> Status:
    from woaport.documents.status import load_status as load

    return load(path)


def tracked(listed: list[Package], top: list[tuple[str, int]]) -> list[Package]:
    """Every package the tracker follows: the top-N list (``(name, rank)`` pairs) in rank
    order, each with what packages.yml says of it, then the listed packages outside it."""
    by_key = {p.key: p for p in listed}
    out: list[Package] = []
    seen: set[str] = set()
    for name, rank in top:
        key = str(canonicalize_name(name))
        if key in seen:
            continue
        seen.add(key)
        person = by_key.get(key)
        out.append(
            replace(person, rank=rank) if person else Package(name=name, rank=rank, listed=False)
        )
    out += [p for p in listed if p.key not in seen]
    return out
