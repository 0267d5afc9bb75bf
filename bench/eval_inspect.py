"""Evaluation: `woaport inspect` on real win_arm64 wheels and crafted variants of them.

    .venv/bin/python bench/eval_inspect.py

Prints, in one run:
  * false errors on the corpus (tests/corpus/wheels.yml, real wheels from PyPI, all valid:
    target 0), with each one listed;
  * a table of crafted variants (tests/wheelkit.py VARIANTS, one per case of issue 13):
    variant, case, expected codes, got codes, right or wrong.

The corpus measures false errors (the data the rules were tuned on is the corpus of
pywin32/cmake/numba/zstandard/pycares/pywinpty false errors); the variants are held out:
each is a case of the issue, written before the fix, and none was adjusted to the output.
To measure the code of another commit, put its `scripts` folder first on PYTHONPATH:

    git archive COMMIT scripts | tar -x -C /tmp/old
    PYTHONPATH=/tmp/old/scripts .venv/bin/python bench/eval_inspect.py

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

import tempfile  # noqa: E402

from realfiles import corpus_wheels, fetch_corpus_wheel, variant_sources  # noqa: E402
from wheelkit import VARIANTS  # noqa: E402
from woaport.payload import inspect_wheel  # noqa: E402


def main() -> int:
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
        rows.append((variant.name, expected, ", ".join(sorted(got)) or "ok", ok))
    width = max(len(r[0]) for r in rows)
    print(f"\n{'variant':<{width}}  {'expected':<40}  {'got':<40}  right")
    for name, expected, got, ok in rows:
        print(f"{name:<{width}}  {expected:<40}  {got:<40}  {'yes' if ok else 'NO'}")
    print(f"variants: {right}/{len(VARIANTS)} right")
    return 0 if false_errors == 0 and right == len(VARIANTS) else 1


if __name__ == "__main__":
    sys.exit(main())
