"""The tracker: the top-N list, what a release offers Windows on Arm (per Python, regressions),
the dependency graph from core metadata and markers, history, and the controller following
the top N against the fake index. Documents and their schemas are kept in step here too."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest

from fakeindex import FakeIndex, serve
from woaport import depgraph, inventory, toppypi
from woaport.controller import UpdateRequest, update
from woaport.documents.base import schema
from woaport.documents.facts import (
    TARGETS,
    DeviceFacts,
    IndexFacts,
    Kind,
    PackageFacts,
    QueueFacts,
    Regression,
    RunFacts,
)
from woaport.documents.states import State
from woaport.documents.status import PackageStatus, Status, TopSource, Transition
from woaport.documents.verdicts import Verdict
from woaport.errors import InvalidDocument
from woaport.http import make_session
from woaport.index import IndexFile

ROOT = Path(__file__).parent.parent


# -- documents: schema and type in step ---------------------------------------------------------
def _properties(name: str, *path: str) -> set[str]:
    node: Any = schema(name)
    for key in path:
        node = node[key]
        if "oneOf" in node:
            node = next(n for n in node["oneOf"] if n.get("type") == "object")
    return set(node["properties"])


def _fields(cls: type) -> set[str]:
    return {f.name for f in dataclasses.fields(cls)}


@pytest.mark.parametrize(
    ("cls", "schema_name", "path", "extra"),
    [
        (PackageFacts, "facts", (), set()),
        (IndexFacts, "facts", ("properties", "pypi"), set()),
        (Regression, "facts", ("properties", "pypi", "properties", "regressed"), set()),
        (RunFacts, "facts", ("properties", "ci"), set()),
        (QueueFacts, "facts", ("properties", "queue"), set()),
        (
            DeviceFacts,
            "facts",
            ("properties", "queue", "properties", "devices", "additionalProperties"),
            set(),
        ),
        (PackageStatus, "status", ("properties", "packages", "additionalProperties"), set()),
        (Status, "status", (), {"status_version"}),
        (TopSource, "status", ("properties", "top"), set()),
        (inventory.CoveragePoint, "history", ("properties", "points", "items"), set()),
        (inventory.History, "history", (), {"history_version"}),
    ],
)
def test_schema_and_type_in_step(
    cls: type, schema_name: str, path: tuple[str, ...], extra: set[str]
) -> None:
    assert _properties(schema_name, *path) == _fields(cls) | extra


def test_enums_and_schemas_name_the_same_words() -> None:
    package = schema("status")["properties"]["packages"]["additionalProperties"]
    assert package["properties"]["state"]["enum"] == [str(s) for s in State]
    pypi = schema("facts")["properties"]["pypi"]
    assert pypi["properties"]["kind"]["enum"] == [str(k) for k in Kind]
    assert pypi["properties"]["coverage"]["items"]["enum"] == list(TARGETS)
    assert schema("facts")["$defs"]["verdict"]["enum"] == [str(v) for v in Verdict]


def test_every_state_carries_its_words() -> None:
    for state in State:
        assert state.badge and state.legend and state.order == list(State).index(state)
    assert {s for s in State if s.done} == {State.NATIVE, State.PURE, State.DEVICE_VALIDATED}
    assert {s for s in State if s.satisfied} == {
        State.NATIVE,
        State.PURE,
        State.DEVICE_VALIDATED,
        State.CI_VALIDATED,
    }


FULL_STATUS = Status(
    updated="2026-11-21T00:00:00Z",
    top=TopSource(source="snapshot", last_update="2026-04-01", count=1),
    packages={
        "a": PackageStatus(
            name="A",
            state=State.FAILING,
            stage="device-contract",
            cause="x13s: fail",
            blocked_by=("b",),
            facts=PackageFacts(
                pypi=IndexFacts(
                    version="2.0",
                    kind=Kind.NEEDS_PORTING,
                    pythons=(),
                    coverage=(),
                    regressed=Regression(last_native="1.0", latest="2.0", latest_has_sdist=True),
                    requires=("b",),
                    checked="t",
                ),
                ci=RunFacts(run_id=1, run_number=2, status="completed", conclusion="success"),
                queue=QueueFacts(
                    item_id="i",
                    payload=Verdict.PASS,
                    ci_verdict=Verdict.PASS,
                    devices={"x13s": DeviceFacts(verdict=Verdict.FAIL, reason="r")},
                ),
            ),
            stale={"pypi": False, "ci": True},
            since="t",
            history=(Transition(package="a", before=None, after=State.FAILING, at="t"),),
            rank=1,
            downloads=10,
            reach=3,
            unblocks_downloads=30,
            first_native="2026-01-01",
        )
    },
)


def test_documents_round_trip() -> None:
    assert Status.from_json(json.loads(json.dumps(FULL_STATUS.to_json()))) == FULL_STATUS
    history = inventory.record_history(inventory.History(), FULL_STATUS, "2026-11-21")
    assert inventory.History.from_json(history.to_json()) == history


@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (lambda d: d["packages"]["a"].update(state="upstream"), "packages/a/state"),
        (lambda d: d["packages"]["a"]["facts"]["pypi"].update(kind="binary-only"), "pypi/kind"),
        (lambda d: d.update(status_version=1), "status_version"),
    ],
)
def test_invalid_status_is_refused_with_its_place(mutate: Any, where: str) -> None:
    document = FULL_STATUS.to_json()
    mutate(document)
    with pytest.raises(InvalidDocument, match=where.split("/")[-1]):
        Status.from_json(document)


def test_a_bad_status_file_exits_2(woaport: Any, tmp_path: Path) -> None:
    (tmp_path / "packages.yml").write_text("packages: [{name: a}]\n")
    (tmp_path / "status.json").write_text(json.dumps({"status_version": 1, "packages": {}}))
    result = woaport("inventory", "next", "--inventory", tmp_path)
    assert result.code == 2 and "status.json" in result.err


# -- what the latest release offers ------------------------------------------------------------
def files(*names: str, yanked: tuple[str, ...] = ()) -> list[IndexFile]:
    return [
        IndexFile(
            filename=n, url=f"https://x/{n}", sha256=None, requires_python=None, yanked=n in yanked
        )
        for n in names
    ]


@pytest.mark.parametrize(
    ("names", "kind", "coverage"),
    [
        # tonybaloney's tracker counts py3-none-<platform> wheels as pure; they are native.
        (["x-1.0-py3-none-win_arm64.whl", "x-1.0.tar.gz"], Kind.NATIVE, TARGETS),
        (
            ["x-1.0-cp311-abi3-win_arm64.whl"],
            Kind.NATIVE,
            ("cp311", "cp312", "cp313", "cp314", "cp315"),
        ),
        (
            ["x-1.0-cp312-cp312-win_arm64.whl", "x-1.0-cp313-cp313t-win_arm64.whl"],
            Kind.NATIVE,
            ("cp312", "cp313t"),
        ),
        (["x-1.0-py3-none-any.whl", "x-1.0-cp312-cp312-win_amd64.whl"], Kind.PURE, ()),
        # Native wheels elsewhere and an sdist: it needs porting (not "sdist-only").
        (["x-1.0-cp312-cp312-win_amd64.whl", "x-1.0.tar.gz"], Kind.NEEDS_PORTING, ()),
        (["x-1.0-cp312-cp312-manylinux_2_17_x86_64.whl"], Kind.NEEDS_PORTING, ()),
        (["x-1.0.tar.gz"], Kind.SDIST_ONLY, ()),
        ([], Kind.NO_FILES, ()),
    ],
)
def test_index_facts(names: list[str], kind: Kind, coverage: tuple[str, ...]) -> None:
    facts = inventory.index_facts("x", files(*names), "t")
    assert (facts.kind, facts.coverage) == (kind, coverage)
    assert facts.regressed is None


def test_a_regression_names_what_pip_installs() -> None:
    facts = inventory.index_facts(
        "x",
        files(
            "x-1.0-cp312-cp312-win_arm64.whl",
            "x-1.1-cp312-cp312-win_arm64.whl",
            "x-1.2rc1-cp312-cp312-win_arm64.whl",  # a pre-release is not what pip picks
            "x-2.0-cp312-cp312-win_amd64.whl",
            "x-2.0.tar.gz",
        ),
        "t",
    )
    assert facts.kind is Kind.NEEDS_PORTING
    assert facts.regressed == Regression(last_native="1.1", latest="2.0", latest_has_sdist=True)
    assert "--only-binary=:all: installs 1.1" in facts.regressed.pip_installs
    no_sdist = inventory.index_facts(
        "x", files("x-1.0-py3-none-win_arm64.whl", "x-2.0-cp312-cp312-win_amd64.whl"), "t"
    )
    assert no_sdist.regressed is not None and no_sdist.regressed.pip_installs == "pip installs 1.0"


def test_an_older_pure_wheel_is_what_pip_only_binary_installs() -> None:
    # semgrep and litellm on the index today: earlier releases had a py3-none-any wheel,
    # the latest has platform wheels only; pip --only-binary=:all: takes the older one.
    facts = inventory.index_facts(
        "x",
        files("x-1.0-py3-none-any.whl", "x-2.0-cp310-abi3-win_amd64.whl", "x-2.0.tar.gz"),
        "t",
    )
    assert (facts.kind, facts.regressed, facts.binary_fallback) == (
        Kind.NEEDS_PORTING,
        None,
        "1.0",
    )


def test_legacy_file_names_of_another_project_do_not_count() -> None:
    # selenium-2.0-dev-9429.tar.gz on the index parses as project "selenium-2.0-dev",
    # version 9429: it is not selenium's latest release.
    facts = inventory.index_facts(
        "selenium",
        files("selenium-2.0-dev-9429.tar.gz", "selenium-4.52.0-py3-none-any.whl"),
        "t",
    )
    assert (facts.version, facts.kind) == ("4.52.0", Kind.PURE)


def test_states_for_packages_nobody_listed() -> None:
    top_only = inventory.Package(name="x", listed=False)
    sdist = PackageFacts(pypi=IndexFacts(version="1", kind=Kind.SDIST_ONLY))
    needs = PackageFacts(pypi=IndexFacts(version="1", kind=Kind.NEEDS_PORTING))
    assert inventory.assess(top_only, sdist, {}).state is State.SDIST_ONLY
    assert inventory.assess(top_only, needs, {}).state is State.READY
    pr = inventory.Package(name="x", upstream_pr="https://github.com/o/x/pull/1")
    assert inventory.assess(pr, needs, {}).state is State.IN_PR
    # An sdist-only dependency may well be pure Python: it does not hold a package back.
    assert inventory.assess(top_only, needs, {"y": State.SDIST_ONLY}).state is State.READY


# -- markers and metadata ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("line", "required"),
    [
        ("pywin32>=306; sys_platform == 'win32'", True),
        ("uvloop; sys_platform != 'win32'", False),
        ("intel-only; platform_machine == 'x86_64' or platform_machine == 'AMD64'", False),
        ("arm-only; platform_machine == 'ARM64'", True),
        ("winreg-thing; platform_system == 'Windows' and os_name == 'nt'", True),
        ("pytest; extra == 'test'", False),
        ("backport; python_version < '3.11'", False),
        ("tomli>=1; python_version < '3.12'", True),  # 3.11 is supported
        ("nogil-helper; implementation_name == 'pypy'", False),
        ("Typing_Extensions>=4", True),
        ("not a requirement !!", False),
    ],
)
def test_requirements_on_windows_arm64(line: str, required: bool) -> None:
    names = depgraph.required_on_win_arm64([line], own="self")
    assert bool(names) is required
    if required:
        assert names[0] == names[0].lower().replace("_", "-")


def test_own_name_is_not_a_dependency() -> None:
    assert depgraph.required_on_win_arm64(["Self[extra]>=1", "b"], own="self") == ("b",)


def metadata(name: str, *requires: str) -> bytes:
    lines = ["Metadata-Version: 2.1", f"Name: {name}", "Version: 1.0"]
    lines += [f"Requires-Dist: {r}" for r in requires]
    return ("\n".join(lines) + "\n\n").encode()


def wheel_bytes(name: str, *requires: str, padding: int = 0) -> bytes:
    """A real zip: a big incompressible member first, so METADATA sits far from the start."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(f"{name}/big.bin", os.urandom(padding))
        z.writestr(f"{name}-1.0.dist-info/METADATA", metadata(name, *requires))
        z.writestr(f"{name}-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\n")
    return buffer.getvalue()


def test_requires_dist_from_pep658_metadata() -> None:
    with serve() as index:
        wheel = "a-1.0-py3-none-any.whl"
        index.add("a", {wheel: b"not even a zip"})
        index.state.projects["a"].metadata[wheel] = metadata("a", "b>=1", "c; extra == 'x'")
        (found,) = _files(index, "a")
        lines = depgraph.fetch_requires_dist(make_session(retries=0), found)
        assert lines == ["b>=1", "c; extra == 'x'"]
        assert index.state.hits["/files/a/a-1.0-py3-none-any.whl"] == 0  # the wheel: never


def test_requires_dist_by_ranges_when_the_index_has_no_metadata_file() -> None:
    with serve() as index:
        wheel = "a-1.0-py3-none-any.whl"
        data = wheel_bytes("a", "b", "c; sys_platform == 'linux'", padding=3 << 20)
        index.add("a", {wheel: data})
        (found,) = _files(index, "a")
        lines = depgraph.fetch_requires_dist(make_session(retries=0), found)
        assert lines is not None and depgraph.required_on_win_arm64(lines) == ("b",)
        # Two 64 KiB blocks from the end, not the 3 MiB wheel.
        assert index.state.hits["/files/a/a-1.0-py3-none-any.whl"] <= 3


def _files(index: FakeIndex, name: str) -> list[IndexFile]:
    from woaport.index import fetch_files

    return fetch_files(make_session(retries=0), index.url, name)


def test_waiting_on_follows_chains_and_survives_cycles() -> None:
    graph = {"app": ["lib"], "lib": ["core"], "tool": ["core"], "core": [], "x": ["y"], "y": ["x"]}
    waiting = depgraph.waiting_on(graph)
    assert waiting["core"] == {"app", "lib", "tool"}
    assert waiting["lib"] == {"app"}
    assert waiting["x"] == {"y"} and waiting["y"] == {"x"}


# -- the top-N list ---------------------------------------------------------------------------
def test_committed_snapshot() -> None:
    top = toppypi.load_snapshot(ROOT / "inventory" / toppypi.SNAPSHOT_NAME, 5000)
    assert len(top.packages) == 5000
    assert top.packages[0].name == "boto3" and top.packages[0].rank == 1
    assert top.last_update == "2026-04-01 06:34:06"
    downloads = [p.downloads for p in top.packages]
    assert downloads == sorted(downloads, reverse=True)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"rows": "x"}, "no 'rows' list"),
        ({"rows": [{"project": "<script>", "download_count": 1}]}, "not a project name"),
        ({"rows": [{"project": "a", "download_count": -1}]}, "download_count"),
        ({"rows": [{}] * (toppypi.MAX_ROWS + 1)}, "rows is over"),
    ],
)
def test_top_list_is_checked(document: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidDocument, match=message):
        toppypi.parse(document, "top.json", 10)


def test_top_list_keeps_the_first_of_duplicates_and_counts() -> None:
    rows = [
        {"project": n, "download_count": 10 - i} for i, n in enumerate(["A_b", "a-b", "c", "d"])
    ]
    top = toppypi.parse({"rows": rows}, "t", 2)
    assert [(p.name, p.rank) for p in top.packages] == [("A_b", 1), ("c", 2)]


# -- the controller following the top N ---------------------------------------------------------
def top_document(*rows: tuple[str, int]) -> bytes:
    return json.dumps(
        {
            "last_update": "2026-11-01 00:00:00",
            "rows": [{"project": p, "download_count": d} for p, d in rows],
        }
    ).encode()


def add_wheel(index: FakeIndex, name: str, tag: str, *requires: str, version: str = "1.0") -> None:
    wheel = f"{name.replace('-', '_')}-{version}-{tag}.whl"
    project = index.state.projects.get(name)
    if project is None:
        index.add(name, {})
        project = index.state.projects[name]
    project.files[wheel] = wheel.encode()
    project.metadata[wheel] = metadata(name, *requires)


@pytest.fixture
def tracker(tmp_path: Path) -> Any:
    with serve() as index:
        add_wheel(index, "lib-core", "cp312-cp312-win_amd64")
        add_wheel(
            index, "lib-app", "cp312-cp312-win_amd64", "lib-core>=1", "pytest; extra == 'test'"
        )
        add_wheel(index, "lib-pure", "py3-none-any", "lib-core; sys_platform == 'win32'")
        add_wheel(index, "lib-win", "py3-none-win_arm64", "lib-linux; sys_platform == 'linux'")
        add_wheel(index, "lib-linux", "cp312-cp312-manylinux_2_17_x86_64")
        index.add("lib-src", {"lib_src-1.0.tar.gz": b"sdist"})
        index.add(
            "top",
            {
                "top.min.json": top_document(
                    ("lib-app", 500),
                    ("lib-pure", 400),
                    ("lib-core", 300),
                    ("lib-win", 200),
                    ("lib-src", 100),
                    ("lib-linux", 50),
                )
            },
        )
        folder = tmp_path / "inventory"
        folder.mkdir()
        (folder / "packages.yml").write_text("packages: [{name: lib-core, priority: 1}]\n")
        yield index, folder


def run_tracker(index: FakeIndex, folder: Path, top_url: str | None = None) -> Any:
    url = top_url or index.url.replace("/simple/", "/files/top/top.min.json")
    request = UpdateRequest(inventory=folder, index_url=index.url, workers=4, top=6, top_url=url)
    return update(request)


def test_the_top_n_with_computed_blockers(tracker: Any) -> None:
    index, folder = tracker
    result = run_tracker(index, folder)
    assert result.errors == []
    status = inventory.load_status(folder / "status.json")
    states = {k: e.state for k, e in status.packages.items()}
    assert states == {
        "lib-app": State.AWAITING_PARENTS,
        "lib-pure": State.PURE,
        "lib-core": State.READY,
        "lib-win": State.NATIVE,
        "lib-src": State.SDIST_ONLY,
        "lib-linux": State.READY,
    }
    app, core = status.packages["lib-app"], status.packages["lib-core"]
    assert app.blocked_by == ("lib-core",) and "awaiting parents: lib-core (ready)" in app.cause
    assert app.facts.pypi is not None and app.facts.pypi.requires == ("lib-core",)
    assert (core.rank, core.downloads) == (3, 300)
    # lib-app and lib-pure (pure, yet useless on Windows on Arm until lib-core is ported).
    assert core.reach == 2 and core.unblocks_downloads == 900
    assert status.packages["lib-linux"].reach == 0  # lib-win needs it on Linux only
    assert status.packages["lib-win"].facts.pypi.coverage == TARGETS  # type: ignore[union-attr]
    history = inventory.load_history(folder / "history.json")
    (point,) = history.points
    assert (point.top, point.installable, point.native, point.pure) == (6, 2, 1, 1)
    assert point.with_dependencies == 1  # lib-pure is pure, but requires lib-core
    assert set(history.first_native) == {"lib-win"}
    readme = (folder / "README.md").read_text()
    assert "**33.3%** of the top 6 PyPI packages" in readme
    needs = readme.split("## Needs porting")[1].split("## Packages people follow")[0]
    assert needs.index("| 3 | lib-core |") < needs.index("| 1 | lib-app |")  # by reach
    assert (folder / "index.html").is_file()


def test_unchanged_refresh_is_answered_by_304s_and_memos(tracker: Any) -> None:
    index, folder = tracker
    run_tracker(index, folder)
    before = (folder / "status.json").read_bytes()
    second = run_tracker(index, folder)
    assert second.changes == [] and not second.status_changed
    assert (folder / "status.json").read_bytes() == before
    assert second.remembered >= 5  # Requires-Dist by wheel hash, not downloaded again
    assert second.answered_without_download >= 0.9, second.to_json()


def project_pages(index: FakeIndex) -> int:
    return sum(n for path, n in index.state.hits.items() if path.startswith("/simple/"))


def test_a_304_reuses_what_was_derived_from_the_page(tracker: Any) -> None:
    index, folder = tracker
    run_tracker(index, folder)
    cache = json.loads((folder / ".cache" / "controller.json").read_text())
    page = cache[index.url + "lib-app/"]["body"]
    # What was derived is kept under the ETag, not the page (megabytes for big projects).
    assert set(page) == {"derived", "facts", "wheel"} and page["facts"]["kind"] == "needs-porting"
    before, asked = index.state.not_modified, project_pages(index)
    status = (folder / "status.json").read_bytes()
    second = run_tracker(index, folder)
    assert index.state.not_modified - before == project_pages(index) - asked == 6
    assert second.changes == [] and (folder / "status.json").read_bytes() == status


def test_what_other_code_derived_is_not_reused(
    tracker: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from woaport import controller

    index, folder = tracker
    run_tracker(index, folder)
    monkeypatch.setattr(controller, "derivation", lambda: "another version")
    before = index.state.not_modified
    run_tracker(index, folder)
    assert index.state.not_modified == before  # every page read anew
    cache = json.loads((folder / ".cache" / "controller.json").read_text())
    assert cache[index.url + "lib-app/"]["body"]["derived"] == "another version"


def test_with_a_proxy_or_netrc_the_controller_uses_requests(
    tracker: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # requests reads NETRC/proxies per request; the urllib3 Client does not, so it stands
    # aside: the same answers, counted the same way.
    import requests

    from woaport.controller import Connections, Memos
    from woaport.github import GitHub
    from woaport.http import EtagCache

    index, folder = tracker
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))
    connections = Connections(EtagCache(), Memos(None), lambda cache: GitHub(cache=cache))
    assert isinstance(connections.session(), requests.Session)
    assert isinstance(connections.github().session, requests.Session)
    first = run_tracker(index, folder)
    second = run_tracker(index, folder)
    assert first.errors == [] and second.changes == []
    # 6 pages, 5 metadata files and the top list (served without an ETag); then 6 304s.
    assert (first.requests, second.requests, second.not_modified) == (12, 7, 6)


def test_first_seen_native_never_moves(tracker: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    index, folder = tracker
    run_tracker(index, folder)
    history = json.loads((folder / "history.json").read_text())
    history["first_native"]["lib-win"] = "2026-01-02"  # as if seen long ago
    (folder / "history.json").write_text(json.dumps(history))
    add_wheel(index, "lib-win", "cp312-cp312-win_amd64", version="2.0")  # a regression
    run_tracker(index, folder)
    status = inventory.load_status(folder / "status.json")
    win = status.packages["lib-win"]
    assert win.state is State.READY and win.first_native == "2026-01-02"
    assert win.facts.pypi is not None and win.facts.pypi.regressed == Regression(
        last_native="1.0", latest="2.0", latest_has_sdist=False
    )
    assert "regressed: 1.0 had win_arm64 wheels, pip installs 1.0" in win.cause
    add_wheel(index, "lib-win", "py3-none-win_arm64", version="3.0")  # back again
    run_tracker(index, folder)
    again = inventory.load_history(folder / "history.json")
    assert again.first_native["lib-win"] == "2026-01-02"


def test_the_snapshot_stands_in_when_the_list_is_unreachable(tracker: Any) -> None:
    index, folder = tracker
    (folder / toppypi.SNAPSHOT_NAME).write_bytes(top_document(("lib-core", 7)))
    index.state.fail_paths["/files/top/top.min.json"] = 503
    result = run_tracker(index, folder)
    assert result.top_source == toppypi.SNAPSHOT_NAME
    status = inventory.load_status(folder / "status.json")
    assert set(status.packages) == {"lib-core"} and status.packages["lib-core"].downloads == 7


def test_month_ago_point() -> None:
    point = inventory.CoveragePoint(date="2026-10-01", top=1, installable=0, native=0, pure=0)
    later = dataclasses.replace(point, date="2026-11-01", installable=1)
    history = inventory.History(points=(point, later))
    assert history.month_ago("2026-11-10") == point
    assert history.month_ago("2026-10-20") is None
