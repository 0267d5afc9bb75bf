"""Benchmark: `woaport analyze` on numpy's real sdist and on a 50 MB synthetic sdist.

    .venv/bin/python bench/analyze.py

Prints the time of each analysis (as a whole process) and the sdist sizes. Target: a
50 MB sdist in a few seconds (here: <= 5 s), streamed, nothing extracted to disk. The
synthetic sdist is about 50 MB compressed: half C sources, half incompressible blobs.
"""

# ruff: noqa: I001  (_common must be imported first: it fixes sys.path for this folder)
from __future__ import annotations

import _common  # noqa: F401  (also puts tests/ on sys.path)

import io
import random
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from _common import compile_package, run_once
from realfiles import fetch

TARGET_SECONDS = 5.0


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


def main() -> int:
    compile_package()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        big = synthetic_sdist(Path(tmp) / "big-1.0.tar.gz", 100 << 20)
        for label, sdist in [
            ("numpy 2.5.5 sdist", fetch("numpy-sdist")),
            ("synthetic sdist (100 MB of C and blobs)", big),
        ]:
            seconds, rss = run_once(
                [sys.executable, "-m", "woaport", "analyze", "--json", str(sdist)]
            )
            verdict = "ok" if seconds <= TARGET_SECONDS else "MISSED"
            ok &= seconds <= TARGET_SECONDS
            print(
                f"{label}: {sdist.stat().st_size / 1e6:.1f} MB compressed, {seconds:.2f} s, peak RSS {rss // 1024} MiB (target <= {TARGET_SECONDS} s) {verdict}"
            )
    return 0 if ok else 1


if __name__ == "__main__":
    start = time.perf_counter()
    raise SystemExit(main())
