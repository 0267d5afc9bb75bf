"""`woaport port start` against the fake GitHub (every answer checked against GitHub's OpenAPI
description), the inventory edit, and the porter's whole path end to end:
port start -> (fake) run results -> upstream patch -> pr-body -> the recorded pull request
followed by the controller (in-pr, done, native)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from fakeindex import serve as serve_index
from queuekit import device_result
from wheelkit import write_wheel
from woaport import forkinit, portstart, upstream
from woaport.artifacts import classify
from woaport.contract import load as load_contract
from woaport.controller import UpdateRequest, update
from woaport.devicequeue import QueueItem, QueueURL
from woaport.devicequeue.manifest import build_manifest
from woaport.documents.contract_report import ContractReport
from woaport.documents.manifest import Provenance
from woaport.documents.status import load_status
from woaport.documents.verdicts import Verdict
from woaport.errors import BadInput
from woaport.github import GitHub, GitHubError
from woaport.http import EtagCache
from woaport.inventory import check_packages
from woaport.views.upstream import pr_body

ROOT = Path(__file__).parents[1]
UPSTREAM_FILES = {
    "pyproject.toml": '[project]\nname = "msgpack"\n',
    ".github/workflows/wheel.yml": (
        ROOT / "tests/fixtures/upstream-workflows/msgpack/.github/workflows/wheel.yml"
    ).read_text(encoding="utf-8"),
}
HUB = "woaport/woaport@3f2c1a9e5d7b8c6f4e2a1b0c9d8e7f6a5b4c3d2e"
EMPTY_HUB = "# the hub's inventory\ndefaults:\n  branch: woaport\n\npackages: []\n"


def no_wait(_: float) -> None:
    """The fork polls without waiting (the fake's fork is ready after a fixed count)."""


def client(github: Any) -> GitHub:
    return GitHub(token=github.token, api_url=github.api_url, sleep=lambda _: None)


def client_with(github: Any, cache: EtagCache) -> GitHub:
    return GitHub(token=github.token, api_url=github.api_url, cache=cache, sleep=lambda _: None)


def world(github: Any, upstream_repo: str = "msgpack/msgpack-python") -> None:
    github.add_repo(upstream_repo)
    github.seed_git(upstream_repo, UPSTREAM_FILES)


def request(tmp_path: Path, **kwargs: Any) -> portstart.StartRequest:
    values: dict[str, Any] = {
        "package": "msgpack",
        "hub": HUB,
        "upstream": "msgpack/msgpack-python",
        "inventory": None,
        "contracts_dir": tmp_path / "no-contracts",
    }
    values.update(kwargs)
    return portstart.StartRequest(**values)


def writes(github: Any) -> list[str]:
    return [f"{e.method} {e.path}" for e in github.exchanges if e.method != "GET"]


def test_start_forks_enables_actions_commits_and_records(github: Any, tmp_path: Path) -> None:
    world(github)
    inventory = tmp_path / "packages.yml"
    inventory.write_text((ROOT / "inventory/packages.yml").read_text(encoding="utf-8"))
    original = inventory.read_text(encoding="utf-8")
    waits: list[float] = []
    result = portstart.start(
        client(github), request(tmp_path, inventory=inventory), sleep=waits.append
    )
    fork = github.repos["woaport-bot/msgpack-python"]
    # the fork API is asynchronous: we polled through the 404s and the 409s
    assert result.fork == "woaport-bot/msgpack-python" and fork.parent == "msgpack/msgpack-python"
    assert len(waits) == 2 * github.fork_delay
    statuses = [(s.action, s.status) for s in result.steps]
    assert statuses == [
        ("fork", "done"),
        ("actions", "done"),
        ("commit", "done"),
        ("inventory", "done"),
    ]
    assert fork.actions_enabled
    files = github.branch_files("woaport-bot/msgpack-python", "woaport")
    # the upstream's files stay, the workflow and the starter contract are added
    assert {k: files[k] for k in UPSTREAM_FILES} == UPSTREAM_FILES
    assert files[".github/workflows/woaport.yml"] == forkinit.workflow_text(
        "woaport/woaport", HUB.split("@")[1], "woaport", ".github/woaport/contract.yml"
    )
    assert "smoke_test_id: msgpack-main" in files[".github/woaport/contract.yml"]
    # the default branch is untouched; the new branch's commit sits on top of it
    assert (
        fork.refs["refs/heads/main"]
        == github.repos["msgpack/msgpack-python"].refs["refs/heads/main"]
    )
    head = fork.commits[fork.refs["refs/heads/woaport"]]
    assert head["parents"] == [fork.refs["refs/heads/main"]]
    # the inventory: only added lines, under msgpack's entry, and it validates
    updated = inventory.read_text(encoding="utf-8")
    added = [line for line in updated.splitlines() if line not in original.splitlines()]
    assert added == ["    fork:", "      repo: woaport-bot/msgpack-python"]
    assert check_packages(inventory) == []
    assert writes(github).count("POST /repos/msgpack/msgpack-python/forks") == 1

    # a second run reads everything and changes nothing
    github.exchanges.clear()
    again = portstart.start(
        client(github), sleep=no_wait, request=request(tmp_path, inventory=inventory)
    )
    assert not again.changed
    assert {s.status for s in again.steps} == {"unchanged"}
    assert writes(github) == []
    assert inventory.read_text(encoding="utf-8") == updated


def test_dry_run_reads_only(github: Any, tmp_path: Path) -> None:
    world(github)
    result = portstart.start(client(github), sleep=no_wait, request=request(tmp_path, dry_run=True))
    assert [s.status for s in result.steps] == ["planned"] * 4
    assert writes(github) == []
    assert "woaport-bot/msgpack-python" not in github.repos
    assert "    fork:\n      repo: woaport-bot/msgpack-python\n" in result.inventory_yaml


def test_organisation_needs_membership(github: Any, tmp_path: Path) -> None:
    world(github)
    with pytest.raises(GitHubError, match="HTTP 403"):
        portstart.start(client(github), sleep=no_wait, request=request(tmp_path, owner="porters"))
    github.orgs.add("porters")
    result = portstart.start(
        client(github), sleep=no_wait, request=request(tmp_path, owner="porters")
    )
    assert result.fork == "porters/msgpack-python"
    assert github.repos["porters/msgpack-python"].actions_enabled


def test_a_repository_that_is_not_the_fork_is_refused(github: Any, tmp_path: Path) -> None:
    world(github)
    github.add_repo("woaport-bot/msgpack-python")  # the porter's own, unrelated
    with pytest.raises(BadInput, match="not a fork of msgpack/msgpack-python"):
        portstart.start(client(github), sleep=no_wait, request=request(tmp_path))
    with pytest.raises(BadInput, match="belongs to msgpack"):
        portstart.start(client(github), sleep=no_wait, request=request(tmp_path, owner="msgpack"))
    with pytest.raises(BadInput, match="no such repository"):
        portstart.start(
            client(github), sleep=no_wait, request=request(tmp_path, upstream="nobody/nothing")
        )


def test_files_on_the_branch_are_never_overwritten(github: Any, tmp_path: Path) -> None:
    world(github)
    portstart.start(client(github), sleep=no_wait, request=request(tmp_path))
    fork = github.repos["woaport-bot/msgpack-python"]
    # the porter edits the workflow and drops the contract on the branch
    files = github.branch_files("woaport-bot/msgpack-python", "woaport")
    files[".github/workflows/woaport.yml"] += "# tuned by hand\n"
    del files[".github/woaport/contract.yml"]
    tree = {}
    for path, text in files.items():
        sha = portstart.git_blob_sha(text)
        fork.blobs[sha] = text.encode()
        tree[path] = sha
    edited = github.commit(
        fork, tree, "porter's edit", [fork.refs["refs/heads/woaport"]], "woaport"
    )
    result = portstart.start(client(github), sleep=no_wait, request=request(tmp_path))
    assert [s.action for s in result.steps if s.status == "done"] == ["commit"]
    kept = next(s for s in result.steps if s.action == "files")
    assert ".github/workflows/woaport.yml" in kept.detail
    after = github.branch_files("woaport-bot/msgpack-python", "woaport")
    assert after[".github/workflows/woaport.yml"].endswith("# tuned by hand\n")
    assert ".github/woaport/contract.yml" in after
    # a fast-forward on top of the porter's commit
    assert fork.commits[fork.refs["refs/heads/woaport"]]["parents"] == [edited]


def test_git_data_on_an_empty_repository_is_409(github: Any) -> None:
    github.add_repo("someone/empty")
    github.orgs.add("someone")
    with pytest.raises(GitHubError) as info:
        client(github).git_ref("someone/empty", "heads/main")
    assert info.value.status == 409
    with pytest.raises(GitHubError, match="HTTP 409"):
        client(github).create_blob("someone/empty", "x")


def test_creating_an_existing_ref_is_422(github: Any) -> None:
    github.add_repo("woaport-bot/thing")
    head = github.seed_git("woaport-bot/thing", {"a": "b"})
    gh = client(github)
    gh.create_ref("woaport-bot/thing", "refs/heads/woaport", head)
    with pytest.raises(GitHubError, match="HTTP 422 Reference already exists"):
        gh.create_ref("woaport-bot/thing", "refs/heads/woaport", head)


# -- the inventory edit ----------------------------------------------------------------------
def test_record_fork_adds_lines_only() -> None:
    text = (ROOT / "inventory/packages.yml").read_text(encoding="utf-8")
    new = portstart.record_fork(
        text, package="tiktoken", upstream="openai/tiktoken", fork="me/tiktoken", branch="port"
    )
    old_lines, new_lines = text.splitlines(), new.splitlines()
    start = next(i for i, (a, b) in enumerate(zip(old_lines, new_lines, strict=False)) if a != b)
    assert new_lines[start : start + 3] == [
        "    fork:",
        "      repo: me/tiktoken",
        "      branch: port",
    ]
    assert new_lines[:start] + new_lines[start + 3 :] == old_lines
    assert (
        portstart.record_fork(
            new, package="tiktoken", upstream="openai/tiktoken", fork="me/tiktoken", branch="port"
        )
        == new
    )
    with pytest.raises(BadInput, match="records the fork me/tiktoken"):
        portstart.record_fork(
            new, package="tiktoken", upstream="openai/tiktoken", fork="you/tiktoken", branch="x"
        )
    appended = portstart.record_fork(
        text, package="brand-new", upstream="o/brand-new", fork="me/brand-new", branch="woaport"
    )
    assert appended.startswith(text.rstrip("\n")) and appended.endswith(
        "  - name: brand-new\n    upstream: o/brand-new\n    fork:\n      repo: me/brand-new\n"
    )
    assert yaml.safe_load(appended)["packages"][-1]["fork"] == {"repo": "me/brand-new"}


@pytest.mark.parametrize(
    ("urls", "expected"),
    [
        (["https://github.com/sponsors/ijl", "https://github.com/ijl/orjson"], "ijl/orjson"),
        (
            ["https://msgpack.org/", "https://github.com/msgpack/msgpack-python.git"],
            "msgpack/msgpack-python",
        ),
        (["https://github.com/pyca/cryptography/issues"], "pyca/cryptography"),
        (["https://gitlab.com/a/b", "https://docs.python.org"], None),
    ],
)
def test_upstream_from_project_urls(urls: list[str], expected: str | None) -> None:
    assert portstart.upstream_from_urls(urls) == expected


def test_cli_port_start(github: Any, tmp_path: Path, woaport: Any, monkeypatch: Any) -> None:
    world(github)
    github.fork_delay = 1
    monkeypatch.setenv("GITHUB_API_URL", github.api_url)
    monkeypatch.setenv("WOAPORT_TOKEN", github.token)
    inventory = tmp_path / "packages.yml"
    inventory.write_text(EMPTY_HUB, encoding="utf-8")
    args = [
        "port",
        "start",
        "msgpack",
        "--upstream",
        "msgpack/msgpack-python",
        "--hub",
        HUB,
        "--inventory",
        inventory,
        "--contracts-dir",
        tmp_path,
    ]
    dry = woaport(*args, "--dry-run")
    assert dry.code == 0, dry.err
    assert "nothing was changed (dry run)" in dry.out
    done = woaport(*args, "--json")
    assert done.code == 0, done.err
    assert json.loads(done.out)["changed"] is True
    again = woaport(*args)
    assert again.code == 0 and "nothing to do: the port is set up already" in again.out
    bad = woaport("port", "start", "msgpack", "--upstream", "not a repo", "--inventory", inventory)
    assert bad.code == 2 and "--upstream" in bad.err


# -- the porter's path, end to end -----------------------------------------------------------
def _report(mode: str, emulated: bool, median: float) -> dict[str, Any]:
    return {
        "report_version": 1,
        "woaport_version": "0",
        "contract": {"smoke_test_id": "msgpack-main", "package": "msgpack", "sha256": "0" * 64},
        "mode": mode,
        "artifacts": [
            {
                "filename": "msgpack-1.1.1-cp312-cp312-win_arm64.whl",
                "size": 1,
                "sha256": "0" * 64,
                "role": "under-test",
            }
        ],
        "environment": {
            "os": "Windows",
            "os_release": "11",
            "os_version": "10.0.26100",
            "os_build": 26100,
            "platform": "Windows-11-10.0.26100-SP0",
            "machine": "AMD64" if emulated else "ARM64",
            "interpreter_machine": "AMD64" if emulated else "ARM64",
            "native_machine": "ARM64",
            "emulated": emulated,
            "cpu": "Snapdragon X Elite",
        },
        "installer": "uv",
        "install": {"ok": True, "duration_seconds": 1.0},
        "verification": {"ok": True, "summary": "installed msgpack 1.1.1 is the artifact"},
        "steps": [
            {
                "step_id": "import-msgpack",
                "kind": "import_module",
                "status": "passed",
                "duration_seconds": 0.1,
                "output_tail": "",
            },
            {
                "step_id": "pack-bench",
                "kind": "benchmark",
                "status": "passed",
                "duration_seconds": 2.0,
                "output_tail": "",
                "benchmark": {
                    "repeat": 5,
                    "number": 100,
                    "median": median,
                    "min": median,
                    "max": median,
                    "stdev": 0.0,
                },
            },
        ],
        "verdict": "pass",
        "started": "2026-11-21T20:00:00Z",
        "finished": "2026-11-21T20:00:05Z",
    }


def test_porters_path_end_to_end(github: Any, tmp_path: Path, woaport: Any) -> None:
    # 1. an empty hub: no package in its inventory, no contracts
    hub = tmp_path / "hub"
    (hub / "inventory").mkdir(parents=True)
    inventory = hub / "inventory/packages.yml"
    inventory.write_text(EMPTY_HUB, encoding="utf-8")
    world(github)
    start = portstart.start(
        client(github),
        request(tmp_path, inventory=inventory, contracts_dir=hub / "contracts"),
        sleep=no_wait,
    )
    assert start.changed and check_packages(inventory) == []
    assert yaml.safe_load(inventory.read_text())["packages"] == [
        {
            "name": "msgpack",
            "upstream": "msgpack/msgpack-python",
            "fork": {"repo": "woaport-bot/msgpack-python"},
        }
    ]

    # 2. (fake) run results: the port workflow ran on the fork's branch, CI published the
    #    tested wheel with the starter contract it committed, and a device validated it
    fork_files = github.branch_files(start.fork, "woaport")
    contract_file = tmp_path / "contract.yml"
    contract_file.write_text(fork_files[".github/woaport/contract.yml"], encoding="utf-8")
    contract = load_contract(contract_file)
    run = github.add_run(
        start.fork, "woaport.yml", branch="woaport", sha="a" * 40, conclusion="success"
    )
    wheel = write_wheel(
        tmp_path / "msgpack-1.1.1-cp312-cp312-win_arm64.whl",
        {"msgpack/__init__.py": b"version = (1, 1, 1)\n"},
        dist_info="msgpack-1.1.1.dist-info",
        tags=["cp312-cp312-win_arm64"],
    )
    ci_report = _report("ci", emulated=False, median=0.0012)
    typed = build_manifest(
        contract,
        classify(contract, [wheel]),
        ci_report=ContractReport.from_json(ci_report, "ci report"),
        payload=Verdict.PASS,
        provenance=Provenance(
            repository=start.fork,
            commit="a" * 40,
            run_id=str(run["id"]),
            server_url="https://github.com",
            ref="refs/heads/woaport",
            workflow="woaport",
            run_attempt="1",
        ),
    )
    manifest = typed.to_json()
    item = QueueItem(
        queue=QueueURL.parse("github:" + start.fork), item_id=typed.item_id, manifest=typed
    )
    device = device_result(
        item,
        "surface-pro-11",
        "pass",
        report=ContractReport.from_json(_report("device", emulated=False, median=0.0010), "d"),
    ).to_json()
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, data in [
        ("manifest.json", manifest),
        ("report.json", ci_report),
        ("result-surface-pro-11.json", device),
        ("emulated.json", _report("device", emulated=True, median=0.0031)),
    ]:
        (docs / name).write_text(json.dumps(data), encoding="utf-8")

    # 3. upstream patch in a checkout of the upstream
    checkout = tmp_path / "msgpack-python"
    shutil.copytree(ROOT / "tests/fixtures/upstream-workflows/msgpack", checkout)
    patched = woaport("upstream", "patch", checkout, "--json")
    assert patched.code == 0, patched.err
    (docs / "patch.json").write_text(patched.out, encoding="utf-8")

    # 4. the pull request text
    body = woaport(
        "upstream",
        "pr-body",
        "--manifest",
        docs / "manifest.json",
        "--device-result",
        docs / "result-surface-pro-11.json",
        "--ci-report",
        docs / "report.json",
        "--emulated-report",
        docs / "emulated.json",
        "--patch-report",
        docs / "patch.json",
    )
    assert body.code == 0, body.err
    text = body.out
    assert f"https://github.com/{start.fork}/actions/runs/{run['id']}" in text
    assert (
        '+        os: ["ubuntu-24.04", "ubuntu-24.04-arm", "windows-latest", "windows-11-arm"'
        in text
    )
    assert "`msgpack-1.1.1-cp312-cp312-win_arm64.whl`" in text
    assert "- Payload (`woaport inspect`): **ok**, every native image loads on ARM64" in text
    assert "| surface-pro-11 | Snapdragon X Elite | 26100 | yes | **pass** |" in text
    assert "| `pack-bench` | 1.000 ms | 3.100 ms | 3.1x |" in text
    assert "## How to test it on `windows-11-arm`" in text

    # 5. the pull request is opened upstream and recorded in the hub's inventory; the
    #    controller follows it: in-pr while open, done once merged, native with the release
    github.add_pull("msgpack/msgpack-python", 612, state="open", merged=False)
    pr = "https://github.com/msgpack/msgpack-python/pull/612"
    entries = yaml.safe_load(inventory.read_text())
    entries["packages"][0]["upstream_pr"] = pr
    inventory.write_text(yaml.safe_dump(entries, sort_keys=False), encoding="utf-8")
    assert check_packages(inventory) == []
    with serve_index() as index:
        index.add("msgpack", {"msgpack-1.1.1-cp312-cp312-win_amd64.whl": b"x64"})
        refresh = UpdateRequest(inventory=hub / "inventory", index_url=index.url, workers=2, top=0)

        def controller() -> tuple[str, str]:
            result = update(refresh, github_factory=lambda cache: client_with(github, cache))
            assert result.errors == [], result.errors
            entry = load_status(hub / "inventory/status.json").packages["msgpack"]
            return str(entry.state), entry.cause

        assert controller() == ("in-pr", f"upstream pull request: {pr}")
        github.repos["msgpack/msgpack-python"].pulls[612] = {"state": "closed", "merged": True}
        state, cause = controller()
        assert state == "done" and cause.startswith(f"upstream merged {pr} on ")
        index.state.projects["msgpack"].files["msgpack-1.1.2-cp312-cp312-win_arm64.whl"] = b"a"
        assert controller()[0] == "native"


def test_pr_body_refuses_a_result_for_other_files(tmp_path: Path) -> None:
    contract_file = tmp_path / "c.yml"
    contract_file.write_text(
        forkinit.starter_contract(
            forkinit.Project(name="msgpack", backend="x", source="x"), ["msgpack._cmsgpack"]
        ),
        encoding="utf-8",
    )
    wheel = write_wheel(
        tmp_path / "msgpack-1.1.1-cp312-cp312-win_arm64.whl",
        {"msgpack/__init__.py": b""},
        dist_info="msgpack-1.1.1.dist-info",
        tags=["cp312-cp312-win_arm64"],
    )
    contract = load_contract(contract_file)
    typed = build_manifest(contract, classify(contract, [wheel]), provenance=Provenance())
    item = QueueItem(queue=QueueURL.parse("dir:x"), item_id=typed.item_id, manifest=typed)
    result = device_result(item, "d", "pass").to_json()
    result["artifacts"][0]["sha256"] = "f" * 64
    (tmp_path / "m.json").write_text(json.dumps(typed.to_json()))
    (tmp_path / "r.json").write_text(json.dumps(result))
    with pytest.raises(BadInput, match="sha256 differ"):
        upstream.read_evidence(tmp_path / "m.json", device_results=[tmp_path / "r.json"])
    evidence = upstream.read_evidence(tmp_path / "m.json", device_results=[])
    body = pr_body(evidence)
    assert "No device has run the contract yet" in body


def test_project_urls_from_the_index_json_api(tmp_path: Path) -> None:
    """The simple index's sibling JSON API (https://docs.pypi.org/api/json/), over loopback."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            seen.append(self.path)
            if self.path != "/pypi/orjson/json":
                self.send_error(404)
                return
            data = json.dumps(
                {
                    "info": {
                        "home_page": None,
                        "project_urls": {
                            "Documentation": "https://github.com/ijl/orjson/blob/master/README.md",
                            "Source": "https://github.com/ijl/orjson",
                        },
                    }
                }
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        index = f"http://127.0.0.1:{server.server_address[1]}/simple/"
        urls = portstart.project_urls_from_index(index, "orjson")
        assert portstart.upstream_from_urls(urls) == "ijl/orjson"
        assert portstart.project_urls_from_index(index, "Not_There") == ()
        assert seen == ["/pypi/orjson/json", "/pypi/not-there/json"]
        req = portstart.StartRequest(package="orjson", project_urls=urls)
        assert portstart.resolve_upstream(req) == "ijl/orjson"
        with pytest.raises(BadInput, match="pass --upstream OWNER/REPO"):
            portstart.resolve_upstream(portstart.StartRequest(package="not-there"))
    finally:
        server.shutdown()
        server.server_close()


SMALL_HUB = """\
defaults:
  branch: woaport
packages:
  - name: grpcio
    upstream: grpc/grpc
    priority: 2
  - name: fastparquet  # waits for cramjam
    upstream: dask/fastparquet
    priority: 0
    depends_on: [cramjam]
  - name: cramjam
    upstream: milesgranger/cramjam
    priority: 7
    blocked: needs a newer Rust toolchain
  - name: cryptography
    upstream: pyca/cryptography
    priority: 1
"""


def small_hub(folder: Path) -> Path:
    """An inventory and the controller's status: fastparquet waits for cramjam."""
    inventory = folder / "packages.yml"
    inventory.write_text(SMALL_HUB, encoding="utf-8")
    from woaport.documents.states import State
    from woaport.documents.status import PackageStatus, Status

    status = Status(
        packages={
            "fastparquet": PackageStatus(
                name="fastparquet", state=State.AWAITING_PARENTS, blocked_by=("cramjam",)
            )
        }
    )
    (folder / "status.json").write_text(json.dumps(status.to_json()), encoding="utf-8")
    return inventory


def test_next_unstarted_follows_inventory_next(tmp_path: Path) -> None:
    inventory = small_hub(tmp_path)
    assert portstart.next_unstarted(inventory) == "cryptography"  # the unblocked priority 1
    inventory.write_text(
        portstart.record_fork(
            inventory.read_text(encoding="utf-8"),
            package="cryptography",
            upstream="pyca/cryptography",
            fork="me/cryptography",
            branch="woaport",
        ),
        encoding="utf-8",
    )
    assert portstart.next_unstarted(inventory) == "grpcio"
    with pytest.raises(BadInput, match="no such inventory"):
        portstart.next_unstarted(tmp_path / "missing.yml")


def test_cli_port_start_next(github: Any, tmp_path: Path, woaport: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("GITHUB_API_URL", github.api_url)
    monkeypatch.setenv("WOAPORT_TOKEN", github.token)
    github.add_repo("pyca/cryptography")
    github.seed_git("pyca/cryptography", {"pyproject.toml": '[project]\nname = "cryptography"\n'})
    inventory = small_hub(tmp_path)
    plan = woaport("port", "start", "--next", "--dry-run", "--json", "--inventory", inventory)
    assert plan.code == 0, plan.err
    assert json.loads(plan.out)["package"] == "cryptography"
    both = woaport("port", "start", "orjson", "--next", "--inventory", inventory)
    assert both.code == 2 and "not both" in both.err
