"""The contract runner: the exact artifact, a fresh environment, the same smoke test.

``run_contract`` installs the wheel under test from its file only (a ``name @ file://``
requirement, so an installer can never take it from the index), proves afterwards that
the installed distribution *is* that file (version, ``direct_url.json``, and every RECORD
hash), then runs each step as a subprocess of the environment's interpreter, from an empty
working directory, with a scrubbed environment and a per-step timeout that kills the whole
process tree.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.utils import canonicalize_name

from woaport import __version__, procs, venv
from woaport.artifacts import Artifact, Role, classify
from woaport.bounded import load_json, read_json
from woaport.contract import Contract, Mode, StageRef, Step
from woaport.envpolicy import contract_environment
from woaport.errors import BadInput, WoaportError
from woaport.files import sha256_file, utc_now
from woaport.safepath import child, name_problem
from woaport.wheelfile import b64_digest, parse_record, parse_wheel_name

if TYPE_CHECKING:
    from woaport.documents.contract_report import (
        Benchmark,
        ContractReport,
        EnvironmentFacts,
        InstallOutcome,
        StepResult,
        Verification,
    )

# The report's documents (woaport.documents.contract_report and what it imports) are
# imported where they are made: the first are the facts, read while the installer runs, so
# their import (about 10 ms) is not on the way to the install.

BENCH_MARKER = "__woaport_benchmark__ "

IMPORT_SCRIPT = r"""
import importlib, os, sys
module = importlib.import_module(sys.argv[1])
where = getattr(module, "__file__", None) or "(namespace package)"
print(f"imported {module.__name__} from {where}")
prefix = os.path.normcase(os.path.realpath(sys.prefix))
if where != "(namespace package)" and not os.path.normcase(os.path.realpath(where)).startswith(prefix):
    sys.exit(f"{module.__name__} was imported from outside the environment: {where}")
"""

BENCH_SCRIPT = r"""
import json, statistics, sys, timeit
spec = json.loads(sys.argv[1])
timer = timeit.Timer(spec["code"], setup=spec.get("setup") or "pass")
runs = [t / spec["number"] for t in timer.repeat(repeat=spec["repeat"], number=spec["number"])]
result = {
    "repeat": spec["repeat"], "number": spec["number"],
    "median": statistics.median(runs), "min": min(runs), "max": max(runs),
    "stdev": statistics.stdev(runs) if len(runs) > 1 else 0.0,
}
print("__woaport_benchmark__ " + json.dumps(result))
limit = spec.get("max_median_seconds")
if limit is not None and result["median"] > limit:
    sys.exit(f"median {result['median']:.6f}s per execution is over the limit {limit}s")
"""


@dataclass(frozen=True, kw_only=True)
class RunRequest:
    contract: Contract
    wheels: tuple[Path, ...]
    mode: Mode = "ci"
    python: str = sys.executable
    installer: str = "auto"
    keep: bool = False
    index_url: str | None = None
    # The device passes the queue item's staged wheels here instead of the contract's
    # paths (which name files on the CI machine), and keeps its work under its state dir.
    staged: tuple[Path, ...] | None = None
    work_parent: Path | None = None
    # More wheels to stage than the contract names (paths or URLs, from the command line).
    extra_stage: tuple[StageRef, ...] = ()
    # A folder where running steps record their processes (procs.reap_leftovers).
    ledger: Path | None = None


def resolve_artifacts(
    contract: Contract,
    wheels: tuple[Path, ...],
    staging: Path,
    staged: tuple[Path, ...] | None = None,
    extra_stage: tuple[StageRef, ...] = (),
) -> list[Artifact]:
    """The wheels to install, checked against the contract before anything is created."""
    if staged is None:
        staged = tuple(_stage(contract.stage + extra_stage, contract.folder, staging))
    return classify(contract, wheels, staged)


def _stage(refs: tuple[StageRef, ...], base: Path, staging: Path) -> list[Path]:
    staged = []
    session = None
    for ref in refs:
        if ref.is_url:
            from woaport.http import download, make_session  # only for URL stages

            session = session or make_session()
            filename = ref.location.rstrip("/").rpartition("/")[2].partition("#")[0]
            if not filename.endswith(".whl") or name_problem(filename) is not None:
                raise BadInput(f"stage: {ref.location[:200]} does not name a .whl file")
            path = download(
                session, ref.location, child(staging, filename, "stage"), sha256=ref.sha256
            )
        else:
            path = _local_stage(base, ref.location)
        if ref.sha256 and (digest := sha256_file(path)) != ref.sha256:
            raise BadInput(
                f"stage: {path.name} has sha256 {digest}, the contract pins {ref.sha256}"
            )
        staged.append(path)
    return staged


def _local_stage(base: Path, pattern: str) -> Path:
    """A staged wheel by path or glob (relative to the contract's folder). A glob may match
    wheels for several interpreters; the one this interpreter installs is taken."""
    if not any(ch in pattern for ch in "*?["):
        path = (base / pattern).resolve()
        if not path.is_file():
            raise BadInput(
                f"stage: {pattern} not found (relative to {base}); build or download it first"
            )
        return path
    matches = sorted(base.glob(pattern))
    if not matches:
        raise BadInput(
            f"stage: nothing matches {pattern} (relative to {base}); put the wheel there first"
        )
    if len(matches) == 1:
        return matches[0].resolve()
    from packaging.tags import sys_tags

    supported = set(sys_tags())
    fitting = [m for m in matches if parse_wheel_name(m).tags & supported]
    if len(fitting) != 1:
        names = ", ".join(m.name for m in matches)
        raise BadInput(
            f"stage: {pattern} matches {names}; {len(fitting)} fit this interpreter, need exactly 1"
        )
    return fitting[0].resolve()


MAX_RECORD_BYTES = 64 << 20  # a RECORD larger than this is not one


@dataclass(frozen=True, kw_only=True)
class Installed:
    """A distribution as the environment's files describe it."""

    name: str
    version: str
    files: dict[str, str]  # RECORD path -> "sha256=..." of the file on disk, hashed here
    url: str | None  # direct_url.json's url: where the installer took it from


def _installed(root: Path, name: str) -> tuple[Installed | None, list[str]]:
    """What the environment at ``root`` has installed for ``name``, read from its files
    (METADATA, RECORD, direct_url.json) and hashed here. Nothing from the environment
    runs: a ``.pth`` file or a module of the wheel under test gets no chance to lie."""
    wanted = canonicalize_name(name)
    sites = [*root.glob("lib/python*/site-packages"), root / "Lib" / "site-packages"]
    for site in sites:
        for info in sorted(site.glob("*.dist-info")):
            project, _, version = info.name.removesuffix(".dist-info").rpartition("-")
            if canonicalize_name(project) != wanted:
                continue
            metadata = _headers(info / "METADATA")
            record = info / "RECORD"
            if not record.is_file() or record.stat().st_size > MAX_RECORD_BYTES:
                return None, [f"{info.name}: no readable RECORD"]
            files: dict[str, str] = {}
            outside: list[str] = []
            top = root.resolve()
            try:
                recorded = parse_record(record.read_text("utf-8", "replace"))
            except csv.Error as exc:
                return None, [f"{info.name}/RECORD: unreadable ({exc})"]
            for path in recorded:
                target = (site / path).resolve()
                if not target.is_relative_to(top):
                    outside.append(f"{path}: RECORD names a file outside the environment")
                    continue
                try:
                    files[path] = "sha256=" + _urlsafe_sha256(target)
                except OSError:
                    continue
            direct = info / "direct_url.json"
            try:
                origin = read_json(direct) if direct.is_file() else None
            except WoaportError:
                origin = None
            url = origin.get("url") if isinstance(origin, dict) else None
            return Installed(
                name=metadata.get("Name", project),
                version=metadata.get("Version", version),
                files=files,
                url=url if isinstance(url, str) else None,
            ), outside
    return None, []


def _headers(path: Path) -> dict[str, str]:
    """The first value of each header of a METADATA file (it ends at the first blank line)."""
    headers: dict[str, str] = {}
    try:
        with path.open(encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if not line.strip():
                    break
                key, sep, value = line.partition(":")
                if sep:
                    headers.setdefault(key.strip(), value.strip())
    except OSError:
        pass
    return headers


def _urlsafe_sha256(path: Path) -> str:
    """A file's sha256 as RECORD writes it (urlsafe base64, no padding)."""
    import hashlib

    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return b64_digest(digest.digest())


def verify_installed(environment: venv.Environment, wheel: Artifact) -> Verification:
    """Prove the installed distribution is the artifact: version, origin and RECORD hashes,
    every installed file hashed from disk by woaport itself."""
    from woaport.documents.contract_report import Verification

    installed, problems = _installed(environment.root, wheel.name.name)
    if installed is None:
        return Verification(
            ok=False,
            summary=f"{wheel.name.name} is not installed",
            problems=tuple(problems),
        )
    if installed.version != wheel.name.version:
        problems.append(f"installed version {installed.version}, artifact {wheel.name.version}")
    if installed.url != wheel.path.as_uri():
        problems.append(
            f"installed from {installed.url or 'the index'}, not from {wheel.path.as_uri()}"
        )
    with zipfile.ZipFile(wheel.path) as zf:
        record_name = next((n for n in zf.namelist() if n.endswith(".dist-info/RECORD")), None)
        entries = (
            parse_record(zf.read(record_name).decode("utf-8", "replace")) if record_name else {}
        )
    files = installed.files
    checked = 0
    for path, entry in entries.items():
        if entry.digest is None or entry.algorithm != "sha256" or ".data/" in path:
            continue  # RECORD itself; .data/ files move to other folders on install
        checked += 1
        got = files.get(path)  # the sha256 of the file on disk, not what RECORD claims
        if got is None:
            problems.append(f"{path}: in the artifact but not installed")
        elif got != f"sha256={entry.digest}":
            problems.append(f"{path}: installed file differs from the artifact")
    summary = (
        f"installed {installed.name} {installed.version} is the artifact "
        f"({checked} files match RECORD)"
        if not problems
        else f"installed {wheel.name.name} is NOT the artifact ({len(problems)} problem(s))"
    )
    return Verification(
        ok=not problems, summary=summary, problems=tuple(problems), files_checked=checked
    )


class StepRunner:
    def __init__(
        self,
        environment: venv.Environment,
        work: Path,
        logs: Path,
        env: dict[str, str],
        base: Path,
        ledger: Path | None = None,
    ):
        self.ledger = ledger
        self.environment = environment
        self.work = work
        self.logs = logs
        self.env = env
        self.base = base  # the contract file's folder, for relative pytest paths
        self.spare: procs.StepHost | None = None

    def prepare(self) -> None:
        """Start the next step's host now, so that it is ready when the step is
        (`procs.StepHost`)."""
        if self.spare is None:
            self.spare = procs.StepHost(cwd=self.work, env=self.env)

    def close(self) -> None:
        """Stop a host that was started for a step that never came."""
        if self.spare is not None:
            self.spare.close()
            self.spare = None

    def argv(self, step: Step) -> list[str]:
        python = str(self.environment.python)
        spec = step.settings
        if step.kind == "import_module":
            return [python, "-c", IMPORT_SCRIPT, spec["module"]]
        if step.kind == "python_code":
            script = self.logs / f"{step.step_id}.py"
            script.write_text(spec["code"], encoding="utf-8")
            return [python, str(script)]
        if step.kind == "benchmark":
            payload = {
                "code": spec["code"],
                "setup": spec.get("setup"),
                "repeat": spec.get("repeat", 5),
                "number": spec.get("number", 1),
                "max_median_seconds": spec.get("max_median_seconds"),
            }
            return [python, "-c", BENCH_SCRIPT, json.dumps(payload)]
        if step.kind == "pytest":
            target = spec["target"]
            candidate = self.base / target
            args = [python, "-m", "pytest", "-p", "no:cacheprovider", "--rootdir", str(self.work)]
            if candidate.exists():
                return [*args, str(candidate.resolve()), *spec.get("args", [])]
            return [*args, "--pyargs", target, *spec.get("args", [])]
        if step.kind == "command":
            program, *rest = spec["argv"]
            if program in ("python", "python3"):
                return [python, *rest]
            found = venv.executable_in(self.environment.root, program)
            resolved = str(found) if found else shutil.which(program, path=self.env.get("PATH"))
            if resolved is None:
                raise FileNotFoundError(f"{program!r} is neither in the environment nor on PATH")
            return [resolved, *rest]
        raise ValueError(f"unknown step kind {step.kind!r}")

    def run(self, step: Step, *, more: bool = False) -> StepResult:
        """Run one step; ``more``: another step follows (its host starts beside this one)."""
        from woaport.documents.contract_report import StepResult, StepStatus

        try:
            argv = self.argv(step)
        except FileNotFoundError as exc:
            return StepResult(
                step_id=step.step_id, kind=step.kind, status=StepStatus.ERROR, detail=str(exc)
            )
        host, self.spare = self.spare, None
        if more:
            self.prepare()
        result = procs.run(
            argv,
            cwd=self.work,
            env=self.env,
            timeout=step.timeout,
            log=self.logs / f"{step.step_id}.log",
            ledger=self.ledger,
            started_host=host,
        )
        status, detail = result.status()
        benchmark = None
        if step.kind == "benchmark":
            for line in result.output_tail.splitlines():
                if line.startswith(BENCH_MARKER):
                    benchmark = _benchmark(line[len(BENCH_MARKER) :])
        return StepResult(
            step_id=step.step_id,
            kind=step.kind,
            status=StepStatus(status),
            detail=detail,
            duration_seconds=round(result.duration, 4),
            returncode=result.returncode,
            output_tail=result.output_tail,
            benchmark=benchmark,
        )


def begin_facts(
    environment: venv.Environment, env: dict[str, str], running: str = sys.executable
) -> Callable[[], EnvironmentFacts]:
    """The machine and interpreter facts of a run, as the environment's own interpreter
    states them; the answer is read by calling what this returns, after the install has
    been started, so that the two overlap.

    An environment made from this very interpreter (``--python`` left at its default: the
    environment's ``python`` is a link to this binary) states what this process states,
    apart from its path: woaport collects them itself, while the installer runs, rather than
    start one more interpreter beside it. Any other interpreter runs ``envfacts.py``."""
    if _same_file(environment.python, Path(running)):

        def collect_here() -> EnvironmentFacts:
            from woaport import envfacts
            from woaport.documents.contract_report import EnvironmentFacts, environment_from

            try:
                data = envfacts.collect()
            except (OSError, ValueError) as exc:  # facts about the machine never fail a run
                return EnvironmentFacts(error=str(exc))
            data["python"]["executable"] = str(environment.python)
            return environment_from(data)

        return collect_here
    # -I -S: nothing of the environment (a .pth file the install is writing) runs in it, and
    # no site start-up competes with the install.
    process = subprocess.Popen(
        [str(environment.python), "-I", "-S", str(Path(__file__).with_name("envfacts.py"))],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env=env,
        text=True,
        encoding="utf-8",
        errors="replace",
        **procs.windowless(),
    )
    return lambda: _environment_facts(process)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


def _environment_facts(process: subprocess.Popen[str]) -> EnvironmentFacts:
    from woaport.documents.contract_report import EnvironmentFacts, environment_from

    try:
        output, _ = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        return EnvironmentFacts(error="envfacts.py did not answer in 120 s")
    last = output.strip().splitlines()[-1:]
    if process.returncode != 0 or not last:
        return EnvironmentFacts(error=output[-1000:])
    try:
        return environment_from(load_json(last[0], "envfacts.py's answer"))
    except (WoaportError, KeyError, TypeError, AttributeError, ValueError):
        # the interpreter under test runs envfacts.py: whatever it printed is untrusted
        return EnvironmentFacts(error=output[-1000:])


def _benchmark(text: str) -> Benchmark | None:
    from woaport.documents.contract_report import Benchmark

    try:
        return Benchmark.from_json(load_json(text, "benchmark step"), "benchmark step")
    except WoaportError:
        return None  # the step printed something else after the marker: no figures


def run_contract(
    request: RunRequest,
    progress: Callable[[str], None] = lambda _: None,
    *,
    workspace: venv.Workspace | None = None,
) -> ContractReport:
    """Run ``request``'s contract against its wheels in a fresh environment. A caller that
    made the ``workspace`` early (`venv.workspace`) has its environment created while it was
    loading the contract; it is closed here either way."""
    contract = request.contract
    if workspace is None:
        workspace = venv.workspace(
            base_python=request.python, installer=request.installer, parent=request.work_parent
        )
    root = workspace.root
    try:
        (root / "staged").mkdir()
        artifacts = resolve_artifacts(
            contract, request.wheels, root / "staged", request.staged, request.extra_stage
        )
        started = utc_now()
        outcome = _execute(request, artifacts, workspace, progress)
        from woaport.devicequeue.manifest import record
        from woaport.documents.contract_report import REPORT_VERSION, ContractRef, ContractReport

        return ContractReport(
            report_version=REPORT_VERSION,
            woaport_version=__version__,
            contract=ContractRef(
                smoke_test_id=contract.smoke_test_id,
                package=contract.package,
                sha256=contract.sha256,
                source=contract.source,
            ),
            mode=request.mode,
            artifacts=tuple(record(a) for a in artifacts),
            environment=outcome.environment,
            installer=workspace.installer,
            install=outcome.install,
            verification=outcome.verification,
            steps=tuple(outcome.steps),
            verdict=ContractReport.judge(outcome.install, outcome.verification, outcome.steps),
            started=started,
            finished=utc_now(),
            workdir=str(root) if request.keep else None,
        )
    finally:
        workspace.close(keep=request.keep)


@dataclass(kw_only=True)
class _Outcome:
    install: InstallOutcome
    environment: EnvironmentFacts
    verification: Verification | None = None
    steps: list[StepResult] = field(default_factory=list)


def _execute(
    request: RunRequest,
    artifacts: list[Artifact],
    workspace: venv.Workspace,
    progress: Callable[[str], None],
) -> _Outcome:
    contract = request.contract
    work, logs = workspace.root / "work", workspace.root / "logs"
    work.mkdir()
    logs.mkdir()
    progress(f"creating a fresh environment with {workspace.installer} ({request.python})")
    environment, created = workspace.creation.wait()
    if environment is None:
        from woaport.documents.contract_report import EnvironmentFacts, InstallOutcome

        return _Outcome(
            install=InstallOutcome(
                ok=False,
                duration_seconds=round(created.duration, 3),
                output=created.output[-4000:],
                stage="create",
            ),
            environment=EnvironmentFacts(),
        )
    env = contract_environment(os.environ, contract.env)
    env["PATH"] = os.pathsep.join([str(venv.scripts_dir(environment.root)), env.get("PATH", "")])
    env["VIRTUAL_ENV"] = str(environment.root)
    facts = begin_facts(environment, env)
    steps = StepRunner(environment, work, logs, env, contract.folder, request.ledger)
    try:
        return _install_and_run(request, artifacts, environment, steps, facts, created, progress)
    finally:
        steps.close()


def _install_and_run(
    request: RunRequest,
    artifacts: list[Artifact],
    environment: venv.Environment,
    steps: StepRunner,
    facts: Callable[[], EnvironmentFacts],
    created: venv.Outcome,
    progress: Callable[[str], None],
) -> _Outcome:
    contract = request.contract
    running = [step for step in contract.steps if step.runs_in(request.mode)]
    if running:
        steps.prepare()  # the first step's host starts during the install
    requirements = [f"{a.name.name} @ {a.path.as_uri()}" for a in artifacts]
    requirements += list(contract.requires)
    if any(s.kind == "pytest" for s in running) and not any(
        canonicalize_name(re.split(r"[\s<>=!~;\[@]", r, maxsplit=1)[0]) == "pytest"
        for r in contract.requires
    ):
        requirements.append("pytest")
    progress(
        f"installing {', '.join(a.filename for a in artifacts)}"
        + (f" + {len(contract.requires)} requirement(s)" if contract.requires else "")
    )
    installing = venv.begin_install(environment, requirements, index_url=request.index_url)
    try:
        environment_facts = facts()
    except BaseException:
        installing.cancel()
        raise
    installed = installing.wait()
    from woaport.documents.contract_report import InstallOutcome, StepResult, StepStatus

    outcome = _Outcome(
        environment=environment_facts,
        install=InstallOutcome(
            ok=installed.ok,
            duration_seconds=round(created.duration + installed.duration, 3),
            requirements=tuple(requirements),
            output=installed.output[-4000:] if not installed.ok else "",
        ),
    )
    if not installed.ok:
        return outcome
    under_test = next(a for a in artifacts if a.role is Role.UNDER_TEST)
    outcome.verification = verify_installed(environment, under_test)
    if not outcome.verification.ok:
        return outcome
    for step in contract.steps:
        if not step.runs_in(request.mode):
            outcome.steps.append(
                StepResult(
                    step_id=step.step_id,
                    kind=step.kind,
                    status=StepStatus.SKIPPED,
                    detail=f"not run in {request.mode} mode",
                )
            )
            continue
        progress(f"step {step.step_id} ({step.kind}) ...")
        result = steps.run(step, more=step is not running[-1])
        progress(f"step {step.step_id}: {result.status} in {result.duration_seconds:.2f}s")
        outcome.steps.append(result)
    return outcome
