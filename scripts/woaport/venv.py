"""Fresh, isolated environments for a contract run: uv when available (fast), else venv + pip.

Paths follow the platform: ``Scripts\\python.exe`` on Windows, ``bin/python`` elsewhere.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from woaport.procs import windowless

Installer = Literal["uv", "pip"]


def scripts_dir(root: Path, os_name: str = os.name) -> Path:
    return root / ("Scripts" if os_name == "nt" else "bin")


def python_in(root: Path, os_name: str = os.name) -> Path:
    return scripts_dir(root, os_name) / ("python.exe" if os_name == "nt" else "python")


def executable_in(root: Path, name: str, os_name: str = os.name) -> Path | None:
    """A console script or program in the environment's scripts folder."""
    folder = scripts_dir(root, os_name)
    candidates = [name] if os_name != "nt" else [name, f"{name}.exe", f"{name}.cmd", f"{name}.bat"]
    for candidate in candidates:
        path = folder / candidate
        if path.is_file():
            return path
    return None


def find_uv() -> str | None:
    try:
        from uv import find_uv_bin

        return str(find_uv_bin())
    except Exception:  # the uv package is optional at run time: fall back to PATH
        return shutil.which("uv")


@dataclass(frozen=True, kw_only=True)
class Environment:
    root: Path
    python: Path
    installer: Installer
    uv: str | None


@dataclass(frozen=True, kw_only=True)
class Outcome:
    ok: bool
    argv: list[str]
    duration: float
    output: str


class Started:
    """A helper (uv, pip, ``python -m venv``) running in the background: started at once,
    collected by :meth:`wait`, so that the caller's own work overlaps it."""

    def __init__(self, argv: list[str], env: dict[str, str] | None = None):
        self.argv = argv
        self.started = time.monotonic()
        self._outcome: Outcome | None = None
        self._process: subprocess.Popen[str] | None = None
        try:
            self._process = subprocess.Popen(
                argv,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                text=True,
                encoding="utf-8",
                errors="replace",
                env=env,
                **windowless(),
            )
        except OSError as exc:
            self._outcome = self._done(ok=False, output=str(exc))

    def _done(self, *, ok: bool, output: str) -> Outcome:
        return Outcome(
            ok=ok, argv=self.argv, duration=time.monotonic() - self.started, output=output
        )

    def wait(self, timeout: float = 1800) -> Outcome:
        """Its output and exit status (one past ``timeout`` seconds is stopped: not ok)."""
        if self._outcome is not None or self._process is None:
            return self._outcome or self._done(ok=False, output="not started")
        try:
            output, _ = self._process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            self.cancel()
            self._outcome = self._done(ok=False, output=str(exc))
            return self._outcome
        except BaseException:  # interrupted (Ctrl-C): as subprocess.run, leave nothing running
            self.cancel()
            raise
        ok = self._process.returncode == 0
        self._outcome = self._done(ok=ok, output=output.replace("\r\n", "\n"))
        return self._outcome

    def cancel(self) -> None:
        """Stop it if it is still running (the caller gave up before waiting)."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.communicate()


def run(argv: list[str], env: dict[str, str] | None = None, timeout: float = 1800) -> Outcome:
    return Started(argv, env).wait(timeout)


def choose_installer(wanted: str) -> tuple[Installer, str | None]:
    uv = find_uv()
    if wanted == "uv" and uv is None:
        from woaport.errors import BadInput

        raise BadInput(
            "--installer uv: uv is not installed; `pip install uv`, or use --installer pip"
        )
    if wanted == "pip" or uv is None:
        return "pip", None
    return "uv", uv


class Creation:
    """A fresh environment being created in the background: ``begin`` starts the creator
    (uv venv, or python -m venv) and returns at once, so the caller's own work (loading and
    validating the contract, staging wheels) overlaps it; ``wait`` collects it."""

    def __init__(self, root: Path, *, base_python: str, installer: Installer, uv: str | None):
        self.root = root
        self.installer = installer
        self.uv = uv
        if installer == "uv" and uv:
            # Never let uv fetch an interpreter: the run must use the one it was given.
            env: dict[str, str] | None = dict(os.environ, UV_PYTHON_DOWNLOADS="never")
            argv = [uv, "venv", "--quiet", "--python", base_python, str(root)]
        else:
            env = None
            argv = [base_python, "-m", "venv", str(root)]
        self.creator = Started(argv, env)

    def wait(self, timeout: float = 1800) -> tuple[Environment | None, Outcome]:
        outcome = self.creator.wait(timeout)
        environment = (
            Environment(
                root=self.root, python=python_in(self.root), installer=self.installer, uv=self.uv
            )
            if outcome.ok
            else None
        )
        return environment, outcome

    def cancel(self) -> None:
        """Stop a creator that is still running (the caller gave up before waiting)."""
        self.creator.cancel()


def begin(root: Path, *, base_python: str, installer: Installer, uv: str | None) -> Creation:
    return Creation(root, base_python=base_python, installer=installer, uv=uv)


def create(
    root: Path, *, base_python: str, installer: Installer, uv: str | None
) -> tuple[Environment | None, Outcome]:
    return begin(root, base_python=base_python, installer=installer, uv=uv).wait()


@dataclass(frozen=True, kw_only=True)
class Workspace:
    """A contract run's temporary folder (``env``, ``staged``, ``work``, ``logs``), its
    environment already being created in ``env``."""

    root: Path
    creation: Creation

    @property
    def installer(self) -> Installer:
        return self.creation.installer

    def close(self, *, keep: bool) -> None:
        self.creation.cancel()
        if not keep:
            shutil.rmtree(self.root, ignore_errors=True)


def workspace(*, base_python: str, installer: str, parent: Path | None = None) -> Workspace:
    """Make a run's folder and start creating its environment (see `Creation`)."""
    import tempfile

    chosen, uv = choose_installer(installer)
    if parent is not None:
        parent.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="woaport-run-", dir=parent))
    return Workspace(
        root=root, creation=begin(root / "env", base_python=base_python, installer=chosen, uv=uv)
    )


def begin_install(
    environment: Environment, requirements: list[str], *, index_url: str | None = None
) -> Started:
    """Start installing ``requirements`` into ``environment``; ``wait()`` collects it."""
    if environment.installer == "uv" and environment.uv:
        # Copy, never hard-link from uv's cache: a step that writes into its installed
        # package would otherwise change the cache, and every later run with it.
        argv = [
            environment.uv,
            "pip",
            "install",
            "--link-mode=copy",
            "--python",
            str(environment.python),
        ]
        if index_url:
            argv += ["--index-url", index_url]
        env = dict(os.environ, UV_PYTHON_DOWNLOADS="never")
        return Started(argv + requirements, env=env)
    argv = [
        str(environment.python),
        "-m",
        "pip",
        "install",
        "--disable-pip-version-check",
        "--no-input",
    ]
    if index_url:
        argv += ["--index-url", index_url]
    return Started(argv + requirements)


def install(
    environment: Environment, requirements: list[str], *, index_url: str | None = None
) -> Outcome:
    return begin_install(environment, requirements, index_url=index_url).wait()
