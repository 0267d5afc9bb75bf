"""``woaport device``: what a Windows-on-Arm laptop runs."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from woaport import device as dev
from woaport import settings
from woaport.cli.reporter import Reporter
from woaport.devicesetup import (
    TASK_NAME,
    Logon,
    SetupRequest,
    SetupResult,
    TaskSpec,
    TokenAction,
    apply,
    current_user,
    plan,
    register_task,
    task_arguments,
    task_interval,
    windowless_python,
)
from woaport.errors import BadInput
from woaport.views.devicesetup import SetupView

SHARED = ("queues", "device_id", "allow", "state_dir")
RUNNING = (
    "outbox",
    "heartbeat",
    "python",
    "pythons",
    "emulated_pythons",
    "installer",
    "index_url",
    "max_attempts",
    "retry_base",
    "hub",
    "hub_refs",
    "provenance",
)


def _options(*names: str) -> Callable[[Any], Any]:
    """click options for these DeviceConfig fields, from the fields themselves. The options
    read no environment: the settings loader does (file < environment < command line)."""
    specs = {s.name: s for s in settings.settings_of(settings.DeviceConfig)}

    def decorate(function: Any) -> Any:
        for name in reversed(names):
            spec = specs[name]
            function = click.option(
                spec.option,
                spec.name,
                multiple=spec.many,
                metavar=spec.metavar,
                type=click.Choice(spec.choices) if spec.choices else None,
                help=f"{spec.help} {spec.help_suffix}",
            )(function)
        return function

    return decorate


def _shared(function: Any) -> Any:
    function = click.option(
        "--json", "json_output", is_flag=True, help="Print one JSON document on stdout."
    )(function)
    function = _options(*SHARED)(function)
    return click.option(
        "--config",
        "config_path",
        type=click.Path(path_type=Path, dir_okay=False),
        help=(
            f"Config file (TOML or YAML); given here, it must exist [env var: "
            f"{settings.CONFIG_ENV}; default: device.toml in the user config dir]."
        ),
    )(function)


def _config(options: dict[str, Any], *, need_queues: bool = True) -> settings.DeviceConfig:
    config_path = options.pop("config_path", None)
    return settings.load_device_config(options, config_path=config_path, need_queues=need_queues)


@click.group()
def device() -> None:
    """Run on a Windows-on-Arm laptop: poll the queues, validate, report.

    The laptop pulls; it is not a self-hosted runner. Set it up once:

    \b
      woaport device setup --queue github:me/fork --allow me/fork
    """
    # The scheduled task runs pythonw.exe, which has no stdout or stderr: what would be
    # printed is dropped (the poll keeps its own log).
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, Path(os.devnull).open("w", encoding="utf-8"))  # noqa: SIM115 - lives as long as the process


@device.command()
@_shared
@click.option("--once", is_flag=True, help="Poll once and exit (what the scheduled task does).")
@click.option("--every", metavar="DURATION", help="Poll forever, this often: 30s, 15m, 1h.")
@_options(*RUNNING)
@click.option(
    "--no-wait", is_flag=True, help="Exit at once when another poll is running, instead of waiting."
)
def poll(once: bool, every: str | None, no_wait: bool, json_output: bool, **options: Any) -> int:
    """Validate every queued item this device has not validated yet.

    For each item: refuse it unless its repository is on the allow-list; download the
    files and verify each sha256 against the manifest (a mismatch is reported as tampered,
    and nothing is installed); run the embedded contract in device mode; upload
    result-<device-id>.json. Safe to kill at any moment: the next poll resumes, and never
    publishes a result twice. Idle, it costs one conditional request per GitHub queue,
    and one per hub: subscription whatever the number of forks (results go to --outbox).
    """
    if once and every:
        raise click.UsageError("--once and --every exclude each other")
    config = _config(options)
    reporter = Reporter(json_output=json_output)
    poller = dev.Poller(config, log=reporter.info)
    interval = settings.parse_duration(every) if every else None
    while True:
        summary = poller.poll(wait_for_lock=0 if no_wait else -1)
        if json_output:
            sys.stdout.write(json.dumps(summary.to_json()) + "\n")
            sys.stdout.flush()
        if interval is None:
            return 1 if summary.queue_errors else 0
        time.sleep(interval)


@device.command(name="self-check")
@_shared
def self_check(json_output: bool, **options: Any) -> int:
    """Is this machine ready to validate wheels? Native ARM64 python (not emulated x64),
    Windows 11 build, free disk, token and queue access, allow-list, the runner's tools."""
    from woaport.devicesetup import self_check as run_checks
    from woaport.views.devicesetup import SelfCheckView

    config = _config(options, need_queues=False)
    result = run_checks(config)
    Reporter(json_output=json_output).emit(SelfCheckView(result))
    return result.exit_code


def _task_options(function: Any) -> Any:
    """The options that shape the scheduled task (setup and install-task share them)."""
    for decorator in reversed(
        [
            click.option(
                "--every",
                metavar="DURATION",
                help="How often the task polls, with its unit: 15m, 1h (at least 5m). [default: 15m]",
            ),
            click.option(
                "--logon",
                type=click.Choice([logon.value for logon in Logon]),
                help=(
                    "password: run whether you are logged on or not (Windows keeps your "
                    "account password; the token can stay in Credential Manager); s4u: the "
                    "same without keeping the password (the token must then be in "
                    "WOAPORT_TOKEN; needs an elevated prompt); interactive: only while you "
                    "are logged on. [default: password]"
                ),
            ),
            click.option(
                "--user",
                metavar="DOMAIN\\NAME",
                help="The account the task runs as. [default: you]",
            ),
            click.option(
                "--task-python",
                metavar="PATH",
                help="The windowless interpreter the task starts. [default: pythonw.exe "
                "beside the python running woaport]",
            ),
        ]
    ):
        function = decorator(function)
    return function


def _task_spec(
    config: settings.DeviceConfig,
    options: dict[str, Any],
    config_path: Path | str | None,
    every: str,
    logon: Logon,
    user: str | None,
    task_python: str | None,
) -> TaskSpec:
    given = settings.given_outside_the_file(options)
    return TaskSpec(
        python=task_python or windowless_python(),
        every_minutes=task_interval(every),
        arguments=task_arguments(config, given, config_path),
        working_dir=str(config.state_dir),
        logon=logon,
        user=user or (current_user() if logon is not Logon.INTERACTIVE else None),
    )


@device.command(name="install-task")
@_shared
@_task_options
@click.option(
    "--dry-run",
    is_flag=True,
    help="Print the Task Scheduler XML and register nothing (works on any OS).",
)
def install_task(
    every: str | None,
    logon: str | None,
    user: str | None,
    task_python: str | None,
    dry_run: bool,
    json_output: bool,
    **options: Any,
) -> int:
    """Register the Windows scheduled task that runs `device poll --once` every DURATION.

    The XML is always shown. `woaport device setup` does this and the rest (token, checks).
    """
    config_path = options.get("config_path") or os.environ.get(settings.CONFIG_ENV)
    config = _config(dict(options), need_queues=False)
    spec = _task_spec(
        config, options, config_path, every or "15m", Logon(logon or "password"), user, task_python
    )
    click.echo(spec.xml())
    if dry_run:
        return 0
    path = register_task(spec, config.state_dir)
    click.echo(f"registered task {TASK_NAME} from {path}", err=True)
    return 0


TOKEN_ANSWERS = ("prompt", "stdin", "env", "keep", "none")


@device.command()
@_shared
@_task_options
@click.option(
    "--token",
    "source",
    type=click.Choice(TOKEN_ANSWERS),
    help=(
        "Where the GitHub token comes from: prompt (typed, hidden), stdin (one line), env "
        "(WOAPORT_TOKEN, copied into the credential store), keep (what is stored, else "
        "WOAPORT_TOKEN), none (public queues only). [default: ask, or keep with --yes]"
    ),
)
@click.option("--dry-run", is_flag=True, help="Print the plan and the task XML; change nothing.")
@click.option("--yes", "-y", is_flag=True, help="Ask nothing: answers come from the options.")
@click.option("--force", is_flag=True, help="Register the task even if self-check finds problems.")
def setup(
    every: str | None,
    logon: str | None,
    user: str | None,
    task_python: str | None,
    source: str | None,
    dry_run: bool,
    yes: bool,
    force: bool,
    json_output: bool,
    **options: Any,
) -> int:
    """Set this laptop up: the token, a check of the machine, the scheduled task.

    \b
    1. The GitHub token goes to Windows Credential Manager (keyring), never to a file or a
       log; the device reads it from there, or from WOAPORT_TOKEN.
    2. self-check: native ARM64 Python, Windows 11, disk, queues, allow-list.
    3. A scheduled task that polls every DURATION whether or not you are logged on, with
       pythonw.exe (no window) at normal priority.

    Every question has an option; --yes asks none, --dry-run prints the plan.
    """
    if not dry_run and os.name != "nt":
        raise BadInput(
            "setup registers a Windows scheduled task: run it on the device, or use --dry-run"
        )
    interactive = not (yes or json_output) and _stdin_is_terminal()
    config_path = options.get("config_path") or os.environ.get(settings.CONFIG_ENV)
    options = dict(options)
    config = _config(dict(options), need_queues=False)
    if not config.queues:
        if not interactive:
            raise BadInput(
                "no queue to poll: pass --queue github:OWNER/REPO (or dir:PATH), or add "
                "`queues = [...]` to the device config"
            )
        answer = click.prompt("Queue to poll (github:OWNER/REPO or dir:PATH)")
        options["queues"] = tuple(answer.split())
    if not config.allow and interactive:
        repos = [q.removeprefix("github:") for q in options.get("queues") or config.queues]
        answer = click.prompt(
            "Repositories whose items may run here (OWNER/REPO, globs, space-separated)",
            default=" ".join(r for r in repos if not r.startswith("dir:")) or None,
        )
        options["allow"] = tuple(answer.split())
    config = _config(dict(options), need_queues=True)
    if every is None:
        every = click.prompt("Poll every", default="15m") if interactive else "15m"
    if logon is None:
        logon = (
            click.prompt(
                "Run the task: password = whether or not you are logged on (Windows keeps "
                "your password); interactive = only while logged on",
                type=click.Choice([logon.value for logon in Logon]),
                default="password",
            )
            if interactive
            else "password"
        )
    spec = _task_spec(config, options, config_path, every, Logon(logon), user, task_python)
    action, token = _token_answer(source, interactive, config)
    request = SetupRequest(config=config, task=spec, token_action=action, token=token, force=force)
    reporter = Reporter(json_output=json_output)
    if dry_run:
        result = SetupResult(steps=plan(request), task_xml=spec.xml(), dry_run=True)
        reporter.emit(SetupView(result=result))
        return 0
    if interactive and not click.confirm("Go ahead?", default=True):
        raise click.Abort()
    result = apply(request)
    reporter.emit(SetupView(result=result))
    return result.exit_code


def _stdin_is_terminal() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def _token_answer(
    source: str | None, interactive: bool, config: settings.DeviceConfig
) -> tuple[TokenAction, str | None]:
    """Where the token comes from, asked if need be. The value is never printed."""
    from woaport import credentials

    if not any(q.startswith("github:") for q in config.queues):
        return TokenAction.NONE, None
    if source is None:
        if not interactive:
            return TokenAction.KEEP, None
        stored = credentials.stored_token()
        if stored is not None and not click.confirm(
            f"A token is {stored.describe()}. Replace it?", default=False
        ):
            return TokenAction.KEEP, None
        source = "prompt"
    if source == "prompt":
        if not interactive:
            raise BadInput("--token prompt needs a terminal: use --token stdin or --token env")
        value = click.prompt(
            "GitHub token (fine-grained; contents: write on the queue repositories; hidden)",
            hide_input=True,
        )
        return TokenAction.STORE, credentials.check_token(value)
    if source == "stdin":
        return TokenAction.STORE, credentials.check_token(sys.stdin.readline())
    if source == "env":
        value = os.environ.get("WOAPORT_TOKEN", "")
        if not value.strip():
            raise BadInput("--token env: WOAPORT_TOKEN is not set in this shell")
        return TokenAction.STORE, credentials.check_token(value)
    return TokenAction(source), None


def _attach_trust_root() -> None:
    """`woaport device trust-root ...` (the Sigstore trusted root the provenance check uses)."""
    from woaport.cli.trust import trust_root

    device.add_command(trust_root, name="trust-root")


_attach_trust_root()
