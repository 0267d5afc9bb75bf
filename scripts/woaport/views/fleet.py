"""Views of the device fleet: ``woaport fleet`` and the inventory README's devices section.

Both read ``fleet.json`` (the controller's record of each registered device). Outbox text
(hardware, Pythons, reasons) was written by strangers' machines: it is escaped for
Markdown and kept to one line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from woaport.documents.fleet import DeviceRecord, FleetStatus
from woaport.errors import BadInput
from woaport.files import parse_utc
from woaport.views.base import Annotation, Line, md_code, md_text


def silent(record: DeviceRecord, now: dt.datetime | None) -> bool:
    """Not seen for longer than its schedule (never seen counts as silent)."""
    from woaport.settings import parse_duration

    seen = parse_utc(record.last_seen)
    if seen is None or now is None:
        return record.silent if now is None else True
    try:
        schedule = parse_duration(record.schedule)
    except BadInput:
        return record.silent
    return (now - seen).total_seconds() > schedule


def _pythons(record: DeviceRecord) -> str:
    return ", ".join(record.pythons) or "not reported"


def readme_section(fleet: FleetStatus) -> list[str]:
    """The README's section: deterministic, from fleet.json only (the silent flag is the
    controller's, as of its last collection)."""
    lines = [
        "## Devices (devices.yml)",
        "",
        "Each registered device validates the items awaiting devices from the hub's index "
        "and writes its results to its own outbox; only those results count. "
        f"Last change: {fleet.updated or 'never'}. ⚠ silent: not seen for longer than "
        "its schedule.",
        "",
        "| device | owner | hardware | last seen | Pythons | validated | pass | fail | skipped |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for device_id, record in sorted(fleet.devices.items()):
        counts = record.counts()
        seen = record.last_seen or "never"
        if record.silent:
            seen += f" ⚠ silent (schedule {md_text(record.schedule, 20)})"
        outbox = f"[{md_text(device_id, 63)}](https://github.com/{record.outbox})"
        lines.append(
            f"| {outbox} | {md_text(record.owner, 40)} | {md_text(record.hardware, 100)} "
            f"| {seen} | {md_text(_pythons(record), 100)} | {counts['validated']} "
            f"| {counts['pass']} | {counts['fail']} | {counts['skipped']} |"
        )
    if fleet.ignored:
        lines += [
            "",
            f"{len(fleet.ignored)} file(s) found where results were expected were not "
            "counted (a result in a fork's release, or one that names an item or artifacts "
            "the hub does not know): see `woaport fleet` or fleet.json.",
        ]
    return lines


@dataclass(frozen=True, kw_only=True)
class FleetView:
    """``woaport fleet``: each device, whether it is silent now, what it reported."""

    fleet: FleetStatus
    now: dt.datetime

    def rows(self) -> list[dict[str, Any]]:
        rows = []
        for device_id, record in sorted(self.fleet.devices.items()):
            rows.append(
                {
                    "device": device_id,
                    "owner": record.owner,
                    "outbox": record.outbox,
                    "hardware": record.hardware,
                    "schedule": record.schedule,
                    "last_seen": record.last_seen,
                    "silent": silent(record, self.now),
                    "woaport_version": record.woaport_version,
                    "pythons": list(record.pythons),
                    **record.counts(),
                }
            )
        return rows

    @property
    def exit_code(self) -> int:
        return 1 if any(r["silent"] for r in self.rows()) else 0

    def to_json(self) -> dict[str, Any]:
        return {
            "hub": self.fleet.hub,
            "updated": self.fleet.updated,
            "devices": self.rows(),
            "ignored": [i.to_json() for i in self.fleet.ignored],
        }

    def text_lines(self) -> Iterator[Line]:
        rows = self.rows()
        if not rows:
            yield Line(text="no device is registered (inventory/devices.yml)", style="dim")
        for row in rows:
            seen = row["last_seen"] or "never"
            flag = f"  SILENT (schedule {row['schedule']})" if row["silent"] else ""
            yield Line(
                text=f"{row['device']} ({row['owner']}, {row['hardware']}): last seen {seen}{flag}",
                style="warning" if row["silent"] else "heading",
            )
            yield Line(
                text=f"  outbox {row['outbox']}; Pythons: {', '.join(row['pythons']) or 'not reported'}; "
                f"validated {row['validated']}: {row['pass']} pass, {row['fail']} fail, "
                f"{row['skipped']} skipped"
            )
        for ignored in self.fleet.ignored:
            yield Line(
                text=f"ignored {ignored.device_id}: {ignored.path}: {ignored.reason}", style="dim"
            )

    def markdown(self) -> str:
        lines = [
            "### woaport fleet",
            "",
            "| device | last seen | validated | pass | fail | skipped |",
        ]
        lines.append("| --- | --- | --- | --- | --- | --- |")
        for row in self.rows():
            seen = md_text(row["last_seen"] or "never") + (" ⚠ silent" if row["silent"] else "")
            lines.append(
                f"| {md_code(row['device'])} | {seen} | {row['validated']} | {row['pass']} "
                f"| {row['fail']} | {row['skipped']} |"
            )
        return "\n".join(lines)

    def annotations(self) -> Iterator[Annotation]:
        for row in self.rows():
            if row["silent"]:
                yield Annotation(
                    level="warning",
                    title="silent device",
                    message=f"{row['device']}: last seen {row['last_seen'] or 'never'}, "
                    f"schedule {row['schedule']}",
                )
