"""HTTP for woaport: one policy (retries, back-off, timeouts, User-Agent) for every client,
and streamed, verified downloads.

:class:`HttpPolicy` is the one place that says how woaport talks HTTP. The package index
client gets a ``requests`` session whose urllib3 ``Retry`` takes its numbers from the policy
(:meth:`HttpPolicy.session`), or, where thousands of requests are made (the controller), a
:class:`Client`: urllib3 directly, with the same ``Retry``, timeouts and User-Agent, at less
than half the CPU per request (requests prepares, merges settings, runs hooks and cookie
jars on every call). The GitHub client keeps its own loop (it must also read
GitHub's rate-limit headers) but asks the same policy whether to retry, how long to wait and
how long a request may take. Downloads go to a temporary file beside the target and are
renamed into place only once their size and sha256 check out, so an interrupted download
never leaves a file that looks complete. They report progress through a plain callback
(bytes so far, total when known); drawing it is the command line's business.

``requests`` is imported only when a request is made: ``sha256_file`` and the policy are
used by commands that never go on the network.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from woaport import __version__
from woaport.errors import BadInput, Corrupted, Unreachable, WoaportError
from woaport.files import sha256_file, write_atomic
from woaport.limits import MAX_DOWNLOAD_BYTES

if TYPE_CHECKING:
    import http.client
    from collections.abc import Iterator
    from typing import TypeAlias

    import requests
    import urllib3

USER_AGENT = f"woaport/{__version__} (+Windows on Arm porting tool)"
MAX_DOWNLOAD = MAX_DOWNLOAD_BYTES

# Methods that may be sent twice without changing the outcome: RFC 9110 section 9.2.2
# ("idempotent methods"). A POST is retried only where its caller says it is safe.
IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})

Progress = Callable[[int, int | None], None]
"""A download's progress: bytes received so far, and the total when the server declared it."""


@dataclass(frozen=True, kw_only=True)
class HttpPolicy:
    """How every woaport client talks HTTP.

    ``retries`` more tries after the first, for connection errors, read timeouts and the
    ``statuses`` answers, on the ``methods`` that are safe to repeat; between them
    ``backoff`` seconds doubling per try, capped at ``backoff_max``, unless the server
    says how long in ``Retry-After`` (honoured up to ``wait_max``).
    """

    retries: int = 5
    backoff: float = 0.5
    backoff_max: float = 30.0
    wait_max: float = 120.0
    connect_timeout: float = 10.0
    read_timeout: float = 60.0  # between bytes, not for the whole body
    statuses: frozenset[int] = frozenset({429, 500, 502, 503, 504})
    methods: frozenset[str] = IDEMPOTENT
    user_agent: str = USER_AGENT

    @property
    def timeout(self) -> tuple[float, float]:
        return (self.connect_timeout, self.read_timeout)

    def delay(self, attempt: int) -> float:
        """Seconds to wait before retry number ``attempt`` (0 for the first retry)."""
        return float(min(self.backoff_max, self.backoff * 2**attempt))

    def may_retry(self, method: str) -> bool:
        return method.upper() in self.methods

    @staticmethod
    def retry_after(headers: Mapping[str, str]) -> float | None:
        """Seconds a ``Retry-After`` header asks for: delay-seconds or an HTTP-date
        (RFC 9110 section 10.2.3); None when there is none or it cannot be read."""
        value = (headers.get("Retry-After") or "").strip()
        if not value:
            return None
        if value.isdigit():
            return float(value)
        import email.utils  # only for the rare HTTP-date form

        try:
            moment = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, moment.timestamp() - time.time())

    def session(self, *, retry: bool = True) -> requests.Session:
        """A session with the policy's User-Agent; with ``retry``, urllib3 retries by the
        policy (``retry=False`` for a client that runs its own retry loop, like GitHub's)."""
        import requests
        from requests.adapters import HTTPAdapter

        session = requests.Session()
        session.headers["User-Agent"] = self.user_agent
        if retry:
            adapter = HTTPAdapter(max_retries=_policy_retry(self))
            session.mount("http://", adapter)
            session.mount("https://", adapter)
        return session


DEFAULT_POLICY = HttpPolicy()


def _policy_retry(policy: HttpPolicy) -> Any:
    """urllib3's Retry, with the back-off and the Retry-After reading of ``policy``."""
    from urllib3.util.retry import Retry

    class PolicyRetry(Retry):
        def get_backoff_time(self) -> float:
            # urllib3 counts the failed tries in `history`; the first retry is attempt 0.
            return policy.delay(max(0, len(self.history) - 1))

        def get_retry_after(self, response: Any) -> float | None:
            seconds = policy.retry_after(response.headers)
            return None if seconds is None else min(seconds, policy.wait_max)

    return PolicyRetry(
        total=policy.retries,
        connect=policy.retries,
        read=policy.retries,
        status=policy.retries,
        status_forcelist=policy.statuses,
        allowed_methods=policy.methods,
        respect_retry_after_header=True,
        raise_on_status=False,
    )


def make_session(
    policy: HttpPolicy | None = None, *, retries: int | None = None
) -> requests.Session:
    """A session that retries by ``policy`` (default: :data:`DEFAULT_POLICY`; for the
    package index and download hosts); ``retries`` overrides the policy's count."""
    policy = policy or DEFAULT_POLICY
    if retries is not None:
        policy = dataclasses.replace(policy, retries=retries)
    return policy.session()


# requests follows at most 30 redirects (requests.models.DEFAULT_REDIRECT_LIMIT); so does Client.
MAX_REDIRECTS = 30


def plain_environment(env: Mapping[str, str] | None = None, home: Path | None = None) -> bool:
    """Whether a :class:`Client` talks HTTP here exactly as a requests session would: no
    proxy variable and no netrc file (requests reads both on every request; Client reads
    neither). Where this is False, use :func:`make_session`."""
    env = os.environ if env is None else env
    names = {k.lower() for k in env}
    if any(n.endswith("_proxy") for n in names) or "netrc" in names:
        return False
    home = home or Path.home()
    return not ((home / ".netrc").is_file() or (home / "_netrc").is_file())


class Client:
    """HTTP for hot loops: a urllib3 pool with the policy's retries (:func:`_policy_retry`),
    timeouts and User-Agent, answering :class:`Reply` objects.

    It speaks the part of a ``requests.Session`` woaport uses (``get``/``request`` with
    ``headers``, ``params``, ``json``, ``data``, ``allow_redirects``, ``stream``,
    ``timeout``), and raises requests' ``ConnectionError``/``Timeout`` when no answer
    comes, so that every caller's one ``except requests.RequestException`` covers both.
    Like requests it verifies TLS with certifi's bundle (or ``REQUESTS_CA_BUNDLE`` /
    ``CURL_CA_BUNDLE``), asks for gzip, sends the URL's ``user:password@`` as Basic auth,
    follows up to 30 redirects and drops ``Authorization`` when one leaves the host.
    Thread-safe; it counts its requests (each redirect one) and their 304 answers.

    A GET without a body whose answer is read whole (``stream=False``: the controller's
    thousands of index pages, metadata files and API answers) goes over ``http.client``
    directly (:meth:`_exchange`): one keep-alive connection per host and thread, the same
    ``Retry`` deciding the same retries, the body decoded by urllib3's own response class.
    urllib3's pool costs about 120 us of CPU a request on top (a URL parsed twice, a queue,
    a poll of the socket before each reuse); under 64 threads each of those waits for the
    GIL again, and a 5,000-package refresh spent a quarter of its CPU there. A reused
    connection the server has closed meanwhile is met when the request is sent: it is
    reopened once, at once, as urllib3's poll would have. Streams, bodies and other methods
    go through the urllib3 pool.
    """

    def __init__(
        self,
        policy: HttpPolicy | None = None,
        *,
        retry: bool = True,
        headers: Mapping[str, str | bytes] | None = None,
        maxsize: int = 4,
        env: Mapping[str, str] | None = None,
    ) -> None:
        import certifi
        import urllib3

        self.policy = policy or DEFAULT_POLICY
        env = os.environ if env is None else env
        defaults = urllib3.util.make_headers(accept_encoding=True)
        defaults.update({"Accept": "*/*", "User-Agent": self.policy.user_agent})
        self.headers: dict[str, str] = {**defaults}
        for name, value in (headers or {}).items():  # a requests session's may be bytes
            self.headers[name] = value.decode("latin-1") if isinstance(value, bytes) else value
        # requests' own default when a session mounts no retrying adapter: Retry(0, read=False)
        self.retries = _policy_retry(self.policy) if retry else urllib3.Retry(0, read=False)
        bundle = env.get("REQUESTS_CA_BUNDLE") or env.get("CURL_CA_BUNDLE") or certifi.where()
        self.pool = urllib3.PoolManager(
            maxsize=maxsize,
            retries=self.retries,
            timeout=urllib3.Timeout(
                connect=self.policy.connect_timeout, read=self.policy.read_timeout
            ),
            ca_certs=bundle,
        )
        self._lock = threading.Lock()
        self._bundle = bundle
        self._context: Any = None  # the TLS context of the direct connections, made once
        self._local = threading.local()  # each thread's direct connections, by host
        self._opened: list[Any] = []  # every direct connection, closed with the client
        weakref.finalize(self, _close_all, self._opened)
        self.requests = 0
        self.not_modified = 0

    def get(self, url: str, **kwargs: Any) -> Reply:
        return self.request("GET", url, **kwargs)

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: bytes | str | None = None,
        allow_redirects: bool = True,
        stream: bool = False,
        timeout: tuple[float, float] | None = None,
    ) -> Reply:
        import urllib3
        from urllib3.util import parse_url

        if params:
            from urllib.parse import urlencode

            url += ("&" if "?" in url else "?") + urlencode(params)
        sent = {**self.headers, **dict(headers or {})}
        try:
            where = parse_url(url)
        except urllib3.exceptions.HTTPError as exc:
            raise _as_requests_error(exc) from None
        if where.auth:  # requests sends a URL's credentials as Basic auth, not in the URL
            sent.setdefault("Authorization", _basic(where.auth))
            where = where._replace(auth=None)
            url = where.url
        body: bytes | str | None = data
        if json is not None:
            import json as json_module  # the parameter is named as requests names it

            body = json_module.dumps(json).encode()
            sent.setdefault("Content-Type", "application/json")
        options: dict[str, Any] = {}
        if timeout is not None:
            options["timeout"] = urllib3.Timeout(connect=timeout[0], read=timeout[1])
        # Redirects are followed here, not by urllib3, to know the final URL (relative
        # links on an index page resolve against it), as requests' resolve_redirects does.
        for _ in range(MAX_REDIRECTS + 1):
            try:
                if where.scheme not in ("http", "https"):
                    raise urllib3.exceptions.LocationValueError(f"not an http(s) URL: {url}")
                if method == "GET" and body is None and not stream:
                    raw = self._exchange(where, sent, timeout or self.policy.timeout)
                else:
                    pool = self.pool.connection_from_host(
                        where.host, port=where.port, scheme=where.scheme
                    )
                    raw = pool.urlopen(
                        method,
                        where.request_uri,
                        body=body,
                        headers=sent,
                        redirect=False,
                        assert_same_host=False,
                        retries=self.retries,
                        preload_content=not stream,
                        **options,
                    )
            except urllib3.exceptions.HTTPError as exc:
                raise _as_requests_error(exc) from None
            with self._lock:
                self.requests += 1
                self.not_modified += raw.status == 304
            location = raw.get_redirect_location() if allow_redirects else None
            if not location:
                return Reply(raw, url)
            raw.drain_conn()
            raw.release_conn()
            target = urljoin(url, location)
            if not _same_origin(url, target):
                sent.pop("Authorization", None)
            # RFC 9110 section 15.4: a 303 (and, as browsers and requests do, a 301/302
            # after a POST) is followed with a GET and no body.
            if (raw.status == 303 and method != "HEAD") or (
                raw.status in (301, 302) and method == "POST"
            ):
                method, body = "GET", None
                sent.pop("Content-Type", None)
            url = target
            try:
                where = parse_url(url)
            except urllib3.exceptions.HTTPError as exc:
                raise _as_requests_error(exc) from None
        import requests

        raise requests.TooManyRedirects(f"more than {MAX_REDIRECTS} redirects from {url}")

    def _exchange(
        self, where: urllib3.util.Url, headers: dict[str, str], timeout: tuple[float, float]
    ) -> urllib3.BaseHTTPResponse:
        """One GET read whole, retried as urllib3's ``urlopen`` retries it: the same
        ``Retry`` object decides (``increment``, ``is_retry``, ``sleep``), failures are
        the same urllib3 errors (a refused or timed-out connection, a read timeout, a
        broken answer), and once the retries run out a retried status is answered."""
        import urllib3

        retries = self.retries
        url = where.url
        while True:
            try:
                raw = self._once(where, headers, timeout)
            except urllib3.exceptions.HTTPError as exc:
                retries = retries.increment("GET", url, error=exc)  # raises when spent
                retries.sleep()
                continue
            if retries.is_retry("GET", raw.status, bool(raw.headers.get("Retry-After"))):
                try:
                    retries = retries.increment("GET", url, response=raw)
                except urllib3.exceptions.MaxRetryError:
                    if retries.raise_on_status:
                        raise
                    return raw
                retries.sleep(raw)
                continue
            return raw

    def _once(
        self, where: urllib3.util.Url, headers: dict[str, str], timeout: tuple[float, float]
    ) -> urllib3.BaseHTTPResponse:
        import http.client

        import urllib3
        from urllib3.exceptions import ProtocolError, ReadTimeoutError, SSLError

        key = (where.scheme, where.host, where.port)
        connections: dict[tuple[Any, ...], http.client.HTTPConnection] | None
        connections = getattr(self._local, "connections", None)
        if connections is None:
            connections = self._local.connections = {}
        connection = connections.get(key)
        reused = connection is not None and connection.sock is not None
        while True:
            if connection is None or connection.sock is None:
                connection = connections[key] = self._connect(where, timeout)
            try:
                connection.request("GET", where.request_uri, headers=headers)
                answer = connection.getresponse()
                data = answer.read()
                break
            except (ConnectionError, http.client.RemoteDisconnected) as exc:
                connection.close()
                if not reused:
                    raise ProtocolError("Connection aborted.", exc) from None
                reused = False  # a kept-alive connection the server had closed: reopen it, once
            except TimeoutError:
                connection.close()
                raise ReadTimeoutError(None, where.url, "Read timed out.") from None  # type: ignore[arg-type]
            except ssl_errors() as exc:
                connection.close()
                raise SSLError(exc) from None
            except (OSError, http.client.HTTPException) as exc:
                connection.close()
                raise ProtocolError("Connection aborted.", exc) from None
        answered = urllib3.HTTPHeaderDict()
        for name, value in answer.msg.items():
            answered.add(name, value)
        if answer.will_close:
            connection.close()
        encoded = "content-encoding" in answered
        return urllib3.HTTPResponse(
            # urllib3 decodes (gzip, deflate, ...) what it reads, not bytes handed to it
            body=io.BytesIO(data) if encoded else data,
            headers=answered,
            status=answer.status,
            version=answer.version,
            reason=answer.reason,
            preload_content=True,
            decode_content=True,
            request_method="GET",
            request_url=where.url,
        )

    def _connect(
        self, where: urllib3.util.Url, timeout: tuple[float, float]
    ) -> http.client.HTTPConnection:
        """A new connection, as urllib3 makes one: the connect timeout while connecting
        (and, for https, the handshake, verified against the CA bundle), the read timeout
        after, no Nagle delay."""
        import http.client
        import socket

        from urllib3.exceptions import ConnectTimeoutError, NewConnectionError, SSLError

        connection: http.client.HTTPConnection
        if where.scheme == "https":
            connection = http.client.HTTPSConnection(
                where.host or "", where.port, timeout=timeout[0], context=self._tls()
            )
        else:
            connection = http.client.HTTPConnection(
                where.host or "", where.port, timeout=timeout[0]
            )
        try:
            connection.connect()
        except TimeoutError:
            connection.close()
            raise ConnectTimeoutError(
                None, f"Connection to {where.host} timed out. (connect timeout={timeout[0]})"
            ) from None
        except ssl_errors() as exc:
            connection.close()
            raise SSLError(exc) from None
        except OSError as exc:
            connection.close()
            raise NewConnectionError(
                None,  # type: ignore[arg-type]
                f"Failed to establish a new connection: {exc}",
            ) from None
        sock: socket.socket = connection.sock  # connected: not None
        sock.settimeout(timeout[1])
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._lock:
            self._opened[:] = [c for c in self._opened if c.sock is not None]
            self._opened.append(connection)
        return connection

    def _tls(self) -> Any:
        """The TLS context of the direct connections: the standard library's defaults
        (the certificate verified against the bundle, the host name checked), TLS 1.2 at
        least, as urllib3 asks."""
        if self._context is None:
            import ssl

            context = ssl.create_default_context(cafile=self._bundle)
            context.minimum_version = ssl.TLSVersion.TLSv1_2
            self._context = context
        return self._context


def ssl_errors() -> tuple[type[Exception], ...]:
    import ssl

    return (ssl.SSLError, ssl.CertificateError)


def _close_all(connections: list[Any]) -> None:
    for connection in connections:
        connection.close()


def _same_origin(old: str, new: str) -> bool:
    """Whether a redirect may keep the Authorization header: same host and port, or the
    http -> https upgrade of the same host (requests' ``should_strip_auth``)."""
    a, b = urlsplit(old), urlsplit(new)
    if a.hostname != b.hostname:
        return False
    if (a.scheme, a.port, b.scheme, b.port) in (("http", None, "https", None),):
        return True
    return (a.scheme, a.port) == (b.scheme, b.port)


def _basic(auth: str) -> str:
    import base64
    from urllib.parse import unquote

    user, _, password = auth.partition(":")
    token = base64.b64encode(f"{unquote(user)}:{unquote(password)}".encode()).decode()
    return f"Basic {token}"


def _as_requests_error(exc: Exception) -> Exception:
    """requests' exception for a urllib3 failure, as requests' adapter maps them."""
    import requests
    import urllib3

    cause = exc.reason if isinstance(exc, urllib3.exceptions.MaxRetryError) else exc
    if isinstance(cause, urllib3.exceptions.ConnectTimeoutError):
        return requests.ConnectTimeout(exc)
    if isinstance(cause, urllib3.exceptions.TimeoutError):
        return requests.ReadTimeout(exc)
    return requests.ConnectionError(exc)


class Reply:
    """An answer from :class:`Client`, read as woaport reads a ``requests.Response``:
    ``status_code``, ``headers`` (case-insensitive), ``url`` (after redirects),
    ``content``/``text``/``json()``, ``links``; streamed ones through ``iter_content`` or
    ``raw.read``. ``text`` decodes by the Content-Type's charset, else UTF-8 (what PEP 691
    JSON and JSON in general are; requests would guess the encoding from the bytes)."""

    def __init__(self, raw: urllib3.BaseHTTPResponse, url: str) -> None:
        self.raw = raw
        self.status_code: int = raw.status
        self.headers = raw.headers
        self.url = url  # the final one, after redirects

    @property
    def content(self) -> bytes:
        try:
            return self.raw.data
        except Exception as exc:
            raise _translated(exc) from None

    @property
    def text(self) -> str:
        _, _, params = self.headers.get("Content-Type", "").partition(";")
        charset = "utf-8"
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.lower() == "charset" and value:
                charset = value.strip("\"' ")
        try:
            return self.content.decode(charset, errors="replace")
        except LookupError:
            return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.content)

    @property
    def links(self) -> dict[str, dict[str, str]]:
        header = self.headers.get("Link")
        if not header:
            return {}
        from requests.utils import parse_header_links

        out: dict[str, dict[str, str]] = {}
        for link in parse_header_links(header):
            key = link.get("rel") or link.get("url")
            if key is not None:
                out[key] = link
        return out

    def iter_content(self, chunk_size: int = 1 << 16) -> Iterator[bytes]:
        try:
            yield from self.raw.stream(chunk_size, decode_content=True)
        except Exception as exc:
            raise _translated(exc) from None

    def close(self) -> None:
        self.raw.close()
        self.raw.release_conn()  # a closed connection goes back; the pool reopens it

    def __enter__(self) -> Reply:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _translated(exc: Exception) -> Exception:
    import urllib3

    return _as_requests_error(exc) if isinstance(exc, urllib3.exceptions.HTTPError) else exc


if TYPE_CHECKING:
    # What the package index readers take: a requests session or a Client.
    Session: TypeAlias = requests.Session | Client
    Response: TypeAlias = requests.Response | Reply


@dataclass
class EtagCache:
    """URL -> (ETag, JSON body). Saved atomically to ``path`` when one is given."""

    path: Path | None = None
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    dirty: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def load(cls, path: Path | None, warn: Callable[[str], None] | None = None) -> EtagCache:
        """The cache saved at ``path``. A damaged one (not JSON, too big or deep, entries of
        the wrong shape) only costs full requests: what is damaged is discarded, and
        ``warn`` is told."""
        from woaport.bounded import read_json
        from woaport.limits import MAX_CACHE_BYTES

        cache = cls(path=path)
        if not path or not path.is_file():
            return cache
        where = f"ETag cache {path}"
        try:
            data = read_json(path, where, max_bytes=MAX_CACHE_BYTES)
        except WoaportError as exc:
            if warn is not None:
                warn(f"warning: {exc.message}; discarded (it only saves requests)")
            return cache
        if not isinstance(data, dict):
            if warn is not None:
                warn(f"warning: {where}: not a table of entries; discarded")
            return cache
        cache.entries = {url: entry for url, entry in data.items() if cache_entry_ok(entry)}
        dropped = len(data) - len(cache.entries)
        if dropped and warn is not None:
            warn(f"warning: {where}: {dropped} damaged entries discarded")
        return cache

    def put(
        self,
        url: str,
        etag: str,
        body: Any,
        next_link: str | None = None,
        *,
        shape: str | None = None,
    ) -> None:
        """``shape``: what of the answer the body keeps (:class:`woaport.github.Keep`)."""
        entry = {"etag": etag, "body": body, "next": next_link}
        if shape is not None:
            entry["shape"] = shape
        with self._lock:
            self.entries[url] = entry
            self.dirty = True

    def save(self) -> None:
        if not self.path or not self.dirty:
            return
        with self._lock:
            data = json.dumps(self.entries).encode()
            self.dirty = False
        write_atomic(self.path, data)


def cache_entry_ok(entry: Any) -> bool:
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("etag"), str)
        and "body" in entry
        and isinstance(entry.get("next"), str | None)
        and isinstance(entry.get("shape"), str | None)
    )


def get(
    session: Session,
    url: str,
    *,
    policy: HttpPolicy | None = None,
    **kwargs: Any,
) -> Response:
    """GET with the session's retries; a failure after them is one clear Unreachable."""
    import requests

    policy = policy or DEFAULT_POLICY
    try:
        return session.get(url, timeout=policy.timeout, **kwargs)
    except requests.RequestException as exc:
        raise Unreachable(
            f"{url}: request failed ({reason(exc)}); check the URL and network"
        ) from None


def reason(exc: BaseException) -> str:
    """One line saying why a request failed (urllib3's cause, when retries ran out)."""
    text = str(exc)
    if "Max retries exceeded" in text:
        inner = exc.args[0] if exc.args else None
        cause = getattr(inner, "reason", None)
        if cause is not None:
            return f"gave up after retries: {cause}"
    return text.splitlines()[0] if text else type(exc).__name__


def download(
    session: Session,
    url: str,
    target: Path,
    *,
    sha256: str | None,
    max_bytes: int = MAX_DOWNLOAD,
    progress: Progress | None = None,
    headers: dict[str, str] | None = None,
) -> Path:
    """Stream ``url`` to ``target`` (reused when it exists and matches ``sha256``)."""
    if target.is_file() and sha256 and sha256_file(target) == sha256:
        return target
    response = get(session, url, stream=True, headers=headers or {})
    if response.status_code != 200:
        response.close()
        raise Unreachable(f"{url}: HTTP {response.status_code} while downloading")
    return stream_to(
        response, target, label=url, max_bytes=max_bytes, sha256=sha256, progress=progress
    )


def read_capped(
    response: Response,
    *,
    label: str,
    max_bytes: int,
    error: type[Unreachable] = Unreachable,
    too_big: type[WoaportError] = BadInput,
) -> bytes:
    """A small response's body in memory (a JSON document, an index page), under the same
    rules as :func:`stream_to`: over ``max_bytes`` is ``too_big`` (BadInput for a file
    someone asked for; Unreachable for a source that should never send that much), a broken
    or short body ``error``."""
    import requests

    with response:
        declared = response.headers.get("Content-Length")
        total = int(declared) if declared and declared.isdigit() else None
        if total is not None and total > max_bytes:
            raise too_big(f"{label}: {total:,} bytes is over the {max_bytes:,}-byte cap")
        blocks: list[bytes] = []
        size = 0
        try:
            for block in response.iter_content(1 << 16):
                size += len(block)
                if size > max_bytes:
                    raise too_big(f"{label}: more than the {max_bytes:,}-byte cap; refusing")
                blocks.append(block)
        except requests.RequestException as exc:
            raise error(f"{label}: download interrupted ({reason(exc)})") from None
        if total is not None and size != total:
            raise error(f"{label}: got {size:,} of {total:,} bytes; download truncated")
    return b"".join(blocks)


def stream_to(
    response: Response,
    target: Path,
    *,
    label: str,
    max_bytes: int,
    sha256: str | None = None,
    progress: Progress | None = None,
    error: type[Unreachable] = Unreachable,
) -> Path:
    """Stream a response's body to ``target`` through a temporary file beside it, renamed
    into place only once complete (and matching ``sha256``, when given); never left behind.

    Over ``max_bytes`` (declared or counted) is refused as BadInput; a broken connection,
    a body shorter than its Content-Length or another sha256 raise ``error``. ``label``
    names the download in messages (pass no URL that carries a credential). ``progress``
    is called after every block with the bytes so far and the declared total.
    """
    import requests

    with response:
        declared = response.headers.get("Content-Length")
        total = int(declared) if declared and declared.isdigit() else None
        if total is not None and total > max_bytes:
            raise BadInput(f"{label}: {total:,} bytes is over the {max_bytes:,}-byte download cap")
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256() if sha256 else None
        size = 0
        fd, tmp_name = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".part"
        )
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                if progress is not None:
                    progress(0, total)
                try:
                    for block in response.iter_content(1 << 16):
                        size += len(block)
                        if size > max_bytes:
                            raise BadInput(
                                f"{label}: more than the {max_bytes:,}-byte download cap; refusing"
                            )
                        if digest:
                            digest.update(block)
                        out.write(block)
                        if progress is not None:
                            progress(size, total)
                except requests.RequestException as exc:
                    raise error(f"{label}: download interrupted ({reason(exc)})") from None
            if total is not None and size != total:
                raise error(f"{label}: got {size:,} of {total:,} bytes; download truncated")
            if digest and digest.hexdigest() != sha256:
                raise Corrupted(
                    f"{label}: sha256 {digest.hexdigest()} does not match the expected {sha256}; "
                    "the file was corrupted or tampered with"
                )
            tmp.replace(target)
        finally:
            tmp.unlink(missing_ok=True)
    return target
