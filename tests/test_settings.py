"""Device settings (file < environment < command line) and the Actions environment."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from woaport.actionsenv import ActionsEnv
from woaport.errors import BadInput
from woaport.settings import (
    DeviceConfig,
    load_device_config,
    parse_duration,
    resolve_config,
    settings_of,
)

NO_ENV: dict[str, str] = {}


def test_every_field_is_a_setting_with_the_documented_variable() -> None:
    envs = {s.name: s.env for s in settings_of(DeviceConfig)}
    assert envs == {
        "device_id": "WOAPORT_DEVICE_ID",
        "queues": "WOAPORT_QUEUES",
        "outbox": "WOAPORT_OUTBOX",
        "heartbeat": "WOAPORT_HEARTBEAT",
        "allow": "WOAPORT_ALLOW",
        "state_dir": "WOAPORT_STATE_DIR",
        "python": "WOAPORT_DEVICE_PYTHON",
        "pythons": "WOAPORT_DEVICE_PYTHONS",
        "emulated_pythons": "WOAPORT_DEVICE_EMULATED_PYTHONS",
        "installer": "WOAPORT_INSTALLER",
        "max_attempts": "WOAPORT_MAX_ATTEMPTS",
        "retry_base": "WOAPORT_RETRY_BASE",
        "index_url": "WOAPORT_INDEX_URL",
        "hub": "WOAPORT_DEVICE_HUB",
        "hub_refs": "WOAPORT_DEVICE_HUB_REFS",
        "provenance": "WOAPORT_PROVENANCE",
    }
    import dataclasses

    assert {f.name for f in dataclasses.fields(DeviceConfig)} == set(envs)


def test_file_then_environment_then_command_line(tmp_path: Path) -> None:
    config = tmp_path / "device.toml"
    config.write_text(
        'device_id = "file"\nqueues = ["dir:/q1"]\nmax_attempts = 2\nretry_base = "10m"\n'
        'installer = "pip"\n'
    )
    got = load_device_config({}, config_path=config, environ=NO_ENV)
    assert (got.device_id, got.queues, got.max_attempts, got.retry_base, got.installer) == (
        "file",
        ("dir:/q1",),
        2,
        600.0,
        "pip",
    )
    env = {"WOAPORT_DEVICE_ID": "env", "WOAPORT_QUEUES": "dir:/q2 github:me/fork"}
    env["WOAPORT_RETRY_BASE"] = "30s"
    got = load_device_config({}, config_path=config, environ=env)
    assert (got.device_id, got.queues, got.retry_base) == (
        "env",
        ("dir:/q2", "github:me/fork"),
        30.0,
    )
    assert got.max_attempts == 2 and got.installer == "pip"  # still from the file
    options: dict[str, Any] = {"device_id": "cli", "queues": ("dir:/a path/with spaces",)}
    got = load_device_config(options, config_path=config, environ=env)
    assert (got.device_id, got.queues) == ("cli", ("dir:/a path/with spaces",))


def test_environment_names_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "elsewhere.yml"
    config.write_text("queues: [dir:/y]\nretry_base: 1h\n")
    got = load_device_config({}, environ={"WOAPORT_DEVICE_CONFIG": str(config)})
    assert got.queues == ("dir:/y",) and got.retry_base == 3600.0
    # Named by the environment but absent: no settings (as before), not an error.
    absent = {"WOAPORT_DEVICE_CONFIG": str(tmp_path / "absent.toml"), "WOAPORT_QUEUES": "dir:/z"}
    assert load_device_config({}, environ=absent).queues == ("dir:/z",)


def test_explicit_config_that_does_not_exist_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match=r"--config .*absent\.toml: no such file"):
        load_device_config({}, config_path=tmp_path / "absent.toml", environ=NO_ENV)


def test_explicit_missing_config_exits_2_on_one_line(
    woaport: Callable[..., Any], tmp_path: Path
) -> None:
    result = woaport("device", "poll", "--once", "--config", tmp_path / "nope.toml")
    assert result.code == 2
    assert "no such file" in result.err and len(result.err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30s", 30.0), ("15m", 900.0), ("2h", 7200.0), ("1d", 86400.0), ("0.5m", 30.0), (" 0s ", 0.0)],
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("bad", ["15", "15 ", "1.5"])
def test_a_duration_needs_its_unit(bad: str) -> None:
    number = bad.strip()
    with pytest.raises(BadInput, match=f"write {number}m or {number}s"):
        parse_duration(bad)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("file", "device.toml: retry_base: duration 15 has no unit: write 15m or 15s"),
        ("env", "WOAPORT_RETRY_BASE: duration '15' has no unit"),
        ("cli", "--retry-base: duration '15' has no unit"),
    ],
)
def test_unitless_duration_is_refused_wherever_it_comes_from(
    tmp_path: Path, source: str, message: str
) -> None:
    config = tmp_path / "device.toml"
    config.write_text('queues = ["dir:/q"]\n' + ("retry_base = 15\n" if source == "file" else ""))
    env = {"WOAPORT_RETRY_BASE": "15"} if source == "env" else {}
    options = {"retry_base": "15"} if source == "cli" else {}
    with pytest.raises(BadInput, match=message):
        load_device_config(options, config_path=config, environ=env)


def test_bad_values_name_their_source(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="WOAPORT_INSTALLER: installer 'conda'"):
        resolve_config({}, {}, environ={"WOAPORT_INSTALLER": "conda"}, need_queues=False)
    with pytest.raises(BadInput, match="WOAPORT_MAX_ATTEMPTS: 'many'"):
        resolve_config({}, {}, environ={"WOAPORT_MAX_ATTEMPTS": "many"}, need_queues=False)
    with pytest.raises(BadInput, match="--queue: queue 'ftp://x'"):
        resolve_config({"queues": ("ftp://x",)}, {}, environ=NO_ENV)


def test_device_help_names_every_variable(woaport: Callable[..., Any]) -> None:
    text = woaport("device", "poll", "--help").out
    for spec in settings_of(DeviceConfig):
        assert spec.option in text and spec.env in text


# -- the GitHub Actions environment ----------------------------------------------------


def test_actions_environment_read_in_one_place(tmp_path: Path) -> None:
    env = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_REPOSITORY": "me/fork",
        "GITHUB_SHA": "a" * 40,
        "GITHUB_REF": "refs/heads/main",
        "GITHUB_WORKFLOW_REF": "me/fork/.github/workflows/port.yml@refs/heads/main",
        "GITHUB_WORKFLOW": "port",
        "GITHUB_RUN_ID": "123",
        "GITHUB_RUN_ATTEMPT": "2",
        "GITHUB_SERVER_URL": "https://github.example.com/",
        "GITHUB_API_URL": "https://github.example.com/api/v3",
        "GITHUB_OUTPUT": str(tmp_path / "out"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "RUNNER_TEMP": str(tmp_path / "tmp"),
        "GITHUB_TOKEN": "tok",
    }
    actions = ActionsEnv.from_environ(env)
    assert actions.on_actions and actions.repository == "me/fork"
    assert actions.api == "https://github.example.com/api/v3"
    assert actions.run_url == "https://github.example.com/me/fork/actions/runs/123"
    assert actions.output == tmp_path / "out" and actions.runner_temp == tmp_path / "tmp"
    assert actions.provenance() == {
        "repository": "me/fork",
        "commit": "a" * 40,
        "ref": "refs/heads/main",
        "workflow": "me/fork/.github/workflows/port.yml@refs/heads/main",
        "run_id": "123",
        "run_attempt": "2",
        "server_url": "https://github.example.com/",
    }
    outside = ActionsEnv.from_environ({})
    assert not outside.on_actions and outside.api == "https://api.github.com"
    assert outside.run_url is None and outside.output is None and outside.token is None
