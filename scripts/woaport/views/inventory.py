"""``inventory/README.md``: what maintainers read first.

It leads with the headline (the share of the top N a Windows-on-Arm user can install
natively, counts by state, the change since last month), then what needs a person, then the
regressions, then the packages that need porting ordered by the downloads they unblock, and
the table of the packages people follow (packages.yml). Deterministic: ages are relative to
the status's own ``updated`` time, so the file only changes when the status does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from woaport.documents.facts import DeviceFacts, Regression
from woaport.documents.fleet import FleetStatus
from woaport.documents.states import State
from woaport.documents.status import PackageStatus, Status
from woaport.files import parse_utc
from woaport.inventory import History, NextPick, Package, Validation, coverage_point
from woaport.views.base import Annotation, Line, Plain, md_text

TOP_NEEDS_PORTING = 50
BAR = 30


MAX_CELL = 1000  # characters of one table cell's text


def pypi_link(name: str) -> str:
    return f"https://pypi.org/project/{quote(name, safe='')}/"


class Markdown(str):
    """Markdown already: its untrusted parts were escaped where it was put together (a
    link around a package name), so a table cell keeps it as it is."""


def _link(text: object, url: str) -> Markdown:
    """``[text](url)``: the text escaped; the URL is woaport's own (pypi.org, a github.com
    repository from packages.yml, a run's html_url from GitHub's API)."""
    return Markdown(f"[{md_text(text, MAX_CELL)}]({url})")


def _age(then: str | None, reference: dt.datetime | None) -> str:
    moment = parse_utc(then)
    if moment is None or reference is None:
        return ""
    seconds = max(0, int((reference - moment).total_seconds()))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit} ago"
    return "just now"


def cell(text: object) -> str:
    """A Markdown table cell, one line. Plain text (from index pages, logs, device results:
    untrusted) is escaped with :func:`md_text`: no HTML, link, heading or table break, and
    every line break (``\\r`` too, a line ending to CommonMark) is a space."""
    if isinstance(text, Markdown):
        return " ".join(text.split())
    return md_text("" if text is None else text, MAX_CELL)


def _row(cells: Iterable[object]) -> str:
    return "| " + " | ".join(cell(c) for c in cells) + " |"


def _table(header: list[str], rows: list[list[object]]) -> list[str]:
    head = _row(Markdown(h) for h in header)  # woaport's own words
    return [head, "|" + " --- |" * len(header), *(_row(r) for r in rows)]


def _count(n: int | None) -> str:
    if n is None:
        return ""
    for unit, size in (("B", 10**9), ("M", 10**6), ("k", 10**3)):
        if n >= size:
            return f"{n / size:.1f}{unit}"
    return str(n)


def headline(status: Status, history: History) -> list[str]:
    today = (status.updated or "1970-01-01")[:10]
    point = coverage_point(status, today)
    lines: list[str] = []
    if point.top:
        filled = round(BAR * point.share)
        source = status.top
        where = (
            f" (downloads: hugovk/top-pypi-packages, {md_text(source.last_update, 40)})"
            if source and source.last_update
            else ""
        )
        lines += [
            f"**{point.share:.1%}** of the top {point.top:,} PyPI packages{where} install "
            f"natively on Windows on Arm: {point.native} with win_arm64 wheels, "
            f"{point.pure} pure Python, "
            f"{point.installable - point.native - point.pure} validated by woaport; "
            f"{point.with_dependencies} of them with every dependency they require there "
            "(the others wait on a package that needs porting).",
            "",
            f"`{'█' * filled}{'░' * (BAR - filled)}` {point.installable}/{point.top}",
            "",
        ]
        before = history.month_ago(today)
        if before is None:
            first = history.points[0].date if history.points else today
            lines += [
                f"Change since last month: no point a month old yet (history from {first}).",
                "",
            ]
        else:
            delta = point.installable - before.installable
            lines += [
                f"Change since {before.date}: {delta:+d} installable "
                f"({before.share:.1%} → {point.share:.1%}).",
                "",
            ]
    counts = {s: 0 for s in State}
    for entry in status.packages.values():
        counts[entry.state] += 1
    done = sum(n for s, n in counts.items() if s.done)
    total = len(status.packages)
    lines += [
        f"All {total} packages followed: **{done}/{total}** installable natively "
        "(native, pure or device-validated).",
        "",
        " · ".join(f"{s.badge}: {counts[s]}" for s in State if counts[s]),
        "",
    ]
    return lines


def _regression(entry: PackageStatus) -> Regression | None:
    return entry.facts.pypi.regressed if entry.facts.pypi else None


def _badge(entry: PackageStatus) -> str:
    badge = entry.state.badge + (f" ({entry.stage})" if entry.stage else "")
    return badge + (" ⚠ stale" if entry.is_stale else "")


def _links(package: Package, entry: PackageStatus | None) -> Markdown:
    links = [f"[PyPI]({pypi_link(package.name)})"]
    if package.upstream:
        links.append(f"[upstream](https://github.com/{package.upstream})")
    if package.fork:
        links.append(f"[fork](https://github.com/{package.fork.repo}/tree/{package.fork.branch})")
    if entry and entry.facts.ci and entry.facts.ci.url:
        links.append(f"[CI run]({entry.facts.ci.url})")
    if package.fork and entry and entry.facts.queue and entry.facts.queue.devices:
        links.append(f"[device results](https://github.com/{package.fork.repo}/releases)")
    if package.upstream_pr:
        links.append(f"[upstream PR]({package.upstream_pr}){_pull_word(package, entry)}")
    return Markdown(" · ".join(links))


def _pull_word(package: Package, entry: PackageStatus | None) -> str:
    """What the API last said of the pull request packages.yml names, as " (merged)"."""
    pull = entry.facts.pr if entry else None
    if pull is None or pull.url != package.upstream_pr:
        return ""
    return f" ({pull.state})"


def readme(
    packages: list[Package], status: Status, history: History, fleet: FleetStatus | None = None
) -> str:
    by_key = {p.key: p for p in packages}
    reference = parse_utc(status.updated)
    lines = [
        "# Windows on Arm: where the most downloaded Python packages stand",
        "",
        "<!-- Generated by `woaport controller update` / `woaport inventory render` from "
        "packages.yml, status.json and history.json. Do not edit. -->",
        "",
        f"Last change: {status.updated or 'never'} · the whole table, searchable, with the "
        "coverage over time: [the status page](index.html)",
        "",
        *headline(status, history),
    ]
    entries = status.packages
    person = sorted(
        (k for k, e in entries.items() if e.state.needs_person and k in by_key),
        key=lambda k: (entries[k].state.order, by_key[k].priority, k),
    )
    lines += ["## Needs a person", ""]
    if person:
        rows: list[list[object]] = [
            [by_key[k].name, _badge(entries[k]), entries[k].cause, _links(by_key[k], entries[k])]
            for k in person
        ]
        lines += _table(["package", "state", "cause", "links"], rows)
    else:
        lines.append("Nothing: no port is failing, in a fork, waiting for a device or blocked.")
    lines.append("")
    regressed = sorted(
        (k for k, e in entries.items() if e.facts.pypi and e.facts.pypi.regressed),
        key=lambda k: (entries[k].rank or 10**9, k),
    )
    if regressed:
        lines += [
            "## Regressed",
            "",
            "An earlier release had win_arm64 wheels; the latest has none.",
            "",
        ]
        rows = [
            [
                entries[k].rank or "",
                _link(entries[k].name, pypi_link(entries[k].name)),
                regression.latest,
                regression.last_native,
                regression.pip_installs,
            ]
            for k in regressed
            for regression in [_regression(entries[k])]
            if regression is not None
        ]
        lines += _table(["rank", "package", "latest", "last with win_arm64", "pip"], rows)
        lines.append("")
    porting = sorted(
        (
            k
            for k, e in entries.items()
            if e.state in (State.READY, State.AWAITING_PARENTS, State.IN_PR)
        ),
        key=lambda k: (
            -(entries[k].unblocks_downloads + (entries[k].downloads or 0)),
            -entries[k].reach,
            entries[k].rank or 10**9,
            k,
        ),
    )[:TOP_NEEDS_PORTING]
    lines += [
        f"## Needs porting: the top {TOP_NEEDS_PORTING} by reach",
        "",
        "Ordered by the downloads a port unblocks (its own and those of the packages that "
        "require it on Windows on Arm); *waiting on it*: how many packages of this list need it.",
        "",
    ]
    rows = []
    for k in porting:
        e = entries[k]
        package = by_key.get(k, Package(name=e.name, listed=False))
        rows.append(
            [
                e.rank or "",
                e.name,
                _badge(e),
                _count((e.downloads or 0) + e.unblocks_downloads),
                e.reach,
                ", ".join(e.blocked_by),
                _links(package, e),
            ]
        )
    lines += _table(
        ["rank", "package", "state", "downloads unblocked", "waiting on it", "awaiting", "links"],
        rows,
    )
    lines += ["", *followed(packages, status, reference)]
    if fleet is not None:
        from woaport.views.fleet import readme_section

        lines += ["", *readme_section(fleet)]
    lines += ["", "## Legend", ""]
    lines += [f"- {s.badge}: {s.legend}" for s in State]
    lines += [
        "- ⚠ stale: a source could not be read at the last update; the facts shown are the "
        "last known ones",
        "",
    ]
    return "\n".join(lines)


def followed(packages: list[Package], status: Status, reference: dt.datetime | None) -> list[str]:
    """The table of the packages people listed in packages.yml, every one exactly once:
    what needs a person first, then by priority."""
    listed = [p for p in packages if p.listed]
    entries = status.packages
    devices = sorted({d for e in entries.values() if e.facts.queue for d in e.facts.queue.devices})
    lines = ["## Packages people follow (packages.yml)", ""]
    header = ["package", "rank", "state", "PyPI", "fork", "last CI", "payload", "CI contract"]
    header += [f"device {d}" for d in devices] + ["cause", "blocked by", "upstream PR"]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + " --- |" * len(header))

    def order(p: Package) -> tuple[int, int, int, str]:
        entry = entries.get(p.key)
        state = entry.state if entry else State.READY
        rank = p.rank or (entry.rank if entry else None)
        return (state.order, p.priority, rank or 10**9, p.key)

    for p in sorted(listed, key=order):
        e = entries.get(p.key) or PackageStatus(name=p.name, state=State.READY)
        pypi, ci, item = e.facts.pypi, e.facts.ci, e.facts.queue
        pypi_text = f"{pypi.version or ''} {pypi.kind}".strip() if pypi else ""
        if pypi and pypi.pythons:
            pypi_text += f" ({', '.join(pypi.pythons)})"
        fork = f"{p.fork.repo}@{p.fork.branch}" if p.fork else ""
        last_ci = ""
        if ci:
            outcome = ci.conclusion or ci.status
            run = _link(outcome, ci.url) if ci.url else md_text(outcome)
            last_ci = Markdown(f"{run} {_age(ci.created_at, reference)}")
        row: list[object] = [
            Markdown(f"**{md_text(p.name)}**"),
            p.rank or e.rank or "",
            _badge(e),
            pypi_text,
            fork,
            last_ci,
            item.payload if item else "",
            item.ci_verdict if item else "",
        ]
        row += [
            _device_cell(item.devices[d]) if item and d in item.devices else "" for d in devices
        ]
        cause = e.cause if e.state.needs_person or e.state is State.AWAITING_PARENTS else ""
        pr = Markdown(f"{_link('PR', p.upstream_pr)}{_pull_word(p, e)}") if p.upstream_pr else ""
        row += [cause, ", ".join(e.blocked_by), pr]
        lines.append(_row(row))
    return lines


def _device_cell(device: DeviceFacts) -> str:
    """The device's verdict, and how the native wheel's benchmarks compare with the x64
    wheel's run emulated on the same laptop (when it measured that)."""
    ratio = device.native_vs_emulated
    if ratio is None or ratio <= 0:
        return str(device.verdict)
    if ratio <= 1:
        return f"{device.verdict} · native {1 / ratio:.1f}x faster than emulated x64"
    return f"{device.verdict} · native {ratio:.1f}x slower than emulated x64"


@dataclass(frozen=True)
class ValidationView:
    result: Validation

    def to_json(self) -> dict[str, Any]:
        return self.result.to_json()

    def text_lines(self) -> Iterator[Line]:
        if not self.result.problems:
            yield Line(text=f"{self.result.path}: ok ({self.result.count} packages)", style="ok")
        for problem in self.result.problems:
            yield Line(text=problem, style="error")

    def markdown(self) -> str:
        return "\n".join(f"- {md_text(p)}" for p in self.result.problems) or (
            f"{md_text(self.result.path)}: ok"
        )

    def annotations(self) -> Iterator[Annotation]:
        for problem in self.result.problems:
            yield Annotation(level="error", file=str(self.result.path), message=problem)


@dataclass(frozen=True, kw_only=True)
class NextView(Plain):
    picks: list[NextPick]

    def to_json(self) -> dict[str, Any]:
        return {"next": [p.to_json() for p in self.picks]}

    def text_lines(self) -> Iterator[Line]:
        if not self.picks:
            yield Line(
                text="nothing to pick: every package is done, in a fork, awaiting parents or blocked",
                style="dim",
            )
        for i, pick in enumerate(self.picks, 1):
            yield Line(text=f"{i}. {pick.package.name} ({pick.state})", style="heading")
            yield Line(text="   " + "; ".join(pick.reasons))

    def markdown(self) -> str:
        return "\n".join(
            f"1. **{md_text(p.package.name)}**: {md_text('; '.join(p.reasons))}" for p in self.picks
        )
