"""Reading a wheel safely: its name, its members, its WHEEL and RECORD files.

Everything that makes a file unreadable as a wheel (not a zip, truncated, a member that
escapes the install directory, a zip bomb) raises :class:`InvalidWheel` with a one-line
message naming the file. What makes a readable wheel *wrong* is the inspector's job.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import re
import threading
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from packaging.tags import Tag
from packaging.utils import InvalidWheelFilename, parse_wheel_filename

from woaport.errors import InvalidWheel

CHUNK = 1 << 18
# A member larger than this is not something any real wheel ships (torch's largest DLL is ~1 GiB).
MAX_MEMBER_SIZE = 4 << 30
MAX_TOTAL_SIZE = 16 << 30
# Compression ratios real payloads reach are < 20; zero-filled bombs reach ~1000.
MAX_RATIO = 200
RATIO_APPLIES_ABOVE = 8 << 20
# Members that RECORD does not (and cannot) list.
UNLISTED_OK = ("RECORD", "RECORD.jws", "RECORD.p7s")

_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True, kw_only=True)
class WheelName:
    filename: str
    name: str
    version: str
    tags: frozenset[Tag]

    @property
    def platforms(self) -> frozenset[str]:
        return frozenset(t.platform for t in self.tags)

    @property
    def is_pure(self) -> bool:
        return self.platforms == {"any"}

    @property
    def is_windows(self) -> bool:
        return any(p in ("win32", "win_amd64", "win_arm64") for p in self.platforms)


def parse_wheel_name(path: Path) -> WheelName:
    try:
        name, version, _build, tags = parse_wheel_filename(path.name)
    except InvalidWheelFilename as exc:
        raise InvalidWheel(
            f"{path}: not a valid wheel file name ({exc}); expected "
            "NAME-VERSION(-BUILD)?-PYTHON-ABI-PLATFORM.whl"
        ) from None
    return WheelName(filename=path.name, name=name, version=str(version), tags=tags)


@dataclass(frozen=True, kw_only=True)
class RecordEntry:
    algorithm: str | None
    digest: str | None
    size: int | None


def _unsafe_reason(name: str) -> str | None:
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return "is an absolute path"
    if ".." in re.split(r"[\\/]", name):
        return "contains '..'"
    if "\x00" in name:
        return "contains a NUL byte"
    return None


def open_wheel(path: Path) -> zipfile.ZipFile:
    if not path.is_file():
        raise InvalidWheel(f"{path}: no such file; pass the path of a .whl file")
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise InvalidWheel(
            f"{path}: not a zip archive (truncated or not a wheel); download or build it again"
        ) from None
    except OSError as exc:
        raise InvalidWheel(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return zf


def checked_members(zf: zipfile.ZipFile, path: Path) -> list[zipfile.ZipInfo]:
    """The file members (directories dropped), after refusing unsafe paths and zip bombs."""
    members = []
    total = 0
    for info in zf.infolist():
        reason = _unsafe_reason(info.filename)
        if reason:
            raise InvalidWheel(
                f"{path}: member {info.filename!r} {reason}; refusing a wheel that would "
                "write outside its install directory"
            )
        if info.is_dir():
            continue
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_MEMBER_SIZE or (
            info.file_size > RATIO_APPLIES_ABOVE and ratio > MAX_RATIO
        ):
            raise InvalidWheel(
                f"{path}: member {info.filename!r} claims {info.file_size:,} bytes from "
                f"{info.compress_size:,} compressed (ratio {ratio:.0f}); refusing a likely zip bomb"
            )
        if total > MAX_TOTAL_SIZE:
            raise InvalidWheel(
                f"{path}: members add up to more than {MAX_TOTAL_SIZE >> 30} GiB uncompressed; "
                "refusing a likely zip bomb"
            )
        members.append(info)
    return members


def _corrupt(path: Path, name: str, exc: BaseException) -> InvalidWheel:
    return InvalidWheel(
        f"{path}: member {name!r} is corrupt ({exc or type(exc).__name__}); "
        "the archive is damaged, download or build it again"
    )


def read_member(zf: zipfile.ZipFile, path: Path, info: zipfile.ZipInfo) -> bytes:
    try:
        return zf.read(info)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise _corrupt(path, info.filename, exc) from None


def b64_digest(digest: bytes) -> str:
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass(frozen=True, kw_only=True, slots=True)
class MemberDigest:
    name: str
    size: int
    algorithm: str
    digest: str


class MemoryBudget:
    """Bytes that threads may hold at once; one holder may always exceed it alone, so a
    single member larger than the budget still goes through (and nothing deadlocks)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.in_use = 0
        self._cond = threading.Condition()

    def acquire(self, size: int) -> None:
        with self._cond:
            while self.in_use and self.in_use + size > self.limit:
                self._cond.wait()
            self.in_use += size

    def release(self, size: int) -> None:
        with self._cond:
            self.in_use -= size
            self._cond.notify_all()


def stream_member(
    zf: zipfile.ZipFile,
    path: Path,
    info: zipfile.ZipInfo,
    *,
    algorithm: str,
    keep: Callable[[bytes], bool],
    budget: MemoryBudget | None = None,
) -> tuple[MemberDigest, bytearray | None]:
    """Decompress a member once, hashing it; return its bytes too when ``keep(first_chunk)``.

    A kept member is read into one buffer of its declared size (zipfile refuses to read past
    it), so keeping costs the member's size once, never twice. With a ``budget``, the caller
    must ``budget.release(len(buffer))`` once done with a returned buffer.
    """
    hasher = hashlib.new(algorithm)
    buffer: bytearray | None = None
    size = 0
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(CHUNK):
                if size == 0 and keep(chunk):
                    if budget is not None:
                        budget.acquire(info.file_size)
                    buffer = bytearray(info.file_size)
                hasher.update(chunk)
                if buffer is not None:
                    buffer[size : size + len(chunk)] = chunk
                size += len(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise _corrupt(path, info.filename, exc) from None
    digest = MemberDigest(
        name=info.filename, size=size, algorithm=algorithm, digest=b64_digest(hasher.digest())
    )
    return digest, buffer


def parse_record(text: str) -> dict[str, RecordEntry]:
    """RECORD rows by path; CRLF-safe (csv handles the line endings)."""
    entries: dict[str, RecordEntry] = {}
    for row in csv.reader(io.StringIO(text, newline="")):
        if not row or not row[0]:
            continue
        path = row[0]
        hash_field = row[1] if len(row) > 1 else ""
        size_field = row[2] if len(row) > 2 else ""
        algorithm, _, digest = hash_field.partition("=")
        try:
            size = int(size_field) if size_field else None
        except ValueError:
            size = -1
        entries[path] = RecordEntry(algorithm=algorithm or None, digest=digest or None, size=size)
    return entries


def parse_wheel_metadata(text: str) -> list[str]:
    """The ``Tag:`` values of a ``.dist-info/WHEEL`` file, in order.

    WHEEL is a flat ``Key: value`` file (no folded lines), so a line split is the whole
    parser; it keeps the ``email`` package (and its import cost) out of every inspection.
    """
    tags = []
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip().lower() == "tag":
            tags.append(value.strip())
    return tags


def dist_info_dirs(names: list[str]) -> list[str]:
    found = {n.partition("/")[0] for n in names if "/" in n}
    return sorted(d for d in found if d.endswith(".dist-info"))
