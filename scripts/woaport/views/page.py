"""The status page (``inventory/index.html``): one self-contained HTML file, publishable
with GitHub Pages as it is (no build step, no request to any other host).

It holds the whole table (every package followed, with its state, what the latest release
offers per Python, reach and links), a search box, filters by state and kind, sorting by
any column (click its header), and a chart of the coverage of the top N over time drawn
from history.json. The data travel inside the page as JSON (``<script
type="application/json">``, with ``<`` escaped so no text can close the element); the
script builds the rows with ``textContent`` and sets only ``https:`` links, so text from
the index or from logs is never parsed as HTML.
"""

from __future__ import annotations

import html
import json
from typing import Any

from woaport.documents.facts import TARGETS
from woaport.documents.states import State
from woaport.documents.status import Status
from woaport.inventory import History, Package
from woaport.views.inventory import headline, pypi_link

CHART_WIDTH, CHART_HEIGHT, PAD = 720, 220, 36


def rows(packages: list[Package], status: Status) -> list[dict[str, Any]]:
    by_key = {p.key: p for p in packages}
    out = []
    for key, e in sorted(status.packages.items(), key=lambda kv: (kv[1].rank or 10**9, kv[0])):
        p = by_key.get(key)
        pypi = e.facts.pypi
        links = {"PyPI": pypi_link(e.name)}
        if p and p.upstream:
            links["upstream"] = f"https://github.com/{p.upstream}"
        if p and p.fork:
            links["fork"] = f"https://github.com/{p.fork.repo}/tree/{p.fork.branch}"
        if e.facts.ci and e.facts.ci.url:
            links["CI run"] = e.facts.ci.url
        if p and p.upstream_pr:
            pull = e.facts.pr if e.facts.pr and e.facts.pr.url == p.upstream_pr else None
            links[f"upstream PR ({pull.state})" if pull else "upstream PR"] = p.upstream_pr
        out.append(
            {
                "rank": e.rank,
                "name": e.name,
                "state": str(e.state),
                "badge": e.state.badge + (f" ({e.stage})" if e.stage else ""),
                "kind": str(pypi.kind) if pypi else "",
                "version": pypi.version if pypi and pypi.version else "",
                "coverage": list(pypi.coverage) if pypi else [],
                "regressed": pypi.regressed.pip_installs if pypi and pypi.regressed else "",
                "fallback": pypi.binary_fallback if pypi and pypi.binary_fallback else "",
                "downloads": e.downloads,
                "reach": e.reach,
                "unblocks": e.unblocks_downloads + (e.downloads or 0) if e.reach else 0,
                "first_native": e.first_native or "",
                "cause": e.cause,
                "awaiting": list(e.blocked_by),
                "stale": e.is_stale,
                "links": links,
            }
        )
    return out


def chart(history: History) -> str:
    """An SVG line of the share of the top N installable natively, one point per day."""
    points = [p for p in history.points if p.top]
    inner_w, inner_h = CHART_WIDTH - 2 * PAD, CHART_HEIGHT - 2 * PAD
    parts = [
        f'<svg id="chart" role="img" viewBox="0 0 {CHART_WIDTH} {CHART_HEIGHT}" '
        f'width="{CHART_WIDTH}" height="{CHART_HEIGHT}" aria-label="coverage over time">',
        f'<rect x="{PAD}" y="{PAD}" width="{inner_w}" height="{inner_h}" class="frame"/>',
    ]
    for share in (0, 0.25, 0.5, 0.75, 1.0):
        y = PAD + inner_h * (1 - share)
        parts.append(
            f'<line x1="{PAD}" x2="{PAD + inner_w}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
        )
        parts.append(
            f'<text x="{PAD - 4}" y="{y + 4:.1f}" class="axis" text-anchor="end">{share:.0%}</text>'
        )
    if not points:
        parts.append(
            f'<text x="{CHART_WIDTH / 2}" y="{CHART_HEIGHT / 2}" text-anchor="middle">no history yet</text>'
        )
    else:
        step = inner_w / max(1, len(points) - 1)
        xy = [
            (PAD + (i * step if len(points) > 1 else inner_w / 2), PAD + inner_h * (1 - p.share))
            for i, p in enumerate(points)
        ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
        whole = " ".join(
            f"{x:.1f},{PAD + inner_h * (1 - p.with_dependencies / p.top):.1f}"
            for (x, _), p in zip(xy, points, strict=True)
        )
        parts.append(f'<polyline points="{whole}" class="line whole"/>')
        parts.append(f'<polyline points="{path}" class="line"/>')
        for (x, y), p in zip(xy, points, strict=True):
            title = html.escape(f"{p.date}: {p.installable}/{p.top} ({p.share:.1%})")
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" class="dot"><title>{title}</title></circle>'
            )
        parts.append(
            f'<text x="{PAD}" y="{CHART_HEIGHT - 8}" class="axis">{html.escape(points[0].date)}</text>'
        )
        parts.append(
            f'<text x="{PAD + inner_w}" y="{CHART_HEIGHT - 8}" class="axis" text-anchor="end">'
            f"{html.escape(points[-1].date)}</text>"
        )
    parts.append("</svg>")
    return "\n".join(parts)


def _markdown_inline(text: str) -> str:
    """The headline's Markdown (``**bold**``, backticks) as HTML, escaped first."""
    out = html.escape(text)
    while out.count("**") >= 2:
        out = out.replace("**", "<strong>", 1).replace("**", "</strong>", 1)
    while out.count("`") >= 2:
        out = out.replace("`", "<code>", 1).replace("`", "</code>", 1)
    return out


def page(packages: list[Package], status: Status, history: History) -> str:
    data = json.dumps(rows(packages, status), ensure_ascii=False, separators=(",", ":"))
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    summary = "".join(
        f"<p>{_markdown_inline(line)}</p>\n" for line in headline(status, history) if line
    )
    state_options = "".join(f'<option value="{s}">{html.escape(s.badge)}</option>' for s in State)
    kinds = ("native", "pure", "needs-porting", "sdist-only", "no-files")
    kind_options = "".join(f'<option value="{k}">{k}</option>' for k in kinds)
    legend = "".join(f"<li>{html.escape(s.badge)}: {html.escape(s.legend)}</li>" for s in State)
    targets = json.dumps(list(TARGETS))
    return _TEMPLATE.format(
        updated=html.escape(status.updated or "never"),
        summary=summary,
        chart=chart(history),
        state_options=state_options,
        kind_options=kind_options,
        legend=legend,
        data=data,
        targets=targets,
    )


_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Windows on Arm: where the most downloaded Python packages stand</title>
<!-- Generated by `woaport controller update` from status.json and history.json. Do not edit. -->
<style>
body {{ font-family: system-ui, sans-serif; margin: 1.5rem; color: #1f2328; }}
h1 {{ font-size: 1.5rem; }}
.controls {{ display: flex; gap: .75rem; flex-wrap: wrap; align-items: center; margin: .75rem 0; }}
.controls input[type=search] {{ min-width: 16rem; padding: .3rem; }}
table {{ border-collapse: collapse; width: 100%; font-size: .85rem; }}
th, td {{ border-bottom: 1px solid #d0d7de; padding: .25rem .4rem; text-align: left; vertical-align: top; }}
th {{ cursor: pointer; background: #f6f8fa; position: sticky; top: 0; user-select: none; }}
th[aria-sort=ascending]::after {{ content: " ▲"; }}
th[aria-sort=descending]::after {{ content: " ▼"; }}
td.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
.cov {{ white-space: nowrap; }}
.cov span {{ display: inline-block; width: 1.1em; text-align: center; }}
.cov .yes {{ color: #1a7f37; }} .cov .no {{ color: #bbb; }}
.frame {{ fill: #fff; stroke: #d0d7de; }} .grid {{ stroke: #eee; }}
.line {{ fill: none; stroke: #0969da; stroke-width: 2; }} .dot {{ fill: #0969da; }}
.whole {{ stroke: #8250df; stroke-dasharray: 4 3; }}
.axis {{ font-size: 11px; fill: #57606a; }}
.stale {{ color: #9a6700; }}
</style>
</head>
<body>
<h1>Windows on Arm: where the most downloaded Python packages stand</h1>
<p>Last change: {updated}. Made by <code>woaport controller update</code>; the data:
<a href="status.json">status.json</a>, <a href="history.json">history.json</a>.</p>
<section id="summary">
{summary}</section>
<section>
<h2>Coverage of the top packages over time</h2>
<p>Solid: the share with a wheel for Windows on Arm (native, pure or validated by woaport).
Dashed: the share that installs with everything it requires there.</p>
{chart}
</section>
<section>
<h2>All packages</h2>
<div class="controls">
<input id="search" type="search" placeholder="Search by name or cause" aria-label="search">
<label>state <select id="state"><option value="">all</option>{state_options}</select></label>
<label>kind <select id="kind"><option value="">all</option>{kind_options}</select></label>
<label><input id="regressed" type="checkbox"> regressed only</label>
<span id="shown" aria-live="polite"></span>
</div>
<table id="packages">
<thead><tr>
<th data-key="rank" data-type="num">rank</th>
<th data-key="name">package</th>
<th data-key="state" data-type="state">state</th>
<th data-key="kind">latest release</th>
<th data-key="coverage" data-type="len">win_arm64 wheels for</th>
<th data-key="downloads" data-type="num">downloads (30 d)</th>
<th data-key="reach" data-type="num">waiting on it</th>
<th data-key="unblocks" data-type="num">downloads unblocked</th>
<th data-key="first_native">first seen native</th>
<th data-key="cause">cause</th>
<th>links</th>
</tr></thead>
<tbody></tbody>
</table>
</section>
<section>
<h2>Legend</h2>
<ul>{legend}</ul>
</section>
<script id="data" type="application/json">{data}</script>
<script>
"use strict";
const ROWS = JSON.parse(document.getElementById("data").textContent);
const TARGETS = {targets};
const ORDER = [...document.querySelectorAll("#state option")].map(o => o.value).filter(Boolean);
const body = document.querySelector("#packages tbody");
let sortKey = "rank", sortType = "num", ascending = true;

function text(tag, value, cls) {{
  const el = document.createElement(tag);
  el.textContent = value == null ? "" : String(value);
  if (cls) el.className = cls;
  return el;
}}
function number(n) {{ return n == null ? "" : Number(n).toLocaleString("en"); }}
function render() {{
  const q = document.getElementById("search").value.trim().toLowerCase();
  const state = document.getElementById("state").value;
  const kind = document.getElementById("kind").value;
  const regressed = document.getElementById("regressed").checked;
  const shown = ROWS.filter(r =>
    (!q || r.name.toLowerCase().includes(q) || r.cause.toLowerCase().includes(q)) &&
    (!state || r.state === state) && (!kind || r.kind === kind) && (!regressed || r.regressed));
  const key = r => sortType === "num" ? (r[sortKey] == null ? Infinity : r[sortKey])
    : sortType === "state" ? ORDER.indexOf(r.state)
    : sortType === "len" ? r[sortKey].length : String(r[sortKey]).toLowerCase();
  shown.sort((a, b) => {{
    const x = key(a), y = key(b);
    const c = x < y ? -1 : x > y ? 1 : a.name.localeCompare(b.name);
    return ascending ? c : -c;
  }});
  body.replaceChildren(...shown.map(r => {{
    const tr = document.createElement("tr");
    tr.dataset.name = r.name;
    tr.dataset.state = r.state;
    tr.append(text("td", r.rank, "num"), text("td", r.name));
    tr.append(text("td", r.badge + (r.stale ? " ⚠ stale" : ""), r.stale ? "stale" : ""));
    tr.append(text("td", (r.version + " " + r.kind).trim() +
      (r.regressed ? " — regressed: " + r.regressed
        : r.fallback ? " — pip --only-binary installs " + r.fallback : "")));
    const cov = document.createElement("td");
    cov.className = "cov";
    for (const t of TARGETS) {{
      const s = text("span", r.coverage.includes(t) ? "✓" : "·", r.coverage.includes(t) ? "yes" : "no");
      s.title = t;
      cov.append(s);
    }}
    tr.append(cov, text("td", number(r.downloads), "num"), text("td", r.reach, "num"));
    tr.append(text("td", r.unblocks ? number(r.unblocks) : "", "num"), text("td", r.first_native));
    tr.append(text("td", r.cause + (r.awaiting.length ? "" : "")));
    const links = document.createElement("td");
    for (const [label, href] of Object.entries(r.links)) {{
      if (!/^https:[/][/]/.test(href)) continue;
      const a = text("a", label);
      a.href = href;
      a.rel = "noopener";
      links.append(a, " ");
    }}
    tr.append(links);
    return tr;
  }}));
  document.getElementById("shown").textContent = shown.length + " of " + ROWS.length + " packages";
}}
for (const th of document.querySelectorAll("#packages th[data-key]")) {{
  th.addEventListener("click", () => {{
    if (sortKey === th.dataset.key) ascending = !ascending;
    else {{ sortKey = th.dataset.key; sortType = th.dataset.type || "text"; ascending = sortType !== "len"; }}
    for (const other of document.querySelectorAll("#packages th")) other.removeAttribute("aria-sort");
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    render();
  }});
}}
for (const id of ["search", "state", "kind", "regressed"]) {{
  document.getElementById(id).addEventListener("input", render);
  document.getElementById(id).addEventListener("change", render);
}}
render();
</script>
</body>
</html>
"""
