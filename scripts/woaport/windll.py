"""What a Windows process finds without the wheel's help: system DLLs, API sets, the
python DLL, and the part of the Visual C++ runtime that CPython ships beside python.exe."""

from __future__ import annotations

import re

# DLLs present in System32 on every supported Windows 10/11 edition, x64 and ARM64 alike.
SYSTEM_DLLS = frozenset(
    [
        "advapi32.dll",
        "authz.dll",
        "avrt.dll",
        "bcrypt.dll",
        "bcryptprimitives.dll",
        "cabinet.dll",
        "cfgmgr32.dll",
        "clbcatq.dll",
        "combase.dll",
        "comctl32.dll",
        "comdlg32.dll",
        "crypt32.dll",
        "cryptbase.dll",
        "cryptnet.dll",
        "cryptui.dll",
        "d2d1.dll",
        "d3d10.dll",
        "d3d10_1.dll",
        "d3d11.dll",
        "d3d12.dll",
        "d3d9.dll",
        "d3dcompiler_47.dll",
        "dbgeng.dll",
        "dbghelp.dll",
        "dcomp.dll",
        "devobj.dll",
        "dhcpcsvc.dll",
        "dnsapi.dll",
        "dwmapi.dll",
        "dwrite.dll",
        "dxgi.dll",
        "dxva2.dll",
        "esent.dll",
        "evr.dll",
        "fltlib.dll",
        "gdi32.dll",
        "gdiplus.dll",
        "glu32.dll",
        "hid.dll",
        "httpapi.dll",
        "iphlpapi.dll",
        "imagehlp.dll",
        "imm32.dll",
        "kernel32.dll",
        "kernelbase.dll",
        "ksuser.dll",
        "logoncli.dll",
        "mf.dll",
        "mfplat.dll",
        "mfreadwrite.dll",
        "mfuuid.dll",
        "mlang.dll",
        "mmdevapi.dll",
        "mpr.dll",
        "msacm32.dll",
        "mscms.dll",
        "msctf.dll",
        "msi.dll",
        "msimg32.dll",
        "msvcrt.dll",
        "mswsock.dll",
        "msvfw32.dll",
        "ncrypt.dll",
        "netapi32.dll",
        "netutils.dll",
        "normaliz.dll",
        "ntdll.dll",
        "ntdsapi.dll",
        "odbc32.dll",
        "ole32.dll",
        "oleacc.dll",
        "oleaut32.dll",
        "opengl32.dll",
        "pdh.dll",
        "powrprof.dll",
        "profapi.dll",
        "propsys.dll",
        "psapi.dll",
        "rasapi32.dll",
        "rpcrt4.dll",
        "rstrtmgr.dll",
        "samcli.dll",
        "secur32.dll",
        "sechost.dll",
        "setupapi.dll",
        "shcore.dll",
        "shell32.dll",
        "shlwapi.dll",
        "srvcli.dll",
        "sspicli.dll",
        "tdh.dll",
        "ucrtbase.dll",
        "urlmon.dll",
        "user32.dll",
        "userenv.dll",
        "usp10.dll",
        "uxtheme.dll",
        "version.dll",
        "virtdisk.dll",
        "wer.dll",
        "wevtapi.dll",
        "windowscodecs.dll",
        "winhttp.dll",
        "wininet.dll",
        "winmm.dll",
        "winspool.drv",
        "wintrust.dll",
        "winusb.dll",
        "wkscli.dll",
        "wldap32.dll",
        "wlanapi.dll",
        "ws2_32.dll",
        "wsock32.dll",
        "wtsapi32.dll",
        "xinput1_4.dll",
        "xmllite.dll",
        "credui.dll",
        "dsound.dll",
        "ntmarta.dll",
        "mscoree.dll",
        "msasn1.dll",
        "webservices.dll",
    ]
)

API_SET_PREFIXES = ("api-ms-win-", "ext-ms-")

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


def is_system(dll: str) -> bool:
    lower = dll.lower()
    return lower in SYSTEM_DLLS or lower.startswith(API_SET_PREFIXES)


def is_python_dll(dll: str) -> bool:
    return PYTHON_DLL.match(dll) is not None


def is_vc_redist(dll: str) -> bool:
    return VC_REDIST.match(dll.lower()) is not None


def expected_python_dll(abi: str) -> str | None:
    """The python DLL an extension for this ABI tag links: cp312 -> python312.dll,
    cp313t -> python313t.dll, abi3 -> python3.dll; None where CPython's rule does not apply."""
    if abi == "abi3":
        return "python3.dll"
    match = re.fullmatch(r"cp3(\d+)(t?)", abi)
    if match:
        return f"python3{match[1]}{match[2]}.dll"
    return None
