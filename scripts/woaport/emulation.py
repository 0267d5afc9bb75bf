"""Native vs emulated: the contract's benchmark steps, run again under emulation.

Windows on Arm runs x64 Python emulated, and users choose between the two. When the laptop
has an emulated interpreter too (an x64 CPython; woaport.interpreters finds it), the device
runs the contract's benchmark steps a second time under it, with the package's own x64
wheel of the same version from the index (pinned by the sha256 the index gives), and the
result carries both medians and their ratio. Nothing here changes the item's verdict: the
comparison is information, and its failures are reported inside it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path

from packaging.utils import canonicalize_name, parse_wheel_filename
from packaging.version import InvalidVersion, Version

from woaport.contract import Contract
from woaport.documents.contract_report import ContractReport
from woaport.documents.device_result import BenchmarkComparison, EmulationComparison
from woaport.documents.verdicts import Verdict
from woaport.errors import WoaportError
from woaport.index import IndexFile
from woaport.interpreters import Python, best_match


def benchmark_steps(contract: Contract) -> Contract | None:
    """The contract with its device-mode benchmark steps only (None when it has none)."""
    steps = tuple(s for s in contract.steps if s.kind == "benchmark" and s.runs_in("device"))
    return dataclasses.replace(contract, steps=steps) if steps else None


def candidates(emulated: Sequence[Python], native: Python) -> list[Python]:
    """The emulated interpreters, those of the native one's implementation and version
    first (a like-for-like comparison)."""

    def same(p: Python) -> bool:
        return (p.facts.implementation, p.facts.version_info[:2]) == (
            native.facts.implementation,
            native.facts.version_info[:2],
        )

    return sorted(emulated, key=lambda p: not same(p))


def pick_wheel(
    files: Sequence[IndexFile], package: str, version: str, python: Python
) -> IndexFile | None:
    """The index's wheel of ``package`` ``version`` that ``python`` prefers; only files the
    index gives a sha256 for, never yanked ones."""
    wanted = canonicalize_name(package)
    try:
        exact = Version(version)
    except InvalidVersion:
        return None
    ranked: list[tuple[int, IndexFile]] = []
    order = {tag: rank for rank, tag in enumerate(python.tags)}
    for file in files:
        if file.yanked or not file.sha256 or not file.filename.endswith(".whl"):
            continue
        try:
            name, file_version, _, _ = parse_wheel_filename(file.filename)
        except ValueError:  # InvalidWheelFilename, InvalidVersion
            continue
        if name != wanted or file_version != exact:
            continue
        tag = best_match(python, file.filename)
        if tag is not None:
            ranked.append((order[tag], file))
    return min(ranked, key=lambda pair: pair[0])[1] if ranked else None


def compare(native: ContractReport, emulated: ContractReport) -> tuple[BenchmarkComparison, ...]:
    """Both medians and their ratio, for every benchmark step both runs timed."""
    timed = {s.step_id: s.benchmark for s in emulated.steps if s.benchmark is not None}
    found = []
    for step in native.steps:
        other = timed.get(step.step_id)
        if step.benchmark is None or other is None or other.median <= 0:
            continue
        found.append(
            BenchmarkComparison(
                step_id=step.step_id,
                native_median=step.benchmark.median,
                emulated_median=other.median,
                ratio=round(step.benchmark.median / other.median, 6),
            )
        )
    return tuple(found)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Request:
    contract: Contract  # the item's contract (its benchmark steps are taken)
    package: str
    version: str
    native: Python
    native_report: ContractReport
    emulated: Sequence[Python]
    index_url: str
    installer: str
    work: Path


Runner = Callable[[Contract, Path, Python], ContractReport]


def run(
    request: Request,
    *,
    list_files: Callable[[str], Sequence[IndexFile]],
    download: Callable[[IndexFile, Path], Path],
    run_benchmarks: Runner,
    progress: Callable[[str], None] = lambda _: None,
) -> EmulationComparison | None:
    """The comparison, or None when there is nothing to compare (no benchmark steps, no
    emulated interpreter, or a native run that failed or did not time its steps)."""
    benchmarks = benchmark_steps(request.contract)
    timed = any(s.benchmark is not None for s in request.native_report.steps)
    passed = request.native_report.verdict is Verdict.PASS
    if benchmarks is None or not request.emulated or not timed or not passed:
        return None
    order = candidates(request.emulated, request.native)
    try:
        files = list_files(request.package)
    except WoaportError as exc:
        return EmulationComparison(
            interpreter=order[0].record(),
            verdict=Verdict.ERROR,
            reason=f"the index {request.index_url} did not list {request.package}: {exc.message}",
        )
    for python in order:
        wheel = pick_wheel(files, request.package, request.version, python)
        if wheel is not None:
            return _run_one(request, benchmarks, python, wheel, download, run_benchmarks, progress)
    names = ", ".join(p.describe() for p in order)
    return EmulationComparison(
        interpreter=order[0].record(),
        verdict=Verdict.SKIPPED,
        reason=(
            f"the index {request.index_url} has no wheel of {request.package} "
            f"{request.version} that {names} installs"
        ),
    )


def _run_one(
    request: Request,
    benchmarks: Contract,
    python: Python,
    wheel: IndexFile,
    download: Callable[[IndexFile, Path], Path],
    run_benchmarks: Runner,
    progress: Callable[[str], None],
) -> EmulationComparison:
    tag = best_match(python, wheel.filename)

    def comparison(
        verdict: Verdict, reason: str, benchmarks: tuple[BenchmarkComparison, ...] = ()
    ) -> EmulationComparison:
        return EmulationComparison(
            interpreter=python.record([str(tag)] if tag else []),
            verdict=verdict,
            reason=reason,
            wheel=wheel.filename,
            wheel_sha256=wheel.sha256,
            wheel_url=wheel.url,
            benchmarks=benchmarks,
        )

    progress(f"emulated: {python.describe()} with {wheel.filename} from the index")
    try:
        path = download(wheel, request.work / wheel.filename)
        report = run_benchmarks(benchmarks, path, python)
    except (WoaportError, OSError) as exc:
        return comparison(Verdict.ERROR, exc.message if isinstance(exc, WoaportError) else str(exc))
    reason = ""
    if report.verdict is not Verdict.PASS:
        failed = [s for s in report.steps if not s.status.ok]
        if failed:
            reason = f"{failed[0].step_id}: {failed[0].status} ({failed[0].detail})"
        else:
            lines = report.install.output.strip().splitlines() or ["no output"]
            reason = f"the x64 wheel did not install: {lines[-1][:300]}"
    return comparison(report.verdict, reason, compare(request.native_report, report))
