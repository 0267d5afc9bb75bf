"""A device's result for one queue item: the verdict, why, and the contract report.

A device writes one per item (``result-<device>.json``); the controller reads them. It names
the manifest it judged by digest and the artifacts by sha256, so a result can only count for
the exact files it speaks of.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from woaport.documents.base import OMIT_NONE, Document
from woaport.documents.contract_report import ContractReport
from woaport.documents.manifest import ArtifactRecord
from woaport.documents.verdicts import Verdict

RESULT_VERSION = 1


@dataclass(frozen=True, kw_only=True)
class Interpreter(Document):
    """The interpreter a device chose for an item (or found none of)."""

    executable: str
    version: str  # "3.12.7"
    tags: tuple[str, ...] = ()  # the most specific first, as packaging.tags orders them
    emulated: bool | None = None


@dataclass(frozen=True, kw_only=True)
class DeviceResult(Document):
    SCHEMA = "device-result"

    result_version: int
    device_id: str
    item_id: str
    package: str
    version: str
    manifest_sha256: str
    artifacts: tuple[ArtifactRecord, ...]
    verdict: Verdict
    reason: str
    report: ContractReport | None
    finished: str
    woaport_version: str
    interpreter: Interpreter | None = field(default=None, metadata=OMIT_NONE)
