"""`woaport upstream`: hand the port back to the package's own maintainers.

* :func:`patch`: add a Windows-on-Arm lane to the package's *own* wheel workflow with the
  smallest diff that keeps its style. The file is never re-serialised: PyYAML's composer
  tells where things are (line and column of every node), and the edit is text inserted at
  those places, so comments, quoting, indentation and pins stay as they were. Strategies,
  tried in order on the wheel workflow (the file that runs cibuildwheel or maturin-action):

  - ``matrix-os``: a job whose ``runs-on`` comes from the matrix and whose matrix lists a
    Windows runner as a plain value (``os: [ubuntu-latest, windows-latest]``) gets
    ``windows-11-arm`` beside it. cibuildwheel's default ``archs: auto`` is the runner's
    native architecture, so on ``windows-11-arm`` it builds ARM64
    (https://cibuildwheel.pypa.io/en/stable/options/#archs).
  - ``matrix-entry``: a matrix entry for a Windows x64 runner (an ``include`` mapping, a
    flow mapping, or a row like ``[windows-2019, win_amd64, ""]``) is copied right after
    itself with the runner, architecture and target rewritten (``x86_64-pc-windows-msvc``
    -> ``aarch64-pc-windows-msvc``, the maturin-action target for Windows on Arm,
    https://github.com/PyO3/maturin-action#inputs).
  - ``dynamic-matrix``: a job that builds its matrix with
    ``cibuildwheel --print-build-identifiers --platform windows ... "os": "windows-..."``
    gets the same command for ``--archs ARM64`` on ``windows-11-arm``.
  - ``new-job``: otherwise one job is appended to the workflow, in its own indentation,
    reusing the file's own pinned ``uses:`` references.
  - ``new-workflow``: a project without a wheel workflow gets a minimal one.

* :func:`pull_request_state`: open / merged / closed, read through the API.
* :func:`read_evidence`: the documents a pull request body is made of (rendered by
  :mod:`woaport.views.upstream`).
"""

from __future__ import annotations

import difflib
import enum
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from woaport import limits
from woaport.bounded import compose_yaml, load_json, read_json, read_text
from woaport.documents.facts import PullState
from woaport.errors import BadInput, WoaportError
from woaport.files import write_atomic
from woaport.github import GitHub

RUNNER = "windows-11-arm"
MAX_WORKFLOW_BYTES = limits.MAX_WORKFLOW_BYTES
NEW_WORKFLOW = Path(".github/workflows/wheels-windows-arm64.yml")
WORKFLOWS = Path(".github/workflows")
# Windows x64 runner labels (https://github.com/actions/runner-images#available-images).
WINDOWS_RUNNER = re.compile(r"\bwindows-(?:latest|20\d\d)\b")
CIBW_USES = re.compile(r"^(?:pypa|joerick)/cibuildwheel@", re.IGNORECASE)
MATURIN_USES = re.compile(r"^(?:PyO3|messense)/maturin-action@", re.IGNORECASE)
# In a copied Windows x64 entry: what names the architecture, and what it becomes.
REWRITES: tuple[tuple[re.Pattern[str], str], ...] = (
    (WINDOWS_RUNNER, RUNNER),
    (re.compile(r"\bx86_64-pc-windows-msvc\b"), "aarch64-pc-windows-msvc"),
    (re.compile(r"\bwin_amd64\b"), "win_arm64"),
    (re.compile(r"\bAMD64\b"), "ARM64"),
    (re.compile(r"\bamd64\b"), "arm64"),
    (re.compile(r"\bx64\b"), "arm64"),
    (re.compile(r"\bx86_64\b"), "aarch64"),
)
NOT_X64 = re.compile(r"\b(?:win32|i686|x86|pypy[0-9.]*|pp3\d+)\b(?!_64)", re.IGNORECASE)


class Strategy(enum.StrEnum):
    ALREADY = "already-there"
    MATRIX_OS = "matrix-os"
    MATRIX_ENTRY = "matrix-entry"
    DYNAMIC_MATRIX = "dynamic-matrix"
    NEW_JOB = "new-job"
    NEW_WORKFLOW = "new-workflow"


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Build settings the fork needed, carried into the upstream lane."""

    environment: tuple[str, ...] = ()  # KEY=VALUE, as the fork's `cibw-environment`
    submodules: bool = False

    def __post_init__(self) -> None:
        for line in self.environment:
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", line):
                raise BadInput(f"--env {line!r}: write KEY=VALUE (one setting per option)")


@dataclass(frozen=True, kw_only=True)
class Validation:
    tool: str
    ok: bool
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"tool": self.tool, "ok": self.ok, "detail": self.detail}


@dataclass(frozen=True, kw_only=True)
class PatchResult:
    path: Path
    strategy: Strategy
    before: str
    after: str
    job: str | None
    notes: tuple[str, ...] = ()
    validations: tuple[Validation, ...] = ()

    @property
    def changed(self) -> bool:
        return self.before != self.after

    @property
    def ok(self) -> bool:
        return all(v.ok for v in self.validations)

    def diff(self) -> str:
        name = self.path.as_posix()
        return "".join(
            difflib.unified_diff(
                self.before.splitlines(keepends=True),
                self.after.splitlines(keepends=True),
                fromfile=f"a/{name}" if self.before else "/dev/null",
                tofile=f"b/{name}",
            )
        )

    def summary(self) -> PatchSummary:
        return PatchSummary(
            path=self.path.as_posix(), strategy=self.strategy, diff=self.diff(), notes=self.notes
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path.as_posix(),
            "strategy": str(self.strategy),
            "job": self.job,
            "changed": self.changed,
            "diff": self.diff(),
            "notes": list(self.notes),
            "validations": [v.to_json() for v in self.validations],
            "ok": self.ok,
        }


@dataclass(frozen=True, kw_only=True)
class PatchSummary:
    """What a pull request says about the patch: where, how, the diff, what to review."""

    path: str
    strategy: Strategy
    diff: str
    notes: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return bool(self.diff)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "strategy": str(self.strategy),
            "diff": self.diff,
            "notes": list(self.notes),
        }

    @classmethod
    def load(cls, path: Path) -> PatchSummary:
        """The JSON `woaport upstream patch --json` printed."""
        data = _load_json(path, "patch report")
        try:
            return cls(
                path=str(data["path"]),
                strategy=Strategy(data["strategy"]),
                diff=str(data["diff"])[:MAX_DOCUMENT_BYTES],
                notes=tuple(str(n) for n in data.get("notes", [])),
            )
        except (KeyError, ValueError, TypeError):
            raise BadInput(
                f"{path}: not a patch report; pass what `woaport upstream patch --json` printed"
            ) from None


# -- reading a workflow's shape -------------------------------------------------------------
@dataclass(frozen=True)
class _Doc:
    text: str
    lines: list[str]
    root: yaml.MappingNode


def _read_workflow(path: Path) -> str:
    """A workflow file of the checkout: UTF-8 text of at most MAX_WORKFLOW_BYTES (its size is
    checked before it is read: a checkout may hold anything under that name)."""
    return read_text(path, MAX_WORKFLOW_BYTES, str(path), BadInput)


def _compose(text: str, where: str) -> _Doc:
    if len(text) > MAX_WORKFLOW_BYTES:
        raise BadInput(f"{where}: larger than {MAX_WORKFLOW_BYTES} bytes; not a workflow")
    root = compose_yaml(text, where, error=BadInput)
    if not isinstance(root, yaml.MappingNode):
        raise BadInput(f"{where}: not a workflow (the top level is not a mapping)")
    return _Doc(text=text, lines=text.splitlines(keepends=True), root=root)


def _get(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                found: yaml.Node = v
                return found
    return None


def _items(node: yaml.Node | None) -> list[tuple[yaml.ScalarNode, yaml.Node]]:
    if isinstance(node, yaml.MappingNode):
        return [(k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)]
    return []


def _scalars(node: yaml.Node) -> list[str]:
    if isinstance(node, yaml.ScalarNode):
        return [str(node.value)]
    if isinstance(node, yaml.SequenceNode):
        return [s for child in node.value for s in _scalars(child)]
    if isinstance(node, yaml.MappingNode):
        return [s for k, v in node.value for s in (*_scalars(k), *_scalars(v))]
    return []


def _steps(job: yaml.Node) -> list[yaml.Node]:
    steps = _get(job, "steps")
    return list(steps.value) if isinstance(steps, yaml.SequenceNode) else []


def _scalar(node: yaml.Node | None) -> str:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else ""


def _job_tool(job: yaml.Node) -> str | None:
    """'cibuildwheel' or 'maturin' when this job builds wheels with one of them."""
    for step in _steps(job):
        uses = _scalar(_get(step, "uses"))
        if CIBW_USES.match(uses):
            return "cibuildwheel"
        if MATURIN_USES.match(uses):
            command = _scalar(_get(_get(step, "with"), "command"))
            if command in ("", "build"):
                return "maturin"
        run = _scalar(_get(step, "run"))
        if re.search(r"\bcibuildwheel\b(?![^\n]*--print-build-identifiers)", run):
            return "cibuildwheel"
    return None


def last_line(lines: list[str], node: yaml.Node) -> int:
    """The last line (0-based) that holds ``node``'s own text, comments and blank lines
    after it left out. A block collection's end mark lies at the start of whatever follows
    (even on the next item's ``- `` line), so the end comes from its last scalar."""
    while (
        isinstance(node, yaml.MappingNode | yaml.SequenceNode)
        and node.value
        and not node.flow_style
    ):
        last = node.value[-1]
        node = last[1] if isinstance(last, tuple) else last
    end = node.end_mark.line if node.end_mark.column > 0 else node.end_mark.line - 1
    end = max(min(end, len(lines) - 1), node.start_mark.line)
    while end > node.start_mark.line and (
        not lines[end].strip() or lines[end].lstrip().startswith("#")
    ):
        end -= 1
    return end


def _end_line(doc: _Doc, node: yaml.Node) -> int:
    return last_line(doc.lines, node)


def _rewrite(text: str) -> str:
    for pattern, replacement in REWRITES:
        text = pattern.sub(replacement, text)
    return text


def _matrix_lists(matrix: yaml.Node) -> list[tuple[str, yaml.SequenceNode]]:
    """(key, list) for every list in the matrix, include included, exclude left out."""
    found = []
    for key, value in _items(matrix):
        if key.value == "exclude":
            continue
        if isinstance(value, yaml.SequenceNode):
            found.append((str(key.value), value))
    return found


def _windows_pick(items: list[yaml.Node]) -> yaml.Node | None:
    """The entry for a Windows x64 runner: the first that names one, x64 ones first."""
    windows = [i for i in items if any(WINDOWS_RUNNER.search(s) for s in _scalars(i))]
    x64 = [i for i in windows if not any(NOT_X64.search(s) for s in _scalars(i))]
    if x64:
        return x64[0]
    return windows[0] if windows else None


# -- strategies ------------------------------------------------------------------------------
@dataclass
class _Edit:
    strategy: Strategy
    job: str | None
    after_line: int = -1  # insert ``lines`` after this line (0-based)
    lines: list[str] = field(default_factory=list)
    inline: tuple[int, int, str] | None = None  # (line, column, text) for flow lists
    notes: list[str] = field(default_factory=list)


def _matrix_edit(doc: _Doc, name: str, job: yaml.Node) -> _Edit | None:
    runs_on = " ".join(
        _scalars(_get(job, "runs-on") or yaml.ScalarNode("tag:yaml.org,2002:str", ""))
    )
    matrix = _get(_get(job, "strategy"), "matrix")
    if matrix is None or "matrix." not in runs_on:
        return None
    for _key, seq in _matrix_lists(matrix):
        pick = _windows_pick(list(seq.value))
        if pick is None:
            continue
        if isinstance(pick, yaml.ScalarNode):
            source = doc.lines[pick.start_mark.line]
            if seq.flow_style:
                raw = source[pick.start_mark.column : pick.end_mark.column]
                return _Edit(
                    Strategy.MATRIX_OS,
                    name,
                    inline=(pick.end_mark.line, pick.end_mark.column, ", " + _rewrite(raw)),
                )
            return _Edit(
                Strategy.MATRIX_OS, name, after_line=pick.start_mark.line, lines=[_rewrite(source)]
            )
        # A mapping or a row: copy its lines (from its "- " line to its last line).
        flow = bool(getattr(pick, "flow_style", False))
        if pick.start_mark.line != pick.end_mark.line and flow:
            continue  # a flow entry over several lines: too rare to rewrite safely
        first = pick.start_mark.line
        last = pick.start_mark.line if flow else _end_line(doc, pick)
        block = doc.lines[first : last + 1]
        if not block[-1].endswith("\n"):
            block[-1] += "\n"
        copy = [_rewrite(line) for line in block]
        return _Edit(Strategy.MATRIX_ENTRY, name, after_line=last, lines=copy)
    return None


DYNAMIC_OS = re.compile(r'"os":\s*"windows-[A-Za-z0-9.-]+"')


def _dynamic_edit(doc: _Doc, name: str, job: yaml.Node) -> _Edit | None:
    for step in _steps(job):
        run = _get(step, "run")
        if not isinstance(run, yaml.ScalarNode) or "--platform windows" not in str(run.value):
            continue
        for index in range(run.start_mark.line, min(run.end_mark.line + 1, len(doc.lines))):
            if "--platform windows" not in doc.lines[index]:
                continue
            end = next(
                (
                    j
                    for j in range(index, min(index + 4, len(doc.lines)))
                    if DYNAMIC_OS.search(doc.lines[j])
                ),
                None,
            )
            if end is None or not doc.lines[index].lstrip().startswith("&&"):
                return None
            block = doc.lines[index : end + 1]
            copy = []
            for line in block:
                line = DYNAMIC_OS.sub(f'"os": "{RUNNER}"', line)
                if "--platform windows" in line:
                    if re.search(r"--archs[ =]\S+", line):
                        line = re.sub(r"--archs([ =])\S+", r"--archs\1ARM64", line)
                    else:
                        line = line.replace(
                            "--platform windows", "--platform windows --archs ARM64"
                        )
                copy.append(line)
            if not copy[-1].rstrip("\n").endswith("\\"):
                copy[-1] = copy[-1].rstrip("\n") + " \\\n"
            return _Edit(Strategy.DYNAMIC_MATRIX, name, after_line=index - 1, lines=copy)
    return None


# The references a new job or workflow uses when the file has none of its own, and the oldest
# major of the file's own that it may reuse: GitHub removed the Node 20 runtime from its
# runners in September 2026 (https://github.blog/changelog/2025-09-19-deprecation-of-node-20-
# on-github-actions-runners/), and actions/checkout v5, actions/setup-python v6 and
# actions/upload-artifact v6 are the first majors that run on Node 24 (actionlint flags the
# ones before). cibuildwheel's and maturin-action's actions are composite: no Node runtime.
NODE24_ACTIONS = {
    "actions/checkout": ("actions/checkout@v7", 5),
    "actions/setup-python": ("actions/setup-python@v7", 6),
    "actions/upload-artifact": ("actions/upload-artifact@v7", 6),
}
_MAJOR = re.compile(r"@v(\d+)\b|#\s*v(\d+)\b")


def _uses_ref(doc: _Doc, pattern: str, default: str | None = None) -> str:
    """The file's own reference for an action (``actions/checkout@<sha> # v4``), so the
    new job pins the way the rest of the file does; unless it names a major that runs on
    the Node 20 runtime GitHub's runners no longer have. Otherwise ``default``, by default
    the action's NODE24_ACTIONS reference."""
    default = default or NODE24_ACTIONS[pattern][0]
    match = re.search(rf"uses:[ \t]*({pattern}@[^\s#]+(?:[ \t]+#.*)?)$", doc.text, re.MULTILINE)
    if match is None:
        return default
    found = match[1].rstrip()
    action = found.split("@", 1)[0].lower()
    oldest = NODE24_ACTIONS.get(action, ("", 0))[1]
    major = _MAJOR.search(found)
    if major is not None and int(major[1] or major[2]) < oldest:
        return default
    return found


def _indents(doc: _Doc, jobs: yaml.MappingNode) -> tuple[int, int, int]:
    """(job key column, one indentation step, extra indentation of a step's "- ")."""
    key, job = _items(jobs)[0]
    step = (
        max(2, job.start_mark.column - key.start_mark.column)
        if isinstance(job, yaml.MappingNode)
        else 2
    )
    dash = step
    for _, candidate in _items(jobs):
        steps = _get(candidate, "steps")
        if isinstance(steps, yaml.SequenceNode) and steps.value:
            steps_key = next(k for k, v in _items(candidate) if v is steps)
            first = steps.value[0]
            dash = first.start_mark.column - 2 - steps_key.start_mark.column
            break
    return key.start_mark.column, step, max(0, dash)


def _artifact_name(doc: _Doc) -> str:
    """``wheels-windows-arm64``, or with the prefix the file's download step collects
    (``pattern: cibw-wheels-*``), so the publishing job picks the new wheels up."""
    match = re.search(r"^\s*pattern:[ \t]*[\"']?([A-Za-z0-9_.-]+)\*", doc.text, re.MULTILINE)
    return (match[1] if match else "wheels-") + "windows-arm64"


def job_lines(
    tool: str,
    *,
    checkout: str,
    builder: str,
    setup_python: str,
    upload: str,
    artifact: str,
    settings: Settings,
    base: int,
    step: int,
    dash: int,
    name: str,
) -> list[str]:
    """A wheel job for windows-11-arm, indented like the file it goes into."""
    job = " " * base
    inner = job + " " * step
    item = inner + " " * dash
    body = item + "  "
    out = [
        f"{job}{name}:\n",
        f"{inner}name: Build wheels on {RUNNER}\n",
        f"{inner}runs-on: {RUNNER}\n",
    ]
    out.append(f"{inner}steps:\n")
    out.append(f"{item}- uses: {checkout}\n")
    if settings.submodules:
        out += [f"{body}with:\n", f"{body}  submodules: recursive\n"]
    if tool == "maturin":
        out += [
            f"{item}- uses: {setup_python}\n",
            f"{body}with:\n",
            f'{body}  python-version: "3.x"\n',
            f"{body}  architecture: arm64\n",
            f"{item}- uses: {builder}\n",
        ]
        if settings.environment:
            out.append(f"{body}env:\n")
            out += [f"{body}  {k}: {_quote(v)}\n" for k, v in _pairs(settings)]
        out += [
            f"{body}with:\n",
            f"{body}  target: aarch64-pc-windows-msvc\n",
            f"{body}  args: --release --out dist\n",
        ]
        path = "dist"
    else:
        out += [
            f"{item}- uses: {builder}\n",
            f"{body}env:\n",
            f"{body}  CIBW_ARCHS_WINDOWS: ARM64\n",
        ]
        if settings.environment:
            value = " ".join(f"{k}={v}" for k, v in _pairs(settings))
            out.append(f"{body}  CIBW_ENVIRONMENT_WINDOWS: {_quote(value)}\n")
        path = "./wheelhouse/*.whl"
    out += [
        f"{item}- uses: {upload}\n",
        f"{body}with:\n",
        f"{body}  name: {artifact}\n",
        f"{body}  path: {path}\n",
    ]
    return out


def _pairs(settings: Settings) -> list[tuple[str, str]]:
    return [tuple(line.split("=", 1)) for line in settings.environment]  # type: ignore[misc]


def _quote(value: str) -> str:
    return (
        json.dumps(value)
        if value == "" or re.search(r"[:#{}\[\],&*!|>'\"%@`]|^\s|\s$", value)
        else value
    )


def _new_job_edit(doc: _Doc, tool: str, settings: Settings) -> _Edit:
    jobs = _get(doc.root, "jobs")
    if not isinstance(jobs, yaml.MappingNode) or not jobs.value:
        raise BadInput("the wheel workflow has no jobs mapping; add the lane by hand")
    base, step, dash = _indents(doc, jobs)
    names = {str(k.value) for k, _ in _items(jobs)}
    name = "build_windows_arm64" if "_" in "".join(names) or not names else "build-windows-arm64"
    while name in names:
        name += "_2"
    last = _end_line(doc, jobs.value[-1][1])
    lines = [
        "\n",
        *job_lines(
            tool,
            checkout=_uses_ref(doc, "actions/checkout"),
            builder=_uses_ref(doc, r"(?:pypa|joerick)/cibuildwheel", "pypa/cibuildwheel@v3.1.4")
            if tool == "cibuildwheel"
            else _uses_ref(doc, r"(?:PyO3|messense)/maturin-action", "PyO3/maturin-action@v1"),
            setup_python=_uses_ref(doc, "actions/setup-python"),
            upload=_uses_ref(doc, "actions/upload-artifact"),
            artifact=_artifact_name(doc),
            settings=settings,
            base=base,
            step=step,
            dash=dash,
            name=name,
        ),
    ]
    notes = [
        f"the new job {name} is not among the `needs:` of the jobs that publish; add it there "
        "so its wheels are uploaded with the others"
    ]
    return _Edit(Strategy.NEW_JOB, name, after_line=last, lines=lines, notes=notes)


def new_workflow_text(tool: str, settings: Settings) -> str:
    head = f"""\
# Native Windows-on-Arm wheels, built and tested on GitHub's {RUNNER} runner.
name: Wheels (Windows on Arm)

on:
  push:
    tags: ["v*"]
  pull_request:
  workflow_dispatch:

permissions:
  contents: read

jobs:
"""
    return head + "".join(
        job_lines(
            tool,
            checkout=NODE24_ACTIONS["actions/checkout"][0],
            builder="pypa/cibuildwheel@v3.1.4"
            if tool == "cibuildwheel"
            else "PyO3/maturin-action@v1",
            setup_python=NODE24_ACTIONS["actions/setup-python"][0],
            upload=NODE24_ACTIONS["actions/upload-artifact"][0],
            artifact="wheels-windows-arm64",
            settings=settings,
            base=2,
            step=2,
            dash=2,
            name="build_wheels",
        )
    )


def _apply(doc: _Doc, edit: _Edit) -> str:
    lines = list(doc.lines)
    if edit.inline is not None:
        line, column, text = edit.inline
        lines[line] = lines[line][:column] + text + lines[line][column:]
        return "".join(lines)
    if edit.after_line >= 0 and not lines[edit.after_line].endswith("\n"):
        lines[edit.after_line] += "\n"
    lines[edit.after_line + 1 : edit.after_line + 1] = edit.lines
    return "".join(lines)


CIBW_VERSION = re.compile(r"cibuildwheel(?:@|==)v?(\d+)\.|cibuildwheel@[0-9a-f]{40}\s+#\s*v(\d+)\.")


def _lane_notes(doc: _Doc, edit: _Edit) -> list[str]:
    """What a reviewer should look at in a lane that shares the job's steps."""
    notes = []
    major = CIBW_VERSION.search(doc.text)
    if major and int(major[1] or major[2]) < 3:
        # Native builds on windows-11-arm came with cibuildwheel 3.0 (pypa/cibuildwheel#2362);
        # before it, ARM64 Windows wheels were cross-compiled and could not be tested.
        notes.append(
            f"cibuildwheel {major[1] or major[2]}.x is pinned; native {RUNNER} builds need "
            "cibuildwheel >= 3.0: bump it in the same pull request"
        )
    if edit.strategy != Strategy.MATRIX_ENTRY and re.search(
        r"^\s*(?:python-)?architecture:", doc.text, re.MULTILINE
    ):
        notes.append(
            "the job sets a Python architecture (setup-python `architecture:`): on "
            f"{RUNNER} it must be arm64, or the build runs under x64 emulation"
        )
    return notes


# -- finding the wheel workflow --------------------------------------------------------------
def _inside(folder: Path, path: Path) -> bool:
    """Whether ``path``, its links followed, is in ``folder`` (a checkout may hold links
    to anywhere: git stores them as they are)."""
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # a loop of links
        return False


def _workflow_files(folder: Path) -> list[Path]:
    directory = folder / WORKFLOWS
    if not directory.is_dir() or not _inside(folder, directory):
        return []
    return sorted(
        p
        for p in directory.iterdir()
        if p.suffix in (".yml", ".yaml") and p.is_file() and _inside(folder, p)
    )


def find_wheel_workflow(folder: Path) -> tuple[Path, _Doc, list[tuple[str, yaml.Node, str]]] | None:
    """The workflow whose jobs build wheels with cibuildwheel or maturin-action, and those
    jobs (name, node, tool). Files named like wheels/release/publish win a tie."""
    best: tuple[tuple[int, int], Path, _Doc, list[tuple[str, yaml.Node, str]]] | None = None
    for path in _workflow_files(folder):
        try:
            doc = _compose(_read_workflow(path), str(path))
        except BadInput:
            continue
        jobs = []
        for key, job in _items(_get(doc.root, "jobs")):
            tool = _job_tool(job)
            if tool:
                jobs.append((str(key.value), job, tool))
        if not jobs:
            continue
        named = int(bool(re.search(r"wheel|release|publish|build|artifact|dist", path.name)))
        score = (len(jobs), named)
        if best is None or score > best[0]:
            best = (score, path, doc, jobs)
    return None if best is None else (best[1], best[2], best[3])


def _project_tool(folder: Path) -> str:
    pyproject = folder / "pyproject.toml"
    try:
        text = read_text(pyproject, limits.MAX_TOML_BYTES, error=BadInput)
    except BadInput:  # none, unreadable, too large or not UTF-8: the common case
        return "cibuildwheel"
    return "maturin" if "maturin" in text else "cibuildwheel"


def plan(folder: Path, settings: Settings, workflow: Path | None = None) -> PatchResult:
    """What the patch does to the checkout at ``folder`` (nothing is written)."""
    if not folder.is_dir():
        raise BadInput(f"{folder}: no such folder; run this in the upstream's checkout")
    if workflow is not None:
        path = workflow if workflow.is_absolute() else folder / workflow
        if not path.is_file():
            raise BadInput(f"--workflow {workflow}: no such file")
        doc = _compose(_read_workflow(path), str(path))
        jobs = [
            (str(k.value), j, t) for k, j in _items(_get(doc.root, "jobs")) if (t := _job_tool(j))
        ]
        found: tuple[Path, _Doc, list[tuple[str, yaml.Node, str]]] | None = (path, doc, jobs)
    else:
        found = find_wheel_workflow(folder)
    if found is None:
        tool = _project_tool(folder)
        text = new_workflow_text(tool, settings)
        return PatchResult(
            path=NEW_WORKFLOW,
            strategy=Strategy.NEW_WORKFLOW,
            before="",
            after=text,
            job="build_wheels",
            notes=(f"no workflow builds wheels here; a minimal {tool} workflow is added",),
        )
    path, doc, jobs = found
    relative = path.relative_to(folder) if path.is_relative_to(folder) else path
    if RUNNER in doc.text:
        return PatchResult(
            path=relative,
            strategy=Strategy.ALREADY,
            before=doc.text,
            after=doc.text,
            job=None,
            notes=(f"{relative} already has a {RUNNER} lane; nothing to add",),
        )
    edit: _Edit | None = None
    for name, job, _tool in jobs:
        edit = _matrix_edit(doc, name, job) or _dynamic_edit(doc, name, job)
        if edit:
            break
    if edit is None:
        for name, job, _tool in jobs:
            # a job that only prepares the matrix for another one
            edit = _dynamic_edit(doc, name, job)
            if edit:
                break
    if edit is None:
        for key, job in _items(_get(doc.root, "jobs")):
            edit = _dynamic_edit(doc, str(key.value), job)
            if edit:
                break
    if edit is None:
        tool = jobs[0][2] if jobs else _project_tool(folder)
        edit = _new_job_edit(doc, tool, settings)
    else:
        edit.notes.extend(_lane_notes(doc, edit))
    if edit.strategy != Strategy.NEW_JOB and (settings.environment or settings.submodules):
        edit.notes.append(
            "the fork's settings ("
            + ", ".join([*settings.environment, *(["submodules"] if settings.submodules else [])])
            + f") are not written into the shared matrix lane; set them for {RUNNER} by hand"
        )
    return PatchResult(
        path=relative,
        strategy=edit.strategy,
        before=doc.text,
        after=_apply(doc, edit),
        job=edit.job,
        notes=tuple(edit.notes),
    )


# -- validation ------------------------------------------------------------------------------
def _tool(name: str) -> str | None:
    """A validator on PATH, or beside the running Python (a virtual environment's bin/ or
    Scripts\\, where pip put it, when woaport runs from there without the environment
    activated); shutil.which adds Windows' .exe."""
    return shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))


def _schema_errors(text: str, scratch: Path) -> set[str] | None:
    """Paths check-jsonschema's GitHub workflow schema reports as invalid; None when the tool
    is not installed."""
    exe = _tool("check-jsonschema")
    if exe is None:
        return None
    scratch.write_text(text, encoding="utf-8")
    done = subprocess.run(
        [exe, "-o", "json", "--builtin-schema", "vendor.github-workflows", str(scratch)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    try:
        report = load_json(done.stdout, "check-jsonschema's output")
    except WoaportError:
        return {f"check-jsonschema: {done.stderr.strip()[:200]}"}
    found = {str(e.get("path", "?")) for e in report.get("errors", [])}
    if report.get("parse_errors"):
        found.add("(the file does not parse as YAML)")
    return found


def validate(result: PatchResult, scratch_dir: Path) -> PatchResult:
    """check-jsonschema (``--builtin-schema vendor.github-workflows``) and actionlint when
    installed. An upstream file that did not validate before is judged by what the patch
    adds: no new error."""
    checks = []
    after = _schema_errors(result.after, scratch_dir / ("after" + result.path.suffix))
    if after is None:
        checks.append(
            Validation(
                tool="check-jsonschema",
                ok=True,
                detail="skipped: not installed (pip install check-jsonschema to validate)",
            )
        )
    else:
        before = (
            _schema_errors(result.before, scratch_dir / ("before" + result.path.suffix))
            if result.before
            else set()
        ) or set()
        new = sorted(after - before)
        checks.append(
            Validation(
                tool="check-jsonschema",
                ok=not new,
                detail=("new errors at " + ", ".join(new))
                if new
                else ("valid" if not after else f"no new errors ({len(after)} were there before)"),
            )
        )
    actionlint = _tool("actionlint")
    if actionlint:
        # Compared like the schema: upstream files may carry findings of their own.
        after_findings = _actionlint(actionlint, result.after, scratch_dir / "lint-after.yml")
        before_findings = (
            _actionlint(actionlint, result.before, scratch_dir / "lint-before.yml")
            if result.before
            else set()
        )
        new_findings = sorted(after_findings - before_findings)
        checks.append(
            Validation(
                tool="actionlint",
                ok=not new_findings,
                detail="; ".join(new_findings)[:2000] or "no new findings",
            )
        )
    return PatchResult(
        path=result.path,
        strategy=result.strategy,
        before=result.before,
        after=result.after,
        job=result.job,
        notes=result.notes,
        validations=tuple(checks),
    )


def _actionlint(exe: str, text: str, scratch: Path) -> set[str]:
    """actionlint's findings, without their line and column (a patch moves lines)."""
    scratch.write_text(text, encoding="utf-8")
    done = subprocess.run(
        [exe, "-no-color", "-oneline", str(scratch)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return {
        _POSSIBLE_VALUES.sub("possible values are ...", re.sub(r"^.*?:\d+:\d+:\s*", "", line))
        for line in done.stdout.splitlines()
        if line.strip()
    }


# actionlint lists a matrix's combinations in its finding about an `exclude:` that matches
# none of them (numpy's `macos13`): a new matrix entry changes that list, not the finding
_POSSIBLE_VALUES = re.compile(r"possible values are .*(?= \[[\w-]+\]$)")


def write(folder: Path, result: PatchResult) -> Path:
    """Write the patched workflow into the checkout, and nowhere else: a workflow path
    that is (or lies under) a link to a file outside the checkout is refused."""
    target = folder / result.path
    if not _inside(folder, target):
        raise BadInput(
            f"{target}: leads outside the checkout {folder} (a link?); woaport writes inside "
            "the checkout only: replace the link by the file, or use --dry-run"
        )
    write_atomic(target.resolve(), result.after.encode("utf-8"))
    return target


# -- pull requests ---------------------------------------------------------------------------
PULL_URL = re.compile(
    r"^https://github\.com/(?P<repo>[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)/pull/(?P<number>[0-9]{1,9})/?$"
)


def parse_pull_url(url: str) -> tuple[str, int]:
    """``https://github.com/OWNER/REPO/pull/N`` (the inventory's ``upstream_pr``)."""
    match = PULL_URL.match(url.strip())
    if not match:
        raise BadInput(
            f"{url!r} is not a pull request URL; write https://github.com/OWNER/REPO/pull/NUMBER"
        )
    return match["repo"], int(match["number"])


def pull_request_state(client: GitHub, repo: str, number: int) -> PullState:
    """open, merged or closed (closed without merging). GitHub's pull request has
    ``state`` open/closed and ``merged`` (https://docs.github.com/rest/pulls/pulls#get-a-pull-request)."""
    pull = client.pull_request(repo, number)
    if pull is None:
        raise BadInput(f"{repo}: no pull request {number} (or the token cannot see it)")
    return pull_state(pull)


def pull_state(pull: Mapping[str, Any]) -> PullState:
    """A pull request document's state (the controller reads it conditionally itself)."""
    if pull["state"] == "open":
        return PullState.OPEN
    return PullState.MERGED if pull.get("merged") or pull.get("merged_at") else PullState.CLOSED


# -- the evidence a pull request carries -----------------------------------------------------
MAX_DOCUMENT_BYTES = limits.MAX_DOCUMENT_BYTES
SERVER_URL = re.compile(r"^https://[A-Za-z0-9.-]+(?::[0-9]{1,5})?$")  # GITHUB_SERVER_URL
REPOSITORY = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


@dataclass(frozen=True, kw_only=True)
class StepResult:
    step_id: str
    kind: str
    status: str
    seconds: float
    median: float | None  # a benchmark step's median, seconds


@dataclass(frozen=True, kw_only=True)
class DeviceRun:
    device_id: str
    verdict: str
    reason: str
    machine: str | None
    os_build: int | None
    emulated: bool | None
    cpu: str | None
    steps: tuple[StepResult, ...]


@dataclass(frozen=True, kw_only=True)
class Speed:
    step_id: str
    native: float  # median seconds on ARM64
    emulated: float  # median seconds for the x64 build under emulation

    @property
    def ratio(self) -> float:
        return self.emulated / self.native if self.native else 0.0


@dataclass(frozen=True, kw_only=True)
class Artifact:
    filename: str
    sha256: str
    size: int
    role: str


@dataclass(frozen=True, kw_only=True)
class Evidence:
    package: str
    version: str
    repository: str | None
    commit: str | None
    run_url: str | None
    contract_id: str
    contract_sha256: str
    artifacts: tuple[Artifact, ...]
    ci_verdict: str
    payload: str | None
    ci_steps: tuple[StepResult, ...]
    devices: tuple[DeviceRun, ...]
    speeds: tuple[Speed, ...]
    patch: PatchSummary | None = None

    def to_json(self) -> dict[str, Any]:
        from dataclasses import asdict

        data = {k: v for k, v in asdict(self).items() if k != "patch"}
        data["patch"] = self.patch.to_json() if self.patch else None
        data["speeds"] = [{**asdict(s), "ratio": round(s.ratio, 2)} for s in self.speeds]
        return data


def _load_json(path: Path, what: str) -> dict[str, Any]:
    if not path.is_file():
        raise BadInput(f"{path}: no such {what} file")
    data = read_json(path, f"{what} {path}", error=BadInput)
    if not isinstance(data, dict):
        raise BadInput(f"{path}: not a {what} (the top level is not an object)")
    return data


def _steps_of(report: dict[str, Any] | None) -> tuple[StepResult, ...]:
    if not isinstance(report, dict):
        return ()
    out = []
    for step in report.get("steps", [])[:200]:
        bench = step.get("benchmark") if isinstance(step.get("benchmark"), dict) else None
        out.append(
            StepResult(
                step_id=str(step.get("step_id", "?")),
                kind=str(step.get("kind", "?")),
                status=str(step.get("status", "?")),
                seconds=float(step.get("duration_seconds") or 0.0),
                median=float(bench["median"]) if bench and "median" in bench else None,
            )
        )
    return tuple(out)


def _environment(report: dict[str, Any] | None) -> dict[str, Any]:
    env = report.get("environment") if isinstance(report, dict) else None
    return env if isinstance(env, dict) else {}


def read_evidence(
    manifest_path: Path,
    *,
    device_results: list[Path],
    ci_report: Path | None = None,
    emulated_reports: list[Path] | None = None,
    run_url: str | None = None,
    patch: PatchSummary | None = None,
) -> Evidence:
    """The documents woaport wrote along the port, read into one value: the queue manifest
    (the exact files CI tested, their payload verdict), CI's contract report, each device's
    result, and contract reports of the x64 wheel under emulation for the speed table."""
    from woaport.documents.base import validate
    from woaport.documents.manifest import Manifest

    manifest = Manifest.from_json(
        _load_json(manifest_path, "queue manifest"), str(manifest_path)
    ).to_json()
    provenance = manifest.get("provenance") or {}
    repository = provenance.get("repository")
    if run_url is None and repository and provenance.get("run_id"):
        # the manifest is the fork's word: a URL is made of its parts only when each is
        # what GitHub's would be (views.upstream links https URLs of that shape only)
        server = provenance.get("server_url") or "https://github.com"
        run_id = str(provenance["run_id"])
        if SERVER_URL.match(server) and REPOSITORY.match(repository) and run_id.isdigit():
            run_url = f"{server}/{repository}/actions/runs/{run_id}"
    item_files = {a["sha256"] for a in manifest["artifacts"]}
    devices = []
    native_medians: dict[str, float] = {}
    for path in device_results:
        result = validate("device-result", _load_json(path, "device result"), str(path))
        if result.get("item_id") != manifest["item_id"]:
            raise BadInput(
                f"{path}: a result for {result.get('item_id')!r}, not for the manifest's "
                f"item {manifest['item_id']!r}"
            )
        tested = {a.get("sha256") for a in result.get("artifacts", [])}
        if tested != item_files:
            raise BadInput(f"{path}: its files' sha256 differ from the manifest's")
        report = result.get("report")
        env = _environment(report)
        steps = _steps_of(report)
        if env.get("emulated") is False:
            for step in steps:
                if step.median is not None:
                    native_medians.setdefault(step.step_id, step.median)
        devices.append(
            DeviceRun(
                device_id=str(result.get("device_id", "?"))[:100],
                verdict=str(result.get("verdict", "?")),
                reason=str(result.get("reason", ""))[:500],
                machine=env.get("native_machine") or env.get("machine"),
                os_build=env.get("os_build") if isinstance(env.get("os_build"), int) else None,
                emulated=env.get("emulated"),
                cpu=(str(env["cpu"])[:200] if env.get("cpu") else None),
                steps=steps,
            )
        )
    ci_steps: tuple[StepResult, ...] = ()
    if ci_report is not None:
        report = validate("report", _load_json(ci_report, "contract report"), str(ci_report))
        ci_steps = _steps_of(report)
        if _environment(report).get("emulated") is False:
            for step in ci_steps:
                if step.median is not None:
                    native_medians.setdefault(step.step_id, step.median)
    speeds = []
    for path in emulated_reports or []:
        report = validate("report", _load_json(path, "contract report"), str(path))
        if _environment(report).get("emulated") is not True:
            raise BadInput(
                f"{path}: this report's interpreter did not run emulated; pass the report of "
                "the x64 wheel run under emulation on the same device"
            )
        for step in _steps_of(report):
            if step.median is not None and step.step_id in native_medians:
                speeds.append(
                    Speed(
                        step_id=step.step_id,
                        native=native_medians[step.step_id],
                        emulated=step.median,
                    )
                )
    contract = manifest["contract"]
    contract_id = str(contract.get("smoke_test_id", "?")) if isinstance(contract, dict) else "?"
    ci = manifest.get("ci") or {}
    return Evidence(
        package=str(manifest["package"]),
        version=str(manifest["version"]),
        repository=repository,
        commit=provenance.get("commit"),
        run_url=run_url,
        contract_id=contract_id,
        contract_sha256=str(manifest.get("contract_sha256", "")),
        artifacts=tuple(
            Artifact(
                filename=str(a["filename"]),
                sha256=str(a["sha256"]),
                size=int(a["size"]),
                role=str(a["role"]),
            )
            for a in manifest["artifacts"]
        ),
        ci_verdict=str(ci.get("verdict", "unknown")),
        payload=ci.get("payload"),
        ci_steps=ci_steps,
        devices=tuple(devices),
        speeds=tuple(speeds),
        patch=patch,
    )
