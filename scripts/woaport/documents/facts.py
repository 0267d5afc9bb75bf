"""``PackageFacts``: what the controller's collectors found out about one package.

Four sources, each its own part: the package index (``IndexFacts``: what the latest
release offers Windows on Arm, per Python, whether an earlier release did better, what it
requires), the fork's port workflow (``RunFacts``), the fork's device queue
(``QueueFacts``) and the upstream pull request packages.yml records (``PullFacts``). Schema: ``woaport/data/facts.schema.json``. Nothing here decides a state:
:func:`woaport.inventory.assess` does.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from woaport.documents.base import JsonObject, validate
from woaport.documents.verdicts import Verdict
from woaport.errors import InvalidDocument

# The interpreters the tracker reports coverage for: CPython 3.11 to 3.15, and the
# free-threaded builds (PEP 703: ABI tag with a "t") from 3.13 on.
TARGETS = ("cp311", "cp312", "cp313", "cp314", "cp315", "cp313t", "cp314t", "cp315t")


class Kind(enum.StrEnum):
    """What the latest release of a project offers Windows on Arm."""

    NATIVE = "native"  # a win_arm64 wheel (py3-none-win_arm64 included)
    PURE = "pure"  # a wheel that installs anywhere (py3-none-any)
    NEEDS_PORTING = "needs-porting"  # wheels with native code, none for win_arm64
    SDIST_ONLY = "sdist-only"  # no wheel at all: pip builds it from source
    NO_FILES = "no-files"  # nothing installable (or not on the index)


@dataclass(frozen=True, kw_only=True)
class Regression:
    """An earlier release had win_arm64 wheels; the latest has none."""

    last_native: str  # the newest version with a win_arm64 wheel: pip --only-binary gets it
    latest: str
    latest_has_sdist: bool  # plain pip builds ``latest`` from source instead

    @property
    def pip_installs(self) -> str:
        if self.latest_has_sdist:
            return (
                f"pip builds {self.latest} from source; "
                f"--only-binary=:all: installs {self.last_native}"
            )
        return f"pip installs {self.last_native}"


@dataclass(frozen=True, kw_only=True)
class IndexFacts:
    version: str | None
    kind: Kind
    pythons: tuple[str, ...] = ()  # win_arm64 labels: cp312, cp313t, cp311+abi3, py3
    coverage: tuple[str, ...] = ()  # the TARGETS a win_arm64 wheel of the release serves
    regressed: Regression | None = None
    # The latest has no wheel for Windows on Arm: the newest earlier release with one
    # (win_arm64 or pure), which pip --only-binary=:all: installs instead.
    binary_fallback: str | None = None
    requires: tuple[str, ...] | None = None  # required on win_arm64; None: not known
    checked: str | None = None

    def to_json(self) -> JsonObject:
        return _index_to(self)

    @classmethod
    def from_json(cls, data: Any, where: str = "index facts") -> IndexFacts:
        """Index facts on their own (the controller caches them by the page's ETag)."""
        document = validate("facts", {"pypi": data}, where)
        facts = _index_from(document["pypi"])
        if facts is None:
            raise InvalidDocument(f"{where}: no index facts")
        return facts


@dataclass(frozen=True, kw_only=True)
class RunFacts:
    run_id: int
    run_number: int | None = None
    status: str | None = None
    conclusion: str | None = None
    head_sha: str | None = None
    url: str | None = None
    created_at: str | None = None
    diagnosis: str | None = None


@dataclass(frozen=True, kw_only=True)
class DeviceFacts:
    verdict: Verdict
    finished: str | None = None
    reason: str = ""
    # The device's native/emulated benchmark ratio (DeviceResult.emulation): below 1, faster.
    native_vs_emulated: float | None = None


@dataclass(frozen=True, kw_only=True)
class QueueFacts:
    item_id: str | None = None
    artifact: str | None = None
    artifact_sha256: str | None = None
    payload: Verdict = Verdict.UNKNOWN
    ci_verdict: Verdict = Verdict.UNKNOWN
    devices: dict[str, DeviceFacts] = field(default_factory=dict)


class PullState(enum.StrEnum):
    """An upstream pull request as GitHub reports it (``state`` open/closed and ``merged``:
    https://docs.github.com/rest/pulls/pulls#get-a-pull-request)."""

    OPEN = "open"
    MERGED = "merged"
    CLOSED = "closed"  # closed without merging


@dataclass(frozen=True, kw_only=True)
class PullFacts:
    """The upstream pull request packages.yml names (``upstream_pr``), as the API last
    said: the controller reads it on every refresh (conditionally)."""

    url: str
    state: PullState
    merged_at: str | None = None
    closed_at: str | None = None


@dataclass(frozen=True, kw_only=True)
class PackageFacts:
    pypi: IndexFacts | None = None
    ci: RunFacts | None = None
    queue: QueueFacts | None = None
    pr: PullFacts | None = None

    @classmethod
    def from_json(cls, data: Any, where: str = "facts") -> PackageFacts:
        document = validate("facts", data, where)
        return cls(
            pypi=_index_from(document.get("pypi")),
            ci=RunFacts(**document["ci"]) if document.get("ci") else None,
            queue=_queue_from(document.get("queue")),
            pr=_pull_from(document.get("pr")),
        )

    def to_json(self) -> JsonObject:
        return {
            "pypi": _index_to(self.pypi) if self.pypi else None,
            "ci": {k: v for k, v in vars(self.ci).items()} if self.ci else None,
            "queue": _queue_to(self.queue) if self.queue else None,
            "pr": _pull_to(self.pr) if self.pr else None,
        }


def _index_from(raw: JsonObject | None) -> IndexFacts | None:
    if raw is None:
        return None
    regressed = raw.get("regressed")
    requires = raw.get("requires")
    return IndexFacts(
        version=raw.get("version"),
        kind=Kind(raw["kind"]),
        pythons=tuple(raw.get("pythons", ())),
        coverage=tuple(raw.get("coverage", ())),
        regressed=Regression(**regressed) if regressed else None,
        binary_fallback=raw.get("binary_fallback"),
        requires=tuple(requires) if requires is not None else None,
        checked=raw.get("checked"),
    )


def _index_to(facts: IndexFacts) -> JsonObject:
    return {
        "version": facts.version,
        "kind": str(facts.kind),
        "pythons": list(facts.pythons),
        "coverage": list(facts.coverage),
        "regressed": vars(facts.regressed) if facts.regressed else None,
        "binary_fallback": facts.binary_fallback,
        "requires": list(facts.requires) if facts.requires is not None else None,
        "checked": facts.checked,
    }


def _queue_from(raw: JsonObject | None) -> QueueFacts | None:
    if raw is None:
        return None
    return QueueFacts(
        item_id=raw.get("item_id"),
        artifact=raw.get("artifact"),
        artifact_sha256=raw.get("artifact_sha256"),
        payload=Verdict(raw.get("payload", "unknown")),
        ci_verdict=Verdict(raw.get("ci_verdict", "unknown")),
        devices={
            device: DeviceFacts(
                verdict=Verdict(d["verdict"]),
                finished=d.get("finished"),
                reason=d.get("reason", ""),
                native_vs_emulated=d.get("native_vs_emulated"),
            )
            for device, d in raw.get("devices", {}).items()
        },
    )


def _queue_to(facts: QueueFacts) -> JsonObject:
    return {
        "item_id": facts.item_id,
        "artifact": facts.artifact,
        "artifact_sha256": facts.artifact_sha256,
        "payload": str(facts.payload),
        "ci_verdict": str(facts.ci_verdict),
        "devices": {
            device: {
                "verdict": str(d.verdict),
                "finished": d.finished,
                "reason": d.reason,
                **(
                    {"native_vs_emulated": d.native_vs_emulated}
                    if d.native_vs_emulated is not None
                    else {}
                ),
            }
            for device, d in sorted(facts.devices.items())
        },
    }


def _pull_from(raw: JsonObject | None) -> PullFacts | None:
    if raw is None:
        return None
    return PullFacts(
        url=raw["url"],
        state=PullState(raw["state"]),
        merged_at=raw.get("merged_at"),
        closed_at=raw.get("closed_at"),
    )


def _pull_to(facts: PullFacts) -> JsonObject:
    return {
        "url": facts.url,
        "state": str(facts.state),
        "merged_at": facts.merged_at,
        "closed_at": facts.closed_at,
    }
