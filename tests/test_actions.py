"""The Actions library: composite actions run here through their real shell steps, and
static checks of every workflow and action (commands exist, uses resolve, inputs match)."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from actionkit import run_action
from woaport.cli import cli

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow
ACTIONS = [*sorted(p.parent for p in (ROOT / "actions").glob("*/action.yml")), ROOT]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
SELFTEST = ROOT / "tests" / "selftest" / "woaselftest"


@pytest.fixture(scope="module")
def action_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh environment for the actions' `python` (they pip-install the hub into it)."""
    from woaport.venv import find_uv

    root = tmp_path_factory.mktemp("action-env") / "venv"
    uv = find_uv()
    if uv:
        subprocess.run(
            [uv, "venv", "-q", "--seed", "--python", sys.executable, str(root)], check=True
        )
    else:
        subprocess.run([sys.executable, "-m", "venv", str(root)], check=True)
    return root / ("Scripts" if sys.platform == "win32" else "bin")


def test_build_wheel_dry_run_is_checked_by_cibuildwheel(
    tmp_path: Path, action_python: Path
) -> None:
    run = run_action(
        ROOT / "actions" / "build-wheel",
        {
            "package-dir": str(SELFTEST),
            "python-versions": "cp311 cp312 cp313 cp314",
            "dry-run": "true",
        },
        cwd=tmp_path,
        python_bin=action_python,
    )
    assert run.returncode == 0, run.stdout
    assert (
        run.outputs["identifiers"]
        == "cp311-win_arm64 cp312-win_arm64 cp313-win_arm64 cp314-win_arm64"
    )
    assert json.loads(run.outputs["pythons"]) == ["3.11", "3.12", "3.13", "3.14"]
    assert "cibuildwheel would build" in run.summary


def test_build_wheel_default_pythons_are_cibuildwheels_selection(
    tmp_path: Path, action_python: Path
) -> None:
    """No python-versions (port.yml's default): what cibuildwheel selects, checked by it."""
    run = run_action(
        ROOT / "actions" / "build-wheel",
        {"package-dir": str(SELFTEST), "dry-run": "true"},
        cwd=tmp_path,
        python_bin=action_python,
    )
    assert run.returncode == 0, run.stdout
    assert (
        run.outputs["identifiers"]
        == "cp311-win_arm64 cp312-win_arm64 cp313-win_arm64 cp314-win_arm64"
    )
    assert json.loads(run.outputs["pythons"]) == ["3.11", "3.12", "3.13", "3.14"]


def test_build_wheel_failure_is_diagnosed_in_the_summary(
    tmp_path: Path, action_python: Path
) -> None:
    # A real cibuildwheel run that fails in its before-all step the way a runner without the
    # MSVC ARM64 tools does (on Linux it would otherwise spend minutes failing to download
    # Windows Pythons).
    failing = (
        'CIBW_BEFORE_ALL=echo "error: Microsoft Visual C++ 14.0 or greater is required." && exit 1'
    )
    run = run_action(
        ROOT / "actions" / "build-wheel",
        {
            "package-dir": str(SELFTEST),
            "python-versions": "cp312",
            "output-dir": "out",
            "cibw-environment": f"# a comment\r\n{failing}\r\n",
        },
        cwd=tmp_path,
        python_bin=action_python,
    )
    assert run.failed_step == "build" and run.returncode == 1
    assert "### :x: woaport build failed" in run.summary
    assert "**Likely cause:** build-environment: No MSVC compiler was found" in run.summary
    assert "`msvc-required`" in run.summary
    log = (tmp_path / "out" / "build.log").read_text()
    assert "Microsoft Visual C++ 14.0 or greater is required" in log
    assert run.outputs["diagnosis"].startswith("build-environment:")
    assert run.outputs["wheels"] == "[]"
    assert run.outputs["sha256s"] == "{}"  # declared by the action, read by port.yml
    assert "::error title=build failed%3A build-environment::" in run.stdout


def test_build_wheel_refuses_python_310(tmp_path: Path, action_python: Path) -> None:
    run = run_action(
        ROOT / "actions" / "build-wheel",
        {"package-dir": str(SELFTEST), "python-versions": "cp310 cp312", "dry-run": "true"},
        cwd=tmp_path,
        python_bin=action_python,
    )
    assert run.returncode == 2
    assert "no ARM64 Windows build of Python 3.10" in run.stdout


def test_inspect_payload(tmp_path: Path, action_python: Path, numpy_arm64: Path) -> None:
    (tmp_path / "wheelhouse").mkdir()
    shutil.copy(numpy_arm64, tmp_path / "wheelhouse")
    run = run_action(
        ROOT / "actions" / "inspect-payload", {}, cwd=tmp_path, python_bin=action_python
    )
    assert run.returncode == 0, run.stdout
    assert run.outputs == {"ok": "true", "report": "woaport-inspect.json"}
    assert json.loads((tmp_path / "woaport-inspect.json").read_text())["wheels"][0]["ok"] is True
    assert "| `numpy-2.5.5-cp312-cp312-win_arm64.whl` | :white_check_mark: ok |" in run.summary


def test_inspect_payload_failure_annotates(
    tmp_path: Path, action_python: Path, numpy_amd64: Path
) -> None:
    (tmp_path / "wheelhouse").mkdir()
    shutil.copy(
        numpy_amd64, tmp_path / "wheelhouse" / numpy_amd64.name.replace("win_amd64", "win_arm64")
    )
    run = run_action(
        ROOT / "actions" / "inspect-payload", {}, cwd=tmp_path, python_bin=action_python
    )
    assert run.returncode == 1
    assert run.steps["inspect"]["ok"] == "false"
    assert (
        "::error file=wheelhouse/numpy-2.5.5-cp312-cp312-win_arm64.whl,title=machine-mismatch"
        in run.stdout
    )


@pytest.fixture
def queued_world(tmp_path: Path, native_wheel: Path) -> Path:
    (tmp_path / "wheelhouse").mkdir()
    shutil.copy(native_wheel, tmp_path / "wheelhouse")
    (tmp_path / "contract.yml").write_text(
        "- smoke_test_id: woademo-main\n  package: woademo\n  steps:\n"
        "    - step_id: add\n      kind: python_code\n      code: import woademo; assert woademo.add(2, 3) == 5\n"
    )
    return tmp_path


def test_run_contract_then_publish(queued_world: Path, action_python: Path) -> None:
    run = run_action(
        ROOT / "actions" / "run-contract",
        {"contract": "contract.yml", "report": "woaport-reports/contract.json"},
        cwd=queued_world,
        python_bin=action_python,
    )
    assert run.returncode == 0, run.stdout
    assert run.outputs == {"verdict": "pass", "report": "woaport-reports/contract.json"}
    assert "| `add` | python_code | passed |" in run.summary
    queue = queued_world / "queue"
    published = run_action(
        ROOT / "actions" / "publish-device-queue",
        {"queue": f"dir:{queue}", "contract": "contract.yml", "inspect-report": ""},
        cwd=queued_world,
        python_bin=action_python,
    )
    assert published.returncode == 0, published.stdout
    (item_id,) = json.loads(published.outputs["items"])
    manifest = json.loads((queue / "items" / item_id / "manifest.json").read_text())
    assert manifest["ci"]["verdict"] == "pass"  # paired with the report by the wheel's sha256


def test_root_action_inspects_tests_and_queues(queued_world: Path, action_python: Path) -> None:
    queue = queued_world / "queue"
    run = run_action(
        ROOT,
        {"contract": "contract.yml", "publish": "true", "queue": f"dir:{queue}"},
        cwd=queued_world,
        python_bin=action_python,
        start_at="inspect",  # the build step needs Windows; its wiring is tested above
    )
    assert run.skipped == ["step0", "build"]
    assert run.returncode == 0, run.stdout
    assert run.outputs["payload-ok"] == "true" and run.outputs["verdict"] == "pass"
    assert len(json.loads(run.outputs["queue-items"])) == 1


def test_root_action_skips_publishing_by_default(queued_world: Path, action_python: Path) -> None:
    run = run_action(
        ROOT,
        {"contract": "contract.yml"},
        cwd=queued_world,
        python_bin=action_python,
        start_at="inspect",
    )
    assert "publish" in run.skipped and run.outputs["queue-items"] == ""


# -- static checks ------------------------------------------------------------------------
def yaml_files() -> Iterator[Path]:
    yield from WORKFLOWS
    yield from (a / "action.yml" for a in ACTIONS)


def run_scripts(path: Path) -> Iterator[str]:
    data = yaml.safe_load(path.read_text())
    steps = []
    if "runs" in data:
        steps = data["runs"].get("steps", [])
    for job in (data.get("jobs") or {}).values():
        steps += job.get("steps", [])
    for step in steps:
        if "run" in step:
            yield step["run"]


def woaport_command_lines(script: str) -> Iterator[list[str]]:
    """Each `python -m woaport ...` call, with `"${args[@]}"` expanded from the script's
    `args=(...)` / `args+=(...)` lines, shell variables replaced by a placeholder."""
    joined = script.replace("\\\n", " ")
    arrays: list[str] = []
    for match in re.finditer(r"\bargs\+?=\((.*?)\)", joined):
        arrays += shlex.split(match[1].replace("$", "X"))
    for line in joined.splitlines():
        if "python -m woaport" not in line:
            continue
        rest = line.split("python -m woaport", 1)[1]
        words = shlex.split(
            rest.replace('"${args[@]}"', " ".join(shlex.quote(a) for a in arrays)).replace("$", "X")
        )
        yield [w for w in words if w not in ("||", "true", ";")]


def resolve(words: list[str]) -> tuple[click.Command, list[str], list[str]]:
    command: click.Command = cli
    path = []
    ctx = click.Context(cli)
    while isinstance(command, click.Group) and words and not words[0].startswith("-"):
        name = words.pop(0)
        found = command.get_command(ctx, name)
        assert found is not None, f"`woaport {' '.join([*path, name])}` is not a command"
        path.append(name)
        command = found
    return command, path, words


ALL_LINES = [
    (p.relative_to(ROOT), words)
    for p in yaml_files()
    for s in run_scripts(p)
    for words in woaport_command_lines(s)
]


def test_yaml_calls_woaport() -> None:
    assert len(ALL_LINES) >= 10  # the extraction itself works


@pytest.mark.parametrize(
    ("path", "words"), ALL_LINES, ids=[f"{p}:{' '.join(w[:2])}" for p, w in ALL_LINES]
)
def test_every_woaport_command_in_yaml_exists(path: Path, words: list[str]) -> None:
    command, names, args = resolve(list(words))
    known = {opt for param in command.params for opt in [*param.opts, *param.secondary_opts]}
    used = {a.split("=")[0] for a in args if a.startswith("--")}
    assert used <= known, f"{path}: `woaport {' '.join(names)}` has no {sorted(used - known)}"
    required = {p.opts[0] for p in command.params if p.required and isinstance(p, click.Option)}
    assert required <= used, f"{path}: `woaport {' '.join(names)}` needs {sorted(required - used)}"


def uses_of_hub_actions() -> Iterator[tuple[Path, str, dict[str, Any]]]:
    for path in WORKFLOWS:
        data = yaml.safe_load(path.read_text())
        for job in data["jobs"].values():
            for step in job.get("steps", []):
                uses = step.get("uses", "")
                if uses.startswith(("$/", "./")):
                    yield path, uses, step.get("with") or {}
            if str(job.get("uses", "")).startswith(("$/", "./")):
                yield path, job["uses"], job.get("with") or {}


USES = list(uses_of_hub_actions())


@pytest.mark.parametrize(("path", "uses", "with_"), USES, ids=[f"{p.name}:{u}" for p, u, _ in USES])
def test_every_local_uses_points_at_an_existing_action_with_those_inputs(
    path: Path, uses: str, with_: dict[str, Any]
) -> None:
    assert uses.startswith("$/"), (
        f"{path}: {uses}: the hub's files are reached with $/ (./ is the caller's checkout)"
    )
    target = ROOT / uses[2:]
    if target.suffix == ".yml":  # a reusable workflow
        spec = yaml.safe_load(target.read_text())
        inputs = spec[True]["workflow_call"]["inputs"]  # `on:` parses as True
    else:
        spec = yaml.safe_load((target / "action.yml").read_text())
        inputs = spec["inputs"]
    assert set(with_) <= set(inputs), (
        f"{path}: {uses} has no input(s) {sorted(set(with_) - set(inputs))}"
    )
    required = {n for n, i in inputs.items() if i.get("required") and "default" not in i}
    assert required <= set(with_)


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_hygiene(path: Path) -> None:
    data = yaml.safe_load(path.read_text())
    assert data.get("permissions") == {}, "top-level `permissions: {}`"
    text = path.read_text()
    assert "pull_request_target" not in text
    for name, job in data["jobs"].items():
        if "uses" in job:
            continue
        assert "timeout-minutes" in job, f"{name}: timeout-minutes"
        assert "permissions" in job, f"{name}: least permissions per job"
        for step in job["steps"]:
            uses = step.get("uses", "")
            if uses.startswith("actions/checkout"):
                assert step["with"]["persist-credentials"] is False
            if uses and not uses.startswith(("$/", "./")):
                assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", uses), (
                    f"{uses}: pin a full commit sha"
                )
    for line in text.splitlines():
        if re.search(r"uses: [\w.-]+/[\w.-]+.*@[0-9a-f]{40}", line):
            assert re.search(r"# v\d", line), f"{line.strip()}: name the version in a comment"


@pytest.mark.parametrize("action", ACTIONS, ids=lambda p: p.name)
def test_action_hygiene(action: Path) -> None:
    spec = yaml.safe_load((action / "action.yml").read_text())
    assert spec["runs"]["using"] == "composite"
    for name in spec.get("inputs", {}):
        assert re.fullmatch(r"[a-z][a-z0-9-]*", name), f"input {name}: kebab-case"
    for step in spec["runs"]["steps"]:
        assert step.get("shell") == "bash"
        assert "${{" not in step["run"], (
            f"{step.get('name')}: inputs go through env:, never ${{{{ }}}} in run"
        )
        assert "python -m woaport" in step["run"] or "pip install" in step["run"]


def test_port_workflow_builds_arm64_explicitly() -> None:
    port = (ROOT / ".github" / "workflows" / "port.yml").read_text()
    assert port.count("runs-on: windows-11-arm") == 2
    assert "architecture: arm64" in port
    build = (ROOT / "scripts" / "woaport" / "build.py").read_text()
    assert '"CIBW_ARCHS_WINDOWS": "ARM64"' in build


def test_build_dry_run_matches_cibuildwheel(woaport: Any) -> None:
    result = woaport(
        "build",
        "--package-dir",
        SELFTEST,
        "--python",
        "cp311 cp312 cp313 cp314",
        "--dry-run",
        "--json",
    )
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert doc["identifiers"] == [
        "cp311-win_arm64",
        "cp312-win_arm64",
        "cp313-win_arm64",
        "cp314-win_arm64",
    ]
    assert doc["environment"]["CIBW_ARCHS_WINDOWS"] == "ARM64"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--env", "CIBW_ARCHS_WINDOWS=AMD64"], "is set by woaport"),
        (["--env", "NOT_CIBW=1"], "write CIBW_NAME=value"),
        (["--python", "pypy3.11"], "write cp312, 3.12 or 3.13t"),
        (["--package-dir", "/nonexistent/pkg"], "no such folder"),
    ],
)
def test_build_bad_input(woaport: Any, args: list[str], message: str) -> None:
    result = (
        woaport("build", "--dry-run", "--package-dir", SELFTEST, *args)
        if "--package-dir" not in args
        else woaport("build", "--dry-run", *args)
    )
    assert result.code == 2 and message in result.err


def test_selftest_package_builds_and_passes_its_contract(woaport: Any, tmp_path: Path) -> None:
    """The package ci.yml ports through port.yml really builds, and its contract passes."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(tmp_path),
            str(SELFTEST),
        ],
        check=True,
        timeout=600,
    )
    result = woaport(
        "contract",
        "run",
        "--contract",
        SELFTEST / "contract.yml",
        "--wheel-dir",
        tmp_path,
        "--json",
    )
    assert result.code == 0, result.out


# -- which Pythons: cibuildwheel's selection for the package --------------------------------
def unpack_build_config(sdist: Path, dest: Path) -> Path:
    """The real sdist's build configuration (pyproject.toml, setup.py/cfg, PKG-INFO): what
    cibuildwheel reads to select Pythons (requires-python, [tool.cibuildwheel])."""
    import tarfile

    with tarfile.open(sdist) as archive:
        for member in archive.getmembers():
            parts = member.name.split("/")
            if len(parts) == 2 and parts[1] in (
                "pyproject.toml",
                "setup.py",
                "setup.cfg",
                "PKG-INFO",
            ):
                data = archive.extractfile(member)
                assert data is not None
                (dest / parts[1]).write_bytes(data.read())
    return dest


@pytest.mark.network
def test_default_pythons_follow_a_real_packages_requires_python(
    woaport: Any, tmp_path: Path
) -> None:
    """numpy 2.5.5 (requires-python >=3.12, from its real sdist): the default builds what
    cibuildwheel selects; asking for cp311 explicitly is the error."""
    from realfiles import fetch

    package = unpack_build_config(fetch("numpy-sdist"), tmp_path)
    assert 'requires-python = ">=3.12"' in (package / "pyproject.toml").read_text()
    result = woaport("build", "--package-dir", package, "--dry-run", "--json")
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert doc["identifiers"] == ["cp312-win_arm64", "cp313-win_arm64", "cp314-win_arm64"]
    assert doc["environment"]["CIBW_BUILD"] == "cp312-win_arm64 cp313-win_arm64 cp314-win_arm64"
    refused = woaport("build", "--package-dir", package, "--dry-run", "--python", "cp311 cp312")
    assert refused.code == 2
    assert "cibuildwheel would not build cp311-win_arm64" in refused.err


@pytest.mark.network
def test_default_pythons_of_a_setup_py_package(woaport: Any, tmp_path: Path) -> None:
    """xxhash 3.6.0 declares python_requires=">=3.7" in setup.py: all four supported Pythons."""
    from realfiles import fetch

    package = unpack_build_config(fetch("xxhash-sdist"), tmp_path)
    result = woaport("build", "--package-dir", package, "--dry-run", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["identifiers"] == [
        f"{p}-win_arm64" for p in ("cp311", "cp312", "cp313", "cp314")
    ]


def test_free_threaded_only_when_the_package_opts_in(woaport: Any, tmp_path: Path) -> None:
    default = woaport("build", "--package-dir", SELFTEST, "--dry-run", "--json")
    assert default.code == 0, default.err
    assert "cp314t-win_arm64" not in json.loads(default.out)["identifiers"]
    opted = tmp_path / "opted"
    shutil.copytree(SELFTEST, opted)
    with (opted / "pyproject.toml").open("a") as config:
        config.write('\n[tool.cibuildwheel]\nbuild = ["cp312-*", "cp314t-*"]\n')
    result = woaport("build", "--package-dir", opted, "--dry-run", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["identifiers"] == ["cp312-win_arm64", "cp314t-win_arm64"]


def test_cp313t_is_refused_cibuildwheel_4_removed_it(woaport: Any) -> None:
    result = woaport("build", "--package-dir", SELFTEST, "--dry-run", "--python", "cp313t")
    assert result.code == 2 and "build cp314t" in result.err


def test_cibuildwheel_is_pinned_to_the_tested_minor() -> None:
    """cibuildwheel 4.0 changed the Windows output (delvewheel repair, abi3audit); a new
    minor must be taken knowingly: the requirement allows one minor, the installed one."""
    import tomllib
    from importlib.metadata import version

    from packaging.requirements import Requirement
    from packaging.version import Version

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    (spec,) = [Requirement(d).specifier for d in deps if Requirement(d).name == "cibuildwheel"]
    installed = Version(version("cibuildwheel"))
    assert installed in spec
    assert Version(f"{installed.major}.{installed.minor + 1}.0") not in spec
    assert Version(f"{installed.major}.{installed.minor}.99") in spec


def test_readme_names_every_cibuildwheel_option_woaport_sets() -> None:
    from woaport.build import BuildPlan

    readme = (ROOT / "README.md").read_text()
    section = readme.split("### cibuildwheel options woaport sets", 1)[1].split("\n## ", 1)[0]
    plan = BuildPlan(package_dir=SELFTEST, output_dir=Path("w"), pythons=["cp312"])
    for option in plan.environment():
        assert f"`{option}" in section, f"README: say that woaport sets {option}"
    # the 4.x Windows defaults woaport takes, and what they change
    for default in ("CIBW_REPAIR_WHEEL_COMMAND_WINDOWS", "delvewheel", "abi3audit"):
        assert default in section
