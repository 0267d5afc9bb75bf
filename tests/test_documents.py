"""The documents between stages: each type and its JSON Schema say the same thing, and a
document read from outside is whole or refused with one line naming where it came from."""

from __future__ import annotations

import dataclasses
import json
import typing
from pathlib import Path
from typing import Any

import pytest

from woaport.documents.base import Document, schema, validate
from woaport.documents.contract_report import ContractReport, StepStatus
from woaport.documents.device_result import DeviceResult
from woaport.documents.fleet import FleetStatus, Heartbeat, HubIndex
from woaport.documents.inspect_report import InspectReport, Severity, WheelKind
from woaport.documents.manifest import Manifest
from woaport.documents.verdicts import Verdict
from woaport.errors import InvalidDocument
from woaport.pe import Machine

TOP = [Manifest, ContractReport, DeviceResult, InspectReport, HubIndex, Heartbeat, FleetStatus]


def _object(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any] | None:
    """The object alternative of a schema node (through oneOf and local/remote $ref)."""
    if "$ref" in node:
        ref = node["$ref"]
        if ref.startswith("#/"):  # a local definition: #/$defs/NAME
            target = root
            for part in ref[2:].split("/"):
                target = target[part]
            return _object(target, root)
        name = ref.rsplit("/", 1)[-1].removesuffix(".schema.json")
        return _object(schema(name), schema(name))
    for key in ("oneOf", "anyOf"):
        if key in node:
            found = [_object(n, root) for n in node[key]]
            return next((f for f in found if f is not None), None)
    return node if node.get("type") == "object" or "properties" in node else None


def _document_type(tp: Any) -> type | None:
    """The Document class inside an annotation (X, X | None, tuple[X, ...])."""
    if isinstance(tp, type) and issubclass(tp, Document):
        return tp
    for arg in typing.get_args(tp):
        inner = _document_type(arg)
        if inner is not None:
            return inner
    return None


def _pairs(cls: type, node: dict[str, Any], root: dict[str, Any], where: str) -> list[Any]:
    """(where, the type's fields, the schema's properties) for cls and every nested document."""
    found = [(where, {f.name for f in dataclasses.fields(cls)}, set(node["properties"]))]
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        inner = _document_type(hints[f.name])
        if inner is None:
            continue
        child = node["properties"][f.name]
        if child.get("type") == "array" or "items" in child:
            child = child["items"]
        elif isinstance(child.get("additionalProperties"), dict):  # dict[str, Document]
            child = child["additionalProperties"]
        obj = _object(child, root)
        if obj is not None and "properties" in obj:
            found += _pairs(inner, obj, root, f"{where}.{f.name}")
    return found


@pytest.mark.parametrize("cls", TOP, ids=lambda c: c.__name__)
def test_schema_and_type_in_step(cls: type[Document]) -> None:
    assert cls.SCHEMA is not None
    root = schema(cls.SCHEMA)
    for where, fields, properties in _pairs(cls, root, root, cls.__name__):
        assert fields == properties, where


def test_verdict_words_are_the_schemas() -> None:
    result = schema("device-result")["properties"]["verdict"]["enum"]
    assert result == [str(v) for v in Verdict]
    steps = schema("report")["properties"]["steps"]["items"]["properties"]["status"]["enum"]
    assert set(steps) == {str(s) for s in StepStatus}
    inspect = schema("inspect-report")
    assert inspect["properties"]["verdict"]["enum"] == [str(v) for v in Verdict]
    assert inspect["$defs"]["wheel"]["properties"]["verdict"]["enum"] == [str(v) for v in Verdict]
    assert inspect["$defs"]["wheel"]["properties"]["kind"]["enum"] == [str(k) for k in WheelKind]
    severities = inspect["$defs"]["finding"]["properties"]["severity"]["enum"]
    assert severities == [str(s) for s in Severity]
    machines = inspect["$defs"]["pe_file"]["properties"]["machine"]["enum"]
    assert machines == [str(m) for m in Machine]
    for v in Verdict:
        assert v.badge and v.legend


def test_worst_verdict() -> None:
    assert Verdict.worst([]) is Verdict.UNKNOWN
    assert Verdict.worst([Verdict.PASS, Verdict.FAIL]) is Verdict.FAIL
    assert Verdict.worst([Verdict.PASS, Verdict.SKIPPED]) is Verdict.PASS
    assert Verdict.worst([Verdict.FAIL, Verdict.TAMPERED]) is Verdict.TAMPERED


MANIFEST = {
    "manifest_version": 1,
    "item_id": "woademo-1.0-0123456789ab",
    "package": "woademo",
    "version": "1.0",
    "created": "2026-11-21T00:00:00Z",
    "artifacts": [
        {
            "filename": "woademo-1.0-cp312-cp312-win_arm64.whl",
            "size": 10,
            "sha256": "a" * 64,
            "role": "under-test",
            "attestation": "woademo-1.0-cp312-cp312-win_arm64.whl.sigstore.json",
        }
    ],
    "contract": {"smoke_test_id": "woademo", "package": "woademo", "steps": []},
    "contract_sha256": "b" * 64,
    "ci": {"verdict": "pass", "payload": "unknown"},
    "provenance": {"repository": "me/fork", "commit": "c" * 40},
}


def test_round_trip_and_identity() -> None:
    manifest = Manifest.from_json(MANIFEST, "test")
    again = manifest.to_json()
    # Optional provenance fields come back as null; everything else is what was read.
    assert {k: v for k, v in again.items() if k != "provenance"} == {
        k: v for k, v in MANIFEST.items() if k != "provenance"
    }
    assert Manifest.from_json(again, "again") == manifest
    rerun = manifest.republished(
        "2026-11-22T00:00:00Z", dataclasses.replace(manifest.provenance, run_attempt="2")
    )
    assert rerun.identity() == manifest.identity() and rerun.digest() != manifest.digest()


@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (lambda d: d.pop("item_id"), "(top level)"),
        (lambda d: d["artifacts"][0].update(role="primary"), "artifacts/0/role"),
        (lambda d: d["artifacts"][0].update(filename="../x.whl"), "artifacts/0/filename"),
        (lambda d: d["ci"].update(payload="ok"), "ci/payload"),  # the old word is gone
        (lambda d: d.update(manifest_version=2), "manifest_version"),
    ],
)
def test_a_bad_manifest_is_refused_with_its_place(mutate: Any, where: str) -> None:
    data = json.loads(json.dumps(MANIFEST))
    mutate(data)
    with pytest.raises(InvalidDocument) as caught:
        Manifest.from_json(data, "release me/fork woademo")
    assert caught.value.message.startswith("release me/fork woademo: not a valid manifest")
    assert f" at {where}:" in caught.value.message
    assert "\n" not in caught.value.message


def test_a_device_result_embeds_a_valid_report(tmp_path: Path) -> None:
    """The device-result schema $refs the report schema: an invalid report inside is refused."""
    result = {
        "result_version": 1,
        "device_id": "laptop1",
        "item_id": MANIFEST["item_id"],
        "package": "woademo",
        "version": "1.0",
        "manifest_sha256": "d" * 64,
        "artifacts": MANIFEST["artifacts"],
        "verdict": "pass",
        "reason": "",
        "report": {"report_version": 1},
        "finished": "2026-11-21T00:00:00Z",
        "woaport_version": "0",
    }
    with pytest.raises(InvalidDocument, match="at report"):
        DeviceResult.from_json(result, "result-laptop1.json")
    result["report"] = None
    assert DeviceResult.from_json(result, "result-laptop1.json").verdict is Verdict.PASS


def test_validate_names_non_objects() -> None:
    with pytest.raises(InvalidDocument, match="top level"):
        validate("manifest", [1, 2], "x")
