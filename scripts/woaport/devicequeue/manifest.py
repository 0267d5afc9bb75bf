"""Building a queue item's manifest from the artifacts CI tested."""

from __future__ import annotations

from collections.abc import Mapping

from packaging.utils import canonicalize_name

from woaport.actionsenv import ActionsEnv
from woaport.artifacts import Artifact, Role
from woaport.contract import Contract
from woaport.documents.base import digest
from woaport.documents.contract_report import ContractReport
from woaport.documents.manifest import (
    MANIFEST_VERSION,
    ArtifactRecord,
    CISummary,
    Manifest,
    Provenance,
    item_id,
)
from woaport.documents.verdicts import Verdict
from woaport.files import utc_now


def provenance_from_environment(env: Mapping[str, str] | None = None) -> Provenance:
    """Where the artifacts were built, from the variables GitHub Actions sets."""
    return Provenance(**ActionsEnv.from_environ(env).provenance())


def attestation_name(wheel_filename: str) -> str:
    """The queue asset that carries a wheel's Sigstore bundle (one bundle may serve several)."""
    return f"{wheel_filename}.sigstore.json"


def record(artifact: Artifact, *, attested: bool = False) -> ArtifactRecord:
    return ArtifactRecord(
        filename=artifact.filename,
        size=artifact.size,
        sha256=artifact.sha256,
        role=artifact.role,
        attestation=attestation_name(artifact.filename) if attested else None,
    )


def build_manifest(
    contract: Contract,
    artifacts: list[Artifact],
    *,
    ci_report: ContractReport | None = None,
    payload: Verdict = Verdict.UNKNOWN,
    provenance: Provenance | None = None,
    attested: bool = False,
) -> Manifest:
    """The manifest for ``artifacts`` (as :func:`woaport.artifacts.classify` returned them).
    With ``attested``, each wheel built here (not the staged ones) names the asset that will
    carry its build-provenance bundle."""
    (under_test,) = [a for a in artifacts if a.role is Role.UNDER_TEST]
    records = [record(a, attested=attested and a.role is not Role.STAGED) for a in artifacts]
    package = str(canonicalize_name(contract.package))
    ci = CISummary(
        verdict=ci_report.verdict if ci_report else Verdict.UNKNOWN,
        payload=payload,
        report_sha256=digest(ci_report.to_json()) if ci_report else None,
        environment=ci_report.environment.to_json() if ci_report else None,
    )
    return Manifest(
        manifest_version=MANIFEST_VERSION,
        item_id=item_id(package, under_test.name.version, records, contract.sha256),
        package=package,
        version=under_test.name.version,
        created=utc_now(),
        artifacts=tuple(records),
        contract=contract.raw,
        contract_sha256=contract.sha256,
        ci=ci,
        provenance=provenance if provenance is not None else provenance_from_environment(),
    )
