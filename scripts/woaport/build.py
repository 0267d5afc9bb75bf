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
from typing import Any

from woaport.availability import python_tag, python_version
from woaport.bounded import read_toml
from woaport.diagnose import Diagnosis, diagnose
from woaport.errors import BadInput, WoaportError
from woaport.files import sha256_file

# woaport's supported range: CPython ships ARM64 Windows installers from 3.11 on (3.9 and
# 3.10 have none), and these are the Pythons the hub's pinned cibuildwheel (4.3) and
# actions/setup-python are tested with. By default a build takes every one of them that
# cibuildwheel selects for the package (its requires-python, its own build/skip settings).
DEFAULT_PYTHONS = ("cp311", "cp312", "cp313", "cp314")
# Free-threaded builds in the supported range. cibuildwheel >= 3.1 selects cp314t unless a
# package skips it, and 4.0 removed cp313t (cibuildwheel changelog, v3.1.0, v3.4.1, v4.0.0);
# woaport builds them by default only when the package's cibuildwheel config opts in.
FREE_THREADED = ("cp314t",)
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
            tag = python_tag(item)
            if tag is None:
                raise BadInput(f"python version {item!r}: write cp312, 3.12 or 3.13t")
            minor = int(tag.removeprefix("cp3").rstrip("t"))
            if minor < 11:
                raise BadInput(
                    f"python version {item!r}: there is no ARM64 Windows build of Python 3.{minor} "
                    "(python.org ships ARM64 installers from 3.11); build cp311 or newer"
                )
            if tag == "cp313t":
                raise BadInput(
                    "python version cp313t: cibuildwheel 4 no longer builds the experimental "
                    "3.13 free-threaded Python; build cp314t"
                )
            if tag not in out:
                out.append(tag)
    return out


def setup_python_version(tag: str) -> str:
    """cp312 -> 3.12, cp314t -> 3.14t (what actions/setup-python takes)."""
    version = python_version(tag)
    if version is None:
        raise BadInput(f"not a CPython tag: {tag!r}")
    return version


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


def opts_into_free_threading(package_dir: Path) -> bool:
    """Whether the package's own cibuildwheel configuration asks for free-threaded builds: a
    ``[tool.cibuildwheel] build`` selector naming a ``cp3XXt`` identifier
    (https://cibuildwheel.pypa.io/en/stable/options/#build-skip). cibuildwheel 4 has no
    enable group for it any more (``cpython-freethreading`` is rejected)."""
    pyproject = package_dir / "pyproject.toml"
    if not pyproject.is_file():
        return False
    try:
        data = read_toml(pyproject)
    except WoaportError:
        return False
    tool = data.get("tool", {})
    config = tool.get("cibuildwheel", {}) if isinstance(tool, dict) else {}
    if not isinstance(config, dict):
        return False
    words: list[str] = []
    value = config.get("build", [])
    if isinstance(value, str):
        words += value.split()
    elif isinstance(value, list):
        words += [str(v) for v in value]
    return any(re.match(r"cp3\d+t-", w) for w in words)


@dataclass(frozen=True, kw_only=True)
class BuildPlan:
    """What to build. ``pythons`` empty means the default: every Python in woaport's
    supported range that cibuildwheel selects for the package (see ``select``)."""

    package_dir: Path
    output_dir: Path
    pythons: list[str]
    overrides: dict[str, str] = field(default_factory=dict)

    @property
    def explicit(self) -> bool:
        return bool(self.pythons)

    @property
    def identifiers(self) -> list[str]:
        candidates = self.pythons or [*DEFAULT_PYTHONS, *FREE_THREADED]
        return [f"{p}-win_arm64" for p in candidates]

    def environment(self) -> dict[str, str]:
        """Every cibuildwheel option woaport sets (the README's "cibuildwheel options" lists
        each one; tests/test_actions.py checks that it does)."""
        env = {
            "CIBW_PLATFORM": "windows",
            "CIBW_ARCHS_WINDOWS": "ARM64",
            "CIBW_BUILD_VERBOSITY": "1",
        }
        if self.explicit:
            # Only an explicit list is passed: CIBW_BUILD would override the package's own
            # `build` selector, which the default selection honours.
            env["CIBW_BUILD"] = " ".join(self.identifiers)
        env.update(self.overrides)
        return env

    def with_pythons(self, pythons: list[str]) -> BuildPlan:
        return BuildPlan(
            package_dir=self.package_dir,
            output_dir=self.output_dir,
            pythons=pythons,
            overrides=self.overrides,
        )


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
    if missing and plan.explicit:
        raise BadInput(
            f"cibuildwheel would not build {', '.join(missing)} (it selects {', '.join(found) or 'nothing'}); "
            "check requires-python and CIBW_SKIP/CIBW_ENABLE, or leave --python out to build "
            "every Python cibuildwheel selects"
        )
    return [i for i in found if i in plan.identifiers]


def select(
    plan: BuildPlan, run: Callable[..., subprocess.CompletedProcess[str]] = subprocess.run
) -> BuildPlan:
    """The plan with its Pythons settled by cibuildwheel. An explicit list must be built
    whole; the default is every supported Python cibuildwheel selects for the package
    (requires-python, the package's build/skip), free-threaded only where it opts in."""
    found = check_identifiers(plan, run)
    if plan.explicit:
        return plan
    free = opts_into_free_threading(plan.package_dir)
    pythons = [
        i.removesuffix("-win_arm64")
        for i in found
        if free or i.removesuffix("-win_arm64") not in FREE_THREADED
    ]
    if not pythons:
        raise BadInput(
            f"--package-dir {plan.package_dir}: cibuildwheel selects none of "
            f"{' '.join(DEFAULT_PYTHONS)} for this package; check its requires-python and "
            "CIBW_SKIP, or name the Pythons with --python"
        )
    return plan.with_pythons(pythons)


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


@dataclass(kw_only=True)
class BuildResult:
    """What `woaport build` did: the plan, the wheels and their digests, or the diagnosis."""

    plan: BuildPlan
    identifiers: list[str]
    dry_run: bool
    exit_code: int = 0
    wheels: list[Path] = field(default_factory=list)
    log: Path | None = None
    diagnosis: Diagnosis | None = None
    sha256s: dict[str, str] = field(default_factory=dict)  # wheel file name -> sha256, hashed once
    tail: list[str] = field(default_factory=list)  # a failed build's last log lines

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.exit_code == 0,
            "dry_run": self.dry_run,
            "identifiers": self.identifiers,
            "environment": self.plan.environment(),
            "wheels": [{"path": str(w), "sha256": self.sha256s[w.name]} for w in self.wheels],
            "log": str(self.log) if self.log else None,
            "diagnosis": self.diagnosis.to_json() if self.diagnosis else None,
        }


def build_wheels(
    plan: BuildPlan, *, dry_run: bool, log: Path, echo: Callable[[str], None]
) -> BuildResult:
    """Run cibuildwheel for ``plan`` (unless ``dry_run``); hash the wheels once, diagnose a
    failed build's log."""
    result = BuildResult(plan=plan, identifiers=plan.identifiers, dry_run=dry_run)
    if dry_run:
        return result
    result.log = log
    code, wheels = run_build(plan, log, echo)
    result.exit_code = 1 if code else 0
    result.wheels = wheels
    result.sha256s = {w.name: sha256_file(w) for w in wheels}
    if code:
        lines = (
            log.read_text(encoding="utf-8", errors="replace").splitlines() if log.is_file() else []
        )
        result.diagnosis = diagnose(lines, source=str(log))
        result.tail = lines[-30:]
    elif not wheels:
        result.exit_code = 1
        result.diagnosis = diagnose(
            ["Error: No wheels were found in wheelhouse; nothing was built"], source="woaport"
        )
    return result
