"""Facts woaport proved once and need not prove again: "this exact document passed this
exact schema". Kept as empty marker files in the user cache (WOAPORT_CACHE_DIR), named by a
digest of everything the fact depends on, so a changed document or schema is simply a miss.

A device validates the same contract for item after item; with the marker it skips
importing jsonschema (the largest part of `contract run`'s start-up). Nothing here is
needed: a cache that cannot be read or written is a miss.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from woaport import __version__
from woaport.files import user_cache


def key(*parts: str | bytes) -> str:
    """A digest of ``parts`` (and woaport's version: a new validator is a new fact)."""
    digest = hashlib.sha256(__version__.encode())
    for part in parts:
        data = part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def _marker(kind: str, digest: str) -> Path:
    return user_cache() / "memo" / kind / digest


def known(kind: str, digest: str) -> bool:
    if os.environ.get("WOAPORT_NO_MEMO"):
        return False
    try:
        return _marker(kind, digest).is_file()
    except OSError:
        return False


def remember(kind: str, digest: str) -> None:
    if os.environ.get("WOAPORT_NO_MEMO"):
        return
    marker = _marker(kind, digest)
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
    except OSError:
        pass
