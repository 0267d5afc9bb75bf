"""The contract runner: the exact artifact, a fresh environment, the same smoke test.

``run_contract`` installs the wheel under test from its file only (a ``name @ file://``
requirement, so an installer can never take it from the index), proves afterwards that
the installed distribution *is* that file (version, ``direct_url.json``, and every RECORD
hash), then runs each step as a subprocess of the environment's interpreter, from an empty
working directory, with a scrubbed environment and a per-step timeout that kills the whole
process tree.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from woaport import __version__, procs, venv
from woaport.contract import Contract, Mode, StageRef, Step
from woaport.errors import BadInput
from woaport.http import download, make_session, sha256_file
from woaport.report import Annotation, Line, Style
from woaport.wheelfile import WheelName, parse_record, parse_wheel_name

SECRET = re.compile(r"(^GITHUB_TOKEN$|^WOAPORT_TOKEN$|_TOKEN$|_SECRET$|_PASSWORD$)", re.IGNORECASE)
# Variables that would make the step import something other than the installed wheel.
LEAKY = (
    "PYTHONPATH",
    "PYTHONHOME",
    "PYTHONSTARTUP",
    "PYTHONUSERBASE",
    "VIRTUAL_ENV",
    "PYTHONSAFEPATH",
)
BENCH_MARKER = "__woaport_benchmark__ "

VERIFY_SCRIPT = r"""
import base64, hashlib, json, sys
import importlib.metadata as md
d = md.distribution(sys.argv[1])
files = {}
for f in d.files or []:
    try:
        data = d.locate_file(f).read_bytes()
    except OSError:
        continue
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    files[str(f).replace("\\", "/")] = "sha256=" + digest
direct = d.read_text("direct_url.json")
print(json.dumps({
    "name": d.metadata["Name"], "version": d.version, "files": files,
    "direct_url": json.loads(direct) if direct else None,
    "location": str(d.locate_file("")),
}))
"""

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


def scrubbed_environment(base: dict[str, str], extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in base.items() if not SECRET.search(k) and k not in LEAKY}
    env.update(extra)
    env["PYTHONNOUSERSITE"] = "1"
    env["PYTHONFAULTHANDLER"] = "1"  # a segfault prints the Python stack
    env["PYTHONIOENCODING"] = "utf-8"
    env.setdefault("PIP_DISABLE_PIP_VERSION_CHECK", "1")
    return env


@dataclass(frozen=True, kw_only=True)
class Artifact:
    path: Path
    name: WheelName
    sha256: str
    role: str  # "under-test", "extra" or "staged"
    size: int = -1

    def __post_init__(self) -> None:
        if self.size < 0:
            object.__setattr__(self, "size", self.path.stat().st_size)

    def to_json(self) -> dict[str, Any]:
        return {
            "filename": self.path.name,
            "sha256": self.sha256,
            "size": self.size,
            "role": self.role,
            "name": self.name.name,
            "version": self.name.version,
        }


@dataclass(kw_only=True)
class StepResult:
    step_id: str
    kind: str
    status: str
    detail: str = ""
    duration: float = 0.0
    returncode: int | None = None
    output_tail: str = ""
    benchmark: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        data = {
            "step_id": self.step_id,
            "kind": self.kind,
            "status": self.status,
            "detail": self.detail,
            "duration_seconds": round(self.duration, 4),
            "returncode": self.returncode,
            "output_tail": self.output_tail,
        }
        if self.benchmark is not None:
            data["benchmark"] = self.benchmark
        return data


@dataclass(kw_only=True)
class RunReport:
    contract: Contract
    mode: Mode
    artifacts: list[Artifact]
    started: str
    finished: str = ""
    installer: str = ""
    environment: dict[str, Any] = field(default_factory=dict)
    install: dict[str, Any] = field(default_factory=dict)
    verification: dict[str, Any] = field(default_factory=dict)
    steps: list[StepResult] = field(default_factory=list)
    workdir: str | None = None

    @property
    def verdict(self) -> str:
        if not self.install.get("ok") or not self.verification.get("ok"):
            return "fail"
        if any(s.status not in ("passed", "skipped") for s in self.steps):
            return "fail"
        return "pass"

    @property
    def exit_code(self) -> int:
        return 0 if self.verdict == "pass" else 1

    def to_json(self) -> dict[str, Any]:
        return {
            "report_version": 1,
            "woaport_version": __version__,
            "contract": {
                "smoke_test_id": self.contract.smoke_test_id,
                "package": self.contract.package,
                "sha256": self.contract.sha256,
                "source": self.contract.source,
            },
            "mode": self.mode,
            "artifacts": [a.to_json() for a in self.artifacts],
            "environment": self.environment,
            "installer": self.installer,
            "install": self.install,
            "verification": self.verification,
            "steps": [s.to_json() for s in self.steps],
            "verdict": self.verdict,
            "started": self.started,
            "finished": self.finished,
            "workdir": self.workdir,
        }

    # -- Reportable ---------------------------------------------------------------------
    def text_lines(self) -> Iterator[Line]:
        c = self.contract
        yield Line(
            text=f"contract {c.smoke_test_id} (sha256 {c.sha256[:12]}) in {self.mode} mode",
            style="heading",
        )
        for a in self.artifacts:
            yield Line(text=f"  {a.role:<10} {a.path.name}  sha256 {a.sha256[:16]}")
        e = self.environment
        if e:
            py = e.get("python", {})
            emulated = {True: "EMULATED", False: "native", None: "emulation unknown"}[
                e.get("emulated")
            ]
            build = f" build {e['os_build']}" if e.get("os_build") else ""
            yield Line(
                text=f"  on {e.get('os')} {e.get('os_release')}{build}, "
                f"{e.get('interpreter_machine')} python {py.get('version')} "
                f"({py.get('sysconfig_platform')}, {emulated}), "
                f"CPU {e.get('cpu') or 'unknown'}",
                style="warning" if e.get("emulated") else "",
            )
        ok = self.install.get("ok")
        yield Line(
            text=f"  install ({self.installer}): {'ok' if ok else 'FAILED'} "
            f"{self.install.get('duration_seconds', 0):.1f}s",
            style="" if ok else "error",
        )
        if not ok and self.install.get("output"):
            for line in str(self.install["output"]).strip().splitlines()[-15:]:
                yield Line(text=f"      | {line}", style="dim")
        if self.verification:
            v_ok = self.verification.get("ok")
            yield Line(
                text=f"  verified: {self.verification.get('summary', '')}",
                style="" if v_ok else "error",
            )
            for problem in self.verification.get("problems", [])[:10]:
                yield Line(text=f"      | {problem}", style="error")
        for s in self.steps:
            style: Style = {"passed": "ok", "skipped": "dim"}.get(s.status, "error")  # type: ignore[assignment]
            bench = ""
            if s.benchmark:
                bench = f"  median {s.benchmark['median'] * 1e3:.3f} ms"
            yield Line(
                text=f"  {s.status.upper():<8} {s.step_id:<36} {s.duration:6.2f}s  "
                f"{s.detail}{bench}",
                style=style,
            )
            if s.status not in ("passed", "skipped") and s.output_tail:
                for line in s.output_tail.rstrip().splitlines()[-20:]:
                    yield Line(text=f"      | {line}", style="dim")
        yield Line(
            text=f"verdict: {self.verdict.upper()}",
            style="ok" if self.verdict == "pass" else "error",
        )

    def markdown(self) -> str:
        c = self.contract
        icon = ":white_check_mark:" if self.verdict == "pass" else ":x:"
        rows = [
            f"### {icon} woaport contract `{c.smoke_test_id}` ({self.mode})",
            "",
            "| artifact | sha256 |",
            "| --- | --- |",
            *[f"| `{a.path.name}` | `{a.sha256[:16]}…` |" for a in self.artifacts],
            "",
            f"Environment: {self.environment.get('os')} {self.environment.get('os_release')}, "
            f"{self.environment.get('interpreter_machine')} python "
            f"{self.environment.get('python', {}).get('version')}, "
            f"emulated: {self.environment.get('emulated')}; installer: {self.installer}; "
            f"install: {'ok' if self.install.get('ok') else 'failed'}; "
            f"verified: {self.verification.get('summary', 'not checked')}",
            "",
            "| step | kind | status | seconds | detail |",
            "| --- | --- | --- | --- | --- |",
        ]
        for s in self.steps:
            rows.append(
                f"| `{s.step_id}` | {s.kind} | {s.status} | {s.duration:.2f} "
                f"| {s.detail.replace('|', '/')} |"
            )
        return "\n".join(rows)

    def annotations(self) -> Iterator[Annotation]:
        title = f"contract {self.contract.smoke_test_id}"
        if not self.install.get("ok"):
            yield Annotation(level="error", title=title, message="installing the artifact failed")
        elif not self.verification.get("ok"):
            yield Annotation(
                level="error", title=title, message=str(self.verification.get("summary"))
            )
        for s in self.steps:
            if s.status not in ("passed", "skipped"):
                last = s.output_tail.strip().splitlines()[-1:] or [""]
                yield Annotation(
                    level="error",
                    file=self.contract.source or None,
                    title=f"{title}: step {s.step_id} {s.status}",
                    message=f"{s.detail}. {last[0]}".strip(),
                )


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


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def resolve_artifacts(
    contract: Contract,
    wheels: tuple[Path, ...],
    staging: Path,
    staged: tuple[Path, ...] | None = None,
    extra_stage: tuple[StageRef, ...] = (),
) -> list[Artifact]:
    """The wheels to install, checked against the contract before anything is created."""
    artifacts = []
    for path in wheels:
        if not path.is_file():
            raise BadInput(f"--wheel {path}: no such file; pass the built .whl")
        name = parse_wheel_name(path)
        role = (
            "under-test"
            if canonicalize_name(name.name) == canonicalize_name(contract.package)
            else "extra"
        )
        artifacts.append(
            Artifact(path=path.resolve(), name=name, sha256=sha256_file(path), role=role)
        )
    under_test = [a for a in artifacts if a.role == "under-test"]
    if not under_test:
        names = ", ".join(a.path.name for a in artifacts)
        raise BadInput(
            f"none of the wheels ({names}) is {contract.package!r}, "
            f"the package contract {contract.smoke_test_id} tests"
        )
    if len(under_test) > 1:
        raise BadInput(
            f"{len(under_test)} wheels of {contract.package} given; "
            "pass exactly one, built for this interpreter"
        )
    wheel = under_test[0]
    if contract.version is not None and not contract.version.contains(
        wheel.name.version, prereleases=True
    ):
        raise BadInput(
            f"{wheel.path.name}: version {wheel.name.version} does not satisfy the contract's "
            f"version {contract.version}; refusing to test another release than the contract names"
        )
    if staged is None:
        artifacts += _stage(contract.stage + extra_stage, contract.folder, staging)
    else:
        for path in staged:
            artifacts.append(
                Artifact(
                    path=path.resolve(),
                    name=parse_wheel_name(path),
                    sha256=sha256_file(path),
                    role="staged",
                )
            )
    return artifacts


def _stage(refs: tuple[StageRef, ...], base: Path, staging: Path) -> list[Artifact]:
    staged = []
    session = None
    for ref in refs:
        if ref.is_url:
            session = session or make_session()
            filename = ref.wheel.rstrip("/").rpartition("/")[2].partition("#")[0]
            path = download(session, ref.wheel, staging / filename, sha256=ref.sha256)
        else:
            path = _local_stage(base, ref.wheel)
        digest = sha256_file(path)
        if ref.sha256 and digest != ref.sha256:
            raise BadInput(
                f"stage: {path.name} has sha256 {digest}, the contract pins {ref.sha256}"
            )
        staged.append(
            Artifact(path=path, name=parse_wheel_name(path), sha256=digest, role="staged")
        )
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


def verify_installed(environment: venv.Environment, wheel: Artifact) -> dict[str, Any]:
    """Prove the installed distribution is the artifact: version, origin and RECORD hashes."""
    outcome = venv._run([str(environment.python), "-c", VERIFY_SCRIPT, wheel.name.name])
    if not outcome.ok:
        return {
            "ok": False,
            "summary": f"{wheel.name.name} is not installed",
            "problems": [outcome.output.strip()[-2000:]],
        }
    installed = json.loads(outcome.output.strip().splitlines()[-1])
    problems = []
    if installed["version"] != wheel.name.version:
        problems.append(f"installed version {installed['version']}, artifact {wheel.name.version}")
    url = (installed.get("direct_url") or {}).get("url")
    if url != wheel.path.as_uri():
        problems.append(f"installed from {url or 'the index'}, not from {wheel.path.as_uri()}")
    with zipfile.ZipFile(wheel.path) as zf:
        record_name = next((n for n in zf.namelist() if n.endswith(".dist-info/RECORD")), None)
        entries = (
            parse_record(zf.read(record_name).decode("utf-8", "replace")) if record_name else {}
        )
    files = installed["files"]
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
        f"installed {installed['name']} {installed['version']} is the artifact "
        f"({checked} files match RECORD)"
        if not problems
        else f"installed {wheel.name.name} is NOT the artifact ({len(problems)} problem(s))"
    )
    return {"ok": not problems, "summary": summary, "problems": problems, "files_checked": checked}


class StepRunner:
    def __init__(
        self, environment: venv.Environment, work: Path, logs: Path, env: dict[str, str], base: Path
    ):
        self.environment = environment
        self.work = work
        self.logs = logs
        self.env = env
        self.base = base  # the contract file's folder, for relative pytest paths

    def argv(self, step: Step) -> list[str]:
        python = str(self.environment.python)
        spec = step.spec
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

    def run(self, step: Step) -> StepResult:
        try:
            argv = self.argv(step)
        except FileNotFoundError as exc:
            return StepResult(step_id=step.step_id, kind=step.kind, status="error", detail=str(exc))
        result = procs.run(
            argv,
            cwd=self.work,
            env=self.env,
            timeout=step.timeout,
            log=self.logs / f"{step.step_id}.log",
        )
        status, detail = result.status()
        benchmark = None
        if step.kind == "benchmark":
            for line in result.output_tail.splitlines():
                if line.startswith(BENCH_MARKER):
                    benchmark = json.loads(line[len(BENCH_MARKER) :])
        return StepResult(
            step_id=step.step_id,
            kind=step.kind,
            status=status,
            detail=detail,
            duration=result.duration,
            returncode=result.returncode,
            output_tail=result.output_tail,
            benchmark=benchmark,
        )


def run_contract(
    request: RunRequest, progress: Callable[[str], None] = lambda _: None
) -> RunReport:
    contract = request.contract
    installer, uv = venv.choose_installer(request.installer)
    if request.work_parent is not None:
        request.work_parent.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="woaport-run-", dir=request.work_parent))
    try:
        (root / "staged").mkdir()
        artifacts = resolve_artifacts(
            contract, request.wheels, root / "staged", request.staged, request.extra_stage
        )
        report = RunReport(
            contract=contract,
            mode=request.mode,
            artifacts=artifacts,
            started=_now(),
            installer=installer,
        )
        report.workdir = str(root) if request.keep else None
        _execute(request, report, root, installer, uv, progress)
        report.finished = _now()
        return report
    finally:
        if not request.keep:
            shutil.rmtree(root, ignore_errors=True)


def _execute(
    request: RunRequest,
    report: RunReport,
    root: Path,
    installer: venv.Installer,
    uv: str | None,
    progress: Callable[[str], None],
) -> None:
    contract = request.contract
    work, logs = root / "work", root / "logs"
    work.mkdir()
    logs.mkdir()
    progress(f"creating a fresh environment with {installer} ({request.python})")
    environment, created = venv.create(
        root / "env", base_python=request.python, installer=installer, uv=uv
    )
    if environment is None:
        report.install = {
            "ok": False,
            "duration_seconds": created.duration,
            "output": created.output[-4000:],
            "stage": "create",
        }
        return
    facts = venv._run([str(environment.python), str(Path(__file__).with_name("envfacts.py"))])
    report.environment = (
        json.loads(facts.output.strip().splitlines()[-1])
        if facts.ok
        else {"error": facts.output[-1000:]}
    )
    requirements = [f"{a.name.name} @ {a.path.as_uri()}" for a in report.artifacts]
    requirements += list(contract.requires)
    if any(s.kind == "pytest" and s.runs_in(request.mode) for s in contract.steps) and not any(
        canonicalize_name(re.split(r"[\s<>=!~;\[@]", r, maxsplit=1)[0]) == "pytest"
        for r in contract.requires
    ):
        requirements.append("pytest")
    progress(
        f"installing {', '.join(a.path.name for a in report.artifacts)}"
        + (f" + {len(contract.requires)} requirement(s)" if contract.requires else "")
    )
    installed = venv.install(environment, requirements, index_url=request.index_url)
    report.install = {
        "ok": installed.ok,
        "duration_seconds": round(created.duration + installed.duration, 3),
        "requirements": requirements,
        "output": installed.output[-4000:] if not installed.ok else "",
    }
    if not installed.ok:
        return
    under_test = next(a for a in report.artifacts if a.role == "under-test")
    report.verification = verify_installed(environment, under_test)
    if not report.verification["ok"]:
        return
    env = scrubbed_environment(dict(os.environ), contract.env)
    env["PATH"] = os.pathsep.join([str(venv.scripts_dir(environment.root)), env.get("PATH", "")])
    env["VIRTUAL_ENV"] = str(environment.root)
    steps = StepRunner(environment, work, logs, env, contract.folder)
    for step in contract.steps:
        if not step.runs_in(request.mode):
            report.steps.append(
                StepResult(
                    step_id=step.step_id,
                    kind=step.kind,
                    status="skipped",
                    detail=f"not run in {request.mode} mode",
                )
            )
            continue
        progress(f"step {step.step_id} ({step.kind}) ...")
        result = steps.run(step)
        progress(f"step {step.step_id}: {result.status} in {result.duration:.2f}s")
        report.steps.append(result)
