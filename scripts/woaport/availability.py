"""What a release offers Windows on Arm: native wheels, a pure wheel, or only an sdist.

Shared by ``woaport check`` and the controller, so both tell the same story.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Literal

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.tags import Tag, compatible_tags, cpython_tags
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

from woaport.errors import BadInput
from woaport.index import IndexFile
from woaport.safepath import name_problem

# native: win_arm64 wheels; pure: a pure-Python wheel installs anyway; sdist-only: pip
# would have to compile; binary-only: wheels for other platforms only, nothing to build
# from; no-files: the release has no installable file at all.
# The Python that "what pip installs" is answered for when the user names none.
DEFAULT_PYTHON = "3.12"
PYTHON_VERSION = re.compile(r"(?:cp)?3\.?(\d+)(t?)")


def python_tag(text: str) -> str | None:
    """A CPython version as a user writes it -> its wheel tag: ``3.12`` or ``cp312`` ->
    ``cp312``, ``3.13t`` -> ``cp313t``; None for anything else. The one reading of
    ``--python`` values (check, analyze) and of the build's Python list."""
    match = PYTHON_VERSION.fullmatch(text.strip().lower())
    return f"cp3{int(match[1])}{match[2]}" if match else None


def python_version(text: str) -> str | None:
    """The same, as pip's ``--python-version`` and actions/setup-python spell it: ``cp312``
    or ``3.12`` -> ``3.12``, ``3.13t`` -> ``3.13t``; None for anything else."""
    tag = python_tag(text)
    return None if tag is None else "3." + tag.removeprefix("cp3")


Verdict = Literal["native", "pure", "sdist-only", "binary-only", "no-files"]


@dataclass(frozen=True, kw_only=True)
class ReleaseFile:
    file: IndexFile
    kind: Literal["wheel", "sdist"]
    version: Version
    tags: frozenset[Tag] = frozenset()


def python_label(tag: Tag) -> str:
    """How a porter names the interpreter a win_arm64 wheel serves: cp312, cp313t, cp311+abi3."""
    if tag.abi == "abi3":
        return f"{tag.interpreter}+abi3"
    if tag.abi.startswith("cp") and tag.abi.endswith("t"):
        return tag.abi
    return tag.interpreter


def classify(project: str, files: list[IndexFile]) -> tuple[list[ReleaseFile], int]:
    """The project's wheels and sdists, and how many files were ignored: names that do not
    parse (.exe installers, eggs) or that parse to another project. A legacy sdist such as
    ``PyMuPDF-1.14.19.post-2.tar.gz`` parses as project "PyMuPDF-1.14.19.post" version 2;
    comparing canonical names keeps it from passing for pymupdf 2 (pip does the same:
    pip/_internal/index/package_finder.py, LinkEvaluator checks the canonical name). A name
    that is not one plain file name (``../../x/p-1.0.tar.gz``, an absolute path) is ignored
    too (:mod:`woaport.safepath`)."""
    wanted = canonicalize_name(project)
    out = []
    ignored = 0
    for f in files:
        if name_problem(f.filename) is not None:
            ignored += 1  # a path, not a file name: it never becomes a path here
            continue
        try:
            if f.filename.endswith(".whl"):
                name, version, _, tags = parse_wheel_filename(f.filename)
                release = ReleaseFile(file=f, kind="wheel", version=version, tags=tags)
            else:
                name, version = parse_sdist_filename(f.filename)
                release = ReleaseFile(file=f, kind="sdist", version=version)
        except (InvalidWheelFilename, InvalidSdistFilename, InvalidVersion):
            ignored += 1  # .exe installers, eggs and other legacy files say nothing here
            continue
        if canonicalize_name(name) != wanted:
            ignored += 1
            continue
        out.append(release)
    return out, ignored


def pick_version(
    files: list[ReleaseFile], wanted: str | None, *, pre: bool = False
) -> Version | None:
    versions = {f.version for f in files}
    if wanted is not None:
        try:
            target = Version(wanted)
        except InvalidVersion:
            raise BadInput(f"--version {wanted!r} is not a valid version (PEP 440)") from None
        if target not in versions:
            latest = sorted(versions)[-5:]
            raise BadInput(
                f"version {wanted} has no files on the index; recent versions: "
                + (", ".join(map(str, latest)) or "none")
            )
        return target
    live = {f.version for f in files if not f.file.yanked}
    candidates = [v for v in live if pre or not v.is_prerelease] or list(live)
    return max(candidates) if candidates else None


@dataclass(kw_only=True)
class Availability:
    name: str
    version: str | None
    win_arm64: dict[str, list[IndexFile]] = field(default_factory=dict)
    pure: list[IndexFile] = field(default_factory=list)
    sdists: list[IndexFile] = field(default_factory=list)
    other_platforms: dict[str, int] = field(default_factory=dict)
    ignored_files: int = 0
    pip_python: str = DEFAULT_PYTHON  # the Python `installable` is for
    installable: Installable | None = None

    @property
    def verdict(self) -> Verdict:
        if self.win_arm64:
            return "native"
        if self.pure:
            return "pure"
        if self.sdists:
            return "sdist-only"
        if self.other_platforms:
            return "binary-only"
        return "no-files"

    @property
    def pythons(self) -> list[str]:
        return sorted(self.win_arm64, key=_python_sort_key)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "verdict": self.verdict,
            "win_arm64": {
                label: [f.filename for f in files]
                for label, files in sorted(self.win_arm64.items())
            },
            "pythons": self.pythons,
            "pure_wheels": [f.filename for f in self.pure],
            "sdists": [f.filename for f in self.sdists],
            "other_platforms": dict(sorted(self.other_platforms.items())),
            "ignored_files": self.ignored_files,
            "installable": self.installable.to_json() if self.installable else None,
        }


def _python_sort_key(label: str) -> tuple[int, str]:
    digits = "".join(ch for ch in label[2:] if ch.isdigit())
    return (int(digits) if digits else 0, label)


@dataclass(frozen=True, kw_only=True)
class Installable:
    """What ``pip install NAME`` on Windows on Arm installs for one Python without building:
    the newest version with a compatible wheel. ``regression``: the latest release has
    no win_arm64 (nor pure) wheel, so users get this older one."""

    python: str
    version: str
    filename: str
    native: bool  # a win_arm64 wheel (else a pure-Python one)
    regression: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "python": self.python,
            "version": self.version,
            "filename": self.filename,
            "native": self.native,
            "regression": self.regression,
        }


@functools.cache
def pip_tags(python: str) -> frozenset[Tag]:
    """The wheel tags pip accepts on Windows on Arm for ``python`` ("3.12", "3.13t"), as
    pip computes them with packaging.tags (pip/_internal/utils/compatibility_tags.py).
    Computed once per Python (a few hundred tags; the controller asks thousands of times)."""
    minor_text, threaded = python.removeprefix("3.").rstrip("t"), python.endswith("t")
    version = (3, int(minor_text))
    abi = f"cp3{minor_text}{'t' if threaded else ''}"
    tags = set(cpython_tags(version, abis=[abi], platforms=["win_arm64"]))
    if threaded:  # the stable ABI is not available to free-threaded builds (PEP 703)
        tags = {t for t in tags if t.abi != "abi3"}
    tags |= set(compatible_tags(version, f"cp3{minor_text}", platforms=["win_arm64"]))
    return frozenset(tags)


def _allows(requires_python: str | None, python: Version) -> bool:
    if not requires_python:
        return True
    try:
        return python in SpecifierSet(requires_python)
    except InvalidSpecifier:
        return True  # pip ignores an invalid Requires-Python (it logs and goes on)


def installable(
    files: list[ReleaseFile], python: str, *, latest: Version | None, pre: bool = False
) -> Installable | None:
    """The newest non-yanked version with a wheel pip would take for ``python`` on
    win_arm64, respecting each file's Requires-Python (PEP 503 data-requires-python), as
    ``pip download --only-binary=:all: --platform win_arm64 --python-version 3.X`` does."""
    accepted = pip_tags(python)
    interpreter = Version(python.rstrip("t"))
    best: ReleaseFile | None = None
    for rf in files:
        if rf.kind != "wheel" or rf.file.yanked or (rf.version.is_prerelease and not pre):
            continue
        if not rf.tags & accepted or not _allows(rf.file.requires_python, interpreter):
            continue
        if best is None or rf.version > best.version:
            best = rf
    if best is None:
        return None
    native = any(t.platform == "win_arm64" for t in best.tags)
    latest_has = latest is not None and any(
        rf.version == latest
        and not rf.file.yanked
        and rf.kind == "wheel"
        and (
            {t.platform for t in rf.tags} == {"any"} or "win_arm64" in {t.platform for t in rf.tags}
        )
        for rf in files
    )
    return Installable(
        python=python,
        version=str(best.version),
        filename=best.file.filename,
        native=native,
        regression=latest is not None and best.version < latest and not latest_has,
    )


def summarize(
    name: str,
    files: list[IndexFile],
    *,
    version: str | None = None,
    pre: bool = False,
    python: str = DEFAULT_PYTHON,
) -> Availability:
    return summarize_classified(
        name, *classify(name, files), version=version, pre=pre, python=python
    )


def summarize_classified(
    name: str,
    release_files: list[ReleaseFile],
    ignored: int,
    *,
    version: str | None = None,
    pre: bool = False,
    python: str = DEFAULT_PYTHON,
) -> Availability:
    """:func:`summarize` of files :func:`classify` has read already."""
    chosen = pick_version(release_files, version, pre=pre)
    result = Availability(name=name, version=str(chosen) if chosen else None)
    result.ignored_files = ignored
    result.pip_python = python
    if chosen is None:
        return result
    if version is None:
        result.installable = installable(release_files, python, latest=chosen, pre=pre)
    arm64: dict[str, list[IndexFile]] = defaultdict(list)
    others: dict[str, int] = defaultdict(int)
    for rf in release_files:
        if rf.version != chosen or (rf.file.yanked and version is None):
            continue
        if rf.kind == "sdist":
            result.sdists.append(rf.file)
            continue
        platforms = {t.platform for t in rf.tags}
        if "win_arm64" in platforms:
            for label in sorted({python_label(t) for t in rf.tags if t.platform == "win_arm64"}):
                arm64[label].append(rf.file)
        elif platforms == {"any"}:
            result.pure.append(rf.file)
        else:
            for platform in platforms:
                others[platform] += 1
    result.win_arm64 = dict(arm64)
    result.other_platforms = dict(others)
    return result
