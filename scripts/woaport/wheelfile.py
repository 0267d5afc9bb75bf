"""Reading a wheel safely: its name, its members, its WHEEL and RECORD files.

Everything that makes a file unreadable as a wheel (not a zip, truncated, a member that
escapes the install directory, a zip bomb, an ambiguous or encrypted member, sizes the
archive cannot hold) raises :class:`InvalidWheel` with a one-line message naming the file.
What makes a readable wheel *wrong* is the inspector's job.

The limits on untrusted archives are here, in one place (the README's inspect section names
them): sizes a member declares are checked against what the archive can hold before any
buffer is made, and no buffer is ever sized by a declaration alone.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import re
import struct
import threading
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from packaging.tags import Tag
from packaging.utils import InvalidWheelFilename, parse_wheel_filename

from woaport.errors import InvalidWheel
from woaport.limits import (
    MAX_WHEEL_BYTES,
    MAX_WHEEL_MEMBER_BYTES,
    MAX_WHEEL_METADATA_BYTES,
    MAX_WHEEL_RATIO,
)

CHUNK = 1 << 18
# The ratio limit applies to members larger than this (woaport.limits.MAX_WHEEL_RATIO).
RATIO_APPLIES_ABOVE = 8 << 20
# DEFLATE's best case is 258 bytes from one length/distance pair of at least 2 bits, so no
# stream expands by more than 1032:1 (RFC 1951, section 3.2.5); a larger claim is a lie.
MAX_DEFLATE_RATIO = 1032
# ZIP general purpose bit 0: the member is encrypted (APPNOTE.TXT 4.4.4). Wheels never are,
# and zipfile cannot read one without a password.
_ENCRYPTED = 0x1
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
    except UnicodeDecodeError as exc:
        # A member flagged UTF-8 (general purpose bit 11) whose name is not UTF-8.
        raise InvalidWheel(
            f"{path}: a member name is not valid UTF-8 ({exc.reason} at byte {exc.start}); "
            "the archive is damaged or crafted, download or build it again"
        ) from None
    except OSError as exc:
        raise InvalidWheel(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except (
        ValueError,
        EOFError,
        IndexError,
        OverflowError,
        struct.error,
        NotImplementedError,
    ) as exc:
        # zipfile's central-directory parser lets these through on malformed records
        # (NotImplementedError: a record needing a newer zip version than zipfile reads).
        raise InvalidWheel(
            f"{path}: not a readable zip archive ({type(exc).__name__}: {exc}); "
            "download or build it again"
        ) from None
    return zf


def checked_members(zf: zipfile.ZipFile, path: Path) -> list[zipfile.ZipInfo]:
    """The file members (directories dropped), after refusing unsafe paths, ambiguous,
    encrypted and impossible members, and zip bombs."""
    members = []
    total = 0
    seen: set[str] = set()
    archive_size = path.stat().st_size
    for info in zf.infolist():
        if not info.filename:
            raise InvalidWheel(
                f"{path}: a member has an empty name; refusing a damaged or crafted archive"
            )
        reason = _unsafe_reason(info.filename)
        if reason:
            raise InvalidWheel(
                f"{path}: member {info.filename!r} {reason}; refusing a wheel that would "
                "write outside its install directory"
            )
        if info.filename in seen:
            # Which copy ends up installed depends on the installer's zip reader (pip
            # extracts every entry in turn, so the last wins), so inspecting one proves nothing.
            # PyPI refuses such uploads: https://blog.pypi.org/posts/2025-08-07-wheel-archive-confusion-attacks/
            raise InvalidWheel(
                f"{path}: member {info.filename!r} appears more than once; installers disagree "
                "on which copy they write, so the wheel is refused (rebuild it)"
            )
        seen.add(info.filename)
        if info.flag_bits & _ENCRYPTED:
            raise InvalidWheel(
                f"{path}: member {info.filename!r} is encrypted; no installer can read it, "
                "rebuild the wheel without encryption"
            )
        _check_declared_sizes(path, info, archive_size)
        if info.is_dir():
            continue
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_WHEEL_MEMBER_BYTES or (
            info.file_size > RATIO_APPLIES_ABOVE and ratio > MAX_WHEEL_RATIO
        ):
            raise InvalidWheel(
                f"{path}: member {info.filename!r} claims {info.file_size:,} bytes from "
                f"{info.compress_size:,} compressed (ratio {ratio:.0f}); refusing a likely zip bomb"
            )
        if total > MAX_WHEEL_BYTES:
            raise InvalidWheel(
                f"{path}: members add up to more than {MAX_WHEEL_BYTES >> 30} GiB uncompressed; "
                "refusing a likely zip bomb"
            )
        members.append(info)
    return members


def _check_declared_sizes(path: Path, info: zipfile.ZipInfo, archive_size: int) -> None:
    """Refuse sizes the archive cannot hold: more compressed bytes than the file has, a
    stored member whose two sizes differ, a DEFLATE member claiming more than 1032:1."""
    impossible = None
    if info.compress_size > archive_size:
        impossible = f"{info.compress_size:,} compressed bytes in a {archive_size:,}-byte file"
    elif info.compress_type == zipfile.ZIP_STORED and info.file_size != info.compress_size:
        impossible = (
            f"{info.file_size:,} bytes stored in {info.compress_size:,} (stored members are "
            "not compressed)"
        )
    elif (
        info.compress_type == zipfile.ZIP_DEFLATED
        and info.file_size > info.compress_size * MAX_DEFLATE_RATIO + CHUNK
    ):
        impossible = (
            f"{info.file_size:,} bytes from {info.compress_size:,} deflated (more than "
            f"DEFLATE's {MAX_DEFLATE_RATIO}:1)"
        )
    if impossible:
        raise InvalidWheel(
            f"{path}: member {info.filename!r} declares {impossible}; the archive is damaged "
            "or crafted, download or build it again"
        )


def _corrupt(path: Path, name: str, exc: BaseException) -> InvalidWheel:
    return InvalidWheel(
        f"{path}: member {name!r} is corrupt ({str(exc) or type(exc).__name__}); "
        "the archive is damaged, download or build it again"
    )


# What zipfile raises on damaged member data (RuntimeError: an encrypted member).
_READ_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    NotImplementedError,
    RuntimeError,
    ValueError,
)


def read_member(zf: zipfile.ZipFile, path: Path, info: zipfile.ZipInfo) -> bytes:
    try:
        data = zf.read(info)
    except _READ_ERRORS as exc:
        raise _corrupt(path, info.filename, exc) from None
    _check_size(path, info, len(data))
    return data


def _check_size(path: Path, info: zipfile.ZipInfo, size: int) -> None:
    """zipfile checks a deflated member's CRC but not its length: a member that ends before
    its declared size reads without complaint, and other zip readers may not agree."""
    if size != info.file_size:
        raise InvalidWheel(
            f"{path}: member {info.filename!r} is corrupt (it declares {info.file_size:,} "
            f"bytes and holds {size:,}); the archive is damaged, download or build it again"
        )


def read_record(
    zf: zipfile.ZipFile, path: Path, info: zipfile.ZipInfo
) -> tuple[bytes, dict[str, RecordEntry]]:
    """A wheel's RECORD: its bytes and its rows, or :class:`InvalidWheel` naming the file."""
    data = read_metadata(zf, path, info)
    try:
        return data, parse_record(data.decode("utf-8", "replace"))
    except csv.Error as exc:
        raise InvalidWheel(
            f"{path}: {info.filename} is not readable as CSV ({exc}); rebuild the wheel"
        ) from None


def read_metadata(zf: zipfile.ZipFile, path: Path, info: zipfile.ZipInfo) -> bytes:
    """A .dist-info file read whole (WHEEL, RECORD), refused beyond MAX_WHEEL_METADATA_BYTES."""
    if info.file_size > MAX_WHEEL_METADATA_BYTES:
        raise InvalidWheel(
            f"{path}: {info.filename} is {info.file_size:,} bytes (the limit is "
            f"{MAX_WHEEL_METADATA_BYTES >> 20} MiB); refusing a crafted wheel"
        )
    return read_member(zf, path, info)


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

    A kept member is read into one buffer, preallocated to its declared size only as far as
    its compressed size makes plausible (zipfile never reads past the declared size), so
    keeping costs the member's size about once and a lying header costs nothing. With a
    ``budget`` (charged the declared size, which :func:`checked_members` has bounded), the
    caller must ``budget.release(info.file_size)`` once done with a returned buffer; when
    reading fails, the charge is released here.
    """
    hasher = hashlib.new(algorithm)
    buffer: bytearray | None = None
    held = False
    size = 0
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(CHUNK):
                if size == 0 and keep(chunk):
                    if budget is not None:
                        budget.acquire(info.file_size)
                        held = True
                    buffer = bytearray(min(info.file_size, info.compress_size * 4 + CHUNK))
                hasher.update(chunk)
                if buffer is not None:
                    buffer[size : size + len(chunk)] = chunk  # grows past the preallocation
                size += len(chunk)
    except BaseException as exc:
        if held and budget is not None:
            budget.release(info.file_size)  # or every other holder waits for ever
        if isinstance(exc, _READ_ERRORS):
            raise _corrupt(path, info.filename, exc) from None
        raise
    if buffer is not None and budget is not None and size != info.file_size:
        budget.release(info.file_size)
    _check_size(path, info, size)
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
