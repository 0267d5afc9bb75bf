"""Running a step: a subprocess whose whole process tree is held and killed together, with
a timeout, its output copied to a log file and capped, and an exit status explained in
Windows and POSIX terms.

A step runs under the step host (``stephost.py``), which holds the tree (``setsid()``
descendants included), empties it when the step ends, times out or prints too much, and
when woaport itself dies. The output comes through a pipe that a thread drains into the
log, at most ``max_output`` bytes of it. The processes of a running step are recorded in a
ledger folder, so a poll that follows a killed one can reap what is left
(:func:`reap_leftovers`)."""

from __future__ import annotations

import contextlib
import json
import ntpath
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from woaport import clocks, proctree, stephost
from woaport.files import write_atomic

MAX_OUTPUT = 64 << 20  # a step printing more than this is killed
TAIL = 16 << 10  # how much of the end of the output a report keeps
HOST_GRACE = 10.0  # seconds the step host gets to empty a tree before it is killed itself
HOST_START = 120.0  # seconds the step host gets to start the step
CREATE_NEW_PROCESS_GROUP = 0x00000200
CREATE_NO_WINDOW = 0x08000000

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


def windowless(os_name: str = os.name) -> dict[str, Any]:
    """Popen arguments for a helper woaport starts and waits for (uv, pip, an interpreter
    probe, envfacts): on Windows, no console window (under the scheduled task woaport runs
    as ``pythonw.exe``, and a console program it starts would open one every poll)."""
    return {"creationflags": CREATE_NO_WINDOW} if os_name == "nt" else {}


def host_popen_kwargs(os_name: str = os.name) -> dict[str, Any]:
    """The step host runs apart from woaport's console: in its own session (a Ctrl-C in
    the terminal reaches woaport, which stops the step), with no window on Windows (a
    console program started by ``pythonw.exe`` would otherwise open one)."""
    if os_name == "nt":
        return {"creationflags": CREATE_NO_WINDOW | CREATE_NEW_PROCESS_GROUP}
    return {"start_new_session": True}


def console_python(
    executable: str = sys.executable, exists: Callable[[str], bool] = os.path.isfile
) -> str:
    """``python.exe`` beside a ``pythonw.exe`` (the scheduled task's interpreter): the step
    host writes to pipes, which a windowless interpreter may not have set up."""
    folder, name = ntpath.split(executable)  # ntpath splits on both / and \\
    if name.lower() == "pythonw.exe":
        candidate = ntpath.join(folder, "python.exe")
        if exists(candidate):
            return candidate
    return executable


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


class _Host:
    """What the threads reading the step host learn, and the one way to stop it."""

    def __init__(
        self,
        popen: subprocess.Popen[bytes],
        clock: clocks.Clock,
        ledger: Path | None,
        token: str = "",
    ):
        self.popen = popen
        self.prefix = stephost.event_prefix(token)  # lines without it are no events
        self.clock = clock
        self.ledger = ledger / f"{popen.pid}.json" if ledger is not None else None
        self.started = threading.Event()
        self.done = threading.Event()  # the host's stderr is closed: it has exited
        self.begin: float | None = None  # the clock when the step started
        self.end: float | None = None  # the clock when its tree was empty
        self.exit_seen = False
        self.returncode: int | None = None
        self.spawn_error: OSError | None = None
        self.limited = False
        self.written = 0
        self.problems: list[str] = []  # what the host printed that is no event
        self.tree: list[proctree.ProcessId] = []
        self.host_id = proctree.identify([popen.pid])
        self._lock = threading.Lock()
        self._stopped = False

    def stop(self) -> None:
        """Ask the host to empty the step's tree (idempotent; a dead host is no error)."""
        with self._lock:
            if self._stopped or self.popen.stdin is None:
                return
            self._stopped = True
            with contextlib.suppress(OSError, ValueError):
                self.popen.stdin.write(b"kill\n")
                self.popen.stdin.flush()

    def record(self) -> None:
        """The step's processes (and the host), for a later poll to reap if this one dies."""
        if self.ledger is None:
            return
        processes = [p.to_json() for p in [*self.host_id, *self.tree]]
        write_atomic(self.ledger, json.dumps({"processes": processes}).encode())

    def forget(self) -> None:
        if self.ledger is not None:
            self.ledger.unlink(missing_ok=True)

    def kill_recorded(self) -> None:
        for ident in [*self.tree, *self.host_id]:
            proctree.kill(ident)

    # -- the threads --------------------------------------------------------------------------

    def pump(self, source: IO[bytes], out: IO[bytes], cap: int) -> None:
        """Copy the step's output to the log, never more than ``cap`` bytes: past the cap
        the step is stopped and the rest is read and dropped (a full pipe would block it)."""
        fd = source.fileno()
        while chunk := os.read(fd, 1 << 16):
            room = cap - self.written
            if room > 0:
                out.write(chunk[:room])
                self.written += min(room, len(chunk))
            if len(chunk) > room and not self.limited:
                self.limited = True
                self.stop()

    def events(self, source: IO[bytes]) -> None:
        try:
            self._events(source)
        finally:
            self.done.set()
            self.started.set()

    def _events(self, source: IO[bytes]) -> None:
        while line := source.readline(1 << 20):
            if not line.startswith(self.prefix):
                if sum(map(len, self.problems)) < 4000:
                    self.problems.append(line.decode("utf-8", "replace").rstrip())
                continue
            try:
                event = json.loads(line[len(self.prefix) :])
            except ValueError:
                continue
            kind = event.get("event")
            if kind == "started":
                self.begin = self.clock()
                started = proctree.ProcessId.from_json([event.get("pid"), event.get("start")])
                self.tree = [started] if started else []
                self.record()
                self.started.set()
            elif kind == "tree":
                found = [proctree.ProcessId.from_json(p) for p in event.get("processes", [])]
                self.tree = [p for p in found if p is not None]
                self.record()
            elif kind == "exit":
                self.end = self.clock()
                code = event.get("returncode")
                self.returncode = code if isinstance(code, int) else None
                self.exit_seen = True
            elif kind == "error":
                self.spawn_error = OSError(
                    event.get("errno") or 0, str(event.get("message")), event.get("filename")
                )
                self.started.set()


class StepHost:
    """A step host started before its step is known: the host's interpreter start-up and
    imports, a good part of a short step's time, then overlap what the caller does
    meanwhile (the install, the step before). It waits for its request on stdin; one that
    is closed unused sees end of file there and exits (see ``stephost``). The step
    inherits the host's folder and environment, so :func:`run` takes a host only for the
    ``cwd`` and ``env`` it was started with."""

    def __init__(self, *, cwd: Path, env: dict[str, str]):
        self.cwd = cwd
        self.env = dict(env)
        self.popen = subprocess.Popen(
            [console_python(), "-I", "-S", str(Path(stephost.__file__))],
            cwd=cwd,
            env=self.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            **host_popen_kwargs(),
        )

    def close(self) -> None:
        """Stop a host that was never given a step (it has no child: nothing else to stop)."""
        if self.popen.poll() is None:
            self.popen.kill()
        for pipe in (self.popen.stdin, self.popen.stdout, self.popen.stderr):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()
        self.popen.wait()


def run(
    argv: Sequence[str],
    *,
    cwd: Path,
    env: dict[str, str],
    timeout: float,
    log: Path,
    max_output: int = MAX_OUTPUT,
    poll: float = 0.05,
    clock: clocks.Clock | None = None,
    ledger: Path | None = None,
    started_host: StepHost | None = None,
) -> ProcResult:
    """Run ``argv`` through the step host (``stephost.py``), which holds its whole process
    tree. The timeout counts ``clock`` (by default the awake time, ``clocks.awake_clock``:
    time the machine spends asleep is no step's time) from the moment the step started,
    to the millisecond; the log gets at most ``max_output`` bytes. With ``ledger`` (a folder),
    the tree's processes are recorded there while the step runs, for
    :func:`reap_leftovers`. ``started_host``: a :class:`StepHost` started earlier for this
    ``cwd`` and ``env`` (else one is started now); it is used up either way."""
    clock = clock or clocks.awake_clock()
    if started_host is not None and (started_host.cwd, started_host.env) != (cwd, env):
        started_host.close()
        raise ValueError("a step host runs its step in the folder and environment it has")
    host = (started_host or StepHost(cwd=cwd, env=env)).popen
    # the step never sees it (see stephost's docstring); os.urandom is what secrets.token_hex
    # reads, without the import of secrets (hmac, random, OpenSSL) on every start
    token = os.urandom(16).hex()
    watch = _Host(host, clock, ledger, token)
    timed_out = False
    stop_sent: float | None = None
    with log.open("wb") as out:
        if host.stdin is None or host.stdout is None or host.stderr is None:
            raise OSError("the step host has no pipes")
        readers = [
            threading.Thread(target=watch.pump, args=(host.stdout, out, max_output), daemon=True),
            threading.Thread(target=watch.events, args=(host.stderr,), daemon=True),
        ]
        for reader in readers:
            reader.start()
        try:
            request = {"argv": list(argv), "cwd": str(cwd), "token": token}
            with contextlib.suppress(OSError):
                host.stdin.write(json.dumps(request).encode() + b"\n")
                host.stdin.flush()
            launched = time.monotonic()
            while not watch.done.is_set():  # the host closes its stderr when it exits
                if not watch.started.is_set():
                    watch.started.wait(poll)
                    if time.monotonic() - launched > HOST_START:
                        host.kill()
                    continue
                wait = poll
                if watch.begin is not None and not timed_out and not watch.exit_seen:
                    remaining = timeout - (clock() - watch.begin)
                    if remaining <= 0:
                        timed_out = True
                        watch.stop()
                    else:
                        wait = min(poll, remaining)
                if (timed_out or watch.limited) and stop_sent is None:
                    stop_sent = time.monotonic()
                if stop_sent is not None and time.monotonic() - stop_sent > HOST_GRACE:
                    host.kill()  # the host does not answer: kill it and what it recorded
                    watch.kill_recorded()
                watch.done.wait(max(wait, 0.001))
            host.wait(timeout=HOST_GRACE)
        except BaseException:
            if host.poll() is None:  # interrupted (Ctrl-C): leave nothing running
                watch.stop()
                try:
                    host.wait(timeout=HOST_GRACE)
                except subprocess.TimeoutExpired:
                    host.kill()
                    host.wait()
            raise
        finally:
            if not watch.exit_seen:  # the host died before emptying the tree
                watch.kill_recorded()
            for reader in readers:
                reader.join(timeout=HOST_GRACE)
            with contextlib.suppress(OSError):
                host.stdin.close()
            watch.forget()
    if watch.spawn_error is not None:
        raise watch.spawn_error
    if not watch.exit_seen and not (timed_out or watch.limited):
        detail = "; ".join(watch.problems)[-2000:] or f"exit status {host.returncode}"
        raise OSError(f"the step host failed: {detail}")
    begin = watch.begin if watch.begin is not None else clock()
    duration = (watch.end if watch.end is not None else clock()) - begin
    tail, size = read_tail(log)
    return ProcResult(
        returncode=watch.returncode,
        timed_out=timed_out,
        output_limited=watch.limited,
        duration=duration,
        output_tail=tail,
        output_bytes=size,
    )


def reap_leftovers(ledger: Path) -> list[proctree.ProcessId]:
    """Kill what a killed poll's steps left running: every process recorded in ``ledger``
    that still exists *with the same start* (a reused pid is another process and is left
    alone). The records are removed. Returns the processes killed."""
    killed: list[proctree.ProcessId] = []
    if not ledger.is_dir():
        return killed
    for record in sorted(ledger.glob("*.json")):
        try:
            processes = json.loads(record.read_text(encoding="utf-8"))["processes"]
        except (OSError, ValueError, KeyError, TypeError):
            processes = []
        for value in processes if isinstance(processes, list) else []:
            ident = proctree.ProcessId.from_json(value)
            if ident is not None and proctree.kill(ident):
                killed.append(ident)
        record.unlink(missing_ok=True)
    return killed
