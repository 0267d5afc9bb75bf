"""The view of ``woaport check``'s result: terminal lines, job summary and annotations."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from woaport.availability import Availability
from woaport.check import NOT_INSTALLABLE, CheckResult
from woaport.index import IndexFile
from woaport.provenance import IndexProvenance, IndexProvenanceStatus
from woaport.views.base import Annotation, Line, Style, md_text
from woaport.views.inspect import InspectView

VERDICT_TEXT: dict[str, tuple[str, Style]] = {
    "native": ("native win_arm64 wheels exist", "ok"),
    "pure": ("installable: no win_arm64 wheel, but a pure-Python wheel installs anywhere", "ok"),
    "sdist-only": (
        "needs porting: only an sdist; pip on Windows on Arm would have to compile it",
        "error",
    ),
    "binary-only": (
        "needs porting: wheels for other platforms only, and no sdist to build from",
        "error",
    ),
    "no-files": ("no installable files for this release", "error"),
}


def installable_text(a: Availability) -> tuple[str, Style] | None:
    """One line on what pip on Windows on Arm really installs, when that is news."""
    got = a.installable
    if got is None:
        if a.verdict in ("native", "pure") or a.version is None:
            return None
        return (
            "no release has a wheel that pip on Windows on Arm installs without building "
            f"(Python {a.pip_python})",
            "warning",
        )
    kind = "win_arm64" if got.native else "pure Python"
    if got.regression:
        return (
            f"regression: latest {a.version} has none; pip installs {got.version} ({kind}) "
            f"for Python {got.python}",
            "warning",
        )
    if got.version != a.version:
        return (f"for Python {got.python} pip installs {got.version} ({kind})", "dim")
    return None


def _yes(files: list[IndexFile]) -> str:
    return "yes" if files else "no"


def _provenance_line(items: tuple[IndexProvenance, ...]) -> Line:
    """One line: how many win_arm64 wheels carry PEP 740 provenance, and whose."""
    counts = {s: sum(1 for p in items if p.status is s) for s in IndexProvenanceStatus}
    publishers = sorted({p.describe() for item in items for p in item.publishers})
    if counts[IndexProvenanceStatus.NONE] == len(items):
        return Line(
            text=f"  PEP 740 provenance: the index offers none for the {len(items)} wheel(s)",
            style="dim",
        )
    words = {IndexProvenanceStatus.NONE: "without", IndexProvenanceStatus.PRESENT: "not verified"}
    done = [f"{n} {words.get(s, str(s))}" for s, n in counts.items() if n]
    text = f"  PEP 740 provenance: {', '.join(done)}"
    if publishers:
        text += f"; published by {', '.join(publishers)}"
    bad = counts[IndexProvenanceStatus.INVALID]
    return Line(text=text, style="error" if bad else ("dim" if not publishers else ""))


@dataclass(frozen=True)
class CheckView:
    result: CheckResult

    def to_json(self) -> dict[str, Any]:
        return self.result.to_json()

    def text_lines(self) -> Iterator[Line]:
        a = self.result.availability
        yield Line(
            text=f"{a.name} {a.version or '(no release)'} on {self.result.index_url}",
            style="heading",
        )
        if a.win_arm64:
            count = len({f.filename for files in a.win_arm64.values() for f in files})
            yield Line(text=f"  win_arm64 wheels: {', '.join(a.pythons)} ({count} files)")
        else:
            yield Line(text="  win_arm64 wheels: none", style="warning")
        yield Line(text=f"  pure-Python wheel: {', '.join(f.filename for f in a.pure) or 'none'}")
        yield Line(text=f"  sdist: {', '.join(f.filename for f in a.sdists) or 'none'}")
        if a.other_platforms:
            others = ", ".join(f"{p} ({n})" for p, n in sorted(a.other_platforms.items()))
            yield Line(text=f"  other wheels: {others}", style="dim")
        if a.ignored_files:
            yield Line(
                text=f"  ignored: {a.ignored_files} file(s) whose names do not parse as "
                f"{a.name}'s wheels or sdists",
                style="dim",
            )
        if self.result.provenance:
            yield _provenance_line(self.result.provenance)
        text, style = VERDICT_TEXT[a.verdict]
        yield Line(text=f"verdict: {text}", style=style)
        pip_says = installable_text(a)
        if pip_says:
            yield Line(text=pip_says[0], style=pip_says[1])
        for path in self.result.saved:
            yield Line(text=f"saved: {path}", style="dim")
        if self.result.inspection:
            yield from InspectView(self.result.inspection).text_lines()

    def markdown(self) -> str:
        a = self.result.availability
        text, _ = VERDICT_TEXT[a.verdict]
        lines = [
            f"### woaport check {md_text(a.name)} {md_text(a.version or '')}".rstrip(),
            "",
            f"- win_arm64 wheels: {', '.join(a.pythons) or 'none'}",
            f"- pure-Python wheel: {_yes(a.pure)}; sdist: {_yes(a.sdists)}",
            f"- verdict: **{text}**",
        ]
        pip_says = installable_text(a)
        if pip_says:
            lines.append(f"- {md_text(pip_says[0])}")
        if self.result.inspection:
            lines += ["", InspectView(self.result.inspection).markdown()]
        return "\n".join(lines)

    def annotations(self) -> Iterator[Annotation]:
        a = self.result.availability
        if a.verdict in NOT_INSTALLABLE:
            yield Annotation(
                level="warning",
                title=f"{a.name}: no win_arm64 wheel",
                message=VERDICT_TEXT[a.verdict][0],
            )
        installable = a.installable
        if installable and installable.regression:
            yield Annotation(
                level="warning",
                title=f"{a.name}: latest release has no win_arm64 wheel",
                message=(installable_text(a) or ("", ""))[0],
            )
        if self.result.inspection:
            yield from InspectView(self.result.inspection).annotations()
