"""`woaport fork init`: what a fork needs to get a native win_arm64 wheel: one workflow file
with one `uses:` line, and a starter contract when the hub has none for the package."""

from __future__ import annotations

import configparser
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from packaging.utils import canonicalize_name

from woaport.errors import BadInput

DEFAULT_HUB = "woaport/woaport@v1"
WORKFLOW = Path(".github/workflows/woaport.yml")
STARTER_CONTRACT = Path(".github/woaport/contract.yml")
HUB = re.compile(r"^(?P<repo>[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)@(?P<ref>[A-Za-z0-9_./-]+)$")


@dataclass(frozen=True, kw_only=True)
class Project:
    name: str
    backend: str
    source: str  # which file said so

    @property
    def import_name(self) -> str:
        return str(canonicalize_name(self.name)).replace("-", "_")


def detect(folder: Path) -> Project:
    """The package's name and build backend, from pyproject.toml, setup.cfg or setup.py."""
    pyproject = folder / "pyproject.toml"
    backend = None
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise BadInput(f"{pyproject}: not valid TOML ({exc}); fix it first") from None
        backend = data.get("build-system", {}).get("build-backend")
        name = data.get("project", {}).get("name")
        if name:
            return Project(
                name=str(name),
                backend=str(backend or "setuptools (legacy)"),
                source="pyproject.toml",
            )
    setup_cfg = folder / "setup.cfg"
    if setup_cfg.is_file():
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read(setup_cfg, encoding="utf-8")
        except configparser.Error as exc:
            raise BadInput(f"{setup_cfg}: cannot be parsed ({exc})") from None
        name = parser.get("metadata", "name", fallback=None)
        if name:
            return Project(name=name, backend=str(backend or "setuptools"), source="setup.cfg")
    setup_py = folder / "setup.py"
    if setup_py.is_file():
        match = re.search(
            r"""\bname\s*=\s*["']([A-Za-z0-9._-]+)["']""",
            setup_py.read_text(encoding="utf-8", errors="replace"),
        )
        if match:
            return Project(
                name=match[1], backend=str(backend or "setuptools (setup.py)"), source="setup.py"
            )
    raise BadInput(
        f"{folder}: no package name in pyproject.toml ([project] name), setup.cfg ([metadata] name) "
        "or setup.py (name=...); run this in the package's checkout"
    )


def parse_hub(value: str) -> tuple[str, str]:
    match = HUB.match(value)
    if not match:
        raise BadInput(
            f"--hub {value!r}: write OWNER/REPO@REF, e.g. {DEFAULT_HUB} or OWNER/REPO@<commit sha>"
        )
    return match["repo"], match["ref"]


def hub_contract(contracts_dir: Path | None, project: Project) -> str | None:
    """The id of the hub's contract for this package, if the hub has one."""
    if contracts_dir is None or not contracts_dir.is_dir():
        return None
    from woaport.contract import check

    for path in sorted(contracts_dir.glob("*.y*ml")):
        loaded, _ = check(path)
        for contract in loaded:
            if canonicalize_name(contract.package) == canonicalize_name(project.name):
                return contract.smoke_test_id
    return None


def workflow_text(hub: str, ref: str, branch: str, contract: str | None) -> str:
    with_lines = ["      package-dir: ."]
    if contract:
        with_lines.append(f"      contract: {contract}")
    return f"""\
# Builds native win_arm64 wheels on windows-11-arm, inspects their payload, runs the smoke
# contract against the exact files, and queues them for a real Windows-on-Arm device.
# Written by `woaport fork init`; the work is all in {hub}.
name: woaport

on:
  push:
    branches: [{branch}]
  workflow_dispatch:

permissions: {{}}

jobs:
  port:
    permissions:
      contents: write # the device queue is a pre-release in this repository
    uses: {hub}/.github/workflows/port.yml@{ref}
    with:
{chr(10).join(with_lines)}
"""


def starter_contract(project: Project) -> str:
    return f"""\
# A starter smoke contract for {project.name}, written by `woaport fork init`.
# It must exercise the *native* code: replace the second step's body with a call that goes
# through the extension module (a round trip, a computation with a known answer), then run
# `woaport contract validate {STARTER_CONTRACT.as_posix()}`. Once it is good, send it to the hub's contracts/.
- smoke_test_id: {canonicalize_name(project.name)}-main
  package: {project.name}
  execution_modes: [ci, device]
  steps:
    - step_id: import-{canonicalize_name(project.name)}
      kind: import_module
      module: {project.import_name}
    - step_id: native-smoke
      kind: python_code
      code: |
        import {project.import_name}
        print("imported", {project.import_name}.__file__)
        # TODO: call the native code and assert on the answer
"""


@dataclass(frozen=True, kw_only=True)
class InitResult:
    project: Project
    written: list[Path]
    contract: str


def init(folder: Path, *, hub: str, branch: str, contracts_dir: Path | None) -> InitResult:
    if not folder.is_dir():
        raise BadInput(f"{folder}: no such folder; pass the fork's checkout")
    repo, ref = parse_hub(hub)
    project = detect(folder)
    workflow = folder / WORKFLOW
    if workflow.exists():
        raise BadInput(
            f"{workflow} exists already; woaport does not overwrite it: edit it, or delete it and run again"
        )
    known = hub_contract(contracts_dir, project)
    written = []
    contract_input: str | None = None
    if known is None:
        contract_file = folder / STARTER_CONTRACT
        if contract_file.exists():
            raise BadInput(f"{contract_file} exists already; woaport does not overwrite it")
        contract_file.parent.mkdir(parents=True, exist_ok=True)
        contract_file.write_text(starter_contract(project), encoding="utf-8")
        written.append(contract_file)
        contract_input = STARTER_CONTRACT.as_posix()
    workflow.parent.mkdir(parents=True, exist_ok=True)
    workflow.write_text(workflow_text(repo, ref, branch, contract_input), encoding="utf-8")
    written.insert(0, workflow)
    return InitResult(project=project, written=written, contract=known or contract_input or "")
