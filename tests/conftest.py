from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from realfiles import fetch
from woaport.cli import main


@pytest.fixture(autouse=True)
def no_system_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never read or write the credential store of the machine they run on (the
    device's token is looked up there first): keyring's null backend, here and in every
    woaport process a test starts. Tests of the store install their own backend."""
    import keyring
    import keyring.backends.null

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    monkeypatch.setattr(keyring.core, "_keyring_backend", keyring.backends.null.Keyring())


@pytest.fixture(scope="session")
def native_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real wheel with a C extension, compiled here by gcc."""
    from cext import build_native_wheel

    return build_native_wheel(tmp_path_factory.mktemp("native"))


@pytest.fixture
def github() -> Iterator[Any]:
    """The fake GitHub API; every response it gave is checked against GitHub's OpenAPI
    description when the test ends."""
    from fakegithub import serve
    from openapi_check import validate

    with serve() as fake:
        yield fake
    for exchange in fake.exchanges:
        validate(exchange.method, exchange.path, exchange.status, exchange.body)


@pytest.fixture(scope="session")
def numpy_arm64() -> Path:
    return fetch("numpy-arm64")


@pytest.fixture(scope="session")
def numpy_amd64() -> Path:
    return fetch("numpy-amd64")


@pytest.fixture(scope="session")
def six_wheel() -> Path:
    return fetch("six")


@pytest.fixture(scope="session")
def markupsafe_linux() -> Path:
    return fetch("markupsafe-linux")


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the real retry logic, with back-off in milliseconds instead of seconds."""
    import woaport.http

    fast = woaport.http.HttpPolicy(backoff=0.005)
    monkeypatch.setattr(woaport.http, "DEFAULT_POLICY", fast)


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def woaport(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Result]:
    """Run the real entry point in-process (argument parsing, error handling, exit code)."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)

    def run(*args: str) -> Result:
        capsys.readouterr()
        with pytest.raises(SystemExit) as exit_info:
            main([str(a) for a in args])
        captured = capsys.readouterr()
        code = exit_info.value.code
        return Result(code=code if isinstance(code, int) else 1, out=captured.out, err=captured.err)

    return run


def run_process(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """``python -m woaport ...`` as a real process."""
    return subprocess.run(
        [sys.executable, "-m", "woaport", *args],
        capture_output=True,
        text=True,
        timeout=300,
        **kwargs,  # type: ignore[arg-type]
    )
