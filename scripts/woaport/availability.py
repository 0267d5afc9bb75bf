"""What a release offers Windows on Arm: native wheels, a pure wheel, or only an sdist.

Shared by ``woaport check`` and the controller, so both tell the same story.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Literal

from packaging.tags import Tag
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

from woaport.errors import BadInput
from woaport.index import IndexFile

# native: win_arm64 wheels; pure: a pure-Python wheel installs anyway; sdist-only: pip
# would have to compile; binary-only: wheels for other platforms only, nothing to build
# from; no-files: the release has no installable file at all.
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


def classify(files: list[IndexFile]) -> list[ReleaseFile]:
    out = []
    for f in files:
        try:
            if f.filename.endswith(".whl"):
                _, version, _, tags = parse_wheel_filename(f.filename)
                out.append(ReleaseFile(file=f, kind="wheel", version=version, tags=tags))
            else:
                _, version = parse_sdist_filename(f.filename)
                out.append(ReleaseFile(file=f, kind="sdist", version=version))
        except (InvalidWheelFilename, InvalidSdistFilename, InvalidVersion):
            continue  # .exe installers, eggs and other legacy files say nothing here
    return out


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
        }


def _python_sort_key(label: str) -> tuple[int, str]:
    digits = "".join(ch for ch in label[2:] if ch.isdigit())
    return (int(digits) if digits else 0, label)


def summarize(
    name: str, files: list[IndexFile], *, version: str | None = None, pre: bool = False
) -> Availability:
    release_files = classify(files)
    chosen = pick_version(release_files, version, pre=pre)
    result = Availability(name=name, version=str(chosen) if chosen else None)
    if chosen is None:
        return result
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
