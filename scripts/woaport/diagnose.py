"""After a failure: which of the known causes does this build or test log show?

The catalog is data (``woaport/data/diagnose.yml``): failure *signatures*, each a regular
expression with the cause it points to, how decisive its line is (an ``error`` line, a
``warning``, or ``context`` such as pip building some wheel), literal *keys* that a line must
contain before the expression is tried, and *hints* that change the fix (or the cause) when
the log also shows some *context* (for example a setuptools 74 upgrade).

Logs are untrusted and can be huge (one line of a real log was 176 KB). Every line is cut to
``MAX_LINE_CHARS`` before anything else; expressions are tried only on lines that contain one
of their keys; the catalog's expressions have no nested or unbounded ``.*`` quantifiers (a
test checks this). A line the console wrapped is matched joined with the next one; messages
translated by a localised MSVC are matched by their error code (``LNK1112``, ``C1083``, …).

Causes are ranked by the most decisive line they matched (an error line always beats a
context line such as the package's own ``Building wheel for X``), then by how many distinct
signatures point to them, then by catalog order.
"""

from __future__ import annotations

import enum
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from woaport.bounded import load_yaml
from woaport.limits import MAX_LOG_LINE_CHARS

# GitHub Actions (2024-08-28T09:42:12.9616172Z), bracketed ISO (Jenkins/Azure timestamper
# plugins: [2024-01-04T11:36:53.944Z]) and clock-only (10:37:14) prefixes.
TIMESTAMP = re.compile(
    r"^\ufeff?(?:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z ?"
    r"|\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z\] "
    r"|\d\d:\d\d:\d\d )"
)
ANSI = re.compile(r"\x1b\[[0-9;]{0,20}[A-Za-z]")
MAX_LINE_CHARS = MAX_LOG_LINE_CHARS
MAX_LINES_PER_SIGNATURE = 5
TAIL_LINES = 15


class Level(enum.IntEnum):
    """How decisive a matched line is; a higher level always ranks first."""

    CONTEXT = 1
    WARNING = 2
    ERROR = 3


@dataclass(frozen=True, kw_only=True)
class Hint:
    """When every named context is in the log, this fix (and maybe cause) applies instead."""

    contexts: tuple[str, ...]
    fix: str
    cause: str | None = None


@dataclass(frozen=True, kw_only=True)
class Signature:
    id: str
    cause: str
    pattern: re.Pattern[str]
    explanation: str
    fix: str
    example: str
    level: Level = Level.ERROR
    keys: tuple[str, ...] = ()
    exclude: re.Pattern[str] | None = None
    requires: tuple[str, ...] = ()
    hints: tuple[Hint, ...] = ()
    package_group: int | None = None  # a group naming a package: no match for the package itself


@dataclass(frozen=True, kw_only=True)
class Context:
    """A fact about the whole log that hints and signatures may depend on."""

    id: str
    pattern: re.Pattern[str]
    keys: tuple[str, ...]
    example: str


@dataclass(frozen=True, kw_only=True)
class Catalog:
    causes: dict[str, str]
    signatures: tuple[Signature, ...]
    contexts: tuple[Context, ...]


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _keys(entry: dict[str, Any]) -> tuple[str, ...]:
    keys = entry["keys"]
    if not keys or not all(isinstance(k, str) for k in keys):  # YAML reads 0x1F as a number
        raise ValueError(f"diagnose.yml: {entry['id']}: keys must be quoted strings: {keys!r}")
    return tuple(k.lower() for k in keys)


@cache
def load_catalog() -> Catalog:
    text = resources.files("woaport.data").joinpath("diagnose.yml").read_text("utf-8")
    data = load_yaml(text, "woaport/data/diagnose.yml")
    signatures = tuple(
        Signature(
            id=entry["id"],
            cause=entry["cause"],
            pattern=_compile(entry["pattern"]),
            explanation=entry["explanation"],
            fix=entry["fix"],
            example=entry["example"],
            level=Level[str(entry.get("level", "error")).upper()],
            keys=_keys(entry),
            exclude=_compile(entry["exclude"]) if "exclude" in entry else None,
            requires=tuple(entry.get("requires", ())),
            hints=tuple(
                Hint(contexts=tuple(h["contexts"]), fix=h["fix"], cause=h.get("cause"))
                for h in entry.get("hints", ())
            ),
            package_group=entry.get("package_group"),
        )
        for entry in data["signatures"]
    )
    contexts = tuple(
        Context(
            id=entry["id"],
            pattern=_compile(entry["pattern"]),
            keys=_keys(entry),
            example=entry["example"],
        )
        for entry in data["contexts"]
    )
    return Catalog(causes=dict(data["causes"]), signatures=signatures, contexts=contexts)


def catalog() -> tuple[dict[str, str], tuple[Signature, ...]]:
    """The causes and the signatures (the shape the commands have always used)."""
    cat = load_catalog()
    return cat.causes, cat.signatures


def clean(line: str) -> str:
    """One log line without timestamp, colour codes and line end, at most MAX_LINE_CHARS."""
    line = line[: 2 * MAX_LINE_CHARS].rstrip("\r\n")
    return ANSI.sub("", TIMESTAMP.sub("", line))[:MAX_LINE_CHARS]


def _normalise(name: str) -> str:
    """A project name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True, kw_only=True)
class Match:
    """A signature found in the log; its cause and fix are already resolved by the hints."""

    signature: Signature
    lines: tuple[tuple[int, str], ...]
    count: int


@dataclass(frozen=True, kw_only=True)
class Diagnosis:
    source: str
    matches: tuple[Match, ...]
    lines_read: int
    tail: tuple[str, ...]
    contexts: tuple[str, ...] = ()
    long_lines: int = 0

    @property
    def causes(self) -> list[tuple[str, int]]:
        """Causes with their number of distinct signatures, the most decisive first."""
        best: dict[str, int] = {}
        counts: dict[str, int] = {}
        for m in self.matches:
            c = m.signature.cause
            counts[c] = counts.get(c, 0) + 1
            best[c] = max(best.get(c, 0), int(m.signature.level))
        order = list(load_catalog().causes)
        return sorted(
            counts.items(),
            key=lambda kv: (
                -best[kv[0]],
                -kv[1],
                order.index(kv[0]) if kv[0] in order else len(order),
            ),
        )

    @property
    def cause(self) -> str:
        return self.causes[0][0] if self.matches else "unknown"

    @property
    def exit_code(self) -> int:
        return 1 if self.matches else 0

    def top(self) -> Match | None:
        """The most decisive match of the winning cause."""
        mine = [m for m in self.matches if m.signature.cause == self.cause]
        return max(mine, key=lambda m: int(m.signature.level)) if mine else None

    def summary(self) -> str:
        """One line for a job summary or the controller: the cause and its first signature."""
        top = self.top()
        if top is None:
            return "unknown: no known failure signature in the log"
        return f"{self.cause}: {top.signature.explanation}"

    def to_json(self) -> dict[str, Any]:
        descriptions = load_catalog().causes
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
                    "level": m.signature.level.name.lower(),
                    "explanation": m.signature.explanation,
                    "fix": m.signature.fix,
                    "count": m.count,
                    "lines": [{"line": n, "text": t} for n, t in m.lines],
                }
                for m in self.matches
            ],
            "contexts": list(self.contexts),
            "lines_read": self.lines_read,
            "long_lines": self.long_lines,
            "tail": [] if self.matches else list(self.tail),
        }


@dataclass
class _Found:
    signature: Signature
    lines: list[tuple[int, str]] = field(default_factory=list)
    count: int = 0


class _Scanner:
    """One pass over the lines: keys first (substring tests), expressions only on hits."""

    def __init__(self, cat: Catalog, package: str | None) -> None:
        self.cat = cat
        self.package = _normalise(package) if package else None
        self.by_key: dict[str, list[Signature]] = {}
        for s in cat.signatures:
            for k in s.keys:
                self.by_key.setdefault(k, []).append(s)
        self.context_keys = {k for c in cat.contexts for k in c.keys}
        # One search over all keys first: most lines of a log contain none of them. Literal
        # alternatives only, so the search is linear in the line.
        every_key = sorted({*self.by_key, *self.context_keys}, key=len, reverse=True)
        self.gate = re.compile("|".join(re.escape(k) for k in every_key))
        self.found: dict[str, _Found] = {}
        self.contexts: set[str] = set()

    def candidates(self, low: str) -> list[Signature]:
        seen: dict[str, Signature] = {}
        for key, sigs in self.by_key.items():
            if key in low:
                for s in sigs:
                    seen[s.id] = s
        return list(seen.values())

    def matches(self, s: Signature, text: str) -> bool:
        m = s.pattern.search(text)
        if m is None:
            return False
        if s.exclude is not None and s.exclude.search(m.group(0)):
            return False
        if s.package_group is not None and self.package is not None:
            named = m.group(s.package_group)
            if named and _normalise(named) == self.package:
                return False  # the package's own build, not a dependency
        return True

    def record(self, s: Signature, number: int, text: str) -> None:
        found = self.found.setdefault(s.id, _Found(signature=s))
        found.count += 1
        if len(found.lines) < MAX_LINES_PER_SIGNATURE:
            found.lines.append((number, text.strip()[:300]))

    def scan_contexts(self, low: str, line: str) -> None:
        if not any(k in low for k in self.context_keys):
            return
        for c in self.cat.contexts:
            wanted = c.id not in self.contexts and any(k in low for k in c.keys)
            if wanted and c.pattern.search(line):
                self.contexts.add(c.id)


def _resolve(found: _Found, contexts: set[str]) -> Match:
    s = found.signature
    for hint in s.hints:
        if all(c in contexts for c in hint.contexts):
            s = replace(s, fix=hint.fix, cause=hint.cause or s.cause)
            break
    return Match(signature=s, lines=tuple(found.lines), count=found.count)


def diagnose(lines: Iterable[str], source: str = "-", *, package: str | None = None) -> Diagnosis:
    """Classify a log. ``package`` names the project being built, so that pip building *its*
    wheel is not taken for a dependency without a win_arm64 wheel."""
    cat = load_catalog()
    scanner = _Scanner(cat, package)
    tail: list[str] = []
    count = 0
    long_lines = 0
    prev: tuple[int, str, list[Signature], set[str]] | None = None
    for number, raw in enumerate(lines, 1):
        count = number
        if len(raw) > MAX_LINE_CHARS:
            long_lines += 1
        line = clean(raw)
        tail.append(line)
        if len(tail) > 2 * TAIL_LINES:
            del tail[:TAIL_LINES]
        low = line.lower()
        keyed = scanner.gate.search(low) is not None
        candidates = scanner.candidates(low) if keyed else []
        hit: set[str] = set()
        for s in candidates:
            if scanner.matches(s, line):
                scanner.record(s, number, line)
                hit.add(s.id)
        if prev is not None:
            # A console-wrapped line: a signature keyed on the previous line that matched
            # neither line alone may match the two joined (no separator: wraps cut words).
            p_number, p_line, p_candidates, p_hit = prev
            joined = p_line + line
            for s in p_candidates:
                if s.id not in p_hit and s.id not in hit and scanner.matches(s, joined):
                    scanner.record(s, p_number, joined)
                    hit.add(s.id)
        if keyed:
            scanner.scan_contexts(low, line)
        prev = (number, line, candidates, hit) if candidates else None
    found = [
        f
        for f in scanner.found.values()
        if all(r in scanner.contexts for r in f.signature.requires)
    ]
    order = {s.id: i for i, s in enumerate(cat.signatures)}
    found.sort(key=lambda f: order[f.signature.id])
    return Diagnosis(
        source=source,
        matches=tuple(_resolve(f, scanner.contexts) for f in found),
        lines_read=count,
        tail=tuple([t for t in tail if t.strip()][-TAIL_LINES:]),
        contexts=tuple(sorted(scanner.contexts)),
        long_lines=long_lines,
    )


def iter_text(data: bytes) -> Iterator[str]:
    """Lines of a log in any of the encodings logs come in; CRLF-safe."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", "replace")
    else:
        text = data.decode("utf-8", "replace")
    yield from text.splitlines()


def iter_zip_logs(path: str | Path, max_lines: int = 500_000) -> Iterator[str]:
    """The lines of every text file in a GitHub Actions logs zip, in name order."""
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
