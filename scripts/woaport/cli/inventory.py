"""``woaport inventory``: validate packages.yml, pick what is next, render the README."""

from __future__ import annotations

from pathlib import Path

import click

from woaport import inventory as inv
from woaport.cli.reporter import Reporter
from woaport.documents.status import Status
from woaport.views.inventory import NextView, ValidationView

INVENTORY = click.option(
    "--inventory",
    "folder",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("inventory"),
    show_default=True,
    envvar="WOAPORT_INVENTORY",
    help="The folder with packages.yml and status.json [env var: WOAPORT_INVENTORY].",
)


@click.group()
def inventory() -> None:
    """Where every package stands: packages.yml (people edit it), status.json and
    history.json (the controller writes them), README.md and index.html (generated)."""


def _contract_ids(folder: Path) -> set[str] | None:
    from woaport import contract

    contracts_dir = folder.parent / "contracts"
    if not contracts_dir.is_dir():
        return None
    ids: set[str] = set()
    for path in contracts_dir.glob("*.yml"):
        loaded, _ = contract.check(path)
        ids |= {c.smoke_test_id for c in loaded}
    return ids


def _top_names(folder: Path) -> set[str] | None:
    """The names in the committed top-pypi-packages snapshot: depends_on may name them."""
    from woaport.toppypi import SNAPSHOT_NAME, load_snapshot

    snapshot = folder / SNAPSHOT_NAME
    if not snapshot.is_file():
        return None
    return {p.key for p in load_snapshot(snapshot, 10**6).packages}


def _followed(folder: Path, status: Status) -> list[inv.Package]:
    """packages.yml and the packages the controller followed from the top-N list."""
    listed = inv.load_packages(folder / "packages.yml")
    top = sorted(
        ((e.name, e.rank) for e in status.packages.values() if e.rank is not None),
        key=lambda pair: pair[1],
    )
    return inv.tracked(listed, top)


@inventory.command()
@INVENTORY
@click.option("--json", "json_output", is_flag=True, help="Print one JSON document on stdout.")
def validate(folder: Path, json_output: bool) -> int:
    """Check packages.yml: the schema, names listed twice, depends_on that names nothing,
    dependency cycles, and contract ids that contracts/ does not have; and devices.yml
    when there is one (the schema, ids registered twice, schedules)."""
    from woaport.fleet import REGISTRY_FILE, check_registry

    path = folder / "packages.yml"
    problems = inv.check_packages(path, _contract_ids(folder), _top_names(folder))
    count = 0 if problems else len(inv.load_packages(path))
    if (folder / REGISTRY_FILE).is_file():
        problems += check_registry(folder / REGISTRY_FILE)
    result = inv.Validation(path=path, problems=tuple(problems), count=count)
    Reporter(json_output=json_output).emit(ValidationView(result))
    return result.exit_code


@inventory.command(name="next")
@INVENTORY
@click.option(
    "-n", "count", type=click.IntRange(min=1), default=5, show_default=True, help="How many."
)
@click.option("--json", "json_output", is_flag=True, help="Print one JSON document on stdout.")
def next_cmd(folder: Path, count: int, json_output: bool) -> int:
    """The next packages to work on, with why: failing ones and the ready ones, by
    priority, then by how many packages wait for them and the downloads they unblock, then
    by download rank."""
    status = inv.load_status(folder / "status.json")
    packages = _followed(folder, status)
    Reporter(json_output=json_output).emit(NextView(picks=inv.next_up(packages, status, count)))
    return 0


@inventory.command()
@INVENTORY
@click.option(
    "--check", is_flag=True, help="Write nothing; exit 1 when README.md or index.html is stale."
)
def render(folder: Path, check: bool) -> int:
    """Write README.md and the status page index.html from packages.yml, status.json and
    history.json."""
    from woaport.fleet import FLEET_FILE, load_fleet
    from woaport.views.inventory import readme as render_readme
    from woaport.views.page import page as render_page

    status = inv.load_status(folder / "status.json")
    history = inv.load_history(folder / "history.json")
    packages = _followed(folder, status)
    fleet = load_fleet(folder / FLEET_FILE)
    outputs = {
        folder / "README.md": render_readme(packages, status, history, fleet),
        folder / "index.html": render_page(packages, status, history),
    }
    stale = 0
    for path, text in outputs.items():
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == text:
            continue
        if check:
            click.echo(
                f"{path} is stale: run `woaport inventory render --inventory {folder}`", err=True
            )
            stale += 1
        else:
            path.write_text(text, encoding="utf-8")
            click.echo(f"wrote {path}", err=True)
    return 1 if stale else 0
