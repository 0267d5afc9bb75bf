"""The step host: the small process between woaport and a contract step.

``procs.run`` starts it as ``python -I -S stephost.py`` (or takes one ``procs.StepHost``
started ahead, during the install: it waits) and writes one JSON line on its stdin
(``argv``, ``cwd``); the host starts the step with its own environment, its stdin empty,
stdout and stderr both on the host's stdout (a pipe woaport reads and caps), then:

* reports on stderr, one ``EVENT_PREFIX`` JSON line each: ``started`` (the step's pid and
  start), ``tree`` (every process of the step's tree, when that set changes) and ``exit``
  (the step's exit status, once the tree is empty). Each line carries the request's
  ``token``, a secret of this run: the step runs as the same user and can open the host's
  stderr (``/proc/<host>/fd/2`` on Linux), and a ``started`` or ``exit`` line it wrote
  itself would reset or end its timeout; woaport reads lines with the token only;
* keeps the whole tree in hand, ``setsid()`` descendants included: a child subreaper on
  Linux, a Job Object that kills on close on Windows (see ``proctree``);
* empties the tree when the step exits (what it left running goes too), when woaport
  writes ``kill`` on its stdin (a timeout, the output cap), and when its stdin reaches end
  of file: woaport is gone (killed, even with SIGKILL), and the step must not run on beside
  the next poll's rerun.

It imports nothing outside the standard library and ``woaport.proctree``.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run by path, with -I: the package's parent is not on sys.path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from woaport import proctree

EVENT_PREFIX = b"@woaport-stephost "
TREE_EVERY = 0.1  # seconds between two looks at the tree
TICK = 0.005
EMPTY_WITHIN = 10.0  # seconds to empty the tree before giving up on a process that resists

CREATE_NEW_PROCESS_GROUP = 0x00000200
CREATE_NO_WINDOW = 0x08000000  # a console program started from pythonw gets no window


_token = b""  # the request's: set before the step starts, never seen by it


def event_prefix(token: str | bytes) -> bytes:
    """What starts each event line of a run with ``token``."""
    return EVENT_PREFIX + (token.encode() if isinstance(token, str) else token) + b" "


def emit(event: str, **fields: Any) -> None:
    line = event_prefix(_token) + json.dumps({"event": event, **fields}).encode() + b"\n"
    os.write(2, line)


def read_request() -> tuple[dict[str, Any], bytes]:
    """The JSON line woaport writes first, and what followed it. stdin is read from its file
    descriptor: a thread blocked in ``sys.stdin`` would hold its lock at interpreter exit."""
    data = b""
    while b"\n" not in data:
        chunk = os.read(0, 1 << 16)
        if not chunk:
            raise SystemExit("stephost: no request on stdin")
        data += chunk
    line, _, rest = data.partition(b"\n")
    return json.loads(line), rest


def watch_stdin(stop: threading.Event, pending: bytes, wake: int | None = None) -> None:
    """``kill`` on stdin, or its end (woaport is gone): empty the tree. ``wake``: a pipe to
    write to as well, for a loop that sleeps in ``select``."""
    data = pending
    try:
        while b"kill" not in data:
            chunk = os.read(0, 1 << 10)
            if not chunk:
                break
            data = data[-8:] + chunk
    except OSError:
        pass
    stop.set()
    if wake is not None:
        with contextlib.suppress(OSError):
            os.write(wake, b"!")


def exit_handle(pid: int) -> int | None:
    """A pidfd of ``pid`` (pidfd_open(2), Linux 5.3): readable once the process has exited,
    so a loop can sleep until then instead of looking every TICK. None without pidfds."""
    pidfd_open = getattr(os, "pidfd_open", None)
    if pidfd_open is None:
        return None
    try:
        return int(pidfd_open(pid))
    except OSError:
        return None


def spawn(argv: list[str], cwd: str, os_name: str) -> subprocess.Popen[bytes]:
    extra: dict[str, Any] = (
        {"creationflags": CREATE_NO_WINDOW | CREATE_NEW_PROCESS_GROUP}
        if os_name == "nt"
        else {"start_new_session": True}
    )
    return subprocess.Popen(
        argv,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=None,  # the host's stdout: the pipe woaport reads
        stderr=subprocess.STDOUT,
        **extra,
    )


def report_tree(tree: list[proctree.ProcessId], last: list[proctree.ProcessId]) -> bool:
    if tree == last:
        return False
    emit("tree", processes=[p.to_json() for p in tree])
    return True


# -- POSIX ----------------------------------------------------------------------------------


def reap(step_pid: int) -> tuple[int | None, bool]:
    """Collect every finished child (orphans come to the subreaper too): the step's exit
    status if it was among them, and whether any child is left."""
    code = None
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return code, False
        if pid == 0:
            return code, True
        if pid == step_pid:
            code = os.waitstatus_to_exitcode(status)


def empty_tree_posix(step_pid: int, code: int | None) -> int | None:
    """SIGKILL every descendant until this process has no child left. As a subreaper, a
    process with no child has no descendant either: orphans are re-parented to it."""
    me = os.getpid()
    deadline = time.monotonic() + EMPTY_WITHIN
    while True:
        for pid in proctree.linux_descendants(me):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        # without a subreaper (not Linux) the step's process group is what is known
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(step_pid, signal.SIGKILL)
        reaped, children_left = reap(step_pid)
        code = reaped if reaped is not None else code
        if not children_left or time.monotonic() > deadline:
            return code
        time.sleep(0.002)


def host_posix(argv: list[str], cwd: str, pending: bytes) -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # woaport decides; Ctrl-C reaches it
    proctree.become_subreaper()
    try:
        step = spawn(argv, cwd, "posix")
    except OSError as exc:
        emit("error", errno=exc.errno or 0, message=exc.strerror or str(exc), filename=exc.filename)
        return 0
    emit("started", pid=step.pid, start=proctree.start_of(step.pid, "posix"))
    stop = threading.Event()
    # The loop sleeps until the step exits (its pidfd), woaport asks (the wake pipe) or the
    # next look at the tree is due; without pidfds it looks every TICK.
    exited = exit_handle(step.pid)
    wake, woken = os.pipe()
    threading.Thread(target=watch_stdin, args=(stop, pending, woken), daemon=True).start()
    code: int | None = None
    last: list[proctree.ProcessId] = []
    next_look = 0.0
    while not stop.is_set():
        code, _ = reap(step.pid)
        if code is not None:
            break
        now = time.monotonic()
        if now >= next_look:
            tree = sorted(proctree.identify(proctree.linux_descendants(os.getpid())))
            if report_tree(tree, last):
                last = tree
            next_look = now + TREE_EVERY
        if exited is None:
            stop.wait(TICK)
        else:
            select.select([exited, wake], [], [], max(next_look - time.monotonic(), 0.0))
    code = empty_tree_posix(step.pid, code)
    step.returncode = code  # collected here, not by Popen
    emit("exit", returncode=code)
    return 0


# -- Windows --------------------------------------------------------------------------------


def host_windows(argv: list[str], cwd: str, pending: bytes) -> int:
    job = proctree.Job()
    job.assign_current_process()  # before the step starts: it and all it starts are in the job
    try:
        step = spawn(argv, cwd, "nt")
    except OSError as exc:
        emit("error", errno=exc.errno or 0, message=exc.strerror or str(exc), filename=exc.filename)
        return 0
    me = os.getpid()
    emit("started", pid=step.pid, start=proctree.start_of(step.pid, "nt"))
    stop = threading.Event()
    threading.Thread(target=watch_stdin, args=(stop, pending), daemon=True).start()
    last: list[proctree.ProcessId] = []
    next_look = 0.0
    while not stop.is_set() and step.poll() is None:
        now = time.monotonic()
        if now >= next_look:
            tree = sorted(proctree.identify(p for p in job.pids() if p != me))
            if report_tree(tree, last):
                last = tree
            next_look = now + TREE_EVERY
        stop.wait(TICK)
    deadline = time.monotonic() + EMPTY_WITHIN
    while (others := [p for p in job.pids() if p != me]) and time.monotonic() < deadline:
        for ident in proctree.identify(others):
            proctree.kill(ident, "nt")
        time.sleep(0.002)
    emit("exit", returncode=step.wait())
    return 0  # at exit the job's last handle closes: anything left in it is killed


def main() -> int:
    global _token
    request, pending = read_request()
    _token = str(request.get("token", "")).encode()
    argv = [str(a) for a in request["argv"]]
    cwd = str(request["cwd"])
    if os.name == "nt":
        return host_windows(argv, cwd, pending)
    return host_posix(argv, cwd, pending)


if __name__ == "__main__":
    code = main()
    # Nothing is left to flush (events go out with os.write): skip the interpreter's
    # shutdown, a tenth of the host's life, and the stdin thread blocked in its read.
    os._exit(code)
