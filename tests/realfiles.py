"""Real wheels and sdists from the package index, pinned by version and sha256, fetched once
with pip (the ordinary client, so the machine's index configuration applies) and cached in
the user cache directory across test runs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs
from filelock import FileLock

from woaport.files import sha256_file


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
    "xxhash-sdist": Pinned(
        name="xxhash",
        version="3.6.0",
        filename="xxhash-3.6.0.tar.gz",
        sha256="f0162a78b13a0d7617b2845b90c763339d1f1d82bb04a4b07f4ab535cc5e05d6",
        sdist=True,
    ),
    "numpy-sdist": Pinned(
        name="numpy",
        version="2.5.5",
        filename="numpy-2.5.5.tar.gz",
        sha256="5cddc243c75114ba845f01b1f87aca1572dbf7b6c2d88636ed3e1d2bccd7f1bf",
        sdist=True,
        python="3.12",  # numpy 2.5 requires Python >= 3.12; pip checks that even for sdists
    ),
    # setup.py builds Extension("ahocorasick", ...): the import name is not the distribution's
    "pyahocorasick-sdist": Pinned(
        name="pyahocorasick",
        version="2.3.1",
        filename="pyahocorasick-2.3.1.tar.gz",
        sha256="9d0f6bb522237ed7f111ed59c9e8baea7d1e75813587b6773babd43bda35db9f",
        sdist=True,
    ),
    "markupsafe-sdist": Pinned(
        name="markupsafe",
        version="3.0.2",
        filename="markupsafe-3.0.2.tar.gz",
        sha256="ee55d3edf80167e48ea11a923c7386f4669df67d7994554387f84e7d8b0a2bf0",
        sdist=True,
    ),
}

# Linux wheels of packages the shipped contracts cover, to run those contracts for real
# here. pip picks them for this machine's interpreter (cp311 x86_64 Linux, as CI has).
CONTRACT_WHEELS = {
    "orjson": Pinned(
        name="orjson",
        version="3.13.0",
        filename="orjson-3.13.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        sha256="89bcf2d4bc6c9a7e1763c8cf534f38712e66b76a0fefda7fb7785462f0d635e4",
    ),
    "msgpack": Pinned(
        name="msgpack",
        version="1.2.4",
        filename="msgpack-1.2.4-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.manylinux_2_28_x86_64.whl",
        sha256="a45ceb5f199d5e388f28b550ba881096a3740d4bda10e661d77f59d9a2e8187a",
    ),
    "cramjam": Pinned(
        name="cramjam",
        version="2.14.0",
        filename="cramjam-2.14.0-cp311-cp311-manylinux_2_28_x86_64.whl",
        sha256="401bf7e11cf3775ee4af0fb487027adcbee61f68bbd1944ae9f6fcafb8b160fc",
    ),
    "zstandard": Pinned(
        name="zstandard",
        version="0.25.0",
        filename="zstandard-0.25.0-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.whl",
        sha256="9300d02ea7c6506f00e627e287e0492a5eb0371ec1670ae852fefffa6164b072",
    ),
    "pydantic-core": Pinned(
        name="pydantic-core",
        version="2.50.4",
        filename="pydantic_core-2.50.4-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.whl",
        sha256="0574866e05f6adeecc520d87e87dd06210c0a51706341f6ef8421572f5a64444",
    ),
}
PINNED.update({f"contract-{k}": v for k, v in CONTRACT_WHEELS.items()})


def cache_dir() -> Path:
    override = os.environ.get("WOAPORT_TEST_CACHE")
    path = Path(override) if override else platformdirs.user_cache_path("woaport-tests")
    path.mkdir(parents=True, exist_ok=True)
    return path


def fetch(key: str) -> Path:
    pin = PINNED[key]
    target = cache_dir() / pin.filename
    with FileLock(str(target) + ".lock"):
        if target.is_file() and sha256_file(target) == pin.sha256:
            return target
        if pin.sdist:
            return _fetch_sdist(pin, target)
        with tempfile.TemporaryDirectory() as tmp:
            cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp]
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
            actual = sha256_file(got)
            if actual != pin.sha256:
                raise RuntimeError(f"{pin.filename}: sha256 {actual}, pinned {pin.sha256}")
            shutil.move(str(got), target)
    return target


def _fetch_sdist(pin: Pinned, target: Path) -> Path:
    """An sdist through woaport's own index client, from the index pip is configured with.
    (`pip download` would prepare the sdist's metadata, which runs its build backend: for
    numpy that is a meson build. Reading an sdist needs none of that.)"""
    from woaport.http import download, make_session
    from woaport.index import default_index_url, fetch_files

    session = make_session()
    files = fetch_files(session, default_index_url(), pin.name)
    match = next((f for f in files if f.filename == pin.filename), None)
    if match is None:
        raise RuntimeError(f"{pin.filename} is not on the index")
    return download(session, match.url, target, sha256=pin.sha256)


@dataclass(frozen=True, kw_only=True)
class CorpusWheel:
    """One wheel of tests/corpus/wheels.yml: pinned by name, version, sha256 and PyPI URL."""

    name: str
    version: str
    filename: str
    sha256: str
    size: int
    url: str


CORPUS_FILE = Path(__file__).parent / "corpus" / "wheels.yml"


def corpus_wheels() -> list[CorpusWheel]:
    import yaml

    document = yaml.safe_load(CORPUS_FILE.read_text(encoding="utf-8"))
    return [
        CorpusWheel(
            name=str(e["name"]),
            version=str(e["version"]),
            filename=str(e["filename"]),
            sha256=str(e["sha256"]),
            size=int(e["size"]),
            url=str(e["url"]),
        )
        for e in document["wheels"]
    ]


def fetch_corpus_wheel(wheel: CorpusWheel) -> Path:
    """Download (once; sha256-verified) one corpus wheel from the index pip is configured
    with, so that a mirror in between is used as for every other real file here."""
    from woaport.http import download, make_session
    from woaport.index import default_index_url, fetch_files

    folder = cache_dir() / "corpus"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / wheel.filename
    with FileLock(str(target) + ".lock"):
        if target.is_file() and sha256_file(target) == wheel.sha256:
            return target
        session = make_session()
        files = fetch_files(session, default_index_url(), wheel.name)
        match = next((f for f in files if f.filename == wheel.filename), None)
        url = match.url if match else wheel.url
        return download(
            session,
            url,
            target,
            sha256=wheel.sha256,
        )


# Real wheels the crafted variants need besides the corpus (not win_arm64 themselves).
PYTHONNET = CorpusWheel(
    name="pythonnet",
    version="3.2.1",
    filename="pythonnet-3.2.1-cp311.cp312.cp313.cp314.cp315-none-any.whl",
    sha256="dd5668b74b0c903d9a24e1ba86f728fc490f8e919d56b3c24bf06739b9ee2b7f",
    size=222572,
    url="https://files.pythonhosted.org/packages/d8/dc/c96a542079a69d3d091e91808fc8aaf9a0d5e2f8e73a63560e4379134bb6/pythonnet-3.2.1-cp311.cp312.cp313.cp314.cp315-none-any.whl",
)


def corpus_wheel(project: str) -> Path:
    """The corpus wheel of one project (by its name in wheels.yml), downloaded."""
    (entry,) = [w for w in corpus_wheels() if w.name == project]
    return fetch_corpus_wheel(entry)


def variant_sources() -> Any:
    """The real wheels tests/wheelkit.py's crafted variants are made from."""
    from wheelkit import Sources

    return Sources(
        numpy=fetch("numpy-arm64"),
        pywin32=corpus_wheel("pywin32"),
        zstandard=corpus_wheel("zstandard"),
        numba=corpus_wheel("numba"),
        pythonnet=fetch_corpus_wheel(PYTHONNET),
        clang_format=corpus_wheel("clang-format"),
        markupsafe_linux=fetch("markupsafe-linux"),
    )


if __name__ == "__main__":  # fill the cache: python tests/realfiles.py corpus
    if sys.argv[1:] == ["corpus"]:
        for item in corpus_wheels():
            print(fetch_corpus_wheel(item), flush=True)
