"""``woaport fleet``: the registered devices, when each was last seen, what it reported."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click

from woaport.cli.inventory import INVENTORY
from woaport.cli.reporter import Reporter


@click.command()
@INVENTORY
@click.option("--json", "json_output", is_flag=True, help="Print one JSON document on stdout.")
def fleet(folder: Path, json_output: bool) -> int:
    """The devices the hub trusts (devices.yml) and what the controller collected from
    their outboxes (fleet.json): last seen, Pythons, items validated, pass/fail/skipped,
    and the files it did not count. A device not seen for longer than its schedule is
    flagged SILENT; then the exit code is 1.

    \b
    Examples:
      woaport fleet                         the hub checkout's inventory/
      woaport fleet --inventory path/to/inventory --json
    """
    from woaport.documents.fleet import DeviceRecord, FleetStatus
    from woaport.errors import BadInput
    from woaport.files import parse_utc, utc_now
    from woaport.fleet import FLEET_FILE, REGISTRY_FILE, load_fleet, load_registry
    from woaport.views.fleet import FleetView

    registry = load_registry(folder / REGISTRY_FILE)
    if registry is None:
        raise BadInput(
            f"{folder / REGISTRY_FILE}: no such file; register devices there (see the README, "
            "'For hub maintainers') or pass --inventory"
        )
    status = load_fleet(folder / FLEET_FILE) or FleetStatus(hub=registry.hub)
    devices = {}
    for device in registry.devices:  # what devices.yml says now, what fleet.json knows
        known = status.devices.get(device.id)
        base = known or DeviceRecord(
            owner=device.owner, outbox=device.outbox, hardware=device.hardware, schedule=""
        )
        devices[device.id] = dataclasses.replace(
            base,
            owner=device.owner,
            outbox=device.outbox,
            hardware=device.hardware,
            schedule=device.schedule,
        )
    view = FleetView(fleet=dataclasses.replace(status, devices=devices), now=parse_utc(utc_now()))  # type: ignore[arg-type]
    Reporter(json_output=json_output).emit(view)
    return view.exit_code
