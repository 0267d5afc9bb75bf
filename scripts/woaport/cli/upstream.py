"""``woaport upstream``: propose the port to the package's own maintainers."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from woaport.cli.reporter import Reporter
from woaport.errors import EXIT_OK, EXIT_PROBLEMS


@click.group()
def upstream() -> None:
    """Hand the port back upstream: patch the project's wheel workflow, write the PR text."""


_ENV_HELP = "A build setting the fork needed (its cibw-environment), KEY=VALUE; repeatable."


@upstream.command()
@click.argument("path", type=click.Path(path_type=Path, file_okay=False), default=Path())
@click.option(
    "--workflow",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The wheel workflow to patch [default: the one that runs cibuildwheel/maturin].",
)
@click.option("--env", "environment", multiple=True, help=_ENV_HELP)
@click.option("--submodules", is_flag=True, help="Check out submodules (a new job only).")
@click.option("--dry-run", is_flag=True, help="Print the diff; write nothing.")
@click.option("--json", "json_output", is_flag=True, help="Print one JSON document on stdout.")
def patch(
    path: Path,
    workflow: Path | None,
    environment: tuple[str, ...],
    submodules: bool,
    dry_run: bool,
    json_output: bool,
) -> int:
    """Add a windows-11-arm lane to the wheel workflow of the upstream checkout at PATH.

    The smallest diff that keeps the file's style: a runner in the matrix, a copied Windows
    entry, a build identifier line, or one new job; a new workflow when there is none. The
    result is validated with check-jsonschema (and actionlint when installed). Exit 1 when
    the patched file does not validate.

    \b
    Examples:
      woaport upstream patch ../orjson --dry-run
      woaport upstream patch --env "CMAKE_GENERATOR=Ninja" --submodules
    """
    from woaport import upstream as up
    from woaport.views.upstream import PatchView

    settings = up.Settings(environment=environment, submodules=submodules)
    result = up.plan(path, settings, workflow)
    if result.changed:
        with tempfile.TemporaryDirectory(prefix="woaport-patch-") as scratch:
            result = up.validate(result, Path(scratch))
        if not dry_run and result.ok:
            up.write(path, result)
    Reporter(json_output=json_output).emit(PatchView(result))
    return EXIT_OK if result.ok else EXIT_PROBLEMS


@upstream.command("pr-body")
@click.option(
    "--manifest",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="The queue item's manifest.json (the exact wheels CI tested).",
)
@click.option(
    "--device-result",
    "device_results",
    type=click.Path(path_type=Path, dir_okay=False),
    multiple=True,
    help="A device's result-<device>.json for that item; repeatable.",
)
@click.option(
    "--ci-report",
    type=click.Path(path_type=Path, dir_okay=False),
    help="CI's contract report (report.json).",
)
@click.option(
    "--emulated-report",
    "emulated_reports",
    type=click.Path(path_type=Path, dir_okay=False),
    multiple=True,
    help="A contract report of the x64 wheel run under emulation, for the speed table.",
)
@click.option("--run-url", help="The fork's CI run [default: from the manifest's provenance].")
@click.option(
    "--patch-report",
    type=click.Path(path_type=Path, dir_okay=False),
    help="What `upstream patch --json` printed: its diff and notes go in the text.",
)
@click.option(
    "--checkout",
    type=click.Path(path_type=Path, file_okay=False),
    help="Or the upstream checkout, not patched yet: the diff the patch would make.",
)
@click.option("--json", "json_output", is_flag=True, help="Print one JSON document on stdout.")
def pr_body(
    manifest: Path,
    device_results: tuple[Path, ...],
    ci_report: Path | None,
    emulated_reports: tuple[Path, ...],
    run_url: str | None,
    patch_report: Path | None,
    checkout: Path | None,
    json_output: bool,
) -> int:
    """Print the pull request text (Markdown) with the evidence a maintainer needs.

    \b
    Example:
      woaport upstream pr-body --manifest manifest.json --device-result result-surface.json \\
          --ci-report report.json --patch-report patch.json > body.md
    """
    from woaport import upstream as up
    from woaport.views.upstream import PullRequestView
    from woaport.views.upstream import pr_body as render

    patch_result = None
    if patch_report is not None:
        patch_result = up.PatchSummary.load(patch_report)
    elif checkout is not None:
        patch_result = up.plan(checkout, up.Settings()).summary()
    evidence = up.read_evidence(
        manifest,
        device_results=list(device_results),
        ci_report=ci_report,
        emulated_reports=list(emulated_reports),
        run_url=run_url,
        patch=patch_result,
    )
    if json_output:
        Reporter(json_output=True).emit(PullRequestView(evidence))
    else:
        click.echo(render(evidence), nl=False)
    return EXIT_OK
