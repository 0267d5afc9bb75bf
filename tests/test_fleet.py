"""The device fleet through the hub, end to end against the fake GitHub: the controller
publishes the index, devices subscribed to the hub validate items from forks of other
owners with tokens that can write their own outboxes only, and the controller counts
their results, and nothing else.

Every exchange is checked against GitHub's OpenAPI description (the ``github`` fixture).
Devices run as the real command (in-process, or as processes where a test kills them)."""

from __future__ import annotations

import functools
import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from fakeindex import serve as serve_index
from fleetkit import (
    HUB,
    Device,
    add_device,
    add_fork,
    add_hub,
    commits_touching,
    outbox_results,
    poll_args,
    write_inventory,
)
from woaport import controller
from woaport.controller import UpdateRequest, github_client, update
from woaport.devicequeue.hub import INDEX_BRANCH, INDEX_PATH
from woaport.github import GitHub, GitHubRefused

Run = Callable[..., Any]
SP11 = Device(id="sp11", owner="dave", outbox="dave/woaport-outbox", token="dave-device-token")
X13S = Device(
    id="x13s",
    owner="dave",
    outbox="dave/woaport-outbox",  # one owner, two laptops, one outbox
    token="dave-second-token",
    hardware="ThinkPad X13s (SQ3, 32 GB)",
)
# Three forks of three owners, none of them the device's owner.
FORKS = [("p-alpha", "alice/alpha"), ("p-beta", "bob/beta"), ("p-gamma", "carol/gamma")]


class World:
    def __init__(self, github: Any, index: Any, folder: Path, wheels: Path) -> None:
        self.github = github
        self.index = index
        self.folder = folder
        self.wheels = wheels
        self.manifests: dict[str, Any] = {}
        self.processes = 1  # > 1: helper processes collect too (a factory that pickles)

    def refresh(self, **kwargs: Any) -> Any:
        """One `controller update` with the hub's token (writes everywhere it needs)."""
        request = UpdateRequest(
            inventory=self.folder, index_url=self.index.url, workers=4, processes=self.processes
        )
        options = {"api_url": self.github.api_url, "token": self.github.token}
        return update(
            request,
            github_factory=functools.partial(github_client, **options, retries=2, backoff=0.001),
            **kwargs,
        )

    def status(self) -> dict[str, Any]:
        return json.loads((self.folder / "status.json").read_text())["packages"]  # type: ignore[no-any-return]

    def fleet(self) -> dict[str, Any]:
        return json.loads((self.folder / "fleet.json").read_text())  # type: ignore[no-any-return]

    def hub_index(self) -> dict[str, Any]:
        return json.loads(self.github.files(HUB, INDEX_BRANCH)[INDEX_PATH])  # type: ignore[no-any-return]

    def device_env(self, device: Device) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_TOKEN",)}
        env.update(WOAPORT_TOKEN=device.token, GITHUB_API_URL=self.github.api_url)
        return env


def make_world(
    github: Any,
    tmp_path: Path,
    forks: list[tuple[str, str]] = FORKS,
    devices: tuple[Device, ...] = (SP11,),
    code: str | None = None,
) -> Iterator[World]:
    add_hub(github)
    for device in devices:
        add_device(github, device)
    with serve_index() as index:
        world = World(github, index, tmp_path / "inventory", tmp_path / "wheels")
        for package, repo in forks:
            index.add(package, {f"{package.replace('-', '_')}-1.0.tar.gz": b"sdist"})
            world.manifests[package] = add_fork(github, repo, package, world.wheels, code=code)
        write_inventory(world.folder, forks, devices)
        yield world


@pytest.fixture
def world(github: Any, tmp_path: Path) -> Iterator[World]:
    yield from make_world(github, tmp_path)


@pytest.fixture
def as_device(monkeypatch: pytest.MonkeyPatch, github: Any) -> Callable[[Device], None]:
    def switch(device: Device) -> None:
        monkeypatch.delenv("GITHUB_TOKEN", raising=False)
        monkeypatch.setenv("WOAPORT_TOKEN", device.token)
        monkeypatch.setenv("GITHUB_API_URL", github.api_url)

    return switch


def summary(result: Any) -> dict[str, Any]:
    assert result.out.strip(), result.err
    return json.loads(result.out.strip().splitlines()[-1])  # type: ignore[no-any-return]


# -- the loop the "Done when" names ---------------------------------------------------
def test_a_device_that_can_write_only_its_outbox_validates_three_owners_forks(
    world: World, woaport: Run, as_device: Callable[[Device], None], tmp_path: Path
) -> None:
    github = world.github
    first = world.refresh()
    assert first.errors == [], first.errors
    assert {k: v["state"] for k, v in world.status().items()} == {
        name: "ci-validated" for name, _ in FORKS
    }
    index = world.hub_index()
    assert [(i["fork"], i["item_id"]) for i in index["items"]] == [
        (repo, world.manifests[name].item_id) for name, repo in FORKS
    ]
    assert all(i["tags"] == ["py3-none-any"] and i["reported"] == [] for i in index["items"])
    assert world.fleet()["devices"]["sp11"]["silent"] is True  # never seen yet

    # The device's token can write its outbox and nothing else (GitHub: 403 for a
    # fine-grained token outside its repositories).
    device_client = GitHub(api_url=github.api_url, token=SP11.token, sleep=lambda s: None)
    (release,) = github.repos["alice/alpha"].releases
    with pytest.raises(GitHubRefused) as refused:
        device_client.upload_asset(
            device_client.release_by_tag("alice/alpha", release.tag_name) or {},
            "result-sp11.json",
            b"{}",
            "application/json",
        )
    assert refused.value.status == 403
    with pytest.raises(GitHubRefused):
        device_client.put_file("alice/alpha", "x.json", b"{}", message="no")

    as_device(SP11)
    state = tmp_path / "state"
    polled = woaport(*poll_args(state, SP11))
    assert polled.code == 0, polled.err
    items = [world.manifests[name].item_id for name, _ in FORKS]
    assert sorted(summary(polled)["published"]) == sorted(items)
    results = outbox_results(github, SP11)
    assert sorted(results) == sorted(items)
    assert {r["verdict"] for r in results.values()} == {"pass"}
    for _, repo in FORKS:  # nothing was written to any fork
        assert not [a for r in github.repos[repo].releases for a in r.assets if "result" in a.name]
    heartbeat = json.loads(github.files(SP11.outbox)["woaport/devices/sp11.json"])
    assert heartbeat["device_id"] == "sp11" and heartbeat["hubs"] == [HUB]
    assert heartbeat["pythons"] and all(  # a file name: a home folder's path stays home
        "/" not in p["executable"] and "\\" not in p["executable"] for p in heartbeat["pythons"]
    )

    second = world.refresh()
    assert second.errors == [], second.errors
    status = world.status()
    assert {k: v["state"] for k, v in status.items()} == {
        name: "device-validated" for name, _ in FORKS
    }
    assert status["p-beta"]["cause"] == "passed on sp11"
    readme = (world.folder / "README.md").read_text()
    assert "## Devices (devices.yml)" in readme
    assert "| device sp11 |" in readme  # the per-device column of the packages table
    record = world.fleet()["devices"]["sp11"]
    assert record["silent"] is False and len(record["results"]) == 3
    assert [i["reported"] for i in world.hub_index()["items"]] == [["sp11"]] * 3

    # An idle poll: one conditional request, whatever the number of forks.
    before, before_304 = sum(github.hits.values()), github.not_modified
    idle = woaport(*poll_args(state, SP11))
    assert summary(idle)["published"] == [] and summary(idle)["seen"] == 0
    assert sum(github.hits.values()) - before == 1
    # The index changed once (the hub now lists sp11's reports): that poll read it...
    before, before_304 = sum(github.hits.values()), github.not_modified
    woaport(*poll_args(state, SP11))
    assert sum(github.hits.values()) - before == 1
    assert github.not_modified - before_304 == 1  # ... and this one was answered 304
    fleet = woaport("fleet", "--inventory", world.folder, "--json")
    assert fleet.code == 0, fleet.err
    (row,) = json.loads(fleet.out)["devices"]
    assert (row["device"], row["validated"], row["pass"], row["silent"]) == ("sp11", 3, 3, False)


def test_an_index_over_the_contents_api_limit_is_read_as_a_blob_once(
    world: World,
    woaport: Run,
    as_device: Callable[[Device], None],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """GitHub sends files over 1 MB without their bytes (encoding "none"): the device reads
    the blob, once; later polls are still one request."""
    from fakegithub import ApiHandler

    monkeypatch.setattr(ApiHandler, "CONTENTS_LIMIT", 100)  # every index is "too large"
    world.refresh()
    as_device(SP11)
    state = tmp_path / "state"
    first = woaport(*poll_args(state, SP11))
    assert len(summary(first)["published"]) == 3, first.err
    blob_reads = sum(n for k, n in world.github.hits.items() if f"/repos/{HUB}/git/blobs/" in k)
    assert blob_reads == 1
    before = sum(world.github.hits.values())
    woaport(*poll_args(state, SP11))
    assert sum(world.github.hits.values()) - before == 1


def test_a_device_refuses_an_index_of_another_hub(
    world: World, woaport: Run, as_device: Callable[[Device], None], tmp_path: Path
) -> None:
    world.refresh()
    document = world.hub_index()
    document["hub"] = "someone/else"
    world.github.put_file(HUB, INDEX_PATH, json.dumps(document).encode(), branch=INDEX_BRANCH)
    as_device(SP11)
    result = woaport(*poll_args(tmp_path / "state", SP11))
    assert result.code == 1 and "it names hub someone/else" in result.err


def test_a_device_state_lost_does_not_run_items_it_reported(
    world: World, woaport: Run, as_device: Callable[[Device], None], tmp_path: Path
) -> None:
    world.refresh()
    as_device(SP11)
    woaport(*poll_args(tmp_path / "state", SP11))
    world.refresh()
    again = woaport(*poll_args(tmp_path / "fresh-state", SP11))  # a reinstalled laptop
    assert summary(again)["validated"] == [] and summary(again)["seen"] == 0


def test_a_device_that_lost_its_state_before_the_hub_collected_keeps_its_first_result(
    world: World, woaport: Run, as_device: Callable[[Device], None], tmp_path: Path
) -> None:
    """Before the controller has collected, the index does not say the device reported:
    a reinstalled laptop runs the items again, and its outbox keeps the first results."""
    world.refresh()
    as_device(SP11)
    woaport(*poll_args(tmp_path / "state", SP11))
    first = outbox_results(world.github, SP11)
    again = woaport(*poll_args(tmp_path / "fresh-state", SP11))
    assert len(summary(again)["validated"]) == 3
    assert outbox_results(world.github, SP11) == first  # kept, byte for byte
    for manifest in world.manifests.values():
        assert commits_touching(world.github, SP11.outbox, manifest.item_id) == 1


def test_items_from_forks_off_the_allow_list_are_not_even_fetched(
    world: World, woaport: Run, as_device: Callable[[Device], None], tmp_path: Path
) -> None:
    world.refresh()
    as_device(SP11)
    args = poll_args(tmp_path / "state", SP11)
    args[args.index("*/*")] = "alice/*"
    before = dict(world.github.hits)
    polled = woaport(*args)
    assert summary(polled)["published"] == [world.manifests["p-alpha"].item_id]
    fetched = {
        k.split("/")[3]
        for k, n in world.github.hits.items()
        if "/releases/tags/" in k and n > before.get(k, 0)
    }
    assert fetched == {"alpha"}


def test_a_native_vs_emulated_ratio_travels_from_the_outbox_to_the_inventory(
    world: World, woaport: Run, as_device: Callable[[Device], None], tmp_path: Path
) -> None:
    world.refresh()
    as_device(SP11)
    woaport(*poll_args(tmp_path / "state", SP11))
    alpha = world.manifests["p-alpha"].item_id
    result = outbox_results(world.github, SP11)[alpha]
    result["emulation"] = {
        "interpreter": {"executable": "python.exe", "version": "3.12.7", "emulated": True},
        "verdict": "pass",
        "benchmarks": [
            {"step_id": "b", "native_median": 1.0, "emulated_median": 2.5, "ratio": 0.4}
        ],
    }
    path = f"woaport/results/sp11/{alpha}.json"
    world.github.put_file(SP11.outbox, path, json.dumps(result).encode())
    world.refresh()
    device = world.status()["p-alpha"]["facts"]["queue"]["devices"]["sp11"]
    assert device["verdict"] == "pass" and device["native_vs_emulated"] == pytest.approx(0.4)


@pytest.mark.parametrize("processes", [1, 3])
def test_results_the_hub_does_not_know_are_ignored_and_reported(
    world: World,
    woaport: Run,
    as_device: Callable[[Device], None],
    tmp_path: Path,
    processes: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Also with helper processes collecting (one fork each): what they saw of the forks'
    queues reaches the fleet (a result in a fork's release is reported as ignored)."""
    monkeypatch.setattr(controller, "MIN_SHARE", 1)
    world.processes = processes
    github = world.github
    world.refresh()
    as_device(SP11)
    woaport(*poll_args(tmp_path / "state", SP11, "--max-attempts", "1"))
    results = outbox_results(github, SP11)
    alpha = world.manifests["p-alpha"].item_id
    good = results[alpha]
    forged = {
        # an item the hub never listed
        "woaport/results/sp11/p-delta-1.0-0123456789ab.json": {
            **good,
            "item_id": "p-delta-1.0-0123456789ab",
        },
        # the right item, other artifacts
        f"woaport/results/sp11/{world.manifests['p-beta'].item_id}.json": None,
        # a device nobody registered, in the same outbox
        f"woaport/results/ghost/{alpha}.json": {**good, "device_id": "ghost"},
    }
    beta = dict(results[world.manifests["p-beta"].item_id])
    beta["artifacts"] = [{**beta["artifacts"][0], "sha256": "f" * 64}]
    forged[f"woaport/results/sp11/{world.manifests['p-beta'].item_id}.json"] = beta
    for path, document in forged.items():
        github.put_file(SP11.outbox, path, json.dumps(document).encode())
    github.put_file(SP11.outbox, f"woaport/results/sp11/{alpha}-junk.json", b"not json")
    # A whole, valid pass for p-beta in bob's own release: bob could write anything there.
    (release,) = github.repos["bob/beta"].releases
    from fakegithub import Asset

    claim = json.dumps(results[world.manifests["p-beta"].item_id]).encode()
    release.assets.append(Asset(github.next_id(), "result-sp11.json", "application/json", claim))
    world.refresh()
    fleet = world.fleet()
    reasons = {i["path"]: i["reason"] for i in fleet["ignored"]}
    assert (
        "is not one the hub listed" in reasons["woaport/results/sp11/p-delta-1.0-0123456789ab.json"]
    )
    assert (
        "artifacts the hub does not know"
        in reasons[f"woaport/results/sp11/{world.manifests['p-beta'].item_id}.json"]
    )
    assert "'ghost' is not registered" in reasons[f"woaport/results/ghost/{alpha}.json"]
    assert any("fork's release" in r for p, r in reasons.items() if p.startswith("bob/beta"))
    states = {k: v["state"] for k, v in world.status().items()}
    assert states == {
        "p-alpha": "device-validated",
        "p-beta": "ci-validated",
        "p-gamma": "device-validated",
    }
    assert len(fleet["devices"]["sp11"]["results"]) == 2
    # Ignored files are not read again on the next refresh.
    before = sum(world.github.hits.values())
    world.refresh()
    blob_reads = [k for k in world.github.hits if "/git/blobs/" in k]
    assert all(world.github.hits[k] == 1 for k in blob_reads)
    assert sum(world.github.hits.values()) > before


def test_a_manifest_changed_after_the_hub_listed_it_is_never_installed(
    world: World, woaport: Run, as_device: Callable[[Device], None], tmp_path: Path
) -> None:
    from woaport.devicequeue.github import release_body

    world.refresh()
    (release,) = world.github.repos["bob/beta"].releases
    manifest_asset = next(a for a in release.assets if a.name == "manifest.json")
    changed = json.loads(manifest_asset.data)
    changed["ci"]["verdict"] = "pass"
    changed["created"] = "2030-01-01T00:00:00Z"  # a re-publish the hub never saw
    manifest_asset.data = json.dumps(changed).encode()
    from woaport.documents.manifest import Manifest

    release.body = release_body(Manifest.from_json(changed))
    as_device(SP11)
    result = woaport(*poll_args(tmp_path / "state", SP11))
    assert result.code == 0, result.err
    beta = outbox_results(world.github, SP11)[world.manifests["p-beta"].item_id]
    assert beta["verdict"] == "tampered" and "not the one the hub listed" in beta["reason"]
    assert beta["report"] is None  # nothing was installed


def test_two_devices_poll_at_once(github: Any, tmp_path: Path) -> None:
    """Two laptops of one owner, one outbox, polling at the same moment (with a conflict
    on the outbox's branch injected): every item once per device, nothing twice."""
    for world in make_world(github, tmp_path, devices=(SP11, X13S)):
        world.refresh()
        github.fault("PUT", r"/contents/woaport/results/", status=409, times=1)
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "woaport", *poll_args(tmp_path / d.id, d)],
                env=world.device_env(d),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for d in (SP11, X13S)
        ]
        outputs = [p.communicate(timeout=300) for p in procs]
        assert [p.returncode for p in procs] == [0, 0], outputs
        items = sorted(m.item_id for m in world.manifests.values())
        for device in (SP11, X13S):
            assert sorted(outbox_results(github, device)) == items
            for item in items:
                assert commits_touching(github, device.outbox, f"{device.id} pass {item}") == 1
        world.refresh()
        status = world.status()
        assert {v["cause"] for v in status.values()} == {"passed on sp11, x13s"}
        fleet = world.fleet()["devices"]
        assert [len(fleet[d]["results"]) for d in ("sp11", "x13s")] == [3, 3]


# -- kill -9 and injected failures -------------------------------------------------------------
DEVICE_STEPS = {
    "index": ("GET", rf"^/repos/{HUB}/contents/"),
    "fork release": ("GET", r"^/repos/alice/alpha/releases/tags/"),
    "manifest asset": ("GET", r"^/repos/alice/alpha/releases/assets/{manifest}$"),
    "wheel download": ("GET", r"^/repos/alice/alpha/releases/assets/{wheel}$"),
    "outbox write": ("PUT", r"/contents/woaport/results/"),
    "heartbeat write": ("PUT", r"/contents/woaport/devices/"),
}


@pytest.mark.slow
@pytest.mark.parametrize("step", list(DEVICE_STEPS))
def test_kill_9_at_each_step_of_a_poll(github: Any, tmp_path: Path, step: str) -> None:
    for world in make_world(github, tmp_path, forks=FORKS[:1]):
        world.refresh()
        (release,) = github.repos["alice/alpha"].releases
        ids = {a.name.split(".")[-1]: a.id for a in release.assets}
        method, pattern = DEVICE_STEPS[step]
        pattern = pattern.format(manifest=ids["json"], wheel=ids["whl"])
        fault = github.fault(method, pattern, hold=60)
        state = tmp_path / "state"
        args = [sys.executable, "-m", "woaport", *poll_args(state, SP11)]
        env = world.device_env(SP11)
        first = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert fault.reached.wait(120), first.communicate(timeout=5)
        first.send_signal(signal.SIGKILL)
        first.wait()
        fault.release.set()  # the request goes on without its client (as GitHub's would)
        for _ in range(2):
            again = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
            assert again.returncode == 0, again.stderr
        item = world.manifests["p-alpha"].item_id
        assert list(outbox_results(github, SP11)) == [item]
        assert outbox_results(github, SP11)[item]["verdict"] == "pass"
        assert commits_touching(github, SP11.outbox, f"sp11 pass {item}") == 1
        world.refresh()
        assert world.status()["p-alpha"]["state"] == "device-validated"


def test_a_write_whose_answer_was_lost_is_not_written_twice(
    world: World, woaport: Run, as_device: Callable[[Device], None], tmp_path: Path
) -> None:
    """The outbox write happens and its answer is lost (the device believes it failed):
    the next poll finds the result there and keeps it."""
    world.refresh()
    github = world.github
    github.fault("PUT", r"/contents/woaport/results/", create_then_fail=True, times=3)
    as_device(SP11)
    state = tmp_path / "state"
    first = woaport(*poll_args(state, SP11))
    assert len(summary(first)["validated"]) == 3
    second = woaport(*poll_args(state, SP11))
    assert summary(second)["validated"] == []  # not run again
    for manifest in world.manifests.values():
        assert commits_touching(github, SP11.outbox, f"sp11 pass {manifest.item_id}") == 1
    assert len(outbox_results(github, SP11)) == 3


CONTROLLER_STEPS = {
    "hub index read": ("GET", rf"^/repos/{HUB}/contents/"),
    "outbox listing": ("GET", r"^/repos/dave/woaport-outbox/git/trees/"),
    "result read": ("GET", r"^/repos/dave/woaport-outbox/git/blobs/"),
    "index write": ("PUT", rf"^/repos/{HUB}/contents/"),
}


def polled_world(
    world: World, woaport: Run, as_device: Callable[[Device], None], state: Path
) -> None:
    world.refresh()
    as_device(SP11)
    polled = woaport(*poll_args(state, SP11))
    assert polled.code == 0, polled.err


@pytest.mark.parametrize("step", list(CONTROLLER_STEPS))
def test_a_source_failing_at_each_step_of_a_refresh(
    world: World, woaport: Run, as_device: Callable[[Device], None], tmp_path: Path, step: str
) -> None:
    polled_world(world, woaport, as_device, tmp_path / "state")
    method, pattern = CONTROLLER_STEPS[step]
    world.github.fault(method, pattern, status=500, times=1000)
    failing = world.refresh()
    assert any(e.startswith("fleet:") for e in failing.errors), failing.errors
    world.github.faults.clear()
    clean = world.refresh()
    assert clean.errors == []
    assert {v["state"] for v in world.status().values()} == {"device-validated"}
    assert len(world.fleet()["devices"]["sp11"]["results"]) == 3
    assert [i["reported"] for i in world.hub_index()["items"]] == [["sp11"]] * 3


@pytest.mark.parametrize("step", ["collect", "merge", "publish", "save"])
def test_an_exception_after_each_step_of_a_refresh(
    world: World,
    woaport: Run,
    as_device: Callable[[Device], None],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    step: str,
) -> None:
    from woaport.fleet import FleetRun

    polled_world(world, woaport, as_device, tmp_path / "state")
    original = getattr(FleetRun, step)

    def then_fail(self: Any, *args: Any) -> Any:
        original(self, *args)
        raise RuntimeError(f"injected after {step}")

    with monkeypatch.context() as patch:
        patch.setattr(FleetRun, step, then_fail)
        with pytest.raises(RuntimeError):
            world.refresh()
    world.refresh()
    assert {v["state"] for v in world.status().values()} == {"device-validated"}
    assert len(world.fleet()["devices"]["sp11"]["results"]) == 3
    index_commits = [
        c for c in world.github.repos[HUB].commits.values() if "device index" in c["message"]
    ]
    assert len(index_commits) == 2  # the first listing, then the one naming sp11's reports


@pytest.mark.slow
@pytest.mark.parametrize("step", list(CONTROLLER_STEPS))
def test_kill_9_at_each_step_of_a_refresh(
    world: World, woaport: Run, as_device: Callable[[Device], None], tmp_path: Path, step: str
) -> None:
    polled_world(world, woaport, as_device, tmp_path / "state")
    method, pattern = CONTROLLER_STEPS[step]
    fault = world.github.fault(method, pattern, hold=60)
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_TOKEN"}
    env.update(WOAPORT_TOKEN=world.github.token, GITHUB_API_URL=world.github.api_url)
    args = [
        sys.executable,
        "-m",
        "woaport",
        "controller",
        "update",
        "--inventory",
        str(world.folder),
        "--index-url",
        world.index.url,
        "--top",
        "0",
    ]
    killed = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert fault.reached.wait(120), killed.communicate(timeout=5)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    fault.release.set()
    again = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert {v["state"] for v in world.status().values()} == {"device-validated"}
    assert len(world.fleet()["devices"]["sp11"]["results"]) == 3
    index_commits = [
        c for c in world.github.repos[HUB].commits.values() if "device index" in c["message"]
    ]
    assert len(index_commits) == 2


# -- devices.yml, the fleet view --------------------------------------------------------------
@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"id": "Bad Id"}, "devices.0.id: 'Bad Id' does not match"),
        ({"outbox": "not-a-repo"}, "devices.0.outbox: 'not-a-repo' does not match"),
        ({"schedule": "15"}, "devices.0.schedule: '15' does not match"),
        ({"hardware": None}, "devices.0.hardware: None is not of type 'string'"),
        ({"colour": "blue"}, "devices.0: Additional properties are not allowed ('colour'"),
    ],
)
def test_a_bad_devices_yml_is_one_line_per_problem(
    woaport: Run, tmp_path: Path, entry: dict[str, Any], message: str
) -> None:
    write_inventory(tmp_path, [], [SP11])
    import yaml

    document = yaml.safe_load((tmp_path / "devices.yml").read_text())
    document["devices"][0].update(entry)
    document["devices"].append({**SP11.registration()})  # the same id twice
    document["devices"][1]["id"] = document["devices"][0]["id"]
    (tmp_path / "devices.yml").write_text(yaml.safe_dump(document))
    result = woaport("inventory", "validate", "--inventory", tmp_path)
    assert result.code == 1
    assert message in result.out, result.out
    fleet = woaport("fleet", "--inventory", tmp_path)
    assert fleet.code == 2 and len(fleet.err.strip().splitlines()) == 1


def test_the_fleet_view_flags_a_silent_device(woaport: Run, tmp_path: Path) -> None:
    from woaport.documents.fleet import DeviceRecord, FleetStatus

    write_inventory(tmp_path, [], [SP11, X13S])
    status = FleetStatus(
        hub=HUB,
        devices={
            "sp11": DeviceRecord(
                owner="dave",
                outbox=SP11.outbox,
                hardware=SP11.hardware,
                schedule="1d",
                last_seen="2020-01-01T00:00:00Z",
                pythons=("3.12.7",),
            )
        },
    )
    (tmp_path / "fleet.json").write_text(json.dumps(status.to_json()))
    result = woaport("fleet", "--inventory", tmp_path)
    assert result.code == 1
    assert "sp11 (dave, Surface Pro 11" in result.out and "SILENT (schedule 1d)" in result.out
    assert "x13s" in result.out and "last seen never" in result.out
    help_text = woaport("fleet", "--help")
    assert "Examples:" in help_text.out


def test_a_subscription_without_an_outbox_is_one_line_exit_2(
    woaport: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WOAPORT_OUTBOX", raising=False)
    monkeypatch.setenv("WOAPORT_DEVICE_CONFIG", str(tmp_path / "absent.toml"))
    result = woaport("device", "poll", "--once", "--queue", f"hub:{HUB}", "--state-dir", tmp_path)
    assert result.code == 2 and len(result.err.strip().splitlines()) == 1
    assert "--outbox OWNER/REPO" in result.err
