"""`woaport fork init`: what a fork needs to get a native win_arm64 wheel: one workflow file
with one `uses:` line, and a starter contract when the hub has none for the package."""

from __future__ import annotations

import configparser
import re
from dataclasses import dataclass
from pathlib import Path

from packaging.utils import canonicalize_name

from woaport import __version__
from woaport.bounded import read_toml
from woaport.errors import BadInput
from woaport.safepath import project_name_problem

DEFAULT_HUB = "woaport/woaport"
# The major tag .github/workflows/release.yml moves to each release of this major version.
DEFAULT_REF = f"v{__version__.split('.')[0]}"
WORKFLOW = Path(".github/workflows/woaport.yml")
STARTER_CONTRACT = Path(".github/woaport/contract.yml")
HUB = re.compile(r"^(?P<repo>[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)(?:@(?P<ref>[A-Za-z0-9_./-]+))?$")
REF = re.compile(r"^[A-Za-z0-9_./-]+$")
MODULE = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$")

# What GitHub needs from a fork before the port runs (printed by `fork init`, said in the
# README): https://docs.github.com/en/actions/managing-workflow-runs-and-deployments/managing-workflow-runs/disabling-and-enabling-a-workflow
# and the Actions tab of a new fork ("Workflows aren't being run on this forked repository
# ... we have disabled them from running on this fork"); enabling Actions there enables
# every workflow the fork inherited. workflow_dispatch: "This event will only trigger a
# workflow run if the workflow file is on the default branch"
# (https://docs.github.com/en/actions/reference/workflows-and-actions/events-that-trigger-workflows#workflow_dispatch).
FORK_STEPS = (
    "GitHub disables workflows in a new fork: open the fork's Actions tab and enable them "
    '("I understand my workflows, go ahead and enable them").',
    "Enabling them enables every workflow the fork inherited from upstream too: disable the "
    'ones you do not want (Actions tab > the workflow > "..." > Disable workflow), '
    "especially scheduled ones.",
    'The push to branch `{branch}` starts the port. "Run workflow" (workflow_dispatch) '
    "appears only once .github/workflows/woaport.yml is on the fork's default branch.",
)


@dataclass(frozen=True, kw_only=True)
class Project:
    name: str
    backend: str
    source: str  # which file said so

    @property
    def import_name(self) -> str:
        return str(canonicalize_name(self.name)).replace("-", "_")


# PEP 508 / the Core Metadata "Name" field: letters, digits, and . _ - inside.
# (https://packaging.python.org/en/latest/specifications/name-normalization/)


def _table(data: dict[str, object], key: str, where: Path) -> dict[str, object]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise BadInput(
            f"{where}: [{key}] is a {type(value).__name__}, not a table; fix it first "
            "(https://packaging.python.org/en/latest/specifications/pyproject-toml/)"
        )
    return value


def _name(value: object, where: str) -> str:
    name = str(value)
    if project_name_problem(name) is not None:
        raise BadInput(f"{where}: the package name {name[:80]!r} is not a valid project name")
    return name


def detect(folder: Path) -> Project:
    """The package's name and build backend, from pyproject.toml, setup.cfg or setup.py."""
    pyproject = folder / "pyproject.toml"
    backend = None
    if pyproject.is_file():
        data = read_toml(pyproject, error=BadInput)
        found = _table(data, "build-system", pyproject).get("build-backend")
        backend = found if isinstance(found, str) else None
        name = _table(data, "project", pyproject).get("name")
        if name:
            return Project(
                name=_name(name, f"{pyproject} [project] name"),
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
            return Project(
                name=_name(name, f"{setup_cfg} [metadata] name"),
                backend=str(backend or "setuptools"),
                source="setup.cfg",
            )
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


def parse_hub(value: str, ref: str | None = None) -> tuple[str, str]:
    """--hub OWNER/REPO (or the older OWNER/REPO@REF) and --ref -> (repo, ref)."""
    match = HUB.match(value)
    if not match:
        raise BadInput(
            f"--hub {value!r}: write OWNER/REPO@REF or OWNER/REPO with --ref, e.g. "
            f"{DEFAULT_HUB} --ref {DEFAULT_REF} (a tag, or a commit sha to pin it)"
        )
    if match["ref"] and ref:
        raise BadInput(f"--hub {value!r} names a ref and --ref gives {ref!r}: give one")
    chosen = match["ref"] or ref or DEFAULT_REF
    if not REF.match(chosen):
        raise BadInput(f"--ref {chosen!r}: a tag, branch or commit sha")
    return match["repo"], chosen


def extension_modules(folder: Path, wheel: Path | None = None) -> list[str]:
    """The compiled extension modules the package builds, as import names: from a built
    wheel's .pyd/.so members, else its build configuration (setup.py Extension names,
    pyproject [tool.setuptools] ext-modules, meson.build extension_module, maturin's
    module-name or Cargo.toml [lib] name)."""
    found: list[str] = []

    def add(name: str) -> None:
        if MODULE.match(name) and name not in found:
            found.append(name)

    if wheel is not None:
        import zipfile

        try:
            with zipfile.ZipFile(wheel) as archive:
                names = archive.namelist()[:100_000]
        except (OSError, zipfile.BadZipFile) as exc:
            raise BadInput(f"--wheel {wheel}: not a readable wheel ({exc})") from None
        for member in names:
            parts = member.split("/")
            if any(p.endswith((".data", ".dist-info")) for p in parts[:1]):
                continue
            leaf = parts[-1]
            if leaf.endswith((".pyd", ".so")):
                add(".".join([*parts[:-1], leaf.split(".", 1)[0]]))
        return found
    setup_py = folder / "setup.py"
    if setup_py.is_file():
        text = setup_py.read_text(encoding="utf-8", errors="replace")[:1_000_000]
        for match in re.finditer(
            r"""\bExtension\(\s*(?:name\s*=\s*)?["']([\w.]{1,200})["']""", text
        ):
            add(match[1])
    pyproject = folder / "pyproject.toml"
    data: dict[str, object] = {}
    if pyproject.is_file():
        try:
            data = read_toml(pyproject, error=BadInput)
        except BadInput:
            data = {}
    tool = data.get("tool")
    tool = tool if isinstance(tool, dict) else {}
    setuptools = tool.get("setuptools")
    if isinstance(setuptools, dict):
        for item in setuptools.get("ext-modules", []) or []:
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                add(item["name"])
    meson = folder / "meson.build"
    if meson.is_file():
        text = meson.read_text(encoding="utf-8", errors="replace")[:1_000_000]
        for match in re.finditer(
            r"""\.extension_module\(\s*['"](\w{1,200})['"]([^)]{0,4000})""", text
        ):
            subdir = re.search(r"""\bsubdir\s*:\s*['"]([\w/]{1,200})['"]""", match[2])
            add(".".join([*(subdir[1].strip("/").split("/") if subdir else []), match[1]]))
    maturin = tool.get("maturin")
    if isinstance(maturin, dict) and isinstance(maturin.get("module-name"), str):
        add(maturin["module-name"])
    elif isinstance(maturin, dict) or (folder / "Cargo.toml").is_file():
        cargo = folder / "Cargo.toml"
        if cargo.is_file():
            try:
                lib = read_toml(cargo, error=BadInput).get("lib", {})
            except BadInput:
                lib = {}
            if isinstance(lib, dict) and isinstance(lib.get("name"), str):
                add(lib["name"])
    return found


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
      id-token: write # port.yml's attest job signs where the wheels were built
      attestations: write # and stores the attestation with the repository
    uses: {hub}/.github/workflows/port.yml@{ref}
    with:
{chr(10).join(with_lines)}
"""


def starter_contract(project: Project, modules: list[str]) -> str:
    """Imports every compiled extension module the package builds (loading each native
    image is the smoke test); with none found, a step that fails until it is written."""
    header = f"""\
# A starter smoke contract for {project.name}, written by `woaport fork init`.
# Each step imports one compiled extension module the package builds, so a wheel whose
# native code does not load fails. Add a step that calls into the native code and checks
# the answer (a round trip, a computation with a known result), then run
# `woaport contract validate {STARTER_CONTRACT.as_posix()}`. Once it is good, send it to the hub's contracts/.
- smoke_test_id: {canonicalize_name(project.name)}-main
  package: {project.name}
  execution_modes: [ci, device]
  steps:
"""
    if not modules:
        # The import name is only guessed from the distribution's name here, and an import
        # of a package proves little about its native code: the second step fails until
        # it is replaced by one that loads and calls the extension module.
        message = (
            f"{STARTER_CONTRACT.as_posix()}: woaport found no compiled extension module in "
            f"{project.name}'s build configuration; write the step that imports and calls it"
        )
        return header + (
            f"    - step_id: import-{canonicalize_name(project.name)}\n"
            "      kind: import_module\n"
            f"      module: {project.import_name}\n"
            "    - step_id: write-this-step\n"
            "      kind: python_code\n"
            "      code: |\n"
            f"        raise SystemExit({message!r})\n"
        )
    steps = []
    for module in modules:
        steps.append(
            f"    - step_id: import-{module.replace('.', '-').replace('_', '-').lower()}\n"
            "      kind: import_module\n"
            f"      module: {module}\n"
        )
    return header + "".join(steps)


@dataclass(frozen=True, kw_only=True)
class InitResult:
    project: Project
    written: list[Path]
    contract: str
    hub: str  # OWNER/REPO@REF written into the workflow
    extension_modules: list[str]
    next_steps: list[str]


def init(
    folder: Path,
    *,
    hub: str,
    branch: str,
    contracts_dir: Path | None,
    ref: str | None = None,
    wheel: Path | None = None,
) -> InitResult:
    if not folder.is_dir():
        raise BadInput(f"{folder}: no such folder; pass the fork's checkout")
    repo, ref = parse_hub(hub, ref)
    project = detect(folder)
    modules = extension_modules(folder, wheel)
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
        contract_file.write_text(starter_contract(project, modules), encoding="utf-8")
        written.append(contract_file)
        contract_input = STARTER_CONTRACT.as_posix()
    workflow.parent.mkdir(parents=True, exist_ok=True)
    workflow.write_text(workflow_text(repo, ref, branch, contract_input), encoding="utf-8")
    written.insert(0, workflow)
    return InitResult(
        project=project,
        written=written,
        contract=known or contract_input or "",
        hub=f"{repo}@{ref}",
        extension_modules=modules,
        next_steps=[step.format(branch=branch) for step in FORK_STEPS],
    )
