"""Regenerate tests/corpus/wheels.yml: real win_arm64 wheels from PyPI, pinned.

    .venv/bin/python bench/make_wheel_corpus.py [--max-size-mb 60] [--out tests/corpus/wheels.yml]

For each project below (projects known to publish win_arm64 wheels: C, C++, Rust, Cython,
mypyc, limited-API/abi3, .NET, delvewheel-repaired, executables in py3-none wheels), the
PyPI JSON API (https://docs.pypi.org/api/json/) is asked once for the project's releases;
the newest release that has a win_arm64 wheel is taken, and within it the smallest wheel for
CPython 3.12 (else abi3, else py3-none, else the smallest win_arm64 wheel at all). Each entry
is pinned by name, version, filename, sha256, size and URL; tests/realfiles.py downloads and
verifies them. Wheels larger than --max-size-mb are skipped so the corpus stays near 1 GB.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import requests
import yaml
from packaging.utils import parse_wheel_filename
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent

PROJECTS = [
    # C / C++ extensions, several bundling DLLs through delvewheel
    "numpy",
    "scipy",
    "pywin32",
    "cmake",
    "onnxruntime",
    "llvmlite",
    "numba",
    "cffi",
    "zstandard",
    "pycares",
    "pillow",
    "lxml",
    "cryptography",
    "grpcio",
    "psutil",
    "pyzmq",
    "msgpack",
    "ujson",
    "regex",
    "ruamel.yaml.clib",
    "markupsafe",
    "pyyaml",
    "kiwisolver",
    "matplotlib",
    "contourpy",
    "charset-normalizer",
    "aiohttp",
    "frozenlist",
    "multidict",
    "yarl",
    "propcache",
    "greenlet",
    "sqlalchemy",
    "pymupdf",
    "wrapt",
    "coverage",
    "pandas",
    "scikit-learn",
    "h5py",
    "shapely",
    "pyproj",
    "lz4",
    "brotli",
    "xxhash",
    "bcrypt",
    "argon2-cffi-bindings",
    "pynacl",
    "websockets",
    "simplejson",
    "bitarray",
    "mmh3",
    "pycryptodome",
    "pycryptodomex",
    "zope.interface",
    "google-crc32c",
    "fonttools",
    "cython",
    "mypy",
    "pyodbc",
    "duckdb",
    "pymongo",
    "setproctitle",
    "pywinpty",
    "debugpy",
    "tornado",
    "immutables",
    "rapidfuzz",
    "pyahocorasick",
    "editdistance",
    "fastavro",
    "cbor2",
    "ijson",
    "lru-dict",
    "pyzstd",
    "pillow-heif",
    "sentencepiece",
    "tree-sitter",
    "pygit2",
    "pyarrow",
    "statsmodels",
    "scikit-image",
    "opencv-python",
    "av",
    "protobuf",
    "markupsafe",
    "pyrsistent",
    "murmurhash",
    "cymem",
    "preshed",
    "srsly",
    "blis",
    "thinc",
    "spacy",
    "ruamel.yaml",
    "multiprocess",
    "python-rapidjson",
    # Rust (PyO3 / maturin)
    "orjson",
    "pydantic-core",
    "rpds-py",
    "jiter",
    "tiktoken",
    "tokenizers",
    "safetensors",
    "cramjam",
    "watchfiles",
    "blake3",
    "ormsgpack",
    "msgspec",
    "python-calamine",
    "polars",
    "ruff",
    "uv",
    "maturin",
    "tree-sitter-python",
    "nh3",
    "granian",
    # .NET
    "pythonnet",
    "clr-loader",
    # executables in py3-none wheels
    "ninja",
    "clang-format",
    "ziglang",
]

SKIP_ABOVE_DEFAULT = 60


def _version(v: str) -> Version | None:
    try:
        return Version(v)
    except InvalidVersion:
        return None


def _rank(filename: str) -> int:
    _, _, _, tags = parse_wheel_filename(filename)
    arm = [t for t in tags if t.platform == "win_arm64"]
    if any(t.interpreter == "cp312" and t.abi == "cp312" for t in arm):
        return 0
    if any(t.abi == "abi3" for t in arm):
        return 1
    if any(t.abi == "none" for t in arm):
        return 2
    return 3


def _canonical_url(url: str) -> str:
    """PyPI's file URL, https://files.pythonhosted.org/packages/<hash path>/<file>, also when
    a mirror in between answered with its own relative URL."""
    return "https://files.pythonhosted.org/packages/" + url.rpartition("packages/")[2]


def pick(session: requests.Session, name: str, max_bytes: int) -> dict[str, object] | None:
    response = session.get(f"https://pypi.org/pypi/{name}/json", timeout=60)
    if response.status_code != 200:
        print(f"  {name}: HTTP {response.status_code}", file=sys.stderr)
        return None
    doc = response.json()
    releases = []
    for version, files in doc["releases"].items():
        parsed = _version(version)
        if parsed is None or parsed.is_prerelease:
            continue
        releases.append((parsed, files))
    releases.sort(key=lambda r: r[0], reverse=True)
    for version, files in releases[:15]:
        wheels = [
            f
            for f in files
            if f["filename"].endswith(".whl")
            and "win_arm64" in f["filename"]
            and not f.get("yanked")
            and f["size"] <= max_bytes
        ]
        if not wheels:
            continue
        best = min(wheels, key=lambda f: (_rank(f["filename"]), f["size"]))
        name_on_index, _, _, _ = parse_wheel_filename(best["filename"])
        return {
            "name": str(name_on_index),
            "version": str(version),
            "filename": best["filename"],
            "sha256": best["digests"]["sha256"],
            "size": best["size"],
            "url": _canonical_url(best["url"]),
        }
    print(f"  {name}: no win_arm64 wheel under the size cap in recent releases", file=sys.stderr)
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-size-mb", type=int, default=SKIP_ABOVE_DEFAULT)
    parser.add_argument("--out", type=Path, default=ROOT / "tests" / "corpus" / "wheels.yml")
    args = parser.parse_args()
    session = requests.Session()
    entries = []
    for name in dict.fromkeys(PROJECTS):
        entry = pick(session, name, args.max_size_mb << 20)
        if entry:
            entries.append(entry)
            print(f"{entry['filename']} ({int(entry['size']) / 1e6:.1f} MB)", file=sys.stderr)  # type: ignore[call-overload]
    total = sum(int(e["size"]) for e in entries)  # type: ignore[call-overload]
    header = (
        "# Real win_arm64 wheels from PyPI, pinned; regenerate with bench/make_wheel_corpus.py.\n"
        "# Every one is a valid wheel: `woaport inspect` must report no error on any of them.\n"
        f"# {len(entries)} wheels, {total / 1e6:.0f} MB in all.\n"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(header + yaml.safe_dump({"wheels": entries}, sort_keys=False))
    print(f"{len(entries)} wheels, {total / 1e6:.0f} MB -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
