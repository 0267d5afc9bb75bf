"""Small file and time helpers every stage shares: atomic writes, digests, timestamps."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path


def user_cache(explicit: Path | None = None) -> Path:
    """woaport's cache folder: ``explicit`` (a --cache-dir), else WOAPORT_CACHE_DIR, else the
    platform's user cache folder (``~/.cache/woaport``, ``%LOCALAPPDATA%\\woaport\\Cache``)."""
    if explicit is not None:
        return explicit
    if os.environ.get("WOAPORT_CACHE_DIR"):
        return Path(os.environ["WOAPORT_CACHE_DIR"])
    import platformdirs

    return platformdirs.user_cache_path("woaport")


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``path`` so that readers see the old or the new content, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def utc_now() -> str:
    """Now, as ISO 8601 UTC to the second (``2026-11-21T21:09:51Z``): every timestamp woaport
    writes looks like this."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def parse_utc(text: str | None) -> dt.datetime | None:
    """The inverse of :func:`utc_now` (None for None or an unreadable value)."""
    if not text:
        return None
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
