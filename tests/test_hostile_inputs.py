"""The hostile-input suite (issue 12): each class of bad input, generated here, handed to
every command that reads it, run as a real, resource-limited process (tests/hostilekit.py).

Each case asserts the exit code, one line on stderr where the promise is "exit 2, one line",
no traceback, and a time bound; the memory and CPU bounds are the child's resource limits.
The cases run concurrently (they are processes that mostly wait), once per module; each
test reports its own case. Wheels and inspect's inputs are tests/test_hostile_inspect.py's,
sdists and source trees tests/test_hostile_analyze.py's.

In-process property tests (hypothesis) pin the two shared guards, woaport.safepath and
woaport.bounded, and a test keeps the README's "Limits" table in step with
woaport.limits.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cext import build_pure_wheel
from fakeindex import FakeIndex
from hostilekit import Outcome, assert_handled, outcomes_against_fakes, run_bounded
from queuekit import device_result, github_queue
from wheelkit import write_wheel
from woaport import bounded, limits, safepath
from woaport.artifacts import classify
from woaport.contract import from_dict
from woaport.devicequeue.manifest import build_manifest
from woaport.documents.manifest import Manifest, Provenance
from woaport.errors import BadInput, InvalidDocument
from woaport.github import GitHub

ROOT = Path(__file__).resolve().parent.parent
WALL = 30.0  # seconds one run may take on a loaded 2-core machine; CPU is capped at 20 s
DEEP = 100_000  # levels of nesting: far past Python's recursion limit and libyaml's stack
ALLOW = "me/fork"


# -- generators of hostile input ------------------------------------------------------------
def deep_json(levels: int = DEEP) -> str:
    return "[" * levels + "]" * levels


def deep_yaml(levels: int = DEEP, key: str = "a") -> str:
    return f"{key}: " + "[" * levels + "]" * levels + "\n"


def deep_toml(levels: int = DEEP, key: str = "a") -> str:
    return f"{key} = " + "[" * levels + "]" * levels + "\n"


def alias_bomb(levels: int = 9, width: int = 9, indent: str = "") -> str:
    """The billion laughs: each level is ``width`` aliases of the one before."""
    lines = [f"{indent}l0: &l0 [{', '.join(['lol'] * width)}]"]
    for n in range(1, levels):
        lines.append(f"{indent}l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


def contract_text(package: str = "demo", extra: str = "") -> str:
    module = package.replace("-", "_")
    return (
        f"smoke_test_id: {package}-main\npackage: {package}\n"
        f"steps:\n  - step_id: s\n    kind: import_module\n    module: {module}\n" + extra
    )


# -- the world the cases run against --------------------------------------------------------
@dataclass
class World:
    root: Path
    index: FakeIndex
    github: Any
    wheel: Path  # demo-1.0-py3-none-any.whl
    lock: threading.RLock = field(default_factory=threading.RLock)

    def env(self, folder: Path, **extra: str) -> dict[str, str]:
        home = folder / "home"
        return {
            "HOME": str(home),
            "XDG_CACHE_HOME": str(home / "cache"),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_DATA_HOME": str(home / "data"),
            "GITHUB_API_URL": self.github.api_url,
            "WOAPORT_TOKEN": self.github.token,
            "PIP_INDEX_URL": self.index.url,
            **extra,
        }

    def run(self, folder: Path, *args: str | Path, **env: str) -> Outcome:
        outcome = run_bounded(args, cwd=folder, env=self.env(folder, **env))
        assert outcome.seconds < WALL, outcome.describe()
        return outcome

    def item(
        self, package: str = "demo", repo: str = ALLOW, sha: str = "a" * 40
    ) -> tuple[Manifest, Path]:
        """A queue item's manifest for a pure wheel of ``package``, and the wheel."""
        contract = from_dict(yaml.safe_load(contract_text(package)))
        if package == "demo":
            wheel = self.wheel
        else:
            with self.lock:
                wheel = build_pure_wheel(self.root / "wheels" / package, package.replace("-", "_"))
        manifest = build_manifest(
            contract,
            classify(contract, [wheel]),
            provenance=Provenance(repository=repo, commit=sha),
        )
        return manifest, wheel

    def manifest(self, package: str = "demo", repo: str = ALLOW) -> Manifest:
        return self.item(package, repo)[0]


def one_line(outcome: Outcome, code: int, names: str | None = None) -> None:
    """Exit ``code``, one line on stderr (naming ``names``), no traceback."""
    assert_handled(outcome, (code,))
    lines = [line for line in outcome.err.splitlines() if line.strip()]
    assert len(lines) == 1, outcome.describe()
    if names is not None:
        assert names in lines[0], outcome.describe()


def one_error(outcome: Outcome, code: int, names: str | None = None) -> None:
    """Exit ``code`` and one error line, the last on stderr (after a command's progress
    lines), naming ``names``; no traceback."""
    assert_handled(outcome, (code,))
    lines = [line for line in outcome.err.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("woaport: error:")]
    assert len(errors) == 1 and lines[-1] == errors[0], outcome.describe()
    if names is not None:
        assert names in errors[0], outcome.describe()


def problem_reported(outcome: Outcome, names: str) -> None:
    """`contract validate`'s way: exit 1, the file's problem on stdout, nothing on stderr."""
    assert_handled(outcome, (1,))
    assert names in outcome.out and not outcome.err.strip(), outcome.describe()


CASES: dict[str, tuple[str, Callable[[World, Path], None]]] = {}
RUNS: dict[str, int] = {}  # how many woaport processes a case runs: the longest start first


def case(
    items: str, runs: int = 1
) -> Callable[[Callable[[World, Path], None]], Callable[[World, Path], None]]:
    """Register a hostile case; ``items`` are the numbers of issue 12 it checks."""

    def register(function: Callable[[World, Path], None]) -> Callable[[World, Path], None]:
        name = function.__name__.removeprefix("case_")
        CASES[name] = (items, function)
        RUNS[name] = runs
        return function

    return register


# -- the package index: check, analyze NAME ---------------------------------------------------
def _raw_index_page(world: World, project: str, files: list[dict[str, Any]]) -> None:
    page = {"meta": {"api-version": "1.1"}, "name": project, "files": files}
    world.index.state.raw_pages[project] = (
        "application/vnd.pypi.simple.v1+json",
        json.dumps(page).encode(),
    )


@case("1")
def case_check_keeps_index_file_names_inside_the_cache(world: World, folder: Path) -> None:
    """A wheel name that parses (packaging accepts ``win_arm64./tmp/x`` as a tag set) but is
    a path: downloaded, it would land in a folder of the index's choosing."""
    wheel = write_wheel(
        folder / "demo-1.0-cp312-cp312-win_arm64.whl",
        {"demo/__init__.py": b"", "demo-1.0.dist-info/METADATA": b"Name: demo\nVersion: 1.0\n"},
        dist_info="demo-1.0.dist-info",
        tags=["cp312-cp312-win_arm64"],
    )
    data = wheel.read_bytes()
    world.index.add("demo-files", {wheel.name: data})
    url = world.index.url.replace("/simple/", f"/files/demo-files/{wheel.name}")
    sha = hashlib.sha256(data).hexdigest()
    hostile = [
        "demo-1.0-cp312-cp312-win_arm64./tmp/x.whl",
        "../../escape/demo-1.0.tar.gz",
        "/abs/demo-1.0.tar.gz",
        "NUL.tar.gz",
    ]
    _raw_index_page(
        world, "demo", [{"filename": n, "url": url, "hashes": {"sha256": sha}} for n in hostile]
    )
    cache = folder / "cache"
    outcome = world.run(
        folder, "check", "demo", "--index-url", world.index.url, "--cache-dir", cache
    )
    assert_handled(outcome, (0, 1))
    assert f"ignored: {len(hostile)} file(s)" in outcome.out, outcome.describe()
    written = [p.relative_to(cache) for p in cache.rglob("*")] if cache.exists() else []
    assert all(len(p.parts) <= 2 for p in written), written


@case("1")
def case_analyze_name_ignores_index_file_names_that_are_paths(world: World, folder: Path) -> None:
    _raw_index_page(
        world,
        "evil-sdist",
        [
            {"filename": "../../escape/evil_sdist-1.0.tar.gz", "url": "http://127.0.0.1:9/x"},
            {"filename": "C:evil_sdist-1.0.tar.gz", "url": "http://127.0.0.1:9/x"},
        ],
    )
    outcome = world.run(
        folder, "analyze", "evil-sdist", "--index-url", world.index.url, "--cache-dir", folder
    )
    one_error(outcome, 2, "no sdist")


@case("15")
def case_check_refuses_an_index_page_nested_too_deep(world: World, folder: Path) -> None:
    world.index.state.raw_pages["deep-page"] = (
        "application/vnd.pypi.simple.v1+json",
        deep_json().encode(),
    )
    outcome = world.run(folder, "check", "deep-page", "--index-url", world.index.url)
    one_error(outcome, 3, "deep-page")


@case("tracebacks")
def case_check_refuses_an_index_page_of_the_wrong_shape(world: World, folder: Path) -> None:
    world.index.state.raw_pages["bad-shape"] = (
        "application/vnd.pypi.simple.v1+json",
        json.dumps({"files": ["demo-1.0.tar.gz", 7]}).encode(),
    )
    outcome = world.run(folder, "check", "bad-shape", "--index-url", world.index.url)
    one_error(outcome, 3, "not PEP 691")


# -- contracts --------------------------------------------------------------------------------
@case("13", runs=2)
def case_contract_alias_bomb(world: World, folder: Path) -> None:
    path = folder / "bomb.yml"
    path.write_text(
        contract_text(extra="    argv: *l8\n").replace(
            "steps:", alias_bomb(indent="") + "steps:", 1
        )
    )
    problem_reported(world.run(folder, "contract", "validate", path), "nodes")
    ran = world.run(folder, "contract", "run", "--contract", path, "--wheel", world.wheel)
    one_line(ran, 2, "bomb.yml")


@case("15 tracebacks", runs=2)
def case_contract_nested_too_deep(world: World, folder: Path) -> None:
    path = folder / "deep.yml"
    path.write_text(contract_text() + deep_yaml(key="env"))
    problem_reported(world.run(folder, "contract", "validate", path), "nested deeper than")
    ran = world.run(folder, "contract", "run", "--contract", path, "--wheel", world.wheel)
    one_line(ran, 2, "nested deeper than")


@case("13")
def case_contract_too_large(world: World, folder: Path) -> None:
    path = folder / "large.yml"
    path.write_text(contract_text() + "# " + "x" * (limits.MAX_YAML_BYTES + 1) + "\n")
    problem_reported(world.run(folder, "contract", "validate", path), "bytes")


@case("tracebacks")
def case_contract_stage_url_ending_in_dot_dot(world: World, folder: Path) -> None:
    path = folder / "demo.yml"
    path.write_text(contract_text(extra='stage: ["https://example.invalid/wheels/.."]\n'))
    outcome = world.run(
        folder, "contract", "run", "--contract", path, "--wheel", world.wheel, "--mode", "ci"
    )
    one_line(outcome, 2, "stage")


# -- the inventory and the controller ------------------------------------------------------------
def _inventory(folder: Path, text: str) -> Path:
    inventory = folder / "inventory"
    inventory.mkdir()
    (inventory / "packages.yml").write_text(text)
    return inventory


@case("13")
def case_inventory_alias_bomb(world: World, folder: Path) -> None:
    inventory = _inventory(folder, alias_bomb() + "packages:\n  - name: a\n    notes: *l8\n")
    outcome = world.run(folder, "inventory", "validate", "--inventory", inventory)
    one_line(outcome, 2, "packages.yml")


@case("15")
def case_inventory_nested_too_deep(world: World, folder: Path) -> None:
    inventory = _inventory(folder, "packages:\n  - name: a\n" + deep_yaml(key="    notes"))
    outcome = world.run(folder, "inventory", "validate", "--inventory", inventory)
    one_line(outcome, 2, "nested deeper than")


@case("15")
def case_inventory_long_depends_on_chain(world: World, folder: Path) -> None:
    """p0 <- p1 <- ... <- p2999: deeper than Python's stack, and a cycle at its end."""
    count = 3000
    lines = ["packages:"]
    for n in range(count):
        lines.append(f"  - name: p{n}")
        lines.append(f"    depends_on: [p{(n + 1) % count}]")
    inventory = _inventory(folder, "\n".join(lines) + "\n")
    outcome = world.run(folder, "inventory", "validate", "--inventory", inventory)
    assert_handled(outcome, (1,))
    assert "dependency cycle p0 -> p1 -> p2" in outcome.out + outcome.err, outcome.describe()


def _publish_fork_item(world: World, repo: str, sha: str, package: str) -> Any:
    world.github.add_repo(repo)
    world.github.add_run(repo, "woaport.yml", branch="woaport", sha=sha, conclusion="success")
    manifest, wheel = world.item(package, repo, sha)
    queue = github_queue(GitHub(api_url=world.github.api_url, token=world.github.token), repo)
    queue.publish(manifest, {wheel.name: wheel})
    (item,) = queue.items().items
    return queue, item


@case("16 17", runs=4)
def case_controller_keeps_facts_when_one_item_fails(world: World, folder: Path) -> None:
    """Three forks: one device-validated, one with a malformed device result, one whose
    release body holds a manifest nested too deep. Then the first one's manifest cannot be
    read (its body lost the copy, the asset download fails): the state must not flip."""
    with world.lock:  # the fake GitHub's fixtures are built one at a time
        good_queue, good = _publish_fork_item(world, "ctl/good", "1" * 40, "ctl-good")
        good_queue.publish_result(good, device_result(good, "x13s", "pass"))
        _publish_fork_item(world, "ctl/badresult", "2" * 40, "ctl-badresult")
        release = world.github.repos["ctl/badresult"].releases[0]
        release.assets.append(
            dataclasses.replace(
                release.assets[0],
                id=release.assets[0].id + 10_000,
                name="result-x13s.json",
                data=deep_json().encode(),
            )
        )
        _publish_fork_item(world, "ctl/badbody", "3" * 40, "ctl-badbody")
        body_release = world.github.repos["ctl/badbody"].releases[0]
        body_release.body = "```json woaport-manifest\n" + deep_json(5000) + "\n```"
    for package in ("ctl-good", "ctl-badresult", "ctl-badbody"):
        world.index.add(package, {f"{package.replace('-', '_')}-1.0.tar.gz": b"sdist"})
    packages = "".join(
        f"  - name: {p}\n    fork: {{repo: ctl/{p.removeprefix('ctl-')}, branch: woaport}}\n"
        for p in ("ctl-good", "ctl-badresult", "ctl-badbody")
    )
    inventory = _inventory(folder, "packages:\n" + packages)
    args = ("controller", "update", "--inventory", inventory, "--index-url", world.index.url)
    args += ("--top", "0", "--no-render", "--no-dependencies", "--workers", "2")
    first = world.run(folder, *args)
    assert_handled(first, (0,))
    status = json.loads((inventory / "status.json").read_text())["packages"]
    assert status["ctl-good"]["state"] == "device-validated", first.describe()
    assert status["ctl-badresult"]["state"] == "ci-validated", first.describe()
    assert "result-x13s.json" in first.err and "ctl-badresult skipped" in first.err
    assert status["ctl-badbody"]["stale"]["queue"] is True, first.describe()
    # a transient failure reading the one item the good fork has
    with world.lock:
        world.github.repos["ctl/good"].releases[0].body = "edited by hand"
        manifest_asset = next(
            a
            for a in world.github.repos["ctl/good"].releases[0].assets
            if a.name == "manifest.json"
        )
        world.github.fault("GET", rf"^/blob/{manifest_asset.id}-", status=500, times=1000)
    second = world.run(folder, *args)
    assert_handled(second, (0,))
    after = json.loads((inventory / "status.json").read_text())["packages"]["ctl-good"]
    assert after["state"] == "device-validated", second.describe()
    assert after["stale"]["queue"] is True, second.describe()
    assert "ctl-good queue" in second.err, second.describe()


@case("tracebacks")
def case_controller_discards_a_corrupt_etag_cache_and_memos(world: World, folder: Path) -> None:
    world.index.add("cache-demo", {"cache_demo-1.0.tar.gz": b"sdist"})
    inventory = _inventory(folder, "packages:\n  - name: cache-demo\n")
    (inventory / ".cache").mkdir()
    (inventory / ".cache" / "controller.json").write_text("[]")
    (inventory / ".cache" / "memos.json").write_text(deep_json())
    args = ("controller", "update", "--inventory", inventory, "--index-url", world.index.url)
    outcome = world.run(folder, *args, "--top", "0", "--no-render")
    assert_handled(outcome, (0,))
    assert "ETag cache" in outcome.err and "discarded" in outcome.err, outcome.describe()


# -- the device's settings ---------------------------------------------------------------------
@case("tracebacks")
def case_device_config_with_a_python_tag(world: World, folder: Path) -> None:
    config = folder / "device.yml"
    config.write_text("device_id: !!python/object/apply:os.system ['echo pwned']\n")
    outcome = world.run(folder, "device", "self-check", "--config", config, "--queue", "dir:q")
    one_line(outcome, 2, "device.yml")


@case("15")
def case_device_config_nested_too_deep(world: World, folder: Path) -> None:
    config = folder / "device.toml"
    config.write_text(deep_toml(key="allow"))
    outcome = world.run(folder, "device", "poll", "--once", "--config", config)
    one_line(outcome, 2, "device.toml")


@case("13")
def case_device_config_alias_bomb(world: World, folder: Path) -> None:
    config = folder / "device.yaml"
    config.write_text(alias_bomb() + "allow: *l8\n")
    outcome = world.run(folder, "device", "poll", "--once", "--config", config)
    one_line(outcome, 2, "nodes")


@case("tracebacks")
def case_device_config_value_of_the_wrong_type(world: World, folder: Path) -> None:
    config = folder / "device.toml"
    config.write_text('queues = ["dir:q"]\nstate_dir = 5\nallow = 7\n')
    outcome = world.run(folder, "device", "poll", "--once", "--config", config)
    one_line(outcome, 2, "device.toml")


@case("21")
def case_device_config_that_does_not_exist(world: World, folder: Path) -> None:
    outcome = world.run(folder, "device", "poll", "--once", "--config", folder / "nope.toml")
    one_line(outcome, 2, "nope.toml")


@case("21")
def case_device_every_without_a_unit(world: World, folder: Path) -> None:
    outcome = world.run(folder, "device", "poll", "--every", "15", "--queue", "dir:q")
    one_line(outcome, 2, "15m")


@case("21", runs=2)
def case_a_dir_queue_that_does_not_exist(world: World, folder: Path) -> None:
    missing = f"dir:{folder / 'missing'}"
    listing = world.run(folder, "queue", "list", "--queue", missing)
    one_line(listing, 2, "missing")
    poll = world.run(folder, *_poll(missing, folder / "state", "--allow", "dir:*"), "--json")
    assert_handled(poll, (1,))
    assert "not a folder" in json.loads(poll.out.splitlines()[-1])["queue_errors"][0]


# -- the queue: item ids, manifests, state ----------------------------------------------------------
def _poll(url: str, state: Path, *extra: str) -> tuple[str, ...]:
    return (
        "device",
        "poll",
        "--once",
        "--queue",
        url,
        "--state-dir",
        str(state),
        "--device-id",
        "laptop1",
        "--retry-base",
        "0s",
        *extra,
    )


def _dir_item(queue: Path, manifest: Manifest, wheel: Path | None = None) -> Path:
    """An item of a dir: queue as `queue publish` leaves it (with ``wheel`` beside)."""
    folder = queue / "items" / manifest.item_id
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps(manifest.to_json()))
    if wheel is not None:
        (folder / wheel.name).write_bytes(wheel.read_bytes())
    return folder


@case("2")
def case_queue_item_id_windows_reserves(world: World, folder: Path) -> None:
    """``nul.x-0123456789ab`` matches the item-id pattern, and on Windows names NUL."""
    queue = folder / "queue"
    good = world.manifest()
    _dir_item(queue, good)
    reserved = dataclasses.replace(good, item_id="nul.x-0123456789ab")
    _dir_item(queue, reserved)
    outcome = world.run(folder, "queue", "list", "--queue", f"dir:{queue}")
    assert_handled(outcome, (1,))
    assert "'nul.x-0123456789ab' is not a queue item id" in outcome.err, outcome.describe()
    assert good.item_id in outcome.out, outcome.describe()


@case("2")
def case_queue_tag_that_is_a_path(world: World, folder: Path) -> None:
    """A release tagged ``woaport-queue-/<folder>`` must never name a folder on the device."""
    victim = folder / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("keep")
    repo = "tags/fork"
    with world.lock:
        world.github.add_repo(repo)
        manifest = world.manifest(repo=repo)
        queue = github_queue(GitHub(api_url=world.github.api_url, token=world.github.token), repo)
        queue.publish(manifest, {world.wheel.name: world.wheel})
        release = world.github.repos[repo].releases[0]
        release.tag_name = f"woaport-queue-{victim}"
    outcome = world.run(
        folder, *_poll(f"github:{repo}", folder / "state", "--allow", repo, "--json")
    )
    assert_handled(outcome, (1,))
    assert "is not a queue item id" in outcome.out, outcome.describe()
    assert (victim / "keep.txt").read_text() == "keep"


@case("15 17")
def case_queue_manifest_nested_too_deep(world: World, folder: Path) -> None:
    queue = folder / "queue"
    good = world.manifest()
    _dir_item(queue, good)
    deep = queue / "items" / "a-000000000000"
    deep.mkdir(parents=True)
    (deep / "manifest.json").write_text(deep_json())
    outcome = world.run(folder, "queue", "list", "--queue", f"dir:{queue}")
    assert_handled(outcome, (1,))
    assert "nested deeper than" in outcome.err, outcome.describe()
    assert good.item_id in outcome.out, outcome.describe()


@case("17")
def case_device_state_of_the_wrong_shape(world: World, folder: Path) -> None:
    """state.json's entry for an item lacks its status: the poll goes on (and the item,
    off the allow-list, is refused: it was reached)."""
    queue = folder / "queue"
    manifest = world.manifest()
    _dir_item(queue, manifest)
    state = folder / "state"
    state.mkdir()
    key = f"laptop1@dir:{queue}#{manifest.item_id}"
    (state / "state.json").write_text(json.dumps({"items": {key: {"attempts": "x"}}}))
    outcome = world.run(folder, *_poll(f"dir:{queue}", state, "--allow", "nobody/x", "--json"))
    assert_handled(outcome, (0,))
    assert json.loads(outcome.out.splitlines()[-1])["refused"] == [manifest.item_id]
    assert "damaged entries dropped" in outcome.err, outcome.describe()


@case("tracebacks")
def case_device_poll_discards_a_corrupt_etag_cache(world: World, folder: Path) -> None:
    state = folder / "state"
    state.mkdir()
    (state / "etags.json").write_text("[]")
    repo = "etag/fork"
    with world.lock:
        world.github.add_repo(repo)
    outcome = world.run(folder, *_poll(f"github:{repo}", state, "--allow", repo))
    assert_handled(outcome, (0,))
    assert "ETag cache" in outcome.err and "discarded" in outcome.err, outcome.describe()


@case("17")
def case_device_poll_goes_on_after_a_malformed_release_body(world: World, folder: Path) -> None:
    repo = "body/fork"
    with world.lock:
        world.github.add_repo(repo)
        client = GitHub(api_url=world.github.api_url, token=world.github.token)
        queue = github_queue(client, repo)
        broken = world.manifest(repo=repo)
        queue.publish(broken, {world.wheel.name: world.wheel})
        world.github.repos[repo].releases[0].body = "```json woaport-manifest\n" + deep_json(5000)
        later, wheel = world.item("body-later", repo=repo)
        queue.publish(later, {wheel.name: wheel})
    outcome = world.run(
        folder, *_poll(f"github:{repo}", folder / "state", "--allow", "x/y", "--json")
    )
    assert_handled(outcome, (1,))
    summary = json.loads(outcome.out.splitlines()[-1])
    assert summary["refused"] == [later.item_id], outcome.describe()
    assert any("nested deeper than" in e for e in summary["queue_errors"]), outcome.describe()


@case("18", runs=2)
def case_a_refused_item_is_decided_again(world: World, folder: Path) -> None:
    queue = folder / "queue"
    manifest = world.manifest()
    _dir_item(queue, manifest, world.wheel)
    state = folder / "state"
    url = f"dir:{queue}"
    first = world.run(folder, *_poll(url, state, "--allow", "nobody/x", "--json"))
    assert json.loads(first.out.splitlines()[-1])["refused"] == [manifest.item_id]
    # allowed now; `require` without a hub stops it before anything is installed
    second = world.run(
        folder, *_poll(url, state, "--allow", ALLOW, "--provenance", "require", "--json")
    )
    assert_handled(second, (0,))
    assert json.loads(second.out.splitlines()[-1])["validated"] == [manifest.item_id]
    assert "UNVERIFIED" in second.err, second.describe()  # nothing was installed


@case("tracebacks")
def case_queue_publish_with_a_missing_wheel(world: World, folder: Path) -> None:
    contract = folder / "demo.yml"
    contract.write_text(contract_text())
    outcome = world.run(
        folder,
        "queue",
        "publish",
        "--queue",
        f"dir:{folder / 'q'}",
        "--contract",
        contract,
        folder / "demo-1.0-py3-none-any.whl",
    )
    one_line(outcome, 2, "demo-1.0-py3-none-any.whl")


@case("15")
def case_queue_publish_with_a_ci_report_nested_too_deep(world: World, folder: Path) -> None:
    contract = folder / "demo.yml"
    contract.write_text(contract_text())
    report = folder / "report.json"
    report.write_text(deep_json())
    outcome = world.run(
        folder,
        "queue",
        "publish",
        "--queue",
        f"dir:{folder / 'q'}",
        "--contract",
        contract,
        "--ci-report",
        report,
        world.wheel,
    )
    one_line(outcome, 2, "report.json")


# -- fork init ----------------------------------------------------------------------------------
@case("tracebacks")
def case_fork_init_project_that_is_not_a_table(world: World, folder: Path) -> None:
    (folder / "pyproject.toml").write_text('project = "x"\n')
    outcome = world.run(folder, "fork", "init", folder)
    one_line(outcome, 2, "[project]")


@case("15")
def case_fork_init_pyproject_nested_too_deep(world: World, folder: Path) -> None:
    (folder / "pyproject.toml").write_text(deep_toml(key="x"))
    outcome = world.run(folder, "fork", "init", folder)
    one_line(outcome, 2, "pyproject.toml")


@case("tracebacks")
def case_fork_init_name_that_would_write_yaml(world: World, folder: Path) -> None:
    (folder / "pyproject.toml").write_text('[project]\nname = "x\\n  evil: 1"\n')
    outcome = world.run(folder, "fork", "init", folder)
    one_line(outcome, 2, "not a valid project name")
    assert not (folder / ".github").exists()


# -- printing untrusted text on GitHub Actions ------------------------------------------------------
@case("5")
def case_diagnose_prints_a_hostile_log_inertly(world: World, folder: Path) -> None:
    log = folder / "build.log"
    log.write_text(
        "::add-mask::hunter2\n"
        "foo.obj : fatal error LNK1112: module machine type 'x64' conflicts with target "
        "machine type 'ARM64' ::error::injected\n"
        "::error file=x::injected\n"
    )
    outcome = world.run(folder, "diagnose", log, GITHUB_ACTIONS="true")
    assert_handled(outcome, (0, 1))
    token = None
    for line in outcome.out.splitlines():
        if token is None and line.startswith("::stop-commands::"):
            token = line.removeprefix("::stop-commands::")
        elif token is not None and line == f"::{token}::":
            token = None
        elif token is None:
            assert "injected" not in line and "hunter2" not in line, outcome.describe()
    assert "woaport: error" not in outcome.err


@case("5")
def case_an_error_quoting_a_line_break_stays_one_line(world: World, folder: Path) -> None:
    """A file name with a line break and a workflow command after it, quoted by an error."""
    contract = folder / "demo.yml"
    contract.write_text(contract_text())
    outcome = world.run(
        folder,
        "queue",
        "publish",
        "--queue",
        f"dir:{folder / 'q'}",
        "--contract",
        contract,
        "demo-1.0-py3-none-any.whl\n::add-mask::hunter2",
        GITHUB_ACTIONS="true",
    )
    one_line(outcome, 2, "no such file")
    assert not any(line.startswith("::") for line in outcome.err.splitlines())


@case("12")
def case_diagnose_a_log_of_one_long_line(world: World, folder: Path) -> None:
    """The controller once spent 56 s on one 176 KB line: 4 MB of near-matches now."""
    log = folder / "one-line.log"
    near = "LNK1112: 'x64' " + "'" * 30 + " win_arm64 host x64\\x64\\link.exe -machine:"
    log.write_text(near * (4_000_000 // len(near)) + "\n")
    outcome = world.run(folder, "diagnose", log)
    assert_handled(outcome, (0, 1))
    assert outcome.seconds < 10, outcome.describe()


# -- what contract code may see -----------------------------------------------------------------------
@case("3 4 7", runs=3)
def case_contract_code_sees_no_secret_and_no_runner_file(world: World, folder: Path) -> None:
    """A .pth file in the wheel under test runs in every interpreter of the environment
    (the installed-files verification, envfacts, each step) and records what it sees; a
    step tries to write $GITHUB_ENV."""
    seen = folder / "seen.txt"
    pth = f"import os; open({str(seen)!r}, 'a').write(' '.join(sorted(os.environ)) + '\\n')\n"
    wheel = write_wheel(
        folder / "leaky-1.0-py3-none-any.whl",
        {
            "leaky/__init__.py": b"",
            "leaky-probe.pth": pth.encode(),
            "leaky-1.0.dist-info/METADATA": b"Metadata-Version: 2.1\nName: leaky\nVersion: 1.0\n",
        },
        dist_info="leaky-1.0.dist-info",
        tags=["py3-none-any"],
    )
    contract = folder / "leaky.yml"
    contract.write_text(
        contract_text("leaky").replace(
            "    module: leaky\n",
            "    module: leaky\n  - step_id: runner-files\n    kind: python_code\n    code: |\n"
            "      import os\n"
            "      assert not [k for k in os.environ if k.startswith('GITHUB_')], sorted(os.environ)\n",
        )
    )
    runner_files = {name: folder / f"{name.lower()}.txt" for name in ("GITHUB_ENV", "GITHUB_PATH")}
    secrets = {
        "GITHUB_TOKEN": "s1",
        "AWS_SECRET_ACCESS_KEY": "s2",
        "PYPI_API_KEY": "s3",
        "MY_PRIVATE_KEY": "s4",
        "DB_PASSWD": "s5",
        "TOKEN": "s6",
        "GH_PAT": "s7",
    }
    outcome = world.run(
        folder,
        "contract",
        "run",
        "--contract",
        contract,
        "--wheel",
        wheel,
        "--mode",
        "ci",
        "--report",
        folder / "report.json",
        **{k: str(v) for k, v in runner_files.items()},
        **secrets,
    )
    assert_handled(outcome, (0,))
    lines = seen.read_text().split()
    assert lines, "the .pth file never ran"
    leaked = {"WOAPORT_TOKEN", *secrets, *runner_files} & set(lines)
    assert not leaked, leaked
    assert all(not path.exists() or not path.read_text() for path in runner_files.values())


# -- the suite ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def hostile_outcomes(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, str | None]]:
    """Every selected case, run at once on a few threads: name -> None (passed) or the
    failure. (``-k`` selects cases: only those run.)"""

    def world(root: Path, index: Any, github: Any) -> World:
        return World(root=root, index=index, github=github, wheel=build_pure_wheel(root, "demo"))

    with outcomes_against_fakes(
        request, tmp_path_factory, CASES, "hostile", world, order=lambda n: -RUNS[n]
    ) as results:
        yield results


@pytest.mark.parametrize("name", list(CASES), ids=[f"{n} [{CASES[n][0]}]" for n in CASES])
def test_hostile_input(name: str, hostile_outcomes: dict[str, str | None]) -> None:
    failure = hostile_outcomes[name]
    if failure is not None:
        pytest.fail(failure, pytrace=False)


# -- the shared guards, in process -------------------------------------------------------------------
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=0, max_size=40))
def test_safepath_child_is_one_plain_name_on_every_system(name: str) -> None:
    root = Path("/srv/cache")
    try:
        path = safepath.child(root, name)
    except BadInput as exc:
        assert "refused" in exc.message
        return
    assert path.parent == root and path.name == name
    for pure in (PurePosixPath, PureWindowsPath):
        parsed = pure(name)
        assert parsed.name == name and not parsed.anchor and ".." not in parsed.parts
    assert name.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL", "COM1", "LPT1"}


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("", "empty"),
        ("..", "folder"),
        ("../x.whl", "separator"),
        ("a\\b.whl", "separator"),
        ("/etc/passwd", "separator"),
        ("C:x.whl", "':'"),
        ("\\\\server\\share", "separator"),
        ("x.whl:stream", "':'"),
        ("NUL", "reserves"),
        ("nul.tar.gz", "reserves"),
        ("COM1.whl", "reserves"),
        ("lpt¹.txt", "reserves"),
        ("x.whl.", "period"),
        ("x.whl ", "space"),
        ("a\x00b", "'\\x00'"),
        ("x" * 256, "longer than 255"),
    ],
)
def test_safepath_refuses(name: str, why: str) -> None:
    """Microsoft, "Naming Files, Paths, and Namespaces":
    https://learn.microsoft.com/en-us/windows/win32/fileio/naming-a-file"""
    problem = safepath.name_problem(name)
    assert problem is not None and why in problem, problem


@pytest.mark.parametrize(
    "name", ["numpy-2.5.5-cp312-cp312-win_arm64.whl", "pkg-1.0.tar.gz", "console.txt", ".hidden"]
)
def test_safepath_accepts(name: str) -> None:
    assert safepath.name_problem(name) is None


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=30,
)


@settings(max_examples=100, deadline=None)
@given(json_values, st.integers(min_value=1, max_value=limits.MAX_DEPTH + 40))
def test_load_json_is_bounded(value: Any, wrap: int) -> None:
    text = "[" * wrap + json.dumps(value) + "]" * wrap
    try:
        loaded = bounded.load_json(text, "doc")
    except InvalidDocument as exc:
        assert "nested deeper than" in exc.message
        assert wrap > limits.MAX_DEPTH - 8
        return
    for _ in range(wrap):
        loaded = loaded[0]
    assert loaded == value


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_load_yaml_and_toml_raise_only_their_one_line_error(text: str) -> None:
    for load in (bounded.load_yaml, bounded.load_toml):
        try:
            load(text, "doc")
        except InvalidDocument as exc:
            assert exc.message.startswith("doc:") and "\n" not in exc.message.strip()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (alias_bomb(), "nodes"),
        (
            "a: &a [1]\n" + "".join(f"b{n}: *a\n" for n in range(limits.MAX_YAML_ALIASES + 1)),
            "aliases",
        ),
        (deep_yaml(limits.MAX_DEPTH + 1), "nested deeper than"),
        (deep_yaml(1_000_000), "nested deeper than"),  # libyaml's composer: SIGSEGV
        ("a: !!python/object/apply:os.system ['x']\n", "could not determine a constructor"),
    ],
)
def test_load_yaml_refuses(text: str, message: str) -> None:
    with pytest.raises(InvalidDocument, match=message):
        bounded.load_yaml(text, "doc")


def test_the_parsers_own_nesting_limit_reads_as_ours() -> None:
    """PyYAML 6.0.4 (2026-11-20) builds libyaml with a nesting limit of its own, 1,000 levels
    by default, met while the scanner reads a flow collection ahead, before any event reaches
    our count of levels: its ScannerError "exceeded maximum nesting depth" (PyYAML's
    tests/test_libyaml_recursion_control.py) is refused in the same words as ours. Made here
    as PyYAML makes it, whichever PyYAML is installed."""
    import yaml

    mark = yaml.Mark("doc", 1002, 0, 1002, None, None)
    raised = yaml.scanner.ScannerError(
        "while scanning", mark, "exceeded maximum nesting depth", mark
    )
    refused = bounded._yaml_error(raised, "doc", InvalidDocument)
    assert refused.message == (
        f"doc: line 1, column 1003: nested deeper than {limits.MAX_DEPTH} levels; "
        "not a woaport input"
    )


def test_load_yaml_keeps_what_safe_load_reads() -> None:
    for path in [*sorted((ROOT / "contracts").glob("*.yml")), ROOT / "inventory" / "packages.yml"]:
        text = path.read_text()
        assert bounded.load_yaml(text, str(path)) == yaml.safe_load(text), path


def test_readme_limits_table_is_limits_py() -> None:
    readme = (ROOT / "README.md").read_text()
    start = readme.index("<!-- limits: generated from scripts/woaport/limits.py -->\n")
    end = readme.index("\n<!-- limits: end -->")
    assert readme[start:end].split("\n", 1)[1] == limits.table()
    names = {n for n in vars(limits) if n.startswith("MAX_")}
    assert names == {limit.name for limit in limits.LIMITS}
    assert all(getattr(limits, limit.name) == limit.value for limit in limits.LIMITS)
