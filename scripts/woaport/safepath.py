"""One rule for every file name that comes from outside.

File names listed by a package index, queue item ids taken from release tags or folder
names, asset and artifact names from a manifest: each becomes a path on this machine (a
download in the cache, an item's folder on the device). :func:`child` is the only way such a
name is joined to a folder: it refuses anything but one plain name that means the same file
on Linux, macOS and Windows.

The Windows rules are Microsoft's "Naming Files, Paths, and Namespaces"
(https://learn.microsoft.com/en-us/windows/win32/fileio/naming-a-file): no ``< > : " / \\
| ? *`` and no characters 0-31 in a name; the device names CON, PRN, AUX, NUL, COM0-COM9,
COM¹-COM³, LPT0-LPT9 and LPT¹-LPT³ are reserved, also "followed immediately by an
extension; for example, NUL.txt and NUL.tar.gz are both equivalent to NUL"; and "do not end
a file or directory name with a space or a period" (Windows drops them, so ``a.whl.`` names
``a.whl``). A colon also rules out drive-relative names (``C:x``) and NTFS alternate data
streams (``x.whl:s``); a separator rules out absolute, UNC and ``..`` paths.
"""

from __future__ import annotations

import re
from pathlib import Path

from woaport.errors import BadInput
from woaport.limits import MAX_NAME_CHARS

_FORBIDDEN = frozenset('<>:"/\\|?*') | frozenset(chr(c) for c in range(32))
_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL"]
    + [f"{port}{n}" for port in ("COM", "LPT") for n in [*"0123456789", "¹", "²", "³"]]
)


# PEP 508 / the core metadata spec: ASCII letters and digits, with ".", "-" and "_" inside.
# https://packaging.python.org/en/latest/specifications/name-normalization/
_PROJECT = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")


def project_name_problem(name: str) -> str | None:
    """Why ``name`` is not a project name an index can hold (so that it never becomes a
    URL path like ``../x`` or ``a b``), or None when it is one."""
    if len(name) > MAX_NAME_CHARS:
        return f"is longer than {MAX_NAME_CHARS} characters"
    if not _PROJECT.fullmatch(name):
        return (
            "is not a valid project name (ASCII letters, digits, and '.', '-', '_' between "
            "them; https://packaging.python.org/en/latest/specifications/name-normalization/)"
        )
    return None


def name_problem(name: str) -> str | None:
    """Why ``name`` is not one plain file name, or None when it is."""
    if not name:
        return "is empty"
    if len(name) > MAX_NAME_CHARS:
        return f"is longer than {MAX_NAME_CHARS} characters"
    if name in (".", ".."):
        return "names a folder, not a file"
    bad = next((ch for ch in name if ch in _FORBIDDEN), None)
    if bad is not None:
        what = "a path separator" if bad in "/\\" else f"{bad!r}"
        return f"contains {what}; a file name has none"
    if name[-1] in " .":
        return "ends with a space or a period, which Windows drops"
    if name.split(".", 1)[0].rstrip(" ").upper() in _RESERVED:
        return "is a device name Windows reserves (CON, NUL, COM1, ...)"
    return None


def check_name(name: str, what: str = "file name") -> str:
    """``name`` when it is one plain file name; else BadInput naming ``what``."""
    problem = name_problem(name)
    if problem is not None:
        raise BadInput(f"{what} {name[:80]!r} {problem}; refused")
    return name


def child(root: Path, name: str, what: str = "file name") -> Path:
    """``root / name`` for a ``name`` from outside: one plain file name, never a path."""
    return root / check_name(name, what)
