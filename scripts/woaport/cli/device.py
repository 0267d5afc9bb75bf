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
from woaport.errors import BadInput

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
      woaport device self-check --queue github:me/fork --allow me/fork
      woaport device install-task --every 15m --queue github:me/fork --allow me/fork
    """


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

    config_path = options.get("config_path") or os.environ.get(settings.CONFIG_ENV)
    given = settings.given_outside_the_file(options)
    config = _config(dict(options), need_queues=False)
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
    xml = task_xml(
        python=this_python(),
        every_seconds=settings.parse_duration(every),
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


def _attach_trust_root() -> None:
    """`woaport device trust-root ...` (the Sigstore trusted root the provenance check uses)."""
    from woaport.cli.trust import trust_root

    device.add_command(trust_root, name="trust-root")


_attach_trust_root()
