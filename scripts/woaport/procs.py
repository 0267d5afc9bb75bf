"""Running a step: a subprocess with a timeout that kills its whole process tree, output
merged into a log file (never a pipe that can fill up) and capped, and an exit status
explained in Windows and POSIX terms."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAX_OUTPUT = 64 << 20  # a step printing more than this is killed
TAIL = 16 << 10  # how much of the end of the output a report keeps

# NTSTATUS codes a crashing Windows process exits with; the ones a porter meets.
NTSTATUS = {
    0xC0000005: "access violation (STATUS_ACCESS_VIOLATION)",
    0xC000001D: "illegal instruction (STATUS_ILLEGAL_INSTRUCTION)",
    0xC00000FD: "stack overflow (STATUS_STACK_OVERFLOW)",
    0xC0000135: "a DLL was not found (STATUS_DLL_NOT_FOUND)",
    0xC0000139: "an entry point was not found in a DLL (STATUS_ENTRYPOINT_NOT_FOUND)",
    0xC000007B: "a DLL is for another machine type (STATUS_INVALID_IMAGE_FORMAT)",
    0xC0000409: "fail-fast / stack buffer overrun (STATUS_STACK_BUFFER_OVERRUN)",
    0xC0000094: "integer division by zero (STATUS_INTEGER_DIVIDE_BY_ZERO)",
    0x80000003: "breakpoint (STATUS_BREAKPOINT)",
    0xC0000374: "heap corruption (STATUS_HEAP_CORRUPTION)",
}


@dataclass(frozen=True, kw_only=True)
class ProcResult:
    returncode: int | None
    timed_out: bool
    output_limited: bool
    duration: float
    output_tail: str
    output_bytes: int

    def status(self, os_name: str = os.name) -> tuple[str, str]:
        """(status, detail): passed, failed, crashed or timeout."""
        if self.timed_out:
            return "timeout", f"killed after {self.duration:.1f}s"
        if self.output_limited:
            return "failed", f"killed: printed more than {MAX_OUTPUT >> 20} MiB"
        return describe_exit(self.returncode, os_name)


def describe_exit(returncode: int | None, os_name: str = os.name) -> tuple[str, str]:
    if returncode == 0:
        return "passed", "exit code 0"
    if returncode is None:
        return "crashed", "no exit code"
    if os_name == "nt":
        code = returncode & 0xFFFFFFFF
        if code >= 0xC0000000 or code in NTSTATUS:
            return "crashed", f"exit code {code:#010x}: {NTSTATUS.get(code, 'unhandled exception')}"
        return "failed", f"exit code {returncode}"
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return "crashed", f"killed by {name}"
    return "failed", f"exit code {returncode}"


def popen_kwargs(os_name: str = os.name) -> dict[str, Any]:
    """Start the step as the leader of its own process group/session, so the whole tree
    can be killed at once."""
    if os_name == "nt":
        return {"creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0x200)}
    return {"start_new_session": True}


def kill_tree(
    pid: int,
    os_name: str = os.name,
    run: Callable[..., Any] = subprocess.run,
) -> None:
    """Kill ``pid`` and everything it started."""
    if os_name == "nt":
        # taskkill walks the parent/child links; /F forces, /T takes the tree.
        run(
            ["taskkill", "/T", "/F", "/PID", str(pid)], capture_output=True, timeout=60, check=False
        )
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def read_tail(path: Path, limit: int = TAIL) -> tuple[str, int]:
    size = path.stat().st_size
    with path.open("rb") as fh:
        if size > limit:
            fh.seek(size - limit)
        data = fh.read()
    text = data.decode("utf-8", "replace").replace("\r\n", "\n")
    if size > limit:
        text = "[... output cut ...]\n" + text.split("\n", 1)[-1]
    return text, size


def run(
    argv: Sequence[str],
    *,
    cwd: Path,
    env: dict[str, str],
    timeout: float,
    log: Path,
    max_output: int = MAX_OUTPUT,
    poll: float = 0.05,
) -> ProcResult:
    start = time.monotonic()
    timed_out = limited = False
    with log.open("wb") as out:
        proc = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            **popen_kwargs(),
        )
        try:
            while True:
                try:
                    proc.wait(timeout=poll)
                    break
                except subprocess.TimeoutExpired:
                    pass
                if time.monotonic() - start > timeout:
                    timed_out = True
                elif log.stat().st_size > max_output:
                    limited = True
                if timed_out or limited:
                    kill_tree(proc.pid)
                    proc.kill()
                    proc.wait()
                    break
        finally:
            if proc.poll() is None:  # interrupted (Ctrl-C): leave nothing running
                kill_tree(proc.pid)
                proc.kill()
                proc.wait()
        if os.name != "nt":
            # Whatever the step left behind in its session (daemons, orphans) goes too.
            kill_tree(proc.pid)
    duration = time.monotonic() - start
    tail, size = read_tail(log)
    return ProcResult(
        returncode=proc.returncode,
        timed_out=timed_out,
        output_limited=limited,
        duration=duration,
        output_tail=tail,
        output_bytes=size,
    )
