"""The backlog's source: the most downloaded projects on PyPI, from hugovk's
top-pypi-packages (https://hugovk.dev/top-pypi-packages/, refreshed monthly; fields
``last_update`` and ``rows[].project`` / ``rows[].download_count``, downloads over 30 days).

The controller asks for it conditionally (its ETag is kept in the controller's cache) and
falls back to the snapshot committed in ``inventory/top-pypi-packages.min.json`` when the
site cannot be reached, so the hub works without it and tests run offline. The snapshot is
the first 5,000 rows of ``top-pypi-packages.min.json`` at
https://github.com/hugovk/top-pypi-packages/blob/5501c5c934df26d6f01fb1ca810845db02111c7d/top-pypi-packages.min.json
(``last_update`` 2026-04-01 06:34:06).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from packaging.utils import canonicalize_name

from woaport.bounded import load_json, read_json
from woaport.errors import InvalidDocument, Unreachable
from woaport.http import EtagCache, get
from woaport.limits import MAX_TOP_LIST_BYTES, MAX_TOP_LIST_ROWS
from woaport.safepath import project_name_problem

if TYPE_CHECKING:
    from woaport.http import Session

TOP_URL = "https://hugovk.dev/top-pypi-packages/top-pypi-packages.min.json"
SNAPSHOT_NAME = "top-pypi-packages.min.json"
DEFAULT_COUNT = 1000
MAX_ROWS = MAX_TOP_LIST_ROWS  # the dataset has 15,000; anything far larger is not it
MAX_BYTES = MAX_TOP_LIST_BYTES
# PEP 508 names (https://packaging.python.org/en/latest/specifications/name-normalization/)


@dataclass(frozen=True, kw_only=True)
class TopPackage:
    name: str
    downloads: int
    rank: int

    @property
    def key(self) -> str:
        return str(canonicalize_name(self.name))


@dataclass(frozen=True, kw_only=True)
class TopList:
    source: str
    last_update: str | None
    packages: tuple[TopPackage, ...]


def parse(data: Any, where: str, count: int) -> TopList:
    """The first ``count`` rows of a top-pypi-packages document, checked (bounded)."""
    if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
        raise InvalidDocument(f"{where}: not a top-pypi-packages document (no 'rows' list)")
    rows = data["rows"]
    if len(rows) > MAX_ROWS:
        raise InvalidDocument(f"{where}: {len(rows):,} rows is over the {MAX_ROWS:,} expected")
    packages: list[TopPackage] = []
    seen: set[str] = set()
    for i, row in enumerate(rows):
        if len(packages) >= count:
            break
        if not isinstance(row, dict):
            raise InvalidDocument(f"{where}: rows.{i}: not an object")
        name, downloads = row.get("project"), row.get("download_count")
        if not isinstance(name, str) or project_name_problem(name) is not None:
            raise InvalidDocument(f"{where}: rows.{i}.project: {name!r} is not a project name")
        if not isinstance(downloads, int) or downloads < 0:
            raise InvalidDocument(f"{where}: rows.{i}.download_count: {downloads!r}")
        package = TopPackage(name=name, downloads=downloads, rank=len(packages) + 1)
        if package.key in seen:
            continue
        seen.add(package.key)
        packages.append(package)
    last_update = data.get("last_update")
    return TopList(
        source=where,
        last_update=last_update if isinstance(last_update, str) else None,
        packages=tuple(packages),
    )


def load_snapshot(path: Path, count: int) -> TopList:
    if not path.is_file():
        raise InvalidDocument(
            f"{path}: no top-pypi-packages snapshot; restore it from git or pass --top 0"
        )
    data = read_json(path, f"{path} (restore it from git)", max_bytes=MAX_TOP_LIST_BYTES)
    return parse(data, str(path.name), count)


def fetch(session: Session, url: str, cache: EtagCache, count: int) -> TopList:
    """The list at ``url``, conditionally: a 304 is answered from the cache."""
    cached = cache.entries.get(url)
    headers = {"If-None-Match": cached["etag"]} if cached else {}
    response = get(session, url, headers=headers)
    if response.status_code == 304 and cached:
        return parse(cached["body"], url, count)
    if response.status_code != 200:
        raise Unreachable(f"{url}: HTTP {response.status_code}")
    if len(response.content) > MAX_BYTES:
        raise InvalidDocument(f"{url}: over {MAX_BYTES:,} bytes; not the top-pypi-packages list")
    data = load_json(response.content, url, max_bytes=MAX_TOP_LIST_BYTES)
    top = parse(data, url, count)
    etag = response.headers.get("ETag")
    if etag:
        # Keep what parse reads, not the statistics around it.
        cache.put(url, etag, {"last_update": data.get("last_update"), "rows": data["rows"]})
    return top


def top_list(
    session: Session,
    url: str | None,
    snapshot: Path,
    cache: EtagCache,
    count: int,
    progress: Callable[[str], None] = lambda _: None,
) -> TopList:
    """The live list when ``url`` answers, else the committed snapshot (said in progress)."""
    if count <= 0:
        return TopList(source="none", last_update=None, packages=())
    if url is not None:
        try:
            return fetch(session, url, cache, count)
        except (Unreachable, InvalidDocument) as exc:
            progress(f"top-pypi-packages: {exc.message}; using the committed snapshot")
    return load_snapshot(snapshot, count)
