"""Provenance checks with real Sigstore bundles and PEP 740 provenance (see
fixtures/provenance/SOURCES.yml): the library verifies, offline; nothing here is mocked.

Only the trusted roots that must *fail* are derived from real ones, by removing the keys
that cover the bundle's time (a rotated root), never by adding keys."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import functools
import hashlib
import importlib.resources
import json
import shutil
import socket
import tarfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from realfiles import Pinned, _fetch_sdist, cache_dir
from woaport import provenance as pv
from woaport.cli.trust import trust_root
from woaport.errors import Unreachable
from woaport.files import sha256_file
from woaport.provenance import Check, Expectation, PolicyMode, Status

FIXTURES = Path(__file__).parent / "fixtures" / "provenance"
REUSABLE_BUNDLE = (FIXTURES / "reusable-workflow-attestation.sigstore.json").read_bytes()
# The subject of that bundle: github_provenance_demo-0.0.0-py3-none-any.whl
REUSABLE_SHA256 = "49a3aa6075e0f49f82843e74b5baa614ad2a588e6675612bf108a0a008c5ac25"
REUSABLE_COMMIT = "09b495c3f12c7881b3cc17209a327792065c1a1d"
# What a device expecting that reusable workflow (the shape of woaport's port.yml) accepts.
REUSABLE = Expectation(
    hub="github/artifact-attestations-workflows",
    workflow=".github/workflows/attest.yml",
    accepted_refs=(REUSABLE_COMMIT,),
    source_repository="malancas/attest-demo",
    allow=("malancas/*",),
)
SHIPPED_ROOT = pv.shipped_trust_dir() / "trusted_root.json"

PYPI_ATTESTATIONS_SDIST = Pinned(
    name="pypi-attestations",
    version="0.0.30",
    filename="pypi_attestations-0.0.30.tar.gz",
    sha256="14ff13c76bbef02a483c2b77532da02bfd746b5141b881f355e06b9807434423",
    sdist=True,
)
ASSET = "pypi_attestations-0.0.19.tar.gz"
ASSET_SHA256 = "9bb1add04b1b4e182be6b0b80931593f7a291eb49d69b4fd728a5d4cbcdc4bd3"
# trailofbits/pypi-attestations signed its own release with release.yml at the tag.
SELF_BUILT = Expectation(
    hub="trailofbits/pypi-attestations",
    workflow=".github/workflows/release.yml",
    accepted_refs=("refs/tags/v0.0.19",),
    source_repository="trailofbits/pypi-attestations",
    allow=("trailofbits/*",),
)


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """No socket may connect anywhere: verification must need no network."""

    def refuse(self: socket.socket, address: Any) -> None:
        raise OSError(f"network used during offline verification: {address}")

    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.fixture(scope="session")
def assets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """test/assets/ of the real pypi-attestations sdist, fetched from the index once."""
    target = cache_dir() / PYPI_ATTESTATIONS_SDIST.filename
    from filelock import FileLock

    with FileLock(str(target) + ".lock"):
        if not target.is_file() or sha256_file(target) != PYPI_ATTESTATIONS_SDIST.sha256:
            _fetch_sdist(PYPI_ATTESTATIONS_SDIST, target)
    out = tmp_path_factory.mktemp("pypi-attestations")
    prefix = "pypi_attestations-0.0.30/test/assets/"
    with tarfile.open(target) as tar:
        for member in tar.getmembers():
            if member.isfile() and member.name.startswith(prefix + ASSET):
                data = tar.extractfile(member)
                assert data is not None
                (out / member.name.removeprefix(prefix)).write_bytes(data.read())
    assert sha256_file(out / ASSET) == ASSET_SHA256
    return out


def slsa_bundle(assets: Path) -> bytes:
    """The .slsa.attestation (PyPI's attestation form) as the Sigstore bundle it was made
    from; pypi-attestations converts it, the signature and log entry are the originals."""
    from pypi_attestations import Attestation

    attestation = Attestation.model_validate_json(
        (assets / f"{ASSET}.slsa.attestation").read_bytes()
    )
    return attestation.to_bundle().to_json().encode()


# --- a genuine bundle passes, offline ---------------------------------------------------------


def test_genuine_reusable_workflow_bundle_verifies_offline(offline: None) -> None:
    result = pv.verify_artifact(REUSABLE_SHA256, REUSABLE_BUNDLE, REUSABLE)
    assert result.status is Status.VERIFIED, result.reason
    assert result.installable
    assert result.claims is not None
    assert result.claims.build_signer_uri == (
        "https://github.com/github/artifact-attestations-workflows/.github/workflows/attest.yml@"
        + REUSABLE_COMMIT
    )
    assert result.claims.source_repository_uri == "https://github.com/malancas/attest-demo"
    assert json.loads(json.dumps(result.to_json()))["status"] == "verified"


def test_the_shipped_root_is_the_default() -> None:
    assert pv.trusted_root_path(Path("/nonexistent")) == SHIPPED_ROOT
    assert (pv.shipped_trust_dir() / "root.json").is_file()


@pytest.mark.parametrize(
    ("refs", "ok"),
    [
        ((REUSABLE_COMMIT,), True),  # the hub commit (Build Signer Digest)
        (("refs/tags/v1", REUSABLE_COMMIT[:7] + "*"), True),  # a glob over the @REF
        (("refs/tags/v1",), False),
        (("refs/heads/*",), False),
        ((), False),
    ],
)
def test_accepted_refs(refs: tuple[str, ...], ok: bool) -> None:
    result = pv.verify_artifact(
        REUSABLE_SHA256, REUSABLE_BUNDLE, dataclasses.replace(REUSABLE, accepted_refs=refs)
    )
    assert (result.status is Status.VERIFIED) is ok
    if not ok:
        assert result.check is Check.REF
        assert "does not accept" in result.reason


# --- each check, rejected -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "check", "words"),
    [
        ({"hub": "someone/woaport"}, Check.IDENTITY, "not the hub's workflow"),
        ({"workflow": ".github/workflows/port.yml"}, Check.IDENTITY, "not the hub's workflow"),
        ({"source_repository": "attacker/attest-demo"}, Check.REPOSITORY, "the item came from"),
        ({"allow": ("github/*",)}, Check.REPOSITORY, "not on the allow-list"),
        ({"allow": ()}, Check.REPOSITORY, "not on the allow-list"),
    ],
)
def test_identity_and_repository_are_checked(
    change: dict[str, Any], check: Check, words: str
) -> None:
    result = pv.verify_artifact(
        REUSABLE_SHA256, REUSABLE_BUNDLE, dataclasses.replace(REUSABLE, **change)
    )
    assert result.status is Status.UNVERIFIED
    assert not result.installable
    assert result.check is check
    assert words in result.reason
    assert result.claims is not None  # the reason can show what the certificate did say


def test_a_certificate_from_another_issuer_is_an_identity_failure() -> None:
    """A real bundle whose certificate another OIDC issuer (a GitHub Enterprise custom issuer)
    obtained, for a workflow path shaped like the expected one."""
    bundle = (FIXTURES / "custom-issuer.sigstore.json").read_bytes()
    expect = Expectation(
        hub="too-legit/attest",
        workflow=".github/workflows/integration.yml",
        accepted_refs=("refs/heads/main",),
        source_repository="too-legit/attest",
        allow=("too-legit/*",),
    )
    sha256 = "afa27b44d43b02a9fea41d13cedc2e4016cfcf87c5dbf990e593669aa8ce286d"
    result = pv.verify_artifact(sha256, bundle, expect)
    assert result.status is Status.UNVERIFIED
    assert result.check is Check.IDENTITY
    assert "hammer-time" in result.reason


def test_another_artifact_is_not_covered_by_the_bundle() -> None:
    other = hashlib.sha256(b"a binary someone queued").hexdigest()
    result = pv.verify_artifact(other, REUSABLE_BUNDLE, REUSABLE)
    assert result.status is Status.UNVERIFIED
    assert result.check is Check.DIGEST
    assert other in result.reason and "github_provenance_demo" in result.reason


def _edit_payload(bundle: bytes, edit: Callable[[dict[str, Any]], None]) -> bytes:
    import base64

    doc = json.loads(bundle)
    statement = json.loads(base64.b64decode(doc["dsseEnvelope"]["payload"]))
    edit(statement)
    doc["dsseEnvelope"]["payload"] = base64.b64encode(json.dumps(statement).encode()).decode()
    return json.dumps(doc).encode()


def _retarget(statement: dict[str, Any]) -> None:
    statement["subject"][0]["digest"]["sha256"] = hashlib.sha256(b"evil").hexdigest()


def _flip_signature(bundle: bytes) -> bytes:
    doc = json.loads(bundle)
    sig = doc["dsseEnvelope"]["signatures"][0]["sig"]
    doc["dsseEnvelope"]["signatures"][0]["sig"] = ("A" if sig[0] != "A" else "B") + sig[1:]
    return json.dumps(doc).encode()


def _shift_log_entry(field: str, by: int) -> bytes:
    doc = json.loads(REUSABLE_BUNDLE)
    entry = doc["verificationMaterial"]["tlogEntries"][0]
    entry[field] = str(int(entry[field]) + by)
    return json.dumps(doc).encode()


def _drop_tlog(bundle: bytes) -> bytes:
    doc = json.loads(bundle)
    doc["verificationMaterial"]["tlogEntries"] = []
    return json.dumps(doc).encode()


@pytest.mark.parametrize(
    ("bundle", "sha256", "check"),
    [
        pytest.param(None, REUSABLE_SHA256, Check.BUNDLE, id="missing"),
        pytest.param(REUSABLE_BUNDLE[:-40], REUSABLE_SHA256, Check.BUNDLE, id="truncated"),
        pytest.param(b"\x00" * (pv.MAX_BUNDLE_BYTES + 1), REUSABLE_SHA256, Check.BUNDLE, id="huge"),
        pytest.param(b'{"mediaType": 1}', REUSABLE_SHA256, Check.BUNDLE, id="not-a-bundle"),
        pytest.param(_flip_signature(REUSABLE_BUNDLE), REUSABLE_SHA256, Check.SIGNATURE, id="sig"),
        pytest.param(_drop_tlog(REUSABLE_BUNDLE), REUSABLE_SHA256, Check.BUNDLE, id="no-tlog"),
        # The log entry's time and index are covered by Rekor's signed promise.
        pytest.param(
            _shift_log_entry("integratedTime", 1), REUSABLE_SHA256, Check.SIGNATURE, id="time"
        ),
        pytest.param(
            _shift_log_entry("logIndex", 1), REUSABLE_SHA256, Check.SIGNATURE, id="log-index"
        ),
        # An attacker edits the signed statement to name their own file's digest.
        pytest.param(
            _edit_payload(REUSABLE_BUNDLE, _retarget),
            hashlib.sha256(b"evil").hexdigest(),
            Check.SIGNATURE,
            id="retargeted-statement",
        ),
    ],
)
def test_corrupted_bundles_are_rejected(bundle: bytes | None, sha256: str, check: Check) -> None:
    result = pv.verify_artifact(sha256, bundle, REUSABLE)
    assert result.status is Status.UNVERIFIED, result
    assert result.check is check, result.reason


# --- the trusted root: another instance's, or one rotated past the bundle's keys -----------------


def _derived_root(tmp_path: Path, name: str, edit: Callable[[dict[str, Any]], None]) -> Path:
    root = json.loads(SHIPPED_ROOT.read_text(encoding="utf-8"))
    root = copy.deepcopy(root)
    edit(root)
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(root), encoding="utf-8")
    return path


def _only_first_fulcio(root: dict[str, Any]) -> None:
    root["certificateAuthorities"] = root["certificateAuthorities"][:1]  # the 2021-2022 CA


def _only_rekor_2025(root: dict[str, Any]) -> None:
    root["tlogs"] = [t for t in root["tlogs"] if "log2025" in t["baseUrl"]]


def _only_first_ctlog(root: dict[str, Any]) -> None:
    root["ctlogs"] = root["ctlogs"][:1]


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (_only_first_fulcio, "certificate chain"),
        (_only_rekor_2025, "log entry"),
        (_only_first_ctlog, "SCT"),
    ],
)
def test_a_root_without_the_keys_of_the_bundles_time_rejects_it(
    tmp_path: Path, edit: Callable[[dict[str, Any]], None], words: str
) -> None:
    root = _derived_root(tmp_path, edit.__name__, edit)
    result = pv.verify_artifact(REUSABLE_SHA256, REUSABLE_BUNDLE, REUSABLE, trusted_root=root)
    assert result.status is Status.UNVERIFIED
    assert result.check is Check.SIGNATURE
    assert words in result.reason


def test_another_instances_root_rejects_the_bundle() -> None:
    staging = (
        importlib.resources.files("sigstore")
        / "_store"
        / "https%3A%2F%2Ftuf-repo-cdn.sigstage.dev"
        / "trusted_root.json"
    )
    with importlib.resources.as_file(staging) as root:
        result = pv.verify_artifact(REUSABLE_SHA256, REUSABLE_BUNDLE, REUSABLE, trusted_root=root)
    assert result.status is Status.UNVERIFIED
    assert result.check is Check.SIGNATURE


def test_an_unreadable_root_is_a_failure_not_a_pass(tmp_path: Path) -> None:
    broken = tmp_path / "trusted_root.json"
    broken.write_text("{}", encoding="utf-8")
    result = pv.verify_artifact(REUSABLE_SHA256, REUSABLE_BUNDLE, REUSABLE, trusted_root=broken)
    assert result.status is Status.UNVERIFIED and result.check is Check.SIGNATURE


# --- the device's gate, on a real file -----------------------------------------------------------


@pytest.mark.network
def test_gate_passes_a_genuine_file(assets: Path, offline: None) -> None:
    result = pv.verify_before_install(
        artifact=assets / ASSET, sha256=ASSET_SHA256, bundle=slsa_bundle(assets), expect=SELF_BUILT
    )
    assert result.status is Status.VERIFIED, result.reason
    assert result.claims and result.claims.source_repository_ref == "refs/tags/v0.0.19"


@pytest.mark.network
def test_gate_refuses_a_tampered_file_even_with_a_matching_manifest(
    assets: Path, tmp_path: Path
) -> None:
    tampered = tmp_path / ASSET
    tampered.write_bytes((assets / ASSET).read_bytes() + b"\n# one more line")
    bundle = slsa_bundle(assets)
    # The manifest's sha256 rewritten to the tampered file's: the bundle still does not cover it.
    result = pv.verify_before_install(
        artifact=tampered, sha256=sha256_file(tampered), bundle=bundle, expect=SELF_BUILT
    )
    assert result.status is Status.UNVERIFIED and result.check is Check.DIGEST
    # The manifest's sha256 left alone: the file is not the one announced.
    result = pv.verify_before_install(
        artifact=tampered, sha256=ASSET_SHA256, bundle=bundle, expect=SELF_BUILT
    )
    assert result.status is Status.UNVERIFIED and result.check is Check.DIGEST
    assert "the manifest says" in result.reason


@pytest.mark.network
@pytest.mark.parametrize(
    ("mode", "bundle", "status", "installable"),
    [
        (PolicyMode.REQUIRE, False, Status.UNVERIFIED, False),
        (PolicyMode.WARN, False, Status.WARNED, True),
        (PolicyMode.OFF, False, Status.SKIPPED, True),
        (PolicyMode.WARN, True, Status.VERIFIED, True),
        (PolicyMode.OFF, True, Status.SKIPPED, True),
    ],
)
def test_policy_modes(
    assets: Path, mode: PolicyMode, bundle: bool, status: Status, installable: bool
) -> None:
    result = pv.verify_before_install(
        artifact=assets / ASSET,
        sha256=ASSET_SHA256,
        bundle=slsa_bundle(assets) if bundle else None,
        expect=dataclasses.replace(SELF_BUILT, mode=mode),
    )
    assert result.status is status
    assert result.installable is installable
    if status is Status.WARNED:
        assert result.check is Check.BUNDLE


@pytest.mark.network
def test_wrong_ref_under_warn_is_reported_but_installable(assets: Path) -> None:
    expect = dataclasses.replace(SELF_BUILT, accepted_refs=("refs/tags/v1",), mode=PolicyMode.WARN)
    result = pv.verify_before_install(
        artifact=assets / ASSET, sha256=ASSET_SHA256, bundle=slsa_bundle(assets), expect=expect
    )
    assert result.status is Status.WARNED and result.check is Check.REF and result.installable


@pytest.mark.parametrize(
    ("url", "mode"),
    [("github:me/fork", PolicyMode.REQUIRE), ("dir:/srv/queue", PolicyMode.WARN)],
)
def test_default_mode(url: str, mode: PolicyMode) -> None:
    assert pv.default_mode(url) is mode


@pytest.mark.parametrize(
    "change",
    [{"hub": "no-slash"}, {"source_repository": "a/b/c"}, {"workflow": "port.yml"}],
)
def test_expectation_is_checked(change: dict[str, str]) -> None:
    from woaport.errors import BadInput

    with pytest.raises(BadInput):
        dataclasses.replace(REUSABLE, **change)


def test_manifest_contract() -> None:
    assert pv.MANIFEST_FIELD == "attestation"
    assert pv.bundle_filename("a-1-cp312-cp312-win_arm64.whl") == (
        "a-1-cp312-cp312-win_arm64.whl.sigstore.json"
    )


# --- refreshing the trusted root through TUF, from a repository on loopback ----------------------


class TufRepo:
    """A real TUF repository (python-tuf's metadata API, fresh keys), served over HTTP on
    127.0.0.1 with consistent snapshots, the layout of Sigstore's TUF CDN."""

    ROLES = ("root", "targets", "snapshot", "timestamp")

    def __init__(self, folder: Path) -> None:
        from securesystemslib.signer import CryptoSigner
        from tuf.api.metadata import Root

        self.folder = folder
        (folder / "targets").mkdir(parents=True)
        self.signers = {role: CryptoSigner.generate_ecdsa() for role in self.ROLES}
        root = Root(expires=self.later(days=365), consistent_snapshot=True)
        for role, signer in self.signers.items():
            root.add_key(signer.public_key, role)
        self.root_bytes = self.sign(root)
        (folder / "1.root.json").write_bytes(self.root_bytes)
        self.targets_version = 0

    @staticmethod
    def later(**delta: float) -> dt.datetime:
        return (dt.datetime.now(dt.UTC) + dt.timedelta(**delta)).replace(microsecond=0)

    def sign(self, signed: Any) -> bytes:
        from tuf.api.metadata import Metadata
        from tuf.api.serialization.json import JSONSerializer

        metadata = Metadata(signed)
        metadata.sign(self.signers[signed.type])
        return metadata.to_bytes(JSONSerializer(compact=False))

    def publish(
        self, name: str, data: bytes, *, timestamp_expires: dt.datetime | None = None
    ) -> None:
        from tuf.api.metadata import MetaFile, Snapshot, TargetFile, Targets, Timestamp

        self.targets_version += 1
        version = self.targets_version
        targets = Targets(version=version, expires=self.later(days=30))
        target = TargetFile.from_data(name, data, ["sha256"])
        targets.targets[name] = target
        (self.folder / "targets" / f"{target.hashes['sha256']}.{name}").write_bytes(data)
        (self.folder / f"{version}.targets.json").write_bytes(self.sign(targets))
        snapshot = Snapshot(version=version, expires=self.later(days=7))
        snapshot.meta["targets.json"] = MetaFile(version=version)
        (self.folder / f"{version}.snapshot.json").write_bytes(self.sign(snapshot))
        timestamp = Timestamp(version=version, expires=timestamp_expires or self.later(days=1))
        timestamp.snapshot_meta = MetaFile(version=version)
        (self.folder / "timestamp.json").write_bytes(self.sign(timestamp))

    def target_path(self, name: str) -> Path:
        (path,) = (self.folder / "targets").glob(f"*.{name}")
        return path


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serve_folder(folder: Path, handler: type[SimpleHTTPRequestHandler] = Quiet) -> Iterator[str]:
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(folder))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def tuf_repo(tmp_path: Path) -> Iterator[tuple[TufRepo, str, Path]]:
    repo = TufRepo(tmp_path / "repo")
    bootstrap = tmp_path / "bootstrap-root.json"
    bootstrap.write_bytes(repo.root_bytes)
    with serve_folder(repo.folder) as url:
        yield repo, url, bootstrap


def test_update_fetches_the_root_through_tuf(
    tuf_repo: tuple[TufRepo, str, Path], tmp_path: Path
) -> None:
    repo, url, bootstrap = tuf_repo
    served = SHIPPED_ROOT.read_bytes()
    repo.publish("trusted_root.json", served)
    trust_dir = tmp_path / "trust"
    result = pv.update_trust_root(url=url, trust_dir=trust_dir, bootstrap_root=bootstrap)
    assert result.changed and result.path == trust_dir / "trusted_root.json"
    assert result.path.read_bytes() == served
    assert pv.trusted_root_path(trust_dir) == result.path
    # The device now verifies with the refreshed root.
    ok = pv.verify_artifact(
        REUSABLE_SHA256, REUSABLE_BUNDLE, REUSABLE, trusted_root=pv.trusted_root_path(trust_dir)
    )
    assert ok.status is Status.VERIFIED
    again = pv.update_trust_root(url=url, trust_dir=trust_dir, bootstrap_root=bootstrap)
    assert not again.changed


def test_update_replaces_the_root_when_the_repository_rotates_it(
    tuf_repo: tuple[TufRepo, str, Path], tmp_path: Path
) -> None:
    repo, url, bootstrap = tuf_repo
    trust_dir = tmp_path / "trust"
    repo.publish("trusted_root.json", SHIPPED_ROOT.read_bytes())
    pv.update_trust_root(url=url, trust_dir=trust_dir, bootstrap_root=bootstrap)
    rotated = json.loads(SHIPPED_ROOT.read_text(encoding="utf-8"))
    _only_rekor_2025(rotated)
    repo.publish("trusted_root.json", json.dumps(rotated).encode())
    result = pv.update_trust_root(url=url, trust_dir=trust_dir, bootstrap_root=bootstrap)
    assert result.changed
    stale = pv.verify_artifact(
        REUSABLE_SHA256, REUSABLE_BUNDLE, REUSABLE, trusted_root=pv.trusted_root_path(trust_dir)
    )
    assert stale.check is Check.SIGNATURE


def _tamper_target(repo: TufRepo) -> None:
    path = repo.target_path("trusted_root.json")
    path.write_bytes(path.read_bytes().replace(b"rekor", b"r3kor", 1))


def _expire_timestamp(repo: TufRepo) -> None:
    repo.publish(
        "trusted_root.json",
        SHIPPED_ROOT.read_bytes(),
        timestamp_expires=TufRepo.later(days=-1),
    )


def _not_a_trusted_root(repo: TufRepo) -> None:
    repo.publish("trusted_root.json", b'{"mediaType": "something else"}')


def _foreign_signature(repo: TufRepo) -> None:
    # Another repository's keys sign the timestamp: the bootstrap root does not trust them.
    from securesystemslib.signer import CryptoSigner

    repo.signers["timestamp"] = CryptoSigner.generate_ecdsa()
    repo.publish("trusted_root.json", SHIPPED_ROOT.read_bytes())


@pytest.mark.parametrize(
    ("attack", "words"),
    [
        (_tamper_target, "does not verify"),
        (_expire_timestamp, "does not verify"),
        (_foreign_signature, "does not verify"),
        (_not_a_trusted_root, "not a Sigstore trusted root"),
    ],
)
def test_update_keeps_the_old_root_when_the_repository_is_not_trustworthy(
    tuf_repo: tuple[TufRepo, str, Path],
    tmp_path: Path,
    attack: Callable[[TufRepo], None],
    words: str,
) -> None:
    repo, url, bootstrap = tuf_repo
    trust_dir = tmp_path / "trust"
    repo.publish("trusted_root.json", SHIPPED_ROOT.read_bytes())
    pv.update_trust_root(url=url, trust_dir=trust_dir, bootstrap_root=bootstrap)
    before = (trust_dir / "trusted_root.json").read_bytes()
    shutil.rmtree(trust_dir / "tuf-targets")  # no cached copy to fall back on
    attack(repo)
    with pytest.raises(Unreachable, match=words):
        pv.update_trust_root(url=url, trust_dir=trust_dir, bootstrap_root=bootstrap)
    assert (trust_dir / "trusted_root.json").read_bytes() == before


def test_update_says_when_the_repository_cannot_be_reached(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed once the block ends: nothing listens there
    with pytest.raises(Unreachable, match="cannot reach the TUF repository"):
        pv.update_trust_root(url=f"http://127.0.0.1:{port}", trust_dir=tmp_path)
    assert not (tmp_path / "trusted_root.json").exists()


def test_cli_update_and_show(tuf_repo: tuple[TufRepo, str, Path], tmp_path: Path) -> None:
    repo, url, bootstrap = tuf_repo
    repo.publish("trusted_root.json", SHIPPED_ROOT.read_bytes())
    runner = CliRunner()
    trust = ["--trust-dir", str(tmp_path / "trust")]
    shown = runner.invoke(trust_root, ["show", *trust, "--json"], standalone_mode=False)
    assert json.loads(shown.output)["shipped"] is True
    args = ["update", *trust, "--url", url, "--bootstrap-root", str(bootstrap), "--json"]
    done = runner.invoke(trust_root, args, standalone_mode=False)
    assert done.exception is None, done.output
    assert done.return_value == 0
    assert json.loads(done.stdout)["changed"] is True
    shown = runner.invoke(trust_root, ["show", *trust, "--json"], standalone_mode=False)
    assert json.loads(shown.output)["shipped"] is False


# --- PEP 740: the index's provenance for a file --------------------------------------------------


@pytest.mark.network
def test_pep740_provenance_names_the_publisher_and_verifies(assets: Path, offline: None) -> None:
    data = (assets / f"{ASSET}.provenance").read_bytes()
    result = pv.parse_provenance(ASSET, data, assets / ASSET)
    assert result.status is pv.IndexProvenanceStatus.VERIFIED, result.reason
    (publisher,) = result.publishers
    assert (publisher.kind, publisher.repository, publisher.workflow) == (
        "GitHub",
        "trailofbits/pypi-attestations",
        "release.yml",
    )
    unverified = pv.parse_provenance(ASSET, data, None)
    assert unverified.status is pv.IndexProvenanceStatus.PRESENT
    assert unverified.publishers == result.publishers


@pytest.mark.network
def test_pep740_provenance_of_other_bytes_is_invalid(assets: Path, tmp_path: Path) -> None:
    other = tmp_path / ASSET
    other.write_bytes((assets / ASSET).read_bytes() + b"\n")
    data = (assets / f"{ASSET}.provenance").read_bytes()
    result = pv.parse_provenance(ASSET, data, other)
    assert result.status is pv.IndexProvenanceStatus.INVALID
    assert "does not verify" in result.reason
    assert pv.parse_provenance(ASSET, b"[]", None).status is pv.IndexProvenanceStatus.INVALID


@pytest.mark.network
def test_pep740_over_http(assets: Path, tmp_path: Path) -> None:
    from woaport.http import make_session

    folder = tmp_path / "integrity"
    folder.mkdir()
    shutil.copyfile(assets / f"{ASSET}.provenance", folder / "provenance")
    session = make_session(retries=0)
    with serve_folder(folder) as url:
        found = pv.index_provenance(session, ASSET, f"{url}/provenance", assets / ASSET)
        missing = pv.index_provenance(session, ASSET, f"{url}/nothing", None)
    assert found.status is pv.IndexProvenanceStatus.VERIFIED, found.reason
    assert missing.status is pv.IndexProvenanceStatus.NONE
    offered_none = pv.index_provenance(session, ASSET, None, None)
    assert offered_none.status is pv.IndexProvenanceStatus.NONE


# --- `woaport check` shows it --------------------------------------------------------------------


@contextmanager
def pep740_index(wheel: Path, provenance: bytes) -> Iterator[str]:
    """A PEP 691 JSON index on loopback whose one win_arm64 wheel has a PEP 740
    ``provenance`` URL (relative, as an index may write it)."""
    folder = Path(wheel).parent / "pep740-index"
    name = wheel.name
    (folder / "simple" / "numpy").mkdir(parents=True, exist_ok=True)
    (folder / "files").mkdir(exist_ok=True)
    (folder / "integrity").mkdir(exist_ok=True)
    shutil.copyfile(wheel, folder / "files" / name)
    (folder / "integrity" / f"{name}.provenance").write_bytes(provenance)
    page = {
        "meta": {"api-version": "1.3"},
        "name": "numpy",
        "files": [
            {
                "filename": name,
                "url": f"../../files/{name}",
                "hashes": {"sha256": sha256_file(wheel)},
                "provenance": f"../../integrity/{name}.provenance",
            }
        ],
    }
    # The project page is served as the folder's index document, with PEP 691's JSON type.
    (folder / "simple" / "numpy" / "index.html").write_text(json.dumps(page), encoding="utf-8")

    class Handler(Quiet):
        def guess_type(self, path: Any) -> str:
            if str(path).endswith("index.html"):
                return "application/vnd.pypi.simple.v1+json"
            return super().guess_type(path)

    with serve_folder(folder, Handler) as url:
        yield f"{url}/simple/"


@pytest.mark.network
def test_check_names_the_publisher_and_flags_provenance_of_another_file(
    woaport: Any, numpy_arm64: Path, assets: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WOAPORT_CACHE_DIR", str(tmp_path / "cache"))
    wheel = tmp_path / numpy_arm64.name
    shutil.copyfile(numpy_arm64, wheel)
    # Real provenance, but for pypi_attestations-0.0.19.tar.gz, not for this wheel.
    with pep740_index(wheel, (assets / f"{ASSET}.provenance").read_bytes()) as index:
        listed = woaport("check", "numpy", "--index-url", index, "--no-inspect", "--json")
        inspected = woaport("check", "numpy", "--index-url", index)
    assert listed.code == 0, listed.err
    (claimed,) = json.loads(listed.out)["provenance"]
    assert claimed["status"] == "present"
    assert claimed["publishers"] == [
        {"kind": "GitHub", "repository": "trailofbits/pypi-attestations", "workflow": "release.yml"}
    ]
    assert "PEP 740 provenance: 1 invalid" in inspected.out
    assert "trailofbits/pypi-attestations (release.yml)" in inspected.out


def test_only_the_attest_job_may_mint_a_signing_identity() -> None:
    """The certificate names port.yml, so any job of it holding `id-token: write` could sign
    as the hub: only the attest job has it, and it runs none of the fork's code (no checkout,
    no build; it attests the build job's wheels)."""
    import yaml

    port = Path(__file__).parents[1] / ".github" / "workflows" / "port.yml"
    jobs = yaml.safe_load(port.read_text(encoding="utf-8"))["jobs"]
    signing = {
        name
        for name, job in jobs.items()
        if (job.get("permissions") or {}).get("id-token") == "write"
        or (job.get("permissions") or {}).get("attestations") == "write"
    }
    assert signing == {"attest"}
    attest = jobs["attest"]
    assert attest["permissions"] == {"id-token": "write", "attestations": "write"}
    uses = [step.get("uses", "") for step in attest["steps"]]
    assert not any(u.startswith(("actions/checkout", "$/")) for u in uses)
    (step,) = [s for s in attest["steps"] if "attest-build-provenance" in s.get("uses", "")]
    assert step["with"]["subject-path"] == "wheelhouse/*.whl"
    assert "attest" in jobs["publish"]["needs"]


def test_index_pages_carry_the_pep740_provenance_url() -> None:
    """PEP 740: JSON `provenance` (a URL or null) and HTML `data-provenance`, both relative
    to the page like the file URLs."""
    from woaport.index import parse_html, parse_json

    base = "https://index.example/simple/pkg/"
    (with_url, without) = parse_json(
        {
            "files": [
                {"filename": "a.whl", "url": "a.whl", "hashes": {}, "provenance": "../p/a"},
                {"filename": "b.whl", "url": "b.whl", "hashes": {}, "provenance": None},
            ]
        },
        base,
    )
    assert with_url.provenance == "https://index.example/simple/p/a"
    assert without.provenance is None
    (html_file,) = parse_html(
        '<a href="a.whl#sha256=00" data-provenance="https://index.example/i/a">a.whl</a>', base
    )
    assert html_file.provenance == "https://index.example/i/a"
