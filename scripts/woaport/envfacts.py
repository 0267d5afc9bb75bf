"""Facts about the machine and the interpreter that ran a contract.

This file is also run *as a script* by the environment's interpreter (``python -I -S
envfacts.py`` prints JSON), so it imports nothing but the standard library, and of that
only what the facts need: it runs beside the install, on the same cores. The Windows
functions take their system calls as parameters so that tests can drive them anywhere.
"""

from __future__ import annotations

import json
import os
import platform
import struct
import sys
import sysconfig

TYPE_CHECKING = False  # typing's own constant would cost the import of typing
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

IMAGE_FILE_MACHINE = {0x014C: "I386", 0x8664: "AMD64", 0xAA64: "ARM64", 0x01C4: "ARMNT", 0: None}
# sysconfig.get_platform() of an interpreter -> the machine its code is for.
INTERPRETER_MACHINE = {
    "win-arm64": "ARM64",
    "win-amd64": "AMD64",
    "win32": "I386",
    "linux-aarch64": "ARM64",
    "linux-x86_64": "AMD64",
    "linux-i686": "I386",
}


def _is_wow64_process2() -> tuple[int, int] | None:  # pragma: no cover - Windows only
    """(process machine, native machine) from kernel32!IsWow64Process2 (Windows 10 1709+)."""
    if sys.platform != "win32":
        return None
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    function = getattr(kernel32, "IsWow64Process2", None)
    if function is None:
        return None
    function.argtypes = [
        wintypes.HANDLE,
        ctypes.POINTER(wintypes.USHORT),
        ctypes.POINTER(wintypes.USHORT),
    ]
    function.restype = wintypes.BOOL
    kernel32.GetCurrentProcess.restype = wintypes.HANDLE  # a pseudo-handle, (HANDLE)-1
    process, native = wintypes.USHORT(), wintypes.USHORT()
    if not function(kernel32.GetCurrentProcess(), ctypes.byref(process), ctypes.byref(native)):
        return None
    return process.value, native.value


def native_machine_windows(
    query: Callable[[], tuple[int, int] | None] = _is_wow64_process2,
) -> str | None:
    """The host's real machine. On an Arm64 host, an x64 python is *not* WOW64, so only the
    native machine from IsWow64Process2 tells emulation apart (PROCESSOR_ARCHITECTURE lies)."""
    answer = query()
    if answer is None:
        return None
    return IMAGE_FILE_MACHINE.get(answer[1], f"0x{answer[1]:04x}")


def interpreter_machine(sysconfig_platform: str, machine: str) -> str:
    known = INTERPRETER_MACHINE.get(sysconfig_platform)
    if known:
        return known
    return {"x86_64": "AMD64", "aarch64": "ARM64", "arm64": "ARM64"}.get(machine.lower(), machine)


def is_emulated(interpreter: str, native: str | None) -> bool | None:
    """True when the interpreter's code runs translated on another host machine."""
    if native is None:
        return None
    return interpreter != native


def _registry_cpu_name() -> str:  # pragma: no cover - Windows only
    if sys.platform != "win32":
        raise OSError("no Windows registry here")
    import winreg

    path = r"HARDWARE\DESCRIPTION\System\CentralProcessor\0"
    with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, path) as key:
        return str(winreg.QueryValueEx(key, "ProcessorNameString")[0])


def cpu_name_windows(read: Callable[[], str] = _registry_cpu_name) -> str | None:
    try:
        return read().strip() or None
    except OSError:
        return None


def cpu_name_linux(text: str) -> str | None:
    fields: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields.setdefault(key.strip().lower(), value.strip())
    for key in ("model name", "hardware", "cpu model", "processor"):
        found = fields.get(key)
        if found and not found.isdigit():
            return found
    part = fields.get("cpu part")
    return f"Arm CPU part {part}" if part else None


def platform_string() -> str:
    """``platform.platform()``, without its cost on Linux: there it runs ``uname -p`` (a
    process) and scans the interpreter's binary for the libc version; the kernel's uname and
    glibc's own answer (confstr) say the same, in the same form."""
    libc = os.confstr("CS_GNU_LIBC_VERSION") if sys.platform.startswith("linux") else None
    if libc and libc.startswith("glibc "):
        uname = os.uname()
        return f"Linux-{uname.release}-{uname.machine}-with-{libc.replace(' ', '')}"
    return platform.platform()


def collect(os_name: str = os.name) -> dict[str, Any]:
    machine = platform.machine()
    sysconfig_platform = sysconfig.get_platform()
    interp = interpreter_machine(sysconfig_platform, machine)
    cpu: str | None
    if os_name == "nt":
        native = native_machine_windows()
        build = getattr(sys, "getwindowsversion", lambda: None)()
        os_build = build.build if build else None
        cpu = cpu_name_windows()
    else:
        native = interpreter_machine("", os.uname().machine) if hasattr(os, "uname") else None
        os_build = None
        try:
            # open(), not pathlib: one import less in a script that runs beside the install
            with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as cpuinfo:  # noqa: PTH123
                cpu = cpu_name_linux(cpuinfo.read())
        except OSError:
            cpu = platform.processor() or None
    return {
        "os": platform.system(),
        "os_release": platform.release(),
        "os_version": platform.version(),
        "os_build": os_build,
        "platform": platform_string(),
        "machine": machine,
        "native_machine": native,
        "interpreter_machine": interp,
        "emulated": is_emulated(interp, native),
        "cpu": cpu,
        "python": {
            "implementation": platform.python_implementation(),
            "version": platform.python_version(),
            "executable": sys.executable,
            "bits": struct.calcsize("P") * 8,
            "sysconfig_platform": sysconfig_platform,
            "free_threaded": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
        },
    }


if __name__ == "__main__":
    print(json.dumps(collect()))
