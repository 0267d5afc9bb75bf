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


def run(argv: list[str], env: dict[str, str] | None = None, timeout: float = 1800) -> Outcome:
    start = time.monotonic()
    try:
        proc = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            env=env,
            timeout=timeout,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Outcome(ok=False, argv=argv, duration=time.monotonic() - start, output=str(exc))
    output = (proc.stdout + proc.stderr).replace("\r\n", "\n")
    return Outcome(
        ok=proc.returncode == 0, argv=argv, duration=time.monotonic() - start, output=output
    )


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


def create(
    root: Path, *, base_python: str, installer: Installer, uv: str | None
) -> tuple[Environment | None, Outcome]:
    if installer == "uv" and uv:
        # Never let uv fetch an interpreter: the run must use the one it was given.
        env = dict(os.environ, UV_PYTHON_DOWNLOADS="never")
        outcome = run([uv, "venv", "--quiet", "--python", base_python, str(root)], env=env)
    else:
        outcome = run([base_python, "-m", "venv", str(root)])
    if not outcome.ok:
        return None, outcome
    python = python_in(root)
    return Environment(root=root, python=python, installer=installer, uv=uv), outcome


def install(
    environment: Environment, requirements: list[str], *, index_url: str | None = None
) -> Outcome:
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
        return run(argv + requirements, env=env)
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
    return run(argv + requirements)
