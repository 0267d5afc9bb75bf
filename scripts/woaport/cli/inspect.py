"""``woaport inspect``: the wheel payload inspector.

Named like the command, as every module in ``cli/`` is; absolute imports keep the stdlib's
``inspect`` what ``import inspect`` finds, here too.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from woaport.cli.types import optional_path
from woaport.errors import BadInput


@click.command()
@click.argument("wheels", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "json_output", is_flag=True, help="Print one JSON document on stdout.")
@click.option("-v", "--verbose", is_flag=True, help="List every PE image with its imports.")
@click.option("--strict", is_flag=True, help="Count warnings (vc-runtime) as problems too.")
@click.option(
    "--report",
    "report_path",
    type=optional_path(dir_okay=False),
    help="Also write the JSON report to this file.",
)
def inspect(
    wheels: tuple[Path, ...],
    json_output: bool,
    verbose: bool,
    strict: bool,
    report_path: Path | None,
) -> int:
    """Check that each WHEEL carries the native payload its tags promise.

    \b
    Errors (exit 1):
      wheel-tag-mismatch     WHEEL's Tag lines disagree with the file name
      record-missing         no .dist-info/RECORD
      record-mismatch        a member's hash/size differs from RECORD, or is not listed
      machine-mismatch       a DLL/PYD/EXE for a machine the platform tag cannot load
      arm64ec-payload        an ARM64EC image in a win_arm64/win_amd64 wheel
      python-dll-mismatch    an extension links another interpreter's python DLL, or
                             one version's (python312.dll) in a py3-none wheel
      extension-tag-mismatch a .pyd named for another interpreter or platform
      extension-name         a .pyd suffix Windows CPython never imports (.abi3.pyd)
      missing-dependency     an (delay-)imported DLL that is neither bundled nor in Windows
      corrupt-pe             a .dll/.pyd/.exe that is no loadable PE image (ELF, cut short)
    Warnings (exit 0 unless --strict):
      vc-runtime             needs a Visual C++ runtime DLL the wheel does not bundle
                             (programs never get the one CPython ships)
      optional-dependency    a missing DLL of an extension the package only imports
                             under try/except ImportError

    System DLLs are those of clean Windows installs (delvewheel's lists), plus API sets.

    PE images are found by content (MZ + PE header), not by file extension. Pure-Python
    and non-Windows wheels get the RECORD and tag checks only.

    \b
    Examples:
      woaport inspect dist/*.whl
      woaport inspect --json numpy-2.5.5-cp312-cp312-win_arm64.whl | jq '.wheels[0].ok'
    """
    # Imported here, not at the top: `woaport inspect --help` needs none of them.
    from woaport.cli.reporter import Reporter
    from woaport.payload import inspect_paths
    from woaport.views.inspect import InspectView

    paths = expand_wheel_args(wheels)
    report = inspect_paths(paths, strict=strict)
    reporter = Reporter(json_output=json_output)
    for wheel in report.wheels:
        if wheel.error and not json_output:
            reporter.info(f"woaport: error: {wheel.error}")
    if report_path is not None:
        report_path.parent.mkdir(parents=True, exist_ok=True)
        report_path.write_text(json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8")
    reporter.outputs({"ok": str(report.exit_code == 0).lower(), "report": str(report_path or "")})
    reporter.emit(InspectView(report, verbose=verbose))
    return report.exit_code


def expand_wheel_args(args: tuple[Path, ...]) -> list[Path]:
    """Wheel paths, with each folder replaced by the .whl files in it."""
    paths: list[Path] = []
    for arg in args:
        if arg.is_dir():
            found = sorted(arg.glob("*.whl"))
            if not found:
                raise BadInput(f"{arg}: a folder with no .whl file in it; build the wheels first")
            paths += found
        else:
            paths.append(arg)
    return paths
