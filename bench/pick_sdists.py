"""Pick the next round of the labelled sdist corpus by its mechanical rule.

    .venv/bin/python bench/pick_sdists.py TOP_PYPI_JSON START_RANK OUT_FOLDER [--want 20]
        [--not-in OTHER_TOP_PYPI_JSON ...]
    .venv/bin/python bench/pick_sdists.py index START_HASH OUT_FOLDER [--want 20]
        [--since YYYY-MM-DD]

TOP_PYPI_JSON is hugovk/top-pypi-packages' top-pypi-packages.min.json (the corpus uses its
commit 5501c5c: `git show 5501c5c:top-pypi-packages.min.json`). From START_RANK (1-based)
on, the rule of tests/corpus/sdists.yml's header passes over projects already in
sdists.yml or shipping.yml, with no sdist in their latest release, with a none-any wheel
there, or whose sdist holds no native source (a C, C++, Cython, Rust or Fortran file) and
names no native build backend in pyproject.toml. A project whose latest release ships
win_arm64 wheels is pinned to its last release (with an sdist, not a pre-release) before
its first win_arm64 one, whose work is then the diff between the two; one that has shipped
them since its first release is pinned to its latest.

From round 64 on, TOP_PYPI_JSON is the list of a year before (commit 169a5a9, 2025-04-01)
and --not-in names 5501c5c's: the projects that fell out of the top 15000 in that year, whose
walk in the newer list ended at rank 14984 with round 63. A project the index now knows by
another name is passed over as known when that name is in the corpus.

The list of 2025-04-01 ran out (at rank 15000) with the first 11 picks of round 78. From
there on, TOP_PYPI_JSON is the list of 2025-10-01 (commit 5eec9ad, half-way between the two)
from rank 1, and --not-in is given twice, naming both lists before it: the 893 projects that
were in the top 15000 on 2025-10-01 but on neither of those days.

That list ran out (at rank 15000) with round 83's first 13 picks. From there on, TOP_PYPI_JSON
is the list of 2026-01-01 (commit 347bab8, half-way between 2025-10-01 and the newest) from
rank 1, with --not-in given three times (the lists of 2025-04-01, 2025-10-01 and 5501c5c's):
785 projects.
That one ran out with round 85's first 15 picks; then the list of 2025-07-05 (commit
0a17c3a, half-way between 2025-04-01 and 2025-10-01) from rank 1, with --not-in given four
times (those lists and 2026-01-01's): 573 projects.
That one ran out with round 87's first 13 picks; then the list of 2025-05-01 (commit 48c66f8,
the newest month's snapshot before 2025-05-18, half-way between 2025-04-01 and 2025-07-05)
from rank 1, with --not-in given five times (those lists and 2025-07-05's): 256 projects.
That one ran out with round 89's first 14 picks; then the list of 2025-06-13 (commit
75cc141, the snapshot between 2025-05-01 and 2025-07-05) from rank 1, with --not-in given
six times (those lists and 2025-05-01's): 288 projects.
That one ran out with round 91's first 3 picks; then the list of 2025-08-01 (commit 8c0c259,
the snapshot between 2025-07-05 and 2025-10-01) from rank 1, with --not-in given seven times
(those lists and 2025-06-13's): 152 projects.
That one ran out with round 92's first 3 picks; then the list of 2025-09-01 (commit 91a07ef)
from rank 1, with --not-in given eight times (those lists and 2025-08-01's): 704 projects,
which ran out with 14 picks (passing over 650 with a none-any wheel); then the list of
2025-11-01 (commit 7c515fe) from rank 1, with --not-in given nine times (those lists and
2025-09-01's): 147 projects.
That one ran out with round 94's first 2 picks; then the list of 2025-12-01 (commit
b2b4455) from rank 1, with --not-in given ten times (those lists and 2025-11-01's): 215
projects, which ran out with 25 picks; then the list of 2026-02-01 (commit bb0bcb5) from
rank 1, with --not-in given eleven times (those lists and 2025-12-01's): 166 projects.
That one ran out with round 96's first 6 picks; then the list of 2026-03-01 (commit 8e6e585)
from rank 1, with --not-in given twelve times (those lists and 2026-02-01's): 100 projects,
which ran out with 18 picks; then the list of 2025-03-01 (commit fa3a525, the snapshot before
2025-04-01's) from rank 1, with --not-in given thirteen times (those lists and 2026-03-01's):
432 projects. (2026-04-01's, commit 7ec9534, holds no project the others lack.)
That one ran out with round 99's first 5 picks; then the list of 2025-02-01 (commit 3639ca8,
whose file is top-pypi-packages-30-days.min.json) from rank 1, with --not-in given fourteen
times (those lists and 2025-03-01's): 290 projects.
That one ran out with round 101's first 4 picks; then the list of 2024-12-01 (commit bc88d11,
8000 projects long) from rank 1, with --not-in given fifteen times (those lists and
2025-02-01's): 346 projects, which ran out with 14 picks; then the list of 2024-11-01 (commit
9a7168e, 8000 long) from rank 1, with --not-in given sixteen times: 38 projects, which ran
out (rank 8000) with round 101's last 2 picks. From round 102 on, each older monthly list in
turn (hugovk/top-pypi-packages' last commit of each calendar month, whose data was read on
the 1st of the next month or near it; its top-pypi-packages-30-days.min.json, 8000 long,
from 2023-08-01 back 5000) from rank 1, each
with --not-in naming every list before it: 2024-10-01 (28ce06a, 38 projects on no list
before it), 2024-09-01 (351cb6c, 68), 2024-08-30 (f25f142, 47), 2024-07-01 (137211d, 34),
2024-06-01 (3444113, 34), 2024-05-01 (22b5f24, 52), 2024-04-01 (ca26e15, 48), 2024-03-01
(ee2d4a1, 57), 2024-02-01 (ea799b2, 65), 2024-01-01 (9bbe2b5, 63), 2023-12-01 (7e82921,
38), 2023-11-01 (2fb7452, 92), 2023-10-01 (0eec57f, 68), 2023-09-01 (89cad85, 65),
2023-08-01 (ed9892e, 9), 2023-07-01 (cf77c3b, 14), 2023-06-01 (ad94ac3, 12), 2023-05-01
(9e998bf, 15), 2023-04-01 (5c5351b, 21) and 2023-03-01 (a3df8d2, 23): each yields 0 to 6
picks (the corpus header says which round took which). From round 104 on, the same, further
back: 2023-02-01 (799f6da, 40), 2023-01-01 (fa998b7, 20), 2022-12-01 (6ab8de0, 28),
2022-11-01 (c6144bb, 15), 2022-10-01 (563e28d, 31), 2022-09-01 (0e6f1a2, 27), 2022-08-01
(1960f6a, 23), 2022-07-01 (dd326bf, 50), 2022-06-01 (2c1a3a8, 44), 2022-05-01 (c810197,
26), 2022-04-01 (2c29cc0, 25), 2022-03-01 (49c66ee, 26), 2022-02-01 (e19dbfd, 42),
2022-01-01 (031e8b2, 39), 2021-12-01 (d252bab, 36), 2021-11-02 (e407b91, 39), 2021-10-01
(5eb946a, 27), 2021-09-01 (3bac6f7, 49) and 2021-08-01 (294f0e2, 47).

From round 106 on, a new frame: the rest of 2021-08-01 and the lists of 2021-07-01
(1e61504), 2021-06-01 (f95e4a3), 2021-05-01 (8ce2a77) and 2021-04-01 (77e1055) gave 9
picks in all, mostly projects abandoned years ago, and every project with native code in
the top 15000 of the newer lists is already in the corpus. So the first argument `index`
walks every project of pypi.org's simple index (PEP 691 JSON or PEP 503 HTML, read at the
time of the run) in the order of the sha256 of its canonical name, from the first hash not
below START_HASH (hex; `0` for the start), passing over projects whose latest release has
no file uploaded on or after --since (default 2024-11-24, two years before the first such
round: maintained projects) and those the index lists with no release (the JSON API's
404), then by the rule above. Its rank is the hash's first 12 hex digits; picked.json's
`last` says where the next round starts (after it).

Writes OUT_FOLDER/picked.json and two halves, list-A.txt and list-B.txt (a line each: rank,
name, version, filename, sha256, url, the win_arm64 note), for two blind labellers who
follow bench/label-brief.md. Prints each pick and the count of each reason to pass over.
The index is read at the time of the run: say the date in the corpus header.
"""

# ruff: noqa: I001  (_common must be imported first: it fixes sys.path for this folder)
from __future__ import annotations

import _common

import argparse
import hashlib
import html
import io
import json
import re
import sys
import tarfile
import threading
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import requests
import yaml
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

NATIVE = re.compile(r"\.(?:c|cc|cpp|cxx|pyx|rs|f|for|f90|f95|f03|f08)$", re.IGNORECASE)
BACKENDS = ("maturin", "mesonpy", "scikit_build_core", "py_build_cmake")
MAX_SDIST = 400 * 1024 * 1024  # bytes read of one sdist, at most
MAX_MEMBERS = 200_000  # members listed of one sdist, at most
MAX_PYPROJECT = 1024 * 1024
CORPUS = _common.ROOT / "tests" / "corpus"
INDEX = "https://pypi.org/simple/"
INDEX_ANCHOR = re.compile(r"<a [^>]*>([^<]+)</a>")
AHEAD = 16  # project pages read ahead, concurrently (the walk itself stays in order)


def known_names() -> set[str]:
    names: set[str] = set()
    for corpus in ("sdists.yml", "shipping.yml"):
        data = yaml.safe_load((CORPUS / corpus).read_text(encoding="utf-8"))
        names |= {canonicalize_name(entry["name"]) for entry in data["sdists"]}
    return names


def absolute(url: str) -> str:
    """A file URL of the index, absolute: some mirrors answer with relative links
    (`../../packages/packages/aa/bb/...`), which name files.pythonhosted.org's paths."""
    if url.startswith("https://"):
        return url
    tail = url.split("/packages/", 1)[1]
    while tail.startswith("packages/"):
        tail = tail[len("packages/") :]
    return "https://files.pythonhosted.org/packages/" + tail


def sdist_of(files: list[dict[str, Any]]) -> dict[str, Any] | None:
    return next((f for f in files if f["packagetype"] == "sdist" and not f.get("yanked")), None)


def download(session: requests.Session, url: str) -> bytes:
    with session.get(url, timeout=120, stream=True) as response:
        response.raise_for_status()
        data = bytearray()
        for chunk in response.iter_content(1 << 20):
            data += chunk
            if len(data) > MAX_SDIST:
                raise ValueError(f"larger than {MAX_SDIST} bytes")
        return bytes(data)


def members(data: bytes, url: str) -> tuple[list[str], str]:
    """The member names of an sdist, and its top-level pyproject.toml (bounded reads)."""
    if url.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()[:MAX_MEMBERS]
            names = [info.filename for info in infos]
            top = [
                info
                for info in infos
                if info.filename.count("/") == 1
                and info.filename.endswith("/pyproject.toml")
                and info.file_size <= MAX_PYPROJECT
            ]
            text = archive.read(top[0]).decode("utf-8", "replace") if top else ""
            return names, text
    names, text = [], ""
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        for count, member in enumerate(archive):
            if count >= MAX_MEMBERS:
                break
            names.append(member.name)
            if (
                member.isfile()
                and member.name.count("/") == 1
                and member.name.endswith("/pyproject.toml")
                and member.size <= MAX_PYPROJECT
            ):
                handle = archive.extractfile(member)
                if handle is not None:
                    text = handle.read().decode("utf-8", "replace")
    return names, text


def pin(
    project: dict[str, Any], latest: str, sdist: dict[str, Any]
) -> tuple[str, dict[str, Any], str]:
    """(version, sdist file, note) by the rule for projects that ship win_arm64 wheels."""
    if not any("win_arm64" in f["filename"] for f in project["urls"]):
        return latest, sdist, f"latest {latest} has no win_arm64 wheel"

    def version(text: str) -> Version | None:
        try:
            return Version(text)
        except InvalidVersion:
            return None

    releases = project["releases"]
    ordered = sorted((v for v in releases if version(v) is not None), key=lambda v: version(v))
    first = next(v for v in ordered if any("win_arm64" in f["filename"] for f in releases[v]))
    earlier = [
        v
        for v in ordered
        if version(v) < version(first)  # type: ignore[operator]
        and not version(v).is_prerelease  # type: ignore[union-attr]
        and sdist_of(releases[v]) is not None
    ]
    if not earlier:
        return latest, sdist, f"ships win_arm64 since its first release {first}; pinned to latest"
    pinned = earlier[-1]
    chosen = sdist_of(releases[pinned])
    assert chosen is not None
    return pinned, chosen, f"ships win_arm64 since {first}; pinned to {pinned}"


def top_list(path: Path, start_rank: int) -> Iterator[tuple[str, str]]:
    """(rank, project) of a hugovk/top-pypi-packages list, from START_RANK on."""
    rows = json.loads(path.read_text(encoding="utf-8"))["rows"]
    for rank, row in enumerate(rows[start_rank - 1 :], start=start_rank):
        yield str(rank), str(row["project"])


def index_order(text: str) -> list[tuple[str, str]]:
    """(sha256 of the canonical name, project) of every project of the index's project list
    (PEP 691 JSON or PEP 503 HTML), in hash order."""
    if text.lstrip().startswith("{"):
        names = [str(project["name"]) for project in json.loads(text)["projects"]]
    else:
        names = [html.unescape(name) for name in INDEX_ANCHOR.findall(text)]
    keyed = {hashlib.sha256(canonicalize_name(n).encode()).hexdigest(): n for n in names}
    return sorted(keyed.items())


def fetch_index(session: requests.Session) -> str:
    response = session.get(
        INDEX,
        headers={"Accept": "application/vnd.pypi.simple.v1+json, text/html;q=0.1"},
        timeout=300,
    )
    response.raise_for_status()
    return response.text


def newest_upload(files: list[dict[str, Any]]) -> str:
    """The newest upload time (ISO 8601, UTC) of a release's files, or ''."""
    return max((str(f.get("upload_time_iso_8601") or "") for f in files), default="")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("top_pypi_json", help="a top-pypi-packages list, or 'index'")
    parser.add_argument("start", help="the first rank (a list) or sha256 prefix (index)")
    parser.add_argument("out", type=Path)
    parser.add_argument("--want", type=int, default=20)
    parser.add_argument(
        "--not-in",
        type=Path,
        action="append",
        default=[],
        help="pass over the projects of this list too (may be given more than once)",
    )
    parser.add_argument(
        "--since",
        default="2024-11-24",
        help="index frame: pass over projects with no upload on or after this day",
    )
    args = parser.parse_args()
    seen = known_names()
    newer: set[str] = set()
    for other in args.not_in:
        other_rows = json.loads(other.read_text(encoding="utf-8"))["rows"]
        newer |= {canonicalize_name(str(row["project"])) for row in other_rows}
    local = threading.local()

    def session() -> requests.Session:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        return local.session  # type: ignore[no-any-return]

    walk: Iterator[tuple[str, str]]
    index_frame = args.top_pypi_json == "index"
    if index_frame:
        order = index_order(fetch_index(session()))
        print(f"index: {len(order)} projects", flush=True)
        walk = iter([(key[:12], name) for key, name in order if key >= args.start.lower()])
    else:
        walk = top_list(Path(args.top_pypi_json), int(args.start))

    def page(name: str) -> dict[str, Any] | Exception | None:
        """The project's JSON page; None when the index lists the name with no release."""
        try:
            response = session().get(f"https://pypi.org/pypi/{name}/json", timeout=60)
            if response.status_code == 404:
                return None
            response.raise_for_status()
            return response.json()  # type: ignore[no-any-return]
        except (requests.RequestException, ValueError) as error:
            return error

    skipped = {"known": 0, "in-newer": 0, "no-sdist": 0, "none-any": 0, "no-native": 0, "error": 0}
    if index_frame:
        skipped |= {"no-release": 0, "stale": 0}
    picked: list[dict[str, Any]] = []
    last = ""
    with ThreadPoolExecutor(AHEAD) as pool:
        pending: list[tuple[str, str, Any]] = []
        while len(picked) < args.want:
            for rank, name in walk:
                canonical = canonicalize_name(name)
                if canonical in seen:
                    skipped["known"] += 1
                elif canonical in newer:
                    skipped["in-newer"] += 1
                else:
                    pending.append((rank, name, pool.submit(page, name)))
                    if len(pending) >= AHEAD:
                        break
            if not pending:
                break
            rank, name, future = pending.pop(0)
            last = rank
            result = future.result()
            try:
                if result is None:
                    skipped["no-release"] += 1
                    continue
                if isinstance(result, Exception):
                    raise result
                project = result
                if canonicalize_name(str(project["info"]["name"])) in seen | newer:
                    skipped["known"] += 1
                    continue
                files = project["urls"]
                if index_frame and newest_upload(files) < args.since:
                    skipped["stale"] += 1
                    continue
                sdist = sdist_of(files)
                if sdist is None:
                    skipped["no-sdist"] += 1
                    continue
                if any(f["filename"].endswith("-none-any.whl") for f in files):
                    skipped["none-any"] += 1
                    continue
                url = absolute(sdist["url"])
                names, pyproject = members(download(session(), url), url)
            except (
                requests.RequestException,
                ValueError,
                KeyError,
                tarfile.TarError,
                zipfile.BadZipFile,
            ) as error:
                skipped["error"] += 1
                print(f"error {rank} {name!r}: {str(error)[:200]!r}", flush=True)
                continue
            if not (any(NATIVE.search(n) for n in names) or any(b in pyproject for b in BACKENDS)):
                skipped["no-native"] += 1
                continue
            latest = project["info"]["version"]
            version, chosen, note = pin(project, latest, sdist)
            picked.append(
                {
                    "rank": rank,
                    "name": project["info"]["name"],
                    "version": version,
                    "filename": chosen["filename"],
                    "sha256": chosen["digests"]["sha256"],
                    "url": absolute(chosen["url"]),
                    "latest": latest,
                    "note": note,
                }
            )
            print(f"PICK {rank} {project['info']['name']!r} {version!r} {note}", flush=True)
        for _rank, _name, future in pending:
            future.cancel()
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "picked.json").write_text(
        json.dumps({"picked": picked, "skipped": skipped, "last": last}, indent=1),
        encoding="utf-8",
    )
    half = (len(picked) + 1) // 2
    for label, items in (("A", picked[:half]), ("B", picked[half:])):
        (args.out / f"list-{label}.txt").write_text(
            "".join(
                f"{p['rank']} {p['name']} {p['version']} {p['filename']} {p['sha256']} "
                f"{p['url']} {p['note']}\n"
                for p in items
            ),
            encoding="utf-8",
        )
    print(skipped, "last walked:", last)
    return 0


if __name__ == "__main__":
    sys.exit(main())
