"""The GitHub client against the fake API (responses checked against the OpenAPI
description by the `github` fixture)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
import requests

from woaport.errors import EXIT_BAD_INPUT, EXIT_UNREACHABLE, BadInput, NotFound, Unreachable
from woaport.github import (
    GitHub,
    GitHubError,
    GitHubNotFound,
    GitHubRefused,
    GitHubUnreachable,
    RateLimited,
    may_carry_token,
)
from woaport.http import EtagCache, HttpPolicy


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


def test_releases_are_kept_without_the_people_in_them(github: Any, tmp_path: Path) -> None:
    """A release's author and its assets' uploaders (user objects nothing reads) are
    neither returned nor cached; an entry cached whole (an older woaport) is not answered
    in the trimmed shape's place, nor the trimmed one for a whole answer."""
    github.add_repo("me/fork")
    releases(github, "me/fork", 2)
    gh = client(github)
    gh.upload_asset(gh.releases("me/fork")[0], "a.json", b"{}", "application/json")
    gh.cache.entries.clear()
    whole = gh.get_json("/repos/me/fork/releases", {"per_page": 100})
    assert "author" in whole[0] and "uploader" in whole[0]["assets"][0]  # as GitHub answers
    key = next(iter(gh.cache.entries))
    assert "shape" not in gh.cache.entries[key]
    listed = gh.releases("me/fork")
    assert gh.stats.not_modified == 0  # the whole entry was not asked conditionally
    assert all("author" not in r for r in listed)
    assert listed[0]["assets"][0]["name"] == "a.json" and "uploader" not in listed[0]["assets"][0]
    assert [r["tag_name"] for r in listed] == [r["tag_name"] for r in whole]
    entry = gh.cache.entries[key]
    assert entry["shape"] == "release-v1" and entry["body"] == listed
    assert gh.releases("me/fork") == listed and gh.stats.not_modified == 1
    assert gh.get_json("/repos/me/fork/releases", {"per_page": 100}) == whole
    assert gh.stats.not_modified == 1  # the trimmed entry does not answer for the whole


def test_clients_sharing_a_gate_keep_under_the_concurrent_request_limit(github: Any) -> None:
    """GitHub allows 100 concurrent requests ("secondary rate limit"; the fake: 2 here).
    Eight threads, each with its own client: without a gate some are refused with 403 and
    Retry-After; with a shared gate of 2, none is, and the fake never sees more than 2."""
    github.add_repo("me/fork")
    github.concurrent_limit = 2
    github.latency = 0.2

    def eight(gate: threading.Semaphore | None) -> list[str]:
        outcomes: list[str] = []

        def one() -> None:
            gh = client(github, max_wait=1, retries=0)
            gh.gate = gate
            try:
                gh.repository("me/fork")
                outcomes.append("ok")
            except RateLimited:
                outcomes.append("limited")

        threads = [threading.Thread(target=one) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return outcomes

    assert "limited" in eight(None)
    github.most_in_flight = 0
    assert eight(threading.BoundedSemaphore(2)) == ["ok"] * 8
    assert github.most_in_flight == 2


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


# -- where the token goes ---------------------------------------------------------------


class _Recorder:
    """A real HTTP server that answers every request with 200/201 ``{}`` and records the
    Authorization header it was sent (None when there was none)."""

    def __init__(self, host: str) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        seen: list[str | None] = []
        self.seen = seen

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def answer(self, status: int) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                seen.append(self.headers.get("Authorization"))
                body = b'{"full_name": "me/fork", "id": 1}'
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                self.answer(200)

            def do_POST(self) -> None:
                self.answer(201)

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.url = f"http://{host}:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _non_loopback_address() -> str | None:
    """An address of this machine that is not loopback (no packet is sent to find it)."""
    import ipaddress
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: routing only, nothing is sent
        except OSError:
            return None
        address = str(probe.getsockname()[0])
    return None if ipaddress.ip_address(address).is_loopback else address


def test_token_goes_to_the_uploads_host_the_api_names(github: Any) -> None:
    """github.com's upload_url is on another host (uploads.github.com): the token goes there
    because the API's own release document named it."""
    github.add_repo("me/fork")
    github.uploads_url = github.api_url.replace("127.0.0.1", "localhost")
    gh = client(github)
    release = gh.create_release("me/fork", tag="t", name="t", body="")
    assert release["upload_url"].startswith("http://localhost:")
    asset = gh.upload_asset(release, "a.bin", b"abc", "application/octet-stream")
    assert asset["name"] == "a.bin"


def test_forged_upload_url_gets_no_token(github: Any) -> None:
    recorder = _Recorder("127.0.0.3")
    try:
        gh = client(github)
        forged = {"upload_url": recorder.url + "/repos/me/fork/releases/1/assets{?name,label}"}
        gh.upload_asset(forged, "a.bin", b"abc", "application/octet-stream")
        assert recorder.seen == [None]
    finally:
        recorder.close()


@pytest.mark.parametrize(
    ("url", "sent"),
    [
        ("https://api.example.test/repos/me/fork", True),
        ("https://uploads.example.test/repos/me/fork/releases/1/assets", False),  # not named
        ("https://uploads.github.com/repos/me/fork/releases/1/assets", False),
        ("http://api.example.test/repos/me/fork", False),  # plain http, not loopback
        ("https://api.example.test.evil.test/x", False),
        ("https://evil.test/?u=https://api.example.test", False),
    ],
)
def test_token_only_to_the_api_host_over_https(url: str, sent: bool) -> None:
    gh = GitHub(token="secret", api_url="https://api.example.test", sleep=lambda s: None)
    assert bool(gh._auth_headers(url)) is sent


def test_token_never_over_plain_http_to_a_remote_host() -> None:
    address = _non_loopback_address()
    if address is None:
        pytest.skip("this machine has no non-loopback IPv4 address to serve on")
    recorder = _Recorder(address)
    try:
        gh = GitHub(token="secret", api_url=recorder.url, sleep=lambda s: None)
        assert gh.repository("me/fork")["full_name"] == "me/fork"
        assert recorder.seen == [None]
        # The same server on loopback does get it (tests and local fakes use 127.0.0.1).
        assert may_carry_token("http://127.0.0.1:1/x", {"127.0.0.1:1"})
        assert may_carry_token("http://[::1]:1/x", {"[::1]:1"})
    finally:
        recorder.close()


# -- errors by type: refused (exit 2) or unreachable (exit 3) ----------------------------


def test_refusals_are_bad_input_with_a_hint(github: Any) -> None:
    github.add_repo("me/fork")
    with pytest.raises(GitHubRefused) as info:
        GitHub(token="wrong", api_url=github.api_url, sleep=lambda s: None).repository("me/fork")
    assert info.value.status == 401 and info.value.exit_code == EXIT_BAD_INPUT
    assert isinstance(info.value, BadInput) and not isinstance(info.value, Unreachable)
    with pytest.raises(GitHubNotFound) as missing:
        client(github).repository("me/nothing-here")
    assert missing.value.exit_code == EXIT_BAD_INPUT and isinstance(missing.value, NotFound)
    assert "cannot see it" in missing.value.message


def test_outages_are_unreachable(github: Any) -> None:
    github.add_repo("me/fork")
    github.fault("GET", r"^/repos/me/fork$", status=503, times=50)
    with pytest.raises(GitHubUnreachable) as info:
        client(github, retries=2).repository("me/fork")
    assert info.value.exit_code == EXIT_UNREACHABLE and info.value.status == 503
    github.fault("GET", r"^/repos/me/other$", status=403, ratelimit_reset_in=3600)
    github.add_repo("me/other")
    with pytest.raises(RateLimited) as limited:
        client(github, max_wait=60).repository("me/other")
    assert limited.value.exit_code == EXIT_UNREACHABLE
    gh = GitHub(token="t", api_url="http://127.0.0.1:9", retries=0, sleep=lambda s: None)
    with pytest.raises(GitHubUnreachable) as down:
        gh.repository("me/fork")
    assert down.value.exit_code == EXIT_UNREACHABLE


def test_policy_numbers_are_the_shared_ones() -> None:
    policy = HttpPolicy(retries=2, backoff=1.0, backoff_max=3.0, user_agent="ua/1")
    gh = GitHub(token="t", api_url="http://127.0.0.1:9", policy=policy, sleep=lambda s: None)
    assert gh.session.headers["User-Agent"] == "ua/1" == gh.storage.headers["User-Agent"]
    assert "Authorization" not in gh.storage.headers
    with pytest.raises(GitHubUnreachable, match="after 3 tries"):
        gh.repository("me/fork")
    assert gh.stats.waited == 1.0 + 2.0  # the policy's back-off: 1, 2 (capped at 3)
