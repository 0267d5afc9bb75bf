"""A small GitHub REST client for the device queue and the controller.

* Token from ``WOAPORT_TOKEN`` or ``GITHUB_TOKEN``; API root from ``GITHUB_API_URL`` (the
  Actions convention). The token is sent to the API host only, and never logged.
* Conditional requests: ETags are remembered (optionally in a JSON file, so they survive
  between runs) and sent as ``If-None-Match``; a 304 answer costs no rate limit and is
  served from the remembered body.
* ``Link`` pagination, retries with exponential back-off on 5xx and connection errors,
  ``Retry-After`` and ``x-ratelimit-reset`` honoured on 403/429 (up to ``max_wait``).
* Asset download with ``Accept: application/octet-stream``: the API answers with a redirect
  to a storage host, which is followed *without* the Authorization header, streamed to disk
  with a size cap and sha256 check.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from woaport import __version__
from woaport.errors import NetworkError
from woaport.http import EtagCache, stream_to

DEFAULT_API = "https://api.github.com"
API_VERSION = "2022-11-28"
IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
RETRY_STATUSES = frozenset({500, 502, 503, 504})
TIMEOUT = (10, 60)


class GitHubError(NetworkError):
    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class RateLimited(GitHubError):
    pass


def token_from_environment() -> str | None:
    return os.environ.get("WOAPORT_TOKEN") or os.environ.get("GITHUB_TOKEN") or None


@dataclass
class Stats:
    requests: int = 0
    not_modified: int = 0
    retries: int = 0
    waited: float = 0.0


class GitHub:
    def __init__(
        self,
        *,
        token: str | None = None,
        api_url: str | None = None,
        cache: EtagCache | None = None,
        retries: int = 5,
        backoff: float = 0.5,
        max_wait: float = 120.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.token = token if token is not None else token_from_environment()
        self.api_url = (api_url or os.environ.get("GITHUB_API_URL") or DEFAULT_API).rstrip("/")
        self.cache = cache or EtagCache()
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.sleep = sleep
        self.stats = Stats()
        self.session = requests.Session()
        self.session.headers.update(
            {
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": API_VERSION,
                "User-Agent": f"woaport/{__version__}",
            }
        )
        # A separate session for storage hosts: it never carries the token.
        self.storage = requests.Session()
        self.storage.headers["User-Agent"] = f"woaport/{__version__}"
        self._api_host = urlsplit(self.api_url).netloc

    def __repr__(self) -> str:  # never show the token
        return f"GitHub(api_url={self.api_url!r}, token={'set' if self.token else 'none'})"

    # -- plumbing -------------------------------------------------------------------------
    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else self.api_url + path

    def _auth_headers(self, url: str) -> dict[str, str]:
        # The token goes only to the API's own host (and its uploads host, same credentials).
        host = urlsplit(url).netloc
        if self.token and (host == self._api_host or host.startswith("uploads.")):
            return {"Authorization": f"Bearer {self.token}"}
        return {}

    def _rate_wait(self, response: requests.Response) -> float | None:
        """Seconds to wait when this 403/429 is a rate limit; None when it is not one."""
        if response.status_code not in (403, 429):
            return None
        retry_after = response.headers.get("Retry-After")
        if retry_after and retry_after.strip().isdigit():
            return float(retry_after)
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
    ) -> requests.Response:
        url = self.url(path)
        method = method.upper()
        retriable = method in IDEMPOTENT or retry_post
        attempt = 0
        while True:
            all_headers = {**self._auth_headers(url), **(headers or {})}
            self.stats.requests += 1
            try:
                response = self.session.request(
                    method, url, headers=all_headers, timeout=TIMEOUT, **kwargs
                )
            except (requests.ConnectionError, requests.Timeout) as exc:
                if retriable and attempt < self.retries:
                    self._pause(self.backoff * 2**attempt)
                    attempt += 1
                    continue
                raise GitHubError(
                    f"{method} {url}: {type(exc).__name__} after {attempt + 1} tries"
                ) from None
            wait = self._rate_wait(response)
            if wait is not None:
                if wait > self.max_wait or attempt >= self.retries:
                    raise RateLimited(
                        f"{method} {url}: rate limited for {wait:.0f}s more; try again later",
                        response.status_code,
                    )
                self._pause(wait)
                attempt += 1
                continue
            if response.status_code in RETRY_STATUSES and retriable and attempt < self.retries:
                self._pause(self.backoff * 2**attempt)
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
    def _error(method: str, url: str, response: requests.Response) -> GitHubError:
        try:
            message = response.json().get("message", "")
        except ValueError:
            message = response.text[:200]
        hint = {
            401: "the token is missing or invalid: set WOAPORT_TOKEN or GITHUB_TOKEN",
            403: "the token lacks a permission (a release needs `contents: write`)",
            404: "no such repository or object, or the token cannot see it",
        }.get(response.status_code, "")
        text = f"{method} {url}: HTTP {response.status_code} {message}".rstrip()
        return GitHubError(f"{text}; {hint}" if hint else text, response.status_code)

    # -- reading ------------------------------------------------------------------------
    def get_json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        body, _ = self._conditional(self.url(path), params)
        return body

    def _conditional(self, url: str, params: dict[str, Any] | None) -> tuple[Any, str | None]:
        """GET with If-None-Match; returns the body and the next page's URL, if any."""
        key = requests.Request("GET", url, params=params).prepare().url or url
        cached = self.cache.entries.get(key)
        headers = {"If-None-Match": cached["etag"]} if cached else {}
        response = self.request("GET", key, expected=(200, 304), headers=headers)
        if response.status_code == 304 and cached:
            self.stats.not_modified += 1
            return cached["body"], cached.get("next")
        body = response.json()
        next_link = response.links.get("next", {}).get("url")
        etag = response.headers.get("ETag")
        if etag:
            # The next link is remembered too: a 304 page has no Link header to follow.
            self.cache.put(key, etag, body, next_link)
        return body, next_link

    def paginate(self, path: str, params: dict[str, Any] | None = None) -> Iterator[Any]:
        """Every item of a list endpoint, following ``Link: <...>; rel="next"``."""
        url: str | None = self.url(path)
        query: dict[str, Any] | None = {"per_page": 100, **(params or {})}
        while url:
            body, next_link = self._conditional(url, query)
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
        return list(self.paginate(f"/repos/{repo}/releases"))

    def release_by_tag(self, repo: str, tag: str) -> dict[str, Any] | None:
        response = self.request("GET", f"/repos/{repo}/releases/tags/{tag}", expected=(200, 404))
        return None if response.status_code == 404 else dict(response.json())

    def create_release(
        self, repo: str, *, tag: str, name: str, body: str, commitish: str | None = None
    ) -> dict[str, Any]:
        payload: dict[str, Any] = {"tag_name": tag, "name": name, "body": body, "prerelease": True}
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
        return dict(response.json())

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
        return dict(response.json())

    def delete_asset(self, repo: str, asset_id: int) -> None:
        self.request("DELETE", f"/repos/{repo}/releases/assets/{asset_id}", expected=(204, 404))

    def download_asset(
        self,
        repo: str,
        asset_id: int,
        dest: Path,
        *,
        max_bytes: int,
        show_progress: bool = False,
    ) -> Path:
        """Stream an asset to ``dest`` (atomically); the token never leaves the API host."""
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
        return stream_to(
            response,
            dest,
            label=dest.name,  # not the storage URL: it is signed
            max_bytes=max_bytes,
            show_progress=show_progress,
            error=GitHubError,
        )

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
            error=GitHubError,
        )

    def _storage_get(self, url: str) -> requests.Response:
        attempt = 0
        while True:
            try:
                response = self.storage.get(url, stream=True, timeout=TIMEOUT)
            except (requests.ConnectionError, requests.Timeout):
                response = None
            if response is not None and response.status_code == 200:
                return response
            if attempt >= self.retries or (
                response is not None and response.status_code not in RETRY_STATUSES
            ):
                status = response.status_code if response is not None else "no answer"
                raise GitHubError(f"asset download from the storage host failed: HTTP {status}")
            self._pause(self.backoff * 2**attempt)
            attempt += 1

    # -- forks, git data and pull requests (`woaport port start`, `woaport upstream`) --------
    def authenticated_user(self) -> str:
        """The login the token belongs to (https://docs.github.com/rest/users/users)."""
        return str(self.get_json("/user")["login"])

    def repository_or_none(self, repo: str) -> dict[str, Any] | None:
        response = self.request("GET", f"/repos/{repo}", expected=(200, 404))
        return None if response.status_code == 404 else dict(response.json())

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
        return dict(response.json())

    def actions_enabled(self, repo: str) -> bool:
        """https://docs.github.com/rest/actions/permissions#get-github-actions-permissions-for-a-repository"""
        response = self.request("GET", f"/repos/{repo}/actions/permissions")
        return bool(response.json()["enabled"])

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
        return None if response.status_code == 404 else str(response.json()["object"]["sha"])

    def git_commit(self, repo: str, sha: str) -> dict[str, Any]:
        return dict(self.request("GET", f"/repos/{repo}/git/commits/{sha}").json())

    def git_tree(self, repo: str, sha: str) -> dict[str, Any]:
        """A tree with every entry below it (``recursive=1``)."""
        response = self.request("GET", f"/repos/{repo}/git/trees/{sha}", params={"recursive": 1})
        return dict(response.json())

    def create_blob(self, repo: str, content: str) -> str:
        payload = {"content": content, "encoding": "utf-8"}
        response = self.request(
            "POST", f"/repos/{repo}/git/blobs", json=payload, expected=(201,), retry_post=True
        )
        return str(response.json()["sha"])

    def create_tree(self, repo: str, base_tree: str, entries: list[dict[str, str]]) -> str:
        payload = {"base_tree": base_tree, "tree": entries}
        response = self.request(
            "POST", f"/repos/{repo}/git/trees", json=payload, expected=(201,), retry_post=True
        )
        return str(response.json()["sha"])

    def create_commit(self, repo: str, *, message: str, tree: str, parents: list[str]) -> str:
        payload = {"message": message, "tree": tree, "parents": parents}
        response = self.request(
            "POST", f"/repos/{repo}/git/commits", json=payload, expected=(201,), retry_post=True
        )
        return str(response.json()["sha"])

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
        return None if response.status_code == 404 else dict(response.json())
