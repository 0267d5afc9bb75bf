"""``woaport check``: what does the index publish for Windows on Arm, and is it sound?"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from woaport.check import CheckRequest, run_check
from woaport.cli.progress import DownloadBar
from woaport.cli.reporter import Reporter
from woaport.files import user_cache
from woaport.index import default_index_url
from woaport.views.check import CheckView


@click.command()
@click.argument("name")
@click.option("--version", "version", metavar="V", help="Check this release instead of the latest.")
@click.option("--pre", is_flag=True, help="Let the latest release be a pre-release.")
@click.option(
    "--python",
    "pythons",
    multiple=True,
    metavar="3.X",
    help="Only download and inspect wheels for this Python (repeatable): 3.12, 3.13t, cp312.",
)
@click.option("--no-inspect", is_flag=True, help="Only list what the index has; download nothing.")
@click.option(
    "--index-url",
    envvar="WOAPORT_INDEX_URL",
    metavar="URL",
    help="Simple-API index to ask [env var: WOAPORT_INDEX_URL; default: pip's configured index].",
)
@click.option(
    "--cache-dir",
    envvar="WOAPORT_CACHE_DIR",
    type=click.Path(path_type=Path, file_okay=False),
    help="Where downloaded wheels are kept [env var: WOAPORT_CACHE_DIR; default: the user cache].",
)
@click.option("--json", "json_output", is_flag=True, help="Print one JSON document on stdout.")
def check(
    name: str,
    version: str | None,
    pre: bool,
    pythons: tuple[str, ...],
    no_inspect: bool,
    index_url: str | None,
    cache_dir: Path | None,
    json_output: bool,
) -> int:
    """Say what the package index offers Windows on Arm for NAME.

    Lists the release's win_arm64 wheels and the Pythons they serve, whether a pure-Python
    wheel makes NAME installable anyway, or whether there is only an sdist; then downloads
    the win_arm64 wheels (streamed, sha256-verified, cached) and inspects their payload.

    Exit 0 when Windows on Arm users get a sound wheel (native or pure), 1 when there is only
    an sdist or an inspected wheel has problems, 2 on bad input.

    \b
    Examples:
      woaport check numpy
      woaport check numpy --version 2.5.5 --python 3.12
      woaport check asyncpg --no-inspect --json
    """
    reporter = Reporter(json_output=json_output)
    show = sys.stderr.isatty() and not json_output
    request = CheckRequest(
        name=name,
        index_url=index_url or default_index_url(),
        cache_dir=user_cache(cache_dir),
        version=version,
        pre=pre,
        pythons=pythons,
        inspect=not no_inspect,
    )
    result = run_check(
        request,
        info=reporter.info,
        download_progress=lambda filename: DownloadBar(filename, show=show),
    )
    reporter.emit(CheckView(result))
    return result.exit_code
