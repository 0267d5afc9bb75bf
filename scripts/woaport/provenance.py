"""Provenance: before a device installs a wheel, check where it was built.

The contract with the device queue (what the lead wires in)
------------------------------------------------------------

* **In CI**, ``port.yml`` attests the built wheels with ``actions/attest-build-provenance``:
  one Sigstore bundle (``application/vnd.dev.sigstore.bundle.v0.3+json``) whose DSSE envelope
  holds an in-toto statement (SLSA provenance v1) listing every wheel as a subject (name and
  sha256). The certificate is issued by Fulcio to the OIDC identity of the job: for a
  reusable workflow its Build Signer URI is the hub's
  ``https://github.com/HUB_OWNER/HUB_REPO/.github/workflows/port.yml@REF`` and its Source
  Repository URI is the caller's (the fork's) ``https://github.com/OWNER/REPO``.
* **The manifest** names each wheel's bundle: ``artifacts[].attestation`` (see
  :data:`MANIFEST_FIELD`), the file name of a queue asset next to the wheel, by convention
  ``<wheel filename>.sigstore.json`` (:func:`bundle_filename`); several artifacts may name
  the same file (one bundle covers every wheel of a build). The bundle needs no sha256 of
  its own: it is self-authenticating, and it is read with a size bound
  (:data:`MAX_BUNDLE_BYTES`).
* **On the device**, before anything is installed, call::

      result = verify_before_install(
          artifact=path, sha256=manifest_sha256, bundle=bundle_bytes_or_None,
          expect=Expectation(hub="OWNER/woaport", accepted_refs=("refs/tags/v1",),
                             source_repository="fork-owner/pkg", allow=("fork-owner/*",),
                             mode=PolicyMode.REQUIRE),
      )
      if not result.installable:
          ...  # verdict "unverified", result.reason; install nothing

  ``source_repository`` is where the item came from as the device knows it: for a
  ``github:OWNER/REPO`` queue, that ``OWNER/REPO`` (the manifest's own ``provenance`` block
  is written by whoever wrote the release, so it is not evidence). Every artifact that will
  be installed is checked, ``staged`` and ``extra`` ones too: a wheel without a bundle is
  ``unverified`` under ``require``.

  It returns a :class:`ProvenanceResult`: ``verified``; ``unverified`` with the failed
  :class:`Check` and a reason; ``warned`` (the same failure under ``mode=warn``, installable);
  or ``skipped`` (``mode=off``). :func:`default_mode` gives ``require`` for ``github:``
  queues and ``warn`` for ``dir:`` ones.

What is checked, in this order (the first failure is the reason)
----------------------------------------------------------------

1. ``bundle``: there is a bundle, within the size bound, that parses as a Sigstore bundle
   with a DSSE envelope.
2. ``signature``: sigstore-python verifies it **offline** against the trusted root woaport
   ships (``woaport/data/sigstore/trusted_root.json``) or the one ``woaport device trust-root
   update`` last fetched through Sigstore's TUF repository: the certificate chains to a Fulcio
   CA valid when it signed, its SCT verifies, the Rekor entry (inclusion proof, checkpoint, or
   signed timestamp) verifies with the root's log keys, the envelope signature verifies. A root
   whose keys do not cover the bundle's time fails here.
3. ``digest``: the statement is an in-toto statement whose subjects include the artifact's
   sha256 (computed from the file, and equal to the manifest's).
4. ``identity``: the certificate was issued for GitHub Actions' OIDC issuer (this part is
   checked inside step 2, as the library's policy, and reported as ``identity``) and its
   Build Signer URI is the hub's ``port.yml``.
5. ``ref``: the ``@REF`` of that URI (or the Build Signer Digest, the hub commit) is one the
   device accepts.
6. ``repository``: the Source Repository URI is the fork the item came from, and that fork
   is on the device's allow-list.

All cryptography is sigstore-python's (and python-tuf's for the refresh); this module only
compares the claims the library has verified.

PEP 740 (for ``woaport check``)
-------------------------------

:func:`index_provenance` reads the provenance object an index offers for a file (the
``provenance`` key of the PEP 691 JSON API, PEP 740), names the Trusted Publisher (repository,
workflow) and, given the downloaded file, verifies its attestations with pypi-attestations.
"""

from __future__ import annotations

import enum
import fnmatch
import hashlib
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from woaport.files import sha256_file, write_atomic
from woaport.limits import MAX_BUNDLE_BYTES as MAX_BUNDLE_BYTES

if TYPE_CHECKING:
    import requests
    from cryptography.x509 import Certificate

MANIFEST_FIELD = "attestation"
"""The key, in each ``artifacts[]`` entry of a queue manifest, naming the bundle asset."""

BUNDLE_SUFFIX = ".sigstore.json"
MAX_PROVENANCE_BYTES = MAX_BUNDLE_BYTES
GITHUB_ISSUER = "https://token.actions.githubusercontent.com"
GITHUB = "https://github.com/"
HUB_WORKFLOW = ".github/workflows/port.yml"
IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json"
IN_TOTO_STATEMENT_TYPES = ("https://in-toto.io/Statement/v1", "https://in-toto.io/Statement/v0.1")
SIGSTORE_TUF_URL = "https://tuf-repo-cdn.sigstore.dev"
TRUSTED_ROOT = "trusted_root.json"

# Fulcio's certificate extensions, https://github.com/sigstore/fulcio/blob/main/docs/oid-info.md
OID_ISSUER_V2 = "1.3.6.1.4.1.57264.1.8"
OID_BUILD_SIGNER_URI = "1.3.6.1.4.1.57264.1.9"
OID_BUILD_SIGNER_DIGEST = "1.3.6.1.4.1.57264.1.10"
OID_SOURCE_REPOSITORY_URI = "1.3.6.1.4.1.57264.1.12"
OID_SOURCE_REPOSITORY_DIGEST = "1.3.6.1.4.1.57264.1.13"
OID_SOURCE_REPOSITORY_REF = "1.3.6.1.4.1.57264.1.14"
OID_RUN_INVOCATION_URI = "1.3.6.1.4.1.57264.1.21"

SHA256 = re.compile(r"^[0-9a-f]{64}$")
COMMIT = re.compile(r"^[0-9a-f]{40}$")
REPO = re.compile(r"^[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}$")


class PolicyMode(enum.StrEnum):
    REQUIRE = "require"
    WARN = "warn"
    OFF = "off"


class Status(enum.StrEnum):
    VERIFIED = "verified"
    UNVERIFIED = "unverified"
    WARNED = "warned"
    SKIPPED = "skipped"


class Check(enum.StrEnum):
    """Which check failed; the order is the order they run in."""

    BUNDLE = "bundle"
    SIGNATURE = "signature"
    DIGEST = "digest"
    IDENTITY = "identity"
    REF = "ref"
    REPOSITORY = "repository"


def default_mode(queue_url: str) -> PolicyMode:
    """``require`` for ``github:`` queues (anyone with a token may write a release) and
    ``hub:`` subscriptions (their items come from such queues), ``warn`` for ``dir:``
    queues (a folder the device's owner controls)."""
    return PolicyMode.REQUIRE if queue_url.startswith(("github:", "hub:")) else PolicyMode.WARN


def bundle_filename(wheel_filename: str) -> str:
    return wheel_filename + BUNDLE_SUFFIX


@dataclass(frozen=True, kw_only=True)
class Expectation:
    """What the device accepts: built by ``hub``'s port.yml at an accepted ref, from
    ``source_repository`` (the fork the queue item came from), which ``allow`` admits."""

    hub: str
    accepted_refs: tuple[str, ...]
    source_repository: str
    allow: tuple[str, ...]
    mode: PolicyMode = PolicyMode.REQUIRE
    workflow: str = HUB_WORKFLOW

    def __post_init__(self) -> None:
        from woaport.errors import BadInput

        for label, value in (("hub", self.hub), ("source repository", self.source_repository)):
            if not REPO.match(value):
                raise BadInput(f"{label} {value!r}: expected OWNER/REPO")
        if not re.fullmatch(r"\.github/workflows/[A-Za-z0-9_.-]+\.ya?ml", self.workflow):
            raise BadInput(f"workflow {self.workflow!r}: expected .github/workflows/NAME.yml")

    @property
    def signer_prefix(self) -> str:
        return f"{GITHUB}{self.hub}/{self.workflow}@"


@dataclass(frozen=True, kw_only=True)
class Claims:
    """What the verified certificate says about the build."""

    issuer: str | None
    build_signer_uri: str | None
    build_signer_digest: str | None
    source_repository_uri: str | None
    source_repository_ref: str | None
    source_repository_digest: str | None
    run_invocation_uri: str | None

    def to_json(self) -> dict[str, str | None]:
        return {
            "issuer": self.issuer,
            "build_signer_uri": self.build_signer_uri,
            "build_signer_digest": self.build_signer_digest,
            "source_repository_uri": self.source_repository_uri,
            "source_repository_ref": self.source_repository_ref,
            "source_repository_digest": self.source_repository_digest,
            "run_invocation_uri": self.run_invocation_uri,
        }


@dataclass(frozen=True, kw_only=True)
class ProvenanceResult:
    status: Status
    sha256: str
    check: Check | None = None
    reason: str = ""
    claims: Claims | None = None

    @property
    def installable(self) -> bool:
        return self.status is not Status.UNVERIFIED

    def to_json(self) -> dict[str, Any]:
        return {
            "status": str(self.status),
            "sha256": self.sha256,
            "check": str(self.check) if self.check else None,
            "reason": self.reason,
            "claims": self.claims.to_json() if self.claims else None,
        }


class _Failed(Exception):
    def __init__(self, check: Check, reason: str, claims: Claims | None = None) -> None:
        super().__init__(reason)
        self.check = check
        self.reason = reason
        self.claims = claims


# --- the trusted root -------------------------------------------------------------------------


def shipped_trust_dir() -> Path:
    return Path(__file__).parent / "data" / "sigstore"


def default_trust_dir() -> Path:
    """Where ``trust-root update`` keeps the TUF metadata and the refreshed trusted root."""
    override = os.environ.get("WOAPORT_TRUST_DIR")
    if override:
        return Path(override)
    import platformdirs

    return platformdirs.user_data_path("woaport") / "sigstore"


def trusted_root_path(trust_dir: Path | None = None) -> Path:
    """The refreshed trusted root if ``trust-root update`` ran, else the one woaport ships."""
    refreshed = (trust_dir or default_trust_dir()) / TRUSTED_ROOT
    return refreshed if refreshed.is_file() else shipped_trust_dir() / TRUSTED_ROOT


# --- verification -----------------------------------------------------------------------------


def _claim(cert: Certificate, oid: str) -> str | None:
    from cryptography import x509
    from cryptography.hazmat import asn1

    try:
        ext = cert.extensions.get_extension_for_oid(x509.ObjectIdentifier(oid)).value
    except x509.ExtensionNotFound:
        return None
    raw = getattr(ext, "value", None)
    if not isinstance(raw, bytes):
        return None
    try:
        # The V2 claims are DER UTF8Strings (Fulcio's oid-info.md); the library decodes them.
        value = asn1.decode_der(str, raw)
    except ValueError:
        return None
    return value if isinstance(value, str) else None


def claims_of(cert: Certificate) -> Claims:
    return Claims(
        issuer=_claim(cert, OID_ISSUER_V2),
        build_signer_uri=_claim(cert, OID_BUILD_SIGNER_URI),
        build_signer_digest=_claim(cert, OID_BUILD_SIGNER_DIGEST),
        source_repository_uri=_claim(cert, OID_SOURCE_REPOSITORY_URI),
        source_repository_ref=_claim(cert, OID_SOURCE_REPOSITORY_REF),
        source_repository_digest=_claim(cert, OID_SOURCE_REPOSITORY_DIGEST),
        run_invocation_uri=_claim(cert, OID_RUN_INVOCATION_URI),
    )


class _IssuerIsGitHub:
    """The sigstore verification policy used during the cryptographic check: the certificate
    must come from GitHub Actions. The finer identity checks run afterwards, on the verified
    certificate, so that each failure can say which check it was."""

    def verify(self, cert: Certificate) -> None:
        from sigstore.errors import VerificationError
        from sigstore.verify.policy import OIDCIssuerV2

        try:
            OIDCIssuerV2(GITHUB_ISSUER).verify(cert)
        except VerificationError as exc:
            raise _WrongIssuer(str(exc)) from None


class _WrongIssuer(Exception):
    """Raised by the policy (the library lets it through): the identity check failed."""


def _statement_digests(payload_type: str, payload: bytes) -> list[tuple[str, str]]:
    """(name, sha256) of each subject of an in-toto statement (bounded: at most 10,000;
    attest-build-provenance allows 1,024)."""
    from pydantic import BaseModel, ConfigDict, Field, ValidationError

    class Subject(BaseModel):
        name: str | None = None
        digest: dict[str, str]

    class Statement(BaseModel):
        model_config = ConfigDict(populate_by_name=True)
        type_: str = Field(alias="_type")
        subject: list[Subject] = Field(min_length=1, max_length=10_000)

    if payload_type != IN_TOTO_PAYLOAD_TYPE:
        raise _Failed(
            Check.DIGEST, f"the envelope holds {payload_type!r}, not an in-toto statement"
        )
    try:
        statement = Statement.model_validate_json(payload)
    except ValidationError as exc:
        raise _Failed(
            Check.DIGEST, f"not an in-toto statement ({exc.error_count()} error(s))"
        ) from None
    if statement.type_ not in IN_TOTO_STATEMENT_TYPES:
        raise _Failed(Check.DIGEST, f"unknown statement type {statement.type_!r}")
    return [
        (str(s.name), s.digest["sha256"].lower()) for s in statement.subject if "sha256" in s.digest
    ]


def verify_artifact(
    artifact: Path | str,
    bundle: bytes | None,
    expect: Expectation,
    *,
    trusted_root: Path | None = None,
) -> ProvenanceResult:
    """Verify ``bundle`` for ``artifact`` (a file, or its sha256 as 64 hex digits) against
    ``expect``, whatever the mode: the result is ``verified`` or ``unverified``."""
    if isinstance(artifact, Path):
        sha256 = sha256_file(artifact)
    elif SHA256.match(artifact.lower()):
        sha256 = artifact.lower()
    else:
        raise ValueError(f"artifact {artifact!r}: expected a path or a sha256 (64 hex digits)")
    try:
        claims = _verify(sha256, bundle, expect, trusted_root or trusted_root_path())
    except _Failed as failure:
        return ProvenanceResult(
            status=Status.UNVERIFIED,
            sha256=sha256,
            check=failure.check,
            reason=failure.reason,
            claims=failure.claims,
        )
    return ProvenanceResult(status=Status.VERIFIED, sha256=sha256, claims=claims)


def _verify(sha256: str, raw: bytes | None, expect: Expectation, root: Path) -> Claims:
    from sigstore.errors import Error as SigstoreError
    from sigstore.models import Bundle, TrustedRoot
    from sigstore.verify import Verifier

    # 1. bundle
    if raw is None:
        raise _Failed(Check.BUNDLE, "the queue item carries no provenance bundle for this file")
    if len(raw) > MAX_BUNDLE_BYTES:
        raise _Failed(Check.BUNDLE, f"the bundle is {len(raw)} bytes, over {MAX_BUNDLE_BYTES}")
    try:
        bundle = Bundle.from_json(raw)
    except (SigstoreError, ValueError, TypeError, KeyError) as exc:
        raise _Failed(Check.BUNDLE, f"not a Sigstore bundle: {_first_line(exc)}") from None
    # 2. signature, chain, transparency log: the library, offline, against the trusted root
    try:
        verifier = Verifier(trusted_root=TrustedRoot.from_file(str(root)))
    except (SigstoreError, OSError, ValueError) as exc:
        raise _Failed(Check.SIGNATURE, f"trusted root {root}: {_first_line(exc)}") from None
    try:
        payload_type, payload = verifier.verify_dsse(bundle, _IssuerIsGitHub())
    except _WrongIssuer as exc:
        raise _Failed(
            Check.IDENTITY, f"not issued to GitHub Actions: {exc}", _claims_or_none(bundle)
        ) from None
    except (SigstoreError, ValueError) as exc:
        claims = _claims_or_none(bundle)
        raise _Failed(
            Check.SIGNATURE,
            f"the bundle does not verify against the trusted root {root.name}: {_first_line(exc)}",
            claims,
        ) from None
    claims = claims_of(bundle.signing_certificate)
    # 3. digest
    subjects = _statement_digests(payload_type, payload)
    if sha256 not in {digest for _, digest in subjects}:
        names = ", ".join(name for name, _ in subjects[:5])
        raise _Failed(
            Check.DIGEST,
            f"the file's sha256 {sha256} is not among the {len(subjects)} subject(s) the bundle "
            f"attests ({names})",
            claims,
        )
    # 4. identity: the hub's reusable workflow
    signer = claims.build_signer_uri or ""
    if claims.issuer != GITHUB_ISSUER:
        raise _Failed(Check.IDENTITY, f"issued to {claims.issuer!r}, not GitHub Actions", claims)
    if not signer.startswith(expect.signer_prefix):
        raise _Failed(
            Check.IDENTITY,
            f"signed by {signer!r}, not the hub's workflow {expect.signer_prefix}REF",
            claims,
        )
    # 5. ref
    ref = signer.removeprefix(expect.signer_prefix)
    if not _ref_accepted(ref, claims.build_signer_digest, expect.accepted_refs):
        raise _Failed(
            Check.REF,
            f"built by the hub's workflow at {ref!r} (commit {claims.build_signer_digest}), "
            f"which this device does not accept ({', '.join(expect.accepted_refs) or 'none'})",
            claims,
        )
    # 6. repository
    source = (claims.source_repository_uri or "").removeprefix(GITHUB)
    if source.casefold() != expect.source_repository.casefold():
        raise _Failed(
            Check.REPOSITORY,
            f"built from {claims.source_repository_uri!r}, but the item came from "
            f"{expect.source_repository}",
            claims,
        )
    if not any(fnmatch.fnmatchcase(source, pattern) for pattern in expect.allow):
        raise _Failed(
            Check.REPOSITORY,
            f"built from {source}, which is not on the allow-list "
            f"({', '.join(expect.allow) or 'empty'})",
            claims,
        )
    return claims


def _ref_accepted(ref: str, commit: str | None, accepted: Iterable[str]) -> bool:
    for pattern in accepted:
        if COMMIT.match(pattern):
            if pattern in (ref, commit):
                return True
        elif fnmatch.fnmatchcase(ref, pattern):
            return True
    return False


def _claims_or_none(bundle: Any) -> Claims | None:
    try:
        return claims_of(bundle.signing_certificate)
    except Exception:  # a bundle too broken to name its certificate has no claims to show
        return None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:300]


def verify_before_install(
    *,
    artifact: Path,
    sha256: str,
    bundle: bytes | None,
    expect: Expectation,
    trusted_root: Path | None = None,
) -> ProvenanceResult:
    """The device's gate, called after download and before any install.

    ``sha256`` is the manifest's; the file must have it too (else ``unverified``/``digest``
    whatever the mode, for those bytes are not the ones the queue announced)."""
    actual = sha256_file(artifact)
    if actual != sha256.lower():
        return ProvenanceResult(
            status=Status.UNVERIFIED,
            sha256=actual,
            check=Check.DIGEST,
            reason=f"{artifact.name}: sha256 {actual}, the manifest says {sha256}",
        )
    if expect.mode is PolicyMode.OFF:
        return ProvenanceResult(
            status=Status.SKIPPED, sha256=actual, reason="provenance policy is off"
        )
    result = verify_artifact(actual, bundle, expect, trusted_root=trusted_root)
    if result.status is Status.UNVERIFIED and expect.mode is PolicyMode.WARN:
        return ProvenanceResult(
            status=Status.WARNED,
            sha256=actual,
            check=result.check,
            reason=result.reason,
            claims=result.claims,
        )
    return result


# --- refreshing the trusted root --------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class TrustRootUpdate:
    url: str
    path: Path
    changed: bool
    sha256: str

    def to_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "path": str(self.path),
            "changed": self.changed,
            "sha256": self.sha256,
        }


def update_trust_root(
    *,
    url: str = SIGSTORE_TUF_URL,
    trust_dir: Path | None = None,
    bootstrap_root: Path | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> TrustRootUpdate:
    """Fetch the current trusted root through the TUF repository at ``url`` (python-tuf's
    updater verifies the metadata chain from ``bootstrap_root``, by default the TUF root
    woaport ships), check it loads as a Sigstore trusted root, and replace the device's copy
    atomically. Raises :class:`woaport.errors.Unreachable` when the repository cannot be
    reached or its metadata does not verify; the old trusted root stays in place."""
    from sigstore.models import TrustedRoot
    from tuf.api import exceptions as tuf_errors
    from tuf.ngclient.config import UpdaterConfig
    from tuf.ngclient.updater import Updater

    from woaport import __version__
    from woaport.errors import Unreachable

    url = url.rstrip("/")
    base = trust_dir or default_trust_dir()
    metadata_dir = base / "tuf" / quote(url, safe="")
    targets_dir = base / "tuf-targets" / quote(url, safe="")
    metadata_dir.mkdir(parents=True, exist_ok=True)
    targets_dir.mkdir(parents=True, exist_ok=True)
    bootstrap = (bootstrap_root or shipped_trust_dir() / "root.json").read_bytes()
    progress(f"refreshing the TUF metadata from {url}")
    try:
        updater = Updater(
            metadata_dir=str(metadata_dir),
            metadata_base_url=url,
            target_base_url=f"{url}/targets/",
            target_dir=str(targets_dir),
            config=UpdaterConfig(app_user_agent=f"woaport/{__version__}"),
            bootstrap=bootstrap,
        )
        updater.refresh()
        info = updater.get_targetinfo(TRUSTED_ROOT)
        if info is None:
            raise Unreachable(f"{url}: the TUF repository has no {TRUSTED_ROOT} target")
        path = updater.find_cached_target(info) or updater.download_target(info)
    except tuf_errors.DownloadError as exc:
        raise Unreachable(f"{url}: cannot reach the TUF repository ({_first_line(exc)})") from None
    except tuf_errors.RepositoryError as exc:
        raise Unreachable(
            f"{url}: the TUF metadata does not verify ({type(exc).__name__}: {_first_line(exc)}); "
            "the trusted root was not changed"
        ) from None
    data = Path(path).read_bytes()
    try:
        TrustedRoot.from_file(path)
    except Exception as exc:  # a target TUF vouches for but sigstore cannot load: keep the old
        raise Unreachable(
            f"{url}: {TRUSTED_ROOT} is not a Sigstore trusted root ({_first_line(exc)})"
        ) from None
    dest = base / TRUSTED_ROOT
    changed = not dest.is_file() or dest.read_bytes() != data
    if changed:
        write_atomic(dest, data)
    progress(f"trusted root {'updated' if changed else 'unchanged'}: {dest}")
    return TrustRootUpdate(
        url=url, path=dest, changed=changed, sha256=hashlib.sha256(data).hexdigest()
    )


# --- PEP 740: what the index says about a file ------------------------------------------------


class IndexProvenanceStatus(enum.StrEnum):
    NONE = "none"  # the index offers no provenance for the file
    PRESENT = "present"  # offered, publisher named, attestations not verified (no file)
    VERIFIED = "verified"  # every attestation verifies for the downloaded file
    INVALID = "invalid"  # offered, but it does not verify or does not parse
    UNREACHABLE = "unreachable"


@dataclass(frozen=True, kw_only=True)
class Publisher:
    kind: str
    repository: str | None
    workflow: str | None

    def to_json(self) -> dict[str, str | None]:
        return {"kind": self.kind, "repository": self.repository, "workflow": self.workflow}

    def describe(self) -> str:
        where = self.repository or "?"
        return f"{self.kind} {where}" + (f" ({self.workflow})" if self.workflow else "")


@dataclass(frozen=True, kw_only=True)
class IndexProvenance:
    filename: str
    status: IndexProvenanceStatus
    url: str | None = None
    publishers: tuple[Publisher, ...] = field(default_factory=tuple)
    reason: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "filename": self.filename,
            "status": str(self.status),
            "url": self.url,
            "publishers": [p.to_json() for p in self.publishers],
            "reason": self.reason,
        }


def parse_provenance(
    filename: str, data: bytes, dist: Path | None, url: str | None = None
) -> IndexProvenance:
    """A PEP 740 provenance object: name its publishers; with ``dist``, verify it
    (pypi-attestations, offline, sigstore's production trusted root)."""
    from pydantic import ValidationError
    from pypi_attestations import AttestationError, Distribution, Provenance

    def invalid(reason: str, publishers: tuple[Publisher, ...] = ()) -> IndexProvenance:
        return IndexProvenance(
            filename=filename,
            status=IndexProvenanceStatus.INVALID,
            url=url,
            publishers=publishers,
            reason=reason,
        )

    if len(data) > MAX_PROVENANCE_BYTES:
        return invalid(f"the provenance is {len(data)} bytes, over {MAX_PROVENANCE_BYTES}")
    try:
        provenance = Provenance.model_validate_json(data)
    except ValidationError as exc:
        return invalid(f"not a PEP 740 provenance object ({exc.error_count()} error(s))")
    publishers = tuple(_publisher(b.publisher) for b in provenance.attestation_bundles)
    if dist is None:
        return IndexProvenance(
            filename=filename, status=IndexProvenanceStatus.PRESENT, url=url, publishers=publishers
        )
    try:
        distribution = Distribution.from_file(dist)
        for attestation_bundle in provenance.attestation_bundles:
            for attestation in attestation_bundle.attestations:
                attestation.verify(attestation_bundle.publisher, distribution, offline=True)
    except (AttestationError, ValueError) as exc:
        return invalid(f"does not verify: {_first_line(exc)}", publishers)
    return IndexProvenance(
        filename=filename, status=IndexProvenanceStatus.VERIFIED, url=url, publishers=publishers
    )


def _publisher(model: Any) -> Publisher:
    kind = str(getattr(model, "kind", "unknown"))
    repository = getattr(model, "repository", None) or getattr(model, "project_slug", None)
    workflow = getattr(model, "workflow", None) or getattr(model, "workflow_filepath", None)
    return Publisher(
        kind=kind,
        repository=str(repository) if repository else None,
        workflow=str(workflow) if workflow else None,
    )


def index_provenance(
    session: requests.Session,
    filename: str,
    provenance_url: str | None,
    dist: Path | None = None,
) -> IndexProvenance:
    """What the index's PEP 740 ``provenance`` URL for ``filename`` holds (``none`` when the
    index offers none; PEP 740 makes the key optional, and an index that omits it offers no
    provenance for that file)."""
    import requests

    from woaport.errors import WoaportError
    from woaport.http import get

    if not provenance_url:
        return IndexProvenance(
            filename=filename,
            status=IndexProvenanceStatus.NONE,
            reason="the index offers no provenance for this file",
        )
    try:
        response = get(session, provenance_url, headers={"Accept": "application/json"}, stream=True)
        with response:
            data = b""
            for block in response.iter_content(1 << 16):
                data += block
                if len(data) > MAX_PROVENANCE_BYTES:
                    break
    except WoaportError as exc:
        return IndexProvenance(
            filename=filename,
            status=IndexProvenanceStatus.UNREACHABLE,
            url=provenance_url,
            reason=exc.message,
        )
    except requests.RequestException as exc:
        return IndexProvenance(
            filename=filename,
            status=IndexProvenanceStatus.UNREACHABLE,
            url=provenance_url,
            reason=_first_line(exc),
        )
    if response.status_code == 404:
        return IndexProvenance(
            filename=filename,
            status=IndexProvenanceStatus.NONE,
            url=provenance_url,
            reason="the index answered 404 for the provenance URL",
        )
    if response.status_code != 200:
        return IndexProvenance(
            filename=filename,
            status=IndexProvenanceStatus.UNREACHABLE,
            url=provenance_url,
            reason=f"HTTP {response.status_code}",
        )
    return parse_provenance(filename, data, dist, provenance_url)
