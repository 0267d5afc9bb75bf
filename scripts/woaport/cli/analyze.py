"""``woaport analyze``: how much work will this port be?"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from woaport.analyze import Analysis, analyze_files, iter_sources, summarize_evidence
from woaport.cli.reporter import Reporter
from woaport.errors import BadInput
from woaport.views.base import Annotation, Line


@dataclass(kw_only=True)
class _Result:
    analysis: Analysis
    show_all: bool

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
            + [f"- {r}" for r in reasons]
            + [f"- **try:** {t}" for t in tries]
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


def _latest_sdist(name: str, index_url: str | None, cache_dir: Path | None) -> Path:
    import platformdirs

    from woaport.availability import summarize
    from woaport.cli.progress import DownloadBar
    from woaport.http import download, make_session
    from woaport.index import default_index_url, fetch_files
    from woaport.safepath import child

    session = make_session()
    index = index_url or default_index_url()
    availability = summarize(name, fetch_files(session, index, name))
    sdists = sorted(availability.sdists, key=lambda f: not f.filename.endswith(".tar.gz"))
    if not sdists:
        raise BadInput(
            f"{name} {availability.version or ''}: the index has no sdist to analyze; pass a source folder instead"
        )
    chosen = sdists[0]
    folder = (cache_dir or platformdirs.user_cache_path("woaport")) / "sdists"
    click.echo(f"downloading {chosen.filename}", err=True)
    with DownloadBar(chosen.filename) as bar:
        return download(
            session,
            chosen.url,
            child(folder, chosen.filename, "index file name"),
            sha256=chosen.sha256,
            progress=bar,
        )


@click.command()
@click.argument("target")
@click.option(
    "--all", "show_all", is_flag=True, help="List every x86-specific line, not the first 15."
)
@click.option(
    "--index-url",
    envvar="WOAPORT_INDEX_URL",
    help="Index for a package NAME [env var: WOAPORT_INDEX_URL].",
)
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path, file_okay=False),
    envvar="WOAPORT_CACHE_DIR",
    help="Where a downloaded sdist is kept [env var: WOAPORT_CACHE_DIR].",
)
@click.option("--json", "json_output", is_flag=True, help="Print one JSON document on stdout.")
def analyze(
    target: str, show_all: bool, index_url: str | None, cache_dir: Path | None, json_output: bool
) -> int:
    """Predict what porting TARGET to Windows on Arm takes.

    TARGET is a source folder, an sdist (.tar.gz or .zip, read as a stream, never
    extracted), or a package name (its latest sdist is downloaded from the index).

    Reports the build backend and tools, the native languages, vendored native code and
    submodules, and x86-specific code with file:line evidence (intrinsic headers and
    calls, __m128-family types, cpuid, inline assembly, MSVC _M_X64/_M_IX86 branches with
    no _M_ARM64 branch, x86-only compiler flags), each marked with whether an ARM/NEON
    alternative is present beside it. Then a category (pure, workflow-only, build-config,
    source-port), the reasons, and what to try.

    \b
    Examples:
      woaport analyze .
      woaport analyze dist/xxhash-3.6.0.tar.gz
      woaport analyze fastparquet --json
    """
    if not target.strip():
        raise BadInput("analyze: TARGET is empty; pass a source folder, an sdist or a package name")
    path = Path(target)
    if not path.exists():
        if "/" in target or "\\" in target or target.endswith((".gz", ".zip", ".tgz")):
            raise BadInput(f"{target}: no such file or folder")
        path = _latest_sdist(target, index_url, cache_dir)
    analysis = analyze_files(str(path), iter_sources(path))
    Reporter(json_output=json_output).emit(_Result(analysis=analysis, show_all=show_all))
    return 0
