"""Build wheels for tests: from scratch, or as edited copies of real wheels."""

from __future__ import annotations

import base64
import hashlib
import zipfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path


def record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def write_wheel(
    path: Path,
    members: Mapping[str, bytes],
    *,
    dist_info: str,
    tags: Iterable[str] | None = None,
    record: bool = True,
    record_newline: str = "\n",
    compression: int = zipfile.ZIP_DEFLATED,
) -> Path:
    """Write ``members`` plus a WHEEL (when ``tags`` is given) and a correct RECORD."""
    files = dict(members)
    if tags is not None:
        files[f"{dist_info}/WHEEL"] = (
            "Wheel-Version: 1.0\nGenerator: woaport-tests\nRoot-Is-Purelib: false\n"
            + "".join(f"Tag: {t}\n" for t in tags)
        ).encode()
    if record:
        lines = [record_line(n, d) for n, d in files.items()]
        lines.append(f"{dist_info}/RECORD,,")
        files[f"{dist_info}/RECORD"] = (record_newline.join(lines) + record_newline).encode()
    with zipfile.ZipFile(path, "w", compression=compression, compresslevel=1) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path


def read_members(path: Path, keep: Callable[[str], bool] = lambda _: True) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {
            i.filename: zf.read(i) for i in zf.infolist() if not i.is_dir() and keep(i.filename)
        }


def native_subset(path: Path) -> tuple[dict[str, bytes], str]:
    """A real wheel's native files (.pyd, .dll) and METADATA, without RECORD/WHEEL: the
    material for fast edited copies."""
    members = read_members(path, lambda n: n.endswith((".pyd", ".dll", "/METADATA", "__init__.py")))
    dist_info = next(n.split("/")[0] for n in members if n.endswith("/METADATA"))
    return members, dist_info


def set_machine(pe: bytes, machine: int) -> bytes:
    """Patch the COFF header's Machine field."""
    offset = int.from_bytes(pe[0x3C:0x40], "little") + 4
    return pe[:offset] + machine.to_bytes(2, "little") + pe[offset + 2 :]


def rename_import(pe: bytes, old: str, new: str) -> bytes:
    """Rewrite an imported DLL name in place (the new name must not be longer)."""
    old_b, new_b = old.encode() + b"\0", new.encode() + b"\0"
    assert len(new_b) <= len(old_b) and pe.count(old_b) >= 1
    return pe.replace(old_b, new_b.ljust(len(old_b), b"\0"))
