"""``woaport analyze``: how much work will this port be?"""

from __future__ import annotations

from pathlib import Path

import click

from woaport.analyze import analyze_files, iter_sources
from woaport.cli.reporter import Reporter
from woaport.errors import BadInput
from woaport.views.analyze import AnalyzeView


def _latest_sdist(name: str, index_url: str | None, cache_dir: Path | None) -> Path:
    from woaport.availability import summarize
    from woaport.cli.progress import DownloadBar
    from woaport.files import user_cache
    from woaport.http import download, make_session
    from woaport.index import default_index_url, fetch_files
    from woaport.safepath import child

    session = make_session()
    index = index_url or default_index_url()
    availability = summarize(name, fetch_files(session, index, name))
    sdists = sorted(availability.sdists, key=lambda f: not f.filename.endswith(".tar.gz"))
    if not sdists:
        raise BadInput(
            f"{name} {availability.version or ''}: the index has no sdist to analyze; pass a source folder instead"
        )
    chosen = sdists[0]
    folder = user_cache(cache_dir) / "sdists"
    click.echo(f"downloading {chosen.filename}", err=True)
    with DownloadBar(chosen.filename) as bar:
        return download(
            session,
            chosen.url,
            child(folder, chosen.filename, "index file name"),
            sha256=chosen.sha256,
            progress=bar,
        )


@click.command()
@click.argument("target")
@click.option(
    "--all", "show_all", is_flag=True, help="List every x86-specific line, not the first 15."
)
@click.option(
    "--index-url",
    envvar="WOAPORT_INDEX_URL",
    help="Index for a package NAME [env var: WOAPORT_INDEX_URL].",
)
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path, file_okay=False),
    envvar="WOAPORT_CACHE_DIR",
    help="Where a downloaded sdist is kept [env var: WOAPORT_CACHE_DIR].",
)
@click.option("--json", "json_output", is_flag=True, help="Print one JSON document on stdout.")
def analyze(
    target: str, show_all: bool, index_url: str | None, cache_dir: Path | None, json_output: bool
) -> int:
    """Predict what porting TARGET to Windows on Arm takes.

    TARGET is a source folder, an sdist (.tar.gz or .zip, read as a stream, never
    extracted), or a package name (its latest sdist is downloaded from the index).

    Reports the build backend and tools, the native languages, vendored native code and
    submodules, and x86-specific code with file:line evidence (intrinsic headers and
    calls, __m128-family types, cpuid, inline assembly, MSVC _M_X64/_M_IX86 branches with
    no _M_ARM64 branch, x86-only compiler flags), each marked with whether an ARM/NEON
    alternative is present beside it; the native libraries the build needs and the sdist
    does not ship. Then a category (pure, workflow-only, build-config,
    external-native-library, source-port), the reasons, and what to try.

    \b
    Examples:
      woaport analyze .
      woaport analyze dist/xxhash-3.6.0.tar.gz
      woaport analyze fastparquet --json
    """
    if not target.strip():
        raise BadInput("analyze: TARGET is empty; pass a source folder, an sdist or a package name")
    path = Path(target)
    if not path.exists():
        if "/" in target or "\\" in target or target.endswith((".gz", ".zip", ".tgz")):
            raise BadInput(f"{target}: no such file or folder")
        path = _latest_sdist(target, index_url, cache_dir)
    analysis = analyze_files(str(path), iter_sources(path))
    Reporter(json_output=json_output).emit(AnalyzeView(analysis, show_all=show_all))
    return 0
