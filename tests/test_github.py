"""The GitHub client against the fake API (responses checked against the OpenAPI
description by the `github` fixture)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests

from woaport.errors import BadInput
from woaport.github import GitHub, GitHubError, RateLimited
from woaport.http import EtagCache


def client(fake: Any, **kwargs: Any) -> GitHub:
    waits: list[float] = []
    gh = GitHub(token=fake.token, api_url=fake.api_url, backoff=0.001, sleep=waits.append, **kwargs)
    gh.waits = waits  # type: ignore[attr-defined]
    return gh


def releases(fake: Any, repo: str, count: int) -> None:
    gh = client(fake)
    for i in range(count):
        gh.create_release(repo, tag=f"v{i}", name=f"r{i}", body="")


def test_conditional_requests_cost_no_rate_limit(github: Any, tmp_path: Path) -> None:
    github.add_repo("me/fork")
    releases(github, "me/fork", 3)
    cache = EtagCache.load(tmp_path / "etags.json")
    gh = client(github, cache=cache)
    first = gh.releases("me/fork")
    used = github.rate_used
    second = gh.releases("me/fork")
    assert second == first and len(first) == 3
    assert github.rate_used == used  # the 304 was free
    assert gh.stats.not_modified == 1
    cache.save()
    # A new process with the saved cache still gets 304s.
    again = client(github, cache=EtagCache.load(tmp_path / "etags.json"))
    assert again.releases("me/fork") == first
    assert again.stats.not_modified == 1


def test_pagination_follows_link_and_survives_304(github: Any) -> None:
    github.add_repo("me/many")
    releases(github, "me/many", 230)
    gh = client(github)
    tags = [r["tag_name"] for r in gh.releases("me/many")]
    assert len(tags) == 230 == len(set(tags))
    assert tags[0] == "v229"  # newest first, as GitHub lists them
    assert github.hits["GET /repos/me/many/releases"] == 3
    assert [r["tag_name"] for r in gh.releases("me/many")] == tags
    assert gh.stats.not_modified == 3


def test_server_errors_are_retried(github: Any) -> None:
    github.add_repo("me/fork")
    github.fault("GET", r"^/repos/me/fork$", status=502, times=2)
    gh = client(github)
    assert gh.repository("me/fork")["full_name"] == "me/fork"
    assert gh.stats.retries == 2


def test_server_errors_give_up_with_one_message(github: Any) -> None:
    github.add_repo("me/fork")
    github.fault("GET", r"^/repos/me/fork$", status=500, times=50)
    with pytest.raises(GitHubError, match="HTTP 500"):
        client(github, retries=3).repository("me/fork")


def test_retry_after_on_429(github: Any) -> None:
    github.add_repo("me/fork")
    github.fault("GET", r"^/repos/me/fork$", status=429, retry_after=7)
    gh = client(github)
    gh.repository("me/fork")
    assert gh.waits == [7.0]  # type: ignore[attr-defined]


def test_rate_limit_reset_on_403(github: Any) -> None:
    github.add_repo("me/fork")
    github.fault("GET", r"^/repos/me/fork$", status=403, ratelimit_reset_in=20)
    gh = client(github)
    gh.repository("me/fork")
    (wait,) = gh.waits  # type: ignore[attr-defined]
    assert 18 <= wait <= 22


def test_rate_limit_too_long_is_an_error(github: Any) -> None:
    github.add_repo("me/fork")
    github.fault("GET", r"^/repos/me/fork$", status=403, ratelimit_reset_in=3600)
    with pytest.raises(RateLimited, match="rate limited"):
        client(github, max_wait=60).repository("me/fork")


def test_connection_errors_are_retried_then_reported() -> None:
    gh = GitHub(
        token="t", api_url="http://127.0.0.1:9", backoff=0.001, retries=2, sleep=lambda s: None
    )
    with pytest.raises(GitHubError, match="ConnectionError after 3 tries"):
        gh.repository("me/fork")


def test_asset_download_drops_the_token_at_the_storage_host(github: Any, tmp_path: Path) -> None:
    github.add_repo("me/fork")
    gh = client(github)
    release = gh.create_release("me/fork", tag="t", name="t", body="")
    data = bytes(range(256)) * 1000
    asset = gh.upload_asset(release, "payload.bin", data, "application/octet-stream")
    out = gh.download_asset("me/fork", asset["id"], tmp_path / "payload.bin", max_bytes=10**6)
    assert out.read_bytes() == data
    assert github.storage_auth_rejected == 0
    # The storage host really does refuse a token, like the real one.
    location = requests.get(
        f"{github.api_url}/repos/me/fork/releases/assets/{asset['id']}",
        headers={"Authorization": f"Bearer {github.token}", "Accept": "application/octet-stream"},
        allow_redirects=False,
        timeout=10,
    ).headers["Location"]
    refused = requests.get(location, headers={"Authorization": "Bearer x"}, timeout=10)
    assert refused.status_code == 400 and github.storage_auth_rejected == 1


def test_truncated_download_leaves_nothing(github: Any, tmp_path: Path) -> None:
    github.add_repo("me/fork")
    gh = client(github)
    release = gh.create_release("me/fork", tag="t", name="t", body="")
    asset = gh.upload_asset(release, "big.bin", b"x" * 200_000, "application/octet-stream")
    github.fault("GET", r"/releases/assets/\d+$", truncate=True)
    with pytest.raises(GitHubError, match=r"truncated|interrupted"):
        gh.download_asset("me/fork", asset["id"], tmp_path / "big.bin", max_bytes=10**6)
    assert list(tmp_path.iterdir()) == []


def test_download_cap(github: Any, tmp_path: Path) -> None:
    github.add_repo("me/fork")
    gh = client(github)
    release = gh.create_release("me/fork", tag="t", name="t", body="")
    asset = gh.upload_asset(release, "big.bin", b"x" * 5000, "application/octet-stream")
    with pytest.raises(BadInput, match="cap"):
        gh.download_asset("me/fork", asset["id"], tmp_path / "big.bin", max_bytes=1000)


def test_existing_release_is_reused(github: Any) -> None:
    github.add_repo("me/fork")
    gh = client(github)
    first = gh.create_release("me/fork", tag="same", name="a", body="")
    second = gh.create_release("me/fork", tag="same", name="b", body="")
    assert first["id"] == second["id"]
    assert len(github.repos["me/fork"].releases) == 1


def test_bad_token_is_explained_and_never_shown(github: Any) -> None:
    github.add_repo("me/fork")
    gh = GitHub(token="wrong-secret-value", api_url=github.api_url, sleep=lambda s: None)
    with pytest.raises(GitHubError) as info:
        gh.repository("me/fork")
    assert "HTTP 401" in info.value.message and "WOAPORT_TOKEN" in info.value.message
    assert "wrong-secret-value" not in info.value.message + repr(gh)


def test_token_and_api_url_from_environment(github: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    github.add_repo("me/fork")
    monkeypatch.delenv("WOAPORT_TOKEN", raising=False)
    monkeypatch.setenv("GITHUB_TOKEN", github.token)
    monkeypatch.setenv("GITHUB_API_URL", github.api_url)
    assert GitHub().repository("me/fork")["full_name"] == "me/fork"
    monkeypatch.setenv("WOAPORT_TOKEN", "takes-precedence")
    with pytest.raises(GitHubError, match="401"):
        GitHub(sleep=lambda s: None).repository("me/fork")


def test_vendored_openapi_subset_is_current() -> None:
    """The subset file holds exactly the operations extract.py lists, from the pinned package."""
    import json
    import sys

    sys.path.insert(0, str(Path(__file__).parent / "openapi"))
    import extract

    subset = json.loads(extract.OUT.read_text())
    assert subset["info"]["x-source"].startswith(f"{extract.PACKAGE}@{extract.VERSION}")
    listed = {(path, method) for path, methods in subset["paths"].items() for method in methods}
    assert listed == set(extract.OPERATIONS)
    for ref in extract.refs(subset["paths"]) | extract.refs(subset["components"]):
        assert extract.resolve(subset, ref) is not None, ref
