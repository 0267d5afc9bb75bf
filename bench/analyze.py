"""Benchmark: `woaport analyze` against a floor that only reads every member of the sdist.

    .venv/bin/python bench/analyze.py [--rounds N]

1. The ratio (analysis time / floor time) on real sdists of the labelled corpus
   (tests/corpus/sdists.yml): for each sdist the floor (stream the archive, read every
   member) and the analysis run in the same process, interleaved, N rounds; medians. Times
   are this process's CPU time (time.process_time: the archives are in the page cache, so
   both are CPU-bound), which other jobs on a shared machine do not inflate; --wall uses
   wall-clock time instead. Target (issue 13): at most 1.5x the floor.
2. As before: the time of `woaport analyze` as a whole process on numpy's real sdist and on a
   100 MB synthetic sdist (half C sources, half incompressible blobs). Target: <= 5 s.
"""

# ruff: noqa: I001  (_common must be imported first: it fixes sys.path for this folder)
from __future__ import annotations

import _common  # noqa: F401  (also puts tests/ on sys.path)

import argparse
import gc
import io
import random
import statistics
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

from _common import compile_package, run_once
from eval_analyze import _module_at
from corpus_sdists import fetch, load
from realfiles import fetch as fetch_pinned

TARGET_SECONDS = 5.0
TARGET_RATIO = 1.5
# Real sdists of different shapes: C with many #if (zstandard, tables), a Rust project with
# vendored crates (orjson), a large C/Fortran project in a .zip (numpy 1.22), Cython
# (sqlalchemy, aiohttp), a C library bundle (pynacl), crypto C (pycryptodome).
RATIO_SET = (
    "zstandard-0.25.0",
    "tables-3.11.1",
    "orjson-3.13.0",
    "numpy-1.22.1",
    "sqlalchemy-2.1.9",
    "aiohttp-3.14.5",
    "pynacl-1.6.2",
    "pycryptodome-3.16.0",
)


def read_every_member(path: Path) -> int:
    """The floor: read every member of the sdist, nothing else. A .tar.gz is read by
    analyze's own reader (iter_sources), which inflates the whole stream and walks every
    member's header as tarfile does, only faster (since the i13-speed7 merge; tarfile's
    reading would be no floor any more). A .zip's members are read with zipfile (analyze's
    reader inflates only the members it wants, so it reads less than every member)."""
    total = 0
    if path.name.endswith((".tar.gz", ".tgz")):
        from woaport.analyze import iter_sources

        for _relative, size, _data in iter_sources(path):
            total += size
        return total
    if path.name.endswith(".zip"):
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                if not info.is_dir():
                    total += len(zf.read(info))
        return total
    with tarfile.open(path, mode="r|*") as tar:
        for member in tar:
            if member.isfile():
                handle = tar.extractfile(member)
                total += len(handle.read()) if handle else 0
    return total


def analyze_in_process(path: Path) -> None:
    from woaport.analyze import analyze_files, iter_sources

    analyze_files(str(path), iter_sources(path)).to_json()


def analyze_with(module: object) -> object:
    def run(path: Path) -> None:
        module.analyze_files(str(path), module.iter_sources(path)).to_json()  # type: ignore[attr-defined]

    return run


CLOCK = time.process_time


def timed(function: object, path: Path) -> float:
    gc.collect()
    start = CLOCK()
    function(path)  # type: ignore[operator]
    return CLOCK() - start


def ratios(rounds: int, before_ref: str | None, keys: tuple[str, ...] = RATIO_SET) -> bool:
    corpus = {f"{s.name}-{s.version}": s for s in load()}
    before = analyze_with(_module_at(before_ref)) if before_ref else None
    ok = True
    clock = "wall" if CLOCK is time.perf_counter else "CPU"
    print(
        f"analysis / floor (read every member), {clock} time, medians of {rounds} "
        "interleaved rounds:"
    )
    for key in keys:
        path = fetch(corpus[key])
        timed(analyze_in_process, path)  # warm: imports, page cache
        floors, analyses, befores = [], [], []
        for _ in range(rounds):
            floors.append(timed(read_every_member, path))
            analyses.append(timed(analyze_in_process, path))
            if before is not None:
                befores.append(timed(before, path))
        floor, analysis = statistics.median(floors), statistics.median(analyses)
        ratio = analysis / floor
        ok &= ratio <= TARGET_RATIO
        old = f"  (before {statistics.median(befores) / floor:4.2f})" if befores else ""
        print(
            f"  {key:24} {path.stat().st_size / 1e6:5.1f} MB  floor {floor:6.3f} s  "
            f"analyze {analysis:6.3f} s  ratio {ratio:4.2f}{old} "
            f"{'ok' if ratio <= TARGET_RATIO else 'MISSED'} (target <= {TARGET_RATIO})"
        )
    return ok


def synthetic_sdist(path: Path, size: int) -> Path:
    """C sources (some with x86 intrinsics, some with NEON), headers, and binary blobs."""
    rng = random.Random(7)  # noqa: S311  (test data, not cryptography)
    written = 0
    with tarfile.open(path, "w:gz", compresslevel=1) as tar:
        i = 0
        while written < size:
            if i % 2 == 1:
                data = rng.randbytes(1 << 20)  # a binary blob (incompressible): skipped
                name = f"big-1.0/data/blob{i}.bin"
            else:
                body = "".join(
                    f"static int f{j}(int x) {{ return x * {j} + {rng.randint(0, 99)}; }}\n"
                    for j in range(4000)
                )
                if i % 7 == 0:
                    body = "#include <immintrin.h>\n" + body + "__m128 v = _mm_setzero_ps();\n"
                if i % 14 == 0:
                    body = "#include <arm_neon.h>\n" + body
                data = body.encode()
                name = f"big-1.0/src/module{i}.c"
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            written += len(data)
            i += 1
    return path


def whole_process() -> bool:
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        big = synthetic_sdist(Path(tmp) / "big-1.0.tar.gz", 100 << 20)
        for label, sdist in [
            ("numpy 2.5.5 sdist", fetch_pinned("numpy-sdist")),
            ("synthetic sdist (100 MB of C and blobs)", big),
        ]:
            seconds, rss = run_once(
                [sys.executable, "-m", "woaport", "analyze", "--json", str(sdist)]
            )
            verdict = "ok" if seconds <= TARGET_SECONDS else "MISSED"
            ok &= seconds <= TARGET_SECONDS
            print(
                f"{label}: {sdist.stat().st_size / 1e6:.1f} MB compressed, {seconds:.2f} s, "
                f"peak RSS {rss // 1024} MiB (target <= {TARGET_SECONDS} s) {verdict}"
            )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--before",
        default=None,
        help="also time analyze.py as it was at this git ref (e.g. 3e99085)",
    )
    parser.add_argument("--wall", action="store_true", help="wall-clock instead of CPU time")
    parser.add_argument(
        "--only", nargs="*", default=None, help="name-version keys of the corpus to time"
    )
    parser.add_argument("--no-process", action="store_true", help="skip the whole-process timings")
    args = parser.parse_args()
    global CLOCK
    if args.wall:
        CLOCK = time.perf_counter
    compile_package()
    ok = ratios(args.rounds, args.before, tuple(args.only) if args.only else RATIO_SET)
    if not args.no_process:
        ok &= whole_process()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
