"""``woaport port``: start porting a package, from the backlog to a fork whose CI runs."""

from __future__ import annotations

import os
from pathlib import Path

import click

from woaport.cli.reporter import Reporter
from woaport.errors import EXIT_OK
from woaport.views.upstream import PortStartView


@click.group()
def port() -> None:
    """Start a port: fork, enable Actions, commit the workflow, record it in the inventory."""


def _default_inventory() -> Path | None:
    candidate = Path("inventory/packages.yml")
    return candidate if candidate.is_file() else None


@port.command()
@click.argument("name", required=False)
@click.option(
    "--next", "next_package", is_flag=True, help="Start the next unblocked package of the backlog."
)
@click.option(
    "--owner",
    help="The account or organisation to fork into [default: the token's user].",
)
@click.option(
    "--upstream",
    "upstream_repo",
    help="OWNER/REPO of the upstream, when the hub and the index do not say.",
)
@click.option(
    "--hub",
    default=lambda: os.environ.get("WOAPORT_HUB", "woaport/woaport@v1"),
    show_default="woaport/woaport@v1",
    help="The hub's OWNER/REPO@REF the fork's workflow calls [env var: WOAPORT_HUB].",
)
@click.option("--branch", default="woaport", show_default=True, help="The fork's port branch.")
@click.option(
    "--inventory",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The hub's packages.yml to record the fork in [default: inventory/packages.yml here].",
)
@click.option(
    "--contracts-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="The hub's contracts/ [default: beside this woaport, when it is a checkout].",
)
@click.option(
    "--index-url",
    envvar="WOAPORT_INDEX_URL",
    help="Where to look the project URLs up [env var: WOAPORT_INDEX_URL; default: pip's].",
)
@click.option("--dry-run", is_flag=True, help="Read the state and print the plan; change nothing.")
@click.option("--json", "json_output", is_flag=True, help="Print one JSON document on stdout.")
def start(
    name: str | None,
    next_package: bool,
    owner: str | None,
    upstream_repo: str | None,
    hub: str,
    branch: str,
    inventory: Path | None,
    contracts_dir: Path | None,
    index_url: str | None,
    dry_run: bool,
    json_output: bool,
) -> int:
    """Set up the port of package NAME through the GitHub API (no clone).

    Forks the upstream into --owner (or reuses the fork), enables Actions on it, commits
    .github/workflows/woaport.yml (and a starter contract when the hub has none) to the
    `woaport` branch, and records the fork in the inventory. Running it again changes
    nothing. The token comes from WOAPORT_TOKEN or GITHUB_TOKEN.

    \b
    Examples:
      woaport port start orjson --dry-run
      woaport port start cramjam --owner my-org
      woaport port start --next --dry-run
    """
    from woaport import portstart
    from woaport.cli.fork import _default_contracts_dir
    from woaport.errors import BadInput
    from woaport.github import GitHub

    inventory = inventory or _default_inventory()
    if next_package == (name is not None):
        raise BadInput("port start: name one package, or pass --next (not both)")
    if name is None:
        name = portstart.next_unstarted(inventory or Path("inventory/packages.yml"))
    urls: tuple[str, ...] = ()
    if upstream_repo is None and portstart._inventory_entry(inventory, name) is None:
        from woaport.index import default_index_url

        urls = portstart.project_urls_from_index(index_url or default_index_url(), name)
    request = portstart.StartRequest(
        package=name,
        hub=hub,
        owner=owner,
        upstream=upstream_repo,
        branch=branch,
        inventory=inventory,
        contracts_dir=contracts_dir or _default_contracts_dir(),
        project_urls=urls,
        dry_run=dry_run,
    )
    result = portstart.start(
        GitHub(), request, progress=lambda message: click.echo(message, err=True)
    )
    Reporter(json_output=json_output).emit(PortStartView(result))
    return EXIT_OK
