"""``woaport device trust-root``: the Sigstore trusted root a device verifies provenance with.

The lead attaches :data:`trust_root` under the ``device`` group
(``device.add_command(trust_root, name="trust-root")``).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from woaport import provenance
from woaport.files import sha256_file


@click.group(name="trust-root")
def trust_root() -> None:
    """The Sigstore trusted root that queue items' provenance is verified against, offline.

    woaport ships one; `update` refreshes it through Sigstore's TUF repository (network).
    """


def _trust_dir_option(function: click.decorators.FC) -> click.decorators.FC:
    return click.option(
        "--trust-dir",
        type=click.Path(path_type=Path, file_okay=False),
        envvar="WOAPORT_TRUST_DIR",
        help="Where the refreshed root and the TUF metadata live [env var: WOAPORT_TRUST_DIR; default: the user data dir].",
    )(function)


@trust_root.command()
@_trust_dir_option
@click.option(
    "--url",
    default=provenance.SIGSTORE_TUF_URL,
    show_default=True,
    help="The TUF repository to refresh from.",
)
@click.option(
    "--bootstrap-root",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="The TUF root.json to start the chain of trust from [default: the one woaport ships, for Sigstore's repository].",
)
@click.option("--json", "json_output", is_flag=True, help="Print one JSON document on stdout.")
def update(trust_dir: Path | None, url: str, bootstrap_root: Path | None, json_output: bool) -> int:
    """Fetch the current trusted root through TUF and replace the device's copy.

    python-tuf verifies the repository's signed metadata from a root woaport ships (each
    newer root must be signed by the keys of the one before), then the trusted root's hash;
    only then is the device's copy replaced. Needs the network; verification never does.

    Exit 0 when the root is current, 2 (3 once the network exit code lands) when the
    repository cannot be reached or its metadata does not verify: the old root stays.
    """
    result = provenance.update_trust_root(
        url=url,
        trust_dir=trust_dir,
        bootstrap_root=bootstrap_root,
        progress=lambda message: click.echo(message, err=True),
    )
    if json_output:
        click.echo(json.dumps(result.to_json(), indent=2))
    else:
        state = "updated" if result.changed else "already current"
        click.echo(f"trusted root {state}: {result.path} (sha256 {result.sha256[:16]}…)")
    return 0


@trust_root.command()
@_trust_dir_option
@click.option("--json", "json_output", is_flag=True, help="Print one JSON document on stdout.")
def show(trust_dir: Path | None, json_output: bool) -> int:
    """Which trusted root verification uses now: the refreshed one, or the shipped one."""
    path = provenance.trusted_root_path(trust_dir)
    shipped = path.parent == provenance.shipped_trust_dir()
    sha256 = sha256_file(path)
    if json_output:
        click.echo(json.dumps({"path": str(path), "shipped": shipped, "sha256": sha256}))
    else:
        origin = "shipped with woaport" if shipped else "refreshed by `trust-root update`"
        click.echo(f"{path} ({origin}; sha256 {sha256[:16]}…)")
    return 0
