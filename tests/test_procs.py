"""A step's whole process tree, its output cap and its timeout, with real processes.

The steps below fork, call ``setsid()`` and double-fork daemons the way real test suites
and build tools do; "the poll" is a real woaport process killed with SIGKILL.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from woaport import procs, proctree, stephost

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").is_file(), reason="the POSIX branch is the Linux one"
)

# A step that leaves a daemon behind: fork, setsid() (a new session and process group, out
# of reach of a kill of the step's group), fork again; the daemon writes its pid and sleeps.
DAEMON = r"""
import os, sys, time
from pathlib import Path

def note(name, pid):
    tmp = Path(f".{name}.tmp")
    tmp.write_text(str(pid))
    os.replace(tmp, name)

child = os.fork()
if child == 0:
    os.setsid()
    if os.fork() == 0:
        note("daemon.pid", os.getpid())
        time.sleep(600)
    os._exit(0)
os.waitpid(child, 0)
while not Path("daemon.pid").exists():
    time.sleep(0.01)
note("step.pid", os.getpid())
"""

# "The poll": a woaport process running one step.
POLL = r"""
import sys
from pathlib import Path
from woaport import procs

work = Path(sys.argv[1])
procs.run(
    [sys.executable, "-c", sys.argv[2]],
    cwd=work,
    env={"PATH": ""},
    timeout=float(sys.argv[3]),
    log=work / "step.log",
    ledger=work / "ledger",
)
"""


def wait_for(path: Path, within: float = 30) -> int:
    deadline = time.monotonic() + within
    while not path.exists():
        if time.monotonic() > deadline:
            pytest.fail(f"{path.name} never appeared")
        time.sleep(0.02)
    return int(path.read_text())


def living(pid: int, start: str | None) -> bool:
    return start is not None and proctree.linux_start(pid) == start


def gone_within(idents: list[tuple[int, str | None]], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while any(living(pid, start) for pid, start in idents):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.fixture
def strays() -> Iterator[list[int]]:
    """Pids a failing test may leave running: killed at the end whatever happens."""
    pids: list[int] = []
    yield pids
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


def run_step(
    tmp_path: Path,
    code: str,
    timeout: float,
    env: dict[str, str] | None = None,
    **kwargs: object,
) -> procs.ProcResult:
    return procs.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={"PATH": ""} if env is None else env,
        timeout=timeout,
        log=tmp_path / "step.log",
        **kwargs,  # type: ignore[arg-type]
    )


def test_a_setsid_daemon_does_not_survive_the_timeout(tmp_path: Path, strays: list[int]) -> None:
    result = run_step(tmp_path, DAEMON + "time.sleep(600)\n", timeout=3)
    daemon = wait_for(tmp_path / "daemon.pid", within=1)
    strays.append(daemon)
    assert result.timed_out and result.status()[0] == "timeout"
    assert proctree.linux_start(daemon) is None, "the setsid() daemon outlived the timeout"


def test_a_daemon_left_by_a_step_that_passed_goes_with_it(
    tmp_path: Path, strays: list[int]
) -> None:
    result = run_step(tmp_path, DAEMON, timeout=60)
    daemon = wait_for(tmp_path / "daemon.pid", within=1)
    strays.append(daemon)
    assert result.returncode == 0 and not result.timed_out
    assert proctree.linux_start(daemon) is None


def start_poll(tmp_path: Path, step: str, timeout: float = 600) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", POLL, str(tmp_path), step, str(timeout)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def tree_of(tmp_path: Path, strays: list[int]) -> list[tuple[int, str | None]]:
    step = wait_for(tmp_path / "step.pid")
    daemon = wait_for(tmp_path / "daemon.pid")
    strays += [step, daemon]
    return [(step, proctree.linux_start(step)), (daemon, proctree.linux_start(daemon))]


def recorded(tmp_path: Path, pids: list[int], within: float = 10) -> Path:
    """The ledger file once it names all of ``pids``."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        for record in (tmp_path / "ledger").glob("*.json"):
            try:
                listed = {p[0] for p in json.loads(record.read_text())["processes"]}
            except (OSError, ValueError, KeyError):
                continue
            if set(pids) <= listed:
                return record
        time.sleep(0.02)
    pytest.fail(f"the ledger never named {pids}")


@pytest.mark.slow
def test_kill_9_of_the_poll_stops_the_step_and_its_daemon(
    tmp_path: Path, strays: list[int]
) -> None:
    poll = start_poll(tmp_path, DAEMON + "time.sleep(600)\n")
    strays.append(poll.pid)
    tree = tree_of(tmp_path, strays)
    assert all(start for _, start in tree)
    poll.send_signal(signal.SIGKILL)
    poll.wait()
    assert gone_within(tree, 10), "the step ran on after its poll was killed"


@pytest.mark.slow
def test_a_resumed_poll_reaps_what_a_killed_one_left(tmp_path: Path, strays: list[int]) -> None:
    poll = start_poll(tmp_path, DAEMON + "time.sleep(600)\n")
    strays.append(poll.pid)
    tree = tree_of(tmp_path, strays)
    record = recorded(tmp_path, [pid for pid, _ in tree])
    host = json.loads(record.read_text())["processes"][0][0]
    strays.append(host)
    # Everything woaport had in hand dies at once (a frozen poll cannot react): the step
    # and its daemon are orphans, running on.
    poll.send_signal(signal.SIGSTOP)
    os.kill(host, signal.SIGKILL)
    poll.send_signal(signal.SIGKILL)
    poll.wait()
    time.sleep(0.3)
    assert all(living(pid, start) for pid, start in tree)
    killed = procs.reap_leftovers(tmp_path / "ledger")
    assert {p.pid for p in killed} >= {pid for pid, _ in tree}
    assert gone_within(tree, 10)
    assert not list((tmp_path / "ledger").glob("*.json"))


@pytest.mark.slow
def test_when_the_host_dies_the_poll_kills_the_recorded_tree(
    tmp_path: Path, strays: list[int]
) -> None:
    poll = start_poll(tmp_path, DAEMON + "time.sleep(600)\n")
    strays.append(poll.pid)
    tree = tree_of(tmp_path, strays)
    record = recorded(tmp_path, [pid for pid, _ in tree])
    host = json.loads(record.read_text())["processes"][0][0]
    os.kill(host, signal.SIGKILL)
    _, err = poll.communicate(timeout=30)
    assert b"the step host failed" in err
    assert gone_within(tree, 10)


def test_reaping_checks_the_start_not_only_the_pid(tmp_path: Path, strays: list[int]) -> None:
    sleeper = subprocess.Popen(["sleep", "600"], start_new_session=True)
    strays.append(sleeper.pid)
    start = proctree.linux_start(sleeper.pid)
    assert start is not None
    ledger = tmp_path / "ledger"
    ledger.mkdir()
    # The same pid with another start: a process that has since reused the number.
    (ledger / "1.json").write_text(json.dumps({"processes": [[sleeper.pid, start + "0"]]}))
    assert procs.reap_leftovers(ledger) == []
    assert sleeper.poll() is None
    (ledger / "2.json").write_text(json.dumps({"processes": [[sleeper.pid, start]], "x": 1}))
    (ledger / "3.json").write_text("{not json")
    assert procs.reap_leftovers(ledger) == [proctree.ProcessId(sleeper.pid, start)]
    assert sleeper.wait(timeout=10) == -signal.SIGKILL
    assert not list(ledger.iterdir())


def test_the_ledger_is_gone_after_a_step(tmp_path: Path) -> None:
    result = run_step(tmp_path, "print('ok')", timeout=60, ledger=tmp_path / "ledger")
    assert result.returncode == 0 and result.output_tail == "ok\n"
    assert not list((tmp_path / "ledger").glob("*.json"))


def test_the_output_cap_caps_what_is_written(tmp_path: Path) -> None:
    # As fast as a process can print: 1 MiB per write.
    chatty = "import sys\nwhile True:\n    sys.stdout.buffer.write(b'x' * (1 << 20))\n"
    result = run_step(tmp_path, chatty, timeout=60, max_output=1 << 20)
    assert result.output_limited and result.status()[0] == "failed"
    assert (tmp_path / "step.log").stat().st_size == 1 << 20
    assert result.output_bytes == 1 << 20


def test_output_under_the_cap_is_whole(tmp_path: Path) -> None:
    code = "import sys\nsys.stdout.buffer.write(b'y' * 300000)\nsys.stderr.write('end')\n"
    result = run_step(tmp_path, code, timeout=60, max_output=1 << 20)
    assert not result.output_limited and result.returncode == 0
    assert (tmp_path / "step.log").read_bytes() == b"y" * 300000 + b"end"


@pytest.mark.parametrize("timeout", [0.001, 0.005, 0.02])
def test_a_timeout_under_50_ms_is_enforced(tmp_path: Path, timeout: float) -> None:
    # A poll of the process used to wait 50 ms before the first look at the clock: the step
    # is stopped sooner than that (25 ms of slack over the timeout for a loaded machine: a
    # CI run beside other jobs saw 30.2 ms for a 20 ms timeout)
    result = procs.run(
        ["/bin/sleep", "1"],
        cwd=tmp_path,
        env={"PATH": ""},
        timeout=timeout,
        log=tmp_path / "step.log",
    )
    assert result.timed_out, result
    assert result.duration < 0.045


def test_a_step_that_cannot_start_is_an_oserror(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="No such file"):
        procs.run(
            [str(tmp_path / "missing")],
            cwd=tmp_path,
            env={"PATH": ""},
            timeout=5,
            log=tmp_path / "step.log",
        )


def test_a_crash_keeps_its_signal(tmp_path: Path) -> None:
    result = run_step(tmp_path, "import os, signal; os.kill(os.getpid(), signal.SIGSEGV)", 60)
    assert result.status() == ("crashed", "killed by SIGSEGV")


def test_a_host_started_ahead_runs_the_step_it_is_given_later(tmp_path: Path) -> None:
    """A host started before its step (during the install) waits for its request: what the
    step sees (folder, environment) and what woaport learns (output, tree, exit) are the
    same as with a host started for it."""
    env = {"PATH": "", "WOAPORT_PROBE": "early"}
    host = procs.StepHost(cwd=tmp_path, env=env)
    time.sleep(0.3)  # the host is up and waiting
    assert host.popen.poll() is None
    code = "import os; print(os.getcwd(), os.environ['WOAPORT_PROBE']); raise SystemExit(3)"
    result = run_step(tmp_path, code, timeout=60, started_host=host, env=env)
    assert result.returncode == 3 and not result.timed_out
    assert result.output_tail == f"{tmp_path} early\n"
    assert host.popen.poll() is not None


def test_a_host_started_for_another_environment_is_refused(tmp_path: Path) -> None:
    """The step inherits the host's environment: a host started with another one would hand
    it variables the step must not see."""
    host = procs.StepHost(cwd=tmp_path, env={"PATH": "", "SECRET_OF_ANOTHER_RUN": "x"})
    with pytest.raises(ValueError, match="environment"):
        run_step(tmp_path, "print('never')", timeout=60, started_host=host)
    assert host.popen.poll() is not None  # used up: stopped, not left waiting
    assert not (tmp_path / "step.log").exists()


def test_a_host_never_given_a_step_is_stopped(tmp_path: Path) -> None:
    host = procs.StepHost(cwd=tmp_path, env={"PATH": ""})
    host.close()
    assert host.popen.returncode is not None
    assert proctree.linux_start(host.popen.pid) is None


def test_a_host_whose_woaport_is_gone_exits_on_its_own(tmp_path: Path) -> None:
    """End of file on a waiting host's stdin (woaport died before it had a step): it exits."""
    host = procs.StepHost(cwd=tmp_path, env={"PATH": ""})
    assert host.popen.stdin is not None
    host.popen.stdin.close()
    assert host.popen.wait(timeout=30) != 0
    host.close()


def test_the_hosts_exit_handle_wakes_it_when_the_step_exits(tmp_path: Path) -> None:
    """The host sleeps in select() on a pidfd of the step (Linux 5.3): readable once the
    step has exited, not before."""
    import select

    child = subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE
    )
    handle = stephost.exit_handle(child.pid)
    if handle is None:
        child.kill()
        child.wait()
        pytest.skip("no pidfd_open on this kernel or Python: the host looks every TICK")
    try:
        assert select.select([handle], [], [], 0.2)[0] == []  # running
        child.communicate(b"")  # end of its input: it exits
        assert select.select([handle], [], [], 10)[0] == [handle]
    finally:
        os.close(handle)


def test_without_pidfds_the_host_looks_every_tick(monkeypatch: pytest.MonkeyPatch) -> None:
    """macOS, and Linux before 5.3, have no pidfd_open: exit_handle says so, and the host
    falls back to looking at the step every TICK."""
    monkeypatch.delattr(os, "pidfd_open", raising=False)
    assert stephost.exit_handle(os.getpid()) is None


# -- the pieces, Windows branches included ---------------------------------------------------


def test_stat_is_read_past_a_command_name_with_parentheses(tmp_path: Path) -> None:
    (tmp_path / "42").mkdir()
    fields = ["S", "7"] + ["0"] * 17 + ["123456"] + ["0"] * 30
    (tmp_path / "42" / "stat").write_text(f"42 (evil) (name) 1 2) {' '.join(fields)}\n")
    (tmp_path / "sys/kernel/random").mkdir(parents=True)
    (tmp_path / "sys/kernel/random/boot_id").write_text("b00t\n")
    assert proctree.read_stat(42, tmp_path) == proctree.Stat(state="S", ppid=7, starttime=123456)
    assert proctree.linux_start(42, tmp_path) == "b00t:123456"
    (tmp_path / "42" / "stat").write_text(f"42 (zombie) Z 7 {' '.join(fields[2:])}\n")
    assert proctree.linux_start(42, tmp_path) is None  # finished, whatever its pid


def test_descendants_without_children_lists_come_from_a_scan(tmp_path: Path) -> None:
    def proc(pid: int, ppid: int) -> None:
        (tmp_path / str(pid) / "task" / str(pid)).mkdir(parents=True)
        (tmp_path / str(pid) / "stat").write_text(
            f"{pid} (p) S {ppid} " + " ".join(["0"] * 17) + " 99 0\n"
        )

    for pid, ppid in [(1, 0), (10, 1), (11, 10), (12, 11), (20, 1), (13, 10)]:
        proc(pid, ppid)
    assert sorted(proctree.linux_descendants(10, tmp_path)) == [11, 12, 13]
    (tmp_path / "10/task/10/children").write_text("11 13 ")
    (tmp_path / "11/task/11/children").write_text("12")
    for pid in (12, 13):
        (tmp_path / f"{pid}/task/{pid}/children").write_text("")
    assert sorted(proctree.linux_descendants(10, tmp_path)) == [11, 12, 13]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ([12, "b:34"], proctree.ProcessId(12, "b:34")),
        ([12, ""], None),
        ([0, "b:34"], None),
        ([True, "b:34"], None),
        (["12", "b:34"], None),
        ([12, "b:34", 5], None),
        ({"pid": 12}, None),
    ],
)
def test_recorded_processes_are_checked(value: object, expected: object) -> None:
    assert proctree.ProcessId.from_json(value) == expected


@pytest.mark.skipif(ctypes.sizeof(ctypes.c_void_p) != 8, reason="64-bit layout")
def test_job_object_structures_have_the_windows_x64_layout() -> None:
    # sizeof() on x64 Windows: JOBOBJECT_BASIC_LIMIT_INFORMATION 64, IO_COUNTERS 48,
    # JOBOBJECT_EXTENDED_LIMIT_INFORMATION 144 (winnt.h); SetInformationJobObject rejects a
    # buffer of another size with ERROR_BAD_LENGTH.
    assert ctypes.sizeof(proctree.BasicLimitInformation) == 64
    assert ctypes.sizeof(proctree.IoCounters) == 48
    assert ctypes.sizeof(proctree.ExtendedLimitInformation) == 144
    assert proctree.ExtendedLimitInformation.BasicLimitInformation.offset == 0
    assert proctree.BasicLimitInformation.LimitFlags.offset == 16


@pytest.mark.parametrize(
    ("executable", "present", "expected"),
    [
        (r"C:\Py313-arm64\pythonw.exe", True, r"C:\Py313-arm64\python.exe"),
        (r"C:\Py313-arm64\PYTHONW.EXE", True, r"C:\Py313-arm64\python.exe"),
        (r"C:\Py313-arm64\pythonw.exe", False, r"C:\Py313-arm64\pythonw.exe"),
        (r"C:\Py313-arm64\python.exe", True, r"C:\Py313-arm64\python.exe"),
        ("/usr/bin/python3", True, "/usr/bin/python3"),
    ],
)
def test_the_step_host_runs_on_a_console_python(
    executable: str, present: bool, expected: str
) -> None:
    assert procs.console_python(executable, exists=lambda _: present) == expected


@pytest.mark.parametrize(
    ("os_name", "expected"),
    [
        ("nt", {"creationflags": 0x08000000 | 0x00000200}),  # CREATE_NO_WINDOW | NEW_PROCESS_GROUP
        ("posix", {"start_new_session": True}),
    ],
)
def test_host_popen_kwargs(os_name: str, expected: dict[str, object]) -> None:
    assert procs.host_popen_kwargs(os_name) == expected
    assert (stephost.CREATE_NO_WINDOW, stephost.CREATE_NEW_PROCESS_GROUP) == (0x08000000, 0x200)


def test_a_poll_reaps_what_a_killed_one_left_before_it_starts(
    woaport: Callable[..., Any], tmp_path: Path, strays: list[int]
) -> None:
    sleeper = subprocess.Popen(["sleep", "600"], start_new_session=True)
    strays.append(sleeper.pid)
    state = tmp_path / "state"
    ledger = state / "running-steps"
    ledger.mkdir(parents=True)
    start = proctree.linux_start(sleeper.pid)
    (ledger / "4242.json").write_text(json.dumps({"processes": [[sleeper.pid, start]]}))
    (tmp_path / "queue").mkdir()
    result = woaport(
        "device", "poll", "--once", "--queue", f"dir:{tmp_path / 'queue'}", "--allow", "x/y",
        "--state-dir", state,
    )  # fmt: skip
    assert result.code == 0, result.err
    assert sleeper.wait(timeout=10) == -signal.SIGKILL
    log = (state / "logs" / "poll.log").read_text()
    assert f"killed process {sleeper.pid}, left running by an interrupted poll" in log


# -- sleep is not a timeout: the timeout counts the clock it is given ------------------------


def suspended_clock(after: float, asleep: float) -> Callable[[], float]:
    """Awake time on a machine that sleeps ``asleep`` seconds, ``after`` seconds from now:
    the clock stands still meanwhile, as CLOCK_MONOTONIC and QueryUnbiasedInterruptTime do."""
    origin = time.monotonic()

    def now() -> float:
        elapsed = time.monotonic() - origin
        return origin + elapsed - min(max(elapsed - after, 0.0), asleep)

    return now


def jumping_clock(by: float) -> Callable[[], float]:
    """A clock that counts the sleep (CLOCK_BOOTTIME, GetTickCount64): after the first
    reading it is ``by`` seconds ahead."""
    readings = iter([0.0])
    return lambda: next(readings, by) + time.monotonic()


def test_time_asleep_does_not_time_a_step_out(tmp_path: Path) -> None:
    # 1.5 s of wall time, 1.2 s of it "asleep": 0.3 s awake, under the 1 s timeout.
    result = run_step(
        tmp_path,
        "import time; time.sleep(1.5); print('done')",
        timeout=1.0,
        clock=suspended_clock(after=0.1, asleep=1.2),
    )
    assert not result.timed_out and result.returncode == 0, result
    assert result.duration < 1.0  # the report counts awake time too


def test_a_clock_that_counts_the_sleep_would_time_it_out(tmp_path: Path) -> None:
    result = run_step(
        tmp_path, "import time; time.sleep(30)", timeout=60, clock=jumping_clock(3600)
    )
    assert result.timed_out
    assert result.duration >= 3600


def test_the_default_clock_is_the_awake_clock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from woaport import clocks

    monkeypatch.setattr(clocks, "awake_clock", lambda: jumping_clock(3600))
    result = run_step(tmp_path, "import time; time.sleep(30)", timeout=60)
    assert result.timed_out


@pytest.mark.parametrize(
    ("os_name", "expected"), [("nt", {"creationflags": 0x08000000}), ("posix", {})]
)
def test_helpers_woaport_waits_for_open_no_console_window(
    os_name: str, expected: dict[str, int]
) -> None:
    """CREATE_NO_WINDOW (learn.microsoft.com, Process Creation Flags): under the task,
    woaport is pythonw.exe, and each uv/pip/probe it starts would otherwise flash a console."""
    from woaport.procs import windowless

    assert windowless(os_name) == expected
