"""``Status``: ``inventory/status.json``, written by the controller, read by the README, the
status page and ``woaport inventory next``. Schema: ``woaport/data/status.schema.json``.

One ``PackageStatus`` per package (keyed by its canonical name): its ``State`` with the
stage and cause, the packages it waits for, its facts (and which sources were stale at the
last update), where it ranks by downloads, how many others wait on it, and the last
transitions of its state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from woaport.bounded import read_json
from woaport.documents.base import JsonObject, validate
from woaport.documents.facts import PackageFacts
from woaport.documents.states import State

STATUS_VERSION = 2
SOURCES = ("pypi", "ci", "queue", "pr")


@dataclass(frozen=True, kw_only=True)
class Transition:
    package: str
    before: State | None
    after: State
    at: str
    cause: str = ""

    def __str__(self) -> str:
        # One line: a cause may quote a device's reason or a build log (a line break there
        # would start a line of its own in the controller's output and commit message).
        cause = " ".join(self.cause.split())
        return f"{self.package}: {self.before or 'new'} -> {self.after} ({cause})"

    def to_json(self) -> JsonObject:
        return {
            "from": str(self.before) if self.before else None,
            "to": str(self.after),
            "at": self.at,
            "cause": self.cause,
        }


@dataclass(frozen=True, kw_only=True)
class PackageStatus:
    name: str
    state: State
    stage: str | None = None
    cause: str = ""
    blocked_by: tuple[str, ...] = ()
    facts: PackageFacts = field(default_factory=PackageFacts)
    stale: dict[str, bool] = field(default_factory=dict)
    since: str | None = None
    history: tuple[Transition, ...] = ()
    rank: int | None = None  # by downloads, in the top-N list; None: added by a person
    downloads: int | None = None  # in the top-N list's period (30 days)
    reach: int = 0  # how many packages of the inventory wait on this one (transitively)
    unblocks_downloads: int = 0  # their downloads together: the porting priority
    first_native: str | None = None  # the day it was first seen native; never moves

    @property
    def is_stale(self) -> bool:
        return any(self.stale.values())

    def to_json(self) -> JsonObject:
        return {
            "name": self.name,
            "state": str(self.state),
            "stage": self.stage,
            "cause": self.cause,
            "blocked_by": list(self.blocked_by),
            "facts": self.facts.to_json(),
            "stale": dict(sorted(self.stale.items())),
            "since": self.since,
            "history": [t.to_json() for t in self.history],
            "rank": self.rank,
            "downloads": self.downloads,
            "reach": self.reach,
            "unblocks_downloads": self.unblocks_downloads,
            "first_native": self.first_native,
        }


@dataclass(frozen=True, kw_only=True)
class TopSource:
    """Where the top-N list came from: its URL (or the committed snapshot) and its date."""

    source: str
    last_update: str | None
    count: int


@dataclass(frozen=True, kw_only=True)
class Status:
    updated: str | None = None
    top: TopSource | None = None
    packages: dict[str, PackageStatus] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Any, where: str = "status.json") -> Status:
        document = validate("status", data, where)
        top = document.get("top")
        return cls(
            updated=document["updated"],
            top=TopSource(**top) if top else None,
            packages={
                key: _package_from(key, raw, f"{where}: packages.{key}")
                for key, raw in document["packages"].items()
            },
        )

    def to_json(self) -> JsonObject:
        return {
            "status_version": STATUS_VERSION,
            "updated": self.updated,
            "top": vars(self.top) if self.top else None,
            "packages": {k: p.to_json() for k, p in sorted(self.packages.items())},
        }

    def state_of(self, key: str) -> State | None:
        entry = self.packages.get(key)
        return entry.state if entry else None


def _package_from(key: str, raw: JsonObject, where: str) -> PackageStatus:
    return PackageStatus(
        name=raw["name"],
        state=State(raw["state"]),
        stage=raw["stage"],
        cause=raw["cause"],
        blocked_by=tuple(raw["blocked_by"]),
        facts=PackageFacts.from_json(raw["facts"], where=f"{where}.facts"),
        stale=dict(raw["stale"]),
        since=raw["since"],
        history=tuple(
            Transition(
                package=key,
                before=State(h["from"]) if h["from"] else None,
                after=State(h["to"]),
                at=h["at"],
                cause=h["cause"],
            )
            for h in raw["history"]
        ),
        rank=raw["rank"],
        downloads=raw["downloads"],
        reach=raw["reach"],
        unblocks_downloads=raw["unblocks_downloads"],
        first_native=raw["first_native"],
    )


def read_status(path: Path) -> tuple[Status, JsonObject | None]:
    """``status.json`` typed, and as the JSON it was read from (None: no file yet, the
    first run, an empty status)."""
    if not path.is_file():
        return Status(), None
    data = read_json(path, f"{path} (restore it from git: the controller writes it)")
    status = Status.from_json(data, where=str(path))
    return status, data


def load_status(path: Path) -> Status:
    """``status.json``; a missing file is an empty status (the first run)."""
    return read_status(path)[0]
