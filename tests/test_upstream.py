"""`woaport upstream patch` on real upstream workflow files (tests/fixtures/upstream-workflows,
each pinned by repository, commit and URL in index.yml), `pr-body`, and pull request states
read through the fake GitHub."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from woaport import upstream
from woaport.errors import BadInput
from woaport.github import GitHub

FIXTURES = Path(__file__).parent / "fixtures" / "upstream-workflows"
INDEX = yaml.safe_load((FIXTURES / "index.yml").read_text(encoding="utf-8"))["fixtures"]
MATRIX = {"matrix-os", "matrix-entry"}


def checkout(tmp_path: Path, folder: str) -> Path:
    dest = tmp_path / folder
    shutil.copytree(FIXTURES / folder, dest)
    return dest


def test_the_index_names_every_fixture() -> None:
    folders = {p.name for p in FIXTURES.iterdir() if p.is_dir()}
    assert folders == {f["folder"] for f in INDEX}
    assert len(INDEX) >= 10
    for entry in INDEX:
        assert (FIXTURES / entry["folder"] / entry["path"]).is_file()
        assert entry["url"] == (
            f"https://github.com/{entry['repository']}/blob/{entry['commit']}/{entry['path']}"
        )


def _jobs_with_runner(text: str) -> set[str]:
    jobs = yaml.safe_load(text)["jobs"]
    return {name for name, job in jobs.items() if upstream.RUNNER in json.dumps(job)}


@pytest.mark.parametrize("entry", INDEX, ids=[e["folder"] for e in INDEX])
def test_real_workflows_patch_minimally_and_validate(entry: dict[str, Any], tmp_path: Path) -> None:
    folder = checkout(tmp_path, entry["folder"])
    result = upstream.plan(folder, upstream.Settings())
    assert result.strategy == entry["expect"]
    assert result.changed
    before, after = result.before.splitlines(), result.after.splitlines()
    if result.strategy == upstream.Strategy.NEW_WORKFLOW:
        assert before == [] and yaml.safe_load(result.after)["jobs"]
    elif len(after) == len(before):
        # a flow list: one line changed, and only by the new item
        changed = [(b, a) for b, a in zip(before, after, strict=True) if b != a]
        assert len(changed) == 1
        old, new = changed[0]
        assert new.replace(f', "{upstream.RUNNER}"', "").replace(f", {upstream.RUNNER}", "") == old
    else:
        # only added lines, all in one place, nothing else moved or rewritten
        start = next(
            (i for i, (b, a) in enumerate(zip(before, after, strict=False)) if b != a), len(before)
        )
        added = len(after) - len(before)
        assert after[:start] == before[:start]
        assert after[start + added :] == before[start:]
        assert all(
            line.strip() == "" or line.startswith(" ") for line in after[start : start + added]
        )
    # the lane is in the job the strategy names, and the file still parses to a workflow
    assert result.job in _jobs_with_runner(result.after) or (
        result.strategy == upstream.Strategy.DYNAMIC_MATRIX
        and result.job in _jobs_with_runner(result.after)
    )
    checked = upstream.validate(result, tmp_path)
    assert checked.validations[0].tool == "check-jsonschema"
    assert checked.ok, checked.validations
    # idempotent: the patched checkout has the lane, and a second run changes nothing
    upstream.write(folder, result)
    again = upstream.plan(folder, upstream.Settings())
    assert again.strategy == upstream.Strategy.ALREADY and not again.changed


def test_matrix_entry_rewrites_runner_arch_and_target(tmp_path: Path) -> None:
    cramjam = upstream.plan(checkout(tmp_path, "cramjam"), upstream.Settings())
    added = [line for line in cramjam.diff().splitlines() if line.startswith("+ ")]
    assert added == [
        "+          - { os: windows-11-arm, target: aarch64, target-triple: "
        "aarch64-pc-windows-msvc, python-architecture: arm64 }"
    ]
    numpy = upstream.plan(checkout(tmp_path, "numpy"), upstream.Settings())
    assert '+          - [windows-11-arm, win_arm64, ""]' in numpy.diff().splitlines()


def test_new_job_keeps_the_files_pins_and_indentation(tmp_path: Path) -> None:
    result = upstream.plan(
        checkout(tmp_path, "zstandard"),
        upstream.Settings(environment=("ZSTD_WARNINGS_AS_ERRORS=1",), submodules=True),
    )
    job = yaml.safe_load(result.after)["jobs"][result.job]
    assert job["runs-on"] == "windows-11-arm"
    uses = [s["uses"] for s in job["steps"]]
    # the file's own actions/checkout@v4 runs on Node 20, which GitHub's runners no longer
    # have (removed September 2026): the new job takes a Node 24 major instead
    assert uses[0] == "actions/checkout@v7" and uses[1].startswith("pypa/cibuildwheel@")
    assert job["steps"][0]["with"] == {"submodules": "recursive"}
    assert job["steps"][1]["env"] == {
        "CIBW_ARCHS_WINDOWS": "ARM64",
        "CIBW_ENVIRONMENT_WINDOWS": "ZSTD_WARNINGS_AS_ERRORS=1",
    }
    # orjson's steps are not indented under `steps:`; the new job follows that style
    orjson = upstream.plan(checkout(tmp_path, "orjson"), upstream.Settings())
    assert "\n    steps:\n    - uses: actions/checkout@v7\n" in orjson.after
    assert "target: aarch64-pc-windows-msvc" in orjson.after


def test_a_pinned_sha_is_reused_with_its_comment(tmp_path: Path) -> None:
    folder = checkout(tmp_path, "markupsafe")
    workflow = folder / ".github/workflows/publish.yaml"
    text = workflow.read_text(encoding="utf-8").replace(
        "os: [ubuntu-latest, windows-latest, macos-latest]", "os: [ubuntu-latest, macos-latest]"
    )
    workflow.write_text(text, encoding="utf-8")
    result = upstream.plan(folder, upstream.Settings())
    assert result.strategy == upstream.Strategy.NEW_JOB
    assert (
        "- uses: pypa/cibuildwheel@faf86a6ed7efa889faf6996aa23820831055001a # v2.23.3"
        in result.after
    )


def test_a_broken_patch_is_caught_by_the_schema(tmp_path: Path) -> None:
    result = upstream.plan(checkout(tmp_path, "msgpack"), upstream.Settings())
    broken = upstream.PatchResult(
        path=result.path,
        strategy=result.strategy,
        before=result.before,
        after=result.after.replace("    runs-on: ${{ matrix.os }}", "    runs-on: 3"),
        job=result.job,
    )
    checked = upstream.validate(broken, tmp_path)
    assert not checked.ok and "jobs.build_wheels" in checked.validations[0].detail
    unparsable = upstream.PatchResult(
        path=result.path,
        strategy=result.strategy,
        before=result.before,
        after=result.after + "  x: [1, {]: 2}]\n",
        job=result.job,
    )
    assert not upstream.validate(unparsable, tmp_path).ok


def test_bad_inputs(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="KEY=VALUE"):
        upstream.Settings(environment=("no equals sign",))
    with pytest.raises(BadInput, match="no such folder"):
        upstream.plan(tmp_path / "missing", upstream.Settings())
    (tmp_path / ".github/workflows").mkdir(parents=True)
    (tmp_path / ".github/workflows/x.yml").write_text("jobs: [unclosed\n", encoding="utf-8")
    with pytest.raises(BadInput, match="not valid YAML"):
        upstream.plan(tmp_path, upstream.Settings(), workflow=Path(".github/workflows/x.yml"))


def test_cli_patch_writes_and_says_so(tmp_path: Path, woaport: Any) -> None:
    folder = checkout(tmp_path, "msgpack")
    dry = woaport("upstream", "patch", folder, "--dry-run")
    assert dry.code == 0, dry.err
    assert '+        os: ["ubuntu-24.04"' in dry.out
    assert "windows-11-arm" not in (folder / ".github/workflows/wheel.yml").read_text()
    done = woaport("upstream", "patch", folder, "--json")
    assert done.code == 0, done.err
    report = json.loads(done.out)
    assert report["strategy"] == "matrix-os" and report["ok"]
    assert "windows-11-arm" in (folder / ".github/workflows/wheel.yml").read_text()
    again = woaport("upstream", "patch", folder)
    assert again.code == 0 and "nothing to add" in again.out
    bad = woaport("upstream", "patch", folder, "--env", "oops")
    assert bad.code == 2 and "KEY=VALUE" in bad.err


# -- pull request states ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("state", "merged", "expected"),
    [("open", False, "open"), ("closed", True, "merged"), ("closed", False, "closed")],
)
def test_pull_request_state(github: Any, state: str, merged: bool, expected: str) -> None:
    github.add_repo("pallets/markupsafe")
    github.add_pull("pallets/markupsafe", 412, state=state, merged=merged)
    client = GitHub(token=github.token, api_url=github.api_url)
    assert upstream.pull_request_state(client, "pallets/markupsafe", 412) == expected
    assert (
        upstream.pull_request_state(
            client, *upstream.parse_pull_url("https://github.com/pallets/markupsafe/pull/412")
        )
        == expected
    )


def test_pull_request_url_and_missing_pull(github: Any) -> None:
    with pytest.raises(BadInput, match="pull request URL"):
        upstream.parse_pull_url("https://github.com/pallets/markupsafe/issues/3")
    github.add_repo("pallets/markupsafe")
    client = GitHub(token=github.token, api_url=github.api_url)
    with pytest.raises(BadInput, match="no pull request 9"):
        upstream.pull_request_state(client, "pallets/markupsafe", 9)


def test_a_block_include_entry_is_copied_whole(tmp_path: Path) -> None:
    """A block mapping's end mark sits on the next entry's "- " line; the copy stops before."""
    folder = tmp_path / "p"
    (folder / ".github/workflows").mkdir(parents=True)
    (folder / ".github/workflows/wheels.yml").write_text(
        """\
on: push
jobs:
  build:
    runs-on: ${{ matrix.os }}
    strategy:
      matrix:
        include:
          - os: windows-2022
            arch: AMD64  # the 64-bit build
          - os: ubuntu-latest
            arch: x86_64
    steps:
      - uses: pypa/cibuildwheel@v3.1.4
        env:
          CIBW_ARCHS: ${{ matrix.arch }}
""",
        encoding="utf-8",
    )
    result = upstream.plan(folder, upstream.Settings())
    assert result.strategy == upstream.Strategy.MATRIX_ENTRY
    added = [line for line in result.diff().splitlines() if line.startswith("+ ")]
    assert added == [
        "+          - os: windows-11-arm",
        "+            arch: ARM64  # the 64-bit build",
    ]


def test_pr_body_escapes_what_documents_say(tmp_path: Path) -> None:
    from woaport.views.upstream import pr_body

    evidence = upstream.Evidence(
        package="cramjam",
        version="2.11.0",
        repository="me/cramjam",
        commit="a" * 40,
        run_url=None,
        contract_id="cramjam-main",
        contract_sha256="b" * 64,
        artifacts=(
            upstream.Artifact(filename="x`y.whl\nz", sha256="c" * 64, size=10, role="under-test"),
        ),
        ci_verdict="pass",
        payload="ok",
        ci_steps=(),
        devices=(
            upstream.DeviceRun(
                device_id="<img src=x> @maintainer | x",
                verdict="fail",
                reason="crashed\nSTATUS_ACCESS_VIOLATION",
                machine="ARM64",
                os_build=26100,
                emulated=None,
                cpu=None,
                steps=(),
            ),
        ),
        speeds=(),
        patch=upstream.plan(checkout(tmp_path, "cramjam"), upstream.Settings()).summary(),
    )
    body = pr_body(evidence)
    import re

    assert not re.search(r"(?<!\\)(<img|@maintainer)", body)
    assert "| \\<img src=x\\> \\@maintainer \\| x | ? | 26100 | unknown |" in body
    assert "**fail** (crashed STATUS\\_ACCESS\\_VIOLATION)" in body
    assert "`x'y.whl z`" in body
    assert "+          - { os: windows-11-arm, target: aarch64" in body


def test_cli_patch_a_named_workflow_and_pr_body_from_a_checkout(
    tmp_path: Path, woaport: Any
) -> None:
    from wheelkit import write_wheel
    from woaport.artifacts import classify
    from woaport.contract import load
    from woaport.devicequeue.manifest import build_manifest
    from woaport.documents.manifest import CISummary, Provenance
    from woaport.documents.verdicts import Verdict
    from woaport.forkinit import Project, starter_contract

    folder = checkout(tmp_path, "zstandard")
    missing = woaport("upstream", "patch", folder, "--workflow", ".github/workflows/nope.yml")
    assert missing.code == 2 and "no such file" in missing.err
    # the checkout, not patched yet: pr-body shows the diff the patch would make
    contract = tmp_path / "c.yml"
    contract.write_text(
        starter_contract(Project(name="zstandard", backend="x", source="x"), ["zstandard"])
    )
    wheel = write_wheel(
        tmp_path / "zstandard-0.23.0-cp312-cp312-win_arm64.whl",
        {"zstandard/__init__.py": b""},
        dist_info="zstandard-0.23.0.dist-info",
        tags=["cp312-cp312-win_arm64"],
    )
    loaded = load(contract)
    manifest = dataclasses.replace(
        build_manifest(loaded, classify(loaded, [wheel]), provenance=Provenance()),
        ci=CISummary(verdict=Verdict.PASS),
    )
    (tmp_path / "m.json").write_text(json.dumps(manifest.to_json()))
    body = woaport(
        "upstream",
        "pr-body",
        "--manifest",
        tmp_path / "m.json",
        "--checkout",
        folder,
        "--run-url",
        "https://github.com/me/python-zstandard/actions/runs/7",
        "--json",
    )
    assert body.code == 0, body.err
    data = json.loads(body.out)
    assert data["title"] == "Build native Windows on Arm (win_arm64) wheels on windows-11-arm"
    assert data["patch"]["strategy"] == "new-job"
    assert "+  build-windows-arm64:" in data["body"]
    assert "[this CI run](https://github.com/me/python-zstandard/actions/runs/7)" in data["body"]
    assert "No device has run the contract yet" in data["body"]
    bad = woaport("upstream", "pr-body", "--manifest", tmp_path / "c.yml")
    assert bad.code == 2 and "not JSON" in bad.err


@pytest.mark.parametrize(
    ("own", "reused"),
    [
        ("actions/checkout@v5", "actions/checkout@v5"),  # Node 24 from v5 on: the file's own
        ("actions/checkout@v4", "actions/checkout@v7"),  # Node 20: not reused
        (
            "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2",
            "actions/checkout@v7",
        ),
        (
            "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1",
            "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1",
        ),
        ("actions/checkout@main", "actions/checkout@main"),  # no major to judge: the file's
    ],
)
def test_a_new_job_reuses_no_action_on_the_removed_node20_runtime(
    tmp_path: Path, own: str, reused: str
) -> None:
    """GitHub removed Node 20 from its runners in September 2026
    (github.blog/changelog/2025-09-19-deprecation-of-node-20-on-github-actions-runners);
    actionlint flags checkout@v4, setup-python@v5 and upload-artifact@v5 as node20."""
    folder = tmp_path / "repo"
    workflows = folder / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "wheels.yml").write_text(
        "name: wheels\non: push\njobs:\n  build_wheels:\n    runs-on: ubuntu-latest\n"
        f"    steps:\n      - uses: {own}\n      - uses: pypa/cibuildwheel@v3.1.4\n"
        "      - uses: actions/upload-artifact@v4\n        with:\n          path: wheelhouse\n",
        encoding="utf-8",
    )
    result = upstream.plan(folder, upstream.Settings())
    steps = yaml.safe_load(result.after)["jobs"][result.job]["steps"]
    assert steps[0]["uses"] == reused.split(" #")[0]
    assert f"uses: {reused}\n" in result.after
    assert [s["uses"] for s in steps][-1] == "actions/upload-artifact@v7"


def test_the_new_workflow_passes_actionlint_found_beside_python(tmp_path: Path) -> None:
    """actionlint is installed into the same environment as woaport (pyproject's dev
    extra): found beside sys.executable even when that environment's bin/ is not on PATH
    (CI runs `.venv/bin/python -m pytest`), and it reports nothing on a new workflow."""
    folder = tmp_path / "repo"
    folder.mkdir()
    result = upstream.plan(folder, upstream.Settings())
    checks = upstream.validate(result, tmp_path)
    assert [c.tool for c in checks.validations] == ["check-jsonschema", "actionlint"]
    assert all(c.ok for c in checks.validations), checks.validations
