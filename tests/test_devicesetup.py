"""``woaport device setup``: the token in the credential store, the scheduled task's XML
checked against the Task Scheduler schema, the Windows branches driven by parameters."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import keyring
import keyring.backend
import keyring.backends.null
import keyring.errors
import pytest
import xmlschema
import yaml
from click.testing import CliRunner

from woaport import credentials, devicesetup
from woaport.devicesetup import (
    Check,
    Logon,
    SelfCheck,
    SetupRequest,
    TaskSpec,
    TokenAction,
    task_interval,
)
from woaport.errors import BadInput
from woaport.settings import resolve_config

Run = Callable[..., Any]
FIXTURES = Path(__file__).parent / "fixtures" / "taskscheduler"
NS = {"t": "http://schemas.microsoft.com/windows/2004/02/mit/task"}
TOKEN = "github_pat_11AAAAAAA0abcdefghijklmnopqrstuvwxyz0123456789"


@pytest.fixture(scope="module")
def task_schema() -> xmlschema.XMLSchema11:
    """The Task Scheduler schema, pinned (SOURCES.yml). Read as XSD 1.1: the copy's
    customTriggerType puts an xs:any after optional elements, which XSD 1.0's Unique
    Particle Attribution rule rejects and XSD 1.1 allows (an element declaration wins over
    a wildcard); every other rule is the same."""
    (pinned,) = yaml.safe_load((FIXTURES / "SOURCES.yml").read_text())["committed"]
    path = FIXTURES / pinned["file"]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == pinned["sha256"]
    return xmlschema.XMLSchema11(str(path))


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A credential store in memory: keyring's backend interface, nothing mocked behind it."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.saved: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.saved.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.saved[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.saved.pop((service, username), None)


class BrokenKeyring(MemoryKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringError("locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError("refused")


@pytest.fixture
def store() -> Iterator[MemoryKeyring]:
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    yield memory


def spec(**overrides: Any) -> TaskSpec:
    values: dict[str, Any] = {
        "python": r"C:\Users\Ada Lovelace\.venvs\woaport\Scripts\pythonw.exe",
        "every_minutes": 15,
        "arguments": ("--queue", "github:me/fork", "--allow", "me/*"),
        "working_dir": r"C:\Users\Ada Lovelace\AppData\Local\woaport\device",
        "logon": Logon.PASSWORD,
        "user": r"LAPTOP\ada",
        "start": dt.datetime(2026, 11, 21, 9, 30, 17),
    }
    return TaskSpec(**{**values, **overrides})


def validate(schema: xmlschema.XMLSchema11, xml: str, tmp_path: Path) -> ET.Element:
    """As schtasks reads it: a UTF-16 file with a BOM."""
    path = tmp_path / "task.xml"
    path.write_text(xml, encoding="utf-16")
    assert path.read_bytes()[:2] == b"\xff\xfe"
    schema.validate(str(path))
    return ET.fromstring(xml.split("\n", 1)[1])


# -- the task XML -----------------------------------------------------------------------------


@pytest.mark.parametrize("logon", list(Logon))
@pytest.mark.parametrize(
    ("minutes", "interval"),
    [(5, "PT5M"), (15, "PT15M"), (60, "PT1H"), (90, "PT1H30M"), (1470, "P1DT30M"), (44640, "P31D")],
)
def test_the_task_is_valid_task_scheduler_xml(
    task_schema: xmlschema.XMLSchema11, tmp_path: Path, logon: Logon, minutes: int, interval: str
) -> None:
    user = None if logon is Logon.INTERACTIVE else r"LAPTOP\ada"
    root = validate(
        task_schema, spec(logon=logon, every_minutes=minutes, user=user).xml(), tmp_path
    )

    def text(path: str) -> str | None:
        element = root.find(path, NS)
        return None if element is None else element.text

    assert text(".//t:Repetition/t:Interval") == interval
    assert text(".//t:Principal/t:LogonType") == logon.logon_type
    assert text(".//t:Principal/t:UserId") == user
    assert text(".//t:Settings/t:Priority") == "4"  # NORMAL_PRIORITY_CLASS; 7 is below normal
    assert text(".//t:Settings/t:MultipleInstancesPolicy") == "IgnoreNew"
    assert text(".//t:Exec/t:Command") == spec().python
    assert text(".//t:TimeTrigger/t:StartBoundary") == "2026-11-21T09:30:00"
    arguments = text(".//t:Exec/t:Arguments") or ""
    assert arguments == "-m woaport device poll --once --queue github:me/fork --allow me/*"


def test_the_schema_rejects_what_the_task_used_to_be(
    task_schema: xmlschema.XMLSchema11, tmp_path: Path
) -> None:
    """The checks bite: the trigger's children out of order (StartBoundary before
    Repetition, as install-task wrote them), a one-second repetition, priority 11."""
    good = spec().xml()
    moved = good.replace(
        "<Repetition>", "<StartBoundary>2026-11-21T09:30:00</StartBoundary><Repetition>", 1
    ).replace(
        "</Repetition>\n        <StartBoundary>2026-11-21T09:30:00</StartBoundary>", "</Repetition>"
    )
    for bad in (
        moved,
        good.replace("<Interval>PT15M</Interval>", "<Interval>PT1S</Interval>"),
        good.replace("<Priority>4</Priority>", "<Priority>11</Priority>"),
        good.replace("<LogonType>Password</LogonType>", "<LogonType>Passwd</LogonType>"),
    ):
        assert bad != good
        path = tmp_path / "bad.xml"
        path.write_text(bad, encoding="utf-16")
        assert not task_schema.is_valid(str(path))


def test_a_path_too_long_for_task_scheduler_is_refused() -> None:
    with pytest.raises(BadInput, match="at most 260"):
        spec(working_dir="C:\\" + "d" * 300).xml()


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("5m", 5), ("15m", 15), ("1h", 60), ("1.5h", 90), ("300s", 5), ("31d", 44640)],
)
def test_task_intervals(text: str, minutes: int) -> None:
    assert task_interval(text) == minutes


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("15", "needs a unit: 15m"),
        ("2.5", "needs a unit: 2.5m"),
        ("30s", "at least 5m"),
        ("4m", "at least 5m"),
        ("330s", "whole minutes"),
        ("32d", "at most 31d"),
        ("soon", "write e.g. 30s, 15m, 2h"),
    ],
)
def test_task_intervals_need_a_unit_and_5_minutes(text: str, message: str) -> None:
    with pytest.raises(BadInput, match=message):
        task_interval(text)


@pytest.mark.parametrize(
    ("executable", "os_name", "present", "expected"),
    [
        (r"C:\Python313-arm64\python.exe", "nt", True, r"C:\Python313-arm64\pythonw.exe"),
        (  # a virtual environment, uv tool or pipx install: Scripts\
            r"C:\Users\ada\AppData\Roaming\uv\tools\woaport\Scripts\python.exe",
            "nt",
            True,
            r"C:\Users\ada\AppData\Roaming\uv\tools\woaport\Scripts\pythonw.exe",
        ),
        (r"C:\Python313-arm64\pythonw.exe", "nt", False, r"C:\Python313-arm64\pythonw.exe"),
        ("/opt/venv/bin/python3", "posix", False, "/opt/venv/bin/pythonw.exe"),  # a dry run
    ],
)
def test_the_task_starts_pythonw_of_the_same_install(
    executable: str, os_name: str, present: bool, expected: str
) -> None:
    got = devicesetup.windowless_python(executable, os_name, exists=lambda _: present)
    assert got == expected


def test_no_pythonw_is_one_clear_error() -> None:
    with pytest.raises(BadInput, match=r"no pythonw\.exe beside"):
        devicesetup.windowless_python(r"C:\Py\python.exe", "nt", exists=lambda _: False)


def test_current_user_is_domain_and_name() -> None:
    assert devicesetup.current_user({"USERDOMAIN": "LAPTOP", "USERNAME": "ada"}) == r"LAPTOP\ada"
    assert devicesetup.current_user({"USERNAME": "ada"}) == "ada"


# -- registering it: schtasks, parameterised ------------------------------------------------


class Schtasks:
    """Records what schtasks was asked to do; answers as schtasks does when it succeeds."""

    def __init__(self, code: int = 0) -> None:
        self.calls: list[tuple[list[str], dict[str, Any]]] = []
        self.code = code

    def __call__(self, argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        self.calls.append((argv, kwargs))
        return subprocess.CompletedProcess(argv, self.code, "SUCCESS" if not self.code else "", "")


def test_a_password_task_lets_schtasks_ask_for_the_password(tmp_path: Path) -> None:
    schtasks = Schtasks()
    path = devicesetup.register_task(spec(), tmp_path, os_name="nt", run=schtasks)
    ((argv, kwargs),) = schtasks.calls
    assert argv == [
        "schtasks", "/Create", "/TN", "woaport-device-poll", "/XML", str(path),
        "/RU", r"LAPTOP\ada", "/F",
    ]  # fmt: skip
    assert "/RP" not in argv  # schtasks prompts; woaport never holds the password
    assert "capture_output" not in kwargs and "stdin" not in kwargs  # the owner's terminal
    assert "PT15M" in path.read_text(encoding="utf-16")


@pytest.mark.parametrize("logon", [Logon.S4U, Logon.INTERACTIVE])
def test_other_logons_register_from_the_xml_alone(tmp_path: Path, logon: Logon) -> None:
    schtasks = Schtasks()
    devicesetup.register_task(spec(logon=logon), tmp_path, os_name="nt", run=schtasks)
    ((argv, kwargs),) = schtasks.calls
    assert "/RU" not in argv and kwargs["capture_output"] is True


def test_a_refusal_names_the_xml(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match=r"schtasks refused the task.*woaport-device-poll\.xml"):
        devicesetup.register_task(spec(), tmp_path, os_name="nt", run=Schtasks(code=1))


def test_registering_needs_windows(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="--dry-run"):
        devicesetup.register_task(spec(), tmp_path, os_name="posix", run=Schtasks())


# -- the token -------------------------------------------------------------------------------


def test_the_token_goes_to_the_store_and_the_device_reads_it_there(
    store: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WOAPORT_TOKEN", "from-the-environment")
    assert credentials.device_token() == credentials.Token(
        value="from-the-environment", source=credentials.Source.ENVIRONMENT, where="WOAPORT_TOKEN"
    )
    credentials.store_token(f"  {TOKEN}\n")
    found = credentials.device_token()
    assert found is not None and found.value == TOKEN  # the store first
    assert found.source is credentials.Source.STORE
    assert store.saved == {("woaport", "github-token"): TOKEN}
    assert TOKEN not in repr(found) and TOKEN not in found.describe()


def test_the_environment_is_the_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WOAPORT_TOKEN", raising=False)
    monkeypatch.setenv("GITHUB_TOKEN", "gh")
    found = credentials.device_token(store=BrokenKeyring())  # a locked store: no error
    assert found is not None and (found.value, found.where) == ("gh", "GITHUB_TOKEN")
    monkeypatch.delenv("GITHUB_TOKEN")
    assert credentials.device_token(store=BrokenKeyring()) is None


@pytest.mark.parametrize("backend", [BrokenKeyring(), keyring.backends.null.Keyring()])
def test_a_store_that_keeps_nothing_is_an_error(backend: Any) -> None:
    with pytest.raises(BadInput, match=r"cannot store the token.*WOAPORT_TOKEN"):
        credentials.store_token(TOKEN, store=backend)


@pytest.mark.parametrize("bad", ["", "   ", "two words", "tök", "a\x00b", "x" * 5000])
def test_a_token_is_one_printable_word(bad: str) -> None:
    with pytest.raises(BadInput):
        credentials.check_token(bad)


def test_the_device_polls_with_the_stored_token(
    woaport: Run,
    github: Any,
    tmp_path: Path,
    native_wheel: Path,
    store: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No token in the environment: a github: queue is listed and its result uploaded with
    the token from the credential store."""
    from test_queue_device import poll_args, summary, write_contract

    github.add_repo("me/fork")
    monkeypatch.setenv("GITHUB_API_URL", github.api_url)
    monkeypatch.setenv("WOAPORT_TOKEN", github.token)
    published = woaport(
        "queue", "publish", "--queue", "github:me/fork",
        "--contract", write_contract(tmp_path), native_wheel, "--json",
    )  # fmt: skip
    assert published.code == 0, published.err
    monkeypatch.delenv("WOAPORT_TOKEN")
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    without = woaport(*poll_args("github:me/fork", tmp_path / "s1"))
    assert summary(without)["published"] == []  # the upload needs a token
    credentials.store_token(github.token)
    polled = woaport(*poll_args("github:me/fork", tmp_path / "s2"))
    assert summary(polled)["published"] == [json.loads(published.out)["item_id"]], polled.err
    assert github.token not in polled.out + polled.err
    assert github.token not in (tmp_path / "s2" / "logs" / "poll.log").read_text()


# -- setup as a whole: plan, apply --------------------------------------------------------------


def passing(config: Any) -> SelfCheck:
    return SelfCheck(checks=[Check(name="windows-build", ok=True, detail="26100")])


def failing(config: Any) -> SelfCheck:
    return SelfCheck(
        checks=[Check(name="native-arm64-python", ok=False, detail="EMULATED", fix="ARM64")]
    )


def request(tmp_path: Path, **overrides: Any) -> SetupRequest:
    config = resolve_config(
        {"queues": ["github:me/fork"], "allow": ["me/fork"], "state_dir": tmp_path}, {}
    )
    values: dict[str, Any] = {"config": config, "task": spec(working_dir=str(tmp_path))}
    return SetupRequest(**{**values, **overrides})


def test_setup_stores_the_token_checks_and_registers(tmp_path: Path, store: MemoryKeyring) -> None:
    schtasks = Schtasks()
    done = devicesetup.apply(
        request(tmp_path, token_action=TokenAction.STORE, token=TOKEN),
        checker=passing,
        os_name="nt",
        run=schtasks,
    )
    assert done.exit_code == 0
    assert [s.ok for s in done.steps] == [True, True, True]
    assert (
        done.steps[0].action.startswith("stored the token in ")
        and "MemoryKeyring" in done.steps[0].action
    )
    assert store.saved[("woaport", "github-token")] == TOKEN
    assert len(schtasks.calls) == 1 and (tmp_path / "woaport-device-poll.xml").is_file()
    assert TOKEN not in json.dumps(done.to_json()) + repr(done)


def test_setup_stops_before_the_task_when_the_machine_is_not_ready(
    tmp_path: Path, store: MemoryKeyring
) -> None:
    schtasks = Schtasks()
    done = devicesetup.apply(
        request(tmp_path, token_action=TokenAction.STORE, token=TOKEN),
        checker=failing,
        os_name="nt",
        run=schtasks,
    )
    assert done.exit_code == 1 and schtasks.calls == []
    assert "fix what self-check found" in done.steps[2].action
    forced = devicesetup.apply(
        request(tmp_path, force=True), checker=failing, os_name="nt", run=schtasks
    )
    assert forced.steps[2].ok is True and len(schtasks.calls) == 1


def test_an_s4u_task_cannot_use_the_credential_store(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="cannot read Credential Manager"):
        request(
            tmp_path,
            task=spec(logon=Logon.S4U),
            token_action=TokenAction.STORE,
            token=TOKEN,
        )
    assert request(tmp_path, task=spec(logon=Logon.S4U)).token_action is TokenAction.KEEP


def test_keeping_the_token_needs_one_somewhere(
    tmp_path: Path, store: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WOAPORT_TOKEN", raising=False)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    done = devicesetup.apply(request(tmp_path), checker=passing, os_name="nt", run=Schtasks())
    assert done.steps[0].ok is False and done.exit_code == 1
    monkeypatch.setenv("WOAPORT_TOKEN", "t")
    done = devicesetup.apply(request(tmp_path), checker=passing, os_name="nt", run=Schtasks())
    assert done.steps[0].action == "uses the token from WOAPORT_TOKEN" and done.exit_code == 0


# -- the command --------------------------------------------------------------------------------


def test_dry_run_prints_the_plan_and_a_valid_task(
    woaport: Run, tmp_path: Path, task_schema: xmlschema.XMLSchema11
) -> None:
    result = woaport(
        "device", "setup", "--dry-run", "--yes", "--json", "--every", "20m",
        "--queue", "github:me/fork", "--allow", "me/fork", "--state-dir", tmp_path / "state",
        "--task-python", r"C:\Py313\pythonw.exe", "--user", r"LAPTOP\ada",
    )  # fmt: skip
    assert result.code == 0, result.err
    plan = json.loads(result.out)
    assert plan["dry_run"] is True and [s["name"] for s in plan["steps"]] == [
        "token",
        "check",
        "task",
    ]
    assert all(s["ok"] is None for s in plan["steps"])
    root = validate(task_schema, plan["task_xml"], tmp_path)
    assert root.find(".//t:Interval", NS).text == "PT20M"  # type: ignore[union-attr]
    assert root.find(".//t:Exec/t:Command", NS).text == r"C:\Py313\pythonw.exe"  # type: ignore[union-attr]
    assert not (tmp_path / "state").exists()  # a dry run changes nothing


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--every", "15"], "--every 15: needs a unit: 15m"),
        (["--every", "1m"], "at least 5m"),
        (["--token", "env"], "WOAPORT_TOKEN is not set"),
        (["--token", "prompt"], "needs a terminal"),
    ],
)
def test_bad_answers_are_one_line_exit_2(
    woaport: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.delenv("WOAPORT_TOKEN", raising=False)
    result = woaport(
        "device", "setup", "--dry-run", "--yes", "--queue", "github:me/fork",
        "--state-dir", tmp_path, *args,
    )  # fmt: skip
    assert result.code == 2
    assert message in result.err and len(result.err.strip().splitlines()) == 1


def test_setup_itself_needs_windows(woaport: Run, tmp_path: Path) -> None:
    result = woaport("device", "setup", "--yes", "--queue", "dir:x", "--state-dir", tmp_path)
    assert result.code == 2 and "--dry-run" in result.err


def test_the_token_from_stdin_is_never_shown(tmp_path: Path) -> None:
    from woaport.cli import cli

    result = CliRunner().invoke(
        cli,
        [
            "device", "setup", "--dry-run", "--yes", "--token", "stdin",
            "--queue", "github:me/fork", "--allow", "me/fork", "--state-dir", str(tmp_path),
        ],
        input=TOKEN + "\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "store the token in" in result.output and TOKEN not in result.output


def test_a_laptop_owner_answers_the_questions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store: MemoryKeyring
) -> None:
    """No option but --dry-run: setup asks for the queue, the allow-list, how often, the
    logon, the token (hidden) and prints its plan."""
    from woaport.cli import cli
    from woaport.cli import device as device_cli

    monkeypatch.setattr(device_cli, "_stdin_is_terminal", lambda: True)
    monkeypatch.delenv("WOAPORT_QUEUES", raising=False)
    monkeypatch.setenv("WOAPORT_DEVICE_CONFIG", str(tmp_path / "absent.toml"))
    answers = ["github:me/fork", "", "30m", "interactive", TOKEN]
    result = CliRunner().invoke(
        cli,
        ["device", "setup", "--dry-run", "--state-dir", str(tmp_path)],
        input="\n".join(answers) + "\n",
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Queue to poll" in out and "[me/fork]" in out  # the allow-list's default
    assert "every 30m, runs only while you are logged on" in out
    assert "<LogonType>InteractiveToken</LogonType>" in out
    assert "--queue github:me/fork --allow me/fork" in out
    assert "GitHub token" in out and TOKEN not in out
    assert store.saved == {}  # a dry run stores nothing
