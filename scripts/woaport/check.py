"""``woaport check``: what the index publishes for Windows on Arm, downloaded and inspected.

`run_check` does the work and returns a `CheckResult` (data only); views/check.py draws it.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from woaport.availability import (
    DEFAULT_PYTHON,
    Availability,
    python_tag,
    python_version,
    summarize,
)
from woaport.documents.inspect_report import InspectReport
from woaport.errors import BadInput
from woaport.http import Progress, download, make_session
from woaport.index import IndexFile, fetch_files
from woaport.payload import inspect_paths
from woaport.provenance import IndexProvenance, index_provenance
from woaport.safepath import child

# Availability verdicts that mean a Windows-on-Arm user cannot install a wheel.
NOT_INSTALLABLE = frozenset({"sdist-only", "binary-only", "no-files"})


def python_filter(values: tuple[str, ...]) -> set[str]:
    """``3.12`` or ``cp312`` -> ``cp312``; ``3.13t`` -> ``cp313t``."""
    wanted = set()
    for value in values:
        tag = python_tag(value)
        if tag is None:
            raise BadInput(f"--python {value!r}: expected a version like 3.12, 3.13t or cp312")
        wanted.add(tag)
    return wanted


def pip_python(values: tuple[str, ...]) -> str:
    """The Python version the "what pip installs" answer is for: the first --python, as
    pip's --python-version spells it (3.12, 3.13t); 3.12 when none is given."""
    for value in values:
        version = python_version(value)
        if version is not None:
            return version
    return DEFAULT_PYTHON


@dataclass(frozen=True, kw_only=True)
class CheckRequest:
    name: str
    index_url: str
    cache_dir: Path
    version: str | None = None
    pre: bool = False
    pythons: tuple[str, ...] = ()
    inspect: bool = True


@dataclass(kw_only=True)
class CheckResult:
    index_url: str
    availability: Availability
    inspection: InspectReport | None
    provenance: tuple[IndexProvenance, ...] = ()
    saved: list[Path] = field(default_factory=list)  # where each downloaded wheel is

    @property
    def exit_code(self) -> int:
        if self.availability.verdict in NOT_INSTALLABLE:
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


def _no_bar(_label: str) -> AbstractContextManager[Progress | None]:
    return nullcontext(None)


def run_check(
    request: CheckRequest,
    *,
    info: Callable[[str], None] = lambda _message: None,
    download_progress: Callable[[str], AbstractContextManager[Progress | None]] = _no_bar,
) -> CheckResult:
    """Ask the index about ``request.name``, download its win_arm64 wheels (streamed,
    sha256-verified, cached) and inspect them. ``info`` hears each stage; ``download_progress``
    makes a progress callback for one download."""
    wanted = python_filter(request.pythons)
    session = make_session()
    info(f"asking {request.index_url} about {request.name} ...")
    files = fetch_files(session, request.index_url, request.name)
    availability = summarize(
        request.name,
        files,
        version=request.version,
        pre=request.pre,
        python=pip_python(request.pythons),
    )
    inspection = None
    to_get: dict[str, IndexFile] = {}
    paths_by_name: dict[str, Path] = {}
    paths: list[Path] = []
    if availability.win_arm64 and request.inspect:
        for label, group in availability.win_arm64.items():
            if not wanted or label in wanted or label.split("+")[0] in wanted:
                to_get.update({f.filename: f for f in group})
        if not to_get:
            raise BadInput(
                f"--python {', '.join(request.pythons)}: no win_arm64 wheel for that; "
                f"there are {', '.join(availability.pythons)}"
            )
        folder = request.cache_dir / "wheels"
        for filename, f in sorted(to_get.items()):
            size = f" ({f.size / 1e6:.1f} MB)" if f.size else ""
            info(f"downloading {filename}{size}")
            with download_progress(filename) as bar:
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
        info(f"inspecting {len(paths)} wheel(s)")
        inspection = inspect_paths(paths)
    provenance = tuple(
        index_provenance(session, f.filename, f.provenance, paths_by_name.get(f.filename))
        for f in sorted(
            {f.filename: f for group in availability.win_arm64.values() for f in group}.values(),
            key=lambda f: f.filename,
        )
        if not to_get or f.filename in to_get
    )
    return CheckResult(
        index_url=request.index_url,
        availability=availability,
        inspection=inspection,
        provenance=provenance,
        saved=paths,
    )
