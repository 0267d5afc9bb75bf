"""Real wheels and sdists from the package index, pinned by version and sha256, fetched once
with pip (the ordinary client, so the machine's index configuration applies) and cached in
the user cache directory across test runs."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import platformdirs
from filelock import FileLock


@dataclass(frozen=True, kw_only=True)
class Pinned:
    name: str
    version: str
    filename: str
    sha256: str
    platform: str | None = None  # pip --platform, for binary wheels of another OS
    python: str | None = None  # pip --python-version
    sdist: bool = False


PINNED = {
    "numpy-arm64": Pinned(
        name="numpy",
        version="2.5.5",
        filename="numpy-2.5.5-cp312-cp312-win_arm64.whl",
        sha256="f6622e32cb46c60bee3b2c7dd7f5c22bdc86fcb8630336b4822ec81c3986111a",
        platform="win_arm64",
        python="3.12",
    ),
    "numpy-amd64": Pinned(
        name="numpy",
        version="2.5.5",
        filename="numpy-2.5.5-cp312-cp312-win_amd64.whl",
        sha256="919eb420662b0b4ba34889df503f3d5329775b0c1d5f7e5f5af4fba8315b1e30",
        platform="win_amd64",
        python="3.12",
    ),
    "six": Pinned(
        name="six",
        version="1.16.0",
        filename="six-1.16.0-py2.py3-none-any.whl",
        sha256="8abb2f1d86890a2dfb989f9a77cfcfd3e47c2a354b01111771326f8aa26e0254",
    ),
    "markupsafe-linux": Pinned(
        name="markupsafe",
        version="3.0.2",
        filename="MarkupSafe-3.0.2-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        sha256="e17c96c14e19278594aa4841ec148115f9c7615a47382ecb6b82bd8fea3ab0c8",
        platform="manylinux_2_17_x86_64",
        python="3.12",
    ),
}


def cache_dir() -> Path:
    override = os.environ.get("WOAPORT_TEST_CACHE")
    path = Path(override) if override else platformdirs.user_cache_path("woaport-tests")
    path.mkdir(parents=True, exist_ok=True)
    return path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch(key: str) -> Path:
    pin = PINNED[key]
    target = cache_dir() / pin.filename
    with FileLock(str(target) + ".lock"):
        if target.is_file() and sha256_of(target) == pin.sha256:
            return target
        with tempfile.TemporaryDirectory() as tmp:
            cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp]
            if pin.sdist:
                cmd += ["--no-binary=:all:"]
            else:
                cmd += ["--only-binary=:all:"]
            if pin.platform:
                cmd += ["--platform", pin.platform]
            if pin.python:
                cmd += ["--python-version", pin.python]
            cmd.append(f"{pin.name}=={pin.version}")
            subprocess.run(cmd, check=True, timeout=600)
            got = Path(tmp) / pin.filename
            if not got.is_file():
                produced = sorted(p.name for p in Path(tmp).iterdir())
                raise RuntimeError(f"pip did not produce {pin.filename}: {produced}")
            actual = sha256_of(got)
            if actual != pin.sha256:
                raise RuntimeError(f"{pin.filename}: sha256 {actual}, pinned {pin.sha256}")
            shutil.move(str(got), target)
    return target
