"""Contract validation. Acceptance cases live in tests/cases/contracts/{good,bad}/: good
ones must pass; each bad one starts with `# expect: TEXT` and must fail with TEXT."""

from __future__ import annotations

import json
import os
import platform
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from realfiles import CONTRACT_WHEELS, fetch
from woaport.contract import check, from_dict, load, schema
from woaport.errors import InvalidContract

CASES = Path(__file__).parent / "cases" / "contracts"
SHIPPED = Path(__file__).parent.parent / "contracts"
Run = Callable[..., Any]


def expected(path: Path) -> str:
    first = path.read_text().splitlines()[0]
    assert first.startswith("# expect: "), f"{path} must start with '# expect: '"
    return first.removeprefix("# expect: ")


@pytest.mark.parametrize("path", sorted((CASES / "good").glob("*.yml")), ids=lambda p: p.stem)
def test_good_cases(path: Path) -> None:
    contracts, problems = check(path)
    assert problems == []
    assert contracts


def bad_problems(path: Path) -> list[str]:
    try:
        _, problems = check(path)
    except InvalidContract as exc:
        return [exc.message]
    return [str(p) for p in problems]


@pytest.mark.parametrize("path", sorted((CASES / "bad").glob("*.yml")), ids=lambda p: p.stem)
def test_bad_cases(path: Path) -> None:
    problems = bad_problems(path)
    assert problems, f"{path} should fail"
    assert expected(path) in problems[0], problems
    assert problems[0].startswith(str(path))


@pytest.mark.parametrize("name", ["contract", "report", "manifest", "inventory"])
def test_shipped_schemas_are_valid_schemas(name: str) -> None:
    jsonschema.Draft202012Validator.check_schema(schema(name))


def test_field_practice_shape_validates_unchanged() -> None:
    document = yaml.safe_load(
        """
- smoke_test_id: asyncpg-main
  package: asyncpg
  execution_modes: [ci, device]
  steps:
    - step_id: import-asyncpg
      kind: import_module
      module: asyncpg
    - step_id: load-native-pgproto-codec
      kind: python_code
      code: |
        import asyncpg
        from asyncpg.pgproto import pgproto
        value = "a10f71f2-3d8d-4ec2-a9a3-f8b4d2f2a8ee"
        assert str(pgproto.UUID(value)) == value
"""
    )
    jsonschema.validate(document, schema())
    contract = from_dict(document[0])
    assert [s.step_id for s in contract.steps] == ["import-asyncpg", "load-native-pgproto-codec"]


def test_canonical_sha_ignores_key_order_and_formatting() -> None:
    a = from_dict(
        {
            "smoke_test_id": "x",
            "package": "x",
            "steps": [{"step_id": "s", "kind": "import_module", "module": "x"}],
        }
    )
    b = from_dict(
        json.loads(
            '{"steps":[{"module":"x","kind":"import_module","step_id":"s"}],"package":"x","smoke_test_id":"x"}'
        )
    )
    c = from_dict(
        {
            "smoke_test_id": "x",
            "package": "x",
            "steps": [{"step_id": "s", "kind": "import_module", "module": "y"}],
        }
    )
    assert a.sha256 == b.sha256 != c.sha256


def test_load_chooses_by_id(tmp_path: Path) -> None:
    path = tmp_path / "two.yml"
    path.write_text(
        "- {smoke_test_id: a, package: p, steps: [{step_id: s, kind: import_module, module: p}]}\n"
        "- {smoke_test_id: b, package: p, steps: [{step_id: s, kind: import_module, module: p}]}\n"
    )
    with pytest.raises(InvalidContract, match="holds 2 contracts"):
        load(path)
    assert load(path, "b").smoke_test_id == "b"
    with pytest.raises(InvalidContract, match="no contract 'c'; it has a, b"):
        load(path, "c")


@pytest.mark.parametrize("path", sorted(SHIPPED.glob("*.yml")), ids=lambda p: p.stem)
def test_shipped_contracts_validate(path: Path) -> None:
    contracts, problems = check(path)
    assert problems == [], [str(p) for p in problems]
    for contract in contracts:
        kinds = {s.kind for s in contract.steps}
        assert kinds - {"import_module"}, (
            f"{contract.smoke_test_id} must exercise native code, not only import"
        )
        assert contract.modes == ("ci", "device")


def test_enough_shipped_contracts() -> None:
    names = {p.stem for p in SHIPPED.glob("*.yml")}
    assert {"asyncpg", "safetensors", "fastparquet"} <= names
    assert len(names) >= 13


def test_validate_command(woaport: Run) -> None:
    result = woaport("contract", "validate", CASES / "good", SHIPPED)
    assert result.code == 0, result.out
    result = woaport(
        "contract", "validate", "--json", CASES / "bad" / "unknown-kind.yml", CASES / "good"
    )
    assert result.code == 1
    doc = json.loads(result.out)
    problems = doc["files"][str(CASES / "bad" / "unknown-kind.yml")]["problems"]
    assert problems[0]["path"] == "[0].steps[0].kind"
    assert problems[0]["hint"].startswith("use one of: import_module")


def test_validate_reports_ids_used_in_two_files(woaport: Run, tmp_path: Path) -> None:
    for name in ("a.yml", "b.yml"):
        (tmp_path / name).write_text(
            "{smoke_test_id: same, package: p, "
            "steps: [{step_id: s, kind: import_module, module: p}]}\n"
        )
    result = woaport("contract", "validate", tmp_path)
    assert result.code == 1
    assert "'same' is also defined in" in result.out


def test_schema_command(woaport: Run) -> None:
    result = woaport("contract", "schema")
    assert json.loads(result.out)["title"] == "woaport smoke contract"


@pytest.mark.skipif(
    sys.version_info[:2] != (3, 11) or platform.machine() != "x86_64",
    reason="the pinned real wheels are cp311 x86_64 Linux",
)
@pytest.mark.parametrize("package", sorted(CONTRACT_WHEELS))
def test_shipped_contract_runs_on_the_real_wheel(woaport: Run, package: str) -> None:
    """The shipped contract's code is right: it passes against the package's real wheel."""
    wheel = fetch(f"contract-{package}")
    result = woaport(
        "contract", "run", "--contract", SHIPPED / f"{package}.yml", "--wheel", wheel, "--json"
    )
    doc = json.loads(result.out)
    failing = {
        s["step_id"]: s["output_tail"][-800:] for s in doc["steps"] if s["status"] != "passed"
    }
    assert result.code == 0, failing or doc["install"]
    assert doc["verification"]["ok"]


def test_a_contract_that_passed_the_schema_is_not_checked_again(tmp_path: Path) -> None:
    """woaport.memo: the same bytes against the same schema are not validated twice (the
    device runs one contract for item after item); a changed or invalid contract always is."""
    import subprocess

    good = tmp_path / "good.yml"
    good.write_text(
        "smoke_test_id: demo\npackage: demo\nsteps:\n"
        "  - step_id: imp\n    kind: import_module\n    module: demo\n"
    )
    bad = tmp_path / "bad.yml"
    bad.write_text("smoke_test_id: demo\npackage: demo\nsteps: []\n")
    probe = (
        "import sys; from pathlib import Path; from woaport import contract; "
        "found, problems = contract.check(Path(sys.argv[1])); "
        "print(len(problems), 'jsonschema' in sys.modules)"
    )
    env = {**os.environ, "WOAPORT_CACHE_DIR": str(tmp_path / "cache")}

    def check(path: Path) -> str:
        proc = subprocess.run(
            [sys.executable, "-c", probe, str(path)], capture_output=True, text=True, env=env
        )
        assert proc.returncode == 0, proc.stderr
        return proc.stdout.strip()

    assert check(good) == "0 True"  # validated, remembered
    assert check(good) == "0 False"  # the same bytes: jsonschema is not even imported
    assert check(bad).endswith("True") and not check(bad).startswith("0")  # never remembered
    good.write_text(good.read_text().replace("module: demo", "module: demo2"))
    assert check(good) == "0 True"  # changed: validated again
    env["WOAPORT_NO_MEMO"] = "1"
    assert check(good) == "0 True"


def test_a_contract_read_before_is_not_parsed_again(tmp_path: Path) -> None:
    """woaport.memo: the same YAML text comes back as the JSON it read as, without importing
    PyYAML; what JSON would change (an int key) is never kept; a damaged entry is read again."""
    import subprocess

    text = (
        "smoke_test_id: demo\npackage: demo\nsteps:\n"
        "  - step_id: imp\n    kind: import_module\n    module: demo\n"
    )
    good = tmp_path / "good.yml"
    good.write_text(text)
    int_key = tmp_path / "intkey.yml"
    int_key.write_text(text + "1: x\n")
    probe = (
        "import json, sys; from pathlib import Path; from woaport import contract; "
        "doc = contract.load_documents(Path(sys.argv[1])); "
        "print(json.dumps(repr(doc)), 'yaml' in sys.modules)"
    )
    cache = tmp_path / "cache"
    env = {**os.environ, "WOAPORT_CACHE_DIR": str(cache)}

    def load(path: Path) -> tuple[str, bool]:
        proc = subprocess.run(
            [sys.executable, "-c", probe, str(path)], capture_output=True, text=True, env=env
        )
        assert proc.returncode == 0, proc.stderr
        document, imported = proc.stdout.strip().rsplit(" ", 1)
        return document, imported == "True"

    first, imported = load(good)
    assert imported
    assert load(good) == (first, False)  # the same text: PyYAML is not even imported
    for entry in (cache / "memo" / "contract-parsed").iterdir():
        entry.write_bytes(b"[" * 100_000)  # damaged (and deeper than any limit)
    assert load(good) == (first, True)  # read again, the same document
    assert load(good) == (first, False)
    assert load(int_key)[1] and load(int_key)[1]  # {1: 'x'} is not JSON's: parsed each time
