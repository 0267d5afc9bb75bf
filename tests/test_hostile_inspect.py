"""`woaport inspect` on hostile wheels: refused in one line or judged, never a traceback, a
hang or gigabytes (issue 12, items 6, 9, 10, 11 and inspect's tracebacks).

Each input is made here, byte by byte where zipfile would not write it, and `woaport inspect`
runs on it as a real process with memory and CPU limits (tests/hostilekit.py). Hypothesis
then mutates small wheels and PE images in-process: whatever the bytes, the inspector returns
a report or raises InvalidWheel, and the PE parser returns an image or raises CorruptPE.
"""

from __future__ import annotations

import contextlib
import random
import struct
import threading
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hostilekit import assert_handled, assert_refused, run_bounded
from wheelkit import record_line, write_wheel
from woaport.errors import InvalidWheel
from woaport.payload import inspect_wheel, run_parallel
from woaport.pe import MAX_IMPORT_DESCRIPTORS, CorruptPE, parse_pe

TAG = "cp312-cp312-win_arm64"
WHEEL = f"demo-1.0-{TAG}.whl"
DIST_INFO = "demo-1.0.dist-info"
ARM64, AMD64 = 0xAA64, 0x8664
# A smaller ceiling than hostilekit's default: a 300 KB wheel has no business near it.
SMALL_MEMORY = 256 * 1024 * 1024


# --- inputs -------------------------------------------------------------------------------


def minimal_pe(dlls: list[str], *, machine: int = ARM64, repeat: int = 1) -> bytes:
    """A PE32+ DLL with one section holding an import directory that names ``dlls``, each
    descriptor repeated ``repeat`` times (layout: https://learn.microsoft.com/en-us/windows/
    win32/debug/pe-format: DOS header, "PE\\0\\0", COFF header, optional header with 16 data
    directories, section table, then the section's raw data at FileAlignment)."""
    section_rva, raw_at = 0x1000, 0x200
    count = len(dlls) * repeat
    table_size = 20 * (count + 1)
    thunks_rva = section_rva + table_size
    thunks = struct.pack("<QQ", 0x8000000000000001, 0)  # import by ordinal 1, then the end
    names, name_rva = b"", {}
    for dll in dlls:
        name_rva[dll] = section_rva + table_size + len(thunks) + len(names)
        names += dll.encode() + b"\0"
    one = {d: struct.pack("<IIIII", thunks_rva, 0, 0, name_rva[d], thunks_rva) for d in dlls}
    table = b"".join(one[d] * repeat for d in dlls) + b"\0" * 20
    body = table + thunks + names
    raw_size = (len(body) + 0x1FF) & ~0x1FF
    body = body.ljust(raw_size, b"\0")
    dos = bytearray(0x40)
    dos[:2] = b"MZ"
    dos[0x3C:0x40] = struct.pack("<I", 0x40)
    coff = struct.pack("<HHIIIHH", machine, 1, 0, 0, 0, 240, 0x2022)  # DLL | EXECUTABLE | LAA
    image_size = section_rva + ((len(body) + 0xFFF) & ~0xFFF)
    optional = struct.pack(
        "<HBBIIIIIQIIHHHHHHIIIIHHQQQQII",
        0x20B,  # PE32+
        14,
        0,
        0,
        raw_size,
        0,
        0,
        section_rva,
        0x180000000,
        0x1000,
        0x200,
        6,
        0,
        0,
        0,
        6,
        0,
        0,
        image_size,
        raw_at,
        0,
        2,
        0x160,
        0x100000,
        0x1000,
        0x100000,
        0x1000,
        0,
        16,
    )
    directories = [(0, 0)] * 16
    directories[1] = (section_rva, table_size)
    optional += b"".join(struct.pack("<II", *d) for d in directories)
    section = struct.pack(
        "<8sIIIIIIHHI", b".idata", len(body), section_rva, raw_size, raw_at, 0, 0, 0, 0, 0xC0000040
    )
    head = bytes(dos) + b"PE\0\0" + coff + optional + section
    return head.ljust(raw_at, b"\0") + body


def raw_zip(entries: list[dict[str, object]]) -> bytes:
    """A zip written field by field (APPNOTE.TXT 4.3.7 and 4.3.12), so that it can carry
    what zipfile refuses to write: empty or undecodable names, flags, sizes that lie.

    Each entry: ``name`` (bytes), ``data`` (bytes), optional ``method`` (0 stored, 8
    deflated), ``flags``, ``declared`` ((compressed, uncompressed) written in the headers)."""
    out, central = bytearray(), bytearray()
    for entry in entries:
        name, data = entry["name"], entry["data"]
        assert isinstance(name, bytes) and isinstance(data, bytes)
        method = int(entry.get("method", 0))  # type: ignore[call-overload]
        body = zlib.compress(data)[2:-4] if method == 8 else data
        crc = zlib.crc32(data)
        sizes = entry.get("declared") or (len(body), len(data))
        flags = int(entry.get("flags", 0))  # type: ignore[call-overload]
        offset = len(out)
        out += struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, flags, method, 0, 0x21, crc, *sizes, len(name), 0
        )
        out += name + body
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            flags,
            method,
            0,
            0x21,
            crc,
            *sizes,
            len(name),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        central += name
    start = len(out)
    out += central
    out += struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), start, 0
    )
    return bytes(out)


def wheel_meta(extra: dict[str, bytes] | None = None) -> list[dict[str, object]]:
    """WHEEL, the members and a correct RECORD, as raw_zip entries."""
    files = {f"{DIST_INFO}/WHEEL": f"Wheel-Version: 1.0\nTag: {TAG}\n".encode(), **(extra or {})}
    record = "".join(record_line(n, d) + "\n" for n, d in files.items()) + f"{DIST_INFO}/RECORD,,\n"
    files[f"{DIST_INFO}/RECORD"] = record.encode()
    return [{"name": n.encode(), "data": d} for n, d in files.items()]


def small_wheel(tmp_path: Path, members: dict[str, bytes], **kwargs: object) -> Path:
    return write_wheel(tmp_path / WHEEL, members, dist_info=DIST_INFO, tags=[TAG], **kwargs)  # type: ignore[arg-type]


def written(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / WHEEL
    path.write_bytes(data)
    return path


# --- item 6: two members with one name ----------------------------------------------------


@pytest.mark.parametrize("x64_first", [True, False], ids=["x64-copy-first", "x64-copy-last"])
def test_duplicate_member_is_refused(tmp_path: Path, x64_first: bool) -> None:
    """pip (zipfile) writes the last copy, other readers the first: no inspection of one copy
    says anything about what gets installed. Before the fix: `ok` or `machine-mismatch`,
    depending on which thread finished last."""
    arm64, x64 = minimal_pe(["KERNEL32.dll"]), minimal_pe(["KERNEL32.dll"], machine=AMD64)
    copies = [x64, arm64] if x64_first else [arm64, x64]
    entries = wheel_meta({"demo/a.pyd": copies[0]})
    entries.insert(1, {"name": b"demo/a.pyd", "data": copies[1]})
    wheel = written(tmp_path, raw_zip(entries))
    outcome = run_bounded(["inspect", wheel])
    assert_refused(outcome, names=str(wheel))
    assert "'demo/a.pyd' appears more than once" in outcome.err


# --- item 9: a bad CRC on the largest PE member -------------------------------------------


def test_bad_crc_on_the_largest_pe_member_does_not_hang(tmp_path: Path) -> None:
    """The member holding the memory budget fails at its end (zipfile checks the CRC there);
    before the fix its share was never released and the threads waiting on the budget hung
    for ever (here: the 40 s wall clock of run_bounded)."""
    filler = bytes(range(256)) * (8 << 12)  # 8 MiB, stored: quick to write, slow to fake
    members = {"demo/big.pyd": minimal_pe(["KERNEL32.dll"]) + filler}
    members |= {
        f"demo/m{i}.pyd": minimal_pe(["KERNEL32.dll"]) + filler[: 6 << 20] for i in range(4)
    }
    wheel = small_wheel(tmp_path, members, compression=zipfile.ZIP_STORED)
    raw = bytearray(wheel.read_bytes())
    raw[raw.index(b"demo/big.pyd") + 1_000_000] ^= 0xFF  # in the data: only the CRC can tell
    wheel.write_bytes(bytes(raw))
    outcome = run_bounded(["inspect", wheel])
    assert_refused(outcome, names=str(wheel))
    assert "'demo/big.pyd' is corrupt (Bad CRC-32" in outcome.err


def test_the_first_failure_in_order_is_reported_whatever_the_timing() -> None:
    """Two failing items: the one earlier in the list is re-raised, on any thread count.
    Before the fix the first failure *in time* was, so the message depended on timing."""

    def work(item: int) -> int:
        if item == 3:
            time.sleep(0.05)  # fails last in time, first in order
            raise ValueError(item)
        if item == 5:
            raise ValueError(item)
        return item

    seen = set()
    for workers in (1, 2, 4):
        for _ in range(5):
            with pytest.raises(ValueError) as caught:
                run_parallel(work, list(range(40)), workers)
            seen.add(caught.value.args[0])
    assert seen == {3}


def test_inspection_of_a_bad_crc_wheel_finishes_in_process(tmp_path: Path) -> None:
    """The same wheel with four workers, in a thread, so that a hang fails the test."""
    filler = bytes(range(256)) * (4 << 12)
    members = {"demo/big.pyd": minimal_pe(["KERNEL32.dll"]) + filler}
    members |= {
        f"demo/m{i}.pyd": minimal_pe(["KERNEL32.dll"]) + filler[: 3 << 20] for i in range(6)
    }
    wheel = small_wheel(tmp_path, members, compression=zipfile.ZIP_STORED)
    raw = bytearray(wheel.read_bytes())
    raw[raw.index(b"demo/big.pyd") + 500_000] ^= 0xFF
    wheel.write_bytes(bytes(raw))
    errors: list[BaseException] = []

    def run() -> None:
        try:
            inspect_wheel(wheel, workers=4)
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(20)
    assert not thread.is_alive(), "inspect_wheel hung on a corrupt member"
    assert len(errors) == 1 and isinstance(errors[0], InvalidWheel)


# --- item 10: declared sizes are not believed ---------------------------------------------


def _lying_sizes(declared: tuple[int, int], method: int = 0) -> Callable[[], bytes]:
    def make() -> bytes:
        pe = minimal_pe(["KERNEL32.dll"]) + random.Random(0).randbytes(300_000)  # noqa: S311 (filler, not a secret)
        entries = wheel_meta({"demo/a.pyd": pe})  # listed in RECORD, hash and true size
        sizes = declared
        if sizes[0] < 0:  # keep the real compressed size, lie about the other
            body = zlib.compress(pe)[2:-4] if method == 8 else pe
            sizes = (len(body), sizes[1])
        entries[1].update(method=method, declared=sizes)
        return raw_zip(entries)

    return make


LIES = [
    # the 4.2 GB case: a stored member whose headers claim 4 GB each
    ("stored-4GB", _lying_sizes((4_000_000_000, 4_000_000_000)), "compressed bytes in a"),
    ("stored-sizes-differ", _lying_sizes((-1, 700_000_000)), "stored members are not compressed"),
    ("deflate-beyond-1032", _lying_sizes((-1, 3_000_000_000), method=8), "more than DEFLATE"),
    # plausible for DEFLATE (and under the ratio check), but false: read, found short
    ("deflate-plausible-lie", _lying_sizes((-1, 7_000_000), method=8), "is corrupt"),
]


@pytest.mark.parametrize(("case", "make", "says"), LIES, ids=[c[0] for c in LIES])
def test_declared_sizes_are_not_believed(
    tmp_path: Path, case: str, make: Callable[[], bytes], says: str
) -> None:
    """A ~300 KB wheel stays a ~300 KB job. Before the fix a buffer of the declared size was
    made first (4.2 GB for the first case)."""
    wheel = written(tmp_path, make())
    assert wheel.stat().st_size < 400_000
    outcome = run_bounded(["inspect", wheel], memory=SMALL_MEMORY)
    assert_refused(outcome, names=str(wheel))
    assert says in outcome.err
    assert outcome.seconds < 10


# --- item 11: a million import descriptors ------------------------------------------------


def test_a_million_import_descriptors_are_capped(tmp_path: Path) -> None:
    """Before the fix pefile walked all of them (23 s, 1.1 GB); now the walk stops at
    MAX_IMPORT_DESCRIPTORS and the image is reported as corrupt, saying why."""
    pe = minimal_pe(["KERNEL32.dll"], repeat=1_000_000)
    wheel = small_wheel(tmp_path, {"demo/a.pyd": pe})
    outcome = run_bounded(["inspect", wheel])
    assert_handled(outcome, (1,))
    assert "corrupt-pe" in outcome.out
    assert f"more than {MAX_IMPORT_DESCRIPTORS:,} DLLs" in outcome.out
    assert outcome.seconds < 10


def test_the_cap_is_above_any_real_image() -> None:
    image = parse_pe(minimal_pe(["KERNEL32.dll"], repeat=MAX_IMPORT_DESCRIPTORS))
    assert len(image.imports) == MAX_IMPORT_DESCRIPTORS
    with pytest.raises(CorruptPE, match="more than"):
        parse_pe(minimal_pe(["KERNEL32.dll"], repeat=MAX_IMPORT_DESCRIPTORS + 1))


# --- the tracebacks: one line and exit 2 instead ------------------------------------------


def _encrypted() -> bytes:
    entries = wheel_meta({"demo/__init__.py": b"x = 1\n"})
    for entry in entries:
        entry["flags"] = 0x1  # general purpose bit 0: encrypted (APPNOTE.TXT 4.4.4)
    return raw_zip(entries)


def _undecodable_name() -> bytes:
    entries = wheel_meta()
    # bit 11 says the name is UTF-8 (APPNOTE.TXT 4.4.4, appendix D); these bytes are not
    entries.insert(1, {"name": b"demo/\xff\xfe.py", "data": b"", "flags": 0x800})
    return raw_zip(entries)


def _empty_name() -> bytes:
    entries = wheel_meta()
    entries.insert(1, {"name": b"", "data": b"hello"})
    return raw_zip(entries)


def _record_field_over_csv_limit() -> bytes:
    entries = wheel_meta()
    # csv.field_size_limit() is 131,072 by default: one longer field stops csv.reader
    entries[-1]["data"] = ("demo/x.py,sha256=" + "A" * 200_000 + ",1\n").encode()
    return raw_zip(entries)


def _record_too_large() -> bytes:
    entries = wheel_meta()
    row = b"demo/x.py,sha256=" + b"A" * 43 + b",1\n"
    entries[-1]["data"] = row * 550_000  # 35 MB stored: under every ratio check
    return raw_zip(entries)


REFUSED = [
    ("encrypted-member", _encrypted, "is encrypted"),
    ("undecodable-name", _undecodable_name, "not valid UTF-8"),
    ("empty-name", _empty_name, "empty name"),
    ("record-field-over-csv-limit", _record_field_over_csv_limit, "not readable as CSV"),
    ("record-too-large", _record_too_large, "the limit is 32 MiB"),
]


@pytest.mark.parametrize(("case", "make", "says"), REFUSED, ids=[c[0] for c in REFUSED])
def test_unreadable_wheel_is_one_line_exit_2(
    tmp_path: Path, case: str, make: Callable[[], bytes], says: str
) -> None:
    wheel = written(tmp_path, make())
    outcome = run_bounded(["inspect", wheel])
    assert_refused(outcome, names=str(wheel))
    assert says in outcome.err


# --- generated: whatever the bytes, a report or one typed error ---------------------------


@pytest.fixture(scope="module")
def seed_wheel(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    folder = tmp_path_factory.mktemp("seed")
    members = {"demo/__init__.py": b"", "demo/a.pyd": minimal_pe(["KERNEL32.dll", "python312.dll"])}
    return small_wheel(folder, members).read_bytes()


# Fields of a central directory record (APPNOTE.TXT 4.3.12): offset, width.
CENTRAL_FIELDS = [(8, 2), (10, 2), (16, 4), (20, 4), (24, 4), (28, 2), (42, 4)]


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.data())
def test_mutated_wheel_gives_a_report_or_invalid_wheel(
    tmp_path: Path, seed_wheel: bytes, data: st.DataObject
) -> None:
    """Header fields (flags, method, CRC, sizes, name length and bytes, offsets) set to
    drawn values, other bytes flipped, the file cut: a report or InvalidWheel, nothing else."""
    raw = bytearray(seed_wheel)
    records = [i for i in range(len(raw) - 4) if raw[i : i + 4] == b"PK\x01\x02"]
    for _ in range(data.draw(st.integers(1, 4))):
        record = data.draw(st.sampled_from(records))
        name_length = int.from_bytes(raw[record + 28 : record + 30], "little")
        fields = [*CENTRAL_FIELDS, *((46 + i, 1) for i in range(name_length))]
        offset, width = data.draw(st.sampled_from(fields))
        value = data.draw(st.integers(0, (1 << (8 * width)) - 1))
        raw[record + offset : record + offset + width] = value.to_bytes(width, "little")
    if data.draw(st.booleans()):
        for at in data.draw(st.lists(st.integers(0, len(raw) - 1), max_size=3)):
            raw[at] ^= 0xFF
    if data.draw(st.booleans()):
        del raw[data.draw(st.integers(len(raw) * 3 // 4, len(raw) - 1)) :]
    wheel = written(tmp_path, bytes(raw))
    try:
        report = inspect_wheel(wheel, workers=2)
    except InvalidWheel as exc:
        assert "\n" not in exc.message and str(wheel) in exc.message
    else:
        assert report.name is not None


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_mutated_pe_gives_an_image_or_corrupt_pe(data: st.DataObject) -> None:
    """Header, section table and import table bytes mutated: parse_pe never lets another
    exception through (they become corrupt-pe findings)."""
    raw = bytearray(minimal_pe(["KERNEL32.dll", "python312.dll"]))
    flips = data.draw(
        st.lists(st.tuples(st.integers(0, 0x300), st.integers(0, 255)), min_size=1, max_size=6)
    )
    for at, value in flips:
        raw[at] = value
    with contextlib.suppress(CorruptPE):
        parse_pe(raw)
