"""The labelled sdist corpus (tests/corpus/sdists.yml) and the unlabelled set of sdists whose
releases ship win_arm64 wheels (tests/corpus/shipping.yml): loading, and fetching each sdist
once into the user cache (verified by sha256; never committed).

Used by tests/test_analyze.py (marked ``network``) and bench/eval_analyze.py."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path

import yaml
from filelock import FileLock

from realfiles import cache_dir

CORPUS = Path(__file__).parent / "corpus" / "sdists.yml"
SHIPPING = Path(__file__).parent / "corpus" / "shipping.yml"


class Split(enum.StrEnum):
    TUNING = "tuning"
    HELD_OUT = "held-out"


@dataclass(frozen=True, kw_only=True)
class EvidenceLabel:
    """One analyze item labelled by hand: does this line really need work for ARM64?"""

    file: str
    line: int
    kind: str
    real: bool
    why: str


@dataclass(frozen=True, kw_only=True)
class Sdist:
    name: str
    version: str
    filename: str
    sha256: str
    url: str
    label: str
    expect: str | None
    citation: str
    split: Split
    note: str
    evidence: tuple[EvidenceLabel, ...] = ()
    uncertain: bool = False
    """The evidence did not settle the label (the note says why); absent means False."""


def load(path: Path = CORPUS) -> list[Sdist]:
    document = yaml.safe_load(path.read_text())
    entries = []
    for raw in document["sdists"]:
        labels = tuple(
            EvidenceLabel(
                file=str(e["file"]),
                line=int(e["line"]),
                kind=str(e["kind"]),
                real=bool(e["real"]),
                why=str(e["why"]),
            )
            for e in raw.get("evidence", [])
        )
        entries.append(
            Sdist(
                **_pinned(raw),
                label=str(raw["label"]),
                expect=raw.get("expect"),
                citation=str(raw["citation"]),
                split=Split(raw["split"]),
                note=str(raw["note"]),
                evidence=labels,
                uncertain=_flag(raw, "uncertain"),
            )
        )
    return entries


@dataclass(frozen=True, kw_only=True)
class Shipping:
    """An sdist whose release ships win_arm64 wheels (no label: see shipping.yml)."""

    name: str
    version: str
    filename: str
    sha256: str
    url: str
    rank: int
    citation: str


def load_shipping(path: Path = SHIPPING) -> list[Shipping]:
    document = yaml.safe_load(path.read_text())
    return [
        Shipping(
            **_pinned(raw),
            rank=int(raw["rank"]),
            citation=str(raw["citation"]),
        )
        for raw in document["sdists"]
    ]


def _pinned(raw: dict[str, object]) -> dict[str, str]:
    """What pins an sdist, in either file: name, version, filename, sha256 and URL."""
    return {key: str(raw[key]) for key in ("name", "version", "filename", "sha256", "url")}


def _flag(raw: dict[str, object], key: str) -> bool:
    """An optional yes/no field: absent is False, anything but a YAML boolean is an error."""
    value = raw.get(key, False)
    if not isinstance(value, bool):
        raise ValueError(f"{raw.get('name')}: {key} must be true or false, not {value!r}")
    return value


def fetch(sdist: Sdist | Shipping) -> Path:
    """The sdist in the test cache, downloaded from its pinned URL the first time."""
    from woaport.http import download, make_session

    target = cache_dir() / "sdists" / sdist.filename
    target.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(target) + ".lock"):
        return download(make_session(), sdist.url, target, sha256=sdist.sha256)
