"""What every document shares: schema validation on the way in, one JSON form on the way out.

A document is a frozen dataclass deriving from :class:`Document`. Its JSON form is derived
from its fields (nested documents, ``StrEnum`` values, tuples, optional values), so the
type and the JSON cannot drift apart; the JSON Schema in ``woaport/data/`` says the same
for other readers, and a test holds the two together. ``from_json`` validates first, so a
document from outside (a release asset, a file on disk) is either whole or refused with one
line naming where it came from.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import json
import types
import typing
from typing import Any, ClassVar, Self

from woaport.errors import InvalidDocument

JsonObject = dict[str, Any]
# Field metadata: leave the key out of the JSON when the value is None.
OMIT_NONE = {"omit_none": True}


@functools.cache
def schema(name: str) -> JsonObject:
    """The JSON Schema ``woaport/data/<name>.schema.json``."""
    from importlib import resources  # 5 ms at start-up when imported with the module

    text = resources.files("woaport").joinpath("data", f"{name}.schema.json").read_text("utf-8")
    loaded: JsonObject = json.loads(text)
    return loaded


def problems(name: str, data: Any, where: str) -> list[str]:
    """Every place ``data`` breaks schema ``name``, one line each, in document order: for
    files people edit (packages.yml, devices.yml), where all of them should be fixed at once."""
    errors = sorted(
        _validator(name).iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]
    )
    return [
        f"{where}: {'.'.join(map(str, e.absolute_path)) or '(top level)'}: {e.message}"
        for e in errors
    ]


@functools.cache
def _validator(name: str) -> Any:
    """One validator per schema, made once: the controller reads thousands of documents."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema(name), registry=_registry())


def validate(name: str, data: Any, where: str) -> JsonObject:
    """``data`` checked against schema ``name``; the first problem raises, naming ``where``
    and the path inside the document (never a traceback for the user). A valid document
    costs one quick yes; the errors are listed only for a no."""
    validator = _validator(name)
    if isinstance(data, dict) and validator.is_valid(data):  # every schema's top is an object
        return data
    errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        error = errors[0]
        path = "/".join(map(str, error.absolute_path)) or "(top level)"
        message = error.message if len(error.message) <= 200 else error.message[:200] + "…"
        raise InvalidDocument(f"{where}: not a valid {name} document at {path}: {message}")
    raise InvalidDocument(f"{where}: not a valid {name} document: expected an object")


@functools.cache
def _registry() -> Any:
    """Every shipped schema by its ``$id``, so one schema may ``$ref`` another."""
    from importlib import resources

    from referencing import Registry, Resource

    folder = resources.files("woaport").joinpath("data")
    documents = [
        json.loads(entry.read_text("utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".schema.json")
    ]
    return Registry().with_resources(
        (d["$id"], Resource.from_contents(d)) for d in documents if "$id" in d
    )


def canonical_json(data: Any) -> bytes:
    """One byte form per value: sorted keys, no spaces, UTF-8. Digests are taken of this."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def digest(data: Any) -> str:
    return hashlib.sha256(canonical_json(data)).hexdigest()


class Document:
    """Base of every document: ``to_json``/``from_json`` derived from the dataclass fields."""

    SCHEMA: ClassVar[str | None] = None  # set on documents that travel on their own

    def to_json(self) -> JsonObject:
        dumped: JsonObject = dump(self)
        return dumped

    @classmethod
    def from_json(cls, data: Any, where: str = "(document)") -> Self:
        if cls.SCHEMA is not None:
            validate(cls.SCHEMA, data, where)
        try:
            loaded: Self = load(cls, data)
            return loaded
        except (TypeError, ValueError, KeyError) as exc:  # a schema that says less than the type
            raise InvalidDocument(f"{where}: not a valid {cls.__name__}: {exc}") from None


def dump(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {}
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            if item is None and f.metadata.get("omit_none"):
                continue
            out[f.name] = dump(item)
        return out
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [dump(v) for v in value]
    if isinstance(value, dict):
        return {str(k): dump(v) for k, v in value.items()}
    return value


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def load(tp: Any, value: Any) -> Any:
    """``value`` (parsed JSON) as type ``tp``; raises TypeError/ValueError when it is not."""
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        options = typing.get_args(tp)
        if value is None and type(None) in options:
            return None
        for option in options:
            if option is type(None):
                continue
            try:
                return load(option, value)
            except (TypeError, ValueError, KeyError):
                continue
        raise TypeError(f"{value!r} is none of {tp}")
    if tp is Any:
        return value
    if origin in (list, tuple):
        args = typing.get_args(tp)
        if not isinstance(value, list):
            raise TypeError(f"expected a list, got {type(value).__name__}")
        items = [load(args[0], v) for v in value]
        return tuple(items) if origin is tuple else items
    if origin is dict:
        _, item_type = typing.get_args(tp)
        if not isinstance(value, dict):
            raise TypeError(f"expected an object, got {type(value).__name__}")
        return {str(k): load(item_type, v) for k, v in value.items()}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise TypeError(f"expected an object for {tp.__name__}, got {type(value).__name__}")
        hints = _hints(tp)
        kwargs = {}
        for f in dataclasses.fields(tp):
            if f.name in value:
                kwargs[f.name] = load(hints[f.name], value[f.name])
            elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise KeyError(f"{tp.__name__}: {f.name!r} is missing")
        return tp(**kwargs)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tp(value)
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"expected a number, got {value!r}")
        return float(value)
    if tp in (str, int, bool):
        if not isinstance(value, tp) or (tp is int and isinstance(value, bool)):
            raise TypeError(f"expected {tp.__name__}, got {value!r}")
        return value
    raise TypeError(f"cannot read {tp!r}")
