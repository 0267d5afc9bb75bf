"""The inspect report: what ``woaport inspect`` concluded about each wheel's payload.

Made by :mod:`woaport.payload` (``woaport inspect``, and ``woaport check`` for the wheels it
downloads); written by ``inspect --json``/``--report``; read by ``queue publish
--inspect-report`` for each artifact's payload verdict. Drawn by :mod:`woaport.views.inspect`.

Verdicts are :class:`~woaport.documents.verdicts.Verdict`: a wheel *passes* when no finding
is an error (nor a warning, under ``--strict``); it *fails* otherwise, and also when it
cannot be read as a wheel at all (``error`` says why; the command then exits 2).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from woaport import windll
from woaport.documents.base import Document
from woaport.documents.verdicts import Verdict
from woaport.errors import EXIT_BAD_INPUT, EXIT_OK, EXIT_PROBLEMS
from woaport.pe import Machine

REPORT_VERSION = 1


class Severity(enum.StrEnum):
    ERROR = "error"  # the wheel will not work as its tags promise
    WARNING = "warning"  # it may not work everywhere (counts as a problem under --strict)
    INFO = "info"  # said for the record


class WheelKind(enum.StrEnum):
    WINDOWS = "windows"  # a win32/win_amd64/win_arm64 platform tag: the payload is checked
    PURE = "pure"  # py3-none-any: RECORD and WHEEL only
    OTHER_PLATFORM = "other-platform"  # manylinux, macOS...: RECORD and WHEEL only
    UNREADABLE = "unreadable"  # not readable as a wheel; ``error`` says why


@dataclass(frozen=True, kw_only=True)
class Finding(Document):
    code: str  # wheel-tag-mismatch, machine-mismatch... (``woaport inspect --help``)
    severity: Severity
    file: str | None  # the member it is about; None for the wheel as a whole
    message: str
    hint: str  # what to do about it


@dataclass(frozen=True, kw_only=True)
class PEImageRecord(Document):
    """One PE image found in the wheel (by content, whatever its name)."""

    path: str
    machine: Machine
    hybrid_metadata: bool  # CHPE metadata: ARM64X (ARM64 header) or ARM64EC (AMD64 header)
    python_dll: str | None  # the first python DLL it imports
    imports: tuple[str, ...]
    delay_imports: tuple[str, ...]
    is_dll: bool = True  # False: a program (.exe), which runs in its own process
    il_only: bool = False  # a .NET assembly without native code

    @property
    def all_imports(self) -> tuple[str, ...]:
        return self.imports + self.delay_imports

    @property
    def python_dlls(self) -> tuple[str, ...]:
        return tuple(d for d in self.all_imports if windll.is_python_dll(d))


@dataclass(frozen=True, kw_only=True)
class WheelInspection(Document):
    """One wheel's inspection."""

    wheel: str  # the path given
    filename: str
    name: str | None  # None: the file name does not parse as a wheel's
    version: str | None
    tags: tuple[str, ...]
    kind: WheelKind
    verdict: Verdict  # PASS or FAIL
    ok: bool  # verdict is PASS (kept for `jq '.wheels[0].ok'`)
    error: str | None  # why the file could not be read as a wheel
    findings: tuple[Finding, ...] = ()
    pe_files: tuple[PEImageRecord, ...] = ()

    def count(self, severity: Severity) -> int:
        return sum(f.severity is severity for f in self.findings)

    @property
    def unreadable(self) -> bool:
        return self.error is not None


@dataclass(frozen=True, kw_only=True)
class InspectReport(Document):
    SCHEMA = "inspect-report"

    report_version: int = REPORT_VERSION
    strict: bool = False  # warnings count as problems
    verdict: Verdict  # the worst of the wheels'
    ok: bool  # verdict is PASS
    wheels: tuple[WheelInspection, ...] = field(default_factory=tuple)

    @property
    def exit_code(self) -> int:
        if any(w.unreadable for w in self.wheels):
            return EXIT_BAD_INPUT
        return EXIT_OK if self.verdict is Verdict.PASS else EXIT_PROBLEMS

    def verdicts(self) -> dict[str, Verdict]:
        """filename -> verdict, for the queue manifest's payload verdict."""
        return {w.filename: w.verdict for w in self.wheels}


def judge(findings: tuple[Finding, ...], *, error: str | None, strict: bool) -> Verdict:
    """PASS when the wheel was read and no finding is an error (nor, under ``strict``, a
    warning); FAIL otherwise."""
    if error is not None:
        return Verdict.FAIL
    counted = (Severity.ERROR, Severity.WARNING) if strict else (Severity.ERROR,)
    return Verdict.FAIL if any(f.severity in counted for f in findings) else Verdict.PASS


def report_of(wheels: list[WheelInspection], *, strict: bool) -> InspectReport:
    """The report of several wheels: the worst verdict (an empty list passes)."""
    verdict = Verdict.worst([w.verdict for w in wheels]) if wheels else Verdict.PASS
    return InspectReport(
        strict=strict, verdict=verdict, ok=verdict is Verdict.PASS, wheels=tuple(wheels)
    )
