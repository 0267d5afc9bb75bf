"""``woaport check``: what does the index publish for Windows on Arm, and is it sound?"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
import platformdirs

from woaport.availability import DEFAULT_PYTHON, Availability, summarize
from woaport.cli.progress import DownloadBar
from woaport.cli.reporter import Reporter
from woaport.errors import BadInput
from woaport.http import download, make_session
from woaport.index import IndexFile, default_index_url, fetch_files
from woaport.payload import InspectResult, inspect_paths
from woaport.provenance import IndexProvenance, IndexProvenanceStatus, index_provenance
from woaport.safepath import child
from woaport.views.base import Annotation, Line
from woaport.views.inspect import InspectView

VERDICT_TEXT = {
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


def python_filter(values: tuple[str, ...]) -> set[str]:
    """``3.12`` or ``cp312`` -> ``cp312``; ``3.13t`` -> ``cp313t``."""
    wanted = set()
    for value in values:
        match = re.fullmatch(r"(?:cp)?3\.?(\d+)(t?)", value.strip().lower())
        if not match:
            raise BadInput(f"--python {value!r}: expected a version like 3.12, 3.13t or cp312")
        wanted.add(f"cp3{match[1]}{match[2]}")
    return wanted


def pip_python(values: tuple[str, ...]) -> str:
    """The Python version the "what pip installs" answer is for: the first --python, as
    pip's --python-version spells it (3.12, 3.13t); 3.12 when none is given."""
    for value in values:
        match = re.fullmatch(r"(?:cp)?3\.?(\d+)(t?)", value.strip().lower())
        if match:
            return f"3.{match[1]}{match[2]}"
    return DEFAULT_PYTHON


def installable_text(a: Availability) -> tuple[str, str] | None:
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


@dataclass(kw_only=True)
class CheckResult:
    index_url: str
    availability: Availability
    inspection: InspectResult | None
    provenance: tuple[IndexProvenance, ...] = ()
    saved: list[Path] = field(default_factory=list)  # where each downloaded wheel is

    @property
    def exit_code(self) -> int:
        if self.availability.verdict in ("sdist-only", "binary-only", "no-files"):
            return 1
        return self.inspection.exit_code if self.inspection else 0

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.exit_code == 0,
            "index_url": self.index_url,
            **self.availability.to_json(),
            "inspection": self.inspection.to_json() if self.inspection else None,
            "provenance": [p.to_json() for p in self.provenance],
            "saved": [str(p) for p in self.saved],
        }

    def text_lines(self) -> Iterator[Line]:
        a = self.availability
        yield Line(
            text=f"{a.name} {a.version or '(no release)'} on {self.index_url}", style="heading"
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
        if self.provenance:
            yield _provenance_line(self.provenance)
        text, style = VERDICT_TEXT[a.verdict]
        yield Line(text=f"verdict: {text}", style=style)  # type: ignore[arg-type]
        pip_says = installable_text(a)
        if pip_says:
            yield Line(text=pip_says[0], style=pip_says[1])  # type: ignore[arg-type]
        for path in self.saved:
            yield Line(text=f"saved: {path}", style="dim")
        if self.inspection:
            yield from InspectView(self.inspection).text_lines()

    def markdown(self) -> str:
        a = self.availability
        text, _ = VERDICT_TEXT[a.verdict]
        lines = [
            f"### woaport check {a.name} {a.version or ''}".rstrip(),
            "",
            f"- win_arm64 wheels: {', '.join(a.pythons) or 'none'}",
            f"- pure-Python wheel: {_yes(a.pure)}; sdist: {_yes(a.sdists)}",
            f"- verdict: **{text}**",
        ]
        pip_says = installable_text(a)
        if pip_says:
            lines.append(f"- {pip_says[0]}")
        if self.inspection:
            lines += ["", InspectView(self.inspection).markdown()]
        return "\n".join(lines)

    def annotations(self) -> Iterator[Annotation]:
        if self.exit_code and self.availability.verdict in (
            "sdist-only",
            "binary-only",
            "no-files",
        ):
            yield Annotation(
                level="warning",
                title=f"{self.availability.name}: no win_arm64 wheel",
                message=VERDICT_TEXT[self.availability.verdict][0],
            )
        installable = self.availability.installable
        if installable and installable.regression:
            yield Annotation(
                level="warning",
                title=f"{self.availability.name}: latest release has no win_arm64 wheel",
                message=(installable_text(self.availability) or ("", ""))[0],
            )
        if self.inspection:
            yield from InspectView(self.inspection).annotations()


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


@click.command()
@click.argument("name")
@click.option("--version", "version", metavar="V", help="Check this release instead of the latest.")
@click.option("--pre", is_flag=True, help="Let the latest release be a pre-release.")
@click.option(
    "--python",
    "pythons",
    multiple=True,
    metavar="3.X",
    help="Only download and inspect wheels for this Python (repeatable): 3.12, 3.13t, cp312.",
)
@click.option("--no-inspect", is_flag=True, help="Only list what the index has; download nothing.")
@click.option(
    "--index-url",
    envvar="WOAPORT_INDEX_URL",
    metavar="URL",
    help="Simple-API index to ask [env var: WOAPORT_INDEX_URL; default: pip's configured index].",
)
@click.option(
    "--cache-dir",
    envvar="WOAPORT_CACHE_DIR",
    type=click.Path(path_type=Path, file_okay=False),
    help="Where downloaded wheels are kept [env var: WOAPORT_CACHE_DIR; default: the user cache].",
)
@click.option("--json", "json_output", is_flag=True, help="Print one JSON document on stdout.")
def check(
    name: str,
    version: str | None,
    pre: bool,
    pythons: tuple[str, ...],
    no_inspect: bool,
    index_url: str | None,
    cache_dir: Path | None,
    json_output: bool,
) -> int:
    """Say what the package index offers Windows on Arm for NAME.

    Lists the release's win_arm64 wheels and the Pythons they serve, whether a pure-Python
    wheel makes NAME installable anyway, or whether there is only an sdist; then downloads
    the win_arm64 wheels (streamed, sha256-verified, cached) and inspects their payload.

    Exit 0 when Windows on Arm users get a sound wheel (native or pure), 1 when there is only
    an sdist or an inspected wheel has problems, 2 on bad input.

    \b
    Examples:
      woaport check numpy
      woaport check numpy --version 2.5.5 --python 3.12
      woaport check asyncpg --no-inspect --json
    """
    wanted = python_filter(pythons)
    reporter = Reporter(json_output=json_output)
    index = index_url or default_index_url()
    session = make_session()
    reporter.info(f"asking {index} about {name} ...")
    files = fetch_files(session, index, name)
    availability = summarize(name, files, version=version, pre=pre, python=pip_python(pythons))
    inspection = None
    to_get: dict[str, IndexFile] = {}
    paths_by_name: dict[str, Path] = {}
    paths: list[Path] = []
    if availability.win_arm64 and not no_inspect:
        for label, files in availability.win_arm64.items():
            if not wanted or label in wanted or label.split("+")[0] in wanted:
                to_get.update({f.filename: f for f in files})
        if not to_get:
            raise BadInput(
                f"--python {', '.join(pythons)}: no win_arm64 wheel for that; "
                f"there are {', '.join(availability.pythons)}"
            )
        folder = (cache_dir or platformdirs.user_cache_path("woaport")) / "wheels"
        show = sys.stderr.isatty() and not json_output
        for filename, f in sorted(to_get.items()):
            size = f" ({f.size / 1e6:.1f} MB)" if f.size else ""
            reporter.info(f"downloading {filename}{size}")
            with DownloadBar(filename, show=show) as bar:
                paths.append(
                    download(
                        session,
                        f.url,
                        child(folder, filename, "index file name"),
                        sha256=f.sha256,
                        progress=bar,
                    )
                )
            paths_by_name[filename] = paths[-1]
        reporter.info(f"inspecting {len(paths)} wheel(s)")
        inspection = InspectResult(reports=inspect_paths(paths))
    provenance = tuple(
        index_provenance(session, f.filename, f.provenance, paths_by_name.get(f.filename))
        for f in sorted(
            {f.filename: f for files in availability.win_arm64.values() for f in files}.values(),
            key=lambda f: f.filename,
        )
        if not to_get or f.filename in to_get
    )
    result = CheckResult(
        index_url=index,
        availability=availability,
        inspection=inspection,
        provenance=provenance,
        saved=paths,
    )
    reporter.emit(result)
    return result.exit_code
