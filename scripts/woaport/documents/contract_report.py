"""The contract report: what one run of a smoke contract did, step by step.

Made by ``woaport contract run`` in CI and by the device for each queue item; CI's report is
summarised into the queue manifest, a device's travels inside its :class:`DeviceResult`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from woaport.artifacts import Role
from woaport.documents.base import OMIT_NONE, Document
from woaport.documents.manifest import ArtifactRecord
from woaport.documents.verdicts import Verdict
from woaport.errors import InvalidDocument

REPORT_VERSION = 1


class StepStatus(enum.StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    CRASHED = "crashed"  # killed by a signal or an NTSTATUS such as 0xC000007B
    TIMEOUT = "timeout"
    ERROR = "error"  # could not be started
    SKIPPED = "skipped"  # not meant for this mode

    @property
    def ok(self) -> bool:
        return self in (StepStatus.PASSED, StepStatus.SKIPPED)


@dataclass(frozen=True, kw_only=True)
class ContractRef(Document):
    smoke_test_id: str
    package: str
    sha256: str
    source: str = ""


@dataclass(frozen=True, kw_only=True)
class PythonFacts(Document):
    implementation: str
    version: str
    bits: int
    sysconfig_platform: str
    executable: str | None = field(default=None, metadata=OMIT_NONE)
    free_threaded: bool = False


@dataclass(frozen=True, kw_only=True)
class EnvironmentFacts(Document):
    """The machine and interpreter a contract ran on (``woaport.envfacts`` collects them)."""

    os: str | None = None
    os_release: str | None = None
    os_version: str | None = None
    os_build: int | None = None
    platform: str | None = None
    machine: str | None = None
    native_machine: str | None = None
    interpreter_machine: str | None = None
    emulated: bool | None = None
    cpu: str | None = None
    python: PythonFacts | None = field(default=None, metadata=OMIT_NONE)
    error: str | None = field(default=None, metadata=OMIT_NONE)


@dataclass(frozen=True, kw_only=True)
class InstallOutcome(Document):
    ok: bool
    duration_seconds: float
    requirements: tuple[str, ...] = ()
    output: str = ""
    stage: str | None = field(default=None, metadata=OMIT_NONE)  # "create" when the env failed


@dataclass(frozen=True, kw_only=True)
class Verification(Document):
    """Whether the installed distribution is the artifact, file by file."""

    ok: bool
    summary: str
    problems: tuple[str, ...] = ()
    files_checked: int = 0


@dataclass(frozen=True, kw_only=True)
class Benchmark(Document):
    repeat: int
    number: int
    median: float
    min: float
    max: float
    stdev: float


@dataclass(frozen=True, kw_only=True)
class StepResult(Document):
    step_id: str
    kind: str
    status: StepStatus
    detail: str = ""
    duration_seconds: float = 0.0
    returncode: int | None = None
    output_tail: str = ""
    benchmark: Benchmark | None = field(default=None, metadata=OMIT_NONE)


@dataclass(frozen=True, kw_only=True)
class ContractReport(Document):
    SCHEMA = "report"

    report_version: int
    woaport_version: str
    contract: ContractRef
    mode: str
    artifacts: tuple[ArtifactRecord, ...]
    environment: EnvironmentFacts
    installer: str
    install: InstallOutcome
    verification: Verification | None
    steps: tuple[StepResult, ...]
    verdict: Verdict
    started: str
    finished: str
    workdir: str | None = None

    @staticmethod
    def judge(
        install: InstallOutcome, verification: Verification | None, steps: list[StepResult]
    ) -> Verdict:
        """PASS only when the artifact installed, is the artifact, and every step that ran
        passed."""
        if not install.ok or verification is None or not verification.ok:
            return Verdict.FAIL
        return Verdict.PASS if all(s.status.ok for s in steps) else Verdict.FAIL

    @property
    def exit_code(self) -> int:
        return self.verdict.exit_code

    @property
    def under_test(self) -> ArtifactRecord | None:
        return next((a for a in self.artifacts if a.role is Role.UNDER_TEST), None)


def environment_from(data: Any) -> EnvironmentFacts:
    """``envfacts``'s JSON as a document (an unreadable one becomes ``error``)."""
    try:
        return EnvironmentFacts.from_json(data, "envfacts")
    except InvalidDocument as exc:  # facts about the machine never fail a run
        return EnvironmentFacts(error=exc.message)
