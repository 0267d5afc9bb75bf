"""Smoke contracts: load, validate, and the typed form the runner uses.

A contract file is YAML holding a list of contracts (or one). Validation is the JSON Schema
shipped in ``woaport/data/contract.schema.json`` plus the checks a schema cannot express
(unique ids, code that compiles, no secrets in ``env``). Every problem names the file, the
YAML path and the fix.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from packaging.utils import canonicalize_name

from woaport.bounded import load_json, load_yaml, read_text
from woaport.limits import MAX_YAML_BYTES

if TYPE_CHECKING:
    from packaging.specifiers import SpecifierSet

from woaport import __version__
from woaport.documents.base import digest
from woaport.documents.base import schema as shipped_schema
from woaport.envpolicy import is_secret_name
from woaport.errors import BadInput, InvalidContract

Mode = Literal["ci", "device"]
MODES: tuple[Mode, ...] = ("ci", "device")
DEFAULT_TIMEOUT = 300.0


def schema(name: str = "contract") -> dict[str, Any]:
    """A JSON Schema woaport ships (the contract's unless named), loaded once."""
    return shipped_schema(name)


@dataclass(frozen=True, kw_only=True)
class Problem:
    file: str
    path: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return f"{where}: {self.message}" + (f" (fix: {self.hint})" if self.hint else "")


@dataclass(frozen=True, kw_only=True)
class StageRef:
    location: str  # a path or glob (relative to the contract), or an http(s) URL
    sha256: str | None = None

    @property
    def is_url(self) -> bool:
        return self.location.startswith(("http://", "https://"))


@dataclass(frozen=True, kw_only=True)
class Step:
    step_id: str
    kind: str
    timeout: float
    modes: tuple[Mode, ...]
    settings: dict[str, Any]  # the step as the contract writes it (module, code, argv, ...)

    def runs_in(self, mode: Mode) -> bool:
        return mode in self.modes


@dataclass(frozen=True, kw_only=True)
class Contract:
    smoke_test_id: str
    package: str
    version: SpecifierSet | None
    modes: tuple[Mode, ...]
    requires: tuple[str, ...]
    stage: tuple[StageRef, ...]
    env: dict[str, str]
    steps: tuple[Step, ...]
    raw: dict[str, Any] = field(repr=False)
    source: str = ""

    @property
    def canonical(self) -> str:
        """The contract as canonical JSON: what its sha256 is taken over."""
        return json.dumps(self.raw, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.canonical.encode("utf-8")).hexdigest()

    @property
    def folder(self) -> Path:
        """Where its relative paths (staged wheels, files steps name) are resolved from: the
        contract file's folder, or the current folder for an embedded contract."""
        if self.source and not self.source.startswith("("):
            return Path(self.source).parent
        return Path.cwd()


def _message(error: Any) -> str:
    """jsonschema's message, without pasting a whole document into it."""
    if error.validator == "type":
        actual = type(error.instance).__name__.replace("dict", "mapping").replace("str", "string")
        return f"is a {actual}, not {'an' if str(error.validator_value)[:1] in 'aeiou' else 'a'} {error.validator_value}"
    message = str(error.message)
    return message if len(message) <= 300 else message[:297] + "..."


def _yaml_path(parts: Any) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _hint(error: Any) -> str:
    keyword = error.validator
    if keyword == "required":
        missing = re.findall(r"'([^']+)' is a required property", error.message)
        return f"add '{missing[0]}:'" if missing else ""
    if keyword == "enum":
        return "use one of: " + ", ".join(map(str, error.validator_value))
    if keyword in ("additionalProperties", "unevaluatedProperties"):
        return "remove it, or check its spelling against the schema"
    if keyword == "pattern":
        return f"it must match {error.validator_value}"
    if keyword == "type":
        expected = error.validator_value
        article = "an" if str(expected)[:1] in "aeiou" else "a"
        return f"write {article} {expected}"
    if keyword == "minItems":
        return "add at least one item"
    return ""


def schema_errors(document: Any) -> list[Any]:
    """Schema errors, root causes first.

    An unknown ``kind`` also makes every kind-specific key "unevaluated"; that echo is
    dropped when a deeper error inside the same object explains it. A document that passed
    the same schema before (woaport.memo) is not checked again.
    """
    from woaport import memo

    try:
        fact = digest([__version__, schema(), document])
    except (TypeError, ValueError, RecursionError):
        fact = ""  # not JSON-shaped (YAML dates, sets...): always checked
    if fact and memo.known("contract-valid", fact):
        return []
    from jsonschema import Draft202012Validator

    errors = list(Draft202012Validator(schema()).iter_errors(document))
    if not errors and fact:
        memo.remember("contract-valid", fact)
    paths = [tuple(e.absolute_path) for e in errors]
    kept = [
        e
        for e in errors
        if e.validator != "unevaluatedProperties"
        or not any(
            len(p) > len(tuple(e.absolute_path))
            and p[: len(e.absolute_path)] == tuple(e.absolute_path)
            for p in paths
        )
    ]
    return sorted(kept, key=lambda e: [str(p) for p in e.absolute_path])


def load_documents(path: Path) -> Any:
    """The contract file's YAML, read within the limits. A text read before comes back from
    the memo as the JSON it read as, without importing PyYAML (a device reads the same
    contract for item after item); only data that JSON gives back unchanged is kept."""
    from woaport import memo

    if not path.is_file():
        raise InvalidContract(f"{path}: no such contract file; pass a path like contracts/NAME.yml")
    text = read_text(path, MAX_YAML_BYTES, str(path), InvalidContract)
    fact = digest([__version__, "yaml", text])
    kept = memo.recall("contract-parsed", fact)
    if kept is not None:
        try:  # within the same limits as any JSON from outside: the cache is a file too
            return load_json(kept, str(path), error=InvalidContract)
        except InvalidContract:
            pass  # damaged: read the text again
    document = load_yaml(text, str(path), error=InvalidContract)
    try:
        encoded = json.dumps(document, allow_nan=False)
        if json.loads(encoded) == document:  # int keys, dates, sets... are never kept
            memo.keep("contract-parsed", fact, encoded.encode())
    except (TypeError, ValueError, RecursionError):
        pass
    return document


def check(path: Path) -> tuple[list[Contract], list[Problem]]:
    """Load and validate one file; returns the contracts and every problem found."""
    document = load_documents(path)
    file = str(path)
    problems = [
        Problem(file=file, path=_yaml_path(e.absolute_path), message=_message(e), hint=_hint(e))
        for e in schema_errors(document)
    ]
    if problems:
        return [], problems
    single = isinstance(document, dict)
    items = [document] if single else list(document)
    contracts = []
    seen_ids: set[str] = set()
    for i, raw in enumerate(items):
        where = "" if single else f"[{i}]"
        found, contract = _semantic(file, where, raw)
        problems += found
        if raw["smoke_test_id"] in seen_ids:
            problems.append(
                Problem(
                    file=file,
                    path=f"{where}.smoke_test_id".lstrip("."),
                    message=f"smoke_test_id {raw['smoke_test_id']!r} is used twice",
                    hint="give each contract its own id",
                )
            )
        seen_ids.add(raw["smoke_test_id"])
        if contract:
            contracts.append(contract)
    return (contracts if not problems else []), problems


def _semantic(file: str, where: str, raw: dict[str, Any]) -> tuple[list[Problem], Contract | None]:
    problems: list[Problem] = []

    def problem(path: str, message: str, hint: str = "") -> None:
        full = f"{where}.{path}" if where else path
        problems.append(Problem(file=file, path=full, message=message, hint=hint))

    version = None
    if "version" in raw:
        try:
            from packaging.specifiers import InvalidSpecifier, SpecifierSet  # only when pinned

            version = SpecifierSet(raw["version"])
        except InvalidSpecifier:
            problem(
                "version",
                f"{raw['version']!r} is not a version specifier",
                "write e.g. '>=0.30' or '==2.5.5'",
            )
    for i, requirement in enumerate(raw.get("requires", [])):
        # packaging.requirements compiles its grammar's regexes on import: only when used
        from packaging.requirements import InvalidRequirement, Requirement

        try:
            Requirement(requirement)
        except InvalidRequirement as exc:
            problem(
                f"requires[{i}]",
                f"{requirement!r} is not a requirement ({exc})",
                "write e.g. 'numpy>=2'",
            )
    for name in raw.get("env", {}):
        if is_secret_name(name):
            problem(
                f"env.{name}",
                "looks like a secret; contracts are published with the artifacts",
                "pass secrets through the runner's environment, never in a contract",
            )
    modes: tuple[Mode, ...] = tuple(raw.get("execution_modes", MODES))
    default_timeout = float(raw.get("timeout", DEFAULT_TIMEOUT))
    steps = []
    seen: set[str] = set()
    for i, spec in enumerate(raw["steps"]):
        step_id = spec["step_id"]
        if step_id in seen:
            problem(
                f"steps[{i}].step_id",
                f"step_id {step_id!r} is used twice",
                "give each step its own id",
            )
        seen.add(step_id)
        step_modes = tuple(spec.get("execution_modes", modes))
        if not set(step_modes) <= set(modes):
            problem(
                f"steps[{i}].execution_modes",
                f"{list(step_modes)} is not within the contract's {list(modes)}",
                "a step can only narrow the contract's execution_modes",
            )
        for key in ("code", "setup"):
            if key in spec and spec["kind"] in ("python_code", "benchmark"):
                try:
                    compile(spec[key], f"{step_id}.{key}", "exec")
                except SyntaxError as exc:
                    problem(
                        f"steps[{i}].{key}",
                        f"line {exc.lineno}: {exc.msg}",
                        "fix the Python syntax",
                    )
        steps.append(
            Step(
                step_id=step_id,
                kind=spec["kind"],
                timeout=float(spec.get("timeout", default_timeout)),
                modes=step_modes,
                settings=spec,
            )
        )
    if problems:
        return problems, None
    stage = tuple(
        StageRef(location=s)
        if isinstance(s, str)
        else StageRef(location=s["wheel"], sha256=s.get("sha256"))
        for s in raw.get("stage", [])
    )
    contract = Contract(
        smoke_test_id=raw["smoke_test_id"],
        package=raw["package"],
        version=version,
        modes=modes,
        requires=tuple(raw.get("requires", [])),
        stage=stage,
        env={
            k: str(v).lower() if isinstance(v, bool) else str(v)
            for k, v in raw.get("env", {}).items()
        },
        steps=tuple(steps),
        raw=raw,
        source=file,
    )
    return [], contract


def load(path: Path, smoke_test_id: str | None = None) -> Contract:
    """The one contract to run from ``path``; raises InvalidContract naming every problem."""
    contracts, problems = check(path)
    if problems:
        first = str(problems[0])
        more = (
            f" (and {len(problems) - 1} more; run `woaport contract validate {path}`)"
            if len(problems) > 1
            else ""
        )
        raise InvalidContract(first + more)
    if smoke_test_id is None:
        if len(contracts) > 1:
            ids = ", ".join(c.smoke_test_id for c in contracts)
            raise InvalidContract(
                f"{path} holds {len(contracts)} contracts ({ids}); choose one with --id"
            )
        return contracts[0]
    for contract in contracts:
        if contract.smoke_test_id == smoke_test_id:
            return contract
    ids = ", ".join(c.smoke_test_id for c in contracts)
    raise InvalidContract(f"{path}: no contract {smoke_test_id!r}; it has {ids}")


def from_dict(raw: dict[str, Any], source: str = "(embedded)") -> Contract:
    """A contract embedded elsewhere (a queue manifest), validated the same way."""
    errors = schema_errors(raw)
    if errors or not isinstance(raw, dict):
        detail = errors[0].message if errors else "not a mapping"
        raise InvalidContract(f"{source}: embedded contract is invalid ({detail})")
    problems, contract = _semantic(source, "", raw)
    if problems or contract is None:
        raise InvalidContract(str(problems[0]))
    return contract


def resolve(
    ref: str,
    smoke_test_id: str | None,
    contracts_dir: Path | None,
    packages: list[str] | None = None,
) -> Contract:
    """A contract from a file path, or from ``contracts_dir`` by file stem, id or package.
    An empty ``ref`` means: the contract for one of ``packages`` (the wheels' names)."""
    if not ref:
        if contracts_dir is None or not packages:
            raise InvalidContract(
                "no contract given: pass --contract FILE (or an id with --contracts-dir)"
            )
        last: InvalidContract | None = None
        for package in dict.fromkeys(packages):
            try:
                return resolve(package, smoke_test_id, contracts_dir)
            except InvalidContract as exc:
                last = exc
        raise last if last else InvalidContract("no contract found")
    path = Path(ref)
    if path.is_file() or contracts_dir is None:
        return load(path, smoke_test_id)
    if not contracts_dir.is_dir():
        raise InvalidContract(f"--contracts-dir {contracts_dir}: no such folder")
    for candidate in (contracts_dir / f"{ref}.yml", contracts_dir / f"{ref}.yaml"):
        if candidate.is_file():
            return load(candidate, smoke_test_id)
    known = []
    for candidate in sorted(contracts_dir.glob("*.y*ml")):
        loaded, _ = check(candidate)
        for contract in loaded:
            known.append(contract.smoke_test_id)
            if contract.smoke_test_id == ref or canonicalize_name(
                contract.package
            ) == canonicalize_name(ref):
                return contract
    raise InvalidContract(
        f"no contract {ref!r} as a file or in {contracts_dir} (it has {', '.join(known) or 'none'}); "
        "write one (woaport fork init writes a starter) or pass its path"
    )


def package_names(wheels: Iterable[Path], wheel_dir: Path | None = None) -> list[str]:
    """Package names of the wheels given (and of those in ``wheel_dir``): what an empty
    --contract is looked up by. Unparseable names are skipped: they are reported, with
    their fix, when the wheel itself is read."""
    from woaport.wheelfile import parse_wheel_name

    paths = list(wheels) + (
        sorted(wheel_dir.glob("*.whl")) if wheel_dir and wheel_dir.is_dir() else []
    )
    names = []
    for path in paths:
        try:
            names.append(parse_wheel_name(path).name)
        except BadInput:
            continue
    return names


def wheels_for_this_python(folder: Path, package: str) -> list[Path]:
    """From a wheelhouse: the wheel of ``package`` this interpreter prefers (and any other
    wheels it can install)."""
    from packaging.tags import sys_tags
    from packaging.utils import canonicalize_name

    from woaport.wheelfile import parse_wheel_name

    ranking = {tag: i for i, tag in enumerate(sys_tags())}
    candidates = []
    for path in sorted(folder.glob("*.whl")):
        name = parse_wheel_name(path)
        ranks = [ranking[t] for t in name.tags if t in ranking]
        if ranks:
            candidates.append((min(ranks), canonicalize_name(name.name), path))
    wanted = canonicalize_name(package)
    own = sorted(c for c in candidates if c[1] == wanted)
    if not own:
        names = ", ".join(p.name for p in sorted(folder.glob("*.whl"))) or "no wheels"
        raise InvalidContract(
            f"{folder}: no wheel of {package} that this interpreter installs ({names})"
        )
    others = [c[2] for c in candidates if c[1] != wanted]
    return [own[0][2], *others]


@dataclass(frozen=True, kw_only=True)
class Validation:
    """What `contract validate` found: the problems of each file, and how many contracts
    each holds."""

    files: dict[str, list[Problem]]
    counts: dict[str, int]

    @property
    def exit_code(self) -> int:
        return 1 if any(self.files.values()) else 0

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.exit_code == 0,
            "files": {
                f: {"contracts": self.counts.get(f, 0), "problems": [vars(p) for p in problems]}
                for f, problems in self.files.items()
            },
        }


def validate_files(files: list[Path]) -> Validation:
    """Check each contract file, and that smoke_test_ids are unique across them."""
    found: dict[str, list[Problem]] = {}
    counts: dict[str, int] = {}
    ids: dict[str, str] = {}
    for path in files:
        try:
            loaded, problems = check(path)
        except InvalidContract as exc:
            loaded, problems = (
                [],
                [
                    Problem(
                        file=str(path),
                        path="",
                        message=exc.message.removeprefix(f"{path}: ").removeprefix(f"{path}:"),
                    )
                ],
            )
        for c in loaded:
            if c.smoke_test_id in ids:
                problems.append(
                    Problem(
                        file=str(path),
                        path="smoke_test_id",
                        message=f"{c.smoke_test_id!r} is also defined in {ids[c.smoke_test_id]}",
                        hint="ids must be unique across contracts/",
                    )
                )
            ids.setdefault(c.smoke_test_id, str(path))
        found[str(path)] = problems
        counts[str(path)] = len(loaded)
    return Validation(files=found, counts=counts)
