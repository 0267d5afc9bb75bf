"""`woaport fork init`: detection, the written files (validated as a workflow and a
contract), and never overwriting."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from woaport.contract import check

Run = Callable[..., Any]
ROOT = Path(__file__).resolve().parent.parent
CHECK_JSONSCHEMA = Path(sys.executable).with_name("check-jsonschema")


@pytest.mark.parametrize(
    ("files", "name", "source"),
    [
        (
            {
                "pyproject.toml": '[project]\nname = "fastparquet"\n[build-system]\nbuild-backend = "setuptools.build_meta"\n'
            },
            "fastparquet",
            "pyproject.toml",
        ),
        (
            {
                "setup.cfg": "[metadata]\nname = cramjam-ish\n",
                "setup.py": "from setuptools import setup\nsetup()\n",
            },
            "cramjam-ish",
            "setup.cfg",
        ),
        (
            {"setup.py": "from setuptools import setup\nsetup(\n    name='asyncpg',\n)\n"},
            "asyncpg",
            "setup.py",
        ),
        (
            {
                "pyproject.toml": '[build-system]\nrequires = ["setuptools"]\n',
                "setup.py": 'setup(name="legacy-pkg")\n',
            },
            "legacy-pkg",
            "setup.py",
        ),
    ],
)
def test_detects_the_package(
    woaport: Run, tmp_path: Path, files: dict[str, str], name: str, source: str
) -> None:
    for filename, text in files.items():
        (tmp_path / filename).write_text(text)
    result = woaport(
        "fork", "init", tmp_path, "--contracts-dir", tmp_path / "no-hub-contracts", "--json"
    )
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert doc["package"] == name and doc["detected_from"] == source


def test_written_workflow_and_starter_contract_are_valid(woaport: Run, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "my-ext"\n')
    result = woaport(
        "fork",
        "init",
        tmp_path,
        "--hub",
        "me/woaport@0123456789abcdef0123456789abcdef01234567",
        "--branch",
        "woa",
        "--contracts-dir",
        tmp_path / "none",
    )
    assert result.code == 0, result.err
    workflow = tmp_path / ".github" / "workflows" / "woaport.yml"
    data = yaml.safe_load(workflow.read_text())
    job = data["jobs"]["port"]
    assert (
        job["uses"]
        == "me/woaport/.github/workflows/port.yml@0123456789abcdef0123456789abcdef01234567"
    )
    assert job["with"]["contract"] == ".github/woaport/contract.yml"
    # exactly what port.yml's jobs request (the workflow-rules test checks the hub's callers)
    assert job["permissions"] == {
        "contents": "write",
        "id-token": "write",
        "attestations": "write",
    }
    assert data["permissions"] == {}
    assert data[True]["push"]["branches"] == ["woa"]
    contracts, problems = check(tmp_path / ".github" / "woaport" / "contract.yml")
    assert problems == [] and contracts[0].package == "my-ext"
    assert contracts[0].steps[0].settings["module"] == "my_ext"
    schema_check = subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.github-workflows", str(workflow)],
        capture_output=True,
        text=True,
    )
    assert schema_check.returncode == 0, schema_check.stdout + schema_check.stderr


def test_uses_the_hubs_contract_when_there_is_one(woaport: Run, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "orjson"\n')
    result = woaport("fork", "init", tmp_path, "--contracts-dir", ROOT / "contracts", "--json")
    doc = json.loads(result.out)
    assert doc["contract"] == "orjson-main"
    assert doc["written"] == [str(tmp_path / ".github" / "workflows" / "woaport.yml")]
    assert "contract:" not in (tmp_path / ".github" / "workflows" / "woaport.yml").read_text()


def test_refuses_to_overwrite(woaport: Run, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert woaport("fork", "init", tmp_path, "--contracts-dir", tmp_path / "n").code == 0
    before = (tmp_path / ".github" / "workflows" / "woaport.yml").read_text()
    again = woaport("fork", "init", tmp_path, "--contracts-dir", tmp_path / "n")
    assert again.code == 2 and "does not overwrite" in again.err
    assert (tmp_path / ".github" / "workflows" / "woaport.yml").read_text() == before
    shutil.rmtree(tmp_path / ".github" / "workflows")
    third = woaport("fork", "init", tmp_path, "--contracts-dir", tmp_path / "n")
    assert third.code == 2 and "contract.yml exists already" in third.err


@pytest.mark.parametrize(
    ("setup", "args", "message"),
    [
        ({}, [], "no package name"),
        (
            {"pyproject.toml": '[project]\nname = "x"\n'},
            ["--hub", "just-a-name"],
            "write OWNER/REPO@REF",
        ),
        ({"pyproject.toml": "[project\n"}, [], "not valid TOML"),
    ],
)
def test_bad_input(
    woaport: Run, tmp_path: Path, setup: dict[str, str], args: list[str], message: str
) -> None:
    for filename, text in setup.items():
        (tmp_path / filename).write_text(text)
    result = woaport("fork", "init", tmp_path, *args)
    assert result.code == 2 and message in result.err


@pytest.mark.slow
def test_the_wheel_carries_the_hubs_contracts(tmp_path: Path) -> None:
    """An installed (not checked-out) woaport still knows the hub's contracts."""
    import zipfile

    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        timeout=600,
    )
    (wheel,) = tmp_path.glob("woaport-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {n.rsplit("/", 1)[1] for n in names if n.startswith("woaport/data/contracts/")}
    assert shipped == {p.name for p in (ROOT / "contracts").glob("*.yml")}
    assert "woaport/data/contract.schema.json" in names


# -- the hub reference: --hub OWNER/REPO, --ref, default the release workflow's major tag ----
def test_hub_and_ref_default_to_the_major_tag_the_release_workflow_moves(
    woaport: Run, tmp_path: Path
) -> None:
    import woaport as package

    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    result = woaport("fork", "init", tmp_path, "--contracts-dir", tmp_path / "n", "--json")
    assert result.code == 0, result.err
    major = f"v{package.__version__.split('.')[0]}"
    assert json.loads(result.out)["hub"] == f"woaport/woaport@{major}"
    workflow = yaml.safe_load((tmp_path / ".github" / "workflows" / "woaport.yml").read_text())
    assert workflow["jobs"]["port"]["uses"] == f"woaport/woaport/.github/workflows/port.yml@{major}"
    release = (ROOT / ".github" / "workflows" / "release.yml").read_text()
    assert 'major="v${version%%.*}"' in release  # the tag the release workflow moves


def test_hub_with_ref(woaport: Run, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    sha = "0123456789abcdef0123456789abcdef01234567"
    result = woaport(
        "fork",
        "init",
        tmp_path,
        "--hub",
        "me/woaport",
        "--ref",
        sha,
        "--contracts-dir",
        tmp_path / "n",
    )
    assert result.code == 0, result.err
    text = (tmp_path / ".github" / "workflows" / "woaport.yml").read_text()
    assert f"uses: me/woaport/.github/workflows/port.yml@{sha}" in text
    both = woaport("fork", "init", tmp_path, "--hub", "me/woaport@v2", "--ref", "v3")
    assert both.code == 2 and "give one" in both.err


def test_the_written_workflow_grants_what_port_yml_requests(woaport: Run, tmp_path: Path) -> None:
    from test_workflow_rules import parse, permission_problems, repo_files

    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert woaport("fork", "init", tmp_path, "--contracts-dir", tmp_path / "n").code == 0
    written = (tmp_path / ".github" / "workflows" / "woaport.yml").read_text()
    files = {**repo_files(), ".github/workflows/fork-woaport.yml": written}
    assert permission_problems(parse(files)) == []
    weaker = written.replace("contents: write", "contents: read")
    assert permission_problems(parse({**files, ".github/workflows/fork-woaport.yml": weaker}))


def test_prints_what_github_needs_from_the_fork(woaport: Run, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    result = woaport("fork", "init", tmp_path, "--contracts-dir", tmp_path / "n")
    assert result.code == 0, result.err
    assert "GitHub disables workflows in a new fork" in result.out
    assert "enables every workflow the fork inherited" in result.out
    assert "only once .github/workflows/woaport.yml is on the fork's default branch" in result.out
    readme = (ROOT / "README.md").read_text()
    for fact in (
        "disables workflows in a new fork",
        "every workflow the fork inherited",
        "default branch",
    ):
        assert fact in readme


# -- starter contracts: every compiled extension module, by its import name -----------------
def starter(tmp_path: Path) -> list[Any]:
    contracts, problems = check(tmp_path / ".github" / "woaport" / "contract.yml")
    assert problems == []
    return list(contracts[0].steps)


@pytest.mark.network
def test_starter_imports_pyahocorasicks_real_module_name(woaport: Run, tmp_path: Path) -> None:
    """pyahocorasick 2.3.1's setup.py builds Extension("ahocorasick"): the distribution name
    is not importable, the module is (from the real sdist)."""
    import tarfile

    from realfiles import fetch

    with tarfile.open(fetch("pyahocorasick-sdist")) as archive:
        for name in ("setup.py", "setup.cfg"):
            member = archive.extractfile(f"pyahocorasick-2.3.1/{name}")
            assert member is not None
            (tmp_path / name).write_bytes(member.read())
    result = woaport("fork", "init", tmp_path, "--contracts-dir", tmp_path / "n", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["extension_modules"] == ["ahocorasick"]
    steps = starter(tmp_path)
    assert [(s.kind, s.settings.get("module")) for s in steps] == [("import_module", "ahocorasick")]
    assert "TODO" not in (tmp_path / ".github" / "woaport" / "contract.yml").read_text()


@pytest.mark.parametrize(
    ("files", "modules"),
    [
        (
            {
                "pyproject.toml": '[project]\nname = "pkg"\n[tool.setuptools]\n'
                'ext-modules = [{name = "pkg._speedups", sources = ["a.c"]}, {name = "pkg.fast", sources = ["b.c"]}]\n'
            },
            ["pkg._speedups", "pkg.fast"],
        ),
        (
            {
                "pyproject.toml": '[project]\nname = "mesonpkg"\n[build-system]\nbuild-backend = "mesonpy"\n',
                "meson.build": "py = import('python').find_installation()\n"
                "py.extension_module('_core', 'src/core.c', install: true, subdir: 'mesonpkg')\n"
                "py.extension_module('toplevel', 'src/t.c', install: true)\n",
            },
            ["mesonpkg._core", "toplevel"],
        ),
        (
            {
                "pyproject.toml": '[project]\nname = "rusty"\n[tool.maturin]\nmodule-name = "rusty._rusty"\n'
            },
            ["rusty._rusty"],
        ),
        (
            {
                "pyproject.toml": '[project]\nname = "crab"\n[build-system]\nbuild-backend = "maturin"\n[tool.maturin]\n',
                "Cargo.toml": '[package]\nname = "crab"\n[lib]\nname = "crab_core"\n',
            },
            ["crab_core"],
        ),
        (
            {
                "setup.py": 'from setuptools import setup, Extension\nsetup(name="two", ext_modules=[\n'
                '    Extension(name="two.a", sources=["a.c"]),\n    Extension("two_b", ["b.c"])])\n'
            },
            ["two.a", "two_b"],
        ),
    ],
    ids=["setuptools-pyproject", "meson", "maturin-module-name", "maturin-cargo", "setup.py"],
)
def test_starter_imports_every_extension_module(
    woaport: Run, tmp_path: Path, files: dict[str, str], modules: list[str]
) -> None:
    for filename, text in files.items():
        (tmp_path / filename).write_text(text)
    result = woaport("fork", "init", tmp_path, "--contracts-dir", tmp_path / "n", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["extension_modules"] == modules
    assert [s.settings["module"] for s in starter(tmp_path)] == modules


def test_starter_from_a_built_wheel(woaport: Run, tmp_path: Path, native_wheel: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "woademo"\n')
    result = woaport(
        "fork",
        "init",
        tmp_path,
        "--wheel",
        native_wheel,
        "--contracts-dir",
        tmp_path / "n",
        "--json",
    )
    assert result.code == 0, result.err
    modules = json.loads(result.out)["extension_modules"]
    assert modules and all(m.startswith("woademo") for m in modules)
    assert [s.settings["module"] for s in starter(tmp_path)] == modules


def test_an_unedited_starter_without_modules_fails(woaport: Run, tmp_path: Path) -> None:
    """No extension module found: the starter holds a step that fails until it is written,
    so CI cannot go green on a contract that never touched native code."""
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "puzzle"\n')
    assert woaport("fork", "init", tmp_path, "--contracts-dir", tmp_path / "n").code == 0
    steps = starter(tmp_path)
    (code,) = [s.settings["code"] for s in steps if s.kind == "python_code"]
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert run.returncode != 0 and "write the step" in run.stderr
