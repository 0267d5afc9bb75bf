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
    assert job["permissions"] == {"contents": "write"} and data["permissions"] == {}
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
