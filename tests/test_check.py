"""`woaport check` against a package index on loopback, and once against the real one."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from packaging.version import Version

from fakeindex import FakeIndex, serve
from woaport import build
from woaport.availability import python_tag
from woaport.check import pip_python, python_filter
from woaport.errors import BadInput

Run = Callable[..., Any]
ARM64 = "numpy-2.5.5-cp312-cp312-win_arm64.whl"
AMD64 = "numpy-2.5.5-cp312-cp312-win_amd64.whl"


@pytest.fixture
def index(
    numpy_arm64: Path, numpy_amd64: Path, six_wheel: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[FakeIndex]:
    with serve() as fake:
        fake.add(
            "numpy",
            {
                ARM64: numpy_arm64,
                AMD64: numpy_amd64,
                "numpy-2.5.5.tar.gz": b"sdist",
                "numpy-2.4.0.tar.gz": b"older",
                "numpy-2.6.0rc1.tar.gz": b"pre-release",
                "numpy-2.7.0.tar.gz": b"yanked",
                "numpy-1.0.1.dev3460.win32-py2.4.exe": b"legacy installer",
            },
            yanked={"numpy-2.7.0.tar.gz"},
        )
        fake.add("cfunc", {"cfunc-1.0.tar.gz": b"sdist only"})
        fake.add("six", {"six-1.16.0-py2.py3-none-any.whl": six_wheel})
        monkeypatch.setenv("WOAPORT_INDEX_URL", fake.url)
        yield fake


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WOAPORT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.mark.parametrize("mode", ["json", "html"])
def test_latest_release_downloaded_and_inspected(
    woaport: Run, index: FakeIndex, cache: Path, mode: str
) -> None:
    index.state.mode = mode
    result = woaport("check", "numpy", "--json")
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    # 2.7.0 is yanked, 2.6.0rc1 a pre-release: the latest is 2.5.5.
    assert doc["version"] == "2.5.5"
    assert doc["verdict"] == "native"
    assert doc["pythons"] == ["cp312"]
    assert doc["sdists"] == ["numpy-2.5.5.tar.gz"]
    assert doc["other_platforms"] == {"win_amd64": 1}
    (wheel,) = doc["inspection"]["wheels"]
    assert wheel["filename"] == ARM64 and wheel["ok"] is True
    assert (cache / "wheels" / ARM64).is_file()
    assert "application/vnd.pypi.simple.v1+json" in index.state.accept_seen[0]


def test_text_output_and_progress(woaport: Run, index: FakeIndex, cache: Path) -> None:
    result = woaport("check", "numpy")
    assert result.code == 0
    assert "win_arm64 wheels: cp312 (1 files)" in result.out
    assert "verdict: native win_arm64 wheels exist" in result.out
    assert f"{ARM64}: ok" in result.out
    assert f"downloading {ARM64}" in result.err


def test_cached_wheel_is_not_downloaded_twice(woaport: Run, index: FakeIndex, cache: Path) -> None:
    assert woaport("check", "numpy").code == 0
    assert woaport("check", "numpy").code == 0
    assert index.state.hits[f"/files/numpy/{ARM64}"] == 1
    assert index.state.hits["/simple/numpy/"] == 2


def test_pre_and_explicit_version(woaport: Run, index: FakeIndex, cache: Path) -> None:
    doc = json.loads(woaport("check", "numpy", "--pre", "--no-inspect", "--json").out)
    assert doc["version"] == "2.6.0rc1" and doc["verdict"] == "sdist-only"
    result = woaport("check", "numpy", "--version", "2.4.0", "--json")
    assert result.code == 1
    assert json.loads(result.out)["verdict"] == "sdist-only"


def test_sdist_only_exits_1(woaport: Run, index: FakeIndex, cache: Path) -> None:
    result = woaport("check", "cfunc")
    assert result.code == 1
    assert "needs porting: only an sdist" in result.out


def test_pure_wheel_is_installable(woaport: Run, index: FakeIndex, cache: Path) -> None:
    result = woaport("check", "six", "--json")
    assert result.code == 0
    doc = json.loads(result.out)
    assert doc["verdict"] == "pure" and doc["inspection"] is None


def test_server_errors_are_retried(woaport: Run, index: FakeIndex, cache: Path) -> None:
    index.state.fail_next = [503, 429, 500]
    result = woaport("check", "numpy", "--no-inspect", "--json")
    assert result.code == 0, result.err
    assert index.state.hits["/simple/numpy/"] == 4


def test_persistent_server_errors_end_in_one_line(
    woaport: Run, index: FakeIndex, cache: Path
) -> None:
    index.state.fail_next = [500] * 20
    result = woaport("check", "numpy", "--no-inspect")
    assert result.code == 3  # a source that could not be reached: not bad input
    assert len(result.err.strip().splitlines()) == 2  # "asking ..." then the error
    assert "HTTP 500" in result.err or "gave up after retries" in result.err


def test_wrong_hash_is_refused(woaport: Run, index: FakeIndex, cache: Path) -> None:
    index.state.projects["numpy"].wrong_hash.add(ARM64)
    result = woaport("check", "numpy")
    assert result.code == 2
    assert "does not match" in result.err and "tampered" in result.err
    assert not (cache / "wheels" / ARM64).exists()
    assert list((cache / "wheels").iterdir()) == []  # no partial file left behind


def test_truncated_download_is_refused(woaport: Run, index: FakeIndex, cache: Path) -> None:
    index.state.truncate.add(ARM64)
    result = woaport("check", "numpy")
    assert result.code == 3
    assert ARM64 in result.err
    assert list((cache / "wheels").iterdir()) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nosuchpkg"], "is not on the index"),
        # never a URL path: the index would be asked for /simple/a b/ or /numpy/ otherwise
        (["a b"], "is not a valid project name"),
        (["../numpy"], "is not a valid project name"),
        (["numpy", "--version", "9.9"], "has no files on the index"),
        (["numpy", "--version", "not a version"], "not a valid version"),
        (["numpy", "--python", "3.14"], "no win_arm64 wheel for that"),
        (["numpy", "--python", "python3"], "expected a version like 3.12"),
        (["numpy", "--index-url", "ftp://example.invalid/simple"], "is not http(s)"),
    ],
)
def test_bad_input(
    woaport: Run, index: FakeIndex, cache: Path, args: list[str], message: str
) -> None:
    result = woaport("check", *args)
    assert result.code == 2
    assert message in result.err
    assert "Traceback" not in result.err


def test_unreachable_index(woaport: Run, cache: Path) -> None:
    result = woaport("check", "numpy", "--index-url", "http://127.0.0.1:9/simple/")
    assert result.code == 3
    assert "request failed" in result.err


@pytest.mark.network
def test_real_index(woaport: Run, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The index this machine's pip uses, as users have it."""
    monkeypatch.delenv("WOAPORT_INDEX_URL", raising=False)
    result = woaport("check", "numpy", "--version", "2.5.5", "--python", "3.12", "--json")
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert "cp312" in doc["pythons"] and "cp313" in doc["pythons"]
    assert [w["filename"] for w in doc["inspection"]["wheels"]] == [ARM64]
    assert doc["inspection"]["wheels"][0]["ok"] is True


def test_wheels_for_other_platforms_only(
    woaport: Run, index: FakeIndex, cache: Path, numpy_amd64: Path
) -> None:
    index.add("gpuonly", {"gpuonly-1.0-cp312-cp312-win_amd64.whl": numpy_amd64})
    result = woaport("check", "gpuonly", "--json")
    assert result.code == 1
    doc = json.loads(result.out)
    assert doc["verdict"] == "binary-only" and doc["other_platforms"] == {"win_amd64": 1}


# --- issue 13: file names checked against the project; what pip really installs ---------


def test_legacy_sdist_of_another_name_is_ignored(
    woaport: Run, index: FakeIndex, cache: Path
) -> None:
    # A real pymupdf file: it parses as project "PyMuPDF-1.14.19.post", version 2.
    index.add(
        "pymupdf",
        {
            "pymupdf-1.28.2.tar.gz": b"sdist",
            "pymupdf-1.28.2-cp310-abi3-win_arm64.whl": b"wheel",
            "PyMuPDF-1.14.19.post-2.tar.gz": b"2019 sdist",
            "PyMuPDF-1.14.19-py3.7-win-amd64.egg": b"egg",
        },
    )
    result = woaport("check", "pymupdf", "--no-inspect", "--json")
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert doc["version"] == "1.28.2"
    assert doc["sdists"] == ["pymupdf-1.28.2.tar.gz"]
    assert doc["ignored_files"] == 2
    text = woaport("check", "pymupdf", "--no-inspect").out
    assert "ignored: 2 file(s)" in text


REGRESSION = {
    "crypto-50.0.2.tar.gz": b"sdist",
    "crypto-50.0.2-cp311-abi3-win_amd64.whl": b"x64 wheel",
    "crypto-46.0.3.tar.gz": b"sdist",
    "crypto-46.0.3-cp38-abi3-win_arm64.whl": b"arm64 wheel",
    "crypto-46.0.2-cp38-abi3-win_arm64.whl": b"older arm64 wheel",
}


def test_latest_without_win_arm64_wheel_says_what_pip_installs(
    woaport: Run, index: FakeIndex, cache: Path
) -> None:
    index.add("crypto", REGRESSION)
    result = woaport("check", "crypto", "--no-inspect", "--json")
    assert result.code == 1  # the latest release still needs porting
    doc = json.loads(result.out)
    assert doc["version"] == "50.0.2" and doc["verdict"] == "sdist-only"
    assert doc["installable"] == {
        "python": "3.12",
        "version": "46.0.3",
        "filename": "crypto-46.0.3-cp38-abi3-win_arm64.whl",
        "native": True,
        "regression": True,
    }
    text = woaport("check", "crypto", "--no-inspect").out
    assert "latest 50.0.2 has none; pip installs 46.0.3 (win_arm64)" in text


def test_yanked_older_wheel_is_not_what_pip_installs(
    woaport: Run, index: FakeIndex, cache: Path
) -> None:
    index.add("crypto", REGRESSION, yanked={"crypto-46.0.3-cp38-abi3-win_arm64.whl"})
    doc = json.loads(woaport("check", "crypto", "--no-inspect", "--json").out)
    assert doc["installable"]["version"] == "46.0.2"


def test_native_latest_is_no_regression(woaport: Run, index: FakeIndex, cache: Path) -> None:
    doc = json.loads(woaport("check", "numpy", "--no-inspect", "--json").out)
    assert doc["installable"] == {
        "python": "3.12",
        "version": "2.5.5",
        "filename": ARM64,
        "native": True,
        "regression": False,
    }
    sdist_only = json.loads(woaport("check", "cfunc", "--no-inspect", "--json").out)
    assert sdist_only["installable"] is None
    text = woaport("check", "cfunc", "--no-inspect", "--python", "3.13").out
    assert "no release has a wheel that pip on Windows on Arm installs" in text
    assert "(Python 3.13)" in text


def _files(*specs: tuple[str, str | None]) -> list[Any]:
    from woaport.index import IndexFile

    return [
        IndexFile(
            filename=f,
            url=f"https://files.example/{f}",
            sha256=None,
            requires_python=rp,
            yanked=False,
        )
        for f, rp in specs
    ]


@pytest.mark.parametrize(
    ("python", "expected"),
    [
        ("3.12", "2.0"),  # 3.0 requires Python >= 3.13 (Requires-Python), pip skips it
        ("3.13", "3.0"),
        ("3.13t", "2.0"),  # free-threaded: no abi3; 3.0 has only the abi3 wheel
        ("3.11", "1.0"),  # 2.0's wheel is cp312 only
    ],
)
def test_installable_follows_tags_and_requires_python(python: str, expected: str) -> None:
    from woaport.availability import classify, installable

    files, ignored = classify(
        "demo",
        _files(
            ("demo-3.0-cp313-abi3-win_arm64.whl", ">=3.13"),
            ("demo-3.0.tar.gz", ">=3.13"),
            ("demo-2.0-cp312-cp312-win_arm64.whl", ">=3.9"),
            ("demo-2.0-cp313-cp313t-win_arm64.whl", ">=3.9"),
            ("demo-1.0-py3-none-any.whl", "not a specifier"),
            ("demo-4.0rc1-py3-none-any.whl", None),
        ),
    )
    assert ignored == 0
    got = installable(files, python, latest=Version("3.0"))
    assert got is not None and got.version == expected
    assert got.regression is False  # 3.0 has a win_arm64 wheel, for some Pythons


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("3.12", "cp312"),
        ("cp312", "cp312"),
        (" CP314T ", "cp314t"),
        ("3.13t", "cp313t"),
        ("312", "cp312"),
        ("3.012", "cp312"),
        ("2.7", None),
        ("3.12.1", None),
        ("pypy310", None),
        ("", None),
    ],
)
def test_one_reading_of_a_python_version(text: str, tag: str | None) -> None:
    assert python_tag(text) == tag
    if tag is None:
        with pytest.raises(BadInput):
            python_filter((text,))
        with pytest.raises(BadInput):
            build.parse_pythons([text or "x"])
        assert pip_python((text,)) == "3.12"  # the default
    else:
        assert python_filter((text,)) == {tag}
        assert pip_python((text,)) == "3." + tag.removeprefix("cp3")
        assert build.setup_python_version(text) == pip_python((text,))
        if tag != "cp313t":
            assert build.parse_pythons([text]) == [tag]


def test_the_build_refuses_pythons_without_an_arm64_windows_build() -> None:
    assert build.parse_pythons(["3.11 cp312,3.12", "cp314t"]) == ["cp311", "cp312", "cp314t"]
    for old in ("3.10", "cp39"):
        with pytest.raises(BadInput, match=r"3\.11"):
            build.parse_pythons([old])
    with pytest.raises(BadInput, match="cp314t"):
        build.parse_pythons(["3.13t"])
