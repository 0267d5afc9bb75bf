"""What every document shares: schema validation on the way in, canonical JSON on the way out."""

from __future__ import annotations

import functools
import hashlib
import json
from importlib import resources
from typing import Any

from woaport.errors import InvalidDocument

JsonObject = dict[str, Any]


@functools.cache
def schema(name: str) -> JsonObject:
    """The JSON Schema ``woaport/data/<name>.schema.json``."""
    text = resources.files("woaport").joinpath("data", f"{name}.schema.json").read_text("utf-8")
    loaded: JsonObject = json.loads(text)
    return loaded


def validate(name: str, data: Any, where: str) -> JsonObject:
    """``data`` checked against schema ``name``; the first problem raises, naming ``where``
    and the path inside the document (never a traceback for the user)."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema(name))
    error = next(
        iter(sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))), None
    )
    if error is not None:
        path = "/".join(map(str, error.absolute_path)) or "(top level)"
        message = error.message if len(error.message) <= 200 else error.message[:200] + "…"
        raise InvalidDocument(f"{where}: not a valid {name} document at {path}: {message}")
    if not isinstance(data, dict):  # every schema's top level is an object
        raise InvalidDocument(f"{where}: not a valid {name} document: expected an object")
    return data


def canonical_json(data: Any) -> bytes:
    """One byte form per value: sorted keys, no spaces, UTF-8. Digests are taken of this."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def digest(data: Any) -> str:
    return hashlib.sha256(canonical_json(data)).hexdigest()
