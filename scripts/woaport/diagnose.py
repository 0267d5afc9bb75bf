"""After a failure: which of the known causes does this build or test log show?

The catalog of signatures is data (``woaport/data/diagnose.yml``). Each line of the log is
cleaned (GitHub Actions timestamps, ANSI colours, CRLF) and matched against every
signature; the causes are ranked by how many distinct signatures matched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

TIMESTAMP = re.compile(r"^\ufeff?\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z ")
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
MAX_LINES_PER_SIGNATURE = 5


@dataclass(frozen=True, kw_only=True)
class Signature:
    id: str
    cause: str
    pattern: re.Pattern[str]
    explanation: str
    fix: str
    example: str


@cache
def catalog() -> tuple[dict[str, str], tuple[Signature, ...]]:
    text = resources.files("woaport.data").joinpath("diagnose.yml").read_text("utf-8")
    data = yaml.safe_load(text)
    signatures = tuple(
        Signature(
            id=entry["id"],
            cause=entry["cause"],
            pattern=re.compile(entry["pattern"]),
            explanation=entry["explanation"],
            fix=entry["fix"],
            example=entry["example"],
        )
        for entry in data["signatures"]
    )
    return dict(data["causes"]), signatures


def clean(line: str) -> str:
    return ANSI.sub("", TIMESTAMP.sub("", line.rstrip("\r\n")))


@dataclass
class Match:
    signature: Signature
    lines: list[tuple[int, str]] = field(default_factory=list)
    count: int = 0


@dataclass(kw_only=True)
class Diagnosis:
    source: str
    matches: list[Match]
    lines_read: int
    tail: list[str]

    @property
    def causes(self) -> list[tuple[str, int]]:
        """Causes with their number of distinct signatures, most first."""
        counts: dict[str, int] = {}
        for m in self.matches:
            counts[m.signature.cause] = counts.get(m.signature.cause, 0) + 1
        order = list(catalog()[0])
        return sorted(
            counts.items(), key=lambda kv: (-kv[1], order.index(kv[0]) if kv[0] in order else 99)
        )

    @property
    def cause(self) -> str:
        return self.causes[0][0] if self.matches else "unknown"

    @property
    def exit_code(self) -> int:
        return 1 if self.matches else 0

    def summary(self) -> str:
        """One line for a job summary or the controller: the cause and its first signature."""
        if not self.matches:
            return "unknown: no known failure signature in the log"
        top = next(m for m in self.matches if m.signature.cause == self.cause)
        return f"{self.cause}: {top.signature.explanation}"

    def to_json(self) -> dict[str, Any]:
        descriptions = catalog()[0]
        return {
            "source": self.source,
            "cause": self.cause,
            "causes": [
                {"cause": c, "signatures": n, "meaning": descriptions.get(c, "")}
                for c, n in self.causes
            ],
            "matches": [
                {
                    "id": m.signature.id,
                    "cause": m.signature.cause,
                    "explanation": m.signature.explanation,
                    "fix": m.signature.fix,
                    "count": m.count,
                    "lines": [{"line": n, "text": t} for n, t in m.lines],
                }
                for m in self.matches
            ],
            "lines_read": self.lines_read,
            "tail": [] if self.matches else self.tail,
        }


def diagnose(lines: Iterable[str], source: str = "-") -> Diagnosis:
    _, signatures = catalog()
    found: dict[str, Match] = {}
    tail: list[str] = []
    count = 0
    for number, raw in enumerate(lines, 1):
        count = number
        line = clean(raw)
        tail.append(line)
        if len(tail) > 30:
            del tail[0]
        for signature in signatures:
            if signature.pattern.search(line):
                match = found.setdefault(signature.id, Match(signature=signature))
                match.count += 1
                if len(match.lines) < MAX_LINES_PER_SIGNATURE:
                    match.lines.append((number, line.strip()[:300]))
    order = {s.id: i for i, s in enumerate(signatures)}
    matches = sorted(found.values(), key=lambda m: order[m.signature.id])
    return Diagnosis(
        source=source, matches=matches, lines_read=count, tail=[t for t in tail if t.strip()][-15:]
    )


def iter_text(data: bytes) -> Iterator[str]:
    """Lines of a log in any of the encodings logs come in; CRLF-safe."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", "replace")
    else:
        text = data.decode("utf-8", "replace")
    yield from text.splitlines()


def iter_zip_logs(path: Any, max_lines: int = 500_000) -> Iterator[str]:
    """The lines of every text file in a GitHub Actions logs zip, in name order."""
    import zipfile

    count = 0
    with zipfile.ZipFile(path) as zf:
        for info in sorted(zf.infolist(), key=lambda i: i.filename):
            if info.is_dir() or not info.filename.endswith(".txt"):
                continue
            for line in iter_text(zf.read(info)):
                yield line
                count += 1
                if count >= max_lines:
                    return
