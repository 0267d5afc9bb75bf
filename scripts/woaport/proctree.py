"""Processes by identity, and the trees a step leaves behind.

A pid alone names a process only while it lives: once it is gone the number is handed out
again. So a process is recorded as a :class:`ProcessId`, its pid *and* when it started as
the operating system tells it, and a recorded process is killed only if a process with that
pid still exists *and* started at that moment.

* Linux: the start is field 22 of ``/proc/PID/stat`` (``starttime``, in clock ticks since
  boot; proc(5)), prefixed with the boot id (``/proc/sys/kernel/random/boot_id``), so a
  number from before a reboot never matches. A kill goes through a pidfd when the kernel
  has them (``pidfd_open(2)``, Linux 5.3): the start is checked on the process the pidfd
  pins, so the pid cannot be reused between the check and the signal.
* Windows: the start is the creation time ``GetProcessTimes`` reports, checked and
  terminated through one process handle (which pins the process, as a pidfd does).
* Elsewhere (macOS): no start is known, and nothing recorded is ever killed.

The tree of a step: on Linux the step host (``stephost.py``) makes itself a *child
subreaper* (``PR_SET_CHILD_SUBREAPER``, prctl(2)): a descendant orphaned by its parent,
even one that called ``setsid()`` to leave the step's session, is re-parented to the host
instead of to init, so walking the host's children finds every process the step started.
On Windows the host puts itself in a Job Object with ``JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE``
before it starts the step: every process the step creates is in the job, and when the
host's handle closes (it exits, or is killed) Windows kills whatever is left
(https://learn.microsoft.com/en-us/windows/win32/api/winnt/ns-winnt-jobobject_basic_limit_information).
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import signal
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

PROC = Path("/proc")
MAX_TREE = 4096  # more processes than this in one step's tree are not followed


class ProcessId(NamedTuple):
    # A NamedTuple, not a dataclass: the step host imports this module, and dataclasses
    # (with inspect) would add a tenth to its start.
    pid: int
    start: str  # when the process started, as the OS words it; see the module docstring

    def to_json(self) -> list[Any]:
        return [self.pid, self.start]

    @classmethod
    def from_json(cls, value: Any) -> ProcessId | None:
        if (
            isinstance(value, list)
            and len(value) == 2
            and isinstance(value[0], int)
            and not isinstance(value[0], bool)
            and value[0] > 0
            and isinstance(value[1], str)
            and value[1]
        ):
            return cls(pid=value[0], start=value[1])
        return None


# -- Linux ----------------------------------------------------------------------------------


class Stat(NamedTuple):
    state: str
    ppid: int
    starttime: int


def read_stat(pid: int, proc: Path = PROC) -> Stat | None:
    """Fields 3, 4 and 22 of ``/proc/PID/stat`` (proc(5)). The command name (field 2) may
    hold spaces and parentheses, so the fields are counted from its last ``)``."""
    try:
        text = (proc / str(pid) / "stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    fields = text[text.rfind(")") + 2 :].split()
    try:
        return Stat(state=fields[0], ppid=int(fields[1]), starttime=int(fields[19]))
    except (IndexError, ValueError):
        return None


def boot_id(proc: Path = PROC) -> str:
    try:
        return (proc / "sys/kernel/random/boot_id").read_text(encoding="ascii").strip()
    except OSError:
        return "boot"


def linux_start(pid: int, proc: Path = PROC) -> str | None:
    """The start of a *living* process (a zombie has finished: None)."""
    stat = read_stat(pid, proc)
    if stat is None or stat.state in ("Z", "X", "x"):
        return None
    return f"{boot_id(proc)}:{stat.starttime}"


def linux_children(pid: int, proc: Path = PROC) -> list[int] | None:
    """The children of every thread of ``pid`` (``/proc/PID/task/TID/children``, kernels
    built with CONFIG_PROC_CHILDREN); None when the kernel does not provide the file."""
    children: list[int] = []
    try:
        tasks = list((proc / str(pid) / "task").iterdir())
    except OSError:
        return []
    seen_file = False
    for task in tasks:
        try:
            text = (task / "children").read_text(encoding="ascii")
        except FileNotFoundError:
            continue
        except OSError:
            seen_file = True
            continue
        seen_file = True
        children += [int(p) for p in text.split() if p.isdigit()]
    return children if seen_file or not tasks else None


def linux_descendants(root: int, proc: Path = PROC) -> list[int]:
    """Every living descendant of ``root`` (not ``root`` itself), by its children lists,
    or by a scan of every ``/proc/PID/stat`` where the kernel has no children lists."""
    found: list[int] = []
    frontier = [root]
    scanned: dict[int, list[int]] | None = None
    while frontier and len(found) < MAX_TREE:
        pid = frontier.pop()
        children = linux_children(pid, proc) if scanned is None else None
        if children is None:
            if scanned is None:
                scanned = _children_by_scan(proc)
            children = scanned.get(pid, [])
        for child in children:
            if child not in found and child != root:
                found.append(child)
                frontier.append(child)
    return found


def _children_by_scan(proc: Path) -> dict[int, list[int]]:
    table: dict[int, list[int]] = {}
    for entry in proc.iterdir():
        if entry.name.isdigit() and (stat := read_stat(int(entry.name), proc)) is not None:
            table.setdefault(stat.ppid, []).append(int(entry.name))
    return table


def become_subreaper() -> bool:
    """Make this process a child subreaper (prctl(2): ``PR_SET_CHILD_SUBREAPER``, Linux
    3.4): orphaned descendants are re-parented to it. False where that is not possible."""
    pr_set_child_subreaper = 36  # <linux/prctl.h>
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(pr_set_child_subreaper, 1, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def _linux_kill(ident: ProcessId, proc: Path) -> bool:
    pidfd_open = getattr(os, "pidfd_open", None)
    send = getattr(signal, "pidfd_send_signal", None)
    if pidfd_open is not None and send is not None:
        try:
            fd = pidfd_open(ident.pid)
        except ProcessLookupError:
            return False
        except OSError:
            fd = None  # no pidfds in this kernel: check, then signal by pid
        if fd is not None:
            try:
                if linux_start(ident.pid, proc) != ident.start:
                    return False
                with contextlib.suppress(ProcessLookupError):
                    send(fd, signal.SIGKILL)
                    return True
                return False
            finally:
                os.close(fd)
    if linux_start(ident.pid, proc) != ident.start:
        return False
    try:
        os.kill(ident.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        return False
    return True


# -- Windows (ctypes; only ever called on Windows) --------------------------------------------

PROCESS_TERMINATE = 0x0001
PROCESS_QUERY_LIMITED_INFORMATION = 0x1000
STILL_ACTIVE = 259
JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE = 0x2000
JOB_OBJECT_BASIC_PROCESS_ID_LIST = 3  # JOBOBJECTINFOCLASS
JOB_OBJECT_EXTENDED_LIMIT_INFORMATION = 9


class BasicLimitInformation(ctypes.Structure):
    # JOBOBJECT_BASIC_LIMIT_INFORMATION (winnt.h); LARGE_INTEGER is 64 bits, SIZE_T and
    # ULONG_PTR pointer-sized, DWORD 32 bits.
    _fields_ = [
        ("PerProcessUserTimeLimit", ctypes.c_int64),
        ("PerJobUserTimeLimit", ctypes.c_int64),
        ("LimitFlags", ctypes.c_uint32),
        ("MinimumWorkingSetSize", ctypes.c_size_t),
        ("MaximumWorkingSetSize", ctypes.c_size_t),
        ("ActiveProcessLimit", ctypes.c_uint32),
        ("Affinity", ctypes.c_size_t),
        ("PriorityClass", ctypes.c_uint32),
        ("SchedulingClass", ctypes.c_uint32),
    ]


class IoCounters(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_uint64)
        for name in (
            "ReadOperationCount",
            "WriteOperationCount",
            "OtherOperationCount",
            "ReadTransferCount",
            "WriteTransferCount",
            "OtherTransferCount",
        )
    ]


class ExtendedLimitInformation(ctypes.Structure):
    # JOBOBJECT_EXTENDED_LIMIT_INFORMATION: what SetInformationJobObject takes for
    # JobObjectExtendedLimitInformation (the class KILL_ON_JOB_CLOSE needs).
    _fields_ = [
        ("BasicLimitInformation", BasicLimitInformation),
        ("IoInfo", IoCounters),
        ("ProcessMemoryLimit", ctypes.c_size_t),
        ("JobMemoryLimit", ctypes.c_size_t),
        ("PeakProcessMemoryUsed", ctypes.c_size_t),
        ("PeakJobMemoryUsed", ctypes.c_size_t),
    ]


class ProcessIdList(ctypes.Structure):
    # JOBOBJECT_BASIC_PROCESS_ID_LIST with room for MAX_TREE ids.
    _fields_ = [
        ("NumberOfAssignedProcesses", ctypes.c_uint32),
        ("NumberOfProcessIdsInList", ctypes.c_uint32),
        ("ProcessIdList", ctypes.c_size_t * MAX_TREE),
    ]


def _last_error() -> int:
    return int(getattr(ctypes, "get_last_error")())  # noqa: B009 - Windows only


@functools.cache
def kernel32() -> Any:
    """kernel32 with the signatures woaport calls declared (handles are pointer-sized: the
    default int result would cut them on 64-bit Windows)."""
    k32 = getattr(ctypes, "WinDLL")("kernel32", use_last_error=True)  # noqa: B009 - Windows only
    handle, dword, pointer = ctypes.c_void_p, ctypes.c_uint32, ctypes.c_void_p
    signatures: dict[str, tuple[Any, list[Any]]] = {
        "OpenProcess": (handle, [dword, ctypes.c_int, dword]),
        "CloseHandle": (ctypes.c_int, [handle]),
        "GetCurrentProcess": (handle, []),
        "GetExitCodeProcess": (ctypes.c_int, [handle, pointer]),
        "GetProcessTimes": (ctypes.c_int, [handle, pointer, pointer, pointer, pointer]),
        "TerminateProcess": (ctypes.c_int, [handle, ctypes.c_uint32]),
        "CreateJobObjectW": (handle, [pointer, ctypes.c_wchar_p]),
        "SetInformationJobObject": (ctypes.c_int, [handle, ctypes.c_int, pointer, dword]),
        "AssignProcessToJobObject": (ctypes.c_int, [handle, handle]),
        "QueryInformationJobObject": (
            ctypes.c_int,
            [handle, ctypes.c_int, pointer, dword, pointer],
        ),
    }
    for name, (restype, argtypes) in signatures.items():
        function = getattr(k32, name)
        function.restype, function.argtypes = restype, argtypes
    return k32


def _filetime(k32: Any, handle: int) -> int | None:
    times = [ctypes.c_uint64() for _ in range(4)]  # creation, exit, kernel, user (FILETIMEs)
    if not k32.GetProcessTimes(ctypes.c_void_p(handle), *(ctypes.byref(t) for t in times)):
        return None
    return times[0].value


def _open(k32: Any, pid: int, access: int) -> int | None:
    handle = k32.OpenProcess(access, False, pid)
    return int(handle) if handle else None  # c_void_p results come back as int or None


def windows_start(pid: int, k32: Any = None) -> str | None:
    k32 = k32 or kernel32()
    handle = _open(k32, pid, PROCESS_QUERY_LIMITED_INFORMATION)
    if handle is None:
        return None
    try:
        code = ctypes.c_uint32()
        if not k32.GetExitCodeProcess(ctypes.c_void_p(handle), ctypes.byref(code)):
            return None
        if code.value != STILL_ACTIVE:
            return None
        created = _filetime(k32, handle)
        return None if created is None else str(created)
    finally:
        k32.CloseHandle(ctypes.c_void_p(handle))


def _windows_kill(ident: ProcessId, k32: Any = None) -> bool:
    k32 = k32 or kernel32()
    handle = _open(k32, ident.pid, PROCESS_TERMINATE | PROCESS_QUERY_LIMITED_INFORMATION)
    if handle is None:
        return False
    try:
        if str(_filetime(k32, handle)) != ident.start:
            return False
        return bool(k32.TerminateProcess(ctypes.c_void_p(handle), 1))
    finally:
        k32.CloseHandle(ctypes.c_void_p(handle))


class Job:
    """A Job Object that kills its processes when its last handle closes."""

    def __init__(self, k32: Any = None):
        self.k32 = k32 or kernel32()
        handle = self.k32.CreateJobObjectW(None, None)
        if not handle:
            raise OSError(_last_error(), "CreateJobObjectW failed")
        self.handle = ctypes.c_void_p(handle)
        info = ExtendedLimitInformation()
        info.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
        if not self.k32.SetInformationJobObject(
            self.handle,
            JOB_OBJECT_EXTENDED_LIMIT_INFORMATION,
            ctypes.byref(info),
            ctypes.sizeof(info),
        ):
            raise OSError(_last_error(), "SetInformationJobObject failed")

    def assign_current_process(self) -> None:
        """Put this process in the job: every process it creates from now on is in the job
        too (nested jobs: Windows 8 and later, so this works inside Task Scheduler's job)."""
        current = self.k32.GetCurrentProcess()  # the pseudo-handle (HANDLE)-1
        if not self.k32.AssignProcessToJobObject(self.handle, current):
            raise OSError(_last_error(), "AssignProcessToJobObject failed")

    def pids(self) -> list[int]:
        listing = ProcessIdList()
        ok = self.k32.QueryInformationJobObject(
            self.handle,
            JOB_OBJECT_BASIC_PROCESS_ID_LIST,
            ctypes.byref(listing),
            ctypes.sizeof(listing),
            None,
        )
        if not ok:
            return []
        return [int(p) for p in listing.ProcessIdList[: listing.NumberOfProcessIdsInList]]


# -- the same on every system ----------------------------------------------------------------


def start_of(pid: int, os_name: str = os.name, proc: Path = PROC) -> str | None:
    """When the living process ``pid`` started; None if there is none (or it is unknown)."""
    if os_name == "nt":
        return windows_start(pid)
    if proc.is_dir():
        return linux_start(pid, proc)
    return None


def identify(pids: Iterable[int], os_name: str = os.name, proc: Path = PROC) -> list[ProcessId]:
    found = []
    for pid in pids:
        start = start_of(pid, os_name, proc)
        if start is not None:
            found.append(ProcessId(pid=pid, start=start))
    return found


def kill(ident: ProcessId, os_name: str = os.name, proc: Path = PROC) -> bool:
    """Kill the process if it is still the one recorded (same pid, same start). True when a
    kill was sent."""
    if ident.pid == os.getpid():
        return False
    if os_name == "nt":
        return _windows_kill(ident)
    if proc.is_dir():
        return _linux_kill(ident, proc)
    return False
