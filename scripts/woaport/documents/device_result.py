"""A device's result for one queue item: the verdict, why, and the contract report.

A device writes one per item (``result-<device>.json``); the controller reads them. It names
the manifest it judged by digest and the artifacts by sha256, so a result can only count for
the exact files it speaks of.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from woaport.documents.base import OMIT_NONE, Document
from woaport.documents.contract_report import ContractReport
from woaport.documents.manifest import ArtifactRecord
from woaport.documents.verdicts import Verdict

RESULT_VERSION = 1


@dataclass(frozen=True, kw_only=True)
class Interpreter(Document):
    """The interpreter a device ran an item with (woaport.interpreters chose it)."""

    executable: str
    version: str  # "3.12.7"
    implementation: str = "cpython"  # sys.implementation.name
    platform: str = ""  # its platform tag: "win_arm64", "win_amd64", "linux_x86_64"
    machine: str = ""  # the machine its code is for: "ARM64", "AMD64"
    free_threaded: bool = False
    # The item's wheel tags it matched, one per wheel, each the one it prefers most (the
    # wheel's tags that packaging.tags.sys_tags() of this interpreter lists first).
    tags: tuple[str, ...] = ()
    emulated: bool | None = None


@dataclass(frozen=True, kw_only=True)
class BenchmarkComparison(Document):
    """One benchmark step, timed natively and emulated (seconds per execution, medians)."""

    step_id: str
    native_median: float
    emulated_median: float
    ratio: float  # native_median / emulated_median: below 1, the native wheel is faster


@dataclass(frozen=True, kw_only=True)
class EmulationComparison(Document):
    """The contract's benchmark steps run again under an emulated interpreter (x64 CPython
    on the Arm64 laptop) with the package's x64 wheel of the same version from the index."""

    interpreter: Interpreter  # the emulated one
    verdict: Verdict  # of the emulated run: pass, fail, error, or skipped (no x64 wheel)
    reason: str = ""
    wheel: str | None = field(default=None, metadata=OMIT_NONE)  # the x64 wheel's file name
    wheel_sha256: str | None = field(default=None, metadata=OMIT_NONE)  # as the index pins it
    wheel_url: str | None = field(default=None, metadata=OMIT_NONE)
    benchmarks: tuple[BenchmarkComparison, ...] = ()

    @property
    def ratio(self) -> float | None:
        """The geometric mean of the steps' ratios (one number per package and device)."""
        ratios = [b.ratio for b in self.benchmarks if b.ratio > 0]
        if not ratios:
            return None
        return float(math.prod(ratios) ** (1 / len(ratios)))


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
    emulation: EmulationComparison | None = field(default=None, metadata=OMIT_NONE)
