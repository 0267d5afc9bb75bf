"""Evaluation: does `woaport check` say what pip on Windows on Arm really installs?

    .venv/bin/python bench/eval_check.py [--python 3.12]

For each project below -- the 30 most downloaded projects of the package index (by the
download ranking of PyPI, 2026) plus projects whose win_arm64 story is known to be uneven --
it compares woaport's answer (availability.summarize(...).installable, from the index's
Simple API) with what pip itself picks:

    pip download --platform win_arm64 --only-binary=:all: --python-version 3.12 --no-deps -d TMP NAME

and prints one row per project and the agreement. Needs the package index (network); pip
downloads each chosen wheel once into a temporary folder.
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/ holds a file named like the stdlib's `inspect`: keep the folder behind the stdlib.
_HERE = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if p not in (_HERE, "")] + [_HERE]

import argparse  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402

from packaging.utils import parse_wheel_filename  # noqa: E402

from woaport.availability import summarize  # noqa: E402
from woaport.errors import WoaportError  # noqa: E402
from woaport.http import make_session  # noqa: E402
from woaport.index import default_index_url, fetch_files  # noqa: E402

TOP_30 = [
    "boto3", "packaging", "urllib3", "certifi", "idna", "requests", "typing-extensions",
    "charset-normalizer", "setuptools", "botocore", "cryptography", "aiobotocore",
    "python-dateutil", "six", "pyyaml", "pydantic", "pygments", "cffi", "click", "numpy",
    "pluggy", "pycparser", "pydantic-core", "grpcio-status", "anyio", "s3transfer", "attrs",
    "protobuf", "h11", "pytest",
]  # fmt: skip
UNEVEN = ["pymupdf", "pandas", "markupsafe", "grpcio", "psutil", "lxml", "pillow", "scipy"]


def pip_pick(name: str, python: str) -> str | None:
    """The version of the wheel pip downloads for win_arm64, or None when it finds none."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", tmp]
        cmd += ["--platform", "win_arm64", "--only-binary=:all:", "--python-version", python]
        done = subprocess.run([*cmd, name], capture_output=True, text=True, timeout=900)
        wheels = sorted(Path(tmp).glob("*.whl"))
        if done.returncode != 0 or not wheels:
            return None
        return str(parse_wheel_filename(wheels[0].name)[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default="3.12")
    args = parser.parse_args()
    session = make_session()
    index = default_index_url()
    agree = 0
    projects = TOP_30 + UNEVEN
    print(f"{'project':<20} {'latest':<12} {'woaport':<12} {'pip':<12} regression  agree")
    for name in projects:
        try:
            a = summarize(name, fetch_files(session, index, name), python=args.python)
        except WoaportError as exc:
            print(f"{name:<20} error: {exc}")
            continue
        ours = a.installable.version if a.installable else None
        regression = bool(a.installable and a.installable.regression)
        theirs = pip_pick(name, args.python)
        same = ours == theirs
        agree += same
        print(
            f"{name:<20} {a.version or '-':<12} {ours or '-':<12} {theirs or '-':<12} "
            f"{'yes' if regression else '':<11} {'yes' if same else 'NO'}"
        )
    print(f"agreement with pip (Python {args.python}, win_arm64): {agree}/{len(projects)}")
    return 0 if agree == len(projects) else 1


if __name__ == "__main__":
    sys.exit(main())
