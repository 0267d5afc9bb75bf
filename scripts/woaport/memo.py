"""Facts woaport proved once and need not prove again: "this exact document passed this
exact schema". Kept as empty marker files in the user cache (WOAPORT_CACHE_DIR), named by a
digest of everything the fact depends on (the caller's `documents.base.digest` of it, with
woaport's version), so a changed document, schema or validator is simply a miss.

A device validates the same contract for item after item; with the marker it skips
importing jsonschema (the largest part of `contract run`'s start-up). Nothing here is
needed: a cache that cannot be read or written is a miss.
"""

from __future__ import annotations

import os
from pathlib import Path

from woaport.files import user_cache


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
