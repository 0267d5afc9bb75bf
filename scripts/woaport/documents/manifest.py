"""The queue item manifest: what CI publishes for devices, and what a device checks.

Its identity (``item_id``) is a digest of the artifacts and the contract only: publishing
the same files with the same contract again is the same item, whatever run does it. The
fields that change from run to run (``created``, the run id and attempt) are *volatile*;
:meth:`Manifest.identity` leaves them out, so two manifests of one item can be compared.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field

from woaport.artifacts import Role
from woaport.documents.base import OMIT_NONE, Document, JsonObject, canonical_json
from woaport.documents.verdicts import Verdict

MANIFEST_VERSION = 1


@dataclass(frozen=True, kw_only=True)
class ArtifactRecord(Document):
    """One file of a queue item or a contract run, as the documents name it."""

    filename: str
    size: int
    sha256: str
    role: Role
    # The queue asset holding this wheel's Sigstore bundle (build provenance), if any.
    attestation: str | None = field(default=None, metadata=OMIT_NONE)


@dataclass(frozen=True, kw_only=True)
class CISummary(Document):
    """What CI concluded about the item's artifacts before queueing them."""

    verdict: Verdict = Verdict.UNKNOWN  # the contract run in CI
    payload: Verdict = Verdict.UNKNOWN  # ``woaport inspect`` on the artifacts
    report_sha256: str | None = field(default=None, metadata=OMIT_NONE)
    environment: JsonObject | None = field(default=None, metadata=OMIT_NONE)


@dataclass(frozen=True, kw_only=True)
class Provenance(Document):
    """Where the artifacts were built, as GitHub Actions tells a job about itself."""

    repository: str | None = None
    commit: str | None = None
    ref: str | None = None
    workflow: str | None = None
    run_id: str | None = None
    run_attempt: str | None = None
    server_url: str | None = None


VOLATILE_PROVENANCE = ("run_id", "run_attempt")


@dataclass(frozen=True, kw_only=True)
class Manifest(Document):
    SCHEMA = "manifest"

    manifest_version: int
    item_id: str
    package: str
    version: str
    created: str
    artifacts: tuple[ArtifactRecord, ...]
    contract: JsonObject  # the contract itself, as CI ran it (its own schema: contract)
    contract_sha256: str
    ci: CISummary
    provenance: Provenance

    def artifacts_with(self, role: Role) -> list[ArtifactRecord]:
        return [a for a in self.artifacts if a.role is role]

    @property
    def under_test(self) -> ArtifactRecord:
        (artifact,) = self.artifacts_with(Role.UNDER_TEST)
        return artifact

    def identity(self) -> JsonObject:
        """The manifest without its volatile fields: equal for every publish of one item."""
        data = self.to_json()
        del data["created"]
        for key in VOLATILE_PROVENANCE:
            data["provenance"].pop(key, None)
        return data

    def digest(self) -> str:
        """sha256 of the whole manifest's canonical JSON (what a device result names)."""
        return hashlib.sha256(canonical_json(self.to_json())).hexdigest()

    def republished(self, created: str, provenance: Provenance) -> Manifest:
        return dataclasses.replace(self, created=created, provenance=provenance)


def item_id(
    package: str, version: str, artifacts: list[ArtifactRecord], contract_sha256: str
) -> str:
    """``<package>-<version>-<12 hex>``: a digest of the files and the contract."""
    digest = hashlib.sha256()
    for artifact in sorted(artifacts, key=lambda a: a.filename):
        digest.update(f"{artifact.filename}:{artifact.sha256}\n".encode())
    digest.update(contract_sha256.encode())
    return f"{package}-{version}-{digest.hexdigest()[:12]}".lower()
