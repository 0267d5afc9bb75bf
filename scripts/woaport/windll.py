"""What a Windows process finds without the wheel's help: system DLLs, API sets, the
python DLL, and the part of the Visual C++ runtime that CPython ships beside python.exe."""

from __future__ import annotations

import functools
import json
import re
from importlib import resources

# The DLLs each Windows ships in System32 (SysWOW64 for win32), from delvewheel's lists of
# clean Windows installations; data/windows_system_dlls.json says which files and commit.
SYSTEM_DLLS_FILE = "windows_system_dlls.json"


@functools.cache
def system_dlls(platform: str) -> frozenset[str]:
    """Lower-case names of the DLLs a clean Windows for ``platform`` has in System32."""
    document = json.loads(resources.files("woaport.data").joinpath(SYSTEM_DLLS_FILE).read_text())
    return frozenset(document["platforms"].get(platform, ()))


# API sets are resolved by the loader through the API set schema, never found as files
# (https://learn.microsoft.com/en-us/windows/win32/apiindex/windows-apisets).
API_SET_PREFIXES = ("api-ms-win-", "ext-ms-win-", "api-ms-onecore-", "ext-ms-onecore-")

# CPython's Windows installers ship these beside python.exe (ARM64 builds included).
INTERPRETER_VC_RUNTIME = {
    "win_arm64": frozenset({"vcruntime140.dll", "vcruntime140_1.dll"}),
    "win_amd64": frozenset({"vcruntime140.dll", "vcruntime140_1.dll"}),
    "win32": frozenset({"vcruntime140.dll"}),
}

# The rest of the Visual C++ redistributable: present only where someone installed it.
VC_REDIST = re.compile(
    r"^(msvcp140(_\w+)?|vcruntime140(_\w+)?|concrt140|vcomp140|vccorlib140|vcamp140|mfc140\w*)\.dll$"
)

PYTHON_DLL = re.compile(r"^python3(?P<minor>\d*)(?P<t>t?)(?P<debug>_d)?\.dll$", re.IGNORECASE)


def is_api_set(dll: str) -> bool:
    return dll.lower().startswith(API_SET_PREFIXES)


def is_system(dll: str, platform: str = "win_arm64") -> bool:
    """In every clean Windows for ``platform`` (win_arm64, win_amd64, win32)."""
    lower = dll.lower()
    return is_api_set(lower) or lower in system_dlls(platform)


def is_python_dll(dll: str) -> bool:
    return PYTHON_DLL.match(dll) is not None


def is_vc_redist(dll: str) -> bool:
    return VC_REDIST.match(dll.lower()) is not None


def is_versioned_python_dll(dll: str) -> bool:
    """python312.dll, python313t.dll: one interpreter version's DLL (python3.dll is not)."""
    match = PYTHON_DLL.match(dll)
    return match is not None and bool(match["minor"])


def expected_python_dll(abi: str) -> str | None:
    """The python DLL an extension for this ABI tag links: cp312 -> python312.dll,
    cp313t -> python313t.dll, abi3 -> python3.dll; None where CPython's rule does not apply."""
    if abi == "abi3":
        return "python3.dll"
    match = re.fullmatch(r"cp3(\d+)(t?)", abi)
    if match:
        return f"python3{match[1]}{match[2]}.dll"
    return None
