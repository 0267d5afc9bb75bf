"""HTTP for woaport: one requests session with retries, and streamed, verified downloads.

Retries (urllib3's ``Retry``) cover connection errors and 429/5xx answers, honour
``Retry-After``, and back off exponentially. Downloads go to a temporary file beside the
target and are renamed into place only once their size and sha256 check out, so an
interrupted download never leaves a file that looks complete.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from woaport import __version__
from woaport.errors import BadInput, Corrupted, Unreachable

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

USER_AGENT = f"woaport/{__version__} (+Windows on Arm porting tool)"
TIMEOUT = (10, 60)  # connect, read (between bytes)
MAX_DOWNLOAD = 4 << 30
RETRY_STATUSES = (429, 500, 502, 503, 504)
RETRIES = 5
BACKOFF = 0.5  # seconds; doubles per retry (0.5, 1, 2, 4 ...), capped at 30


@dataclass
class EtagCache:
    """URL -> (ETag, JSON body). Saved atomically to ``path`` when one is given."""

    path: Path | None = None
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    dirty: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def load(cls, path: Path | None) -> EtagCache:
        cache = cls(path=path)
        if path and path.is_file():
            try:
                cache.entries = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                cache.entries = {}  # a damaged cache only costs full requests
        return cache

    def put(self, url: str, etag: str, body: Any, next_link: str | None = None) -> None:
        with self._lock:
            self.entries[url] = {"etag": etag, "body": body, "next": next_link}
            self.dirty = True

    def save(self) -> None:
        if not self.path or not self.dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        with self._lock:
            tmp.write_text(json.dumps(self.entries), encoding="utf-8")
            self.dirty = False
        tmp.replace(self.path)


def make_session(*, retries: int | None = None, backoff: float | None = None) -> requests.Session:
    retries = RETRIES if retries is None else retries
    backoff = BACKOFF if backoff is None else backoff
    session = requests.Session()
    retry = Retry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        backoff_factor=backoff,
        backoff_max=30,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "HEAD"}),
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    return session


def get(session: requests.Session, url: str, **kwargs: object) -> requests.Response:
    """GET with the session's retries; a failure after them is one clear Unreachable."""
    try:
        return session.get(url, timeout=TIMEOUT, **kwargs)  # type: ignore[arg-type]
    except requests.RequestException as exc:
        raise Unreachable(
            f"{url}: request failed ({_reason(exc)}); check the URL and network"
        ) from None


def _reason(exc: BaseException) -> str:
    text = str(exc)
    if "Max retries exceeded" in text:
        inner = exc.args[0] if exc.args else None
        cause = getattr(inner, "reason", None)
        if cause is not None:
            return f"gave up after retries: {cause}"
    return text.splitlines()[0] if text else type(exc).__name__


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def progress_bar(label: str, total: int | None, show: bool) -> ProgressBar[int]:
    """A download progress bar on stderr (``show=False``: a silent one)."""
    return click.progressbar(
        length=total or 0,
        label=label,
        hidden=not show,
        file=sys.stderr,
        show_percent=bool(total),
        width=30,
    )


def download(
    session: requests.Session,
    url: str,
    target: Path,
    *,
    sha256: str | None,
    max_bytes: int = MAX_DOWNLOAD,
    progress: bool = True,
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
        response, target, label=url, max_bytes=max_bytes, sha256=sha256, show_progress=progress
    )


def stream_to(
    response: requests.Response,
    target: Path,
    *,
    label: str,
    max_bytes: int,
    sha256: str | None = None,
    show_progress: bool = False,
    error: type[Unreachable] = Unreachable,
) -> Path:
    """Stream a response's body to ``target`` through a temporary file beside it, renamed
    into place only once complete (and matching ``sha256``, when given); never left behind.

    Over ``max_bytes`` (declared or counted) is refused as BadInput; a broken connection,
    a body shorter than its Content-Length or another sha256 raise ``error``. ``label``
    names the download in messages (pass no URL that carries a credential).
    """
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
            with (
                os.fdopen(fd, "wb") as out,
                progress_bar(target.name, total, show_progress) as bar,
            ):
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
                        bar.update(len(block))
                except requests.RequestException as exc:
                    raise error(f"{label}: download interrupted ({_reason(exc)})") from None
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
