"""The inventory: packages.yml (people), status.json (the controller), README.md (both).

``derive`` is the one pure function from a package's facts to its state. The states, in
the order the README lists them (actionable first):

* ``failing``: the port broke; ``stage`` says where (build, payload, ci-contract,
  device-contract) and ``cause`` what.
* ``in-progress``: a fork is set up and its port run has not finished (or not run yet).
* ``ci-validated``: the wheel passed on a hosted windows-11-arm runner; awaiting a device.
* ``backlog``: nobody has started; nothing stands in the way.
* ``blocked``: a manual reason, or it needs another package's win_arm64 wheel first
  (``blocked_by`` names which; a dependency cycle is reported, not followed).
* ``device-validated``: the exact artifact passed on a real Windows-on-Arm device.
* ``upstream``: the package index already has win_arm64 wheels.
* ``pure``: a pure-Python wheel installs anyway.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from packaging.utils import canonicalize_name

from woaport.errors import BadInput

STATES = [
    "failing",
    "in-progress",
    "ci-validated",
    "backlog",
    "blocked",
    "device-validated",
    "upstream",
    "pure",
]
DONE = {"upstream", "pure", "device-validated"}
# A dependency in one of these states has a win_arm64 wheel to build against or stage.
SATISFIED = {"upstream", "pure", "device-validated", "ci-validated"}
BADGES = {
    "failing": "🔴 failing",
    "in-progress": "🟡 in progress",
    "ci-validated": "🔵 CI-validated",
    "backlog": "⚪ backlog",
    "blocked": "⛔ blocked",
    "device-validated": "✅ device-validated",
    "upstream": "🟢 upstream",
    "pure": "🟢 pure",
}
LEGEND = {
    "failing": "the port broke; the cause says at which stage (build, payload, ci-contract, device-contract)",
    "in-progress": "a fork is set up; its port run has not finished (or not run yet)",
    "ci-validated": "the wheel passed its contract on a windows-11-arm runner; waiting for a device",
    "backlog": "not started, and nothing stands in the way",
    "blocked": "a manual reason, or waiting for the win_arm64 wheels of the packages named",
    "device-validated": "the exact artifact passed the same contract on a real Windows-on-Arm device",
    "upstream": "the package index has win_arm64 wheels: nothing to port",
    "pure": "a pure-Python wheel installs on Windows on Arm",
}


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

    @property
    def key(self) -> str:
        return str(canonicalize_name(self.name))


def load_packages(path: Path) -> list[Package]:
    """packages.yml, validated; raises BadInput naming every problem's place."""
    problems = check_packages(path)
    if problems:
        raise BadInput(
            problems[0] + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else "")
        )
    return _parse(yaml.safe_load(path.read_text(encoding="utf-8")))


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


def check_packages(path: Path, contract_ids: set[str] | None = None) -> list[str]:
    """Every problem in packages.yml, each naming the file, the place and the fix."""
    from jsonschema import Draft202012Validator

    from woaport.contract import schema

    if not path.is_file():
        raise BadInput(f"{path}: no such file; pass the inventory folder that holds packages.yml")
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise BadInput(f"{path}:{where}: not valid YAML") from None
    errors = sorted(
        Draft202012Validator(schema("inventory")).iter_errors(document),
        key=lambda e: [str(p) for p in e.absolute_path],
    )
    problems = [
        f"{path}: {'.'.join(map(str, e.absolute_path)) or '(top level)'}: {e.message}"
        for e in errors
    ]
    if problems:
        return problems
    packages = _parse(document)
    names = [p.key for p in packages]
    for i, package in enumerate(packages):
        if names.count(package.key) > 1 and names.index(package.key) != i:
            problems.append(
                f"{path}: packages.{i}: {package.name!r} is listed twice; keep one entry"
            )
        for dep in package.depends_on:
            if dep not in names:
                problems.append(
                    f"{path}: packages.{i}.depends_on: {dep!r} is not in the inventory; add it (it may be 'upstream' already)"
                )
        if contract_ids is not None and package.contract and package.contract not in contract_ids:
            problems.append(
                f"{path}: packages.{i}.contract: no contract {package.contract!r} in contracts/; write it or fix the id"
            )
    for cycle in find_cycles({p.key: p.depends_on for p in packages}):
        problems.append(f"{path}: dependency cycle {' -> '.join(cycle)}; break it in depends_on")
    return problems


def find_cycles(graph: dict[str, tuple[str, ...]]) -> list[list[str]]:
    """Each dependency cycle once, as a path that returns to its start."""
    cycles: list[list[str]] = []
    color: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        color[node] = 1
        stack.append(node)
        for dep in graph.get(node, ()):
            if dep not in graph:
                continue
            if color.get(dep) == 1:
                cycles.append([*stack[stack.index(dep) :], dep])
            elif color.get(dep) is None:
                visit(dep)
        stack.pop()
        color[node] = 2

    for node in sorted(graph):
        if color.get(node) is None:
            visit(node)
    return cycles


@dataclass(frozen=True, kw_only=True)
class Derived:
    state: str
    stage: str | None = None
    cause: str = ""
    blocked_by: tuple[str, ...] = ()


def derive(
    package: Package, facts: dict[str, Any], deps: dict[str, str], cycle: list[str] | None = None
) -> Derived:
    """The state of a package from its facts and its dependencies' states. Pure."""
    pypi = facts.get("pypi") or {}
    if pypi.get("verdict") == "native":
        return Derived(
            state="upstream",
            cause=f"{pypi.get('version')}: win_arm64 wheels for {', '.join(pypi.get('pythons', []))}",
        )
    if pypi.get("verdict") == "pure":
        return Derived(state="pure", cause=f"{pypi.get('version')}: pure-Python wheel")
    if package.blocked:
        return Derived(state="blocked", cause=package.blocked)
    if cycle:
        return Derived(
            state="blocked",
            cause=f"dependency cycle {' -> '.join(cycle)}",
            blocked_by=tuple(sorted(set(cycle) - {package.key})),
        )
    waiting = tuple(d for d in package.depends_on if deps.get(d) not in SATISFIED)
    if waiting:
        detail = ", ".join(f"{d} ({deps.get(d, 'unknown')})" for d in waiting)
        return Derived(state="blocked", cause=f"awaiting parents: {detail}", blocked_by=waiting)
    if package.fork is None:
        return Derived(state="backlog", cause=_pypi_words(pypi))
    ci = facts.get("ci")
    if not ci:
        return Derived(
            state="in-progress", cause=f"{package.fork.repo}@{package.fork.branch}: no port run yet"
        )
    run = f"run {ci.get('run_number') or ci.get('run_id')}"
    if ci.get("status") != "completed":
        return Derived(state="in-progress", cause=f"{run} is {ci.get('status')}")
    item = facts.get("queue") or {}
    if item.get("payload") == "fail":
        return Derived(
            state="failing", stage="payload", cause=f"{run}: the wheel's payload failed inspection"
        )
    if item.get("ci_verdict") == "fail":
        return Derived(
            state="failing",
            stage="ci-contract",
            cause=f"{run}: the contract failed on windows-11-arm",
        )
    if ci.get("conclusion") != "success":
        return Derived(
            state="failing",
            stage="build",
            cause=f"{run} {ci.get('conclusion')}"
            + (f": {ci['diagnosis']}" if ci.get("diagnosis") else ""),
        )
    devices = item.get("devices") or {}
    bad = {
        d: r
        for d, r in sorted(devices.items())
        if r.get("verdict") in ("fail", "tampered", "error")
    }
    if bad:
        device, result = next(iter(bad.items()))
        reason = f": {result['reason']}" if result.get("reason") else ""
        return Derived(
            state="failing", stage="device-contract", cause=f"{device}: {result['verdict']}{reason}"
        )
    passing = sorted(d for d, r in devices.items() if r.get("verdict") == "pass")
    if passing:
        return Derived(state="device-validated", cause=f"passed on {', '.join(passing)}")
    return Derived(state="ci-validated", cause=f"{run} passed; awaiting a device")


def _pypi_words(pypi: dict[str, Any]) -> str:
    verdict = pypi.get("verdict")
    return {
        "sdist-only": f"{pypi.get('version')}: sdist only",
        "binary-only": f"{pypi.get('version')}: wheels for other platforms only",
        "no-files": "no installable release",
    }.get(str(verdict), "not checked yet")


def derive_all(packages: list[Package], facts: dict[str, dict[str, Any]]) -> dict[str, Derived]:
    """States for all packages, dependencies first; cycles are reported, not followed."""
    graph = {p.key: p.depends_on for p in packages}
    in_cycle: dict[str, list[str]] = {}
    for cycle in find_cycles(graph):
        for node in cycle:
            in_cycle.setdefault(node, cycle)
    by_key = {p.key: p for p in packages}
    states: dict[str, Derived] = {}

    def resolve(key: str, trail: tuple[str, ...] = ()) -> Derived:
        if key in states:
            return states[key]
        package = by_key[key]
        deps = {}
        for dep in package.depends_on:
            if dep in by_key and dep not in trail and dep not in in_cycle.get(key, []):
                deps[dep] = resolve(dep, (*trail, key)).state
            elif dep in by_key and dep in in_cycle.get(key, []):
                deps[dep] = "blocked"
        states[key] = derive(package, facts.get(key, {}), deps, in_cycle.get(key))
        return states[key]

    for key in sorted(by_key):
        resolve(key)
    return states


# -- status.json ---------------------------------------------------------------------------
def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def parse_time(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def load_status(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {"status_version": 1, "updated": None, "packages": {}}
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        raise BadInput(
            f"{path}: not valid JSON; restore it from git (the controller writes it)"
        ) from None
    return data


@dataclass
class Transition:
    package: str
    before: str | None
    after: str
    cause: str

    def __str__(self) -> str:
        return f"{self.package}: {self.before or 'new'} -> {self.after} ({self.cause})"


def apply_states(
    status: dict[str, Any], packages: list[Package], derived: dict[str, Derived], at: str
) -> list[Transition]:
    """Write derived states into ``status``; record history where the state changed."""
    changes = []
    entries = status.setdefault("packages", {})
    for package in packages:
        d = derived[package.key]
        entry = entries.setdefault(package.key, {"facts": {}, "history": []})
        before = entry.get("state")
        if before != d.state:
            changes.append(Transition(package.key, before, d.state, d.cause))
            entry.setdefault("history", []).append(
                {"from": before, "to": d.state, "at": at, "cause": d.cause}
            )
            entry["history"] = entry["history"][-20:]
            entry["since"] = at
        entry.update(state=d.state, stage=d.stage, cause=d.cause, blocked_by=list(d.blocked_by))
    for key in set(entries) - {p.key for p in packages}:
        del entries[key]  # removed from packages.yml
    return changes


# -- README --------------------------------------------------------------------------------
def _age(then: str | None, reference: dt.datetime | None) -> str:
    moment = parse_time(then)
    if moment is None or reference is None:
        return ""
    seconds = max(0, int((reference - moment).total_seconds()))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit} ago"
    return "just now"


def _cell(text: Any) -> str:
    return str(text if text is not None else "").replace("|", "\\|").replace("\n", " ")


def render(packages: list[Package], status: dict[str, Any]) -> str:
    """The README table. Deterministic: ages are relative to status['updated']."""
    entries = status.get("packages", {})
    reference = parse_time(status.get("updated"))
    counts = {s: 0 for s in STATES}
    for p in packages:
        counts[entries.get(p.key, {}).get("state", "backlog")] += 1
    total = len(packages)
    done = sum(counts[s] for s in DONE)
    width = 30
    filled = round(width * done / total) if total else 0
    devices = sorted(
        {
            d
            for e in entries.values()
            for d in (((e.get("facts") or {}).get("queue") or {}).get("devices") or {})
        }
    )
    lines = [
        "# Windows on Arm porting status",
        "",
        "<!-- Generated by `woaport inventory render` from packages.yml and status.json. Do not edit. -->",
        "",
        f"Last change: {status.get('updated') or 'never'}",
        "",
        f"`{'█' * filled}{'░' * (width - filled)}` **{done}/{total}** installable natively "
        "(upstream, pure or device-validated)",
        "",
        " · ".join(f"{BADGES[s]}: {counts[s]}" for s in STATES if counts[s]),
        "",
    ]
    header = ["package", "rank", "state", "PyPI", "fork", "last CI", "payload", "CI contract"]
    header += [f"device {d}" for d in devices] + ["cause", "blocked by", "upstream PR"]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + " --- |" * len(header))

    def order(p: Package) -> tuple[int, int, int, str]:
        state = entries.get(p.key, {}).get("state", "backlog")
        return (STATES.index(state), p.priority, p.rank or 10**9, p.key)

    for p in sorted(packages, key=order):
        e = entries.get(p.key, {})
        facts = e.get("facts") or {}
        pypi, ci, item = facts.get("pypi") or {}, facts.get("ci") or {}, facts.get("queue") or {}
        state = e.get("state", "backlog")
        badge = BADGES[state] + (f" ({e['stage']})" if e.get("stage") else "")
        if any((e.get("stale") or {}).values()):
            badge += " ⚠ stale"
        pypi_text = f"{pypi.get('version', '')} {pypi.get('verdict', '')}".strip()
        if pypi.get("pythons"):
            pypi_text += f" ({', '.join(pypi['pythons'])})"
        fork = f"{p.fork.repo}@{p.fork.branch}" if p.fork else ""
        last_ci = ""
        if ci:
            last_ci = f"[{ci.get('conclusion') or ci.get('status')}]({ci.get('url')}) {_age(ci.get('created_at'), reference)}".strip()
        row = [
            f"**{p.name}**",
            str(p.rank or ""),
            badge,
            pypi_text,
            fork,
            last_ci,
            item.get("payload") or "",
            item.get("ci_verdict") or "",
        ]
        row += [((item.get("devices") or {}).get(d) or {}).get("verdict", "") for d in devices]
        blocked_by = ", ".join(e.get("blocked_by") or [])
        pr = f"[PR]({p.upstream_pr})" if p.upstream_pr else ""
        cause = (
            e.get("cause", "")
            if state in ("failing", "blocked", "in-progress", "ci-validated")
            else ""
        )
        row += [cause, blocked_by, pr]
        lines.append("| " + " | ".join(_cell(c) for c in row) + " |")
    lines += ["", "## Legend", ""]
    lines += [f"- {BADGES[s]}: {LEGEND[s]}" for s in STATES]
    lines += [
        "- ⚠ stale: a source could not be read at the last update; the facts shown are the last known ones",
        "",
        "Rows are ordered so that what needs a person comes first: failing, in progress, waiting for a device, "
        "then the backlog by priority.",
        "",
    ]
    return "\n".join(lines)


@dataclass
class NextPick:
    package: Package
    state: str
    reasons: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.package.name,
            "state": self.state,
            "priority": self.package.priority,
            "reasons": self.reasons,
        }


def next_up(packages: list[Package], status: dict[str, Any], count: int) -> list[NextPick]:
    """The next packages to work on: failing ones and the unblocked backlog, by priority,
    then by how many other packages wait for them, then by download rank."""
    entries = status.get("packages", {})
    waiting_on: dict[str, list[str]] = {}
    for p in packages:
        for dep in p.depends_on:
            waiting_on.setdefault(dep, []).append(p.key)
    picks = []
    for p in packages:
        e = entries.get(p.key, {})
        state = e.get("state", "backlog")
        if state not in ("failing", "backlog"):
            continue
        reasons = [f"priority {p.priority}"]
        if p.rank:
            reasons.append(f"download rank {p.rank}")
        if waiting_on.get(p.key):
            reasons.append(f"unblocks {', '.join(sorted(waiting_on[p.key]))}")
        if state == "failing":
            reasons.append(f"failing at {e.get('stage')}: {e.get('cause')}")
        elif e.get("cause"):
            reasons.append(e["cause"])
        picks.append(NextPick(package=p, state=state, reasons=reasons))
    picks.sort(
        key=lambda n: (
            n.package.priority,
            -len(waiting_on.get(n.package.key, [])),
            n.package.rank or 10**9,
            n.package.key,
        )
    )
    return picks[:count]
