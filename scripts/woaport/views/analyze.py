"""The view of ``woaport analyze``'s result: the category, the evidence, what to try."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from woaport.analyze import Analysis, summarize_evidence
from woaport.views.base import Annotation, Line, md_text


@dataclass(frozen=True)
class AnalyzeView:
    analysis: Analysis
    show_all: bool = False  # every evidence line, not the first 15

    def to_json(self) -> dict[str, Any]:
        return self.analysis.to_json()

    def text_lines(self) -> Iterator[Line]:
        a = self.analysis
        category, reasons, tries = a.prediction()
        yield Line(
            text=f"{Path(a.source).name}: {category}",
            style="error"
            if category == "source-port"
            else ("warning" if category in ("build-config", "external-native-library") else "ok"),
        )
        requires = f" (requires {', '.join(a.backend_requires)})" if a.backend_requires else ""
        yield Line(
            text=f"  build: {a.backend or 'unknown'}{requires}; tools: {', '.join(sorted(a.tools)) or '-'}"
        )
        languages = (
            ", ".join(f"{lang} ({n} files)" for lang, n in a.languages.most_common()) or "none"
        )
        yield Line(text=f"  native code: {languages}")
        if a.vendored or a.submodules:
            yield Line(
                text=f"  vendored: {', '.join(sorted(a.vendored)) or '-'}; submodules: {', '.join(a.submodules) or '-'}"
            )
        counts = summarize_evidence(a)
        if counts:
            parts = [
                f"{kind} {sum(c.values())} ({c['needs work']} need work, {c['arm path']} with an ARM path, "
                f"{c['x86 only']} x86-only)"
                for kind, c in sorted(counts.items())
            ]
            yield Line(text=f"  x86-specific: {'; '.join(parts)}")
            shown = (
                a.evidence
                if self.show_all
                else sorted(a.evidence, key=lambda e: not e.needs_work)[:15]
            )
            for e in shown:
                mark = (
                    "ARM path in file"
                    if e.arm_alternative
                    else (e.x86_only_context or "NO ARM path")
                )
                yield Line(
                    text=f"    {e.file}:{e.line}  {e.kind}  [{mark}]  {e.text}",
                    style="warning" if e.needs_work else "dim",
                )
            if len(shown) < len(a.evidence):
                yield Line(
                    text=f"    ... {len(a.evidence) - len(shown)} more (--all lists every line)",
                    style="dim",
                )
        for library in a.external:
            yield Line(
                text=f"  external library: {library.name} ({library.how}) at "
                f"{library.file}:{library.line}",
                style="warning",
            )
        for reason in reasons:
            yield Line(text=f"  why: {reason}")
        for attempt in tries:
            yield Line(text=f"  try: {attempt}", style="heading")
        yield Line(
            text=f"  read {a.files_read} files ({a.bytes_read / 1e6:.1f} MB), skipped {a.files_skipped}",
            style="dim",
        )

    def markdown(self) -> str:
        category, reasons, tries = self.analysis.prediction()
        lines = (
            [f"### woaport analyze: `{category}`", ""]
            + [f"- {md_text(r)}" for r in reasons]
            + [f"- **try:** {md_text(t)}" for t in tries]
        )
        return "\n".join(lines)

    def annotations(self) -> Iterator[Annotation]:
        for library in self.analysis.external:
            yield Annotation(
                level="warning",
                file=library.file,
                title=f"external native library: {library.name}",
                message=f"line {library.line}: {library.how}; build it for ARM64 before the wheel",
            )
        for e in self.analysis.evidence:
            if e.needs_work:
                yield Annotation(
                    level="warning",
                    file=e.file,
                    title=f"x86-specific: {e.kind}",
                    message=f"line {e.line}: {e.text}",
                )
