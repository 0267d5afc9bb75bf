"""Setting a laptop up: ``device setup`` (token, checks, scheduled task), ``device
self-check`` and ``device install-task``."""

from __future__ import annotations

import datetime as dt
import enum
import ntpath
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from woaport import envfacts, venv
from woaport.errors import BadInput, WoaportError
from woaport.settings import DeviceConfig

MIN_FREE_BYTES = 5 << 30
MIN_WINDOWS_BUILD = 22000  # Windows 11
TASK_NAME = "woaport-device-poll"
TASK_NS = "http://schemas.microsoft.com/windows/2004/02/mit/task"


@dataclass(frozen=True, kw_only=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


@dataclass(kw_only=True)
class SelfCheck:
    checks: list[Check]

    @property
    def exit_code(self) -> int:
        return 0 if all(c.ok for c in self.checks) else 1

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.exit_code == 0, "checks": [vars(c) for c in self.checks]}


def _repository_check(client: Any, name: str, repo: str, *, write: bool) -> Check:
    """Can the token read ``repo`` (and, for the outbox, write it)? GitHub says what the
    caller may do in the repository's ``permissions`` (``push``: write access)."""
    try:
        data = client.repository(repo)
    except WoaportError as exc:
        return Check(
            name=name, ok=False, detail=exc.message, fix="check the name and the token's access"
        )
    if not write:
        return Check(name=name, ok=True, detail="readable with the token")
    permissions = data.get("permissions") if isinstance(data, dict) else None
    may_push = isinstance(permissions, dict) and permissions.get("push") is True
    return Check(
        name=name,
        ok=may_push,
        detail="writable with the token" if may_push else "the token may read it, not write it",
        fix="give the token `Contents: read and write` on this repository (it is the only one "
        "the device writes)",
    )


def self_check(
    config: DeviceConfig,
    *,
    facts: dict[str, Any] | None = None,
    disk_free: Callable[[Path], int] | None = None,
    github_factory: Callable[[], Any] | None = None,
    token_lookup: Callable[[], Any] | None = None,
) -> SelfCheck:
    facts = facts or envfacts.collect()
    checks = []
    interp, emulated = facts.get("interpreter_machine"), facts.get("emulated")
    checks.append(
        Check(
            name="native-arm64-python",
            ok=interp == "ARM64" and emulated is False,
            detail=f"{facts['python']['sysconfig_platform']} python on a {facts.get('native_machine')} host"
            + (" (EMULATED)" if emulated else ""),
            fix="install the ARM64 build of Python (the 'Windows installer (ARM64)') and run woaport with it",
        )
    )
    build = facts.get("os_build")
    checks.append(
        Check(
            name="windows-build",
            ok=facts.get("os") == "Windows"
            and isinstance(build, int)
            and build >= MIN_WINDOWS_BUILD,
            detail=f"{facts.get('os')} {facts.get('os_release')} build {build}",
            fix=f"a Windows 11 on Arm device (build >= {MIN_WINDOWS_BUILD}) is what the queue is for",
        )
    )
    config.state_dir.mkdir(parents=True, exist_ok=True)
    free = (disk_free or (lambda p: shutil.disk_usage(p).free))(config.state_dir)
    checks.append(
        Check(
            name="free-disk",
            ok=free >= MIN_FREE_BYTES,
            detail=f"{free / (1 << 30):.1f} GiB free in {config.state_dir}",
            fix=f"free at least {MIN_FREE_BYTES >> 30} GiB, or move the state with --state-dir",
        )
    )
    checks.append(
        Check(
            name="allow-list",
            ok=bool(config.allow),
            detail=", ".join(config.allow) or "empty: every queue item would be refused",
            fix="add the repositories you trust: --allow OWNER/REPO or `allow = [...]` in the config",
        )
    )
    remote = [q.partition(":")[2] for q in config.queues if q.startswith(("github:", "hub:"))]
    if remote or config.outbox:
        from woaport import credentials
        from woaport.github import GitHub

        token = (token_lookup or credentials.device_token)()
        checks.append(
            Check(
                name="token",
                ok=token is not None,
                detail=f"a token {token.describe()}"
                if token
                else "no token: none in the credential store, no WOAPORT_TOKEN",
                fix="create a fine-grained token with `contents: write` on your outbox (or "
                "the queue repositories) and run `woaport device setup`",
            )
        )
        client = (
            github_factory()
            if github_factory
            else GitHub(token=token.value if token else "", retries=1, max_wait=5)
        )
        for repo in remote:
            checks.append(_repository_check(client, f"queue {repo}", repo, write=False))
        if config.outbox:
            checks.append(
                _repository_check(client, f"outbox {config.outbox}", config.outbox, write=True)
            )
    for queue in config.queues:
        if queue.startswith("dir:"):
            folder = Path(queue.removeprefix("dir:")).expanduser()
            ok = folder.is_dir() and os.access(folder, os.R_OK | os.W_OK)
            checks.append(
                Check(
                    name=f"queue {folder}",
                    ok=ok,
                    detail="readable and writable" if ok else "missing or not writable",
                    fix="create the folder or fix its permissions",
                )
            )
    uv = venv.find_uv()
    checks.append(
        Check(
            name="contract-runner",
            ok=uv is not None or _has_venv_pip(),
            detail=f"uv at {uv}"
            if uv
            else ("venv + pip (slower)" if _has_venv_pip() else "neither uv nor venv + pip"),
            fix="`pip install uv` into woaport's environment",
        )
    )
    return SelfCheck(checks=checks)


def _has_venv_pip() -> bool:
    try:
        import ensurepip  # noqa: F401
        import venv as _venv  # noqa: F401
    except ImportError:
        return False
    return True


# -- the scheduled task ---------------------------------------------------------------------

MIN_EVERY_MINUTES = 5  # a poll costs requests and a Python start: not more often than this
MAX_EVERY_MINUTES = 31 * 24 * 60  # the schema's repetitionType: Interval <= P31D
MAX_PATH = 260  # the schema's pathType (Command, WorkingDirectory)
# Task priority 4: NORMAL_PRIORITY_CLASS, normal thread, I/O and memory priority. 7 (the
# default) is BELOW_NORMAL_PRIORITY_CLASS with low I/O priority, "used for background
# tasks": it skews benchmarks. 5 and 6 lower the memory priority.
# https://learn.microsoft.com/en-us/windows/win32/taskschd/taskschedulerschema-priority-settingstype-element
PRIORITY_NORMAL = 4


class Logon(enum.StrEnum):
    """How the task logs on (the schema's logonType;
    https://learn.microsoft.com/en-us/windows/win32/api/taskschd/ne-taskschd-task_logon_type).

    ``password`` (the default) runs whether or not the owner is logged on, with a batch
    logon that has the owner's credential set: the token in Credential Manager is readable.
    Windows keeps the account password (asked once, by schtasks, never by woaport) and the
    task must be registered again when it changes. ``s4u`` stores no password, but such a
    logon has no credential set and "no access to ... encrypted files": the token must
    then come from WOAPORT_TOKEN, and registering it needs an elevated prompt.
    ``interactive`` runs only while the owner is logged on."""

    PASSWORD = "password"  # noqa: S105 - the logon type, not a password
    S4U = "s4u"
    INTERACTIVE = "interactive"

    @property
    def logon_type(self) -> str:
        return {"password": "Password", "s4u": "S4U", "interactive": "InteractiveToken"}[self]

    def describe(self) -> str:
        return {
            "password": "runs whether you are logged on or not (Windows asks for your "
            "account password once and keeps it)",
            "s4u": "runs whether you are logged on or not, no password kept (the token "
            "must be in WOAPORT_TOKEN: such a task cannot read Credential Manager)",
            "interactive": "runs only while you are logged on",
        }[self]


def task_interval(text: str) -> int:
    """``--every`` in whole minutes: a unit is required and 5 minutes is the least."""
    from woaport.settings import parse_duration

    bare = text.strip()
    if bare.replace(".", "", 1).isdigit():
        raise BadInput(f"--every {bare}: needs a unit: {bare}m (or {bare}h)")
    try:
        seconds = parse_duration(text)
    except BadInput as exc:
        raise BadInput(f"--every {text}: {exc.message}") from None
    if seconds < MIN_EVERY_MINUTES * 60:
        raise BadInput(
            f"--every {text}: at least {MIN_EVERY_MINUTES}m between polls (each costs "
            "requests and a Python start)"
        )
    if seconds % 60:
        raise BadInput(f"--every {text}: the task runs on whole minutes: write e.g. 15m")
    minutes = int(seconds // 60)
    if minutes > MAX_EVERY_MINUTES:
        raise BadInput(f"--every {text}: at most 31d (Task Scheduler's longest repetition)")
    return minutes


def iso_minutes(minutes: int) -> str:
    """An xs:duration of whole minutes, in days/hours/minutes (P1DT2H30M)."""
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    text = "P" + (f"{days}D" if days else "")
    if hours or mins or not days:
        text += "T" + (f"{hours}H" if hours else "") + (f"{mins}M" if mins or not hours else "")
    return text


def windowless_python(
    executable: str = sys.executable,
    os_name: str = os.name,
    exists: Callable[[str], bool] = os.path.isfile,
) -> str:
    """``pythonw.exe`` of the interpreter running woaport: beside ``python.exe`` in a
    Python install and in a virtual environment's ``Scripts\\`` alike, so the task starts
    the same install with no console window (closing a console would kill the poll)."""
    folder, name = ntpath.split(executable)
    if name.lower() == "pythonw.exe":
        return executable
    separator = "\\" if os_name == "nt" or "\\" in executable else "/"
    candidate = folder.rstrip("/\\") + separator + "pythonw.exe"
    if os_name == "nt" and not exists(candidate):
        raise BadInput(
            f"no pythonw.exe beside {executable}: pass --task-python with the windowless "
            "interpreter of the Python woaport is installed in"
        )
    return candidate


def current_user(environ: Mapping[str, str] | None = None) -> str:
    """DOMAIN\\name of the user running woaport (the account the task runs as)."""
    environ = os.environ if environ is None else environ
    import getpass

    name = environ.get("USERNAME") or getpass.getuser()
    domain = environ.get("USERDOMAIN")
    return f"{domain}\\{name}" if domain else name


@dataclass(frozen=True, kw_only=True)
class TaskSpec:
    """What the scheduled task runs, how often and as whom."""

    python: str  # the windowless interpreter
    every_minutes: int
    arguments: tuple[str, ...] = ()  # after ``-m woaport device poll --once``
    working_dir: str
    logon: Logon = Logon.PASSWORD
    user: str | None = None
    start: dt.datetime | None = None

    def command_line(self) -> str:
        # Windows command-line quoting (CommandLineToArgvW rules): paths may hold spaces.
        return subprocess.list2cmdline(
            ["-m", "woaport", "device", "poll", "--once", *self.arguments]
        )

    def describe(self) -> str:
        return (
            f"every {iso_minutes(self.every_minutes)[1:].replace('T', '').lower()}, "
            f"{self.logon.describe()}, no window ({ntpath.basename(self.python)}), "
            f"normal priority ({PRIORITY_NORMAL})"
        )

    def xml(self) -> str:
        """The task, in the Task Scheduler schema (tests validate it against the XSD)."""
        for what, path in (("--task-python", self.python), ("--state-dir", self.working_dir)):
            if len(path) > MAX_PATH:
                raise BadInput(f"{what} {path[:60]}...: Task Scheduler takes at most 260 chars")
        ET.register_namespace("", TASK_NS)

        def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
            element = ET.SubElement(parent, f"{{{TASK_NS}}}{tag}", attrs)
            if text is not None:
                element.text = text
            return element

        task = ET.Element(f"{{{TASK_NS}}}Task", {"version": "1.4"})
        info = sub(task, "RegistrationInfo")
        sub(info, "Description", "woaport: validate queued Windows-on-Arm wheels on this device")
        sub(info, "URI", f"\\{TASK_NAME}")
        trigger = sub(sub(task, "Triggers"), "TimeTrigger")
        # triggerBaseType is a sequence: Repetition, StartBoundary, ..., Enabled.
        repetition = sub(trigger, "Repetition")
        sub(repetition, "Interval", iso_minutes(self.every_minutes))
        sub(repetition, "StopAtDurationEnd", "false")
        begin = (self.start or dt.datetime.now()).replace(microsecond=0, second=0, tzinfo=None)
        sub(trigger, "StartBoundary", begin.isoformat())
        sub(trigger, "Enabled", "true")
        principal = sub(sub(task, "Principals"), "Principal", id="Author")
        if self.user:
            sub(principal, "UserId", self.user)
        sub(principal, "LogonType", self.logon.logon_type)
        sub(principal, "RunLevel", "LeastPrivilege")
        settings = sub(task, "Settings")
        for tag, value in [
            ("MultipleInstancesPolicy", "IgnoreNew"),
            ("DisallowStartIfOnBatteries", "false"),
            ("StopIfGoingOnBatteries", "false"),
            ("StartWhenAvailable", "true"),
            ("RunOnlyIfNetworkAvailable", "true"),
            ("ExecutionTimeLimit", "PT6H"),
            ("Priority", str(PRIORITY_NORMAL)),
            ("Enabled", "true"),
        ]:
            sub(settings, tag, value)
        action = sub(sub(task, "Actions", Context="Author"), "Exec")
        sub(action, "Command", self.python)
        sub(action, "Arguments", self.command_line())
        sub(action, "WorkingDirectory", self.working_dir)
        ET.indent(task)
        return (
            '<?xml version="1.0" encoding="UTF-16"?>\n'
            + ET.tostring(task, encoding="unicode")
            + "\n"
        )


def schtasks_argv(spec: TaskSpec, path: Path) -> list[str]:
    """schtasks /Create from the XML. With a ``password`` logon, ``/RU`` without ``/RP``:
    schtasks itself asks for the password ("If you omit this parameter ... SchTasks.exe
    prompts you for the password";
    https://learn.microsoft.com/en-us/windows-server/administration/windows-commands/schtasks-create),
    so woaport never sees it."""
    argv = ["schtasks", "/Create", "/TN", TASK_NAME, "/XML", str(path)]
    if spec.logon is Logon.PASSWORD:
        argv += ["/RU", spec.user or current_user()]
    return [*argv, "/F"]


def register_task(
    spec: TaskSpec,
    folder: Path,
    *,
    os_name: str = os.name,
    run: Callable[..., Any] = subprocess.run,
) -> Path:
    """Write the XML (UTF-16 with a BOM, as schtasks reads it) and register it."""
    if os_name != "nt":
        raise BadInput(
            "this registers a Windows scheduled task: run it on the device, or use --dry-run"
        )
    xml = spec.xml()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{TASK_NAME}.xml"
    path.write_text(xml, encoding="utf-16")
    argv = schtasks_argv(spec, path)
    if spec.logon is Logon.PASSWORD:  # schtasks talks to the owner: the password prompt
        result = run(argv, check=False)
        detail = ""
    else:
        result = run(argv, capture_output=True, text=True, check=False)
        detail = (result.stderr or result.stdout or "").strip()
    if result.returncode != 0:
        raise BadInput(
            f"schtasks refused the task{': ' + detail if detail else ''} (the XML is in {path})"
        )
    return path


def task_arguments(
    config: DeviceConfig, given: set[str], config_path: Path | str | None
) -> tuple[str, ...]:
    """What the task passes to ``device poll``: the config file, and the settings given
    on this command line or in this environment (the task does not see this shell's)."""
    extra: list[str] = []
    if config_path:
        extra += ["--config", str(config_path)]
    for queue in config.queues:
        extra += ["--queue", queue]
    for pattern in config.allow:
        extra += ["--allow", pattern]
    if "device_id" in given:
        extra += ["--device-id", config.device_id]
    if "outbox" in given and config.outbox:
        extra += ["--outbox", config.outbox]
    if "state_dir" in given:
        extra += ["--state-dir", str(config.state_dir)]
    return tuple(extra)


# -- `woaport device setup` --------------------------------------------------------------------


class TokenAction(enum.StrEnum):
    STORE = "store"  # keep the given token in the credential store
    KEEP = "keep"  # use the stored one, or WOAPORT_TOKEN
    NONE = "none"  # no token: public queues only


@dataclass(frozen=True, kw_only=True)
class SetupRequest:
    config: DeviceConfig
    task: TaskSpec
    token_action: TokenAction = TokenAction.KEEP
    token: str | None = field(default=None, repr=False)
    force: bool = False  # register the task even when self-check finds problems

    def __post_init__(self) -> None:
        if (
            self.needs_token
            and self.task.logon is Logon.S4U
            and self.token_action is TokenAction.STORE
        ):
            raise BadInput(
                "--logon s4u: such a task cannot read Credential Manager (its logon has no "
                "credential set); use --logon password, or --token keep with WOAPORT_TOKEN "
                "set as a user environment variable"
            )

    @property
    def needs_token(self) -> bool:
        return any(q.startswith("github:") for q in self.config.queues)


@dataclass(kw_only=True)
class SetupStep:
    name: str  # token, check, task
    action: str  # what is (or, in a plan, would be) done
    ok: bool | None = None  # None: planned, not done


@dataclass(kw_only=True)
class SetupResult:
    steps: list[SetupStep]
    task_xml: str
    dry_run: bool
    checks: SelfCheck | None = None

    @property
    def exit_code(self) -> int:
        return 1 if any(step.ok is False for step in self.steps) else 0

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.exit_code == 0,
            "dry_run": self.dry_run,
            "steps": [vars(step) for step in self.steps],
            "checks": self.checks.to_json() if self.checks else None,
            "task_xml": self.task_xml,
        }


def plan(request: SetupRequest, store: Any = None) -> list[SetupStep]:
    """What setup does, in the order a laptop owner would do it by hand."""
    from woaport import credentials

    if not request.needs_token:
        what = "no token needed: every queue is a folder"
    elif request.token_action is TokenAction.STORE:
        what = f"store the token in {credentials.store_name(store)}"
    elif request.token_action is TokenAction.NONE:
        what = "no token: only public github: queues can be read"
    else:
        found = credentials.device_token(store=store)
        what = (
            f"use the token {found.describe()}"
            if found
            else "no token found: give one (--token prompt, stdin or env) or set WOAPORT_TOKEN"
        )
    return [
        SetupStep(name="token", action=what),
        SetupStep(name="check", action="check this machine (woaport device self-check)"),
        SetupStep(
            name="task",
            action=f"register the scheduled task {TASK_NAME}: {request.task.describe()}",
        ),
    ]


def apply(
    request: SetupRequest,
    *,
    store: Any = None,
    checker: Callable[[DeviceConfig], SelfCheck] | None = None,
    os_name: str = os.name,
    run: Callable[..., Any] = subprocess.run,
) -> SetupResult:
    """Do the plan: token, checks, task. A step that fails stops the ones after it."""
    from woaport import credentials

    steps = plan(request, store)
    result = SetupResult(steps=steps, task_xml=request.task.xml(), dry_run=False)
    token_step, check, task = steps
    if request.needs_token and request.token_action is TokenAction.STORE:
        where = credentials.store_token(request.token or "", store)
        token_step.action, token_step.ok = f"stored the token in {where}", True
    elif request.needs_token and request.token_action is TokenAction.KEEP:
        found = credentials.device_token(store=store)
        token_step.ok = found is not None
        if found is not None:
            token_step.action = f"uses the token {found.describe()}"
    else:
        token_step.ok = True
    result.checks = (checker or self_check)(request.config)
    failing = [c.name for c in result.checks.checks if not c.ok]
    check.ok = not failing
    check.action = "self-check passed" if not failing else f"self-check: {', '.join(failing)}"
    if failing and not request.force:
        task.action = "task not registered: fix what self-check found (or pass --force)"
        task.ok = False
        return result
    path = register_task(request.task, request.config.state_dir, os_name=os_name, run=run)
    task.action = f"registered {TASK_NAME} ({path}): {request.task.describe()}"
    task.ok = True
    return result
