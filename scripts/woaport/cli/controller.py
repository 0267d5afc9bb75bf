"""``woaport controller``: what the scheduled hub workflow runs."""

from __future__ import annotations

import json
from pathlib import Path

import click

from woaport.cli.inventory import INVENTORY
from woaport.errors import EXIT_PROBLEMS


@click.group()
def controller() -> None:
    """The hub's scheduled controller."""


@controller.command()
@INVENTORY
@click.option(
    "--index-url",
    envvar="WOAPORT_INDEX_URL",
    help="Package index [env var: WOAPORT_INDEX_URL; default: pip's].",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=16,
    show_default=True,
    help="Requests in flight at once, per process.",
)
@click.option(
    "--processes",
    type=click.IntRange(0, 16),
    default=0,
    show_default=True,
    help="Processes collecting facts (0: one per CPU core, at most 4; fewer when there are "
    "fewer than 250 packages per process).",
)
@click.option(
    "--top",
    type=click.IntRange(0, 100_000),
    default=1000,
    show_default=True,
    help="Follow the N most downloaded PyPI projects besides packages.yml (0: none).",
)
@click.option(
    "--top-url",
    default="https://hugovk.dev/top-pypi-packages/top-pypi-packages.min.json",
    show_default=True,
    envvar="WOAPORT_TOP_URL",
    help="The top-pypi-packages list; when it cannot be read, the committed snapshot "
    "(inventory/top-pypi-packages.min.json) is used. 'snapshot': that file only "
    "[env var: WOAPORT_TOP_URL].",
)
@click.option(
    "--no-dependencies",
    is_flag=True,
    help="Do not read Requires-Dist (no dependency graph, no awaiting-parents).",
)
@click.option("--no-render", is_flag=True, help="Update status.json only.")
@click.option(
    "--changes-file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write a commit message listing the state changes here.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Exit 1 when a source could not be read (facts kept, marked stale).",
)
@click.option(
    "--json", "json_output", is_flag=True, help="Print the changes and request counts as JSON."
)
def update(
    folder: Path,
    index_url: str | None,
    top: int,
    top_url: str,
    no_dependencies: bool,
    workers: int,
    processes: int,
    no_render: bool,
    changes_file: Path | None,
    strict: bool,
    json_output: bool,
) -> int:
    """Collect the facts for the top N PyPI projects and every package in packages.yml,
    assess their states, write status.json and history.json (atomically), README.md and
    the status page index.html.

    GitHub: the port workflow's latest run on each fork's branch, the fork's device queue
    and its device results (token from WOAPORT_TOKEN / GITHUB_TOKEN). The package index:
    what the latest release offers Windows on Arm and what it requires there (PEP 658
    metadata). Conditional requests throughout;
    a source that fails keeps the package's last known facts, marked stale.

    \b
    Examples:
      woaport controller update --top-url snapshot
      woaport controller update --top 5000 --processes 4 --workers 32 --json
    """
    from woaport.cli.reporter import Reporter
    from woaport.controller import UpdateRequest, usable_cpus
    from woaport.controller import update as run_update
    from woaport.index import default_index_url

    request = UpdateRequest(
        inventory=folder,
        index_url=index_url or default_index_url(),
        workers=workers,
        processes=processes or usable_cpus(4),
        render=not no_render,
        changes_file=changes_file,
        top=top,
        top_url=None if top_url == "snapshot" else top_url,
        dependencies=not no_dependencies,
    )
    # Progress and errors quote what forks, logs and device outboxes say: on Actions they
    # go through the reporter, which makes a line that looks like a workflow command inert.
    reporter = Reporter(json_output=json_output)
    result = run_update(request, progress=reporter.info)
    if json_output:
        click.echo(json.dumps(result.to_json(), indent=2))
    else:
        for change in result.changes:
            click.echo(str(change))  # one line, starting with the package's name
        reporter.info(
            f"{result.packages} packages; {len(result.changes)} state change(s); "
            f"{result.requests} requests, {result.not_modified} answered 304, "
            f"{result.remembered} remembered; {len(result.errors)} source error(s)"
        )
    for error in result.errors:
        reporter.info(f"stale: {error}")
    return EXIT_PROBLEMS if strict and result.errors else 0
