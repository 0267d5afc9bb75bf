"""``woaport device``: what a Windows-on-Arm laptop runs."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import click

from woaport import device as dev
from woaport.cli.reporter import Reporter
from woaport.errors import BadInput


def _shared(function: Any) -> Any:
    options = [
        click.option(
            "--config",
            "config_path",
            type=click.Path(path_type=Path, dir_okay=False),
            envvar="WOAPORT_DEVICE_CONFIG",
            help="Config file (TOML or YAML) [env var: WOAPORT_DEVICE_CONFIG; default: device.toml in the user config dir].",
        ),
        click.option(
            "--queue",
            "queues",
            multiple=True,
            envvar="WOAPORT_QUEUES",
            help="dir:PATH or github:OWNER/REPO; repeatable [env var: WOAPORT_QUEUES, space-separated].",
        ),
        click.option(
            "--device-id",
            envvar="WOAPORT_DEVICE_ID",
            help="This device's name in results [env var: WOAPORT_DEVICE_ID; default: the host name].",
        ),
        click.option(
            "--allow",
            multiple=True,
            envvar="WOAPORT_ALLOW",
            help="A repository (OWNER/REPO, globs allowed) whose items may run here; repeatable [env var: WOAPORT_ALLOW].",
        ),
        click.option(
            "--state-dir",
            type=click.Path(path_type=Path, file_okay=False),
            envvar="WOAPORT_STATE_DIR",
            help="State, results and logs [env var: WOAPORT_STATE_DIR; default: the user data dir].",
        ),
        click.option(
            "--json", "json_output", is_flag=True, help="Print one JSON document on stdout."
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _config(options: dict[str, Any], *, need_queues: bool = True) -> dev.DeviceConfig:
    path = options.pop("config_path", None) or dev.default_config_path()
    settings = dev.read_config_file(path)
    for key in ("queues", "allow"):
        # click already splits WOAPORT_QUEUES/WOAPORT_ALLOW on whitespace (multiple=True);
        # a value given as an option stays whole, so a path may hold spaces.
        options[key] = list(options.get(key) or ()) or None
    return dev.resolve_config(options, settings, need_queues=need_queues)


@click.group()
def device() -> None:
    """Run on a Windows-on-Arm laptop: poll the queues, validate, report.

    The laptop pulls; it is not a self-hosted runner. Set it up once:

    \b
      woaport device self-check --queue github:me/fork --allow me/fork
      woaport device install-task --every 15m --queue github:me/fork --allow me/fork
    """


@device.command()
@_shared
@click.option("--once", is_flag=True, help="Poll once and exit (what the scheduled task does).")
@click.option("--every", metavar="DURATION", help="Poll forever, this often: 30s, 15m, 1h.")
@click.option(
    "--python",
    envvar="WOAPORT_DEVICE_PYTHON",
    help="Base interpreter for contract environments [env var: WOAPORT_DEVICE_PYTHON; default: this one].",
)
@click.option(
    "--installer",
    type=click.Choice(["auto", "uv", "pip"]),
    envvar="WOAPORT_INSTALLER",
    help="How contract environments are made [env var: WOAPORT_INSTALLER; default: auto].",
)
@click.option(
    "--index-url",
    envvar="WOAPORT_INDEX_URL",
    help="Index for the contracts' `requires` [env var: WOAPORT_INDEX_URL].",
)
@click.option(
    "--max-attempts",
    type=int,
    envvar="WOAPORT_MAX_ATTEMPTS",
    help="Tries per item before it is marked failed [env var: WOAPORT_MAX_ATTEMPTS; default: 5].",
)
@click.option(
    "--retry-base",
    metavar="DURATION",
    envvar="WOAPORT_RETRY_BASE",
    help="First retry delay, doubled each time [env var: WOAPORT_RETRY_BASE; default: 300s].",
)
@click.option(
    "--no-wait", is_flag=True, help="Exit at once when another poll is running, instead of waiting."
)
def poll(once: bool, every: str | None, no_wait: bool, json_output: bool, **options: Any) -> int:
    """Validate every queued item this device has not validated yet.

    For each item: refuse it unless its repository is on the allow-list; download the
    files and verify each sha256 against the manifest (a mismatch is reported as tampered,
    and nothing is installed); run the embedded contract in device mode; upload
    result-<device-id>.json. Safe to kill at any moment: the next poll resumes, and never
    publishes a result twice. Idle, it costs one conditional request per GitHub queue.
    """
    if once and every:
        raise click.UsageError("--once and --every exclude each other")
    config = _config(options)
    reporter = Reporter(json_output=json_output)
    poller = dev.Poller(config, log=reporter.info)
    interval = dev.parse_duration(every) if every else None
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

    config = _config(options, need_queues=False)
    result = run_checks(config)
    Reporter(json_output=json_output).emit(result)
    return result.exit_code


@device.command(name="install-task")
@_shared
@click.option(
    "--every",
    default="15m",
    show_default=True,
    metavar="DURATION",
    help="How often the task polls.",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Print the Task Scheduler XML and register nothing (works on any OS).",
)
def install_task(every: str, dry_run: bool, json_output: bool, **options: Any) -> int:
    """Register a Windows Task Scheduler task that runs `device poll --once` every DURATION.

    The XML is always shown. The task runs as the logged-on user (so WOAPORT_TOKEN from the
    user's environment applies), only with network, one instance at a time.
    """
    from woaport.devicesetup import register_task, task_xml, this_python

    config_path = options.get("config_path")
    config = _config(dict(options), need_queues=False)
    extra: list[str] = []
    if config_path:
        extra += ["--config", str(config_path)]
    for queue in config.queues:
        extra += ["--queue", queue]
    for pattern in config.allow:
        extra += ["--allow", pattern]
    if options.get("device_id"):
        extra += ["--device-id", config.device_id]
    if options.get("state_dir"):
        extra += ["--state-dir", str(config.state_dir)]
    xml = task_xml(
        python=this_python(),
        every_seconds=dev.parse_duration(every),
        extra_args=extra,
        working_dir=str(config.state_dir),
    )
    click.echo(xml)
    if dry_run:
        return 0
    try:
        path = register_task(xml, config.state_dir)
    except BadInput:
        raise
    click.echo(f"registered task woaport-device-poll from {path}", err=True)
    return 0
