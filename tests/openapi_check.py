"""Validate a fake server's responses against GitHub's OpenAPI description (the subset
vendored in tests/openapi/github-subset.json)."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

SUBSET = Path(__file__).parent / "openapi" / "github-subset.json"


def to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 schema objects -> JSON Schema (draft 7): `nullable` becomes a null type."""
    if isinstance(node, list):
        return [to_json_schema(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: to_json_schema(v) for k, v in node.items() if k != "nullable"}
    if node.get("nullable"):
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


@cache
def document() -> dict[str, Any]:
    raw = json.loads(SUBSET.read_text())
    raw["components"] = to_json_schema(raw["components"])
    return raw


def _template_regex(template: str) -> re.Pattern[str]:
    # A git ref ("heads/woaport"), a file's path and a tree named by its ref are one
    # parameter that holds slashes (the description marks them x-multi-segment).
    pattern = re.escape(template)
    for name in ("ref", "path", "tree_sha"):
        pattern = pattern.replace(rf"\{{{name}\}}", ".+")
    return re.compile("^" + re.sub(r"\\{[^}]+\\}", r"[^/]+", pattern) + "$")


def operation_for(method: str, path: str) -> tuple[str, dict[str, Any]]:
    """The (template, operation) a concrete request path matches; most specific first."""
    candidates = []
    for template, item in document()["paths"].items():
        if method.lower() in item and _template_regex(template).match(path):
            candidates.append((template.count("{"), template, item[method.lower()]))
    if not candidates:
        raise AssertionError(f"{method} {path}: not an operation in the vendored OpenAPI subset")
    candidates.sort()
    _, template, operation = candidates[0]
    return template, operation


def validate(method: str, path: str, status: int, body: Any) -> str:
    """Raise when ``body`` is not what GitHub's description says ``status`` returns."""
    template, operation = operation_for(method, path)
    responses = operation["responses"]
    response = responses.get(str(status))
    if response is None:
        raise AssertionError(
            f"{method} {template}: status {status} is not documented ({sorted(responses)})"
        )
    if "$ref" in response:
        section = response["$ref"].removeprefix("#/components/").split("/")
        response = document()["components"][section[0]][section[1]]
    content = (response.get("content") or {}).get("application/json")
    if content is None:
        if body not in (None, b"", ""):
            raise AssertionError(f"{method} {template} {status}: documented without a JSON body")
        return template
    schema = {**to_json_schema(content["schema"]), "components": document()["components"]}
    jsonschema.Draft7Validator(schema).validate(body)
    return template
