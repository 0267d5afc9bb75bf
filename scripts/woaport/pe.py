"""Classify Windows PE images: which machine they run on, which DLLs they load.

ARM64EC and ARM64X cannot be told apart from plain AMD64/ARM64 by the COFF header alone:
both carry CHPE ("compiled hybrid PE") metadata, pointed to from the load configuration.

* AMD64 header + CHPE metadata -> ARM64EC (x64-compatible code compiled for Arm; loads
  only in an x64/ARM64EC process, never in a native ARM64 python).
* ARM64 header + CHPE metadata -> ARM64X (one image holding ARM64 and ARM64EC code; loads
  in both kinds of process).

A .NET assembly compiled for "AnyCPU" carries an I386 header but only IL code: its CLI
header's flags say ILONLY and not 32BITREQUIRED (ECMA-335, 6th edition, II.25.3.3.1
"Runtime flags": COMIMAGE_FLAGS_ILONLY 0x1, COMIMAGE_FLAGS_32BITREQUIRED 0x2), and the CLR
runs it as a native ARM64 process's code. Such an image is :attr:`Machine.ANYCPU`.
"""

from __future__ import annotations

import enum
import struct
from dataclasses import dataclass
from typing import Any

IMAGE_FILE_MACHINE = {
    0x014C: "I386",
    0x8664: "AMD64",
    0xAA64: "ARM64",
    0x01C4: "ARMNT",
    0xA641: "ARM64EC",  # seen in objects; images normally carry AMD64 + CHPE metadata
    0xA64E: "ARM64X",  # likewise
}

# The import directory is walked here (see _import_names); pefile parses these. Its delay
# import walk is bounded by pefile.MAX_IMPORT_SYMBOLS (8,192 symbols in all).
_DIRECTORIES = [
    "IMAGE_DIRECTORY_ENTRY_DELAY_IMPORT",
    "IMAGE_DIRECTORY_ENTRY_LOAD_CONFIG",
]
IMPORT_DIRECTORY = 1
# An import descriptor per DLL, ended by one of zeros (IMAGE_IMPORT_DESCRIPTOR, 20 bytes:
# https://learn.microsoft.com/en-us/windows/win32/debug/pe-format#import-directory-table).
# pefile walks them to the zero one however many there are: a crafted image with a million
# took 23 s and 1.1 GB. Real images import a few dozen DLLs; past this many, the image is
# refused as corrupt, saying so.
MAX_IMPORT_DESCRIPTORS = 4096
_IMPORT_DESCRIPTOR = struct.Struct("<IIIII")
MAX_DLL_NAME = 0x200  # pefile.MAX_DLL_LENGTH
# The CLI header's data directory (pefile lists it but does not parse it).
COM_DESCRIPTOR = 14

# ECMA-335 II.25.3.3.1; 32BITPREFERRED (0x20000) is documented in CorHdr.h of the Windows SDK.
COMIMAGE_FLAGS_ILONLY = 0x1
COMIMAGE_FLAGS_32BITREQUIRED = 0x2
# IMAGE_FILE_HEADER.Characteristics: the image is a DLL, not a program
# (https://learn.microsoft.com/en-us/windows/win32/debug/pe-format#characteristics).
IMAGE_FILE_DLL = 0x2000


class Machine(enum.StrEnum):
    I386 = "I386"
    AMD64 = "AMD64"
    ARM64 = "ARM64"
    ARM64X = "ARM64X"
    ARM64EC = "ARM64EC"
    ARMNT = "ARMNT"
    ANYCPU = "AnyCPU"  # IL-only .NET assembly: no native code, runs in any CLR process
    UNKNOWN = "unknown"


class CorruptPE(ValueError):
    """The bytes start like a PE image but cannot be parsed as one."""


@dataclass(frozen=True, kw_only=True)
class PEImage:
    machine: Machine
    header_machine: int
    hybrid: bool
    imports: tuple[str, ...]
    delay_imports: tuple[str, ...]
    is_dll: bool = True
    il_only: bool = False  # a .NET assembly with no native code

    @property
    def all_imports(self) -> tuple[str, ...]:
        return self.imports + self.delay_imports


def has_pe_signature(data: bytes | bytearray) -> bool:
    """``MZ`` and, at ``e_lfanew``, ``PE\\0\\0``: a PE image by content, whatever its name."""
    if len(data) < 0x40 or data[:2] != b"MZ":
        return False
    offset = int.from_bytes(data[0x3C:0x40], "little")
    return data[offset : offset + 4] == b"PE\0\0"


def starts_like_pe(head: bytes) -> bool:
    """Cheap test on a member's first chunk: worth keeping the whole member to parse?"""
    return head[:2] == b"MZ"


def classify(header_machine: int, hybrid: bool, *, anycpu: bool = False) -> Machine:
    name = IMAGE_FILE_MACHINE.get(header_machine)
    if anycpu and name in ("I386", "AMD64", "ARM64"):
        return Machine.ANYCPU
    if name == "AMD64" and hybrid:
        return Machine.ARM64EC
    if name == "ARM64" and hybrid:
        return Machine.ARM64X
    return Machine(name) if name else Machine.UNKNOWN


def _dll_names(entries: Any) -> tuple[str, ...]:
    names = []
    for entry in entries or ():
        raw = entry.dll
        if raw:
            names.append(raw.decode("latin-1"))
    return tuple(names)


def parse_pe(data: bytes | bytearray) -> PEImage:
    # Imported here, not at the top: the first PE image is met on a worker thread while
    # others are still decompressing, so pefile's import overlaps with real work.
    import pefile

    directories = [pefile.DIRECTORY_ENTRY[d] for d in _DIRECTORIES]
    try:
        pe = pefile.PE(data=data, fast_load=True)
        pe.parse_data_directories(directories=directories)
        return _image(pe, data)
    except CorruptPE:
        raise
    except pefile.PEFormatError as exc:
        raise CorruptPE(str(exc.value if hasattr(exc, "value") else exc)) from None
    except Exception as exc:  # pefile raises assorted errors on malformed tables
        raise CorruptPE(f"{type(exc).__name__}: {exc}") from None


def _image(pe: Any, data: bytes | bytearray) -> PEImage:
    _check_sections(pe, len(data))
    header_machine = int(pe.FILE_HEADER.Machine)
    load_config = getattr(pe, "DIRECTORY_ENTRY_LOAD_CONFIG", None)
    hybrid = bool(getattr(getattr(load_config, "struct", None), "CHPEMetadataPointer", 0))
    clr_flags = _clr_flags(pe, data)
    il_only = clr_flags is not None and bool(clr_flags & COMIMAGE_FLAGS_ILONLY)
    clr_flags = clr_flags or 0
    # An IL-only assembly with an ARM64/AMD64 header is platform-specific by choice; only
    # the I386 header without 32BITREQUIRED means "any CPU".
    anycpu = il_only and header_machine == 0x014C and not clr_flags & COMIMAGE_FLAGS_32BITREQUIRED
    return PEImage(
        machine=classify(header_machine, hybrid, anycpu=anycpu),
        header_machine=header_machine,
        hybrid=hybrid,
        imports=_import_names(pe),
        delay_imports=_dll_names(getattr(pe, "DIRECTORY_ENTRY_DELAY_IMPORT", None)),
        is_dll=bool(int(pe.FILE_HEADER.Characteristics) & IMAGE_FILE_DLL),
        il_only=il_only,
    )


def _import_names(pe: Any) -> tuple[str, ...]:
    """The DLL names of the import directory, in order, as pefile's ``import_dllnames_only``
    walk reads them (a name that is no valid DOS file name reads ``*invalid*``), but never
    more than MAX_IMPORT_DESCRIPTORS descriptors."""
    import pefile

    directories = pe.OPTIONAL_HEADER.DATA_DIRECTORY
    if len(directories) <= IMPORT_DIRECTORY or not directories[IMPORT_DIRECTORY].VirtualAddress:
        return ()
    rva = int(directories[IMPORT_DIRECTORY].VirtualAddress)
    names: list[str] = []
    for count in range(MAX_IMPORT_DESCRIPTORS + 1):
        try:
            raw = pe.get_data(rva, _IMPORT_DESCRIPTOR.size)
        except pefile.PEFormatError:
            break
        if len(raw) < _IMPORT_DESCRIPTOR.size or not any(raw):
            break  # the table ends (or runs out of the image)
        if count == MAX_IMPORT_DESCRIPTORS:
            raise CorruptPE(
                f"the import table lists more than {MAX_IMPORT_DESCRIPTORS:,} DLLs "
                "(the most woaport reads); no real image imports that many"
            )
        name_rva = _IMPORT_DESCRIPTOR.unpack(raw)[3]
        rva += _IMPORT_DESCRIPTOR.size
        name = pe.get_string_at_rva(name_rva, MAX_DLL_NAME)
        if not pefile.is_valid_dos_filename(name):
            name = b"*invalid*"
        if name:
            names.append(name.decode("latin-1"))
    return tuple(names)


def _clr_flags(pe: Any, data: bytes | bytearray) -> int | None:
    """The Flags of the image's CLI header (IMAGE_COR20_HEADER: cb, runtime version,
    metadata directory, then Flags at offset 16; ECMA-335 II.25.3.3), or None when the
    image is not a .NET assembly."""
    directories = pe.OPTIONAL_HEADER.DATA_DIRECTORY
    if len(directories) <= COM_DESCRIPTOR:
        return None
    entry = directories[COM_DESCRIPTOR]
    if not entry.VirtualAddress or entry.Size < 20:
        return None
    offset = pe.get_offset_from_rva(entry.VirtualAddress)
    if offset is None or offset + 20 > len(data):
        raise CorruptPE("the .NET (CLI) header lies past the end of the file")
    return int.from_bytes(data[offset + 16 : offset + 20], "little")


def _check_sections(pe: Any, size: int) -> None:
    """A section whose raw data lies past the end of the file: the image was cut short
    (the loader maps each section from PointerToRawData for SizeOfRawData bytes). The
    last section's size may be rounded up to FileAlignment; that slack is allowed."""
    alignment = int(getattr(pe.OPTIONAL_HEADER, "FileAlignment", 0) or 0)
    for section in pe.sections:
        start = int(section.PointerToRawData)
        length = int(section.SizeOfRawData)
        if not length:
            continue
        end = start + length
        if start >= size or end > size + max(alignment, 0x200):
            label = section.Name.rstrip(b"\0").decode("latin-1", "replace") or "?"
            raise CorruptPE(
                f"section {label} ends at byte {end:,} but the file has {size:,}: "
                "the image is cut short"
            )
