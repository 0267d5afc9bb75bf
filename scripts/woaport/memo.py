"""Facts woaport proved once and need not prove again: "this exact document passed this
exact schema" (an empty marker file), "this exact YAML text reads as this JSON" (the JSON).
Kept in the user cache (WOAPORT_CACHE_DIR), named by a digest of everything the fact
depends on (the caller's `documents.base.digest` of it, with woaport's version), so a
changed document, schema or validator is simply a miss.

A device validates the same contract for item after item; with these it skips importing
PyYAML and jsonschema (the largest part of `contract run`'s start-up). Nothing here is
needed: a cache that cannot be read or written, or holds what does not parse, is a miss.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from woaport.files import user_cache, write_atomic
from woaport.limits import MAX_MEMO_BYTES


def _marker(kind: str, digest: str) -> Path:
    return user_cache() / "memo" / kind / digest


def known(kind: str, digest: str) -> bool:
    """Was the fact under ``digest`` proved (an empty value kept by :func:`remember`)?"""
    return recall(kind, digest) is not None


def remember(kind: str, digest: str) -> None:
    keep(kind, digest, b"")


def recall(kind: str, digest: str) -> bytes | None:
    """The value kept under ``digest``, or None."""
    if os.environ.get("WOAPORT_NO_MEMO"):
        return None
    try:
        with _marker(kind, digest).open("rb") as fh:
            data = fh.read(MAX_MEMO_BYTES + 1)
    except OSError:
        return None
    return data if len(data) <= MAX_MEMO_BYTES else None


def keep(kind: str, digest: str, value: bytes) -> None:
    """Keep ``value`` under ``digest`` (written whole or not at all)."""
    if os.environ.get("WOAPORT_NO_MEMO") or len(value) > MAX_MEMO_BYTES:
        return
    with contextlib.suppress(OSError):
        write_atomic(_marker(kind, digest), value)
