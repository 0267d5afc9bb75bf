"""The dependency graph: what each release requires on Windows on Arm, and who waits on whom.

Requires-Dist comes from a wheel's core metadata: the PEP 658 ``<file URL>.metadata``
file (https://peps.python.org/pep-0658/: "the metadata file is served at the distribution
URL with ``.metadata`` appended"), one small download per release, remembered by the
wheel's sha256 (a file's metadata never changes). An index that does not serve it (404) is
read the way pip's ``fast-deps`` reads wheels: HTTP range requests for the zip's central
directory and its ``*.dist-info/METADATA`` member only (RFC 9110 section 14).

Requirements are evaluated with PEP 508 environment markers
(https://packaging.python.org/en/latest/specifications/dependency-specifiers/#environment-markers)
for CPython on Windows on Arm: ``platform_machine`` is ``ARM64`` there (``platform.machine()``
returns the ``PROCESSOR_ARCHITECTURE`` value), ``sys_platform`` ``win32``,
``platform_system`` ``Windows``, ``os_name`` ``nt``; for each supported Python. A
requirement counts when its marker holds for any of them; extras do not count.
"""

from __future__ import annotations

import functools
import io
import zipfile
from collections.abc import Iterable, Mapping
from email.parser import HeaderParser
from typing import TYPE_CHECKING, Any

from packaging.markers import InvalidMarker, UndefinedComparison, UndefinedEnvironmentName
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from woaport.errors import Unreachable
from woaport.http import get
from woaport.index import IndexFile
from woaport.limits import MAX_METADATA_BYTES, MAX_REQUIREMENTS

if TYPE_CHECKING:
    from woaport.http import Session

PYTHONS = ("3.11", "3.12", "3.13", "3.14", "3.15")
MAX_METADATA = MAX_METADATA_BYTES  # bytes of METADATA read; real ones are a few kB
MAX_RANGE_BYTES = 16 << 20  # what the range reader may fetch of one wheel
BLOCK = 64 << 10


def environment(python: str) -> dict[str, str]:
    """PEP 508 marker variables for CPython ``python`` on Windows on Arm (win_arm64)."""
    return {
        "implementation_name": "cpython",
        "implementation_version": f"{python}.0",
        "os_name": "nt",
        "platform_machine": "ARM64",
        "platform_python_implementation": "CPython",
        "platform_release": "11",
        "platform_system": "Windows",
        "platform_version": "10.0.26100",
        "python_full_version": f"{python}.0",
        "python_version": python,
        "sys_platform": "win32",
        "extra": "",
    }


ENVIRONMENTS = tuple(environment(p) for p in PYTHONS)


def requires_dist(metadata: bytes) -> list[str]:
    """The Requires-Dist lines of a core metadata file (bounded)."""
    text = metadata[:MAX_METADATA].decode("utf-8", errors="replace")
    headers = HeaderParser().parsestr(text, headersonly=True)
    return [str(v) for v in (headers.get_all("Requires-Dist") or [])][:MAX_REQUIREMENTS]


def required_on_win_arm64(lines: Iterable[str], own: str = "") -> tuple[str, ...]:
    """Canonical names of the requirements whose marker holds on Windows on Arm for a
    supported Python (not behind an extra). Lines that do not parse are left out."""
    names = {name for name in map(_required, lines) if name is not None}
    names.discard(own)
    return tuple(sorted(names))


@functools.lru_cache(maxsize=65536)
def _required(line: str) -> str | None:
    """The canonical name a Requires-Dist line requires on Windows on Arm, or None.
    Remembered per line: the same lines recur across thousands of packages."""
    try:
        requirement = Requirement(line)
    except InvalidRequirement:
        return None
    marker = requirement.marker
    try:
        if marker is not None and not any(marker.evaluate(dict(e)) for e in ENVIRONMENTS):
            return None
    except (InvalidMarker, UndefinedComparison, UndefinedEnvironmentName):
        return None
    return str(canonicalize_name(requirement.name))


def fetch_requires_dist(session: Session, file: IndexFile) -> list[str] | None:
    """Requires-Dist of one wheel: PEP 658 first, range requests when the index has no
    ``.metadata`` file; None when neither works (the graph then has no edges from it)."""
    response = get(session, file.url + ".metadata")
    if response.status_code == 200:
        return requires_dist(response.content)
    if response.status_code not in (403, 404):
        raise Unreachable(f"{file.url}.metadata: HTTP {response.status_code}")
    return _requires_by_ranges(session, file)


class _NoRanges(Exception):
    """The file host ignores Range: reading the metadata would mean the whole wheel."""


class _RangeReader(io.RawIOBase):
    """A seekable view of a remote file that fetches only the blocks read (bounded)."""

    def __init__(self, session: Session, url: str, size: int) -> None:
        self.session, self.url, self.size = session, url, size
        self.pos = 0
        self.blocks: dict[int, bytes] = {}
        self.fetched = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.pos, io.SEEK_END: self.size}[whence]
        self.pos = max(0, base + offset)
        return self.pos

    def _block(self, index: int) -> bytes:
        if index not in self.blocks:
            start = index * BLOCK
            end = min(self.size, start + BLOCK) - 1
            self.fetched += end - start + 1
            if self.fetched > MAX_RANGE_BYTES:
                raise Unreachable(f"{self.url}: more than {MAX_RANGE_BYTES:,} bytes of ranges")
            response = get(
                self.session, self.url, headers={"Range": f"bytes={start}-{end}"}, stream=True
            )
            with response:
                if response.status_code == 200:
                    raise _NoRanges  # the host sends whole files only: not read here
                if response.status_code != 206:
                    raise Unreachable(f"{self.url}: HTTP {response.status_code} for a range")
                content = response.raw.read(end - start + 2, decode_content=True)
            if len(content) != end - start + 1:
                raise Unreachable(f"{self.url}: a range answer of the wrong length")
            self.blocks[index] = content
        return self.blocks[index]

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        wanted = min(len(view), self.size - self.pos)
        done = 0
        while done < wanted:
            index, offset = divmod(self.pos, BLOCK)
            chunk = self._block(index)[offset : offset + wanted - done]
            view[done : done + len(chunk)] = chunk
            done += len(chunk)
            self.pos += len(chunk)
        return done


def _requires_by_ranges(session: Session, file: IndexFile) -> list[str] | None:
    size = file.size  # PEP 700: the JSON index says it; a PEP 503 page does not
    if not size:
        return None
    reader = _RangeReader(session, file.url, size)
    try:
        with zipfile.ZipFile(io.BufferedReader(reader, BLOCK)) as wheel:
            names = [
                n
                for n in wheel.namelist()
                if n.count("/") == 1 and n.endswith(".dist-info/METADATA")
            ]
            if len(names) != 1:
                return None
            info = wheel.getinfo(names[0])
            if info.file_size > MAX_METADATA:
                return None
            return requires_dist(wheel.read(info))
    except (zipfile.BadZipFile, OSError, EOFError, _NoRanges):
        return None


def waiting_on(graph: Mapping[str, Iterable[str]]) -> dict[str, set[str]]:
    """For each package, every package of the graph that depends on it, directly or not
    (cycles are harmless: a package never waits on itself)."""
    dependents: dict[str, set[str]] = {}
    for package, deps in graph.items():
        for dep in deps:
            dependents.setdefault(dep, set()).add(package)
    out: dict[str, set[str]] = {}
    for package in graph:
        seen: set[str] = set()
        todo = list(dependents.get(package, ()))
        while todo:
            node = todo.pop()
            if node in seen or node == package:
                continue
            seen.add(node)
            todo.extend(dependents.get(node, ()))
        out[package] = seen
    return out
