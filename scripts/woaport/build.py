"""Building win_arm64 wheels with cibuildwheel: the configuration, the run, the diagnosis.

The architecture is always given explicitly (``CIBW_ARCHS_WINDOWS=ARM64``): on an x64
interpreter, or an emulated one, cibuildwheel's ``auto`` would build the wrong thing. The
build selection is checked with cibuildwheel itself (``--print-build-identifiers``) before
anything is built, and a failed build's log goes through ``woaport diagnose``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from woaport.errors import BadInput

DEFAULT_PYTHONS = ("cp311", "cp312", "cp313", "cp314")
# CPython ships ARM64 Windows installers from 3.11 on; 3.9 and 3.10 have none.
PYTHON = re.compile(r"^(?:cp)?3\.?(\d+)(t?)$")
PROTECTED = {"CIBW_ARCHS", "CIBW_ARCHS_WINDOWS", "CIBW_PLATFORM", "CIBW_BUILD"}


def parse_pythons(values: list[str] | tuple[str, ...]) -> list[str]:
    """'cp312', '3.12', '3.13t', 'cp311 cp312', 'current' -> ['cp312', ...]; refuses < 3.11."""
    out: list[str] = []
    for value in values:
        for item in re.split(r"[\s,]+", value.strip()):
            if not item:
                continue
            if item == "current":  # the interpreter running woaport (the job's setup-python)
                free = "t" if sysconfig.get_config_var("Py_GIL_DISABLED") else ""
                item = f"cp3{sys.version_info.minor}{free}"
            match = PYTHON.match(item.lower())
            if not match:
                raise BadInput(f"python version {item!r}: write cp312, 3.12 or 3.13t")
            minor = int(match[1])
            if minor < 11:
                raise BadInput(
                    f"python version {item!r}: there is no ARM64 Windows build of Python 3.{minor} "
                    "(python.org ships ARM64 installers from 3.11); build cp311 or newer"
                )
            tag = f"cp3{minor}{match[2]}"
            if tag not in out:
                out.append(tag)
    return out or list(DEFAULT_PYTHONS)


def setup_python_version(tag: str) -> str:
    """cp312 -> 3.12, cp314t -> 3.14t (what actions/setup-python takes)."""
    match = PYTHON.match(tag)
    if not match:
        raise BadInput(f"not a CPython tag: {tag!r}")
    return f"3.{match[1]}{match[2]}"


def parse_overrides(lines: list[str] | tuple[str, ...]) -> dict[str, str]:
    """Extra cibuildwheel settings, one KEY=VALUE per line (CRLF-safe, # comments)."""
    overrides: dict[str, str] = {}
    for chunk in lines:
        for raw in chunk.replace("\r\n", "\n").split("\n"):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            key, sep, value = line.partition("=")
            key = key.strip()
            if not sep or not re.fullmatch(r"CIBW_[A-Z0-9_]+", key):
                raise BadInput(
                    f"cibuildwheel setting {line!r}: write CIBW_NAME=value, one per line"
                )
            if key in PROTECTED:
                raise BadInput(
                    f"{key} is set by woaport (the build is ARM64, for the Pythons you list); remove it"
                )
            overrides[key] = value.strip()
    return overrides


@dataclass(frozen=True, kw_only=True)
class BuildPlan:
    package_dir: Path
    output_dir: Path
    pythons: list[str]
    overrides: dict[str, str] = field(default_factory=dict)

    @property
    def identifiers(self) -> list[str]:
        return [f"{p}-win_arm64" for p in self.pythons]

    def environment(self) -> dict[str, str]:
        env = {
            "CIBW_PLATFORM": "windows",
            "CIBW_ARCHS_WINDOWS": "ARM64",
            "CIBW_BUILD": " ".join(self.identifiers),
            "CIBW_BUILD_VERBOSITY": "1",
        }
        env.update(self.overrides)
        return env


def cibuildwheel(args: list[str], plan: BuildPlan) -> list[str]:
    return [sys.executable, "-m", "cibuildwheel", *args, str(plan.package_dir)]


def check_identifiers(
    plan: BuildPlan, run: Callable[..., subprocess.CompletedProcess[str]] = subprocess.run
) -> list[str]:
    """Ask cibuildwheel which identifiers this configuration builds; they must be ours."""
    if not plan.package_dir.is_dir():
        raise BadInput(
            f"--package-dir {plan.package_dir}: no such folder; point it at the package's pyproject.toml/setup.py"
        )
    result = run(
        cibuildwheel(
            ["--print-build-identifiers", "--platform", "windows", "--archs", "ARM64"], plan
        ),
        env={**os.environ, **plan.environment()},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-1:] or [""]
        raise BadInput(f"cibuildwheel rejected the configuration: {tail[0]}")
    found = [line.strip() for line in result.stdout.splitlines() if line.strip()]
    missing = [i for i in plan.identifiers if i not in found]
    if missing:
        raise BadInput(
            f"cibuildwheel would not build {', '.join(missing)} (it selects {', '.join(found) or 'nothing'}); "
            "check requires-python and CIBW_SKIP/CIBW_ENABLE"
        )
    return found


def run_build(plan: BuildPlan, log: Path, echo: Callable[[str], None]) -> tuple[int, list[Path]]:
    """cibuildwheel, its output shown as it comes and kept in ``log``."""
    plan.output_dir.mkdir(parents=True, exist_ok=True)
    log.parent.mkdir(parents=True, exist_ok=True)
    before = set(plan.output_dir.glob("*.whl"))
    env = {**os.environ, **plan.environment(), "PYTHONUNBUFFERED": "1"}
    argv = cibuildwheel(["--platform", "windows", "--output-dir", str(plan.output_dir)], plan)
    with log.open("w", encoding="utf-8", errors="replace") as out:
        proc = subprocess.Popen(
            argv,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
        for line in proc.stdout or ():
            out.write(line)
            echo(line.rstrip("\n"))
        code = proc.wait()
    wheels = sorted(set(plan.output_dir.glob("*.whl")) - before) if code == 0 else []
    return code, wheels
