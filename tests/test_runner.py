"""The contract runner end to end: real wheels (one with a C extension built by gcc here),
real environments (uv, and venv + pip), real processes."""

from __future__ import annotations

import json
import os
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from cext import build_native_wheel, build_pure_wheel
from woaport.contract import schema

Run = Callable[..., Any]


@pytest.fixture(scope="session")
def native_wheel_v2(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_native_wheel(tmp_path_factory.mktemp("native2"), version="2.0")


def write_contract(folder: Path, steps: str, *, extra: str = "", name: str = "demo.yml") -> Path:
    path = folder / name
    path.write_text(
        "- smoke_test_id: woademo-main\n"
        "  package: woademo\n"
        + textwrap.indent(textwrap.dedent(extra), "  ")
        + "  steps:\n"
        + textwrap.indent(textwrap.dedent(steps), "    ")
    )
    return path


def run_json(
    woaport: Run, contract: Path, *wheels: Path, extra: tuple[str, ...] = ()
) -> tuple[int, dict[str, Any], str]:
    args = ["contract", "run", "--contract", str(contract), "--json", *extra]
    for wheel in wheels:
        args += ["--wheel", str(wheel)]
    result = woaport(*args)
    doc = json.loads(result.out) if result.out.strip().startswith("{") else {}
    return result.code, doc, result.err


def test_passing_contract_and_report(woaport: Run, tmp_path: Path, native_wheel: Path) -> None:
    contract = write_contract(
        tmp_path,
        """\
        - step_id: import
          kind: import_module
          module: woademo._native
        - step_id: add-in-c
          kind: python_code
          code: |
            import woademo
            assert woademo.add(2, 40) == 42
            print("native add ok")
        - step_id: bench-add
          kind: benchmark
          setup: import woademo
          code: woademo.add(1, 2)
          repeat: 3
          number: 100
        - step_id: device-only
          kind: python_code
          execution_modes: [device]
          code: raise SystemExit(1)
        """,
    )
    report_file = tmp_path / "out" / "report.json"
    code, doc, err = run_json(woaport, contract, native_wheel, extra=("--report", str(report_file)))
    assert code == 0, err
    jsonschema.validate(doc, schema("report"))
    assert json.loads(report_file.read_text()) == doc
    assert doc["verdict"] == "pass"
    assert [s["status"] for s in doc["steps"]] == ["passed", "passed", "passed", "skipped"]
    (artifact,) = doc["artifacts"]
    assert artifact["filename"] == native_wheel.name and artifact["role"] == "under-test"
    import hashlib

    assert artifact["sha256"] == hashlib.sha256(native_wheel.read_bytes()).hexdigest()
    assert (
        doc["verification"]["ok"] and doc["verification"]["files_checked"] == 4
    )  # __init__, .so, METADATA, WHEEL
    assert "imported woademo._native from" in doc["steps"][0]["output_tail"]
    bench = doc["steps"][2]["benchmark"]
    assert (
        bench["repeat"] == 3
        and bench["number"] == 100
        and 0 < bench["min"] <= bench["median"] <= bench["max"]
    )
    env = doc["environment"]
    assert env["python"]["implementation"] == "CPython" and env["emulated"] is False
    assert env["interpreter_machine"] in ("AMD64", "ARM64")
    assert len(doc["contract"]["sha256"]) == 64
    assert "step add-in-c: passed" in err  # progress on stderr


@pytest.mark.slow
def test_failing_crashing_and_hanging_steps(
    woaport: Run, tmp_path: Path, native_wheel: Path
) -> None:
    pid_file = tmp_path / "grandchild.pid"
    contract = write_contract(
        tmp_path,
        f"""\
        - step_id: wrong-answer
          kind: python_code
          code: |
            import woademo
            assert woademo.add(2, 2) == 5, "2 + 2 is not 5"
        - step_id: segfault
          kind: python_code
          code: |
            import woademo
            woademo.crash()
        - step_id: hang
          kind: python_code
          timeout: 1.5
          code: |
            import subprocess, sys, time
            child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
            open({str(pid_file)!r}, "w").write(str(child.pid))
            while True:
                time.sleep(0.1)
        - step_id: still-runs
          kind: python_code
          code: print("after the others")
        """,
    )
    start = time.monotonic()
    code, doc, _ = run_json(woaport, contract, native_wheel)
    assert time.monotonic() - start < 30
    assert code == 1
    assert doc["verdict"] == "fail"
    steps = {s["step_id"]: s for s in doc["steps"]}
    assert steps["wrong-answer"]["status"] == "failed"
    assert "AssertionError: 2 + 2 is not 5" in steps["wrong-answer"]["output_tail"]
    assert steps["segfault"]["status"] == "crashed"
    assert steps["segfault"]["detail"] == "killed by SIGSEGV"
    assert "Segmentation fault" in steps["segfault"]["output_tail"]  # faulthandler's stack
    assert steps["hang"]["status"] == "timeout"
    assert 1.5 <= steps["hang"]["duration_seconds"] < 10
    assert steps["still-runs"]["status"] == "passed"
    grandchild = int(pid_file.read_text())
    for _ in range(50):
        try:
            os.kill(grandchild, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail("the hanging step's child process survived the timeout")


def test_environment_is_scrubbed(
    woaport: Run, tmp_path: Path, native_wheel: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in (
        "GITHUB_TOKEN",
        "WOAPORT_TOKEN",
        "NPM_TOKEN",
        "AWS_SECRET",
        "DB_PASSWORD",
        "PYTHONPATH",
        # names a deny-list let through (hostile-input review): the allow-list stops them
        "AWS_SECRET_ACCESS_KEY",
        "PYPI_API_KEY",
        "MY_PRIVATE_KEY",
        "DB_PASSWD",
        "TOKEN",
        "SECRET",
        "GH_PAT",
        "GITHUB_ENV",
        "GITHUB_OUTPUT",
        "GITHUB_PATH",
        # not a secret by name, and still not passed: only what a process needs gets through
        "HARMLESS_SETTING",
    ):
        monkeypatch.setenv(name, "leak-me")
    # GITHUB_OUTPUT=leak-me is a relative path woaport itself writes its outputs to: here
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LANG", "C.UTF-8")
    contract = write_contract(
        tmp_path,
        """\
        - step_id: env
          kind: python_code
          code: |
            import os
            leaked = [k for k, v in os.environ.items() if v == "leak-me"]
            assert not leaked, leaked
            assert os.environ["LANG"] == "C.UTF-8"  # on the allow-list
            assert os.environ["FROM_CONTRACT"] == "42"
            assert os.environ["FLAG"] == "true"
        """,
        extra="""\
        env:
          FROM_CONTRACT: 42
          FLAG: true
        """,
    )
    code, doc, _ = run_json(woaport, contract, native_wheel)
    assert code == 0, doc["steps"][0]["output_tail"]


def test_checkout_is_never_imported(
    woaport: Run, tmp_path: Path, native_wheel: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checkout = tmp_path / "checkout"
    (checkout / "woademo").mkdir(parents=True)
    (checkout / "woademo" / "__init__.py").write_text(
        "raise ImportError('the checkout, not the wheel')\n"
    )
    monkeypatch.chdir(checkout)
    monkeypatch.setenv("PYTHONPATH", str(checkout))
    contract = write_contract(
        tmp_path,
        """\
        - step_id: where
          kind: python_code
          code: |
            import os, woademo
            print(os.getcwd(), woademo.__file__)
            assert "checkout" not in woademo.__file__
            assert os.listdir(".") == []
        """,
    )
    code, doc, _ = run_json(woaport, contract, native_wheel)
    assert code == 0, doc["steps"][0]["output_tail"]


def test_other_version_is_refused(woaport: Run, tmp_path: Path, native_wheel_v2: Path) -> None:
    contract = write_contract(
        tmp_path,
        "- step_id: s\n  kind: import_module\n  module: woademo\n",
        extra='version: "==1.0"\n',
    )
    result = woaport("contract", "run", "--contract", contract, "--wheel", native_wheel_v2)
    assert result.code == 2
    assert "version 2.0 does not satisfy the contract's version ==1.0" in result.err


def test_wheel_of_another_package_is_refused(woaport: Run, tmp_path: Path) -> None:
    other = build_pure_wheel(tmp_path / "w", "otherpkg")
    contract = write_contract(tmp_path, "- step_id: s\n  kind: import_module\n  module: woademo\n")
    result = woaport("contract", "run", "--contract", contract, "--wheel", other)
    assert result.code == 2
    assert "is 'woademo'" in result.err and "otherpkg-1.0-py3-none-any.whl" in result.err


def test_empty_contract_is_the_wheels_package(woaport: Run, tmp_path: Path) -> None:
    hub = tmp_path / "contracts"
    hub.mkdir()
    (hub / "other.yml").write_text(
        "- smoke_test_id: other-main\n  package: other\n  steps:\n"
        "    - {step_id: s, kind: import_module, module: other}\n"
    )
    write_contract(
        hub, "- step_id: s\n  kind: import_module\n  module: woademo\n", name="any-name.yml"
    )
    wheel = build_pure_wheel(tmp_path / "w", "woademo")
    for where in (["--wheel", str(wheel)], ["--wheel-dir", str(wheel.parent)]):
        result = woaport(
            "contract", "run", "--contract", "", "--contracts-dir", hub, "--json", *where
        )
        assert result.code == 0, result.err
        assert json.loads(result.out)["contract"]["smoke_test_id"] == "woademo-main"


def test_missing_wheel_and_invalid_contract(
    woaport: Run, tmp_path: Path, native_wheel: Path
) -> None:
    contract = write_contract(tmp_path, "- step_id: s\n  kind: import_module\n  module: woademo\n")
    result = woaport("contract", "run", "--contract", contract, "--wheel", tmp_path / "nope.whl")
    assert result.code == 2 and "no such file" in result.err
    bad = write_contract(
        tmp_path, "- step_id: s\n  kind: shell\n  module: woademo\n", name="bad.yml"
    )
    result = woaport("contract", "run", "--contract", bad, "--wheel", native_wheel)
    assert result.code == 2 and "[0].steps[0].kind" in result.err


def test_staged_wheel_and_command_steps(woaport: Run, tmp_path: Path, native_wheel: Path) -> None:
    staged = build_pure_wheel(tmp_path / "stage", "woadep", body="ANSWER = 42\n")
    contract = write_contract(
        tmp_path,
        """\
        - step_id: both
          kind: python_code
          code: |
            import woadep, woademo
            assert woademo.add(woadep.ANSWER, 0) == 42
        - step_id: python-command
          kind: command
          argv: [python, -c, "import woadep; print('cmd', woadep.ANSWER)"]
        - step_id: no-such-program
          kind: command
          argv: [definitely-not-a-program-xyz, --help]
        """,
        extra="""\
        stage:
          - stage/woadep-1.0-py3-none-any.whl
        """,
    )
    code, doc, _ = run_json(woaport, contract, native_wheel)
    assert code == 1
    roles = {a["filename"]: a["role"] for a in doc["artifacts"]}
    assert roles == {native_wheel.name: "under-test", staged.name: "staged"}
    steps = {s["step_id"]: s for s in doc["steps"]}
    assert steps["both"]["status"] == "passed"
    assert (
        steps["python-command"]["status"] == "passed"
        and "cmd 42" in steps["python-command"]["output_tail"]
    )
    assert steps["no-such-program"]["status"] == "error"
    assert "neither in the environment nor on PATH" in steps["no-such-program"]["detail"]


@pytest.mark.slow
def test_pytest_step_from_the_index(woaport: Run, tmp_path: Path, native_wheel: Path) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_native.py").write_text(
        "import woademo\n\ndef test_add():\n    assert woademo.add(1, 1) == 2\n\n"
        "def test_twice():\n    assert woademo.add(2, 2) == 4\n"
    )
    contract = write_contract(
        tmp_path,
        """\
        - step_id: unit-tests
          kind: pytest
          target: tests/test_native.py
          args: [-q]
        """,
    )
    code, doc, _ = run_json(woaport, contract, native_wheel)
    assert code == 0, doc.get("install") or doc
    assert "pytest" in doc["install"]["requirements"]
    assert "2 passed" in doc["steps"][0]["output_tail"]


@pytest.mark.slow
def test_venv_and_pip_installer(woaport: Run, tmp_path: Path, native_wheel: Path) -> None:
    contract = write_contract(
        tmp_path,
        "- step_id: add\n  kind: python_code\n"
        "  code: import woademo; assert woademo.add(1, 2) == 3\n",
    )
    code, doc, _ = run_json(woaport, contract, native_wheel, extra=("--installer", "pip"))
    assert code == 0, doc
    assert doc["installer"] == "pip"
    assert doc["verification"]["ok"]


def test_incompatible_wheel_fails_install(woaport: Run, tmp_path: Path, native_wheel: Path) -> None:
    wrong = tmp_path / native_wheel.name.replace("linux_x86_64", "win_arm64")
    wrong.write_bytes(native_wheel.read_bytes())
    contract = write_contract(tmp_path, "- step_id: s\n  kind: import_module\n  module: woademo\n")
    code, doc, _ = run_json(woaport, contract, wrong)
    assert code == 1
    assert doc["install"]["ok"] is False and doc["verdict"] == "fail"
    assert doc["steps"] == []


def step_hosts_of_this_process() -> list[int]:
    from woaport import proctree

    hosts = []
    for pid in proctree.linux_descendants(os.getpid()):
        try:
            if b"stephost" in Path(f"/proc/{pid}/cmdline").read_bytes():
                hosts.append(pid)
        except OSError:
            continue
    return hosts


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="reads /proc")
@pytest.mark.parametrize("case", ["the install fails", "the last step cannot start"])
def test_a_step_host_started_ahead_is_not_left_behind(
    woaport: Run, tmp_path: Path, native_wheel: Path, case: str
) -> None:
    """The first step's host starts during the install, the next one beside each step:
    one whose step never comes is stopped with the run."""
    wheel = native_wheel
    if case == "the install fails":
        wheel = tmp_path / native_wheel.name.replace("linux_x86_64", "win_arm64")
        wheel.write_bytes(native_wheel.read_bytes())
    contract = write_contract(
        tmp_path,
        """\
        - step_id: first
          kind: import_module
          module: woademo
        - step_id: missing-program
          kind: command
          argv: [woaport-no-such-program]
        """,
    )
    code, doc, _ = run_json(woaport, contract, wheel)
    assert code == 1
    if case == "the last step cannot start":
        assert [s["status"] for s in doc["steps"]] == ["passed", "error"]
    assert step_hosts_of_this_process() == []


def test_verification_catches_a_changed_install(tmp_path: Path, native_wheel: Path) -> None:
    from woaport import venv
    from woaport.artifacts import Artifact, Role
    from woaport.runner import verify_installed

    installer, uv = venv.choose_installer("auto")
    environment, _ = venv.create(
        tmp_path / "env", base_python=os.sys.executable, installer=installer, uv=uv
    )  # type: ignore[attr-defined]
    assert environment is not None
    assert venv.install(environment, [f"woademo @ {native_wheel.as_uri()}"]).ok
    artifact = Artifact.of(native_wheel, Role.UNDER_TEST)
    assert verify_installed(environment, artifact).ok
    init = next(environment.root.rglob("woademo/__init__.py"))
    init.write_text(init.read_text() + "# patched\n")
    result = verify_installed(environment, artifact)
    assert not result.ok
    assert result.problems == ("woademo/__init__.py: installed file differs from the artifact",)
    # The change stays in that environment: a fresh one gets the artifact's bytes again
    # (uv must copy from its cache, not hard-link).
    again, _ = venv.create(
        tmp_path / "env2", base_python=os.sys.executable, installer=installer, uv=uv
    )  # type: ignore[attr-defined]
    assert again is not None
    assert venv.install(again, [f"woademo @ {native_wheel.as_uri()}"]).ok
    assert verify_installed(again, artifact).ok


def test_actions_summary_and_annotations(
    woaport: Run, tmp_path: Path, native_wheel: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    contract = write_contract(
        tmp_path,
        "- step_id: ok\n  kind: import_module\n  module: woademo\n"
        "- step_id: bad\n  kind: python_code\n  code: raise RuntimeError('native codec broken')\n",
    )
    result = woaport("contract", "run", "--contract", contract, "--wheel", native_wheel)
    assert result.code == 1
    errors = [line for line in result.out.splitlines() if line.startswith("::error")]
    assert len(errors) == 1
    assert "title=contract woademo-main%3A step bad failed" in errors[0]
    assert (
        "RuntimeError%3A native codec broken" not in errors[0]
    )  # data part is not escaped for ':'
    assert "RuntimeError: native codec broken" in errors[0]
    text = summary.read_text()
    assert (
        "| `bad` | python_code | failed |" in text and "| `ok` | import_module | passed |" in text
    )


def test_stage_by_url_is_downloaded_and_pinned(
    woaport: Run, tmp_path: Path, native_wheel: Path
) -> None:
    import hashlib

    from fakeindex import serve

    staged = build_pure_wheel(tmp_path / "stage", "woadep", body="ANSWER = 7\n")
    digest = hashlib.sha256(staged.read_bytes()).hexdigest()
    with serve() as index:
        index.add("woadep", {staged.name: staged})
        url = index.url.replace("/simple/", f"/files/woadep/{staged.name}")
        good = write_contract(
            tmp_path,
            "- step_id: s\n  kind: python_code\n  code: import woadep; assert woadep.ANSWER == 7\n",
            extra=f'stage:\n  - wheel: {url}\n    sha256: "{digest}"\n',
            name="good.yml",
        )
        code, doc, err = run_json(woaport, good, native_wheel)
        assert code == 0, err
        assert {a["filename"]: a["role"] for a in doc["artifacts"]}[staged.name] == "staged"
        wrong = write_contract(
            tmp_path,
            "- step_id: s\n  kind: import_module\n  module: woadep\n",
            extra=f'stage:\n  - wheel: {url}\n    sha256: "{"0" * 64}"\n',
            name="wrong.yml",
        )
        result = woaport("contract", "run", "--contract", wrong, "--wheel", native_wheel)
    assert result.code == 2 and "does not match" in result.err


def test_the_environment_is_created_while_the_contract_loads_and_never_left_behind(
    tmp_path: Path, native_wheel: Path
) -> None:
    """`contract run` starts creating the environment before it loads the contract (the two
    overlap); when the contract then turns out bad, the half-made run folder is removed."""
    from conftest import run_process

    temp = tmp_path / "temp"
    temp.mkdir()
    bad = tmp_path / "bad.yml"
    bad.write_text("- smoke_test_id: x\n  package: [not, a, name]\n")
    env = dict(os.environ, TMPDIR=str(temp))
    proc = run_process(
        "contract", "run", "--contract", str(bad), "--wheel", str(native_wheel), env=env
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert list(temp.iterdir()) == []  # no woaport-run-* folder, no environment in it

    from woaport import venv

    workspace = venv.workspace(base_python=sys.executable, installer="auto", parent=temp)
    environment, outcome = workspace.creation.wait()
    assert outcome.ok and environment is not None and environment.python.exists()
    workspace.close(keep=False)
    assert not workspace.root.exists()
