"""The scheduled controller: collect the facts, derive the states, write status.json and
the README. Never writes packages.yml.

Facts come from three sources per package: the package index (is there a win_arm64, pure
or source release?), the fork's port workflow runs (did the latest run on the port branch
pass?), and the fork's device queue (what did the payload check, the CI contract and each
device say about that run's artifact?). Requests are conditional (ETags kept in
``inventory/.cache/``), run on a bounded pool of threads, and a source that fails leaves
the package's last known facts in place, marked stale: a package never flips to a wrong
state because GitHub had a bad minute.
"""

from __future__ import annotations

import json
import tempfile
import threading
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from woaport import inventory
from woaport.availability import summarize
from woaport.errors import NotFound, WoaportError
from woaport.files import write_atomic
from woaport.github import GitHub, GitHubError
from woaport.http import EtagCache, make_session
from woaport.index import fetch_files

SOURCES = ("pypi", "ci", "queue")


@dataclass(frozen=True, kw_only=True)
class UpdateRequest:
    inventory: Path
    index_url: str
    workers: int = 16
    render: bool = True
    changes_file: Path | None = None


@dataclass
class UpdateResult:
    changes: list[inventory.Transition] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: int = 0
    not_modified: int = 0
    readme_changed: bool = False
    status_changed: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "changes": [vars(c) for c in self.changes],
            "errors": self.errors,
            "requests": self.requests,
            "not_modified": self.not_modified,
            "readme_changed": self.readme_changed,
            "status_changed": self.status_changed,
        }


class _Clients:
    """One requests session and one GitHub client per worker thread, one shared cache."""

    def __init__(self, cache: EtagCache, github_factory: Callable[[EtagCache], GitHub]):
        self.cache = cache
        self.github_factory = github_factory
        self.local = threading.local()
        self.lock = threading.Lock()
        self.made: list[tuple[requests.Session, GitHub]] = []
        self.index_requests = 0
        self.index_not_modified = 0

    def _count(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        with self.lock:
            self.index_requests += 1
            self.index_not_modified += response.status_code == 304

    def get(self) -> tuple[requests.Session, GitHub]:
        if not hasattr(self.local, "pair"):
            session = make_session(retries=3)
            session.hooks["response"].append(self._count)
            pair = (session, self.github_factory(self.cache))
            self.local.pair = pair
            with self.lock:
                self.made.append(pair)
        session, github = self.local.pair
        return session, github


def collect(package: inventory.Package, index_url: str, clients: _Clients) -> dict[str, Any]:
    """{source: facts} for one package; a failed source maps to its WoaportError."""
    session, github = clients.get()
    out: dict[str, Any] = {}
    stamp = inventory.now()
    try:
        files = fetch_files(session, index_url, package.name, clients.cache)
        a = summarize(package.name, files)
        out["pypi"] = {
            "version": a.version,
            "verdict": a.verdict,
            "pythons": a.pythons,
            "checked": stamp,
        }
    except NotFound:
        out["pypi"] = {"version": None, "verdict": "no-files", "pythons": [], "checked": stamp}
    except WoaportError as exc:
        out["pypi"] = exc
    if package.fork is None:
        out["ci"] = None
        out["queue"] = None
        return out
    fork = package.fork
    try:
        out["ci"] = _latest_run(github, fork)
    except WoaportError as exc:
        out["ci"] = exc
        out["queue"] = exc
        return out
    run = out["ci"]
    if run and run.get("status") == "completed" and run.get("conclusion") in FAILED:
        run["diagnosis"] = _diagnosis(github, clients.cache, fork.repo, run["run_id"])
    if not run or run.get("status") != "completed":
        out["queue"] = None
        return out
    try:
        out["queue"] = _queue_item(github, clients.cache, fork.repo, run["head_sha"])
    except WoaportError as exc:
        out["queue"] = exc
    return out


def _latest_run(github: GitHub, fork: inventory.Fork) -> dict[str, Any] | None:
    try:
        body = github.get_json(
            f"/repos/{fork.repo}/actions/workflows/{fork.workflow}/runs",
            {"branch": fork.branch, "per_page": 1},
        )
    except GitHubError as exc:
        if exc.status == 404:
            return None  # no port workflow in the fork yet: a fact, not a failure
        raise
    runs = body.get("workflow_runs") or []
    if not runs:
        return None
    run = runs[0]
    return {
        "run_id": run["id"],
        "run_number": run.get("run_number"),
        "status": run.get("status"),
        "conclusion": run.get("conclusion"),
        "head_sha": run.get("head_sha"),
        "url": run.get("html_url"),
        "created_at": run.get("created_at"),
    }


FAILED = ("failure", "timed_out", "startup_failure")
MAX_LOG_BYTES = 64 << 20


def _diagnosis(github: GitHub, cache: EtagCache, repo: str, run_id: int) -> str | None:
    """`woaport diagnose` on a failed run's logs; once per run (the result is cached)."""
    key = f"diagnosis:{repo}:{run_id}"
    memo = cache.entries.get(key)
    if memo is not None:
        return str(memo["body"]) if memo["body"] else None
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
    cache.put(key, "immutable", summary)
    return summary


def _queue_item(github: GitHub, cache: EtagCache, repo: str, sha: str) -> dict[str, Any] | None:
    from woaport.devicequeue import QueueURL
    from woaport.devicequeue.github import GitHubQueue

    queue = GitHubQueue(QueueURL("github", repo), github)
    listing = queue.items()
    matching = [i for i in listing.items if i.manifest.provenance.commit == sha]
    if not matching:
        return None
    item = max(matching, key=lambda i: i.manifest.created)
    under_test = item.manifest.under_test
    devices = {}
    for device_id, asset in sorted(item.results.items()):
        key = f"asset:{repo}:{asset['id']}:{asset.get('updated_at')}"
        memo = cache.entries.get(key)
        if memo is None:
            try:
                result = queue.read_result(item, device_id)
            except WoaportError:
                continue  # one unreadable result is skipped, never the end of the update
            if result is None:
                continue
            summary = {
                "verdict": str(result.verdict),
                "finished": result.finished,
                "reason": result.reason,
                "artifacts": [a.sha256 for a in result.artifacts],
            }
            cache.put(key, "immutable", summary)
        else:
            summary = memo["body"]
        if under_test.sha256 in summary.get("artifacts", []):
            devices[device_id] = {k: summary[k] for k in ("verdict", "finished", "reason")}
    ci = item.manifest.ci
    return {
        "item_id": item.item_id,
        "artifact": under_test.filename,
        "artifact_sha256": under_test.sha256,
        "payload": str(ci.payload),
        "ci_verdict": str(ci.verdict),
        "devices": devices,
    }


def update(
    request: UpdateRequest,
    *,
    github_factory: Callable[[EtagCache], GitHub] | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> UpdateResult:
    folder = request.inventory
    packages = inventory.load_packages(folder / "packages.yml")
    status_path = folder / "status.json"
    status = inventory.load_status(status_path)
    before = material(status)
    cache = EtagCache.load(folder / ".cache" / "controller.json")
    clients = _Clients(cache, github_factory or (lambda c: GitHub(cache=c, retries=3, max_wait=60)))
    progress(f"collecting facts for {len(packages)} packages with {request.workers} workers")
    with ThreadPoolExecutor(max_workers=max(1, request.workers)) as pool:
        collected = dict(
            zip(
                [p.key for p in packages],
                pool.map(lambda p: collect(p, request.index_url, clients), packages),
                strict=True,
            )
        )
    result = UpdateResult()
    at = inventory.now()
    entries = status.setdefault("packages", {})
    for package in packages:
        entry = entries.setdefault(package.key, {"facts": {}, "history": []})
        facts = entry.setdefault("facts", {})
        stale = entry.setdefault("stale", {})
        for source in SOURCES:
            value = collected[package.key].get(source)
            if isinstance(value, WoaportError):
                stale[source] = True
                result.errors.append(f"{package.key} {source}: {value.message}")
            else:
                facts[source] = value
                stale[source] = False
    derived = inventory.derive_all(packages, {p.key: entries[p.key]["facts"] for p in packages})
    result.changes = inventory.apply_states(status, packages, derived, at)
    status["status_version"] = 1
    if material(status) != before or not status_path.is_file():
        # Something real changed: only then is the file rewritten (and the workflow commits).
        status["updated"] = at
        text = json.dumps(status, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        write_atomic(status_path, text.encode())
        result.status_changed = True
    cache.save()
    result.requests, result.not_modified = clients.index_requests, clients.index_not_modified
    for _, github in clients.made:
        result.requests += github.stats.requests
        result.not_modified += github.stats.not_modified
    if request.render:
        readme = folder / "README.md"
        text = inventory.render(packages, status)
        old = readme.read_text(encoding="utf-8") if readme.is_file() else None
        if text != old:
            write_atomic(readme, text.encode())
            result.readme_changed = True
    if request.changes_file is not None:
        request.changes_file.write_text(commit_message(result), encoding="utf-8")
    return result


def material(status: dict[str, Any]) -> str:
    """The status without the times that change on every run (when facts were checked)."""
    copy = json.loads(json.dumps(status))
    copy.pop("updated", None)
    for entry in copy.get("packages", {}).values():
        for facts in (entry.get("facts") or {}).values():
            if isinstance(facts, dict):
                facts.pop("checked", None)
    return json.dumps(copy, sort_keys=True)


def commit_message(result: UpdateResult) -> str:
    if not result.changes:
        return "inventory: refresh facts (no state changes)\n"
    lines = [f"inventory: {len(result.changes)} state change(s)", ""]
    lines += [f"- {c}" for c in result.changes]
    return "\n".join(lines) + "\n"
