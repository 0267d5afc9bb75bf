"""Setting a laptop up: ``device self-check`` and ``device install-task``."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from woaport import envfacts, venv
from woaport.errors import WoaportError
from woaport.settings import DeviceConfig
from woaport.views.base import Annotation, Line

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

    def text_lines(self) -> Iterator[Line]:
        for c in self.checks:
            yield Line(
                text=f"{'ok  ' if c.ok else 'FAIL'}  {c.name:<22} {c.detail}",
                style="ok" if c.ok else "error",
            )
            if not c.ok and c.fix:
                yield Line(text=f"      {'':<22} fix: {c.fix}", style="dim")

    def markdown(self) -> str:
        rows = ["| check | ok | detail |", "| --- | --- | --- |"]
        rows += [f"| {c.name} | {'yes' if c.ok else 'no'} | {c.detail} |" for c in self.checks]
        return "### woaport device self-check\n\n" + "\n".join(rows)

    def annotations(self) -> Iterator[Annotation]:
        for c in self.checks:
            if not c.ok:
                yield Annotation(
                    level="error", title=f"self-check {c.name}", message=f"{c.detail}. Fix: {c.fix}"
                )


def self_check(
    config: DeviceConfig,
    *,
    facts: dict[str, Any] | None = None,
    disk_free: Callable[[Path], int] | None = None,
    github_factory: Callable[[], Any] | None = None,
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
    github_queues = [q.removeprefix("github:") for q in config.queues if q.startswith("github:")]
    if github_queues:
        from woaport.github import GitHub, token_from_environment

        has_token = bool(token_from_environment())
        checks.append(
            Check(
                name="token",
                ok=has_token,
                detail="WOAPORT_TOKEN or GITHUB_TOKEN is set"
                if has_token
                else "no WOAPORT_TOKEN / GITHUB_TOKEN",
                fix="create a fine-grained token with `contents: write` on the queue repositories and set WOAPORT_TOKEN",
            )
        )
        client = github_factory() if github_factory else GitHub(retries=1, max_wait=5)
        for repo in github_queues:
            try:
                client.repository(repo)
                checks.append(
                    Check(name=f"queue {repo}", ok=True, detail="readable with the token")
                )
            except WoaportError as exc:
                checks.append(
                    Check(
                        name=f"queue {repo}",
                        ok=False,
                        detail=exc.message,
                        fix="check the name and the token's access",
                    )
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


def task_xml(
    *,
    python: str,
    every_seconds: float,
    extra_args: list[str],
    working_dir: str,
    start: dt.datetime | None = None,
) -> str:
    """Task Scheduler XML that runs ``python -m woaport device poll --once`` repeatedly."""
    ET.register_namespace("", TASK_NS)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{TASK_NS}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    minutes = max(1, round(every_seconds / 60))
    task = ET.Element(f"{{{TASK_NS}}}Task", {"version": "1.4"})
    info = sub(task, "RegistrationInfo")
    sub(
        info,
        "Description",
        "woaport: validate queued Windows-on-Arm wheels on this device and report back",
    )
    sub(info, "URI", f"\\{TASK_NAME}")
    trigger = sub(sub(task, "Triggers"), "TimeTrigger")
    begin = (start or dt.datetime.now()).replace(microsecond=0, second=0)
    sub(trigger, "StartBoundary", begin.isoformat())
    sub(trigger, "Enabled", "true")
    repetition = sub(trigger, "Repetition")
    sub(repetition, "Interval", f"PT{minutes}M")
    sub(repetition, "StopAtDurationEnd", "false")
    principal = sub(sub(task, "Principals"), "Principal", id="Author")
    sub(principal, "LogonType", "InteractiveToken")
    sub(principal, "RunLevel", "LeastPrivilege")
    settings = sub(task, "Settings")
    for tag, value in [
        ("MultipleInstancesPolicy", "IgnoreNew"),
        ("DisallowStartIfOnBatteries", "false"),
        ("StopIfGoingOnBatteries", "false"),
        ("StartWhenAvailable", "true"),
        ("RunOnlyIfNetworkAvailable", "true"),
        ("ExecutionTimeLimit", "PT6H"),
        ("Enabled", "true"),
    ]:
        sub(settings, tag, value)
    action = sub(sub(task, "Actions", Context="Author"), "Exec")
    sub(action, "Command", python)
    # Windows command-line quoting (CommandLineToArgvW rules): paths may hold spaces.
    arguments = subprocess.list2cmdline(["-m", "woaport", "device", "poll", "--once", *extra_args])
    sub(action, "Arguments", arguments)
    sub(action, "WorkingDirectory", working_dir)
    ET.indent(task)
    return (
        '<?xml version="1.0" encoding="UTF-16"?>\n' + ET.tostring(task, encoding="unicode") + "\n"
    )


def register_task(
    xml: str, folder: Path, *, os_name: str = os.name, run: Callable[..., Any] = subprocess.run
) -> Path:
    """Write the XML (UTF-16, as schtasks expects) and register it with schtasks."""
    if os_name != "nt":
        from woaport.errors import BadInput

        raise BadInput(
            "install-task registers a Windows scheduled task; run it on the device, or use --dry-run to see the XML"
        )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{TASK_NAME}.xml"
    path.write_text(xml, encoding="utf-16")
    result = run(
        ["schtasks", "/Create", "/TN", TASK_NAME, "/XML", str(path), "/F"],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        from woaport.errors import BadInput

        raise BadInput(f"schtasks refused the task: {(result.stderr or result.stdout).strip()}")
    return path


def this_python() -> str:
    return sys.executable
