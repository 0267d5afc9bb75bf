"""Device settings: one dataclass, one loader (file < environment < command line).

Every field of :class:`DeviceConfig` says, in its metadata (:func:`setting`), how it is
written everywhere: its key in the config file (the field's name), its environment
variable (``WOAPORT_<FIELD>`` unless it says otherwise), its command-line option, and the
function that parses it from text. The loader and ``woaport device``'s options are built
from those fields, so a new setting is one new field.

A duration needs its unit (``30s``, ``15m``, ``2h``, ``1d``): ``15`` alone is refused.
"""

from __future__ import annotations

import dataclasses
import os
import platform
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from woaport.errors import BadInput


def _console_python() -> str:
    from woaport.procs import console_python

    return console_python(sys.executable)


CONFIG_ENV = "WOAPORT_DEVICE_CONFIG"

DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> float:
    """``30s``, ``15m``, ``2h``, ``1d`` in seconds; a number without its unit is refused."""
    match = DURATION.match(str(text))
    if match:
        return float(match[1]) * UNITS[match[2]]
    bare = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*", str(text))
    if bare:
        raise BadInput(f"duration {text!r} has no unit: write {bare[1]}m or {bare[1]}s")
    raise BadInput(f"duration {text!r}: write e.g. 30s, 15m, 2h")


def default_device_id() -> str:
    name = re.sub(r"[^a-z0-9._-]+", "-", platform.node().lower()).strip("-.")
    return name[:63] or "device"


def default_config_path(environ: Mapping[str, str] | None = None) -> Path:
    import platformdirs

    override = (os.environ if environ is None else environ).get(CONFIG_ENV)
    return Path(override) if override else platformdirs.user_config_path("woaport") / "device.toml"


def default_state_dir() -> Path:
    import platformdirs

    return platformdirs.user_data_path("woaport") / "device"


# -- parsers: text (or a value from a TOML/YAML file) to the field's type ----------------


def parse_device_id(value: Any) -> str:
    from woaport.devicequeue import DEVICE_ID  # the rule result file names follow

    text = str(value)
    if not DEVICE_ID.match(text):
        raise BadInput(
            f"device id {text!r}: use lower-case letters, digits, '.', '_' or '-' (max 63)"
        )
    return text


QUEUE_URL = re.compile(r"(?:github|hub):[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+|dir:.+")


def parse_queue(value: Any) -> str:
    text = str(value)
    if not QUEUE_URL.fullmatch(text):
        raise BadInput(
            f"queue {text!r}: expected dir:PATH or github:OWNER/REPO (or hub:OWNER/REPO: a device's subscription)"
        )
    return text


def parse_count(value: Any) -> int:
    try:
        number = int(str(value))
    except ValueError:
        number = 0
    if number < 1:
        raise BadInput(f"{value!r}: expected a whole number of at least 1")
    return number


def parse_installer(value: Any) -> str:
    text = str(value)
    if text not in INSTALLERS:
        raise BadInput(f"installer {text!r}: expected one of {', '.join(INSTALLERS)}")
    return text


INSTALLERS = ("auto", "uv", "pip")
PROVENANCE_POLICIES = ("require", "warn", "off")


def parse_repository(text: Any) -> str:
    value = str(text).strip()
    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}", value) or ".." in value:
        raise BadInput(f"repository {value!r}: write OWNER/REPO")
    return value


def parse_provenance(text: Any) -> str:
    value = str(text).strip().lower()
    if value not in PROVENANCE_POLICIES:
        raise BadInput(f"provenance {value!r}: write one of {', '.join(PROVENANCE_POLICIES)}")
    return value


@dataclass(frozen=True, kw_only=True)
class Setting:
    """How one field of a settings dataclass is written in a file, the environment and on
    the command line, and parsed from them."""

    name: str
    env: str
    option: str
    parse: Callable[[Any], Any]
    help: str
    many: bool = False  # a list: repeatable option, whitespace-separated variable
    metavar: str | None = None
    choices: tuple[str, ...] = ()
    shown_default: str = ""  # the default, as --help words it

    @property
    def help_suffix(self) -> str:
        """``[env var: NAME; default: ...]``, as the options' help ends."""
        parts = [f"env var: {self.env}" + (", space-separated" if self.many else "")]
        if self.shown_default:
            parts.append(f"default: {self.shown_default}")
        return f"[{'; '.join(parts)}]"


def setting(
    *,
    help: str,
    parse: Callable[[Any], Any] = str,
    default: Any = dataclasses.MISSING,
    default_factory: Callable[[], Any] | Any = dataclasses.MISSING,
    env: str | None = None,
    option: str | None = None,
    many: bool = False,
    metavar: str | None = None,
    choices: tuple[str, ...] = (),
    shown_default: str = "",
) -> Any:
    """A dataclass field that is a setting; ``env`` defaults to ``WOAPORT_<FIELD>`` and
    ``option`` to ``--<field-with-dashes>`` (both filled in by :func:`settings_of`)."""
    metadata = {
        "setting": {
            "help": help,
            "parse": parse,
            "env": env,
            "option": option,
            "many": many,
            "metavar": metavar,
            "choices": choices,
            "shown_default": shown_default,
        }
    }
    if default_factory is not dataclasses.MISSING:
        return dataclasses.field(default_factory=default_factory, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def settings_of(cls: type) -> Iterator[Setting]:
    for f in dataclasses.fields(cls):
        spec = f.metadata.get("setting")
        if spec is None:
            continue
        yield Setting(
            name=f.name,
            env=spec["env"] or f"WOAPORT_{f.name.upper()}",
            option=spec["option"] or "--" + f.name.replace("_", "-"),
            parse=spec["parse"],
            help=spec["help"],
            many=spec["many"],
            metavar=spec["metavar"],
            choices=spec["choices"],
            shown_default=spec["shown_default"],
        )


@dataclass(frozen=True, kw_only=True)
class DeviceConfig:
    device_id: str = setting(
        default_factory=default_device_id,
        parse=parse_device_id,
        metavar="NAME",
        shown_default="the host name",
        help="This device's name in results.",
    )
    queues: tuple[str, ...] = setting(
        default=(),
        parse=parse_queue,
        many=True,
        option="--queue",
        metavar="QUEUE",
        help="dir:PATH, github:OWNER/REPO, or hub:OWNER/REPO (a subscription to a hub's "
        "index of every fork's items; needs --outbox); repeatable.",
    )
    outbox: str | None = setting(
        default=None,
        parse=parse_repository,
        metavar="OWNER/REPO",
        help="Your repository this device writes its results to, for hub: subscriptions "
        "(its token needs Contents: write there, and nowhere else).",
    )
    heartbeat: float = setting(
        default=21600.0,
        parse=parse_duration,
        metavar="DURATION",
        shown_default="6h",
        help="How often the device tells its outbox it is alive (one write).",
    )
    allow: tuple[str, ...] = setting(
        default=(),
        many=True,
        metavar="PATTERN",
        help="A repository (OWNER/REPO, globs allowed) whose items may run here; repeatable.",
    )
    state_dir: Path = setting(
        default_factory=default_state_dir,
        parse=Path,
        metavar="DIR",
        shown_default="the user data dir",
        help="State, results and logs.",
    )
    python: str = setting(
        # under the scheduled task this process is pythonw.exe: environments get python.exe
        default_factory=lambda: _console_python(),
        env="WOAPORT_DEVICE_PYTHON",
        metavar="PYTHON",
        shown_default="this one",
        help="Base interpreter for contract environments.",
    )
    pythons: tuple[str, ...] = setting(
        default=(),
        many=True,
        env="WOAPORT_DEVICE_PYTHONS",
        option="--other-python",
        metavar="PYTHON",
        help=(
            "More interpreters (executables or environment folders) an item may run with; "
            "each item runs with the first, after --python, whose tags match its wheels "
            "(on Windows the py launcher's list is added); repeatable."
        ),
    )
    emulated_pythons: tuple[str, ...] = setting(
        default=(),
        many=True,
        env="WOAPORT_DEVICE_EMULATED_PYTHONS",
        option="--emulated-python",
        metavar="PYTHON",
        help=(
            "Interpreters that run emulated (x64 Python on an Arm64 laptop; found by "
            "themselves on Windows): never used to validate, they run the benchmark steps "
            "with the package's x64 wheel for the native-vs-emulated comparison; repeatable."
        ),
    )
    installer: str = setting(
        default="auto",
        parse=parse_installer,
        choices=INSTALLERS,
        shown_default="auto",
        help="How contract environments are made.",
    )
    max_attempts: int = setting(
        default=5,
        parse=parse_count,
        metavar="N",
        shown_default="5",
        help="Tries per item before it is marked failed.",
    )
    retry_base: float = setting(
        default=300.0,
        parse=parse_duration,
        metavar="DURATION",
        shown_default="300s",
        help="First retry delay, doubled each time.",
    )
    index_url: str | None = setting(
        default=None, metavar="URL", help="Index for the contracts' `requires`."
    )
    hub: str | None = setting(
        default=None,
        parse=parse_repository,
        env="WOAPORT_DEVICE_HUB",
        metavar="OWNER/REPO",
        help="The hub whose port.yml must have signed an item's wheels (provenance).",
    )
    hub_refs: tuple[str, ...] = setting(
        default=("refs/tags/v1",),
        many=True,
        env="WOAPORT_DEVICE_HUB_REFS",
        metavar="REF",
        shown_default="refs/tags/v1",
        help="Refs of the hub's port.yml this device accepts (globs allowed).",
    )
    provenance: str | None = setting(
        default=None,
        parse=parse_provenance,
        choices=PROVENANCE_POLICIES,
        shown_default="require for github: queues, warn for dir: ones",
        help="Whether wheels must carry verified build provenance before they are installed.",
    )


# -- the loader -------------------------------------------------------------------------


def read_config_file(path: Path, *, explicit: bool = False) -> dict[str, Any]:
    """A TOML (or YAML) table of settings; a missing file is no settings, unless the user
    named it (``explicit``): then it is an error."""
    if not path.is_file():
        if explicit:
            raise BadInput(f"--config {path}: no such file; check the path")
        return {}
    from woaport.bounded import read_toml, read_yaml

    where = f"device config {path}"
    if path.suffix in (".yml", ".yaml"):
        data = read_yaml(path, where, error=BadInput)
        data = {} if data is None else data
    else:
        data = read_toml(path, where, error=BadInput)
    if not isinstance(data, dict):
        raise BadInput(f"{path}: the device config must be a table of settings")
    known = {s.name for s in settings_of(DeviceConfig)}
    unknown = set(data) - known
    if unknown:
        raise BadInput(
            f"{path}: unknown setting(s) {', '.join(sorted(unknown))}; "
            f"known: {', '.join(sorted(known))}"
        )
    return data


def _from_file(spec: Setting, value: Any, path: Path | None) -> Any:
    where = f"{path}: {spec.name}" if path else spec.name
    if spec.many:
        if isinstance(value, str):
            items: list[Any] = re.split(r"[\s,]+", value)
        elif isinstance(value, list):
            items = value
        else:
            raise BadInput(f'{where}: write a list of strings, e.g. ["a", "b"]')
        return tuple(_parse(spec, v, where) for v in items if str(v))
    if isinstance(value, dict | list):
        raise BadInput(f"{where}: write one value, not a {type(value).__name__}")
    return _parse(spec, value, where)


def _parse(spec: Setting, value: Any, where: str) -> Any:
    try:
        return spec.parse(value)
    except BadInput as exc:
        raise BadInput(f"{where}: {exc.message}") from None
    except (TypeError, ValueError):  # e.g. Path(5) from `state_dir = 5`
        raise BadInput(f"{where}: {str(value)[:80]!r} is not a {spec.metavar or 'value'}") from None


def environment_values(environ: Mapping[str, str]) -> dict[str, Any]:
    """The settings the environment gives, parsed; a list variable splits on whitespace."""
    values: dict[str, Any] = {}
    for spec in settings_of(DeviceConfig):
        text = environ.get(spec.env, "")
        if not text.strip():
            continue
        if spec.many:
            values[spec.name] = tuple(_parse(spec, v, spec.env) for v in text.split())
        else:
            values[spec.name] = _parse(spec, text, spec.env)
    return values


def command_line_values(options: Mapping[str, Any]) -> dict[str, Any]:
    """The settings given as options (None or empty: not given), parsed."""
    values: dict[str, Any] = {}
    for spec in settings_of(DeviceConfig):
        value = options.get(spec.name)
        if value in (None, (), []):
            continue
        where = spec.option
        if spec.many:
            values[spec.name] = tuple(_parse(spec, v, where) for v in value)
        else:
            values[spec.name] = _parse(spec, value, where)
    return values


def resolve_config(
    options: Mapping[str, Any],
    file_settings: Mapping[str, Any],
    *,
    environ: Mapping[str, str] | None = None,
    need_queues: bool = True,
    path: Path | None = None,
) -> DeviceConfig:
    """The settings from the file, overridden by the environment, overridden by ``options``
    (the command line's values, None where an option was not given)."""
    environ = os.environ if environ is None else environ
    values = {
        spec.name: _from_file(spec, file_settings[spec.name], path)
        for spec in settings_of(DeviceConfig)
        if spec.name in file_settings and file_settings[spec.name] is not None
    }
    values.update(environment_values(environ))
    values.update(command_line_values(options))
    config = DeviceConfig(**values)
    if any(q.startswith("hub:") for q in config.queues) and config.outbox is None:
        raise BadInput(
            "a hub: subscription writes results to your outbox: pass --outbox OWNER/REPO "
            "(a repository you control), set WOAPORT_OUTBOX, or add `outbox = ...` to "
            f"{path or default_config_path(environ)}"
        )
    if need_queues and not config.queues:
        raise BadInput(
            "no queue to poll: pass --queue dir:PATH or github:OWNER/REPO, set WOAPORT_QUEUES, "
            f"or add `queues = [...]` to {path or default_config_path(environ)}"
        )
    return config


def load_device_config(
    options: Mapping[str, Any],
    *,
    config_path: Path | None = None,
    environ: Mapping[str, str] | None = None,
    need_queues: bool = True,
) -> DeviceConfig:
    """Read the config file (``config_path`` given on the command line must exist; else
    ``$WOAPORT_DEVICE_CONFIG`` or the default path, which may be absent), then apply the
    environment and the command line."""
    environ = os.environ if environ is None else environ
    path = config_path or default_config_path(environ)
    file_settings = read_config_file(path, explicit=config_path is not None)
    return resolve_config(
        options, file_settings, environ=environ, need_queues=need_queues, path=path
    )


def given_outside_the_file(
    options: Mapping[str, Any], environ: Mapping[str, str] | None = None
) -> set[str]:
    """Names of the settings given on the command line or in the environment."""
    environ = os.environ if environ is None else environ
    given = {s.name for s in settings_of(DeviceConfig) if environ.get(s.env, "").strip()}
    return given | {name for name, value in options.items() if value not in (None, (), [])}
