"""The device queue and the device agent, end to end: both backends, real processes."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from woaport.contract import schema

Run = Callable[..., Any]
ALLOW = "me/fork"


def write_contract(
    folder: Path, code: str = "import woademo; assert woademo.add(1, 2) == 3"
) -> Path:
    path = folder / "woademo.yml"
    path.write_text(
        "- smoke_test_id: woademo-main\n  package: woademo\n  steps:\n"
        "    - step_id: add\n      kind: python_code\n      code: |\n"
        + textwrap.indent(textwrap.dedent(code), "        ")
        + "\n"
    )
    return path


def publish_dir(
    woaport: Run, tmp_path: Path, wheel: Path, code: str | None = None, url: str | None = None
) -> tuple[str, str]:
    """Queue ``wheel`` with the woademo contract (in a dir: queue unless ``url`` names one);
    returns (queue url, item id)."""
    url = url or f"dir:{tmp_path / 'queue'}"
    contract = write_contract(tmp_path, code) if code else write_contract(tmp_path)
    out = woaport("queue", "publish", "--queue", url, "--contract", contract, wheel, "--json")
    assert out.code == 0, out.err
    return url, json.loads(out.out)["item_id"]


@pytest.fixture
def gh_env(github: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    github.add_repo("me/fork")
    monkeypatch.setenv("GITHUB_API_URL", github.api_url)
    monkeypatch.setenv("WOAPORT_TOKEN", github.token)
    monkeypatch.setenv("GITHUB_REPOSITORY", "me/fork")
    monkeypatch.setenv("GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567")
    monkeypatch.setenv("GITHUB_RUN_ID", "42")
    return github


def poll_args(url: str, state: Path, *extra: str, provenance: str = "off") -> list[str]:
    """A poll of ``url``. Provenance is off unless a test says otherwise: the fake queues'
    wheels are built here, and nothing here can sign them the way port.yml does (the gate
    itself is tested with real bundles in test_provenance.py and below)."""
    return [
        "device",
        "poll",
        "--once",
        "--json",
        "--queue",
        url,
        "--state-dir",
        str(state),
        "--device-id",
        "laptop1",
        "--allow",
        ALLOW,
        "--allow",
        "dir:*",
        "--retry-base",
        "0s",
        "--provenance",
        provenance,
        *extra,
    ]


def summary(result: Any) -> dict[str, Any]:
    return json.loads(result.out.strip().splitlines()[-1])


def test_full_loop_dir_backend(woaport: Run, tmp_path: Path, native_wheel: Path) -> None:
    url = f"dir:{tmp_path / 'queue'}"
    contract = write_contract(tmp_path)
    published = woaport(
        "queue", "publish", "--queue", url, "--contract", contract, native_wheel, "--json"
    )
    assert published.code == 0, published.err
    item = json.loads(published.out)
    jsonschema.validate(item["manifest"], schema("manifest"))
    assert item["manifest"]["artifacts"][0]["role"] == "under-test"
    again = woaport(
        "queue", "publish", "--queue", url, "--contract", contract, native_wheel, "--json"
    )
    assert json.loads(again.out)["item_id"] == item["item_id"]  # idempotent

    first = woaport(*poll_args(url, tmp_path / "state"))
    assert first.code == 0, first.err
    assert summary(first)["published"] == [item["item_id"]]
    result_path = tmp_path / "queue" / "items" / item["item_id"] / "results" / "result-laptop1.json"
    result = json.loads(result_path.read_text())
    assert result["verdict"] == "pass" and result["device_id"] == "laptop1"
    assert result["report"]["mode"] == "device"
    assert result["report"]["artifacts"][0]["sha256"] == item["manifest"]["artifacts"][0]["sha256"]
    mtime = result_path.stat().st_mtime_ns

    second = woaport(*poll_args(url, tmp_path / "state"))
    assert summary(second)["published"] == [] and summary(second)["validated"] == []
    assert result_path.stat().st_mtime_ns == mtime
    listing = woaport("queue", "list", "--queue", url, "--json")
    assert json.loads(listing.out)["items"][0]["devices"] == ["laptop1"]


def test_full_loop_github_backend(
    woaport: Run, gh_env: Any, tmp_path: Path, native_wheel: Path
) -> None:
    url = "github:me/fork"
    contract = write_contract(tmp_path)
    report = tmp_path / "ci.json"
    ran = woaport(
        "contract", "run", "--contract", contract, "--wheel", native_wheel, "--report", report
    )
    assert ran.code == 0
    published = woaport(
        "queue",
        "publish",
        "--queue",
        url,
        "--contract",
        contract,
        "--ci-report",
        report,
        native_wheel,
        "--json",
    )
    assert published.code == 0, published.err
    manifest = json.loads(published.out)["manifest"]
    assert manifest["ci"]["verdict"] == "pass"
    assert (
        manifest["provenance"]["repository"] == "me/fork"
        and manifest["provenance"]["run_id"] == "42"
    )
    (release,) = gh_env.repos["me/fork"].releases
    assert release.prerelease and release.tag_name == "woaport-queue-" + manifest["item_id"]
    assert [a.name for a in release.assets] == [native_wheel.name, "manifest.json"]

    state = tmp_path / "state"
    first = woaport(*poll_args(url, state))
    assert first.code == 0, first.err
    assert summary(first)["published"] == [manifest["item_id"]]
    result_asset = next(a for a in release.assets if a.name == "result-laptop1.json")
    assert json.loads(result_asset.data)["verdict"] == "pass"
    assert gh_env.storage_auth_rejected == 0

    # The next poll sees the listing changed by its own upload (one request, 200) ...
    before_hits = sum(gh_env.hits.values())
    assert summary(woaport(*poll_args(url, state)))["published"] == []
    assert sum(gh_env.hits.values()) - before_hits == 1
    # ... and from then on an idle poll is one conditional request, answered 304.
    before_hits, before_304 = sum(gh_env.hits.values()), gh_env.not_modified
    idle = woaport(*poll_args(url, state))
    assert summary(idle)["published"] == []
    assert sum(gh_env.hits.values()) - before_hits == 1
    assert gh_env.not_modified - before_304 == 1
    assert [a.name for a in release.assets].count("result-laptop1.json") == 1


def test_tampered_wheel_is_never_installed(
    woaport: Run, tmp_path: Path, native_wheel: Path
) -> None:
    url, item_id = publish_dir(woaport, tmp_path, native_wheel)
    queued = tmp_path / "queue" / "items" / item_id / native_wheel.name
    data = bytearray(queued.read_bytes())
    data[-100] ^= 0xFF
    queued.write_bytes(bytes(data))
    result = woaport(*poll_args(url, tmp_path / "state"))
    assert "creating a fresh environment" not in result.err
    published = json.loads(
        (tmp_path / "queue" / "items" / item_id / "results" / "result-laptop1.json").read_text()
    )
    assert published["verdict"] == "tampered" and published["report"] is None
    assert native_wheel.name in published["reason"]
    assert not (tmp_path / "state" / "items" / item_id / native_wheel.name).exists()


def test_tampered_github_asset(
    woaport: Run, gh_env: Any, tmp_path: Path, native_wheel: Path
) -> None:
    publish_dir(woaport, tmp_path, native_wheel, url="github:me/fork")
    (release,) = gh_env.repos["me/fork"].releases
    wheel_asset = next(a for a in release.assets if a.name == native_wheel.name)
    changed = bytearray(wheel_asset.data)
    changed[200] ^= 0xFF
    wheel_asset.data = bytes(changed)
    result = woaport(*poll_args("github:me/fork", tmp_path / "state"))
    assert result.code == 0
    verdict = json.loads(next(a for a in release.assets if a.name == "result-laptop1.json").data)
    assert verdict["verdict"] == "tampered"


def test_items_off_the_allow_list_are_refused(
    woaport: Run, gh_env: Any, tmp_path: Path, native_wheel: Path
) -> None:
    publish_dir(woaport, tmp_path, native_wheel, url="github:me/fork")
    args = poll_args("github:me/fork", tmp_path / "state")
    args = [a for a in args if a not in (ALLOW,)]
    args.remove("--allow")
    result = woaport(*args)
    assert summary(result)["refused"] and not summary(result)["published"]
    (release,) = gh_env.repos["me/fork"].releases
    assert "result-laptop1.json" not in [a.name for a in release.assets]
    assert "me/fork is not on the allow-list" in result.err


def poll_process(url: str, state: Path, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "woaport", *poll_args(url, state)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


@pytest.mark.slow
def test_kill_9_mid_contract_then_poll_again(
    woaport: Run, tmp_path: Path, native_wheel: Path
) -> None:
    marker = tmp_path / "first-run-started"
    code = f"""\
        import os, time, woademo
        marker = {str(marker)!r}
        if not os.path.exists(marker):
            open(marker, "w").write(str(os.getpid()))
            time.sleep(120)
        assert woademo.add(1, 2) == 3
        """
    url = f"dir:{tmp_path / 'queue'}"
    out = woaport(
        "queue",
        "publish",
        "--queue",
        url,
        "--contract",
        write_contract(tmp_path, code),
        native_wheel,
        "--json",
    )
    item_id = json.loads(out.out)["item_id"]
    state = tmp_path / "state"
    first = poll_process(url, state)
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert time.monotonic() < deadline, (
            first.stderr.read() if first.poll() is not None else "no start"
        )
        time.sleep(0.05)
    step = int(marker.read_text() or 0)
    first.send_signal(signal.SIGKILL)
    first.wait()
    for _ in range(100):  # the orphaned step does not run on beside the rerun
        if (
            not Path(f"/proc/{step}").exists()
            or "zombie" in Path(f"/proc/{step}/status").read_text()
        ):
            break
        time.sleep(0.1)
    else:
        pytest.fail("the step of the killed poll is still running")
    saved = json.loads((state / "state.json").read_text())["items"]
    assert next(iter(saved.values()))["status"] == "running"

    second = poll_process(url, state)
    _, err2 = second.communicate(timeout=120)
    assert second.returncode == 0, err2
    results = list((tmp_path / "queue" / "items" / item_id / "results").iterdir())
    assert [p.name for p in results] == ["result-laptop1.json"]
    assert json.loads(results[0].read_text())["verdict"] == "pass"
    entry = next(iter(json.loads((state / "state.json").read_text())["items"].values()))
    assert entry["status"] == "done" and entry["attempts"] == 2


@pytest.mark.slow
def test_two_polls_run_one_at_a_time(woaport: Run, tmp_path: Path, native_wheel: Path) -> None:
    timeline = tmp_path / "timeline.txt"
    code = f"""\
        import os, time, woademo
        with open({str(timeline)!r}, "a") as fh:
            fh.write(f"start {{os.getppid()}} {{time.time()}}\\n")
        time.sleep(1.0)
        with open({str(timeline)!r}, "a") as fh:
            fh.write(f"end {{os.getppid()}} {{time.time()}}\\n")
        """
    url = f"dir:{tmp_path / 'queue'}"
    contract = write_contract(tmp_path, code)
    woaport("queue", "publish", "--queue", url, "--contract", contract, native_wheel)
    other = tmp_path / "other"
    from cext import build_native_wheel

    second_wheel = build_native_wheel(other, version="1.1")
    woaport("queue", "publish", "--queue", url, "--contract", contract, second_wheel)
    state = tmp_path / "state"
    polls = [poll_process(url, state), poll_process(url, state)]
    outputs = [p.communicate(timeout=180) for p in polls]
    assert [p.returncode for p in polls] == [0, 0], outputs
    events = [line.split() for line in timeline.read_text().splitlines()]
    assert [e[0] for e in events] == ["start", "end", "start", "end"]  # never interleaved
    results = sorted((tmp_path / "queue" / "items").glob("*/results/*.json"))
    assert len(results) == 2
    published = [json.loads(o[0].strip().splitlines()[-1])["published"] for o in outputs]
    assert sorted(len(p) for p in published) == [0, 2]  # one poll did it all, the other nothing


def result_for(manifest: dict[str, Any], device: str, *, reason: str) -> dict[str, Any]:
    """A valid device result document for ``manifest`` (as a device writes it)."""
    from woaport.documents.base import digest

    return {
        "result_version": 1,
        "device_id": device,
        "item_id": manifest["item_id"],
        "package": manifest["package"],
        "version": manifest["version"],
        "manifest_sha256": digest(manifest),
        "artifacts": manifest["artifacts"],
        "verdict": "pass",
        "reason": reason,
        "report": None,
        "finished": "2026-11-21T00:00:00Z",
        "woaport_version": "0",
    }


def test_crash_after_result_written_publishes_without_rerunning(
    woaport: Run, tmp_path: Path, native_wheel: Path
) -> None:
    url, item_id = publish_dir(woaport, tmp_path, native_wheel)
    state = tmp_path / "state"
    (state / "results").mkdir(parents=True)
    manifest = json.loads((tmp_path / "queue" / "items" / item_id / "manifest.json").read_text())
    (state / "results" / f"{item_id}.json").write_text(
        json.dumps(result_for(manifest, "laptop1", reason="from before the crash"))
    )
    key = f"laptop1@{url}#{item_id}"
    (state / "state.json").write_text(
        json.dumps(
            {
                "version": 1,
                "items": {key: {"status": "publishing", "attempts": 1, "verdict": "pass"}},
            }
        )
    )
    result = woaport(*poll_args(url, state))
    assert "creating a fresh environment" not in result.err
    published = json.loads(
        (tmp_path / "queue" / "items" / item_id / "results" / "result-laptop1.json").read_text()
    )
    assert published["reason"] == "from before the crash"


def test_result_already_on_queue_is_not_published_again(
    woaport: Run, tmp_path: Path, native_wheel: Path
) -> None:
    url, item_id = publish_dir(woaport, tmp_path, native_wheel)
    results = tmp_path / "queue" / "items" / item_id / "results"
    results.mkdir()
    (results / "result-laptop1.json").write_text('{"verdict": "pass", "marker": "earlier"}')
    state = tmp_path / "state"
    key = f"laptop1@{url}#{item_id}"
    state.mkdir()
    (state / "state.json").write_text(
        json.dumps({"version": 1, "items": {key: {"status": "running", "attempts": 1}}})
    )
    woaport(*poll_args(url, state))
    assert json.loads((results / "result-laptop1.json").read_text())["marker"] == "earlier"
    assert json.loads((state / "state.json").read_text())["items"][key]["status"] == "done"


def test_failing_item_retried_then_marked_failed(
    woaport: Run, tmp_path: Path, native_wheel: Path
) -> None:
    url, item_id = publish_dir(woaport, tmp_path, native_wheel)
    (tmp_path / "queue" / "items" / item_id / native_wheel.name).unlink()  # an unreadable item
    state = tmp_path / "state"
    first = woaport(*poll_args(url, state, "--max-attempts", "2"))
    assert summary(first)["retrying"] == [item_id]
    second = woaport(*poll_args(url, state, "--max-attempts", "2"))
    assert summary(second)["failed"] == [item_id]
    published = json.loads(
        (tmp_path / "queue" / "items" / item_id / "results" / "result-laptop1.json").read_text()
    )
    assert published["verdict"] == "error" and "gave up after 2 attempts" in published["reason"]
    third = woaport(*poll_args(url, state, "--max-attempts", "2"))
    assert summary(third)["validated"] == [] and summary(third)["published"] == []


def test_backoff_waits_between_attempts(woaport: Run, tmp_path: Path, native_wheel: Path) -> None:
    url, item_id = publish_dir(woaport, tmp_path, native_wheel)
    (tmp_path / "queue" / "items" / item_id / native_wheel.name).unlink()
    state = tmp_path / "state"
    args = [a if a != "0s" else "1h" for a in poll_args(url, state)]
    assert summary(woaport(*args))["retrying"] == [item_id]
    assert summary(woaport(*args))["retrying"] == []  # not due for an hour
    entry = next(iter(json.loads((state / "state.json").read_text())["items"].values()))
    assert entry["attempts"] == 1 and entry["next_attempt"] > time.time() + 3000


def test_github_faults_during_poll(
    woaport: Run, gh_env: Any, tmp_path: Path, native_wheel: Path
) -> None:
    publish_dir(woaport, tmp_path, native_wheel, url="github:me/fork")
    gh_env.fault("GET", r"^/repos/me/fork/releases$", status=503, times=1)
    gh_env.fault("GET", r"/releases/assets/\d+$", truncate=True, times=1)  # the first download
    state = tmp_path / "state"
    first = woaport(*poll_args("github:me/fork", state))
    assert summary(first)["retrying"], first.err
    # The result upload breaks every time this poll tries (uploads are retried on 5xx,
    # and the "open" asset each broken try leaves is deleted first): it stays local.
    gh_env.fault(
        "POST", r"/uploads/.*/assets$", create_then_fail=True, times=3
    )  # the result upload
    second = woaport(*poll_args("github:me/fork", state))
    assert summary(second)["validated"] and not summary(second)["published"]
    third = woaport(*poll_args("github:me/fork", state))
    assert summary(third)["published"]
    (release,) = gh_env.repos["me/fork"].releases
    results = [a for a in release.assets if a.name == "result-laptop1.json"]
    assert len(results) == 1 and results[0].state == "uploaded"
    assert json.loads(results[0].data)["verdict"] == "pass"


def test_config_file_and_environment(
    woaport: Run, tmp_path: Path, native_wheel: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"dir:{tmp_path / 'queue'}"
    woaport(
        "queue", "publish", "--queue", url, "--contract", write_contract(tmp_path), native_wheel
    )
    config = tmp_path / "device.toml"
    config.write_text(
        f'device_id = "from-file"\nqueues = ["{url}"]\nallow = ["dir:*"]\nretry_base = "0s"\n'
    )
    monkeypatch.setenv("WOAPORT_DEVICE_CONFIG", str(config))
    monkeypatch.setenv("WOAPORT_STATE_DIR", str(tmp_path / "state"))
    result = woaport("device", "poll", "--once", "--json")
    assert result.code == 0, result.err
    assert list((tmp_path / "queue" / "items").glob("*/results/result-from-file.json"))
    monkeypatch.setenv("WOAPORT_DEVICE_ID", "from-env")
    woaport("device", "poll", "--once")
    assert list((tmp_path / "queue" / "items").glob("*/results/result-from-env.json"))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("device_id = [", "not valid TOML"),
        ('colour = "blue"\n', "unknown setting(s) colour"),
        ('device_id = "Bad Name!"\nqueues = ["dir:/x"]\n', "device id 'Bad Name!'"),
        ('queues = ["ftp://x"]\n', "expected dir:PATH or github:OWNER/REPO"),
        ("", "no queue to poll"),
    ],
)
def test_bad_config_is_one_line_exit_2(
    woaport: Run, tmp_path: Path, content: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WOAPORT_QUEUES", raising=False)
    config = tmp_path / "device.toml"
    config.write_text(content)
    result = woaport("device", "poll", "--once", "--config", config, "--state-dir", tmp_path / "s")
    assert result.code == 2
    assert message in result.err and len(result.err.strip().splitlines()) == 1


def test_self_check_on_a_real_device_and_an_emulated_one(
    tmp_path: Path, github: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from woaport.devicesetup import self_check
    from woaport.github import GitHub
    from woaport.settings import resolve_config

    github.add_repo("me/fork")
    monkeypatch.setenv("WOAPORT_TOKEN", github.token)
    config = resolve_config(
        {"queues": ["github:me/fork"], "allow": ["me/fork"], "state_dir": tmp_path}, {}
    )
    native = {
        "os": "Windows",
        "os_release": "11",
        "os_build": 26100,
        "interpreter_machine": "ARM64",
        "native_machine": "ARM64",
        "emulated": False,
        "python": {"sysconfig_platform": "win-arm64"},
    }
    factory = lambda: GitHub(api_url=github.api_url, sleep=lambda s: None)  # noqa: E731
    good = self_check(config, facts=native, disk_free=lambda p: 50 << 30, github_factory=factory)
    assert good.exit_code == 0, good.to_json()
    emulated = dict(
        native,
        interpreter_machine="AMD64",
        emulated=True,
        python={"sysconfig_platform": "win-amd64"},
    )
    bad = self_check(config, facts=emulated, disk_free=lambda p: 1 << 30, github_factory=factory)
    failing = {c["name"]: c for c in bad.to_json()["checks"] if not c["ok"]}
    assert set(failing) == {"native-arm64-python", "free-disk"}
    assert "EMULATED" in failing["native-arm64-python"]["detail"]
    assert "ARM64 build of Python" in failing["native-arm64-python"]["fix"]


def test_self_check_command_here(woaport: Run, tmp_path: Path) -> None:
    result = woaport(
        "device", "self-check", "--json", "--state-dir", tmp_path, "--queue", f"dir:{tmp_path}"
    )
    assert result.code == 1  # this Linux x86_64 machine is no Windows-on-Arm device
    checks = {c["name"]: c["ok"] for c in json.loads(result.out)["checks"]}
    assert checks["windows-build"] is False and checks["allow-list"] is False
    assert checks[f"queue {tmp_path}"] is True and checks["contract-runner"] is True


def test_install_task_dry_run_prints_task_xml(woaport: Run, tmp_path: Path) -> None:
    result = woaport(
        "device",
        "install-task",
        "--dry-run",
        "--every",
        "20m",
        "--queue",
        "github:me/fork",
        "--allow",
        "me/fork",
        "--state-dir",
        tmp_path,
    )
    assert result.code == 0, result.err
    root = ET.fromstring(result.out.split("\n", 1)[1])
    ns = {"t": "http://schemas.microsoft.com/windows/2004/02/mit/task"}
    assert root.find(".//t:Repetition/t:Interval", ns).text == "PT20M"  # type: ignore[union-attr]
    assert root.find(".//t:MultipleInstancesPolicy", ns).text == "IgnoreNew"  # type: ignore[union-attr]
    arguments = root.find(".//t:Exec/t:Arguments", ns).text  # type: ignore[union-attr]
    assert arguments.startswith("-m woaport device poll --once")  # type: ignore[union-attr]
    assert "--queue github:me/fork --allow me/fork" in arguments  # type: ignore[operator]
    command = root.find(".//t:Exec/t:Command", ns).text  # type: ignore[union-attr]
    assert command == str(Path(sys.executable).with_name("pythonw.exe"))  # no window


def test_install_task_without_dry_run_needs_windows(woaport: Run, tmp_path: Path) -> None:
    result = woaport("device", "install-task", "--state-dir", tmp_path)
    assert result.code == 2 and "--dry-run" in result.err


def test_publish_refuses_bad_input(woaport: Run, tmp_path: Path, native_wheel: Path) -> None:
    contract = write_contract(tmp_path)
    result = woaport("queue", "publish", "--queue", "s3://x", "--contract", contract, native_wheel)
    assert result.code == 2 and "expected dir:PATH or github:OWNER/REPO" in result.err
    from cext import build_pure_wheel

    other = build_pure_wheel(tmp_path / "o", "otherpkg")
    result = woaport(
        "queue", "publish", "--queue", f"dir:{tmp_path}/q", "--contract", contract, other
    )
    assert result.code == 2 and "none of the wheels is 'woademo'" in result.err
    stale = tmp_path / "stale.json"
    stale.write_text(
        json.dumps(
            {  # a whole, valid report: of another contract
                "report_version": 1,
                "woaport_version": "0",
                "contract": {"smoke_test_id": "other", "package": "woademo", "sha256": "0" * 64},
                "mode": "ci",
                "artifacts": [
                    {
                        "filename": native_wheel.name,
                        "size": 1,
                        "sha256": "1" * 64,
                        "role": "under-test",
                    }
                ],
                "environment": {},
                "installer": "uv",
                "install": {"ok": True, "duration_seconds": 1.0},
                "verification": None,
                "steps": [],
                "verdict": "pass",
                "started": "2026-11-21T00:00:00Z",
                "finished": "2026-11-21T00:00:01Z",
            }
        )
    )
    result = woaport(
        "queue",
        "publish",
        "--queue",
        f"dir:{tmp_path}/q",
        "--contract",
        contract,
        "--ci-report",
        stale,
        native_wheel,
    )
    assert result.code == 2 and "is for another contract" in result.err


def test_every_setting_has_an_environment_variable(
    woaport: Run, tmp_path: Path, native_wheel: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, item_id = publish_dir(woaport, tmp_path, native_wheel)
    (tmp_path / "queue" / "items" / item_id / native_wheel.name).unlink()
    for name, value in {
        "WOAPORT_QUEUES": url,
        "WOAPORT_ALLOW": "dir:*",
        "WOAPORT_DEVICE_ID": "envdevice",
        "WOAPORT_STATE_DIR": str(tmp_path / "state"),
        "WOAPORT_MAX_ATTEMPTS": "1",
        "WOAPORT_RETRY_BASE": "0s",
        "WOAPORT_INSTALLER": "uv",
        "WOAPORT_DEVICE_PYTHON": sys.executable,
        "WOAPORT_DEVICE_CONFIG": str(tmp_path / "absent.toml"),
    }.items():
        monkeypatch.setenv(name, value)
    result = woaport("device", "poll", "--once", "--json")
    assert summary(result)["failed"] == [item_id]  # one attempt allowed, from the environment
    published = tmp_path / "queue" / "items" / item_id / "results" / "result-envdevice.json"
    assert json.loads(published.read_text())["verdict"] == "error"


def test_task_arguments_are_quoted_for_windows(woaport: Run, tmp_path: Path) -> None:
    state = tmp_path / "state with spaces"
    result = woaport(
        "device",
        "install-task",
        "--dry-run",
        "--queue",
        r"dir:C:\queues\team queue",
        "--allow",
        "me/*",
        "--state-dir",
        state,
    )
    root = ET.fromstring(result.out.split("\n", 1)[1])
    ns = {"t": "http://schemas.microsoft.com/windows/2004/02/mit/task"}
    arguments = root.find(".//t:Exec/t:Arguments", ns).text  # type: ignore[union-attr]
    assert '"dir:C:\\queues\\team queue"' in arguments  # type: ignore[operator]
    assert f'"{state}"' in arguments  # type: ignore[operator]


def test_a_manifest_too_long_for_the_release_body(
    woaport: Run, gh_env: Any, tmp_path: Path, native_wheel: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from woaport.devicequeue import github as queue_github

    monkeypatch.setattr(queue_github, "BODY_LIMIT", 100)  # every manifest is "too long"
    publish_dir(woaport, tmp_path, native_wheel, url="github:me/fork")
    (release,) = gh_env.repos["me/fork"].releases
    assert queue_github.BODY_MARKER not in (release.body or "")
    result = woaport(*poll_args("github:me/fork", tmp_path / "state"))
    assert summary(result)["published"], result.err  # found through manifest.json
    listing = woaport("queue", "list", "--queue", "github:me/fork", "--json")
    assert json.loads(listing.out)["items"][0]["devices"] == ["laptop1"]


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ((), "no hub is configured"),
        (("--hub", "hub/woaport"), "bundle check failed"),  # no attestation in the manifest
    ],
)
def test_github_items_without_provenance_are_never_installed(
    woaport: Run,
    gh_env: Any,
    tmp_path: Path,
    native_wheel: Path,
    options: tuple[str, ...],
    reason: str,
) -> None:
    """Under the default policy for github: queues (require), a wheel nobody signed is
    reported unverified and no environment is ever created for it."""
    publish_dir(woaport, tmp_path, native_wheel, url="github:me/fork")
    args = poll_args("github:me/fork", tmp_path / "state", *options)
    at = args.index("--provenance")
    del args[at : at + 2]  # the default policy
    result = woaport(*args)
    assert "creating a fresh environment" not in result.err
    (release,) = gh_env.repos["me/fork"].releases
    (asset,) = [a for a in release.assets if a.name == "result-laptop1.json"]
    document = json.loads(asset.data)
    assert document["verdict"] == "unverified", document
    assert reason in document["reason"]


def test_an_attested_item_carries_its_bundle_and_the_device_checks_it(
    woaport: Run, tmp_path: Path, native_wheel: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """queue publish --attestation queues the bundle beside the wheel and names it in the
    manifest; the device reads it and runs sigstore's verification before any install. The
    bundle is a real one (GitHub CLI's test asset, see tests/fixtures/provenance): its
    signature verifies offline, and it does not name this wheel, so the digest check fails."""
    monkeypatch.setenv("GITHUB_REPOSITORY", "me/fork")  # where CI built it: the manifest says
    bundle = (
        Path(__file__).parent / "fixtures/provenance/reusable-workflow-attestation.sigstore.json"
    )
    url = f"dir:{tmp_path / 'queue'}"
    out = woaport(
        "queue",
        "publish",
        "--queue",
        url,
        "--contract",
        write_contract(tmp_path),
        "--attestation",
        bundle,
        native_wheel,
        "--json",
    )
    assert out.code == 0, out.err
    manifest = json.loads(out.out)["manifest"]
    (artifact,) = manifest["artifacts"]
    assert artifact["attestation"] == f"{native_wheel.name}.sigstore.json"
    folder = tmp_path / "queue" / "items" / manifest["item_id"]
    assert (folder / artifact["attestation"]).read_bytes() == bundle.read_bytes()
    state = tmp_path / "state"
    result = woaport(*poll_args(url, state, "--hub", "hub/woaport", provenance="require"))
    assert "creating a fresh environment" not in result.err
    assert (folder / "results" / "result-laptop1.json").is_file(), result.err
    document = json.loads((folder / "results" / "result-laptop1.json").read_text())
    assert document["verdict"] == "unverified"
    assert "digest check failed" in document["reason"], document["reason"]


def test_an_item_that_names_no_source_repository_is_unverified_under_require(
    woaport: Run, tmp_path: Path, native_wheel: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_REPOSITORY", raising=False)
    url, item_id = publish_dir(woaport, tmp_path, native_wheel)
    result = woaport(
        *poll_args(url, tmp_path / "state", "--hub", "hub/woaport", provenance="require")
    )
    assert "creating a fresh environment" not in result.err
    results = tmp_path / "queue" / "items" / item_id / "results" / "result-laptop1.json"
    document = json.loads(results.read_text())
    assert document["verdict"] == "unverified"
    assert "names no source repository" in document["reason"]


# -- the right Python ---------------------------------------------------------------------


def another_python() -> Any:
    from pythons import other_pythons

    found = other_pythons()
    if not found:
        pytest.skip(
            "no second CPython on this machine (looked in pyenv, uv and /usr): "
            "`uv python install 3.12` makes one"
        )
    return found[0]


def test_a_wheel_for_another_python_is_skipped_not_failed(woaport: Run, tmp_path: Path) -> None:
    """Issue 11: port.yml queues one item per Python; a device whose only Python is another
    one must not publish `fail` for it. A real wheel compiled for another CPython is polled
    by a device that has only the interpreter running these tests."""
    from pythons import build_native_wheel_for
    from woaport.documents.device_result import DeviceResult

    other = another_python()
    wheel = build_native_wheel_for(other, tmp_path / "wheel")
    url, item_id = publish_dir(woaport, tmp_path, wheel)
    result = woaport(*poll_args(url, tmp_path / "state", "--python", sys.executable))
    assert result.code == 0, result.err
    assert summary(result)["skipped"] == [item_id] and summary(result)["failed"] == []
    assert "creating a fresh environment" not in result.err
    path = tmp_path / "queue" / "items" / item_id / "results" / "result-laptop1.json"
    document = json.loads(path.read_text())
    assert document["verdict"] == "skipped", document["reason"]
    assert DeviceResult.from_json(document).interpreter is None  # none ran it
    reason = document["reason"]
    assert f"cp{other.nodot}-cp{other.nodot}-{other.platform}" in reason  # the wheel's tags
    assert sys.executable in reason  # what was found
    here = f"cp{sys.version_info[0]}{sys.version_info[1]}"
    assert f"({here}, {other.platform})" in reason


def test_each_item_runs_with_the_python_its_wheel_is_for(
    woaport: Run, tmp_path: Path, native_wheel: Path
) -> None:
    """Two items, one for this Python and one for another: one poll validates both, each
    with its own interpreter, and each result names it and the tag it matched."""
    from pythons import build_native_wheel_for

    other = another_python()
    url, mine = publish_dir(woaport, tmp_path, native_wheel)
    wheel = build_native_wheel_for(other, tmp_path / "wheel", version="1.1")
    _, theirs = publish_dir(woaport, tmp_path, wheel)
    result = woaport(
        *poll_args(url, tmp_path / "state", "--python", sys.executable),
        "--other-python",
        other.executable,
    )
    assert result.code == 0, result.err
    assert sorted(summary(result)["published"]) == sorted([mine, theirs])
    items = tmp_path / "queue" / "items"
    mine_doc = json.loads((items / mine / "results" / "result-laptop1.json").read_text())
    theirs_doc = json.loads((items / theirs / "results" / "result-laptop1.json").read_text())
    assert mine_doc["verdict"] == "pass" and theirs_doc["verdict"] == "pass", result.err
    assert mine_doc["interpreter"]["executable"] == sys.executable
    assert mine_doc["interpreter"]["tags"] == [native_wheel.name.split("-", 2)[2][: -len(".whl")]]
    interpreter = theirs_doc["interpreter"]
    assert interpreter["executable"] == other.executable
    assert interpreter["version"].startswith(f"{other.version[0]}.{other.version[1]}.")
    assert interpreter["tags"] == [f"cp{other.nodot}-cp{other.nodot}-{other.platform}"]
    assert (interpreter["platform"], interpreter["emulated"]) == (other.platform, False)
    ran = theirs_doc["report"]["environment"]["python"]["version"]
    assert ran.startswith(f"{other.version[0]}.{other.version[1]}.")  # the env's own python


# -- native vs emulated -------------------------------------------------------------------

BENCH_CONTRACT = """\
- smoke_test_id: woademo-main
  package: woademo
  steps:
    - step_id: add
      kind: python_code
      code: |
        import woademo; assert woademo.add(1, 2) == 3
    - step_id: add-speed
      kind: benchmark
      setup: import woademo
      code: woademo.add(1, 2)
      repeat: 3
      number: 2000
"""


def test_native_vs_emulated_benchmarks(woaport: Run, tmp_path: Path, native_wheel: Path) -> None:
    """Two local Pythons stand in for the two: the one running the tests is "native" (its
    wheel is queued), another is named emulated; the "x64" wheel of the same version -- a
    real one, compiled for that other Python -- is served by a package index on loopback,
    beside a newer version and the native wheel, and fetched pinned by the index's sha256."""
    from fakeindex import serve
    from pythons import build_native_wheel_for
    from woaport.documents.device_result import DeviceResult
    from woaport.documents.verdicts import Verdict
    from woaport.files import sha256_file

    other = another_python()
    x64 = build_native_wheel_for(other, tmp_path / "x64")
    newer = build_native_wheel_for(other, tmp_path / "x64-newer", version="1.1")
    contract = tmp_path / "woademo.yml"
    contract.write_text(BENCH_CONTRACT)
    url = f"dir:{tmp_path / 'queue'}"
    out = woaport(
        "queue", "publish", "--queue", url, "--contract", contract, native_wheel, "--json"
    )
    item_id = json.loads(out.out)["item_id"]
    with serve() as index:
        index.add("woademo", {native_wheel.name: native_wheel, x64.name: x64, newer.name: newer})
        result = woaport(
            *poll_args(url, tmp_path / "state", "--python", sys.executable),
            "--emulated-python",
            other.executable,
            "--index-url",
            index.url,
        )
        hits = dict(index.state.hits)
    assert result.code == 0, result.err
    path = tmp_path / "queue" / "items" / item_id / "results" / "result-laptop1.json"
    document = json.loads(path.read_text())
    assert document["verdict"] == "pass", result.err
    assert document["interpreter"]["executable"] == sys.executable  # never the emulated one
    emulation = DeviceResult.from_json(document).emulation
    assert emulation is not None and emulation.verdict is Verdict.PASS, emulation
    assert emulation.interpreter.executable == other.executable and emulation.interpreter.emulated
    assert (emulation.wheel, emulation.wheel_sha256) == (x64.name, sha256_file(x64))
    assert (
        hits.get(f"/files/woademo/{x64.name}") == 1 and f"/files/woademo/{newer.name}" not in hits
    )
    (timed,) = emulation.benchmarks
    native = next(s for s in document["report"]["steps"] if s["step_id"] == "add-speed")
    assert timed.step_id == "add-speed" and timed.native_median == native["benchmark"]["median"]
    assert timed.emulated_median > 0
    assert timed.ratio == pytest.approx(timed.native_median / timed.emulated_median, rel=1e-4)
    assert emulation.ratio == pytest.approx(timed.ratio)
    schema_verdicts = document_schema_verdicts()
    assert schema_verdicts[0] == schema_verdicts[1] == [str(v) for v in Verdict]


def document_schema_verdicts() -> list[list[str]]:
    from woaport.documents.base import schema as document_schema

    properties = document_schema("device-result")["properties"]
    return [
        properties["verdict"]["enum"],
        properties["emulation"]["properties"]["verdict"]["enum"],
    ]


@pytest.mark.parametrize("fault", ["wrong-sha256", "no-x64-wheel"])
def test_an_emulated_run_that_cannot_happen_is_said_and_the_verdict_stands(
    woaport: Run, tmp_path: Path, native_wheel: Path, fault: str
) -> None:
    from fakeindex import serve
    from pythons import build_native_wheel_for

    other = another_python()
    x64 = build_native_wheel_for(other, tmp_path / "x64")
    contract = tmp_path / "woademo.yml"
    contract.write_text(BENCH_CONTRACT)
    url = f"dir:{tmp_path / 'queue'}"
    out = woaport(
        "queue", "publish", "--queue", url, "--contract", contract, native_wheel, "--json"
    )
    item_id = json.loads(out.out)["item_id"]
    with serve() as index:
        if fault == "wrong-sha256":  # the index pins another digest than the file's
            index.add("woademo", {x64.name: x64}, wrong_hash={x64.name})
        else:  # only the native wheel is published
            index.add("woademo", {native_wheel.name: native_wheel})
        result = woaport(
            *poll_args(url, tmp_path / "state", "--python", sys.executable),
            "--emulated-python",
            other.executable,
            "--index-url",
            index.url,
        )
    path = tmp_path / "queue" / "items" / item_id / "results" / "result-laptop1.json"
    document = json.loads(path.read_text())
    assert document["verdict"] == "pass", result.err
    emulation = document["emulation"]
    assert emulation["benchmarks"] == []
    if fault == "wrong-sha256":
        assert emulation["verdict"] == "error" and "sha256" in emulation["reason"]
    else:
        assert emulation["verdict"] == "skipped"
        assert "has no wheel of woademo 1.0" in emulation["reason"]
        assert other.executable in emulation["reason"]


def test_self_check_says_whether_the_token_may_write_the_outbox(
    github: Any, tmp_path: Path
) -> None:
    """A device writes only its outbox: self-check reads GitHub's ``permissions.push`` for
    it (docs.github.com, "Get a repository": permissions of the authenticated caller)."""
    from woaport.devicesetup import self_check
    from woaport.github import GitHub
    from woaport.settings import resolve_config

    github.add_repo("hub/woaport")
    github.add_repo("dave/woaport-outbox")
    github.add_repo("erin/woaport-outbox")
    github.add_token("dave-token", "dave", {"dave/woaport-outbox"})
    facts = {"os": "Windows", "python": {"sysconfig_platform": "win-arm64"}}

    def checks(outbox: str) -> dict[str, dict[str, Any]]:
        config = resolve_config(
            {
                "queues": ["hub:hub/woaport"],
                "allow": ["*"],
                "outbox": outbox,
                "state_dir": tmp_path,
            },
            {},
        )
        client = lambda: GitHub(api_url=github.api_url, token="dave-token", sleep=lambda s: None)  # noqa: E731
        result = self_check(
            config, facts=facts, disk_free=lambda p: 50 << 30, github_factory=client
        )
        return {c["name"]: c for c in result.to_json()["checks"]}

    mine = checks("dave/woaport-outbox")
    assert mine["queue hub/woaport"]["ok"] and mine["outbox dave/woaport-outbox"]["ok"]
    other = checks("erin/woaport-outbox")["outbox erin/woaport-outbox"]
    assert not other["ok"] and "not write" in other["detail"]
    assert "Contents: read and write" in other["fix"]
