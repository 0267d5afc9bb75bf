"""Evaluation: `woaport inspect` on real win_arm64 wheels and crafted variants of them.

    .venv/bin/python bench/eval_inspect.py

Prints, in one run:
  * false errors on the corpus (tests/corpus/wheels.yml, real wheels from PyPI, all valid:
    target 0), with each one listed;
  * a table of crafted variants (tests/wheelkit.py VARIANTS, one per case of issue 13):
    variant, expected codes, got codes, right or wrong;
  * with --baseline COMMIT (default: bdfec5f, the code before issue 13's fixes), the same
    for that commit's code first, so that one run shows before and after.

Tune / held out: the corpus is the tuning set -- its 13 false errors in 7 wheels (pywin32,
cmake, numba, zstandard, pycares, pywinpty, pygit2) drove the system-DLL, python3.dll and
optional-dependency rules. The variants are the held-out check: each encodes one case of
the issue, its expected codes written from the issue's text before it was run, none
adjusted to the output.
The baseline runs in a subprocess with that commit's `scripts` folder (`git archive`) first
on PYTHONPATH; --baseline none skips it.

Downloads (~370 MB once, cached in the user cache) need the package index.
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/ holds a file named like the stdlib's `inspect`: keep the folder behind the stdlib.
_HERE = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if p not in (_HERE, "")] + [_HERE]
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import argparse  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402

from realfiles import corpus_wheels, fetch_corpus_wheel, variant_sources  # noqa: E402
from wheelkit import VARIANTS  # noqa: E402
from woaport.payload import inspect_wheel  # noqa: E402

BASELINE = "bdfec5f"


def run_baseline(commit: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", commit, "scripts"], check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        env = {**os.environ, "PYTHONPATH": str(Path(tmp) / "scripts")}
        print(f"== before: {commit}", flush=True)
        subprocess.run([sys.executable, __file__, "--baseline", "none"], env=env, check=False)
        print("\n== after: this checkout", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=BASELINE, help="a commit, or none")
    args = parser.parse_args()
    if args.baseline != "none":
        run_baseline(args.baseline)
    return evaluate()


def evaluate() -> int:
    import woaport.payload

    print(f"code: {Path(woaport.payload.__file__).parent}")
    wheels = corpus_wheels()
    total = sum(w.size for w in wheels)
    false_errors = 0
    failing = 0
    for wheel in wheels:
        report = inspect_wheel(fetch_corpus_wheel(wheel))
        errors = [f for f in report.findings if f.severity == "error"]
        if errors:
            failing += 1
            false_errors += len(errors)
        for f in errors:
            print(f"  false error: {wheel.filename}: {f.code} {f.file}: {f.message}")
    print(
        f"corpus: {len(wheels)} valid win_arm64 wheels ({total / 1e6:.0f} MB): "
        f"{false_errors} false errors in {failing} wheels (target 0)"
    )

    sources = variant_sources()
    right = 0
    rows = []
    for variant in VARIANTS:
        with tempfile.TemporaryDirectory() as tmp:
            report = inspect_wheel(variant.build(sources, Path(tmp)))
        got = {f.code for f in report.findings if f.severity != "info"}
        text = " ".join(f"{f.message} {f.hint}" for f in report.findings)
        ok = got == set(variant.expected) and variant.mentions in text
        right += ok
        expected = ", ".join(sorted(variant.expected)) or "ok"
        shown = ", ".join(sorted(got)) or "ok"
        if variant.mentions not in text:
            shown += f" (never says {variant.mentions!r})"
        rows.append((variant.name, expected, shown, ok))
    width = max(len(r[0]) for r in rows)
    print(f"\n{'variant':<{width}}  {'expected':<40}  {'got':<40}  right")
    for name, expected, got, ok in rows:
        print(f"{name:<{width}}  {expected:<40}  {got:<40}  {'yes' if ok else 'NO'}")
    print(f"variants: {right}/{len(VARIANTS)} right")
    return 0 if false_errors == 0 and right == len(VARIANTS) else 1


if __name__ == "__main__":
    sys.exit(main())
