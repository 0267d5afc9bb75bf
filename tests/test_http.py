"""The shared HTTP policy, exercised over real loopback HTTP, through both transports: a
requests session and the controller's urllib3 :class:`Client` must behave alike."""

from __future__ import annotations

import contextlib
import email.utils
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from woaport.errors import BadInput, Unreachable
from woaport.http import (
    Client,
    HttpPolicy,
    download,
    get,
    make_session,
    plain_environment,
    read_capped,
)

TRANSPORTS = {"requests": make_session, "client": Client}


@pytest.fixture(params=sorted(TRANSPORTS))
def transport(request: pytest.FixtureRequest) -> Any:
    """Makes a session of each kind from a policy."""
    return TRANSPORTS[request.param]


class Script:
    """Answers: a list of (status, headers) served in order, then 200 with ``body``."""

    def __init__(self, answers: list[tuple[int, dict[str, str]]], body: bytes = b"ok") -> None:
        self.answers = answers
        self.body = body
        self.times: list[float] = []
        self.agents: list[str | None] = []
        self.auth: list[str | None] = []
        self.paths: list[str] = []
        self.encodings: list[str | None] = []
        self.close_after = False  # hang up after each answer, without saying so
        self.hung_up = 0  # connections the server has closed


@pytest.fixture
def scripted() -> Iterator[tuple[Script, str]]:
    script = Script([])

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            script.times.append(time.monotonic())
            script.agents.append(self.headers.get("User-Agent"))
            script.auth.append(self.headers.get("Authorization"))
            script.paths.append(self.path)
            script.encodings.append(self.headers.get("Accept-Encoding"))
            status, headers = script.answers.pop(0) if script.answers else (200, {})
            body = script.body if status == 200 else b""
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            self.close_connection = script.close_after

        def handle(self) -> None:
            # a client that refused a body (over its cap) hangs up: not an error here
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                super().handle()

    class Server(ThreadingHTTPServer):
        def shutdown_request(self, request: Any) -> None:
            super().shutdown_request(request)
            script.hung_up += 1

    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield script, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_index_session_backs_off_by_the_policy(
    scripted: tuple[Script, str], transport: Any
) -> None:
    script, url = scripted
    script.answers = [(503, {}), (502, {})]
    policy = HttpPolicy(backoff=0.1, user_agent="woaport-test/1")
    response = get(transport(policy), url + "/x", policy=policy)
    assert response.status_code == 200
    assert script.agents == ["woaport-test/1"] * 3
    gaps = [b - a for a, b in zip(script.times, script.times[1:], strict=False)]
    assert gaps[0] >= 0.09 and gaps[1] >= 0.19  # policy.delay(0), policy.delay(1)


def test_retry_after_is_honoured_and_capped(scripted: tuple[Script, str], transport: Any) -> None:
    script, url = scripted
    script.answers = [(429, {"Retry-After": "3600"}), (503, {"Retry-After": "0"})]
    policy = HttpPolicy(backoff=0.001, wait_max=0.3)
    start = time.monotonic()
    assert get(transport(policy), url + "/x", policy=policy).status_code == 200
    elapsed = time.monotonic() - start
    assert 0.25 <= elapsed < 5  # an hour was asked for; the policy allows 0.3 s


def test_retries_run_out_as_the_last_answer(scripted: tuple[Script, str], transport: Any) -> None:
    script, url = scripted
    script.answers = [(500, {})] * 10
    policy = HttpPolicy(retries=2, backoff=0.001)
    assert get(transport(policy), url + "/x", policy=policy).status_code == 500
    assert len(script.times) == 3


@pytest.mark.parametrize(
    ("value", "expected"),
    [("7", 7.0), (" 12 ", 12.0), ("soon", None), ("", None), ("-3", None)],
)
def test_retry_after_seconds(value: str, expected: float | None) -> None:
    assert HttpPolicy.retry_after({"Retry-After": value}) == expected


def test_retry_after_http_date() -> None:
    # RFC 9110 section 10.2.3: Retry-After = HTTP-date / delay-seconds
    later = email.utils.formatdate(time.time() + 30, usegmt=True)
    seconds = HttpPolicy.retry_after({"Retry-After": later})
    assert seconds is not None and 25 <= seconds <= 31
    earlier = email.utils.formatdate(time.time() - 30, usegmt=True)
    assert HttpPolicy.retry_after({"Retry-After": earlier}) == 0.0


def test_delay_doubles_up_to_the_cap() -> None:
    policy = HttpPolicy(backoff=0.5, backoff_max=3.0)
    assert [policy.delay(n) for n in range(5)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    assert policy.may_retry("get") and policy.may_retry("PUT") and not policy.may_retry("POST")


def test_download_reports_progress(
    scripted: tuple[Script, str], tmp_path: Path, transport: Any
) -> None:
    script, url = scripted
    script.body = b"x" * 300_000
    calls: list[tuple[int, int | None]] = []
    out = download(
        transport(),
        url + "/f.bin",
        tmp_path / "f.bin",
        sha256=None,
        progress=lambda d, t: calls.append((d, t)),
    )
    assert out.read_bytes() == script.body
    assert calls[0] == (0, 300_000) and calls[-1] == (300_000, 300_000)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_unreachable_host_is_one_clear_error(transport: Any) -> None:
    policy = HttpPolicy(retries=1, backoff=0.001)
    with pytest.raises(Unreachable, match="gave up after retries"):
        get(transport(policy), "http://127.0.0.1:9/x", policy=policy)


def test_redirects_end_at_the_final_url_and_drop_credentials_off_host(
    scripted: tuple[Script, str], transport: Any
) -> None:
    # requests (sessions.py, rebuild_auth/should_strip_auth) keeps Authorization on the
    # same host and drops it on another; relative links on an index page resolve against
    # the final URL, so both transports must report it.
    script, url = scripted
    other = url.replace("127.0.0.1", "localhost")
    script.answers = [(302, {"Location": "/moved"}), (301, {"Location": other + "/away"})]
    response = get(transport(), url + "/x", headers={"Authorization": "Bearer secret"})
    assert response.status_code == 200 and response.url == other + "/away"
    assert script.paths == ["/x", "/moved", "/away"]
    assert script.auth == ["Bearer secret", "Bearer secret", None]


def test_credentials_in_the_url_are_sent_as_basic_auth(
    scripted: tuple[Script, str], transport: Any
) -> None:
    # RFC 7617; pip and requests both send an index URL's user:password this way.
    script, url = scripted
    response = get(transport(), url.replace("://", "://me:p%40ss@") + "/simple/x/")
    assert response.status_code == 200
    assert script.auth == ["Basic bWU6cEBzcw=="]  # base64("me:p@ss")


def test_client_counts_requests_and_304s(scripted: tuple[Script, str]) -> None:
    script, url = scripted
    script.answers = [(304, {}), (200, {})]
    client = Client()
    assert [client.get(url + "/x").status_code for _ in range(2)] == [304, 200]
    assert (client.requests, client.not_modified) == (2, 1)


def test_read_capped_refuses_a_body_over_its_cap(scripted: tuple[Script, str]) -> None:
    script, url = scripted
    script.body = b"{}" * 5000
    assert read_capped(Client().get(url + "/a", stream=True), label="a", max_bytes=10_000)
    with pytest.raises(BadInput, match="over the 9,999-byte cap"):
        read_capped(Client().get(url + "/a", stream=True), label="a", max_bytes=9_999)


def test_a_kept_alive_connection_the_server_closed_is_reopened_at_once(
    scripted: tuple[Script, str], transport: Any
) -> None:
    # Servers close idle keep-alive connections without a word (RFC 9112 section 9.3,
    # "a client ... MUST be able to recover from asynchronous close events"). urllib3
    # polls the socket before reusing it; the Client's direct GET finds out when it sends.
    # Either way a GET goes out again on a new connection: no retry spent, no back-off.
    script, url = scripted
    script.close_after = True
    policy = HttpPolicy(retries=0, backoff=5.0)
    session = transport(policy)
    assert get(session, url + "/a", policy=policy).status_code == 200
    # the close must have happened before the next request (urllib3's poll races a close
    # still on its way: that reuse fails as any reset connection does, and retries=0)
    deadline = time.monotonic() + 5
    while not script.hung_up and time.monotonic() < deadline:
        time.sleep(0.001)
    start = time.monotonic()
    assert get(session, url + "/b", policy=policy).status_code == 200
    assert time.monotonic() - start < 2 and script.paths == ["/a", "/b"]


def test_a_gzip_answer_is_decoded(scripted: tuple[Script, str], transport: Any) -> None:
    # Both transports ask for gzip (urllib3.util.make_headers(accept_encoding=True); requests'
    # default_headers) and hand back the decoded body (RFC 9110 section 8.4).
    import gzip

    script, url = scripted
    script.body = gzip.compress(b'{"files": []}')
    script.answers = [(200, {"Content-Encoding": "gzip"})]
    response = get(transport(), url + "/simple/x/")
    assert response.content == b'{"files": []}'
    assert "gzip" in (script.encodings[0] or "")


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A CA, and a certificate it signed for 127.0.0.1 and localhost; a second one for
    another name only."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    folder = tmp_path_factory.mktemp("tls")
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "woaport test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(1)
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    (folder / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    names: dict[str, list[x509.GeneralName]] = {
        "good": [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))],
        "other": [x509.DNSName("elsewhere.invalid")],
    }
    for label, alternatives in names.items():
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, label)]))
            .issuer_name(ca_name)
            .public_key(key.public_key())
            .serial_number(2 if label == "good" else 3)
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(alternatives), critical=False)
            .sign(ca_key, hashes.SHA256())
        )
        pem = cert.public_bytes(serialization.Encoding.PEM) + key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        (folder / f"{label}.pem").write_bytes(pem)
    return {"ca": folder / "ca.pem", "good": folder / "good.pem", "other": folder / "other.pem"}


@contextlib.contextmanager
def _tls_server(certificate: Path) -> Iterator[str]:
    import ssl

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def handle(self) -> None:
            with contextlib.suppress(ConnectionError, ssl.SSLError):
                super().handle()

    class Server(ThreadingHTTPServer):
        def handle_error(self, request: Any, client_address: Any) -> None:
            pass  # a client that refused the certificate hangs up: expected here

    server = Server(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    ("certificate", "trusted", "works"),
    [("good", True, True), ("good", False, False), ("other", True, False)],
)
def test_tls_is_verified_against_the_bundle_and_the_host_name(
    tls_files: dict[str, Path],
    transport: Any,
    monkeypatch: pytest.MonkeyPatch,
    certificate: str,
    trusted: bool,
    works: bool,
) -> None:
    # Both transports take the CA bundle from REQUESTS_CA_BUNDLE (requests' rule), else
    # certifi's; a certificate from another CA, or for another name, is refused.
    if trusted:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls_files["ca"]))
    else:
        monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    policy = HttpPolicy(retries=0)
    with _tls_server(tls_files[certificate]) as url:
        if works:
            assert get(transport(policy), url + "/x", policy=policy).content == b"ok"
        else:
            with pytest.raises(Unreachable, match=r"CERTIFICATE_VERIFY_FAILED|certificate"):
                get(transport(policy), url + "/x", policy=policy)


@pytest.mark.parametrize(
    ("env", "netrc", "plain"),
    [
        ({}, False, True),
        ({"HTTPS_PROXY": "http://p:3128"}, False, False),
        ({"no_proxy": "*"}, False, False),
        ({"NETRC": "/x"}, False, False),
        ({}, True, False),
    ],
)
def test_plain_environment(env: dict[str, str], netrc: bool, plain: bool, tmp_path: Path) -> None:
    # requests reads *_proxy and netrc on every request (utils.get_environ_proxies,
    # get_netrc_auth); the Client reads neither, so it is used only where both are absent.
    if netrc:
        (tmp_path / ".netrc").write_text("machine example.org login me password x\n")
    assert plain_environment(env, home=tmp_path) is plain


# Modules below cli/ that still pull click in: report.py draws with it, and these import
# report.py. The lead moves report.py into views/; this set must then become empty.
STILL_CLICK = {"report", "runner", "payload", "devicesetup"}


def _imports(module: str) -> set[str]:
    import subprocess
    import sys

    code = (
        f"import sys, woaport.{module}; "
        "print(' '.join(m for m in ('click', 'requests', 'urllib3') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def test_no_module_below_cli_imports_click() -> None:
    package = Path(__file__).parent.parent / "scripts" / "woaport"
    modules = sorted(p.stem for p in package.glob("*.py") if not p.stem.startswith("_"))
    pulling = {m for m in modules if "click" in _imports(m)}
    assert pulling <= STILL_CLICK, pulling - STILL_CLICK


@pytest.mark.parametrize(
    "module", ["http", "github", "index", "settings", "actionsenv", "device", "runner"]
)
def test_requests_is_imported_only_when_a_request_is_made(module: str) -> None:
    assert not {"requests", "urllib3"} & _imports(module)
