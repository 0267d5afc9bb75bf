"""The inventory: the pure state function, dependencies, the controller against fake GitHub
and a fake index, staleness, the rendered README (golden file and a property test).

The tracker's own parts (top-N list, classification, dependency graph, history, the status
page) are tested in test_tracker.py and test_page.py."""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from cext import build_pure_wheel
from fakeindex import serve
from queuekit import device_result, github_queue
from woaport import controller, inventory
from woaport.artifacts import Role, classify
from woaport.contract import from_dict
from woaport.controller import UpdateRequest, github_client, update
from woaport.devicequeue.github import GitHubQueue
from woaport.devicequeue.manifest import build_manifest
from woaport.documents.device_result import BenchmarkComparison, EmulationComparison, Interpreter
from woaport.documents.facts import PackageFacts
from woaport.documents.manifest import ArtifactRecord, CISummary, Provenance
from woaport.documents.states import State
from woaport.documents.status import PackageStatus, Status
from woaport.documents.verdicts import Verdict
from woaport.github import GitHub
from woaport.views.inventory import readme

Run = Callable[..., Any]
CASES = Path(__file__).parent / "cases" / "inventory"
ROOT = Path(__file__).parent.parent
SHA = "a" * 40


def pkg(name: str, **kwargs: Any) -> inventory.Package:
    fork = kwargs.pop("fork", None)
    if fork:
        kwargs["fork"] = inventory.Fork(repo=fork, branch="woaport", workflow="woaport.yml")
    return inventory.Package(name=name, **kwargs)


def readme_of(folder: Path) -> str:
    """The README as `woaport inventory render` draws it from the files in ``folder``."""
    status = inventory.load_status(folder / "status.json")
    listed = inventory.load_packages(folder / "packages.yml")
    top = sorted((e.name, e.rank) for e in status.packages.values() if e.rank is not None)
    packages = inventory.tracked(listed, sorted(top, key=lambda t: t[1]))
    return readme(packages, status, inventory.load_history(folder / "history.json"))


RUN_OK = {
    "run_id": 1,
    "run_number": 7,
    "status": "completed",
    "conclusion": "success",
    "head_sha": SHA,
}


@pytest.mark.parametrize(
    ("package", "facts", "deps", "state", "stage"),
    [
        (pkg("a"), {"pypi": {"kind": "native", "pythons": ["cp312"]}}, {}, "native", None),
        (pkg("a", blocked="no"), {"pypi": {"kind": "native"}}, {}, "native", None),
        (pkg("a"), {"pypi": {"kind": "pure"}}, {}, "pure", None),
        (
            pkg("a", blocked="needs a vendor SDK"),
            {"pypi": {"kind": "sdist-only"}},
            {},
            "blocked",
            None,
        ),
        (
            pkg("a", depends_on=("b",)),
            {"pypi": {"kind": "sdist-only"}},
            {"b": "ready"},
            "awaiting-parents",
            None,
        ),
        (
            pkg("a", depends_on=("b",)),
            {"pypi": {"kind": "sdist-only"}},
            {"b": "ci-validated"},
            "ready",
            None,
        ),
        (pkg("a"), {"pypi": {"kind": "sdist-only"}}, {}, "ready", None),
        (
            pkg("a", fork="me/a"),
            {"pypi": {"kind": "sdist-only"}, "ci": None},
            {},
            "in-fork",
            None,
        ),
        (
            pkg("a", fork="me/a"),
            {"ci": {**RUN_OK, "status": "in_progress", "conclusion": None}},
            {},
            "in-fork",
            None,
        ),
        (
            pkg("a", fork="me/a"),
            {"ci": {**RUN_OK, "conclusion": "failure"}},
            {},
            "failing",
            "build",
        ),
        (
            pkg("a", fork="me/a"),
            {"ci": {**RUN_OK, "conclusion": "failure"}, "queue": {"payload": "fail"}},
            {},
            "failing",
            "payload",
        ),
        (
            pkg("a", fork="me/a"),
            {"ci": RUN_OK, "queue": {"payload": "pass", "ci_verdict": "fail"}},
            {},
            "failing",
            "ci-contract",
        ),
        (
            pkg("a", fork="me/a"),
            {"ci": RUN_OK, "queue": {"payload": "pass", "ci_verdict": "pass", "devices": {}}},
            {},
            "ci-validated",
            None,
        ),
        (pkg("a", fork="me/a"), {"ci": RUN_OK, "queue": None}, {}, "ci-validated", None),
        (
            pkg("a", fork="me/a"),
            {
                "ci": RUN_OK,
                "queue": {"ci_verdict": "pass", "devices": {"x13s": {"verdict": "pass"}}},
            },
            {},
            "device-validated",
            None,
        ),
        (
            pkg("a", fork="me/a"),
            {
                "ci": RUN_OK,
                "queue": {
                    "ci_verdict": "pass",
                    "devices": {
                        "x13s": {"verdict": "pass"},
                        "sp11": {"verdict": "fail", "reason": "step x"},
                    },
                },
            },
            {},
            "failing",
            "device-contract",
        ),
        (
            pkg("a", fork="me/a"),
            {
                "ci": RUN_OK,
                "queue": {"ci_verdict": "pass", "devices": {"d": {"verdict": "tampered"}}},
            },
            {},
            "failing",
            "device-contract",
        ),
    ],
)
def test_assess(
    package: inventory.Package,
    facts: dict[str, Any],
    deps: dict[str, str],
    state: str,
    stage: str | None,
) -> None:
    typed = PackageFacts.from_json(facts)
    assessed = inventory.assess(package, typed, {k: State(v) for k, v in deps.items()})
    assert (assessed.state, assessed.stage) == (state, stage)
    assert assessed.cause


PR = "https://github.com/o/a/pull/7"
DEVICE_OK = {"ci_verdict": "pass", "devices": {"x13s": {"verdict": "pass"}}}


def pull(state: str, url: str = PR) -> dict[str, Any]:
    merged = "2026-11-01T00:00:00Z" if state == "merged" else None
    closed = None if state == "open" else "2026-11-01T00:00:00Z"
    return {"url": url, "state": state, "merged_at": merged, "closed_at": closed}


@pytest.mark.parametrize(
    ("package", "facts", "state", "cause"),
    [
        # not read yet (a first run, GitHub away): what packages.yml says, a pull request
        (pkg("a", upstream_pr=PR), {}, "in-pr", f"upstream pull request: {PR}"),
        # open: in-pr, even while a required dependency still needs porting
        (
            pkg("a", upstream_pr=PR, depends_on=("b",)),
            {"pr": pull("open")},
            "in-pr",
            f"upstream pull request: {PR}",
        ),
        (
            pkg("a", upstream_pr=PR),
            {"pr": pull("merged")},
            "done",
            f"upstream merged {PR} on 2026-11-01; win_arm64 wheels come with its next release",
        ),
        # closed without merging: back to what the package is without it, and said so
        (
            pkg("a", upstream_pr=PR),
            {"pypi": {"kind": "needs-porting", "version": "2.0"}, "pr": pull("closed")},
            "ready",
            f"2.0: wheels for other platforms only; upstream closed {PR} without merging",
        ),
        # packages.yml now names another pull request: the old one's state is not its state
        (
            pkg("a", upstream_pr=PR + "0"),
            {"pr": pull("merged")},
            "in-pr",
            f"upstream pull request: {PR}0",
        ),
        (pkg("a", fork="me/a", upstream_pr=PR), {"ci": RUN_OK, "pr": pull("open")}, "in-pr", None),
        (
            pkg("a", fork="me/a", upstream_pr=PR),
            {"ci": RUN_OK, "pr": pull("merged")},
            "done",
            None,
        ),
        (
            pkg("a", fork="me/a", upstream_pr=PR),
            {"ci": RUN_OK, "pr": pull("closed")},
            "ci-validated",
            f"run 7 passed; awaiting a device; upstream closed {PR} without merging",
        ),
        # a device-validated wheel installs today: opening the pull request keeps it counted
        (
            pkg("a", fork="me/a", upstream_pr=PR),
            {"ci": RUN_OK, "queue": DEVICE_OK, "pr": pull("open")},
            "device-validated",
            f"passed on x13s; upstream pull request: {PR}",
        ),
        # a failing fork needs a person, whatever upstream does
        (
            pkg("a", fork="me/a", upstream_pr=PR),
            {"ci": {**RUN_OK, "conclusion": "failure"}, "pr": pull("merged")},
            "failing",
            None,
        ),
        # the release with win_arm64 wheels: done
        (
            pkg("a", upstream_pr=PR),
            {
                "pypi": {"kind": "native", "version": "2.1", "pythons": ["cp312"]},
                "pr": pull("merged"),
            },
            "native",
            None,
        ),
    ],
)
def test_upstream_pull_request_states(
    package: inventory.Package, facts: dict[str, Any], state: str, cause: str | None
) -> None:
    deps: dict[str, State | None] = {d: State.READY for d in package.depends_on}
    assessed = inventory.assess(package, PackageFacts.from_json(facts), deps)
    assert assessed.state == state
    if cause is not None:
        assert assessed.cause == cause


def test_blocked_names_its_parents() -> None:
    assessed = inventory.assess(
        pkg("fastparquet", depends_on=("cramjam", "pandas")),
        PackageFacts(),
        {"cramjam": State.READY, "pandas": State.NATIVE},
    )
    assert assessed.state is State.AWAITING_PARENTS
    assert assessed.blocked_by == ("cramjam",)
    assert assessed.cause == "awaiting parents: cramjam (ready)"


def test_cycles_are_reported_not_followed() -> None:
    packages = [
        pkg("a", depends_on=("b",)),
        pkg("b", depends_on=("a",)),
        pkg("c", depends_on=("a",)),
        pkg("d"),
    ]
    states = inventory.assess_all(packages, {})
    assert states["a"].state == states["b"].state == "blocked"
    assert "dependency cycle" in states["a"].cause and states["a"].blocked_by == ("b",)
    assert states["c"].state == "awaiting-parents" and states["c"].blocked_by == ("a",)
    assert states["d"].state == "ready"


def test_history_records_transitions() -> None:
    packages = [pkg("a")]
    facts = {"a": PackageFacts()}

    def step(status: Status, state: State, at: str, cause: str = "") -> tuple[Status, list[str]]:
        assessed = {"a": inventory.Assessment(state=state, cause=cause)}
        entries, changes = inventory.apply_states(status, packages, facts, {}, assessed, at)
        return Status(updated=at, packages=entries), [str(c) for c in changes]

    status, first = step(Status(), State.READY, "t1")
    status, same = step(status, State.READY, "t2")
    status, moved = step(status, State.NATIVE, "t3", "x")
    assert first == ["a: new -> ready ()"]
    assert same == []
    assert moved == ["a: ready -> native (x)"]
    entry = status.packages["a"]
    assert [(h.before, h.after, h.at) for h in entry.history] == [
        (None, "ready", "t1"),
        ("ready", "native", "t3"),
    ]
    assert entry.since == "t3"


# -- the controller against fake servers ------------------------------------------------------
# One fork per state: its workflow run (conclusion, status) and what its queue holds.
FORK_RUNS: list[tuple[str, str | None, str, dict[str, str] | None]] = [
    ("inprogress", None, "in_progress", None),
    ("buildfail", "failure", "completed", None),
    ("payloadfail", "failure", "completed", {"payload": "fail", "ci": "unknown"}),
    ("contractfail", "failure", "completed", {"payload": "pass", "ci": "fail"}),
    ("civalid", "success", "completed", {"payload": "pass", "ci": "pass"}),
    (
        "devicevalid",
        "success",
        "completed",
        {"payload": "pass", "ci": "pass", "device": "pass"},
    ),
    (
        "devicefail",
        "success",
        "completed",
        {"payload": "pass", "ci": "pass", "device": "fail"},
    ),
    ("stale", "success", "completed", {"payload": "pass", "ci": "pass"}),
]


@pytest.fixture
def world(
    github: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, numpy_arm64: Path
) -> Iterator[dict[str, Any]]:
    """A fake index and a fake GitHub holding one package in every state."""
    monkeypatch.setenv("WOAPORT_TOKEN", github.token)
    monkeypatch.setenv("GITHUB_API_URL", github.api_url)
    with serve() as index:
        sdist = {"{}-1.0.tar.gz": b"sdist"}
        for name in ("backlog", "blocked", "manual", *(run[0] for run in FORK_RUNS)):
            index.add(f"p-{name}", {k.format(f"p_{name}"): v for k, v in sdist.items()})
        index.add(
            "p-upstream", {"p_upstream-1.0-cp312-cp312-win_arm64.whl": numpy_arm64.read_bytes()}
        )
        index.add("p-pure", {"p_pure-1.0-py3-none-any.whl": b"wheel"})
        wheels = tmp_path / "wheels"
        for name, conclusion, status, item in FORK_RUNS:
            repo = f"me/p-{name}"
            github.add_repo(repo)
            sha = (name * 40)[:40]
            logs = None
            if name == "buildfail":
                logs = (
                    "2026-11-20T10:00:00.0000000Z Building cp312-win_arm64 wheel\n"
                    "2026-11-20T10:01:00.0000000Z foo.obj : fatal error LNK1112: module machine "
                    "type 'x64' conflicts with target machine type 'ARM64'\n"
                )
            github.add_run(
                repo,
                "woaport.yml",
                branch="woaport",
                sha=sha,
                conclusion=conclusion,
                status=status,
                logs=logs,
            )
            if item is None:
                continue
            wheel = build_pure_wheel(wheels / name, f"p_{name}")
            contract = from_dict(
                {
                    "smoke_test_id": f"p-{name}",
                    "package": f"p-{name}",
                    "steps": [{"step_id": "s", "kind": "import_module", "module": f"p_{name}"}],
                }
            )
            manifest = dataclasses.replace(
                build_manifest(
                    contract,
                    classify(contract, [wheel]),
                    payload=Verdict(item["payload"]),
                    provenance=Provenance(repository=repo, commit=sha),
                ),
                ci=CISummary(verdict=Verdict(item["ci"]), payload=Verdict(item["payload"])),
            )
            queue = github_queue(GitHub(api_url=github.api_url, token=github.token), repo)
            queue.publish(manifest, {wheel.name: wheel})
            if "device" in item:
                (queued,) = queue.items().items
                queue.publish_result(
                    queued,
                    device_result(
                        queued,
                        "x13s",
                        item["device"],
                        reason="" if item["device"] == "pass" else "step s failed",
                        emulation=EMULATION if item["device"] == "pass" else None,
                    ),
                )
        folder = tmp_path / "inventory"
        folder.mkdir()
        packages = [
            {"name": "p-upstream"},
            {"name": "p-pure"},
            {"name": "p-backlog", "priority": 1},
            {"name": "p-blocked", "depends_on": ["p-backlog"]},
            {"name": "p-manual", "blocked": "needs a licence"},
        ]
        packages += [{"name": f"p-{n}", "fork": {"repo": f"me/p-{n}"}} for n, *_ in FORK_RUNS]
        (folder / "packages.yml").write_text(
            yaml.safe_dump(
                {"defaults": {"branch": "woaport"}, "packages": packages}, sort_keys=False
            )
        )
        yield {"index": index, "github": github, "folder": folder}


# What a device with an x64 Python too adds to a passing result (woaport.emulation).
EMULATION = EmulationComparison(
    interpreter=Interpreter(
        executable=r"C:\Python312\python.exe", version="3.12.10", emulated=True
    ),
    verdict=Verdict.PASS,
    benchmarks=(
        BenchmarkComparison(step_id="b", native_median=0.2, emulated_median=0.5, ratio=0.4),
    ),
)

EXPECTED = {
    "p-upstream": ("native", None),
    "p-pure": ("pure", None),
    "p-backlog": ("ready", None),
    "p-blocked": ("awaiting-parents", None),
    "p-manual": ("blocked", None),
    "p-inprogress": ("in-fork", None),
    "p-buildfail": ("failing", "build"),
    "p-payloadfail": ("failing", "payload"),
    "p-contractfail": ("failing", "ci-contract"),
    "p-civalid": ("ci-validated", None),
    "p-devicevalid": ("device-validated", None),
    "p-devicefail": ("failing", "device-contract"),
    "p-stale": ("ci-validated", None),
}


def run_update(world: dict[str, Any], **kwargs: Any) -> Any:
    request = UpdateRequest(
        inventory=world["folder"], index_url=world["index"].url, workers=4, **kwargs
    )
    return update(
        request,
        github_factory=lambda cache: GitHub(
            cache=cache, retries=2, backoff=0.001, sleep=lambda s: None
        ),
    )


def fork_queue(world: dict[str, Any], repo: str) -> GitHubQueue:
    client = GitHub(api_url=world["github"].api_url, token=world["github"].token)
    return github_queue(client, repo)


def test_controller_derives_every_state(world: dict[str, Any]) -> None:
    before = (world["folder"] / "packages.yml").read_bytes()
    result = run_update(world)
    assert result.errors == []
    status = json.loads((world["folder"] / "status.json").read_text())
    got = {k: (v["state"], v["stage"]) for k, v in status["packages"].items()}
    assert got == EXPECTED
    assert status["packages"]["p-blocked"]["blocked_by"] == ["p-backlog"]
    device = status["packages"]["p-devicefail"]
    assert device["facts"]["queue"]["devices"]["x13s"]["verdict"] == "fail"
    assert device["cause"] == "x13s: fail: step s failed"
    timed = status["packages"]["p-devicevalid"]["facts"]["queue"]["devices"]["x13s"]
    assert timed["native_vs_emulated"] == pytest.approx(0.4)
    assert "native_vs_emulated" not in device["facts"]["queue"]["devices"]["x13s"]
    assert (world["folder"] / "packages.yml").read_bytes() == before  # never rewritten
    readme = (world["folder"] / "README.md").read_text()
    assert readme == readme_of(world["folder"])
    row = next(line for line in readme.splitlines() if line.startswith("| **p-devicevalid**"))
    assert "pass · native 2.5x faster than emulated x64" in row
    assert len(result.changes) == len(EXPECTED)


def _dealt_out(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch, *, workers: int, processes: int
) -> UpdateRequest:
    """A request whose packages are dealt out to ``processes`` processes (one package each
    at least: MIN_SHARE is 1 here)."""
    monkeypatch.setattr(controller, "MIN_SHARE", 1)
    return UpdateRequest(
        inventory=world["folder"],
        index_url=world["index"].url,
        workers=workers,
        processes=processes,
    )


def _dying_github(cache: Any, *, parent: int) -> GitHub:
    """A GitHub client factory that kills any process but ``parent`` (a helper)."""
    if os.getpid() != parent:
        os._exit(3)
    return GitHub(cache=cache, retries=2, backoff=0.001)


def _facts_of(folder: Path) -> dict[str, Any]:
    """status.json's states, causes and facts, without the times they were read."""
    status = json.loads((folder / "status.json").read_text())
    out = {}
    for key, entry in status["packages"].items():
        pypi = entry["facts"]["pypi"]
        facts = {**entry["facts"], "pypi": {**pypi, "checked": None} if pypi else None}
        out[key] = (entry["state"], entry["stage"], entry["cause"], entry["blocked_by"], facts)
    return out


def test_helper_processes_reach_what_one_process_reaches(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The packages dealt out to spawned helper processes (one package each at least):
    the same states and facts as one process, the same requests, GitHub's limit of
    concurrent requests shared out between them, and what the helpers wrote to the ETag
    cache and the memos comes back (the next refresh asks nothing anew)."""
    factory = functools.partial(github_client, retries=2, backoff=0.001)
    folder = world["folder"]

    def refresh(processes: int) -> Any:
        request = _dealt_out(world, monkeypatch, workers=4, processes=processes)
        return update(request, github_factory=factory)

    alone = refresh(1)
    facts_alone = _facts_of(folder)
    unchanged = refresh(1)
    for name in ("status.json", "history.json"):
        (folder / name).unlink()
    shutil.rmtree(folder / ".cache")
    logs = world["github"].hits["GET run logs"]
    # GitHub's concurrent-request limit (3 here) is shared out: 1 for each process.
    monkeypatch.setattr(controller, "MAX_CONCURRENT", 3)
    world["github"].concurrent_limit = 3
    world["github"].latency = 0.02
    shared = refresh(3)
    assert world["github"].most_in_flight <= 3
    assert shared.errors == [] and _facts_of(folder) == facts_alone
    assert shared.requests == alone.requests and len(shared.changes) == len(EXPECTED)
    assert shared.helpers == 2 and alone.helpers == 0
    if sys.platform == "linux":
        assert shared.helper_peak_mb is not None and 10 < shared.helper_peak_mb < 500
    assert world["github"].hits["GET run logs"] == logs + 1  # diagnosed in a helper
    again = refresh(3)
    assert again.changes == []
    counts = (again.requests, again.not_modified, again.remembered)
    assert counts == (unchanged.requests, unchanged.not_modified, unchanged.remembered)
    assert world["github"].hits["GET run logs"] == logs + 1  # its memo came back


def test_helpers_are_dealt_their_jobs_while_this_process_collects(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large ETag cache (300,000 entries of other forks) and packages it does not know
    yet: this process's threads add entries while the helpers' jobs are made from it. No
    helper is lost to that (a dict read while it grows raises RuntimeError)."""
    folder = world["folder"]
    (folder / ".cache").mkdir(exist_ok=True)
    api = world["github"].api_url
    other = {"etag": '"x"', "body": [], "next": None}
    entries = {f"{api}/repos/other/r{i}/releases?per_page=100": other for i in range(300_000)}
    (folder / ".cache" / "controller.json").write_text(json.dumps(entries))
    said: list[str] = []
    request = _dealt_out(world, monkeypatch, workers=4, processes=3)
    factory = functools.partial(github_client, retries=2, backoff=0.001)
    result = update(request, github_factory=factory, progress=said.append)
    assert [s for s in said if "helper process failed" in s] == []
    assert result.helpers == 2 and result.errors == []
    assert len(result.changes) == len(EXPECTED)


def test_a_helpers_job_takes_the_later_pages_of_its_forks_lists() -> None:
    """GitHub's next links name the repository by id (/repositories/{id}/releases?page=2):
    a share's job follows them from its forks' first pages, and takes no other fork's."""
    from woaport.http import EtagCache

    api = "https://api.github.invalid"
    first = f"{api}/repos/me/a/releases?per_page=100"
    second = f"{api}/repositories/7/releases?per_page=100&page=2"
    third = f"{api}/repositories/7/releases?per_page=100&page=3"
    others = f"{api}/repositories/8/releases?per_page=100&page=2"
    cache = EtagCache(
        entries={
            first: {"etag": '"1"', "body": [], "next": second},
            second: {"etag": '"2"', "body": [], "next": third},
            third: {"etag": '"3"', "body": [], "next": None},
            others: {"etag": '"4"', "body": [], "next": None},
        }
    )
    factory = functools.partial(github_client, api_url=api, token=None)
    connections = controller.Connections(cache, controller.Memos(None), factory, light=True)
    fork = inventory.Fork(repo="me/a", branch="woaport", workflow="woaport.yml")
    share = [inventory.Package(name="a", fork=fork)]
    request = UpdateRequest(inventory=Path(), index_url="https://index.invalid/simple/")
    job = controller._job(share, request, connections, {})
    assert set(job.entries) == {first, second, third}


def test_a_helper_process_that_dies_costs_time_not_facts(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    said: list[str] = []
    request = _dealt_out(world, monkeypatch, workers=2, processes=2)
    factory = functools.partial(_dying_github, parent=os.getpid())
    result = update(request, github_factory=factory, progress=said.append)
    assert result.errors == []
    status = json.loads((world["folder"] / "status.json").read_text())
    assert {k: (v["state"], v["stage"]) for k, v in status["packages"].items()} == EXPECTED
    assert any(
        re.match(r"a helper process failed \(.*\); collecting its \d+ here", s) for s in said
    )


def _helpers_alive(group: int) -> list[int]:
    """The spawned processes of a process group still running (not multiprocessing's
    resource tracker, which ends by itself once the controller has ended)."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue  # ended meanwhile
        if int(fields[2]) == group and fields[0] != "Z" and b"spawn_main" in command:
            alive.append(int(stat.parent.name))
    return alive


@pytest.mark.skipif(sys.platform != "linux", reason="process groups, as a terminal's (/proc)")
def test_ctrl_c_is_answered_by_the_controller_alone(world: dict[str, Any]) -> None:
    """Ctrl-C in a terminal interrupts every process of its group: the controller answers
    with one line and ends its helpers, which say nothing (no traceback from each)."""
    world["github"].latency = 0.3  # the helpers are still collecting when Ctrl-C comes
    script = (
        "from woaport import controller; controller.MIN_SHARE = 1; "
        "from woaport.cli import main; main()"
    )
    command = [sys.executable, "-c", script, "controller", "update"]
    command += ["--inventory", str(world["folder"]), "--index-url", world["index"].url]
    command += ["--top", "0", "--processes", "3", "--workers", "2"]
    # As a terminal's foreground command: SIGINT at its default even where these tests run
    # with it ignored (a background job of a non-interactive shell: `pytest &`), which the
    # child would inherit and which Python keeps.
    child = subprocess.Popen(
        command,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert child.stderr is not None
    said = []
    for line in child.stderr:
        said.append(line)
        if "processes collect" in line:
            os.killpg(child.pid, signal.SIGINT)
            break
    said += child.stderr.readlines()
    assert child.wait() == 130, said
    assert "Traceback" not in "".join(said) and said[-1] == "woaport: aborted\n"
    assert _helpers_alive(child.pid) == []


def test_a_factory_that_cannot_reach_a_helper_leaves_one_process(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    said: list[str] = []
    request = _dealt_out(world, monkeypatch, workers=2, processes=2)
    result = update(request, github_factory=lambda cache: GitHub(cache=cache), progress=said.append)
    assert result.errors == [] and len(result.changes) == len(EXPECTED)
    assert "the GitHub client factory cannot be sent to a helper: one process collects" in said


def test_the_cache_keeps_what_the_controller_reads_of_runs_and_releases(
    world: dict[str, Any],
) -> None:
    """Workflow runs (each names two repositories of ~100 fields) and releases (authors,
    uploaders) are cached as far as they are read, in a named shape."""
    run_update(world)
    entries = json.loads((world["folder"] / ".cache" / "controller.json").read_text())
    runs = {u: e for u, e in entries.items() if "/actions/workflows/" in u}
    listed = {u: e for u, e in entries.items() if u.split("?")[0].endswith("/releases")}
    assert runs and listed
    for entry in runs.values():
        assert entry["shape"] == "run-v1"
        for run in entry["body"]["workflow_runs"]:
            assert set(run) <= set(controller.RUN_FIELDS) and run["head_sha"]
    for entry in listed.values():
        assert entry["shape"] == "release-v1"
        assert all("author" not in r and r["body"] for r in entry["body"])


def test_a_failed_build_is_diagnosed_once(world: dict[str, Any]) -> None:
    run_update(world)
    status = json.loads((world["folder"] / "status.json").read_text())
    entry = status["packages"]["p-buildfail"]
    assert (entry["state"], entry["stage"]) == ("failing", "build")
    assert "build-environment: An object file built for x64" in entry["cause"]
    assert world["github"].hits["GET run logs"] == 1
    run_update(world)
    assert world["github"].hits["GET run logs"] == 1  # remembered by run id, not fetched again


def test_second_refresh_is_answered_by_304s(world: dict[str, Any]) -> None:
    run_update(world)
    status_before = (world["folder"] / "status.json").read_bytes()
    second = run_update(world)
    assert second.changes == [] and not second.status_changed
    assert (world["folder"] / "status.json").read_bytes() == status_before  # nothing to commit
    assert second.not_modified / second.requests >= 0.9, second.to_json()


def test_failing_sources_keep_facts_and_mark_them_stale(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    run_update(world)
    world["github"].fault("GET", r"^/repos/me/p-stale/", status=500, times=1000)
    world["index"].state.fail_paths["/simple/p-backlog/"] = 503
    result = run_update(world)
    status = json.loads((world["folder"] / "status.json").read_text())
    stale = status["packages"]["p-stale"]
    assert stale["state"] == "ci-validated"  # unchanged, not flipped to failing/in-progress
    assert stale["stale"]["ci"] is True and stale["facts"]["ci"]["conclusion"] == "success"
    assert status["packages"]["p-backlog"]["stale"]["pypi"] is True
    assert status["packages"]["p-backlog"]["state"] == "ready"
    assert {e.split(" ")[0] for e in result.errors} == {"p-stale", "p-backlog"}
    assert result.changes == []
    readme = (world["folder"] / "README.md").read_text()
    assert "⚠ stale" in readme


def test_a_device_result_moves_a_package_and_the_commit_message_says_so(
    world: dict[str, Any], tmp_path: Path
) -> None:
    run_update(world)
    repo = "me/p-civalid"
    queue = fork_queue(world, repo)
    (item,) = queue.items().items
    queue.publish_result(item, device_result(item, "sp11", "pass"))
    message = tmp_path / "msg.txt"
    second = run_update(world, changes_file=message)
    assert [str(c) for c in second.changes] == [
        "p-civalid: ci-validated -> device-validated (passed on sp11)"
    ]
    assert message.read_text().splitlines()[0] == "inventory: 1 state change(s)"
    history = json.loads((world["folder"] / "status.json").read_text())["packages"]["p-civalid"][
        "history"
    ]
    assert [h["to"] for h in history] == ["ci-validated", "device-validated"]


def test_results_for_another_artifact_do_not_count(world: dict[str, Any]) -> None:
    repo = "me/p-civalid"
    queue = fork_queue(world, repo)
    (item,) = queue.items().items
    other = ArtifactRecord(filename="x.whl", size=1, sha256="f" * 64, role=Role.UNDER_TEST)
    queue.publish_result(item, device_result(item, "sp11", "pass", artifacts=(other,)))
    run_update(world)
    status = json.loads((world["folder"] / "status.json").read_text())
    assert status["packages"]["p-civalid"]["state"] == "ci-validated"


def test_controller_command(world: dict[str, Any], woaport: Run) -> None:
    result = woaport(
        "controller",
        "update",
        "--inventory",
        world["folder"],
        "--index-url",
        world["index"].url,
        "--top",
        "0",
        "--json",
    )
    assert result.code == 0, result.err
    assert len(json.loads(result.out)["changes"]) == len(EXPECTED)


def test_the_controller_follows_the_upstream_pull_request(
    github: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """in-pr while open, done once merged, native with the release; read conditionally
    (an unchanged pull request is a 304), and a GitHub failure keeps the last state, stale."""
    monkeypatch.setenv("WOAPORT_TOKEN", github.token)
    monkeypatch.setenv("GITHUB_API_URL", github.api_url)
    github.add_repo("o/a")
    github.add_pull("o/a", 7, state="open", merged=False)
    with serve() as index:
        index.add("a", {"a-1.0-cp312-cp312-win_amd64.whl": b"wheel"})
        folder = tmp_path / "inventory"
        folder.mkdir()
        (folder / "packages.yml").write_text(f"packages: [{{name: a, upstream_pr: '{PR}'}}]\n")
        request = UpdateRequest(inventory=folder, index_url=index.url, workers=2, top=0)

        def entry() -> PackageStatus:
            return inventory.load_status(folder / "status.json").packages["a"]

        first = update(request)
        assert first.errors == [] and entry().state is State.IN_PR
        assert entry().facts.pr is not None and entry().facts.pr.state == "open"
        before = github.not_modified
        second = update(request)
        assert second.changes == [] and github.not_modified == before + 1
        assert github.hits["GET /repos/o/a/pulls/7"] == 2

        github.repos["o/a"].pulls[7] = {"state": "closed", "merged": True}
        third = update(request)
        assert [str(c) for c in third.changes] == [
            f"a: in-pr -> done (upstream merged {PR} on 2026-11-01; "
            "win_arm64 wheels come with its next release)"
        ]
        github.fault("GET", r"^/repos/o/a/pulls/7$", status=404, times=10)
        fourth = update(request)
        assert fourth.changes == [] and entry().state is State.DONE and entry().stale["pr"]
        assert fourth.errors[0].startswith("a pr: GET ")

        index.state.projects["a"].files["a-1.1-cp312-cp312-win_arm64.whl"] = b"arm64"
        fifth = update(request)
        assert [f"{c.before} -> {c.after}" for c in fifth.changes] == ["done -> native"]
        readme = (folder / "README.md").read_text()
        assert f"[PR]({PR}) (merged)" in readme


# -- the README -----------------------------------------------------------------------------
def test_golden_readme() -> None:
    expected = (CASES / "README.md").read_text()
    assert readme_of(CASES) == expected


def test_controller_help_has_examples(woaport: Run) -> None:
    help_text = woaport("controller", "update", "--help").out
    assert "Examples:" in help_text and "--processes 4" in help_text


def test_shipped_inventory_readme_is_fresh(woaport: Run) -> None:
    """inventory/README.md and index.html are generated; a stale one fails here."""
    result = woaport("inventory", "render", "--inventory", ROOT / "inventory", "--check")
    assert result.code == 0, result.err


def test_shipped_inventory_validates(woaport: Run) -> None:
    result = woaport("inventory", "validate", "--inventory", ROOT / "inventory")
    assert result.code == 0, result.out


names = st.from_regex(r"[a-z][a-z0-9]{0,6}", fullmatch=True)


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        names,
        st.tuples(
            st.sampled_from(list(State)),
            st.integers(0, 5),
            st.sampled_from(["", "x | y", "fail\nline"]),
        ),
        min_size=1,
        max_size=25,
    )
)
def test_every_package_appears_exactly_once(
    packages_and_states: dict[str, tuple[State, int, str]],
) -> None:
    packages = [
        inventory.Package(name=n, priority=p) for n, (_, p, _) in packages_and_states.items()
    ]
    status = Status(
        updated="2026-11-21T00:00:00Z",
        packages={
            n: PackageStatus(name=n, state=s, cause=c)
            for n, (s, _, c) in packages_and_states.items()
        },
    )
    text = readme(packages, status, inventory.History())
    rows = [line for line in text.splitlines() if line.startswith("| **")]
    assert sorted(r.split("**")[1] for r in rows) == sorted(packages_and_states)
    header = next(line for line in text.splitlines() if line.startswith("| package | rank"))
    unescaped = re.compile(r"(?<!\\)\|")
    assert all(len(unescaped.findall(r)) == len(unescaped.findall(header)) for r in rows)


# -- next and validate --------------------------------------------------------------------------
def test_next_orders_by_priority_then_dependents(woaport: Run, tmp_path: Path) -> None:
    folder = tmp_path / "inv"
    folder.mkdir()
    (folder / "packages.yml").write_text(
        yaml.safe_dump(
            {
                "packages": [
                    {"name": "cramjam", "priority": 5},
                    {"name": "fastparquet", "priority": 5, "depends_on": ["cramjam"]},
                    {"name": "zlib-thing", "priority": 5, "rank": 3},
                    {"name": "first", "priority": 1},
                    {"name": "done", "priority": 0},
                ]
            }
        )
    )
    status = Status(
        updated="2026-11-21T00:00:00Z",
        packages={
            "cramjam": PackageStatus(name="cramjam", state=State.READY, cause="sdist only"),
            "fastparquet": PackageStatus(name="fastparquet", state=State.AWAITING_PARENTS),
            "zlib-thing": PackageStatus(
                name="zlib-thing", state=State.FAILING, stage="build", cause="run 3 failure"
            ),
            "first": PackageStatus(name="first", state=State.READY),
            "done": PackageStatus(name="done", state=State.NATIVE),
        },
    )
    (folder / "status.json").write_text(json.dumps(status.to_json()))
    result = woaport("inventory", "next", "--inventory", folder, "-n", "3", "--json")
    picks = json.loads(result.out)["next"]
    assert [p["name"] for p in picks] == ["first", "cramjam", "zlib-thing"]
    assert "unblocks fastparquet" in picks[1]["reasons"]
    assert "failing at build: run 3 failure" in picks[2]["reasons"]


@pytest.mark.parametrize(
    ("packages", "message"),
    [
        ([{"name": "a", "depends_on": ["ghost"]}], "'ghost' is not in the inventory"),
        ([{"name": "a"}, {"name": "A"}], "listed twice"),
        (
            [{"name": "a", "depends_on": ["b"]}, {"name": "b", "depends_on": ["a"]}],
            "dependency cycle a -> b -> a",
        ),
        ([{"name": "a", "contract": "nope-main"}], "no contract 'nope-main' in contracts/"),
        ([{"name": "a", "fork": {"branch": "x"}}], "'repo' is a required property"),
        ([{"name": "a", "prio": 1}], "Additional properties are not allowed"),
        (
            [{"name": "a", "upstream_pr": "https://github.com/o/a/issues/3"}],
            "packages.0.upstream_pr: 'https://github.com/o/a/issues/3' does not match",
        ),
    ],
)
def test_validate_problems(
    woaport: Run, tmp_path: Path, packages: list[dict[str, Any]], message: str
) -> None:
    folder = tmp_path / "inventory"
    folder.mkdir()
    (tmp_path / "contracts").mkdir()
    shutil.copy(ROOT / "contracts" / "orjson.yml", tmp_path / "contracts")
    (folder / "packages.yml").write_text(yaml.safe_dump({"packages": packages}))
    result = woaport("inventory", "validate", "--inventory", folder)
    assert result.code == 1
    assert message in result.out


def test_missing_inventory_is_bad_input(woaport: Run, tmp_path: Path) -> None:
    result = woaport("inventory", "next", "--inventory", tmp_path)
    assert result.code == 2 and "packages.yml" in result.err
