"""Verdict words: made once here, read everywhere (JSON, Actions outputs, the inventory).

A ``Verdict`` is what one check concluded about one artifact: the payload inspection, a
contract run in CI or on a device. Each carries its own badge and legend, so no view keeps
a table of its own.
"""

from __future__ import annotations

import enum


class Verdict(enum.StrEnum):
    PASS = "pass"  # noqa: S105 (a verdict word, not a password)
    """The check ran and everything held."""
    FAIL = "fail"  # the check ran and found a problem with the artifact
    ERROR = "error"  # the check could not run to the end (the artifact is not to blame)
    TAMPERED = "tampered"  # the bytes are not what the manifest names: nothing was installed
    UNVERIFIED = "unverified"  # provenance could not be established: nothing was installed
    SKIPPED = "skipped"  # deliberately not run (e.g. no interpreter for the wheel's tags)
    UNKNOWN = "unknown"  # not checked (yet)

    @property
    def passed(self) -> bool:
        return self is Verdict.PASS

    @property
    def blames_artifact(self) -> bool:
        """True when the artifact itself was found wanting (the package turns *failing*)."""
        return self in (Verdict.FAIL, Verdict.TAMPERED, Verdict.UNVERIFIED)

    @property
    def badge(self) -> str:
        return _BADGES[self]

    @property
    def legend(self) -> str:
        return _LEGENDS[self]

    @property
    def exit_code(self) -> int:
        from woaport.errors import EXIT_OK, EXIT_PROBLEMS

        return EXIT_OK if self in (Verdict.PASS, Verdict.SKIPPED) else EXIT_PROBLEMS

    @classmethod
    def worst(cls, verdicts: list[Verdict]) -> Verdict:
        """The verdict of several checks together: the worst one (none: UNKNOWN)."""
        return max(verdicts, key=_SEVERITY.__getitem__, default=cls.UNKNOWN)


_SEVERITY = {
    Verdict.SKIPPED: 0,
    Verdict.PASS: 1,
    Verdict.UNKNOWN: 2,
    Verdict.ERROR: 3,
    Verdict.FAIL: 4,
    Verdict.UNVERIFIED: 5,
    Verdict.TAMPERED: 6,
}
_BADGES = {
    Verdict.PASS: "✅ pass",
    Verdict.FAIL: "❌ fail",
    Verdict.ERROR: "⚠️ error",
    Verdict.TAMPERED: "🚫 tampered",
    Verdict.UNVERIFIED: "🚫 unverified",
    Verdict.SKIPPED: "⏭️ skipped",
    Verdict.UNKNOWN: "❔ unknown",
}
_LEGENDS = {
    Verdict.PASS: "the check ran and everything held",
    Verdict.FAIL: "the check ran and found a problem with the artifact",
    Verdict.ERROR: "the check could not finish; the artifact is not to blame",
    Verdict.TAMPERED: "the files are not the ones the manifest names; nothing was installed",
    Verdict.UNVERIFIED: "where the artifact was built could not be verified; nothing was installed",
    Verdict.SKIPPED: "not run on purpose; the reason says why",
    Verdict.UNKNOWN: "not checked",
}
