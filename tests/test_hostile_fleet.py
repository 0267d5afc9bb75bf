"""Hostile input for what came after the first hostile-input suite (issue 12, red team): the
device fleet through the hub (hub index, forks' items, outboxes, devices.yml, fleet.json,
the controller collecting results), `upstream patch` and `upstream pr-body`, `port start`,
interpreter discovery (`py -0p`, a probe's answer) and the native-vs-emulated comparison,
the step host, and the two pages the controller writes from what strangers said (the
inventory README, the status page).

The attacker writes a fork's release, an outbox (a device result, a heartbeat), a cache the
controller reads back, an upstream checkout (its workflow files), an index answer, a
document handed to `pr-body`, a contract step's code, or what an interpreter prints. Each
case runs the real command as a resource-limited process
(tests/hostilekit.py) against the fake GitHub and the fake index, like
tests/test_hostile_inputs.py (whose generators and assertions it reuses), and asserts the
exit code, one line on stderr where the promise is "exit 2, one line", no traceback, and
that nothing changed that must not. The cases run concurrently, once per module.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import shutil
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from cext import build_pure_wheel
from fakegithub import git_sha
from fleetkit import Device, add_device, add_fork, outbox_results, write_inventory
from hostilekit import Outcome, assert_handled, outcomes_against_fakes, run_bounded
from test_hostile_inputs import (
    ALLOW,
    _dir_item,
    alias_bomb,
    contract_text,
    deep_json,
    deep_yaml,
    one_line,
)
from woaport import limits
from woaport.artifacts import classify
from woaport.contract import from_dict
from woaport.devicequeue.hub import INDEX_BRANCH, INDEX_PATH
from woaport.devicequeue.manifest import build_manifest
from woaport.documents.device_result import RESULT_VERSION, DeviceResult
from woaport.documents.manifest import Manifest, Provenance
from woaport.documents.verdicts import Verdict

ROOT = Path(__file__).resolve().parent.parent
WALL = 30.0  # seconds one run may take on a loaded 2-core machine; CPU is capped at 20 s


# -- the world the cases run against --------------------------------------------------------
@dataclass
class World:
    root: Path
    index: Any
    github: Any
    lock: threading.RLock = field(default_factory=threading.RLock)

    def env(self, folder: Path, token: str | None = None, **extra: str) -> dict[str, str]:
        home = folder / "home"
        return {
            "HOME": str(home),
            "XDG_CACHE_HOME": str(home / "cache"),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_DATA_HOME": str(home / "data"),
            "GITHUB_API_URL": self.github.api_url,
            "WOAPORT_TOKEN": token or self.github.token,
            "PIP_INDEX_URL": self.index.url,
            # never the credential store of the machine the tests run on
            "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
            **extra,
        }

    def run(self, folder: Path, *args: str | Path, token: str | None = None, **env: str) -> Outcome:
        outcome = run_bounded(args, cwd=folder, env=self.env(folder, token, **env))
        assert outcome.seconds < WALL, outcome.describe()
        return outcome


@dataclass
class Fleet:
    """One hub of a case's own (cases run at once): its forks, one device, an inventory."""

    world: World
    folder: Path
    hub: str
    device: Device
    manifests: dict[str, Manifest]

    @property
    def inventory(self) -> Path:
        return self.folder / "inventory"

    def controller(self, *extra: str, **env: str) -> Outcome:
        args = ("controller", "update", "--inventory", self.inventory)
        args += ("--index-url", self.world.index.url, "--top", "0", "--no-dependencies")
        return self.world.run(self.folder, *args, "--workers", "2", *extra, **env)

    def poll(self, *extra: str) -> Outcome:
        args = ["device", "poll", "--once", "--json", "--queue", f"hub:{self.hub}"]
        args += ["--outbox", self.device.outbox, "--device-id", self.device.id]
        args += ["--state-dir", str(self.folder / "state"), "--allow", "*/*"]
        args += ["--retry-base", "0s", "--provenance", "off", *extra]
        return self.world.run(self.folder, *args, token=self.device.token)

    def result(self, package: str, verdict: str = "pass", **changes: Any) -> DeviceResult:
        """What the device would write for ``package``'s item (``changes`` override)."""
        manifest = self.manifests[package]
        fields: dict[str, Any] = {
            "result_version": RESULT_VERSION,
            "device_id": self.device.id,
            "item_id": manifest.item_id,
            "package": manifest.package,
            "version": manifest.version,
            "manifest_sha256": manifest.digest(),
            "artifacts": manifest.artifacts,
            "verdict": Verdict(verdict),
            "reason": "",
            "report": None,
            "finished": "2026-11-21T00:00:00Z",
            "woaport_version": "0",
        }
        return DeviceResult(**{**fields, **changes})

    def put(self, path: str, data: bytes | dict[str, Any] | DeviceResult) -> None:
        """A file in the device's outbox, as its owner's push would leave it."""
        if isinstance(data, DeviceResult):
            data = data.to_json()
        raw = data if isinstance(data, bytes) else json.dumps(data).encode()
        with self.world.lock:
            self.world.github.put_file(self.device.outbox, path, raw)

    def result_path(self, package: str) -> str:
        return f"woaport/results/{self.device.id}/{self.manifests[package].item_id}.json"


def fleet(world: World, folder: Path, packages: tuple[str, ...] = ("alpha",)) -> Fleet:
    """A hub ``h-<case>/woaport``, a fork per package (``o-<case>-<package>/<package>``,
    each queued with a pure wheel), one registered device with its outbox and token."""
    name = "c" + hashlib.sha256(folder.name.encode()).hexdigest()[:8]
    hub = f"h-{name}/woaport"
    device = Device(id="sp11", owner=f"d-{name}", outbox=f"d-{name}/outbox", token=f"token-{name}")
    forks = [(f"{name}-{p}", f"o-{name}-{p}/{p}") for p in packages]
    with world.lock:  # the fake GitHub's fixtures are built one at a time
        world.github.orgs.add(hub.split("/")[0])
        world.github.add_repo(hub)
        world.github.seed_git(hub, {"README.md": "the hub\n"})
        add_device(world.github, device)
        manifests = {}
        for package, repo in forks:
            world.index.add(package, {f"{package.replace('-', '_')}-1.0.tar.gz": b"sdist"})
            manifests[package.removeprefix(f"{name}-")] = add_fork(
                world.github, repo, package, world.root / "wheels" / name
            )
    write_inventory(folder / "inventory", forks, [device], hub=hub)
    return Fleet(world=world, folder=folder, hub=hub, device=device, manifests=manifests)


def no_workflow_command(outcome: Outcome) -> None:
    """No line of the output reads as a workflow command to the runner, which splits lines
    at CR and LF and trims them ("::" first: a command; actions/runner, ActionCommand)."""
    for stream in (outcome.out, outcome.err):
        for line in re.split(r"[\r\n]", stream):
            assert not line.strip().startswith("::"), outcome.describe()


CASES: dict[str, tuple[str, Callable[[World, Path], None]]] = {}


def case(what: str) -> Callable[[Callable[[World, Path], None]], Callable[[World, Path], None]]:
    """Register a hostile case; ``what``: the class of defect it checks (issue 12's)."""

    def register(function: Callable[[World, Path], None]) -> Callable[[World, Path], None]:
        CASES[function.__name__.removeprefix("case_")] = (what, function)
        return function

    return register


# -- the controller reads outboxes ------------------------------------------------------------
@case("5 injection")
def case_controller_prints_and_renders_a_device_reason_inertly(world: World, folder: Path) -> None:
    """A failing device result's reason is the contract's output: the wheel author writes
    it. On the hub's Actions job it must start no workflow command, and in the inventory
    README no heading or link; the commit message keeps one line per change."""
    hub = fleet(world, folder)
    assert_handled(hub.controller(), (0,))  # the hub lists the item
    reason = (
        "import failed\n::error::injected\r::add-mask::hunter2\r## Injected heading\r"
        "[phish](https://evil.example) <img src=x></script><script>alert(1)</script>"
    )
    hub.put(hub.result_path("alpha"), hub.result("alpha", "fail", reason=reason))
    changes = folder / "changes.txt"
    outcome = hub.controller("--changes-file", str(changes), GITHUB_ACTIONS="true")
    assert_handled(outcome, (0,))
    no_workflow_command(outcome)
    assert "failing" in outcome.out, outcome.describe()
    readme = (hub.inventory / "README.md").read_text()
    assert "sp11: fail: import failed" in readme
    assert not re.search(r"^\s*#+ Injected", readme, re.MULTILINE), readme
    assert not re.search(r"(?<!\\)\[phish\\?\]\(|(?<!\\)<img", readme), readme
    # the status page: the reason is data for textContent, never markup
    page = (hub.inventory / "index.html").read_text()
    assert "<img" not in page and "<script>alert" not in page, page[-3000:]
    data = page.split('<script id="data" type="application/json">', 1)[1].split("</script>")[0]
    (row,) = json.loads(data)
    assert row["cause"].startswith("sp11: fail: import failed") and "<img src=x>" in row["cause"]
    message = changes.read_text().splitlines()
    assert len([line for line in message if line.startswith("- ")]) == 1, message
    assert not any(line.startswith(("::", "## ")) for line in message), message


@case("injection")
def case_fleet_readme_escapes_what_a_heartbeat_says(world: World, folder: Path) -> None:
    """A device's first heartbeat names a moment that is no moment: the README's devices
    table shows it as nothing, not as Markdown."""
    hub = fleet(world, folder)
    beat = {
        "heartbeat_version": 1,
        "device_id": hub.device.id,
        "seen": "| [p](https://evil.example) |",
        "woaport_version": "<b>0</b>",
    }
    hub.put(f"woaport/devices/{hub.device.id}.json", beat)
    assert_handled(hub.controller(), (0,))
    fleet_json = json.loads((hub.inventory / "fleet.json").read_text())
    assert fleet_json["devices"][hub.device.id]["last_seen"] is None, fleet_json
    readme = (hub.inventory / "README.md").read_text()
    (row,) = [line for line in readme.splitlines() if line.startswith(f"| [{hub.device.id}]")]
    assert "evil.example" not in row and len(re.findall(r"(?<!\\)\|", row)) == 10, row
    # a fleet.json an earlier woaport wrote with the heartbeat's word in it: escaped
    fleet_json["devices"][hub.device.id]["last_seen"] = beat["seen"]
    (hub.inventory / "fleet.json").write_text(json.dumps(fleet_json))
    assert_handled(world.run(folder, "inventory", "render", "--inventory", hub.inventory), (0,))
    readme = (hub.inventory / "README.md").read_text()
    (row,) = [line for line in readme.splitlines() if line.startswith(f"| [{hub.device.id}]")]
    assert "\\[p\\]" in row and len(re.findall(r"(?<!\\)\|", row)) == 10, row


@case("resources")
def case_controller_reads_a_bounded_number_of_outbox_files(world: World, folder: Path) -> None:
    """A registered device's outbox holds a few hundred files where results go, each new:
    the controller reads MAX_OUTBOX_READS of them in one run (a request each), says so,
    and reads on in the next run; the hub's rate limit is not the device's to spend."""
    hub = fleet(world, folder)
    assert_handled(hub.controller(), (0,))
    count = limits.MAX_OUTBOX_READS + 30
    with world.lock:  # one commit holding them all, as one push would
        repo = world.github.repos[hub.device.outbox]
        tree = {}
        for n in range(count):
            data = f"junk {n}".encode()
            sha = git_sha("blob", data)
            repo.blobs[sha] = data
            tree[f"woaport/results/{hub.device.id}/junk-{n}-0123456789ab.json"] = sha
        world.github.commit(repo, tree, "junk", [], repo.default_branch)
    blob_reads = f"GET /repos/{hub.device.outbox}/git/blobs/"

    def reads() -> int:
        return sum(n for key, n in world.github.hits.items() if key.startswith(blob_reads))

    first = hub.controller()
    assert_handled(first, (0,))
    assert reads() == limits.MAX_OUTBOX_READS, reads()
    assert f"30 new file(s) past the {limits.MAX_OUTBOX_READS}" in first.err, first.describe()
    assert_handled(hub.controller(), (0,))
    assert reads() == count, reads()  # the rest, and nothing read twice
    ignored = json.loads((hub.inventory / "fleet.json").read_text())["ignored"]
    assert len(ignored) == min(count, 200), len(ignored)


@case("15 tracebacks")
def case_controller_discards_a_poisoned_fleet_ledger(world: World, folder: Path) -> None:
    """The ledger of listed items lives in the Actions cache: a damaged or hostile one is
    discarded (the hub's index refills it), never the end of the update."""
    hub = fleet(world, folder)
    cache = hub.inventory / ".cache"
    cache.mkdir(parents=True)
    (cache / "fleet-ledger.json").write_text(deep_json())
    outcome = hub.controller()
    assert_handled(outcome, (0,))
    assert json.loads((hub.inventory / "fleet.json").read_text())["hub"] == hub.hub


@case("15 tracebacks")
def case_fleet_refuses_a_fleet_json_nested_too_deep(world: World, folder: Path) -> None:
    hub = fleet(world, folder)
    (hub.inventory / "fleet.json").write_text(deep_json())
    one_line(world.run(folder, "fleet", "--inventory", hub.inventory), 2, "fleet.json")


@case("13 15")
def case_devices_yml_alias_bomb_and_nesting(world: World, folder: Path) -> None:
    """(No defect: devices.yml was bounded from the start. Kept as the fleet's case.)"""
    hub = fleet(world, folder)
    registry = hub.inventory / "devices.yml"
    registry.write_text(alias_bomb() + f"hub: {hub.hub}\ndevices: *l8\n")
    one_line(world.run(folder, "fleet", "--inventory", hub.inventory), 2, "nodes")
    registry.write_text(f"hub: {hub.hub}\n" + deep_yaml(key="devices"))
    one_line(world.run(folder, "fleet", "--inventory", hub.inventory), 2, "nested deeper")


@case("state")
def case_outbox_results_that_must_not_count(world: World, folder: Path) -> None:
    """(No defect. Kept as the fleet's case.) Results nested too deep, of another device,
    for an item the hub never listed, or a path that is no result: ignored, and the item's
    state does not change."""
    hub = fleet(world, folder)
    assert_handled(hub.controller(), (0,))
    alpha = hub.manifests["alpha"].item_id
    hub.put(hub.result_path("alpha"), deep_json(5000).encode())
    forged = hub.result("alpha", item_id="gamma-1.0-0123456789ab")
    hub.put(f"woaport/results/{hub.device.id}/gamma-1.0-0123456789ab.json", forged)
    hub.put(f"woaport/results/x13s/{alpha}.json", hub.result("alpha", device_id="x13s"))
    hub.put(f"woaport/results/{hub.device.id}/../../{alpha}.json", hub.result("alpha"))
    beat = {"heartbeat_version": 1, "device_id": "x13s", "seen": "2026-11-21T00:00:00Z"}
    hub.put(f"woaport/devices/{hub.device.id}.json", {**beat, "woaport_version": "0"})
    assert_handled(hub.controller(), (0,))
    status = json.loads((hub.inventory / "status.json").read_text())["packages"]
    assert {p["state"] for p in status.values()} == {"ci-validated"}, status
    reasons = {
        i["path"]: i["reason"]
        for i in json.loads((hub.inventory / "fleet.json").read_text())["ignored"]
    }
    assert "nested deeper" in reasons[hub.result_path("alpha")], reasons
    assert "not one the hub listed" in str(reasons), reasons
    assert "'x13s' is not registered" in str(reasons), reasons
    assert "a heartbeat of device 'x13s'" in str(reasons), reasons
    device = json.loads((hub.inventory / "fleet.json").read_text())["devices"][hub.device.id]
    assert device["last_seen"] is None and device["results"] == {}, device


# -- a device subscribed to the hub ---------------------------------------------------------
@case("17")
def case_device_goes_on_when_one_forks_item_cannot_be_read(world: World, folder: Path) -> None:
    """The hub lists two items; one fork's manifest cannot be downloaded (its body has no
    copy any more, and the storage host answers 404: deleted in between, or a bad minute).
    That item is skipped and reported; the other is validated."""
    hub = fleet(world, folder, ("alpha", "beta"))
    assert_handled(hub.controller(), (0,))
    with world.lock:
        repo = next(r for n, r in world.github.repos.items() if n.endswith("/beta"))
        (release,) = [r for r in repo.releases if r.tag_name.startswith("woaport-queue-")]
        release.body = "edited by hand"
        asset = next(a for a in release.assets if a.name == "manifest.json")
        world.github.fault("GET", rf"^/blob/{asset.id}-", status=404, times=100)
    outcome = hub.poll()
    assert_handled(outcome, (1,))
    summary = json.loads(outcome.out.splitlines()[-1])
    assert summary["published"] == [hub.manifests["alpha"].item_id], outcome.describe()
    assert any(hub.manifests["beta"].item_id in e for e in summary["queue_errors"])
    assert list(outbox_results(world.github, hub.device)) == [hub.manifests["alpha"].item_id]


@case("tracebacks")
def case_a_token_no_header_can_carry(world: World, folder: Path) -> None:
    """A token pasted with a line break (or a non-ASCII character) in it: one line, exit 2,
    and the token itself is not in it."""
    hub = fleet(world, folder)
    for token in ("ghp_half\nghp_other", "ghp_t\u00f6k\u20acn"):
        listed = world.run(folder, "queue", "list", "--queue", f"github:{hub.hub}", token=token)
        one_line(listed, 2, "token")
        polled = world.run(
            folder,
            *("device", "self-check", "--queue", f"hub:{hub.hub}"),
            *("--state-dir", str(folder / "state")),
            token=token,
        )
        assert_handled(polled, (1, 2))
        assert "ghp_" not in listed.err + polled.out + polled.err, polled.describe()


@case("15")
def case_device_refuses_a_hub_index_nested_too_deep(world: World, folder: Path) -> None:
    """(No defect. Kept as the fleet's case.)"""
    hub = fleet(world, folder)
    with world.lock:
        world.github.put_file(hub.hub, INDEX_PATH, deep_json().encode(), branch=INDEX_BRANCH)
    outcome = hub.poll()
    assert_handled(outcome, (1,))
    assert "nested deeper" in json.loads(outcome.out.splitlines()[-1])["queue_errors"][0]


# -- upstream patch: the upstream's checkout ----------------------------------------------------
UPSTREAM = ROOT / "tests" / "fixtures" / "upstream-workflows"


def checkout(folder: Path, fixture: str | None = None) -> Path:
    """An upstream checkout: a real project's workflows (tests/fixtures/upstream-workflows,
    each pinned in its index.yml), or an empty ``.github/workflows``."""
    dest = folder / "checkout"
    if fixture is None:
        (dest / ".github" / "workflows").mkdir(parents=True)
    else:
        shutil.copytree(UPSTREAM / fixture, dest)
    return dest


@case("tracebacks")
def case_upstream_patch_workflow_that_is_no_utf8(world: World, folder: Path) -> None:
    project = checkout(folder)
    workflow = project / ".github" / "workflows" / "wheels.yml"
    workflow.write_bytes(b"name: caf\xe9\non: push\njobs: {}\n")
    named = world.run(folder, "upstream", "patch", project, "--workflow", workflow, "--dry-run")
    one_line(named, 2, "wheels.yml")
    found = world.run(folder, "upstream", "patch", project, "--dry-run", "--json")
    assert_handled(found, (0,))  # not a wheel workflow: a new one is proposed
    assert json.loads(found.out)["strategy"] == "new-workflow", found.describe()


@case("resources")
def case_upstream_patch_workflow_of_a_gigabyte(world: World, folder: Path) -> None:
    """A checkout may hold anything under a workflow's name: its size is checked before it
    is read (a sparse file: a gigabyte that costs no disk)."""
    project = checkout(folder)
    workflow = project / ".github" / "workflows" / "wheels.yml"
    with workflow.open("wb") as fh:
        fh.truncate(1 << 30)
    named = world.run(folder, "upstream", "patch", project, "--workflow", workflow, "--dry-run")
    one_line(named, 2, "bytes")
    found = world.run(folder, "upstream", "patch", project, "--dry-run", "--json")
    assert_handled(found, (0,))
    assert json.loads(found.out)["strategy"] == "new-workflow", found.describe()


@case("1 path")
def case_upstream_patch_writes_inside_the_checkout_only(world: World, folder: Path) -> None:
    """Git stores links as they are: a checkout's wheel workflow, or the name woaport would
    write a new workflow under, may be a link to a file of the porter's. Never written."""
    victim = folder / "victim.yml"
    real = (UPSTREAM / "msgpack" / ".github" / "workflows" / "wheel.yml").read_text()
    victim.write_text(real)
    project = checkout(folder, "msgpack")
    linked = project / ".github" / "workflows" / "wheel.yml"
    linked.unlink()
    linked.symlink_to(Path("../../..") / victim.name)
    outcome = world.run(folder, "upstream", "patch", project, "--json")
    assert victim.read_text() == real, outcome.describe()
    assert_handled(outcome, (0, 1))
    assert json.loads(outcome.out)["strategy"] == "new-workflow", outcome.describe()
    # the new workflow's own name, a link to the porter's file
    other = checkout(folder / "other")
    (other / ".github" / "workflows" / "wheels-windows-arm64.yml").symlink_to(victim)
    one_line(world.run(folder, "upstream", "patch", other), 2, "outside the checkout")
    assert victim.read_text() == real


CYCLE = """\
on: push
jobs:
  build:
    runs-on: &x [*x]
    strategy:
      matrix:
        os: [ubuntu-latest, windows-latest]
    steps:
      - uses: pypa/cibuildwheel@v2.21
"""


@case("13 15")
def case_upstream_patch_workflow_alias_bomb_nesting_and_cycle(world: World, folder: Path) -> None:
    """A bomb and deep nesting were refused from the start (woaport.bounded). A cycle
    (``&x [*x]``: an alias inside the node it names) passed the count of nodes, and the
    patch's walk of the runners recursed until RecursionError."""
    project = checkout(folder)
    workflow = project / ".github" / "workflows" / "wheels.yml"
    workflow.write_text(alias_bomb() + "jobs: *l8\n")
    one_line(world.run(folder, "upstream", "patch", project, "--workflow", workflow), 2, "nodes")
    workflow.write_text(deep_yaml(key="jobs"))
    outcome = world.run(folder, "upstream", "patch", project, "--workflow", workflow)
    one_line(outcome, 2, "nested deeper")
    workflow.write_text(CYCLE)
    one_line(world.run(folder, "upstream", "patch", project, "--workflow", workflow), 2, "cycle")
    found = world.run(folder, "upstream", "patch", project, "--dry-run", "--json")
    assert_handled(found, (0,))  # not read as a wheel workflow: a new one is proposed
    assert json.loads(found.out)["strategy"] == "new-workflow", found.describe()


@pytest.mark.parametrize(
    "text", ["a: &x [*x]\n", "a: &x {b: *x}\n", "a: &x [[1, {c: *x}]]\n", CYCLE]
)
def test_load_yaml_refuses_a_cycle(text: str) -> None:
    """PyYAML's composer hands an alias the node its anchor names, finished or not
    (yaml/composer.py, compose_node): inside that node, a cycle."""
    from woaport import bounded
    from woaport.errors import InvalidDocument

    with pytest.raises(InvalidDocument, match="a cycle"):
        bounded.load_yaml(text, "doc")
    with pytest.raises(InvalidDocument, match="a cycle"):
        bounded.compose_yaml(text, "doc")
    assert bounded.load_yaml("a: &x [1]\nb: [*x, *x]\n", "doc") == {"a": [1], "b": [[1], [1]]}


# -- upstream pr-body: the documents of a port ------------------------------------------------
def demo_item(world: World, folder: Path, **provenance: str) -> tuple[Manifest, Path]:
    """A queue item's manifest for a pure wheel ``demo`` built in fork ALLOW, and the wheel."""
    with world.lock:
        wheel = build_pure_wheel(folder / "wheel", "demo")
    contract = from_dict(yaml.safe_load(contract_text()))
    manifest = build_manifest(
        contract,
        classify(contract, [wheel]),
        provenance=Provenance(repository=ALLOW, commit="a" * 40, **provenance),
    )
    return manifest, wheel


def pr_documents(world: World, folder: Path, **provenance: str) -> tuple[Path, dict[str, Any]]:
    """A queue manifest (written to manifest.json) and a device result for it (a dict)."""
    manifest, _ = demo_item(world, folder, **provenance)
    path = folder / "manifest.json"
    path.write_text(json.dumps(manifest.to_json()))
    result = DeviceResult(
        result_version=RESULT_VERSION,
        device_id="sp11",
        item_id=manifest.item_id,
        package=manifest.package,
        version=manifest.version,
        manifest_sha256=manifest.digest(),
        artifacts=manifest.artifacts,
        verdict=Verdict.PASS,
        reason="",
        report=None,
        finished="2026-11-21T00:00:00Z",
        woaport_version="0",
    )
    return path, result.to_json()


@case("tracebacks")
def case_pr_body_documents_of_the_wrong_shape(world: World, folder: Path) -> None:
    """Device results and contract reports are read as their schemas say, or refused."""
    manifest, result = pr_documents(world, folder)
    environment = {"os": "Windows", "python": {}}
    hostile = {
        "artifacts-not-a-list": {**result, "artifacts": 5},
        "artifacts-of-strings": {**result, "artifacts": ["x"]},
        "steps-an-object": {**result, "report": {"steps": {"a": 1}}},
        "step-a-number": {**result, "report": {"steps": [1], "environment": environment}},
        "emulated-a-word": {**result, "report": {"environment": {"emulated": "yes"}}},
    }
    for name, document in hostile.items():
        path = folder / f"{name}.json"
        path.write_text(json.dumps(document))
        outcome = world.run(
            folder, "upstream", "pr-body", "--manifest", manifest, "--device-result", path
        )
        one_line(outcome, 2, f"{name}.json")
    report = folder / "report.json"
    report.write_text(json.dumps({"steps": [{"duration_seconds": "x"}]}))
    outcome = world.run(
        folder, "upstream", "pr-body", "--manifest", manifest, "--ci-report", report
    )
    one_line(outcome, 2, "report.json")


@case("injection")
def case_pr_body_links_no_url_a_manifest_made_up(world: World, folder: Path) -> None:
    """The run's URL is made of the manifest's provenance: a server URL that closes the
    link and opens another must not become one in the pull request."""
    manifest, _ = pr_documents(
        world,
        folder,
        run_id="7",
        server_url="https://evil.example/x) [click me](https://evil.example",
    )
    outcome = world.run(folder, "upstream", "pr-body", "--manifest", manifest)
    assert_handled(outcome, (0,))
    assert "[click me]" not in outcome.out and "evil.example" not in outcome.out, outcome.out
    given = world.run(
        folder,
        "upstream",
        "pr-body",
        "--manifest",
        manifest,
        "--run-url",
        "https://x.example/a) [b](c",
    )
    assert_handled(given, (0,))
    assert "CI (`https://x.example/a) [b](c`)" in given.out, given.out  # a code span: inert


# -- port start: the index's JSON API -----------------------------------------------------------
class JsonApi:
    """PyPI's JSON API (``/pypi/NAME/json``, https://docs.pypi.org/api/json/) as a hostile
    index serves it, beside the simple index: ``huge`` streams two gigabytes of spaces,
    any other name answers its ``project_urls``."""

    def __init__(self) -> None:
        self.urls: dict[str, dict[str, str]] = {}
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                name = self.path.strip("/").split("/")[1]
                if name == "huge":
                    self.send_response(200)
                    self.send_header("Content-Length", str(2 << 30))
                    self.end_headers()
                    with contextlib.suppress(OSError):  # the client hangs up: refused
                        for _ in range(2048):
                            self.wfile.write(b" " * (1 << 20))
                    return
                body = json.dumps({"info": {"project_urls": api.urls.get(name, {})}}).encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        self.index_url = f"http://127.0.0.1:{self.server.server_address[1]}/simple/"


@case("resources")
def case_port_start_reads_the_index_answer_bounded(world: World, folder: Path) -> None:
    """An index whose JSON API answers two gigabytes: read up to the page limit, then the
    porter is asked for --upstream (one line), instead of a MemoryError."""
    api = JsonApi()
    try:
        outcome = world.run(
            folder, "port", "start", "huge", "--index-url", api.index_url, "--dry-run"
        )
    finally:
        api.server.shutdown()
    one_line(outcome, 2, "--upstream")


@case("1 path")
def case_port_start_takes_no_dot_repository_from_the_index(world: World, folder: Path) -> None:
    """A project URL ``https://github.com/../..`` names no repository: it would become the
    path of every API call (``/repos/../..``) and the inventory's ``upstream``."""
    api = JsonApi()
    api.urls["dots"] = {"Source": "https://github.com/../..", "Home": "https://github.com/a/.."}
    try:
        outcome = world.run(
            folder, "port", "start", "dots", "--index-url", api.index_url, "--dry-run"
        )
        given = world.run(folder, "port", "start", "dots", "--upstream", "../..", "--dry-run")
    finally:
        api.server.shutdown()
    one_line(outcome, 2, "--upstream")
    one_line(given, 2, "--upstream")
    assert not [path for path in world.github.hits if "/.." in path], world.github.hits


# -- interpreters: a setting, the py launcher's list ----------------------------------------------
@case("tracebacks")
def case_device_python_setting_with_a_nul(world: World, folder: Path) -> None:
    """A config file names an interpreter with a NUL in its path (TOML's \\u0000): no such
    file, the item is skipped as for any interpreter that is not there."""
    manifest, wheel = demo_item(world, folder)
    _dir_item(folder / "queue", manifest, wheel)
    config = folder / "device.toml"
    config.write_text('python = "/usr/bin/python3\\u0000x"\n')
    outcome = world.run(
        folder,
        *("device", "poll", "--once", "--json", "--config", config),
        *("--queue", f"dir:{folder / 'queue'}", "--state-dir", folder / "state"),
        *("--allow", ALLOW, "--device-id", "laptop1", "--retry-base", "0s"),
    )
    assert_handled(outcome, (0,))
    assert json.loads(outcome.out.splitlines()[-1])["skipped"] == [manifest.item_id]


@case("15 hangs")
def case_an_interpreter_whose_probe_lies(world: World, folder: Path) -> None:
    """What the probe prints is the interpreter's word (its site-packages run first): facts
    of a Python 3.1000000000 would make packaging's tag generators count a billion minor
    versions; a deep JSON answer, a RecursionError. Either is a problem with that one
    interpreter: the item is skipped, quickly."""
    from woaport import interpreters

    real = interpreters.probe(sys.executable).to_json()
    manifest, wheel = demo_item(world, folder)
    _dir_item(folder / "queue", manifest, wheel)
    answers = {
        "version": json.dumps({**real, "version_info": [3, 10**9]}),
        "glibc": json.dumps({**real, "glibc": "2.999999999"}),
        "deep": deep_json(100_000),
    }
    for name, answer in answers.items():
        (folder / f"{name}.json").write_text(answer)
        liar = folder / f"python-{name}"
        liar.write_text(f"#!/bin/sh\ncat {folder / f'{name}.json'}\n")
        liar.chmod(0o755)
        outcome = world.run(
            folder,
            *("device", "poll", "--once", "--json", "--python", liar),
            *("--queue", f"dir:{folder / 'queue'}", "--state-dir", folder / f"state-{name}"),
            *("--allow", ALLOW, "--device-id", f"laptop-{name}", "--retry-base", "0s"),
        )
        assert_handled(outcome, (0,))
        assert json.loads(outcome.out.splitlines()[-1])["skipped"] == [manifest.item_id], (
            outcome.describe()
        )
        assert outcome.seconds < 10, outcome.describe()


def test_py_launcher_list_with_control_characters(tmp_path: Path) -> None:
    """`py -0p` prints what the registry holds (PEP 514: any program of the user may write
    HKCU\\Software\\Python): a path with a NUL or a line's worth of control characters is
    no interpreter, and discovery goes on with the rest (the Windows branch, parameterised
    by ``os_name`` as the other Windows tests are)."""
    from woaport import interpreters

    listing = (
        b" -V:3.12-arm64 *    C:\\Py\x00thon\\python.exe\r\n"
        b" -V:3.11          /tmp/x\x1b[2J\x07/python.exe\n"
        b" -V:3.10          " + sys.executable.encode() + b"\n"
    )
    (tmp_path / "listing").write_bytes(listing)
    py = tmp_path / "py"
    py.write_text(
        f"#!{sys.executable}\nimport sys\n"
        f"sys.stdout.buffer.write(open({str(tmp_path / 'listing')!r}, 'rb').read())\n"
    )
    py.chmod(0o755)
    found = interpreters.discover(
        sys.executable, os_name="nt", py=str(py), cache_path=tmp_path / "cache.json"
    )
    assert [p.path for p in found.pythons] == [sys.executable], found.describe()
    assert not found.problems, found.describe()


# -- native vs emulated: the index's x64 wheel -------------------------------------------------
def test_the_emulated_wheel_is_one_plain_file_name(tmp_path: Path) -> None:
    """The x64 wheel's file name comes from the index and becomes the download's path:
    packaging reads ``demo-1.0-py3-none-any.C:x.whl`` (an NTFS stream on Windows) and
    ``demo-1.0-py3-none-any./sub/x.whl`` as wheel names, so woaport.safepath decides."""
    import requests

    from fakeindex import serve
    from woaport import emulation, interpreters
    from woaport.index import fetch_files

    wheel = build_pure_wheel(tmp_path / "wheel", "demo")
    data = wheel.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    python = interpreters.discover(sys.executable).pythons[0]
    with serve() as index:
        index.add("demo-files", {wheel.name: data})
        url = index.url.replace("/simple/", f"/files/demo-files/{wheel.name}")
        hostile = ["demo-1.0-py3-none-any.C:x.whl", "demo-1.0-py3-none-any./sub/x.whl"]
        page = {
            "meta": {"api-version": "1.1"},
            "name": "demo",
            "files": [
                {"filename": name, "url": url, "hashes": {"sha256": digest}}
                for name in [*hostile, wheel.name]
            ],
        }
        index.state.raw_pages["demo"] = (
            "application/vnd.pypi.simple.v1+json",
            json.dumps(page).encode(),
        )
        files = fetch_files(requests.Session(), index.url, "demo")
    assert {f.filename for f in files} >= set(hostile)  # the index did list them
    picked = emulation.pick_wheel(files, "demo", "1.0", python)
    assert picked is not None and picked.filename == wheel.name


# -- the step host: what a contract step may write --------------------------------------------
FORGER = r"""
import json, os, time
# the step host's stderr is its event channel; the step runs as the same user
try:
    fd = os.open(f"/proc/{os.getppid()}/fd/2", os.O_WRONLY)
except OSError:  # no /proc here
    fd = None
end = time.monotonic() + 8
while time.monotonic() < end:
    for event in ({"event": "started", "pid": os.getpid(), "start": "x"},
                  {"event": "exit", "returncode": 0}):
        if fd is not None:
            os.write(fd, b"@woaport-stephost " + json.dumps(event).encode() + b"\n")
    time.sleep(0.2)
print("ran past its timeout")
"""


@case("19 20 hangs")
def case_a_step_cannot_forge_the_step_hosts_events(world: World, folder: Path) -> None:
    """A contract step (the fork's code, or the wheel's) writes ``started``/``exit`` events
    into the step host's stderr: it must not restart its timeout, end it, or say how long
    it ran. The 2 s timeout holds. (The route shown is Linux's /proc; elsewhere the case
    has nothing to forge with and checks only the timeout.)"""
    with world.lock:
        wheel = build_pure_wheel(folder / "wheel", "demo")
    step = {"step_id": "forger", "kind": "python_code", "code": FORGER, "timeout": 2}
    contract = folder / "demo.yml"
    contract.write_text(
        yaml.safe_dump({"smoke_test_id": "demo-main", "package": "demo", "steps": [step]})
    )
    outcome = world.run(
        folder, "contract", "run", "--contract", contract, "--wheel", wheel, "--json"
    )
    assert_handled(outcome, (1,))
    (ran,) = json.loads(outcome.out)["steps"]
    assert ran["status"] == "timeout" and ran["duration_seconds"] >= 2, ran
    assert outcome.seconds < 7, outcome.describe()


# -- the suite ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def hostile_outcomes(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, str | None]]:
    """Every selected case, run at once on a few threads: name -> None (passed) or the
    failure. (``-k`` selects cases: only those run.)"""

    def world(root: Path, index: Any, github: Any) -> World:
        return World(root=root, index=index, github=github)

    with outcomes_against_fakes(
        request, tmp_path_factory, CASES, "hostile-fleet", world
    ) as results:
        yield results


@pytest.mark.parametrize("name", list(CASES), ids=[f"{n} [{CASES[n][0]}]" for n in CASES])
def test_hostile_input(name: str, hostile_outcomes: dict[str, str | None]) -> None:
    failure = hostile_outcomes[name]
    if failure is not None:
        pytest.fail(failure, pytrace=False)
