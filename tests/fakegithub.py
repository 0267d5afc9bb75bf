"""A fake GitHub REST API on 127.0.0.1, plus a "storage" host on 127.0.0.2 for asset
downloads, that behaves like the real one where woaport depends on it: authentication,
ETags and 304s (which cost no rate limit), Link pagination, release and asset endpoints
with GitHub's error answers, upload_url templates, 302 redirects for asset downloads to a
host that rejects an Authorization header, workflow runs, and injected faults (5xx, 429
with Retry-After, 403 rate limits, truncated downloads, half-done uploads).

Several tokens, each belonging to a login and allowed to write some repositories only
(:meth:`FakeGitHub.add_token`), and anonymous reads of public repositories, as GitHub
has them; the repository contents API (files on branches, base64, 1 MB limit) and git
blobs, for the device fleet's hub index and outboxes.

Response bodies are built from GitHub's own schemas (tests/openapi/github-subset.json): every
required field present with a value of the documented type, the meaningful ones set from
the fake's state. Every exchange is recorded so that tests can validate them all against
the OpenAPI description.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import hashlib
import io
import itertools
import json
import re
import threading
import time
import zipfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from openapi_check import document

_ids = itertools.count(1000)
EPOCH = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


def iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document()["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


_TEMPLATES: dict[str, Any] = {}


def example(schema: dict[str, Any] | str, **values: Any) -> Any:
    """An instance of ``schema`` (a component name or a schema): required fields filled with
    placeholder values of the right type; ``values`` set on top."""
    if isinstance(schema, str):
        if schema not in _TEMPLATES:
            _TEMPLATES[schema] = _example(document()["components"]["schemas"][schema])
        base = copy.deepcopy(_TEMPLATES[schema])
        if isinstance(base, dict):
            base.update(values)
        return base
    return _example(schema, **values)


def _example(schema: dict[str, Any], **values: Any) -> Any:
    schema = _resolve(schema)
    if "anyOf" in schema or "oneOf" in schema:
        options = schema.get("anyOf") or schema.get("oneOf")
        non_null = [o for o in options if o.get("type") != "null"]
        return example(non_null[0], **values) if values or non_null else None
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            merged.update(example(part))
        merged.update(values)
        return merged
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        kind = next(k for k in kind if k != "null")
    if kind == "object":
        out = {}
        for name in schema.get("required", []):
            prop = schema.get("properties", {}).get(name, {})
            out[name] = _placeholder(prop, name)
        out.update(values)
        return out
    return _placeholder(schema, "")


def _placeholder(schema: dict[str, Any], name: str) -> Any:
    schema = _resolve(schema) if "$ref" in schema else schema
    kind = schema.get("type")
    if isinstance(kind, list):
        if "null" in kind:
            return None
        kind = kind[0]
    if "enum" in schema:
        return schema["enum"][0]
    if kind is None and ("anyOf" in schema or "oneOf" in schema):
        return example(schema)
    if kind == "string":
        if schema.get("format") == "date-time":
            return iso(EPOCH)
        if schema.get("format") == "uri" or name.endswith("_url") or name == "url":
            return f"https://example.invalid/{name}"
        return name or "x"
    if kind in ("integer", "number"):
        return 0
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    if kind == "object" or "properties" in schema or "allOf" in schema:
        return example(schema)
    return None


@dataclass
class Asset:
    id: int
    name: str
    content_type: str
    data: bytes
    state: str = "uploaded"
    created_at: str = field(default_factory=lambda: iso(EPOCH))


@dataclass
class Release:
    id: int
    tag_name: str
    name: str | None
    body: str | None
    prerelease: bool
    created_at: str
    target_commitish: str = "main"
    assets: list[Asset] = field(default_factory=list)
    draft: bool = False
    # Set when a release is published in a repository with immutable releases on: from then
    # on GitHub refuses to add or delete assets (422), while title and notes stay editable.
    immutable: bool = False


@dataclass
class Repo:
    full_name: str
    releases: list[Release] = field(default_factory=list)
    workflow_runs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    run_logs: dict[int, str] = field(default_factory=dict)
    id: int = field(default_factory=lambda: next(_ids))
    immutable_releases: bool = False  # the repository/organisation setting
    private: bool = False  # invisible (404) to tokens that may not read it, and to anonymous
    # forks, git data, Actions settings and pull requests (woaport port start / upstream)
    default_branch: str = "main"
    parent: str | None = None  # the upstream, for a fork
    actions_enabled: bool = True
    pending: int = 0  # requests answered 404 before an asynchronous fork is visible
    git_pending: int = 0  # then git data requests answered 409 (objects still being copied)
    refs: dict[str, str] = field(default_factory=dict)  # "refs/heads/main" -> commit sha
    blobs: dict[str, bytes] = field(default_factory=dict)
    trees: dict[str, dict[str, str]] = field(default_factory=dict)  # sha -> {path: blob sha}
    commits: dict[str, dict[str, Any]] = field(default_factory=dict)
    pulls: dict[int, dict[str, Any]] = field(default_factory=dict)


@dataclass
class Fault:
    method: str
    pattern: str
    status: int = 500
    times: int = 1
    retry_after: int | None = None
    ratelimit_reset_in: int | None = None
    truncate: bool = False
    create_then_fail: bool = False  # an upload or file write done, then answered 502
    # Hold the request up to this long before answering it (a test kills its client
    # meanwhile): ``reached`` is set when it arrives, ``release`` lets it go on.
    hold: float = 0.0
    reached: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)


@dataclass
class Exchange:
    method: str
    path: str
    status: int
    body: Any


def git_sha(kind: str, data: bytes) -> str:
    """The object id git gives ``data`` (https://git-scm.com/book/en/v2/Git-Internals-Git-Objects)."""
    return hashlib.sha1(f"{kind} {len(data)}\0".encode() + data, usedforsecurity=False).hexdigest()


class FakeGitHub:
    def __init__(self, token: str = "fake-token") -> None:
        self.token = token
        self.login = "woaport-bot"  # whom the token belongs to
        # token -> (login, repositories it may write; None: every one, as the default
        # token does in the tests that predate several tokens)
        self.tokens: dict[str, tuple[str, set[str] | None]] = {token: (self.login, None)}
        self.orgs: set[str] = set()  # organisations it may fork into
        self.fork_delay = 2  # GETs of a new fork answered 404 (then 409 for git data)
        self.repos: dict[str, Repo] = {}
        self.faults: list[Fault] = []
        self.exchanges: list[Exchange] = []
        self.hits: Counter[str] = Counter()
        self.not_modified = 0
        self.rate_limit = 5000
        self.rate_used = 0
        self.rate_by: Counter[str] = Counter()  # counted requests by Authorization header
        self.storage_auth_rejected = 0
        self.lock = threading.RLock()
        self.clock = EPOCH
        self.latency = 0.0  # seconds added to every API answer
        # GitHub's secondary rate limit: "No more than 100 concurrent requests are allowed"
        # (docs.github.com, "Rate limits for the REST API"); one more is answered 403 with
        # Retry-After, as GitHub answers a secondary limit.
        self.concurrent_limit = 100
        self.in_flight = 0
        self.most_in_flight = 0
        self.api_url = ""
        self.storage_url = ""
        # The root of release upload_urls; github.com names another host (uploads.github.com).
        self.uploads_url = ""
        # asset id -> where the storage host last found it (see stored_asset)
        self._asset_places: dict[int, tuple[Repo, Release, Asset]] = {}

    # -- state helpers -------------------------------------------------------------------
    def stored_asset(self, asset_id: int) -> Asset | None:
        """The first asset of that id in the releases of the repositories, as a storage host
        serves it. Where each asset is, is remembered and checked again on use (it may have
        been deleted since), so that thousands of downloads do not each walk every release
        of every repository; a miss or a stale place looks again."""
        with self.lock:
            where = self._asset_places.get(asset_id)
            if where is None or not self._still_there(*where):
                self._asset_places = {}
                for repo in self.repos.values():
                    for release in repo.releases:
                        for asset in release.assets:
                            self._asset_places.setdefault(asset.id, (repo, release, asset))
                where = self._asset_places.get(asset_id)
            return where[2] if where is not None else None

    def _still_there(self, repo: Repo, release: Release, asset: Asset) -> bool:
        return (
            self.repos.get(repo.full_name) is repo
            and any(r is release for r in repo.releases)
            and any(a is asset for a in release.assets)
        )

    def add_token(self, token: str, login: str, writable: set[str]) -> None:
        """A fine-grained personal access token of ``login`` with write access to
        ``writable`` only. Like every token it reads public repositories ("Fine-grained
        personal access tokens ... can read public repositories", docs.github.com,
        "Managing your personal access tokens"); a write anywhere else is answered 403
        "Resource not accessible by personal access token"."""
        self.tokens[token] = (login, set(writable))

    def next_id(self) -> int:
        return next(_ids)

    def may_write(self, token: str | None, full_name: str) -> bool:
        if token is None or token not in self.tokens:
            return False
        _, grants = self.tokens[token]
        return grants is None or full_name in grants

    def may_read(self, token: str | None, repo: Repo) -> bool:
        return not repo.private or self.may_write(token, repo.full_name)

    def add_repo(self, full_name: str) -> Repo:
        repo = Repo(full_name=full_name)
        self.repos[full_name] = repo
        return repo

    def seed_git(self, full_name: str, files: dict[str, str], message: str = "initial") -> str:
        """A first commit on the default branch with ``files``."""
        repo = self.repos[full_name]
        tree = {}
        for path, text in files.items():
            data = text.encode()
            sha = git_sha("blob", data)
            repo.blobs[sha] = data
            tree[path] = sha
        return self.commit(repo, tree, message, parents=[], branch=repo.default_branch)

    def commit(
        self, repo: Repo, tree: dict[str, str], message: str, parents: list[str], branch: str | None
    ) -> str:
        tree_sha = git_sha("tree", json.dumps(tree, sort_keys=True).encode())
        repo.trees[tree_sha] = tree
        sha = git_sha("commit", f"{tree_sha} {parents} {message}".encode())
        repo.commits[sha] = {"tree": tree_sha, "parents": parents, "message": message}
        if branch:
            repo.refs[f"refs/heads/{branch}"] = sha
        return sha

    def put_file(self, full_name: str, path: str, data: bytes, branch: str | None = None) -> str:
        """Commit ``data`` at ``path`` on ``branch`` (what a push does); the new commit."""
        repo = self.repos[full_name]
        branch = branch or repo.default_branch
        head = repo.refs.get(f"refs/heads/{branch}")
        tree = dict(repo.trees[repo.commits[head]["tree"]]) if head else {}
        sha = git_sha("blob", data)
        repo.blobs[sha] = data
        tree[path] = sha
        return self.commit(repo, tree, f"update {path}", [head] if head else [], branch)

    def files(self, full_name: str, branch: str | None = None) -> dict[str, bytes]:
        repo = self.repos[full_name]
        head = repo.refs.get(f"refs/heads/{branch or repo.default_branch}")
        if head is None:
            return {}
        return {p: repo.blobs[b] for p, b in repo.trees[repo.commits[head]["tree"]].items()}

    def branch_files(self, full_name: str, branch: str) -> dict[str, str]:
        repo = self.repos[full_name]
        commit = repo.commits[repo.refs[f"refs/heads/{branch}"]]
        return {p: repo.blobs[b].decode() for p, b in repo.trees[commit["tree"]].items()}

    def add_pull(self, full_name: str, number: int, *, state: str, merged: bool) -> None:
        self.repos[full_name].pulls[number] = {"state": state, "merged": merged}

    def writable(self, full_name: str) -> bool:
        owner = full_name.split("/")[0]
        return owner == self.login or owner in self.orgs

    def fault(self, method: str, pattern: str, **kwargs: Any) -> Fault:
        fault = Fault(method=method, pattern=pattern, **kwargs)
        self.faults.append(fault)
        return fault

    def tick(self) -> str:
        self.clock += dt.timedelta(seconds=1)
        return iso(self.clock)

    def take_fault(self, method: str, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.times > 0 and fault.method == method and re.search(fault.pattern, path):
                    fault.times -= 1
                    return fault
        return None

    # -- JSON views ------------------------------------------------------------------------
    def user(self) -> dict[str, Any]:
        return example("simple-user", login="woaport-bot", id=1, type="Bot")

    def asset_json(self, repo: Repo, asset: Asset) -> dict[str, Any]:
        return example(
            "release-asset",
            id=asset.id,
            name=asset.name,
            content_type=asset.content_type,
            size=len(asset.data),
            digest="sha256:" + hashlib.sha256(asset.data).hexdigest(),
            state=asset.state,
            url=f"{self.api_url}/repos/{repo.full_name}/releases/assets/{asset.id}",
            browser_download_url=f"{self.storage_url}/public/{asset.id}/{quote(asset.name)}",
            label=None,
            uploader=self.user(),
            created_at=asset.created_at,
            updated_at=asset.created_at,
        )

    def release_json(self, repo: Repo, release: Release) -> dict[str, Any]:
        base = f"{self.api_url}/repos/{repo.full_name}/releases/{release.id}"
        return example(
            "release",
            id=release.id,
            tag_name=release.tag_name,
            name=release.name,
            body=release.body,
            prerelease=release.prerelease,
            draft=release.draft,
            target_commitish=release.target_commitish,
            created_at=release.created_at,
            published_at=None if release.draft else release.created_at,
            url=base,
            assets_url=f"{base}/assets",
            upload_url=f"{self.uploads_url or self.api_url}/uploads/repos/{repo.full_name}/releases/{release.id}/assets{{?name,label}}",
            html_url=f"https://github.invalid/{repo.full_name}/releases/tag/{release.tag_name}",
            author=self.user(),
            assets=[self.asset_json(repo, a) for a in release.assets],
        )

    def repo_json(self, repo: Repo, token: str | None = None) -> dict[str, Any]:
        """The repository as ``token`` sees it: GitHub adds ``permissions`` (what the
        authenticated caller may do) and leaves it out for an anonymous one."""
        owner, name = repo.full_name.split("/")
        extra: dict[str, Any] = {}
        if token is not None and token in self.tokens:
            write = self.may_write(token, repo.full_name)
            extra["permissions"] = {
                "admin": write,
                "maintain": write,
                "push": write,
                "triage": write,
                "pull": True,
            }
        if repo.parent:
            parent = self.repos[repo.parent]
            extra["parent"] = example(
                "repository",
                id=parent.id,
                name=parent.full_name.split("/")[1],
                full_name=parent.full_name,
                owner=example("simple-user", login=parent.full_name.split("/")[0]),
                license=None,
                private=False,
                fork=False,
                default_branch=parent.default_branch,
            )
        return example(
            "full-repository",
            **extra,
            fork=repo.parent is not None,
            id=repo.id,
            name=name,
            full_name=repo.full_name,
            owner=example("simple-user", login=owner),
            private=False,
            default_branch=repo.default_branch,
            license=None,
            description=None,
            homepage=None,
            language="Python",
            mirror_url=None,
        )

    def add_run(
        self,
        repo_name: str,
        workflow: str,
        *,
        branch: str,
        sha: str,
        conclusion: str | None,
        status: str = "completed",
        logs: str | None = None,
    ) -> dict[str, Any]:
        repo = self.repos[repo_name]
        run_id = next(_ids)
        run = example(
            "workflow-run",
            id=run_id,
            run_number=len(repo.workflow_runs.get(workflow, [])) + 1,
            head_branch=branch,
            head_sha=sha,
            status=status,
            conclusion=conclusion,
            event="push",
            path=f".github/workflows/{workflow}",
            html_url=f"https://github.invalid/{repo_name}/actions/runs/{run_id}",
            created_at=self.tick(),
            updated_at=iso(self.clock),
            head_commit=None,
            repository=example(
                "minimal-repository", full_name=repo_name, owner=example("simple-user")
            ),
            head_repository=example(
                "minimal-repository", full_name=repo_name, owner=example("simple-user")
            ),
            pull_requests=[],
        )
        repo.workflow_runs.setdefault(workflow, []).insert(0, run)
        if logs is not None:
            repo.run_logs[run_id] = logs
        return run


class _Handler(BaseHTTPRequestHandler):
    fake: FakeGitHub
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # keep-alive + small writes would wait for delayed ACKs

    def log_message(self, *args: object) -> None:
        pass

    # -- response helpers --------------------------------------------------------------
    def send_json(
        self, status: int, body: Any, headers: dict[str, str] | None = None, record: bool = True
    ) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        path = urlsplit(self.path).path
        if record:
            with self.fake.lock:
                self.fake.exchanges.append(
                    Exchange(self.command, path.removeprefix("/uploads"), status, body)
                )
        etag = None
        if self.command == "GET" and status == 200 and body is not None:
            # An ETag belongs to the token that asked: "When a different access token is
            # used a different etag is returned" (github/docs#34689).
            auth = self.headers.get("Authorization", "").encode()
            etag = 'W/"' + hashlib.sha256(auth + b"\0" + data).hexdigest()[:32] + '"'
            if self.headers.get("If-None-Match") == etag:
                with self.fake.lock:
                    self.fake.not_modified += 1
                self.send_response(304)
                self.send_header("ETag", etag)
                # "Making a conditional request does not count against your primary rate
                # limit if a 304 response is returned and the request was made while
                # correctly authorized with an Authorization header" (docs.github.com,
                # "Best practices for using the REST API").
                self._rate_headers(counted=not auth)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
        self.send_response(status)
        if etag:
            self.send_header("ETag", etag)
        self._rate_headers(counted=True)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if data:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _rate_headers(self, counted: bool) -> None:
        with self.fake.lock:
            if counted:
                self.fake.rate_used += 1
                self.fake.rate_by[self.headers.get("Authorization", "")] += 1
            remaining = max(0, self.fake.rate_limit - self.fake.rate_used)
        self.send_header("x-ratelimit-limit", str(self.fake.rate_limit))
        self.send_header("x-ratelimit-remaining", str(remaining))
        self.send_header("x-ratelimit-used", str(self.fake.rate_used))
        self.send_header("x-ratelimit-reset", "1999999999")

    def error(self, status: int, message: str, record: bool = True, **extra: Any) -> None:
        body = {
            "message": message,
            "documentation_url": "https://docs.github.invalid/rest",
            **extra,
        }
        self.send_json(status, body, record=record)

    def invalid(self, resource: str, code: str, field_name: str) -> None:
        """GitHub's 422 answer: Validation Failed, with the one error."""
        self.send_json(
            422,
            {
                "message": "Validation Failed",
                "documentation_url": "https://docs.github.invalid/rest",
                "errors": [{"resource": resource, "code": code, "field": field_name}],
            },
        )

    def body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def apply_fault(self) -> tuple[bool, Fault | None]:
        """(answered, fault): an error fault is answered here; a truncating or half-upload
        fault is handed back for the route to act on."""
        fault = self.fake.take_fault(self.command, urlsplit(self.path).path)
        if fault is None:
            return False, None
        if fault.hold:
            fault.reached.set()
            fault.release.wait(fault.hold)
            return False, None
        if fault.truncate or fault.create_then_fail:
            return False, fault
        self.body()
        self.send_response(fault.status)
        if fault.retry_after is not None:
            self.send_header("Retry-After", str(fault.retry_after))
        if fault.ratelimit_reset_in is not None:
            self.send_header("x-ratelimit-remaining", "0")
            self.send_header("x-ratelimit-reset", str(int(time.time()) + fault.ratelimit_reset_in))
        data = json.dumps({"message": f"injected {fault.status}"}).encode()
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        return True, fault


class ApiHandler(_Handler):
    token: str | None = None  # the request's token; None: anonymous

    def authorized(self) -> bool:
        """A known token, or no token at all for a read (GitHub serves public repositories
        to anonymous readers, at a lower rate limit)."""
        auth = self.headers.get("Authorization", "")
        for prefix in ("Bearer ", "token "):
            if auth.startswith(prefix) and auth[len(prefix) :] in self.fake.tokens:
                self.token = auth[len(prefix) :]
                return True
        if not auth and self.command == "GET":
            self.token = None
            return True
        self.body()
        self.error(401, "Bad credentials" if auth else "Requires authentication", record=False)
        return False

    def refuse_write(self, repo: Repo) -> bool:
        """Answer 403 when the token may not write ``repo`` (a fine-grained token scoped to
        other repositories: "Resource not accessible by personal access token"); True when
        answered. Undocumented in the description for these operations, so not recorded."""
        if self.fake.may_write(self.token, repo.full_name):
            return False
        self.body()
        if self.token is None:
            self.error(401, "Requires authentication", record=False)
        else:
            self.error(403, "Resource not accessible by personal access token", record=False)
        return True

    def route(self) -> None:
        split = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(split.query).items()}
        path = split.path
        with self.fake.lock:
            self.fake.hits[f"{self.command} {path}"] += 1
        if self.fake.latency:
            time.sleep(self.fake.latency)
        answered, fault = self.apply_fault()
        if answered:
            return
        if not self.authorized():
            return
        if path == "/rate_limit":
            rate = example(
                "rate-limit",
                limit=self.fake.rate_limit,
                remaining=self.fake.rate_limit - self.fake.rate_used,
                reset=1999999999,
                used=self.fake.rate_used,
            )
            return self.send_json(
                200,
                example(
                    "rate-limit-overview",
                    rate=rate,
                    resources=example("rate-limit-overview")["resources"]
                    | {"core": rate, "search": rate},
                ),
            )
        if path == "/user" and self.command == "GET":
            return self.send_json(
                200,
                example(
                    "public-user",
                    login=self.fake.login,
                    id=1,
                    type="User",
                    name=None,
                    company=None,
                    blog=None,
                    location=None,
                    email=None,
                    hireable=None,
                    bio=None,
                    twitter_username=None,
                    public_repos=0,
                    public_gists=0,
                    followers=0,
                    following=0,
                    created_at=iso(EPOCH),
                    updated_at=iso(EPOCH),
                ),
            )
        match = re.fullmatch(r"(/uploads)?/repos/([^/]+/[^/]+)(/.*)?", path)
        if not match:
            return self.error(404, "Not Found", record=False)
        upload, repo_name, rest = bool(match[1]), match[2], match[3] or ""
        repo = self.fake.repos.get(repo_name)
        if repo is not None and (repo.pending > 0 or repo.git_pending > 0):
            # An asynchronous fork: invisible at first, then its git objects are not there yet.
            with self.fake.lock:
                if repo.pending > 0:
                    repo.pending -= 1
                    self.body()
                    return self.error(404, "Not Found")
                if rest.startswith("/git/"):
                    repo.git_pending -= 1
                    self.body()
                    return self.error(409, "Git Repository is empty.")
        if repo is None or not self.fake.may_read(self.token, repo):
            return self.error(404, "Not Found")
        forking = rest == "/forks" and self.command == "POST"  # a fork goes to the caller
        if self.command != "GET" and not forking and self.refuse_write(repo):
            return None
        contents = rest.startswith("/contents/") or re.fullmatch(r"/git/(blobs|trees)/.+", rest)
        if contents and self.command in ("GET", "PUT"):
            return self.contents_route(repo, rest, query, fault)
        if rest.startswith(("/forks", "/git/", "/actions/permissions", "/pulls/")):
            return self.git_route(repo, rest, query)
        if upload:
            return self.upload(repo, rest, query, fault)
        handler = {
            ("GET", ""): lambda: self.send_json(200, self.fake.repo_json(repo, self.token)),
            ("GET", "/releases"): lambda: self.list_releases(repo, query),
            ("POST", "/releases"): lambda: self.create_release(repo),
        }.get((self.command, rest))
        if handler:
            return handler()
        if m := re.fullmatch(r"/releases/(\d+)", rest):
            release = next((r for r in repo.releases if r.id == int(m[1])), None)
            if self.command == "PATCH" and release is not None:
                return self.update_release(repo, release)
            return self.error(404, "Not Found", record=False)
        if m := re.fullmatch(r"/releases/tags/(.+)", rest):
            # "Get a published release with the specified tag": a draft has no tag yet.
            release = next((r for r in repo.releases if r.tag_name == m[1] and not r.draft), None)
            if self.command == "GET" and release:
                return self.send_json(200, self.fake.release_json(repo, release))
            return self.error(404, "Not Found")
        if m := re.fullmatch(r"/releases/(\d+)/assets", rest):
            release = next((r for r in repo.releases if r.id == int(m[1])), None)
            if release is None:
                return self.error(404, "Not Found", record=False)
            return self.paged(path, [self.fake.asset_json(repo, a) for a in release.assets], query)
        if m := re.fullmatch(r"/releases/assets/(\d+)", rest):
            return self.asset(repo, int(m[1]), fault)
        if m := re.fullmatch(r"/actions/runs/(\d+)/logs", rest):
            if int(m[1]) not in repo.run_logs:
                return self.error(404, "Not Found", record=False)
            self.send_response(302)
            self.send_header(
                "Location", f"{self.fake.storage_url}/runlogs/{repo.full_name}/{m[1]}?sig=fake"
            )
            self.send_header("Content-Length", "0")
            self.end_headers()
            with self.fake.lock:
                self.fake.exchanges.append(Exchange("GET", path, 302, None))
            return None
        if m := re.fullmatch(r"/actions/workflows/([^/]+)/runs", rest):
            runs = repo.workflow_runs.get(m[1], [])
            if "branch" in query:
                runs = [r for r in runs if r["head_branch"] == query["branch"]]
            page, headers = self.page_of(path, runs, query)
            return self.send_json(200, {"total_count": len(runs), "workflow_runs": page}, headers)
        return self.error(404, "Not Found", record=False)

    def counted_route(self) -> None:
        """A request is in flight from its arrival until its answer starts: once the client
        can read the answer it may send the next one, and a handler thread that has not yet
        run its cleanup must not count twice."""
        with self.fake.lock:
            self.fake.in_flight += 1
            self.fake.most_in_flight = max(self.fake.most_in_flight, self.fake.in_flight)
            over = self.fake.in_flight > self.fake.concurrent_limit
        self.flying = True
        try:
            if over:
                self.body()
                message = (
                    "You have exceeded a secondary rate limit. Please wait a few minutes "
                    "before you try again."
                )
                body = {"message": message, "documentation_url": "https://docs.github.invalid/rest"}
                return self.send_json(403, body, headers={"Retry-After": "60"}, record=False)
            return self.route()
        finally:
            self.landed()

    def landed(self) -> None:
        if getattr(self, "flying", False):
            self.flying = False
            with self.fake.lock:
                self.fake.in_flight -= 1

    def send_response(self, code: int, message: str | None = None) -> None:
        self.landed()
        super().send_response(code, message)

    do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = counted_route

    # -- repository contents, git blobs and trees by ref (the device fleet) ----------------
    CONTENTS_LIMIT = 1 << 20  # larger files come back with encoding "none" (see below)

    def head_of(self, repo: Repo, ref: str | None) -> str | None:
        """The commit a branch name, ``heads/NAME`` or commit sha names; None if none."""
        if ref is None:
            ref = repo.default_branch
        if ref in repo.commits:
            return ref
        return repo.refs.get(f"refs/heads/{ref.removeprefix('heads/')}")

    def contents_route(
        self, repo: Repo, rest: str, query: dict[str, str], fault: Fault | None
    ) -> None:
        if m := re.fullmatch(r"/git/blobs/([0-9a-f]{40})", rest):
            if not repo.refs:
                return self.error(409, "Git Repository is empty.")
            data = repo.blobs.get(m[1])
            if data is None:
                return self.error(404, "Not Found")
            return self.send_json(
                200,
                {
                    "sha": m[1],
                    "node_id": "B_" + m[1][:8],
                    "url": f"{self.fake.api_url}/repos/{repo.full_name}/git/blobs/{m[1]}",
                    "size": len(data),
                    "content": base64.b64encode(data).decode() + "\n",
                    "encoding": "base64",
                },
            )
        if m := re.fullmatch(r"/git/trees/(.+)", rest):
            # "The SHA1 value or ref (branch or tag) name of the tree" (the description).
            if not repo.refs:
                return self.error(409, "Git Repository is empty.")
            sha = m[1] if m[1] in repo.trees else None
            if sha is None:
                head = self.head_of(repo, m[1])
                sha = repo.commits[head]["tree"] if head else None
            if sha is None:
                return self.error(404, "Not Found")
            return self.send_json(200, self.tree_json(repo, sha))
        path = rest.removeprefix("/contents/")
        if self.command == "GET":
            head = self.head_of(repo, query.get("ref"))
            if head is None:
                return self.error(404, f"No commit found for the ref {query.get('ref')}")
            tree = repo.trees[repo.commits[head]["tree"]]
            if path not in tree:
                return self.error(404, "Not Found")
            return self.send_json(200, self.content_json(repo, path, tree[path], with_data=True))
        return self.put_contents(repo, path, fault)

    def content_json(self, repo: Repo, path: str, sha: str, *, with_data: bool) -> dict[str, Any]:
        """A content-file object. "Between 1-100 MB ... the content field will be an empty
        string and the encoding field will be "none"" (the description of Get repository
        content); smaller files come base64-encoded, in lines of 60 as GitHub sends them."""
        data = repo.blobs[sha]
        url = f"{self.fake.api_url}/repos/{repo.full_name}/contents/{quote(path)}"
        html = f"https://github.invalid/{repo.full_name}/blob/{repo.default_branch}/{path}"
        git = f"{self.fake.api_url}/repos/{repo.full_name}/git/blobs/{sha}"
        body: dict[str, Any] = {
            "type": "file",
            "name": path.rsplit("/", 1)[-1],
            "path": path,
            "sha": sha,
            "size": len(data),
            "url": url,
            "html_url": html,
            "git_url": git,
            "download_url": f"{self.fake.storage_url}/raw/{repo.full_name}/{quote(path)}",
            "_links": {"self": url, "git": git, "html": html},
        }
        if with_data:
            if len(data) > self.CONTENTS_LIMIT:
                body.update(content="", encoding="none")
            else:
                encoded = base64.b64encode(data).decode()
                lines = [encoded[i : i + 60] for i in range(0, len(encoded), 60)]
                body.update(content="\n".join(lines) + "\n", encoding="base64")
        return body

    def put_contents(self, repo: Repo, path: str, fault: Fault | None) -> None:
        """Create or update a file: ``sha`` is required to replace one ("Required if you are
        updating a file. The blob SHA of the file being replaced"), a wrong one is a
        conflict; a branch that does not exist is 404. An empty repository gets its first
        commit."""
        payload = json.loads(self.body() or b"{}")
        if not payload.get("message") or not isinstance(payload.get("content"), str):
            return self.invalid("Content", "missing_field", "content")
        try:
            data = base64.b64decode(payload["content"], validate=True)
        except ValueError:
            return self.invalid("Content", "invalid", "content")
        with self.fake.lock:
            branch = payload.get("branch") or repo.default_branch
            head = repo.refs.get(f"refs/heads/{branch}")
            if head is None and repo.refs:
                return self.error(404, f"Branch {branch} not found")
            tree = dict(repo.trees[repo.commits[head]["tree"]]) if head else {}
            existing = tree.get(path)
            if existing is not None and "sha" not in payload:
                return self.send_json(
                    422,
                    {
                        "message": 'Invalid request.\n\n"sha" wasn\'t supplied.',
                        "documentation_url": "https://docs.github.invalid/rest",
                    },
                )
            if "sha" in payload and payload["sha"] != existing:
                return self.send_json(
                    409,
                    {
                        "message": f"{path} does not match {payload['sha']}",
                        "documentation_url": "https://docs.github.invalid/rest",
                    },
                )
            sha = git_sha("blob", data)
            repo.blobs[sha] = data
            tree[path] = sha
            message = str(payload["message"])
            commit = self.fake.commit(repo, tree, message, [head] if head else [], branch)
        if fault is not None and fault.create_then_fail:
            # The write happened; the answer is lost (a dropped connection, a 502).
            return self.error(502, "Bad Gateway", record=False)
        base = f"{self.fake.api_url}/repos/{repo.full_name}/git"
        return self.send_json(
            201 if existing is None else 200,
            {
                "content": self.content_json(repo, path, sha, with_data=False),
                "commit": {
                    "sha": commit,
                    "node_id": "C_" + commit[:8],
                    "url": f"{base}/commits/{commit}",
                    "html_url": f"https://github.invalid/{repo.full_name}/commit/{commit}",
                    "message": message,
                    "tree": {"sha": repo.commits[commit]["tree"], "url": f"{base}/trees"},
                    "parents": [{"sha": head, "url": f"{base}/commits/{head}"}] if head else [],
                },
            },
        )

    # -- forks, Actions settings, the Git Data API, pull requests ---------------------------
    def git_route(self, repo: Repo, rest: str, query: dict[str, str]) -> None:
        method = self.command
        if rest == "/forks" and method == "POST":
            return self.create_fork(repo)
        if rest.startswith("/pulls/") and method == "GET":
            number = rest.removeprefix("/pulls/")
            pull = repo.pulls.get(int(number)) if number.isdigit() else None
            if pull is None:
                return self.error(404, "Not Found")
            return self.send_json(200, self.pull_json(repo, int(number), pull))
        if rest == "/actions/permissions":
            if method == "GET":
                return self.send_json(
                    200, example("actions-repository-permissions", enabled=repo.actions_enabled)
                )
            if method == "PUT":
                payload = json.loads(self.body() or b"{}")
                if not self.fake.writable(repo.full_name):
                    # undocumented in the description (only 204 is), so not recorded
                    return self.error(403, "Must have admin rights to Repository.", record=False)
                if not isinstance(payload.get("enabled"), bool):
                    return self.error(422, "Invalid request.", record=False)
                repo.actions_enabled = payload["enabled"]
                return self.send_json(204, None)
        write = method in ("POST", "PATCH")
        payload = json.loads(self.body() or b"{}") if write else {}
        if write and not self.fake.writable(repo.full_name):
            return self.error(404, "Not Found")
        if not repo.refs:
            # "Git Repository is empty." for every git data call on a repository without commits
            return self.error(409, "Git Repository is empty.")
        if m := re.fullmatch(r"/git/ref/(.+)", rest):
            sha = repo.refs.get(f"refs/{m[1]}")
            if method != "GET" or sha is None:
                return self.error(404, "Not Found")
            return self.send_json(200, self.ref_json(repo, f"refs/{m[1]}"))
        if rest == "/git/refs" and method == "POST":
            ref, sha = payload.get("ref", ""), payload.get("sha", "")
            if not ref.startswith("refs/") or ref.count("/") < 2 or sha not in repo.commits:
                return self.invalid("Reference", "invalid", "ref" if sha in repo.commits else "sha")
            if ref in repo.refs:
                return self.send_json(
                    422,
                    {
                        "message": "Reference already exists",
                        "documentation_url": "https://docs.github.invalid/rest",
                    },
                )
            repo.refs[ref] = sha
            return self.send_json(201, self.ref_json(repo, ref))
        if (m := re.fullmatch(r"/git/refs/(.+)", rest)) and method == "PATCH":
            ref, sha = f"refs/{m[1]}", payload.get("sha", "")
            if ref not in repo.refs or sha not in repo.commits:
                return self.invalid("Reference", "invalid", "sha")
            if not payload.get("force") and repo.refs[ref] not in self.ancestors(repo, sha):
                return self.send_json(
                    422,
                    {
                        "message": "Update is not a fast forward",
                        "documentation_url": "https://docs.github.invalid/rest",
                    },
                )
            repo.refs[ref] = sha
            return self.send_json(200, self.ref_json(repo, ref))
        if rest == "/git/blobs" and method == "POST":
            if payload.get("encoding", "utf-8") != "utf-8" or "content" not in payload:
                return self.invalid("Blob", "missing_field", "content")
            data = str(payload["content"]).encode()
            sha = git_sha("blob", data)
            repo.blobs[sha] = data
            return self.send_json(
                201,
                {"sha": sha, "url": f"{self.fake.api_url}/repos/{repo.full_name}/git/blobs/{sha}"},
            )
        if rest == "/git/trees" and method == "POST":
            base = payload.get("base_tree")
            if base is not None and base not in repo.trees:
                return self.invalid("Tree", "invalid", "base_tree")
            tree = dict(repo.trees[base]) if base else {}
            for entry in payload.get("tree", []):
                if entry.get("mode") != "100644" or entry.get("type") != "blob":
                    return self.invalid("Tree", "invalid", "tree")
                if entry.get("sha") not in repo.blobs:
                    return self.invalid("Tree", "invalid", "tree.sha")
                tree[entry["path"]] = entry["sha"]
            sha = git_sha("tree", json.dumps(tree, sort_keys=True).encode())
            repo.trees[sha] = tree
            return self.send_json(201, self.tree_json(repo, sha))
        if (m := re.fullmatch(r"/git/trees/([0-9a-f]{40})", rest)) and method == "GET":
            if m[1] not in repo.trees:
                return self.error(404, "Not Found")
            return self.send_json(200, self.tree_json(repo, m[1]))
        if rest == "/git/commits" and method == "POST":
            parents = payload.get("parents", [])
            if payload.get("tree") not in repo.trees or any(p not in repo.commits for p in parents):
                return self.invalid("Commit", "invalid", "tree")
            if not payload.get("message"):
                return self.invalid("Commit", "missing_field", "message")
            sha = self.fake.commit(
                repo, repo.trees[payload["tree"]], payload["message"], parents, branch=None
            )
            return self.send_json(201, self.commit_json(repo, sha))
        if (m := re.fullmatch(r"/git/commits/([0-9a-f]{40})", rest)) and method == "GET":
            if m[1] not in repo.commits:
                return self.error(404, "Not Found")
            return self.send_json(200, self.commit_json(repo, m[1]))
        return self.error(404, "Not Found", record=False)

    def create_fork(self, upstream: Repo) -> None:
        payload = json.loads(self.body() or b"{}")
        owner = payload.get("organization") or self.fake.login
        if owner != self.fake.login and owner not in self.fake.orgs:
            return self.error(403, "You cannot fork into this organization")
        name = payload.get("name") or upstream.full_name.split("/")[1]
        full_name = f"{owner}/{name}"
        with self.fake.lock:
            fork = self.fake.repos.get(full_name)
            if fork is not None and fork.parent != upstream.full_name:
                # GitHub picks another name when the owner has an unrelated repository
                full_name = f"{owner}/{name}-1"
                fork = self.fake.repos.get(full_name)
            if fork is None:
                fork = self.fake.add_repo(full_name)
                fork.parent = upstream.full_name
                fork.default_branch = upstream.default_branch
                # Workflows of a fork do not run until enabled in its Actions settings.
                fork.actions_enabled = False
                fork.pending = fork.git_pending = self.fake.fork_delay
                branch = f"refs/heads/{upstream.default_branch}"
                if branch in upstream.refs:
                    fork.refs[branch] = upstream.refs[branch]
                fork.blobs, fork.trees, fork.commits = (
                    dict(upstream.blobs),
                    dict(upstream.trees),
                    dict(upstream.commits),
                )
        return self.send_json(202, self.fake.repo_json(fork))

    def ancestors(self, repo: Repo, sha: str) -> set[str]:
        seen, todo = set(), [sha]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo += repo.commits[current]["parents"]
        return seen

    def ref_json(self, repo: Repo, ref: str) -> dict[str, Any]:
        base = f"{self.fake.api_url}/repos/{repo.full_name}/git"
        sha = repo.refs[ref]
        return {
            "ref": ref,
            "node_id": "REF_" + sha[:8],
            "url": f"{base}/{ref}",
            "object": {"type": "commit", "sha": sha, "url": f"{base}/commits/{sha}"},
        }

    def tree_json(self, repo: Repo, sha: str) -> dict[str, Any]:
        entries = [
            {
                "path": path,
                "mode": "100644",
                "type": "blob",
                "sha": blob,
                "size": len(repo.blobs[blob]),
            }
            for path, blob in sorted(repo.trees[sha].items())
        ]
        return {
            "sha": sha,
            "url": f"{self.fake.api_url}/repos/{repo.full_name}/git/trees/{sha}",
            "truncated": False,
            "tree": entries,
        }

    def commit_json(self, repo: Repo, sha: str) -> dict[str, Any]:
        commit = repo.commits[sha]
        base = f"{self.fake.api_url}/repos/{repo.full_name}/git"
        person = {"name": self.fake.login, "email": "bot@example.invalid", "date": iso(EPOCH)}
        return {
            "sha": sha,
            "node_id": "C_" + sha[:8],
            "url": f"{base}/commits/{sha}",
            "html_url": f"https://github.invalid/{repo.full_name}/commit/{sha}",
            "author": person,
            "committer": person,
            "message": commit["message"],
            "tree": {"sha": commit["tree"], "url": f"{base}/trees/{commit['tree']}"},
            "parents": [
                {
                    "sha": p,
                    "url": f"{base}/commits/{p}",
                    "html_url": f"https://github.invalid/{repo.full_name}/commit/{p}",
                }
                for p in commit["parents"]
            ],
            "verification": {
                "verified": False,
                "reason": "unsigned",
                "signature": None,
                "payload": None,
                "verified_at": None,
            },
        }

    def pull_json(self, repo: Repo, number: int, pull: dict[str, Any]) -> dict[str, Any]:
        return example(
            "pull-request",
            number=number,
            state=pull["state"],
            merged=pull["merged"],
            merged_at=iso(EPOCH) if pull["merged"] else None,
            closed_at=None if pull["state"] == "open" else iso(EPOCH),
            html_url=f"https://github.invalid/{repo.full_name}/pull/{number}",
        )

    def page_of(
        self, path: str, items: list[Any], query: dict[str, str]
    ) -> tuple[list[Any], dict[str, str]]:
        per_page = min(int(query.get("per_page", 30)), 100)
        page = max(int(query.get("page", 1)), 1)
        last = max(1, -(-len(items) // per_page))
        chunk = items[(page - 1) * per_page : page * per_page]
        links = []
        base = {k: v for k, v in query.items() if k != "page"}

        def link(number: int, rel: str) -> str:
            params = "&".join(f"{k}={v}" for k, v in {**base, "page": number}.items())
            return f'<{self.fake.api_url}{path}?{params}>; rel="{rel}"'

        if page < last:
            links += [link(page + 1, "next"), link(last, "last")]
        if page > 1:
            links += [link(1, "first"), link(page - 1, "prev")]
        return chunk, ({"Link": ", ".join(links)} if links else {})

    def paged(self, path: str, items: list[Any], query: dict[str, str]) -> None:
        chunk, headers = self.page_of(path, items, query)
        self.send_json(200, chunk, headers)

    def list_releases(self, repo: Repo, query: dict[str, str]) -> None:
        newest_first = sorted(repo.releases, key=lambda r: (r.created_at, r.id), reverse=True)
        self.paged(
            f"/repos/{repo.full_name}/releases",
            [self.fake.release_json(repo, r) for r in newest_first],
            query,
        )

    def create_release(self, repo: Repo) -> None:
        payload = json.loads(self.body() or b"{}")
        tag = payload.get("tag_name")
        if not tag:
            return self.invalid("Release", "missing_field", "tag_name")
        if any(r.tag_name == tag and not r.draft for r in repo.releases):
            return self.invalid("Release", "already_exists", "tag_name")
        with self.fake.lock:
            release = Release(
                id=next(_ids),
                tag_name=tag,
                name=payload.get("name"),
                body=payload.get("body"),
                prerelease=bool(payload.get("prerelease")),
                created_at=self.fake.tick(),
                target_commitish=payload.get("target_commitish") or "main",
                draft=bool(payload.get("draft")),
            )
            release.immutable = repo.immutable_releases and not release.draft
            repo.releases.append(release)
        self.send_json(201, self.fake.release_json(repo, release))

    def update_release(self, repo: Repo, release: Release) -> None:
        payload = json.loads(self.body() or b"{}")
        with self.fake.lock:
            if "body" in payload:
                release.body = payload["body"]
            if "name" in payload:
                release.name = payload["name"]
            if payload.get("draft") is False and release.draft:
                if any(r.tag_name == release.tag_name and not r.draft for r in repo.releases):
                    return self.invalid("Release", "already_exists", "tag_name")
                release.draft = False
                release.immutable = repo.immutable_releases
        self.send_json(200, self.fake.release_json(repo, release))

    def upload(self, repo: Repo, rest: str, query: dict[str, str], fault: Fault | None) -> None:
        m = re.fullmatch(r"/releases/(\d+)/assets", rest)
        release = next((r for r in repo.releases if m and r.id == int(m[1])), None)
        if self.command != "POST" or release is None:
            return self.error(404, "Not Found", record=False)
        data = self.body()
        name = query.get("name")
        if not name:
            return self.invalid("ReleaseAsset", "missing_field", "name")
        if release.immutable:
            return self.error(422, "Cannot upload assets to an immutable release")
        if any(a.name == name for a in release.assets):
            return self.invalid("ReleaseAsset", "already_exists", "name")
        asset = Asset(
            id=next(_ids),
            name=name,
            content_type=self.headers.get("Content-Type", "application/octet-stream"),
            data=data,
        )
        if fault is not None and fault.create_then_fail:
            # What GitHub does when an upload breaks: an asset in state "open" stays behind.
            asset.state = "open"
            release.assets.append(asset)
            return self.error(502, "Bad Gateway", record=False)
        release.assets.append(asset)
        self.send_json(201, self.fake.asset_json(repo, asset))

    def asset(self, repo: Repo, asset_id: int, fault: Fault | None) -> None:
        found = [(r, a) for r in repo.releases for a in r.assets if a.id == asset_id]
        if not found:
            return self.error(404, "Not Found")
        release, asset = found[0]
        if self.command == "DELETE":
            if release.immutable:
                return self.error(422, "Cannot delete assets of an immutable release")
            release.assets.remove(asset)
            return self.send_json(204, None)
        if self.headers.get("Accept") == "application/octet-stream":
            key = f"{asset.id}-{'t' if fault and fault.truncate else 'f'}"
            self.send_response(302)
            self.send_header("Location", f"{self.fake.storage_url}/blob/{key}?X-Signature=fake")
            self.send_header("Content-Length", "0")
            self.end_headers()
            with self.fake.lock:
                self.fake.exchanges.append(
                    Exchange(
                        "GET", f"/repos/{repo.full_name}/releases/assets/{asset_id}", 302, None
                    )
                )
            return None
        return self.send_json(200, self.fake.asset_json(repo, asset))


class StorageHandler(_Handler):
    def do_GET(self) -> None:
        if self.headers.get("Authorization"):
            with self.fake.lock:
                self.fake.storage_auth_rejected += 1
            data = b"<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed</Message></Error>"
            self.send_response(400)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        answered, fault = self.apply_fault()
        if answered:
            return
        logs = re.fullmatch(r"/runlogs/([^/]+/[^/]+)/(\d+)", urlsplit(self.path).path)
        if logs:
            text = self.fake.repos[logs[1]].run_logs[int(logs[2])]
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w") as zf:
                zf.writestr("build (windows-11-arm)/4_Build win_arm64 wheels.txt", text)
            data = buffer.getvalue()
            self.send_response(200)
            self.send_header("Content-Type", "application/zip")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            with self.fake.lock:
                self.fake.hits["GET run logs"] += 1
            return
        m = re.fullmatch(r"/blob/(\d+)-([tf])", urlsplit(self.path).path)
        asset = self.fake.stored_asset(int(m[1])) if m else None
        if asset is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        truncated = (m is not None and m[2] == "t") or (fault is not None and fault.truncate)
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(asset.data)))
        self.end_headers()
        self.wfile.write(asset.data[: len(asset.data) // 2] if truncated else asset.data)
        if truncated:
            self.close_connection = True


class _Server(ThreadingHTTPServer):
    # socketserver's default backlog is 5: a client opening more connections at once has
    # its SYNs dropped and retried a second later. GitHub's hosts accept far more.
    request_queue_size = 1024

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away (a test killed it) is no error of the server's."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serve(token: str = "fake-token") -> Iterator[FakeGitHub]:
    fake = FakeGitHub(token)
    api_handler = type("Api", (ApiHandler,), {"fake": fake})
    storage_handler = type("Storage", (StorageHandler,), {"fake": fake})
    api = _Server(("127.0.0.1", 0), api_handler)
    storage = _Server(("127.0.0.2", 0), storage_handler)
    api.daemon_threads = storage.daemon_threads = True
    fake.api_url = f"http://127.0.0.1:{api.server_address[1]}"
    fake.storage_url = f"http://127.0.0.2:{storage.server_address[1]}"
    threads = [
        threading.Thread(target=s.serve_forever, args=(0.05,), daemon=True) for s in (api, storage)
    ]
    for thread in threads:
        thread.start()
    try:
        yield fake
    finally:
        for server in (api, storage):
            server.shutdown()
            server.server_close()
