"""``woaport fork``: set a fork up for the port workflow."""

from __future__ import annotations

import os
from pathlib import Path

import click

from woaport.cli.reporter import Reporter
from woaport.views.fork import ForkInitView


@click.group()
def fork() -> None:
    """Set up a fork of a package to build, test and queue native win_arm64 wheels."""


def _default_contracts_dir() -> Path | None:
    """The hub's contracts: contracts/ of the checkout woaport runs from, else the copy
    that ships inside the installed package."""
    import woaport

    package = Path(woaport.__file__).resolve().parent
    for candidate in (package.parents[1] / "contracts", package / "data" / "contracts"):
        if candidate.is_dir() and any(candidate.glob("*.yml")):
            return candidate
    return None


@fork.command()
@click.argument("path", type=click.Path(path_type=Path, file_okay=False), default=Path())
@click.option(
    "--hub",
    default=lambda: os.environ.get("WOAPORT_HUB", "woaport/woaport"),
    show_default="woaport/woaport",
    help="The hub's OWNER/REPO [env var: WOAPORT_HUB].",
)
@click.option(
    "--ref",
    help="The hub's tag or commit sha to pin [default: the major tag the hub's release "
    "workflow moves, v<MAJOR> of this woaport].",
)
@click.option(
    "--wheel",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="A built wheel of the package: the starter contract imports its .pyd/.so modules "
    "[default: found from the build configuration].",
)
@click.option(
    "--branch", default="woaport", show_default=True, help="The branch whose pushes run the port."
)
@click.option(
    "--contracts-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="The hub's contracts/ [default: beside this woaport, when it is a checkout].",
)
@click.option("--json", "json_output", is_flag=True, help="Print one JSON document on stdout.")
def init(
    path: Path,
    hub: str,
    ref: str | None,
    wheel: Path | None,
    branch: str,
    contracts_dir: Path | None,
    json_output: bool,
) -> int:
    """Write .github/workflows/woaport.yml (the one `uses:` line) into the fork at PATH.

    The package and its build backend are read from pyproject.toml, setup.cfg or setup.py.
    When the hub has no contract for the package, a starter contract is written to
    .github/woaport/contract.yml: it imports every compiled extension module the package
    builds (from a built --wheel, else setup.py/pyproject/meson/maturin), or, when none is
    found, holds a step that fails until it is written. Existing files are never
    overwritten. It prints what GitHub needs from the fork (Actions enabled).

    \b
    Examples:
      woaport fork init
      woaport fork init ../fastparquet --hub me/woaport --ref 3f2c1a9e5d7b8c6f4e2a1b0c9d8e7f6a5b4c3d2e
    """
    from woaport.forkinit import init as run_init

    result = run_init(
        path,
        hub=hub,
        ref=ref,
        wheel=wheel,
        branch=branch,
        contracts_dir=contracts_dir or _default_contracts_dir(),
    )
    Reporter(json_output=json_output).emit(ForkInitView(result))
    return 0
