"""A small GitHub REST client for the device queue and the controller.

* Token from ``WOAPORT_TOKEN`` or ``GITHUB_TOKEN``; API root from ``GITHUB_API_URL`` (the
  Actions convention, read through :class:`woaport.actionsenv.ActionsEnv`). The token is
  sent to the API host only (and to the uploads host the API itself names in a release's
  ``upload_url``), never over plain ``http://`` except to a loopback address, and never logged.
* Conditional requests: ETags are remembered (optionally in a JSON file, so they survive
  between runs) and sent as ``If-None-Match``; a 304 answer costs no rate limit and is
  served from the remembered body.
* ``Link`` pagination. Retries, back-off, timeouts and the User-Agent come from the shared
  :class:`woaport.http.HttpPolicy`; on top of it, GitHub's rate limits: ``Retry-After`` and
  ``x-ratelimit-reset`` honoured on 403/429 (up to the policy's ``wait_max``).
* Asset download with ``Accept: application/octet-stream``: the API answers with a redirect
  to a storage host, which is followed *without* the Authorization header, streamed to disk
  with a size cap and sha256 check.
* Errors by type: :class:`GitHubRefused` (GitHub answered no: a bad token, a missing
  permission, no such object, an invalid request; exit 2) and :class:`GitHubUnreachable`
  (no answer, 5xx after the retries, rate limited; exit 3). Both are :class:`GitHubError`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import ipaddress
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urljoin, urlsplit

from woaport import http
from woaport.actionsenv import ActionsEnv
from woaport.bounded import load_json
from woaport.errors import BadInput, NotFound, Unreachable, WoaportError
from woaport.http import EtagCache, HttpPolicy, Progress, Reply, read_capped, reason, stream_to
from woaport.limits import MAX_PAGE_BYTES

if TYPE_CHECKING:
    import requests  # imported when the first request is sent: importing this module is free

API_VERSION = "2022-11-28"


class GitHubError(WoaportError):
    """A GitHub request failed; ``status`` is the HTTP status when GitHub answered."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class GitHubRefused(GitHubError, BadInput):
    """GitHub answered and refused (401, 403 that is no rate limit, 404, 422, other 4xx):
    the token, its permissions or the request must change. Exit 2."""


class GitHubNotFound(GitHubRefused, NotFound):
    """404: no such repository or object, or the token cannot see it."""


class GitHubUnreachable(GitHubError, Unreachable):
    """No answer, or server errors after the retries: the same call may work later. Exit 3."""


class RateLimited(GitHubUnreachable):
    """GitHub's rate limit would need a longer wait than the policy allows."""


HINTS = {
    401: "the token is missing or invalid: set WOAPORT_TOKEN or GITHUB_TOKEN",
    403: "the token lacks a permission (a release needs `contents: write`)",
    404: "no such repository or object, or the token cannot see it",
    422: "GitHub refused the request as invalid (a name or tag that exists already?)",
}


def token_from_environment(env: Mapping[str, str] | None = None) -> str | None:
    env = os.environ if env is None else env
    return env.get("WOAPORT_TOKEN") or ActionsEnv.from_environ(env).token or None


def _is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def may_carry_token(url: str, trusted_hosts: set[str]) -> bool:
    """Whether a request to ``url`` may carry the token: only to a trusted host (the API's,
    an uploads host the API named), and only over https, or http to this machine."""
    parts = urlsplit(url)
    if parts.netloc.lower() not in trusted_hosts:
        return False
    return parts.scheme == "https" or (parts.scheme == "http" and _is_loopback(parts.hostname))


def _body(response: requests.Response | Reply, max_bytes: int = MAX_PAGE_BYTES) -> Any:
    """An answer's JSON, bounded in size and depth (a deep or huge one: GitHubUnreachable)."""
    where = _public(response.url)
    return load_json(response.content, where, error=GitHubUnreachable, max_bytes=max_bytes)


@dataclass
class Stats:
    requests: int = 0
    not_modified: int = 0
    retries: int = 0
    waited: float = 0.0


# GitHub's secondary rate limit: "No more than 100 concurrent requests are allowed. This
# limit is shared across the REST API and GraphQL API." ("Rate limits for the REST API",
# https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api). A caller
# with many threads (the controller) shares a gate of at most this many among its clients.
MAX_CONCURRENT = 100


@dataclass(frozen=True)
class Keep:
    """What of an answer is kept: returned, and cached under its ETag. A list answer's
    items, an object answer itself, go through ``item``; anything else is kept whole.
    ``shape`` names it (with a version): an entry cached in another shape is never
    answered in its place, since it may lack what the caller reads now."""

    shape: str
    item: Callable[[dict[str, Any]], dict[str, Any]]
    under: str | None = None  # a list under this key of an object answer (workflow_runs)

    def apply(self, body: Any) -> Any:
        if isinstance(body, list):
            return [self.item(i) if isinstance(i, dict) else i for i in body]
        if isinstance(body, dict) and self.under is not None:
            items = body.get(self.under)
            if isinstance(items, list):
                kept = [self.item(i) if isinstance(i, dict) else i for i in items]
                return {**body, self.under: kept}
            return body
        return self.item(body) if isinstance(body, dict) else body


def _without_people(release: dict[str, Any]) -> dict[str, Any]:
    kept = {k: v for k, v in release.items() if k not in ("author", "reactions")}
    assets = release.get("assets")
    if isinstance(assets, list):
        kept["assets"] = [
            {k: v for k, v in a.items() if k != "uploader"} if isinstance(a, dict) else a
            for a in assets
        ]
    return kept


# A release names its author and each asset's uploader (a user object of some 20 fields
# each), which nothing here reads: at 1,666 forks the controller's ETag cache held them
# all (a third of its memory and most of the file).
RELEASES = Keep("release-v1", _without_people)


class GitHub:
    def __init__(
        self,
        *,
        token: str | None = None,
        api_url: str | None = None,
        cache: EtagCache | None = None,
        policy: HttpPolicy | None = None,
        retries: int | None = None,
        backoff: float | None = None,
        max_wait: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
        env: ActionsEnv | None = None,
    ) -> None:
        """``retries``, ``backoff`` and ``max_wait`` override the policy's numbers."""
        env = env or ActionsEnv.from_environ()
        if token is None:
            token = os.environ.get("WOAPORT_TOKEN") or env.token
        self.token = (token or "").strip() or None
        self.api_url = (api_url or env.api).rstrip("/")
        self.cache = cache or EtagCache()
        overrides: dict[str, Any] = {}
        if retries is not None:
            overrides["retries"] = retries
        if backoff is not None:
            overrides["backoff"] = backoff
        if max_wait is not None:
            overrides["wait_max"] = max_wait
        policy = policy or http.DEFAULT_POLICY
        self.policy = dataclasses.replace(policy, **overrides) if overrides else policy
        self.sleep = sleep
        self.stats = Stats()
        # Requests to the API in flight at once, across the clients that share it (None: no
        # bound); storage hosts are not the API and are not counted.
        self.gate: threading.Semaphore | None = None
        # This client runs its own retry loop (it must read GitHub's rate-limit headers),
        # so its sessions carry the policy's User-Agent but no urllib3 retries.
        self.session: http.Session = self.policy.session(retry=False)
        self.session.headers.update(
            {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": API_VERSION}
        )
        # A separate session for storage hosts: it never carries the token.
        self.storage: http.Session = self.policy.session(retry=False)
        # Hosts the token may go to: the API's, and uploads hosts named by the API's own
        # release documents (`upload_url`; on github.com that is uploads.github.com).
        self._token_hosts = {urlsplit(self.api_url).netloc.lower()}

    def __repr__(self) -> str:  # never show the token
        return f"GitHub(api_url={self.api_url!r}, token={'set' if self.token else 'none'})"

    # -- plumbing -------------------------------------------------------------------------
    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else self.api_url + path

    def _auth_headers(self, url: str) -> dict[str, str]:
        if self.token and may_carry_token(url, self._token_hosts):
            if not (self.token.isascii() and self.token.isprintable() and " " not in self.token):
                # a header cannot carry it (requests: InvalidHeader); never quote it
                raise BadInput(
                    "the GitHub token (WOAPORT_TOKEN, GITHUB_TOKEN or the credential store) "
                    "is not one line of letters, digits and _: set it again"
                )
            return {"Authorization": f"Bearer {self.token}"}
        return {}

    def _release(self, document: Any) -> dict[str, Any]:
        """A release document from the API: its uploads host may receive the token."""
        release = dict(document)
        upload_url = release.get("upload_url")
        if isinstance(upload_url, str) and upload_url:
            self._token_hosts.add(urlsplit(upload_url).netloc.lower())
        return release

    def _rate_wait(self, response: http.Response) -> float | None:
        """Seconds to wait when this 403/429 is a rate limit; None when it is not one.

        GitHub's rules ("Rate limits for the REST API", "Exceeding the rate limit",
        https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api):
        a primary limit answers 403 or 429 with ``x-ratelimit-remaining: 0`` and the reset
        time (epoch seconds) in ``x-ratelimit-reset``; a secondary limit answers 403 or 429,
        with ``retry-after`` when GitHub says how long, else wait at least a minute.
        """
        if response.status_code not in (403, 429):
            return None
        retry_after = self.policy.retry_after(response.headers)
        if retry_after is not None:
            return retry_after
        if response.headers.get("x-ratelimit-remaining") == "0":
            reset = response.headers.get("x-ratelimit-reset", "")
            if reset.isdigit():
                return max(0.0, int(reset) - time.time()) + 1
            return 60.0
        if response.status_code == 429:
            return 60.0
        return None

    def request(
        self,
        method: str,
        path: str,
        *,
        expected: tuple[int, ...] = (200,),
        headers: dict[str, str] | None = None,
        retry_post: bool = False,
        **kwargs: Any,
    ) -> http.Response:
        url = self.url(path)
        all_headers = {**self._auth_headers(url), **(headers or {})}
        return self._send(
            self.session, method, url, expected, all_headers, retry_post=retry_post, **kwargs
        )

    def _send(
        self,
        session: http.Session,
        method: str,
        url: str,
        expected: tuple[int, ...],
        headers: dict[str, str],
        *,
        retry_post: bool = False,
        **kwargs: Any,
    ) -> http.Response:
        import requests

        method = method.upper()
        retriable = self.policy.may_retry(method) or retry_post
        retries = self.policy.retries
        attempt = 0
        while True:
            self.stats.requests += 1
            gate = self.gate if session is self.session else None
            try:
                with gate if gate is not None else contextlib.nullcontext():
                    response = session.request(
                        method, url, headers=headers, timeout=self.policy.timeout, **kwargs
                    )
            except (requests.ConnectionError, requests.Timeout) as exc:
                if retriable and attempt < retries:
                    self._pause(self.policy.delay(attempt))
                    attempt += 1
                    continue
                raise GitHubUnreachable(
                    f"{method} {_public(url)}: {type(exc).__name__} after {attempt + 1} tries "
                    f"({reason(exc)})"
                ) from None
            wait = self._rate_wait(response)
            if wait is not None:
                response.close()
                if wait > self.policy.wait_max or attempt >= retries:
                    raise RateLimited(
                        f"{method} {_public(url)}: rate limited for {wait:.0f}s more; "
                        "try again later",
                        response.status_code,
                    )
                self._pause(wait)
                attempt += 1
                continue
            if response.status_code in self.policy.statuses and retriable and attempt < retries:
                response.close()
                self._pause(self.policy.delay(attempt))
                attempt += 1
                continue
            if response.status_code not in expected:
                raise self._error(method, url, response)
            return response

    def _pause(self, seconds: float) -> None:
        self.stats.retries += 1
        self.stats.waited += seconds
        self.sleep(seconds)

    @staticmethod
    def _error(method: str, url: str, response: http.Response) -> GitHubError:
        """GitHub's answer as a typed error: refused (4xx) or unreachable (anything else)."""
        try:
            body = _body(response)
            message = str(body.get("message", ""))[:300] if isinstance(body, dict) else ""
        except WoaportError:
            message = response.text[:200]
        status = response.status_code
        text = f"{method} {_public(url)}: HTTP {status} {message}".rstrip()
        hint = HINTS.get(status, "")
        text = f"{text}; {hint}" if hint else text
        if status == 404:
            return GitHubNotFound(text, status)
        if 400 <= status < 500:
            return GitHubRefused(text, status)
        return GitHubUnreachable(text, status)

    # -- reading ------------------------------------------------------------------------
    def get_json(
        self, path: str, params: dict[str, Any] | None = None, *, keep: Keep | None = None
    ) -> Any:
        body, _ = self._conditional(self.url(path), params, keep)
        return body

    def _conditional(
        self, url: str, params: dict[str, Any] | None, keep: Keep | None = None
    ) -> tuple[Any, str | None]:
        """GET with If-None-Match; returns the body (what ``keep`` keeps of it) and the
        next page's URL, if any."""
        # The query as requests would encode it (its _encode_params is this urlencode),
        # without preparing a whole request to learn it: the key of the ETag cache.
        key = url + (("&" if "?" in url else "?") + urlencode(params, doseq=True) if params else "")
        shape = keep.shape if keep else None
        cached = self.cache.entries.get(key)
        if cached and cached.get("shape") != shape:
            cached = None  # kept in another shape: it may lack what is read now
        headers = {"If-None-Match": cached["etag"]} if cached else {}
        response = self.request("GET", key, expected=(200, 304), headers=headers)
        if response.status_code == 304 and cached:
            self.stats.not_modified += 1
            return cached["body"], cached.get("next")
        body = _body(response)
        if keep is not None:
            body = keep.apply(body)
        next_link = response.links.get("next", {}).get("url")
        etag = response.headers.get("ETag")
        if etag:
            # The next link is remembered too: a 304 page has no Link header to follow.
            self.cache.put(key, etag, body, next_link, shape=shape)
        return body, next_link

    def paginate(
        self, path: str, params: dict[str, Any] | None = None, *, keep: Keep | None = None
    ) -> Iterator[Any]:
        """Every item of a list endpoint, following ``Link: <...>; rel="next"``."""
        url: str | None = self.url(path)
        query: dict[str, Any] | None = {"per_page": 100, **(params or {})}
        while url:
            body, next_link = self._conditional(url, query, keep)
            if isinstance(body, list):
                yield from body
            else:
                yield from body.get("workflow_runs", body.get("assets", []))
            url, query = (urljoin(url, next_link), None) if next_link else (None, None)

    # -- releases -----------------------------------------------------------------------
    def repository(self, repo: str) -> dict[str, Any]:
        data: dict[str, Any] = self.get_json(f"/repos/{repo}")
        return data

    def releases(self, repo: str) -> list[dict[str, Any]]:
        """The repository's releases, without the people in them (see RELEASES)."""
        return [self._release(r) for r in self.paginate(f"/repos/{repo}/releases", keep=RELEASES)]

    def release_by_tag(self, repo: str, tag: str) -> dict[str, Any] | None:
        response = self.request("GET", f"/repos/{repo}/releases/tags/{tag}", expected=(200, 404))
        return None if response.status_code == 404 else self._release(_body(response))

    def create_release(
        self,
        repo: str,
        *,
        tag: str,
        name: str,
        body: str,
        commitish: str | None = None,
        draft: bool = False,
    ) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "tag_name": tag,
            "name": name,
            "body": body,
            "prerelease": True,
            "draft": draft,
        }
        if commitish:
            payload["target_commitish"] = commitish
        response = self.request(
            "POST", f"/repos/{repo}/releases", json=payload, expected=(201, 422)
        )
        if response.status_code == 422:
            # Most often: the tag's release exists already (an earlier, interrupted publish).
            existing = self.release_by_tag(repo, tag)
            if existing is None:
                raise self._error("POST", self.url(f"/repos/{repo}/releases"), response)
            return existing
        return self._release(_body(response))

    def update_release(self, repo: str, release_id: int, **changes: Any) -> dict[str, Any]:
        """PATCH a release (``draft=False`` publishes a draft; ``body=...``)."""
        response = self.request(
            "PATCH", f"/repos/{repo}/releases/{release_id}", json=changes, expected=(200,)
        )
        return self._release(_body(response))

    def assets(self, repo: str, release_id: int) -> list[dict[str, Any]]:
        return list(self.paginate(f"/repos/{repo}/releases/{release_id}/assets"))

    def upload_asset(
        self, release: dict[str, Any], name: str, data: bytes, content_type: str
    ) -> dict[str, Any]:
        upload_url = str(release["upload_url"]).split("{", 1)[0]
        response = self.request(
            "POST",
            upload_url,
            params={"name": name},
            data=data,
            headers={"Content-Type": content_type},
            expected=(201,),
        )
        return dict(_body(response))

    def delete_asset(self, repo: str, asset_id: int) -> None:
        self.request("DELETE", f"/repos/{repo}/releases/assets/{asset_id}", expected=(204, 404))

    def download_asset(
        self,
        repo: str,
        asset_id: int,
        dest: Path,
        *,
        max_bytes: int,
        progress: Progress | None = None,
    ) -> Path:
        """Stream an asset to ``dest`` (atomically); the token never leaves the API host."""
        return stream_to(
            self._asset_response(repo, asset_id),
            dest,
            label=dest.name,  # not the storage URL: it is signed
            max_bytes=max_bytes,
            progress=progress,
            error=GitHubUnreachable,
        )

    def read_asset(self, repo: str, asset_id: int, *, max_bytes: int, label: str) -> bytes:
        """A small asset (a JSON document) in memory, by the same token-free redirect."""
        return read_capped(
            self._asset_response(repo, asset_id),
            label=label,
            max_bytes=max_bytes,
            error=GitHubUnreachable,
        )

    def _asset_response(self, repo: str, asset_id: int) -> http.Response:
        response = self.request(
            "GET",
            f"/repos/{repo}/releases/assets/{asset_id}",
            headers={"Accept": "application/octet-stream"},
            expected=(200, 302),
            allow_redirects=False,
            stream=True,
        )
        if response.status_code == 302:
            location = urljoin(response.url, response.headers["Location"])
            response.close()
            response = self._storage_get(location)
        return response

    def download_run_logs(self, repo: str, run_id: int, dest: Path, *, max_bytes: int) -> Path:
        """A workflow run's logs (a zip), through the same token-free redirect."""
        response = self.request(
            "GET",
            f"/repos/{repo}/actions/runs/{run_id}/logs",
            expected=(302,),
            allow_redirects=False,
            stream=True,
        )
        location = urljoin(response.url, response.headers["Location"])
        response.close()
        return stream_to(
            self._storage_get(location),
            dest,
            label=dest.name,
            max_bytes=max_bytes,
            error=GitHubUnreachable,
        )

    def _storage_get(self, url: str) -> http.Response:
        """GET a storage host's signed URL: the same retries, never the token. Any failure
        there is Unreachable: the API already said the asset exists, and a fresh signed URL
        from a later try may work."""
        try:
            return self._send(self.storage, "GET", url, (200,), {}, stream=True)
        except GitHubRefused as exc:
            raise GitHubUnreachable(
                f"asset download from the storage host failed: HTTP {exc.status}", exc.status
            ) from None

    # -- files on a branch (the device fleet: the hub's index, a device's outbox) ----------
    def file(self, repo: str, path: str, *, ref: str | None = None) -> RepoFile | None:
        """A file through the contents API, conditionally (an unchanged file costs a 304,
        free of rate limit); None when there is no such file or branch. Files over 1 MB
        come without their bytes ("Between 1-100 MB ... the content field will be an
        empty string and the encoding field will be "none"",
        https://docs.github.com/rest/repos/contents#get-repository-content): then the
        blob is read by its sha (``data`` is None until :meth:`blob` fills it)."""
        try:
            body = self.get_json(f"/repos/{repo}/contents/{path}", {"ref": ref} if ref else None)
        except GitHubNotFound:
            return None
        if not isinstance(body, dict) or body.get("type") != "file":
            raise GitHubRefused(f"{repo}: {path} is not a file")
        data = None
        if body.get("encoding") == "base64":
            data = _b64(str(body.get("content", "")), f"{repo} {path}")
        return RepoFile(path=path, sha=str(body["sha"]), size=int(body["size"]), data=data)

    def blob(self, repo: str, sha: str, *, max_bytes: int) -> bytes:
        """A git blob's bytes (up to 100 MB; https://docs.github.com/rest/git/blobs)."""
        # base64 takes 4 bytes for 3, plus the JSON around it
        response = self.request("GET", f"/repos/{repo}/git/blobs/{sha}")
        body = _body(response, max_bytes=max(MAX_PAGE_BYTES, max_bytes * 4 // 3 + 65536))
        if not isinstance(body, dict):
            raise GitHubRefused(f"{repo}: blob {sha} is not a blob")
        if int(body.get("size", 0)) > max_bytes:
            raise GitHubRefused(f"{repo}: blob {sha} is over {max_bytes:,} bytes")
        if body.get("encoding") != "base64":
            raise GitHubRefused(f"{repo}: blob {sha} came in encoding {body.get('encoding')!r}")
        return _b64(str(body.get("content", "")), f"{repo} blob {sha}")

    def put_file(
        self,
        repo: str,
        path: str,
        data: bytes,
        *,
        message: str,
        sha: str | None = None,
        branch: str | None = None,
    ) -> str:
        """Create (``sha`` None) or replace the file at ``path``; the new blob's sha.

        GitHub answers 422 when a file exists and no ``sha`` was given, 409 when ``sha`` is
        not the current one or when writes to the branch run at once ("If you use this
        endpoint and the Delete a file endpoint in parallel, the concurrent requests will
        conflict", https://docs.github.com/rest/repos/contents#create-or-update-file-contents):
        both raise :class:`GitHubRefused` with the status, for the caller to decide."""
        import base64

        payload: dict[str, Any] = {
            "message": message,
            "content": base64.b64encode(data).decode(),
        }
        if sha is not None:
            payload["sha"] = sha
        if branch is not None:
            payload["branch"] = branch
        response = self.request(
            "PUT", f"/repos/{repo}/contents/{path}", json=payload, expected=(200, 201)
        )
        return str(_body(response)["content"]["sha"])

    def tree_files(self, repo: str, ref: str) -> dict[str, str] | None:
        """Every file under a branch (path -> blob sha), conditionally: one request, a 304
        while the branch has not moved; None when there is no such branch. GitHub's limit
        is 100,000 entries ("truncated" past it: refused here rather than half-read). An
        empty repository (GitHub answers 409) has no files."""
        try:
            body = self.get_json(f"/repos/{repo}/git/trees/{ref}", {"recursive": "1"})
        except GitHubNotFound:
            return None
        except GitHubRefused as exc:
            if exc.status == 409:  # "Git Repository is empty.": nothing written there yet
                return {}
            raise
        if body.get("truncated"):
            raise GitHubRefused(f"{repo}@{ref}: the tree is over GitHub's 100,000 entries")
        return {
            str(e["path"]): str(e["sha"]) for e in body.get("tree", []) if e.get("type") == "blob"
        }

    # -- forks, git data and pull requests (`woaport port start`, `woaport upstream`) --------
    def authenticated_user(self) -> str:
        """The login the token belongs to (https://docs.github.com/rest/users/users)."""
        return str(self.get_json("/user")["login"])

    def repository_or_none(self, repo: str) -> dict[str, Any] | None:
        response = self.request("GET", f"/repos/{repo}", expected=(200, 404))
        return None if response.status_code == 404 else dict(_body(response))

    def create_fork(self, repo: str, *, organization: str | None = None) -> dict[str, Any]:
        """Ask for a fork. GitHub answers 202 and forks asynchronously: "You may have to wait
        a short period of time before you can access the git objects"
        (https://docs.github.com/rest/repos/forks#create-a-fork); the same 202 comes back
        when the fork exists already, so a retry is harmless."""
        payload: dict[str, Any] = {"default_branch_only": True}
        if organization:
            payload["organization"] = organization
        response = self.request(
            "POST", f"/repos/{repo}/forks", json=payload, expected=(202,), retry_post=True
        )
        return dict(_body(response))

    def actions_enabled(self, repo: str) -> bool:
        """https://docs.github.com/rest/actions/permissions#get-github-actions-permissions-for-a-repository"""
        response = self.request("GET", f"/repos/{repo}/actions/permissions")
        return bool(_body(response)["enabled"])

    def enable_actions(self, repo: str) -> None:
        """``PUT /repos/{owner}/{repo}/actions/permissions`` with ``enabled: true``
        (https://docs.github.com/rest/actions/permissions#set-github-actions-permissions-for-a-repository);
        the token needs the repository's administration permission."""
        self.request(
            "PUT", f"/repos/{repo}/actions/permissions", json={"enabled": True}, expected=(204,)
        )

    def git_ref(self, repo: str, ref: str) -> str | None:
        """The sha a ref (``heads/NAME``) points at; None when there is no such ref. An empty
        repository (or a fork whose objects are still being copied) answers 409."""
        response = self.request("GET", f"/repos/{repo}/git/ref/{ref}", expected=(200, 404, 409))
        if response.status_code == 409:
            raise GitHubError(f"{repo}: the git repository is empty (HTTP 409)", 409)
        return None if response.status_code == 404 else str(_body(response)["object"]["sha"])

    def git_commit(self, repo: str, sha: str) -> dict[str, Any]:
        return dict(_body(self.request("GET", f"/repos/{repo}/git/commits/{sha}")))

    def git_tree(self, repo: str, sha: str) -> dict[str, Any]:
        """A tree with every entry below it (``recursive=1``)."""
        response = self.request("GET", f"/repos/{repo}/git/trees/{sha}", params={"recursive": 1})
        return dict(_body(response))

    def create_blob(self, repo: str, content: str) -> str:
        payload = {"content": content, "encoding": "utf-8"}
        response = self.request(
            "POST", f"/repos/{repo}/git/blobs", json=payload, expected=(201,), retry_post=True
        )
        return str(_body(response)["sha"])

    def create_tree(self, repo: str, base_tree: str | None, entries: list[dict[str, str]]) -> str:
        payload = {"base_tree": base_tree, "tree": entries}
        response = self.request(
            "POST", f"/repos/{repo}/git/trees", json=payload, expected=(201,), retry_post=True
        )
        return str(_body(response)["sha"])

    def create_commit(self, repo: str, *, message: str, tree: str, parents: list[str]) -> str:
        payload = {"message": message, "tree": tree, "parents": parents}
        response = self.request(
            "POST", f"/repos/{repo}/git/commits", json=payload, expected=(201,), retry_post=True
        )
        return str(_body(response)["sha"])

    def create_ref(self, repo: str, ref: str, sha: str) -> None:
        """``refs/heads/NAME``; GitHub answers 422 when the ref exists already."""
        self.request(
            "POST", f"/repos/{repo}/git/refs", json={"ref": ref, "sha": sha}, expected=(201,)
        )

    def update_ref(self, repo: str, ref: str, sha: str) -> None:
        """Move ``heads/NAME`` forward (never forced)."""
        self.request("PATCH", f"/repos/{repo}/git/refs/{ref}", json={"sha": sha, "force": False})

    def pull_request(self, repo: str, number: int) -> dict[str, Any] | None:
        response = self.request("GET", f"/repos/{repo}/pulls/{number}", expected=(200, 404))
        return None if response.status_code == 404 else dict(_body(response))


@dataclass(frozen=True, kw_only=True)
class RepoFile:
    """A file read through the contents API: its blob sha, and its bytes when they came."""

    path: str
    sha: str
    size: int
    data: bytes | None


def _b64(text: str, where: str) -> bytes:
    import base64
    import binascii

    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        raise GitHubRefused(f"{where}: the content is not base64") from None


def _public(url: str) -> str:
    """A URL fit for a message: without its query (a storage URL's query is its signature)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"
