"""GitHub's rules for workflows and actions, checked statically over every workflow and action
in the repository, so a change cannot reintroduce a run that GitHub refuses or that lies:

(a) a caller job grants at least every permission any job of the reusable workflow it calls
    requests (GitHub checks this when it loads the workflow, before any `if:`);
(b) every `steps.X.outputs.Y`, `needs.J.outputs.Y`, `jobs.J.outputs.Y` and `inputs.X` names
    something declared (an undeclared output is silently empty);
(c) artifact names are unique per call of a reusable workflow and per matrix leg, and
    overwrite on re-run ("Re-run failed jobs" uploads again: upload-artifact v4+ answers 409);
(d) every `uses:` is `$/` (this repository at the running commit) or pinned to a full commit
    sha of an action version whose runtime is Node 24 (or composite/docker);
(e) `pages: write` and `id-token: write` are granted per job, only to the job that uses them.

Each rule is also run on copies of the real files with one fix reverted (MUTATIONS below):
the rule must catch it, so none of them can pass vacuously.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
Files = dict[str, str]  # repository-relative path -> text
Docs = dict[str, Any]  # repository-relative path -> parsed YAML


def repo_files(root: Path = ROOT) -> Files:
    paths = [
        *sorted((root / ".github" / "workflows").glob("*.yml")),
        root / "action.yml",
        *sorted((root / "actions").glob("*/action.yml")),
    ]
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in paths}


def parse(files: Files) -> Docs:
    return {path: yaml.safe_load(text) for path, text in files.items()}


def on(doc: dict[str, Any]) -> dict[str, Any]:
    """`on:` parses as the boolean True in YAML 1.1."""
    value = doc.get("on", doc.get(True)) or {}
    return (
        value
        if isinstance(value, dict)
        else {str(v): {} for v in ([value] if isinstance(value, str) else value)}
    )


def is_workflow(path: str) -> bool:
    return path.startswith(".github/workflows/")


def local_target(uses: str) -> str | None:
    """`$/path` (GitHub's self-repository syntax: this repository at the running commit,
    https://github.blog/changelog/2026-07-30-reference-same-repository-actions-with-self-repository-syntax/)
    -> the repository-relative path; a hub reference written by `woaport fork init`
    (OWNER/woaport/.github/workflows/port.yml@REF) -> the hub's own file."""
    if uses.startswith("$/"):
        return uses[2:].rstrip("/")
    match = re.fullmatch(r"[\w.-]+/woaport/(\.github/workflows/[\w.-]+\.ya?ml)@.+", uses)
    return match[1] if match else None


def action_file(docs: Docs, target: str) -> str | None:
    for candidate in (f"{target}/action.yml", "action.yml" if target in ("", ".") else ""):
        if candidate in docs:
            return candidate
    return None


def strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from strings(key) if isinstance(key, str) else iter(())
            yield from strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value)


# -- (a) permissions -----------------------------------------------------------------------
# https://docs.github.com/en/actions/reference/workflows-and-actions/reusable-workflows
# ("Access and permissions"): "The GITHUB_TOKEN permissions passed from the caller workflow
# can be only downgraded (not elevated) by the called workflow." A nested job requesting
# more fails at load time: "The nested job 'publish' is requesting 'contents: write', but is
# only allowed 'contents: read'" (e.g. https://github.com/cpp-linter/cpp-linter-action/pull/335).
LEVEL = {"none": 0, "read": 1, "write": 2}
SCOPES = [
    "actions",
    "attestations",
    "checks",
    "contents",
    "deployments",
    "discussions",
    "id-token",
    "issues",
    "models",
    "packages",
    "pages",
    "pull-requests",
    "repository-projects",
    "security-events",
    "statuses",
]


def permission_map(value: Any) -> dict[str, int] | None:
    """None: not set (inherits); `read-all`/`write-all`; a mapping; `{}` = all none."""
    if value is None:
        return None
    if isinstance(value, str):
        level = {"read-all": 1, "write-all": 2}[value]
        return dict.fromkeys(SCOPES, level) | ({"id-token": 2} if level == 2 else {})
    return {scope: LEVEL[str(level)] for scope, level in value.items()}


def permission_problems(docs: Docs) -> list[str]:
    problems = []
    for path, doc in docs.items():
        if not is_workflow(path):
            continue
        for name, job in (doc.get("jobs") or {}).items():
            target = local_target(str(job.get("uses", "")))
            if target is None:
                continue
            granted = permission_map(job.get("permissions"))
            if granted is None:
                granted = permission_map(doc.get("permissions"))
            if granted is None:
                problems.append(
                    f"{path}: job {name} calls {job['uses']} without granting permissions "
                    "(the repository's default token permissions decide; grant them explicitly)"
                )
                continue
            called = docs.get(target)
            if called is None:
                problems.append(f"{path}: job {name} calls {job['uses']}, which does not exist")
                continue
            for nested_name, nested in (called.get("jobs") or {}).items():
                requested = permission_map(nested.get("permissions"))
                if requested is None:
                    requested = permission_map(called.get("permissions")) or {}
                for scope, level in requested.items():
                    if level > granted.get(scope, 0):
                        have = {v: k for k, v in LEVEL.items()}[granted.get(scope, 0)]
                        want = {v: k for k, v in LEVEL.items()}[level]
                        problems.append(
                            f"{path}: job {name}: the nested job '{nested_name}' of {target} is "
                            f"requesting '{scope}: {want}', but is only allowed '{scope}: {have}'"
                        )
    return problems


# -- (b) outputs and inputs -----------------------------------------------------------------
REFERENCE = re.compile(r"\b(steps|needs|jobs)\.([A-Za-z_][\w-]*)\.outputs\.([A-Za-z_][\w-]*)")
INPUT = re.compile(r"\binputs\.([A-Za-z_][\w-]*)")


def step_outputs(docs: Docs, step: dict[str, Any]) -> set[str] | None:
    """The outputs a step declares; None when they cannot be known statically (a `run:`
    step writes what it writes; an outside action's outputs are in its own repository)."""
    target = local_target(str(step.get("uses", "")))
    if target is None:
        return None
    found = action_file(docs, target)
    if found is None:
        return set()
    return set((docs[found].get("outputs") or {}).keys())


def job_outputs(docs: Docs, job: dict[str, Any]) -> set[str]:
    if "uses" in job:
        target = local_target(str(job["uses"]))
        called = docs.get(target or "")
        if called is None:
            return set()
        return set((on(called).get("workflow_call", {}) or {}).get("outputs", {}) or {})
    return set((job.get("outputs") or {}).keys())


def check_steps(
    docs: Docs, where: str, steps: list[dict[str, Any]], text: Iterator[str]
) -> Iterator[str]:
    by_id = {str(s["id"]): s for s in steps if "id" in s}
    for value in text:
        for kind, name, output in REFERENCE.findall(value):
            if kind != "steps":
                continue
            if name not in by_id:
                yield f"{where}: steps.{name}.outputs.{output}: no step has id {name}"
                continue
            declared = step_outputs(docs, by_id[name])
            if declared is not None and output not in declared:
                yield (
                    f"{where}: steps.{name}.outputs.{output}: {by_id[name]['uses']} declares "
                    f"no output {output} (it has {sorted(declared)})"
                )


def output_problems(docs: Docs) -> list[str]:
    problems: list[str] = []
    for path, doc in docs.items():
        if is_workflow(path):
            call = on(doc).get("workflow_call") or {}
            inputs = set((call.get("inputs") or {}).keys())
            dispatch = on(doc).get("workflow_dispatch") or {}
            inputs |= set((dispatch.get("inputs") or {}).keys())
            jobs = doc.get("jobs") or {}
            for output in (call.get("outputs") or {}).values():
                for kind, name, key in REFERENCE.findall(str(output.get("value", ""))):
                    if kind != "jobs":
                        problems.append(f"{path}: workflow output reads {kind}.{name} ({key})")
                    elif name not in jobs or key not in job_outputs(docs, jobs[name]):
                        problems.append(f"{path}: jobs.{name}.outputs.{key} is not declared")
            for job_name, job in jobs.items():
                where = f"{path}: job {job_name}"
                needs = job.get("needs", [])
                needs = [needs] if isinstance(needs, str) else list(needs)
                for value in strings(job):
                    for kind, name, key in REFERENCE.findall(value):
                        if kind == "needs":
                            if name not in needs:
                                problems.append(f"{where}: needs.{name}: {name} is not in needs")
                            elif key not in job_outputs(docs, jobs.get(name, {})):
                                problems.append(
                                    f"{where}: needs.{name}.outputs.{key} is not declared"
                                )
                        elif kind == "jobs":
                            problems.append(
                                f"{where}: jobs.{name} is only readable in on.workflow_call.outputs"
                            )
                problems += check_steps(docs, where, job.get("steps", []), strings(job))
        else:
            inputs = set((doc.get("inputs") or {}).keys())
            steps = (doc.get("runs") or {}).get("steps", [])
            problems += check_steps(docs, path, steps, strings([doc.get("outputs"), steps]))
            for output_name, output in (doc.get("outputs") or {}).items():
                if not REFERENCE.search(str(output.get("value", ""))):
                    problems.append(f"{path}: output {output_name} reads no step output")
        for value in strings(doc):
            for name in INPUT.findall(value):
                if name not in inputs:
                    problems.append(f"{path}: inputs.{name} is not declared")
    return problems


# -- (c) artifacts ---------------------------------------------------------------------------
def expand_needs(value: str, jobs: dict[str, Any]) -> str:
    """needs.J.outputs.Y replaced by J's definition of Y (what it evaluates in J)."""

    def one(match: re.Match[str]) -> str:
        definition = (jobs.get(match[1], {}).get("outputs") or {}).get(match[2])
        return f"({definition})" if definition is not None else match[0]

    return re.sub(r"\bneeds\.([\w-]+)\.outputs\.([\w-]+)", one, value)


def artifact_problems(docs: Docs) -> list[str]:
    problems = []
    for path, doc in docs.items():
        if not is_workflow(path):
            continue
        reusable = "workflow_call" in on(doc)
        jobs = doc.get("jobs") or {}
        names: dict[str, str] = {}
        for job_name, job in jobs.items():
            matrix = (job.get("strategy") or {}).get("matrix") or {}
            keys = (
                [k for k in matrix if k not in ("include", "exclude")]
                if isinstance(matrix, dict)
                else []
            )
            for step in job.get("steps", []):
                uses = str(step.get("uses", ""))
                with_ = step.get("with") or {}
                where = f"{path}: job {job_name}: {uses.split('@')[0]}"
                if uses.startswith("actions/upload-artifact@"):
                    name = str(with_.get("name", ""))
                    if with_.get("overwrite") is not True:
                        problems.append(
                            f"{where}: `overwrite: true` (a re-run uploads {name!r} again)"
                        )
                    if reusable and "job.check_run_id" not in expand_needs(name, jobs):
                        problems.append(
                            f"{where}: {name!r} is the same for every call of this reusable "
                            "workflow in one run; include the build job's job.check_run_id"
                        )
                    for key in keys:
                        if f"matrix.{key}" not in name:
                            problems.append(f"{where}: {name!r} is the same for every matrix.{key}")
                    if name in names:
                        problems.append(f"{where}: {name!r} is uploaded by job {names[name]} too")
                    names[name] = job_name
                elif uses.startswith("actions/upload-pages-artifact@"):
                    # It has no `overwrite` (actions/upload-pages-artifact#110): a re-run
                    # must upload under a name of its own.
                    name = str(with_.get("name", "github-pages"))
                    if "github.run_attempt" not in name:
                        problems.append(
                            f"{where}: {name!r} again on a re-run is a 409; "
                            "name it by github.run_attempt"
                        )
                elif uses.startswith("actions/download-artifact@") and reusable:
                    selector = str(with_.get("name") or with_.get("pattern") or "")
                    if "needs." not in selector or "job.check_run_id" not in expand_needs(
                        selector, jobs
                    ):
                        problems.append(
                            f"{where}: {selector!r} may pick another call's artifacts; name them "
                            "by the uploading job's output (its job.check_run_id)"
                        )
    return problems


# -- (d) pinned actions on Node 24 -----------------------------------------------------------
@dataclass(frozen=True)
class Pin:
    sha: str
    version: str
    runtime: str  # runs.using of that commit's action.yml
    source: str


# The commit each tag points to and its action.yml `runs.using`, read from the actions'
# repositories (git tags; action.yml at the tag). Node 20 is removed from the runners on
# 16 September 2026 (https://github.blog/changelog/2025-09-19-deprecation-of-node-20-on-github-actions-runners/).
PINS = {
    "actions/checkout": Pin(
        "3d3c42e5aac5ba805825da76410c181273ba90b1",
        "v7.0.1",
        "node24",
        "https://github.com/actions/checkout/blob/v7.0.1/action.yml",
    ),
    "actions/setup-python": Pin(
        "5fda3b95a4ea91299a34e894583c3862153e4b97",
        "v7.0.0",
        "node24",
        "https://github.com/actions/setup-python/blob/v7.0.0/action.yml",
    ),
    "actions/upload-artifact": Pin(
        "bbbca2ddaa5d8feaa63e36b76fdaad77386f024f",
        "v7.0.0",
        "node24",
        "https://github.com/actions/upload-artifact/blob/v7.0.0/action.yml",
    ),
    "actions/download-artifact": Pin(
        "3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c",
        "v8.0.1",
        "node24",
        "https://github.com/actions/download-artifact/blob/v8.0.1/action.yml",
    ),
    "actions/cache": Pin(
        "27d5ce7f107fe9357f9df03efb73ab90386fccae",
        "v5.0.5",
        "node24",
        "https://github.com/actions/cache/blob/v5.0.5/action.yml",
    ),
    # A composite action around actions/attest@59d89421 (v4.1.0), itself pinned by SHA.
    "actions/attest-build-provenance": Pin(
        "a2bbfa25375fe432b6a289bc6b6cd05ecd0c4c32",
        "v4.1.0",
        "composite",
        "https://github.com/actions/attest-build-provenance/blob/v4.1.0/action.yml",
    ),
    # A composite action: tar the site, then actions/upload-artifact@bbbca2dd (v7.0.0, above).
    "actions/upload-pages-artifact": Pin(
        "fc324d3547104276b827a68afc52ff2a11cc49c9",
        "v5.0.0",
        "composite",
        "https://github.com/actions/upload-pages-artifact/blob/v5.0.0/action.yml",
    ),
    "actions/deploy-pages": Pin(
        "cd2ce8fcbc39b97be8ca5fce6e763baed58fa128",
        "v5.0.0",
        "node24",
        "https://github.com/actions/deploy-pages/blob/v5.0.0/action.yml",
    ),
    # A composite action that runs its container image (create-docker-action.py).
    "pypa/gh-action-pypi-publish": Pin(
        "ed0c53931b1dc9bd32cbe73a98c7f6766f8a527e",
        "v1.13.0",
        "composite",
        "https://github.com/pypa/gh-action-pypi-publish/releases/tag/v1.13.0",
    ),
}
# Versions known to run on Node 20 (their action.yml at these commits says `node20`).
NODE20 = {
    "11bd71901bbe5b1630ceea73d27597364c9af683": "actions/checkout v4.2.2",
    "a26af69be951a213d495a4c3e4e4022e16d87065": "actions/setup-python v5.6.0",
    "ea165f8d65b6e75b540449e92b4886f43607fa02": "actions/upload-artifact v4.6.2",
    "d3f86a106a0bac45b974a628896c90dbdf5c8093": "actions/download-artifact v4.3.0",
    "5a3ec84eff668545956fd18022155c47e93e2684": "actions/cache v4.2.3",
    "d6db90164ac5ed86f2b6aed7e0febac5b3c0c03e": "actions/deploy-pages v4.0.5",
}
RUNTIMES = {"node24", "composite", "docker"}
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(\S+)\s*(?:#\s*(\S+))?")


def pin_problems(files: Files) -> list[str]:
    problems = []
    for path, text in files.items():
        for number, line in enumerate(text.splitlines(), 1):
            match = USES_LINE.match(line)
            if not match:
                continue
            uses, comment = match[1], match[2]
            where = f"{path}:{number}: {uses}"
            if uses.startswith("$/"):
                target = uses[2:]
                if not (ROOT / target).exists():
                    problems.append(f"{where}: no such file in this repository")
                continue
            if uses.startswith(("./", "docker://")):
                problems.append(f"{where}: use $/ (./ is the caller's checkout) or a pinned action")
                continue
            found = re.fullmatch(r"([\w.-]+/[\w.-]+)(/[\w./-]+)?@([0-9a-f]{40})", uses)
            if not found:
                problems.append(f"{where}: pin a full 40-hex commit sha")
                continue
            repo, sha = found[1], found[3]
            pin = PINS.get(repo)
            if sha in NODE20:
                problems.append(f"{where}: {NODE20[sha]} runs on Node 20 (removed from runners)")
            elif pin is None or pin.sha != sha:
                problems.append(f"{where}: not a commit in the table of known actions (PINS)")
            elif pin.runtime not in RUNTIMES:
                problems.append(f"{where}: runs on {pin.runtime}")
            elif comment != pin.version:
                problems.append(f"{where}: the comment must name {pin.version}")
    return problems


# -- (e) deployment and OIDC permissions, per job ---------------------------------------------
# deploy-pages: "The job that executes the deployment must at minimum have ... pages: write,
# id-token: write" and "We recommend this action to be used in a dedicated job"
# (https://github.com/actions/deploy-pages#security-considerations). An OIDC token proves
# where a job runs; only the steps that present one need it.
OIDC_USERS = (
    "actions/deploy-pages@",
    "actions/attest-build-provenance@",
    "pypa/gh-action-pypi-publish@",
)


def grant_problems(docs: Docs) -> list[str]:
    problems = []
    for path, doc in docs.items():
        if not is_workflow(path):
            continue
        top = permission_map(doc.get("permissions")) or {}
        for scope in ("pages", "id-token"):
            if top.get(scope, 0) == LEVEL["write"]:
                problems.append(f"{path}: `{scope}: write` for every job; grant it to one job")
        for name, job in (doc.get("jobs") or {}).items():
            if "uses" in job:
                continue  # a reusable workflow's jobs: rule (a) weighs what they request
            granted = permission_map(job.get("permissions")) or {}
            uses = [str(step.get("uses", "")) for step in job.get("steps", [])]
            deploys = any(u.startswith("actions/deploy-pages@") for u in uses)
            if granted.get("pages", 0) == LEVEL["write"] and not deploys:
                problems.append(f"{path}: job {name} has `pages: write` but deploys no Pages")
            if deploys and granted.get("pages", 0) < LEVEL["write"]:
                problems.append(f"{path}: job {name} deploys Pages without `pages: write`")
            oidc = any(u.startswith(OIDC_USERS) for u in uses)
            if granted.get("id-token", 0) == LEVEL["write"] and not oidc:
                problems.append(f"{path}: job {name} has `id-token: write` but no step uses it")
            if deploys and granted.get("id-token", 0) < LEVEL["write"]:
                problems.append(f"{path}: job {name} deploys Pages without `id-token: write`")
    return problems


# -- the tests -------------------------------------------------------------------------------
RULES: dict[str, Callable[[Files], list[str]]] = {
    "permissions": lambda files: permission_problems(parse(files)),
    "outputs": lambda files: output_problems(parse(files)),
    "artifacts": lambda files: artifact_problems(parse(files)),
    "pins": pin_problems,
    "grants": lambda files: grant_problems(parse(files)),
}


@pytest.mark.parametrize("rule", RULES)
def test_the_repository_follows_the_rule(rule: str) -> None:
    assert RULES[rule](repo_files()) == []


def test_the_rules_see_every_workflow_and_action() -> None:
    files = repo_files()
    assert {".github/workflows/port.yml", ".github/workflows/ci.yml", "action.yml"} <= set(files)
    assert (
        sum(1 for text in files.values() for line in text.splitlines() if USES_LINE.match(line))
        >= 15
    )


# (rule, file, the fixed text, the text before the fix or another break)
MUTATIONS = [
    (
        "permissions",
        ".github/workflows/ci.yml",
        "contents: write # what port.yml's publish job",
        "contents: read # what port.yml's publish job",
    ),
    (
        "permissions",
        ".github/workflows/ci.yml",
        "    permissions:\n      contents: write # what port.yml's publish job requests (skipped here: publish is false)\n"
        "      id-token: write # port.yml's attest job signs the wheels' build provenance\n"
        "      attestations: write # and stores the attestation with the repository\n",
        "",
    ),
    ("outputs", "actions/build-wheel/action.yml", "  sha256s:\n", "  sha256z:\n"),
    (
        "outputs",
        ".github/workflows/port.yml",
        "needs.build.outputs.pythons",
        "needs.build.outputs.python",
    ),
    (
        "outputs",
        ".github/workflows/port.yml",
        "jobs.publish.outputs.items",
        "jobs.publish.outputs.item",
    ),
    (
        "outputs",
        ".github/workflows/port.yml",
        "steps.inspect.outputs.ok",
        "steps.inspect.outputs.passed",
    ),
    (
        "outputs",
        ".github/workflows/port.yml",
        "${{ inputs.submodules }}",
        "${{ inputs.submodule }}",
    ),
    (
        "outputs",
        "actions/run-contract/action.yml",
        "steps.contract.outputs.verdict",
        "steps.run.outputs.verdict",
    ),
    ("artifacts", ".github/workflows/port.yml", "          overwrite: true\n", ""),
    (
        "artifacts",
        ".github/workflows/port.yml",
        "name: woaport-${{ job.check_run_id }}-wheels",
        "name: woaport-wheels",
    ),
    ("artifacts", ".github/workflows/port.yml", "-report-${{ matrix.python }}", "-report"),
    (
        "artifacts",
        ".github/workflows/port.yml",
        "pattern: ${{ needs.build.outputs.artifacts }}-report-*",
        "pattern: woaport-report-*",
    ),
    (
        "pins",
        ".github/workflows/port.yml",
        "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1",
        "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2",
    ),
    (
        "pins",
        ".github/workflows/ci.yml",
        "actions/setup-python@5fda3b95a4ea91299a34e894583c3862153e4b97 # v7.0.0",
        "actions/setup-python@v7",
    ),
    (
        "pins",
        ".github/workflows/port.yml",
        "uses: $/actions/build-wheel",
        "uses: ./actions/build-wheel",
    ),
    (
        "pins",
        ".github/workflows/port.yml",
        "uses: $/actions/build-wheel",
        "uses: $/actions/build-wheels",
    ),
    (
        "pins",
        ".github/workflows/controller.yml",
        "deploy-pages@cd2ce8fcbc39b97be8ca5fce6e763baed58fa128 # v5.0.0",
        "deploy-pages@d6db90164ac5ed86f2b6aed7e0febac5b3c0c03e # v4.0.5",  # node20
    ),
    (
        "artifacts",
        ".github/workflows/controller.yml",
        "name: github-pages-${{ github.run_attempt }}\n",
        "name: github-pages\n",
    ),
    (
        "grants",
        ".github/workflows/controller.yml",
        "permissions: {}\n",
        "permissions:\n  pages: write\n",
    ),
    (
        "grants",
        ".github/workflows/controller.yml",
        "      pull-requests: write # when main is protected",
        "      id-token: write\n      pull-requests: write # when main is protected",
    ),
    (
        "grants",
        ".github/workflows/controller.yml",
        "      id-token: write # the OIDC token the Pages deployment API checks\n",
        "",
    ),
]


@pytest.mark.parametrize(
    ("rule", "path", "fixed", "broken"),
    MUTATIONS,
    ids=[f"{r}:{p.split('/')[-1]}:{b.strip()[:30] or 'removed'}" for r, p, _, b in MUTATIONS],
)
def test_the_rule_catches_the_reverted_fix(rule: str, path: str, fixed: str, broken: str) -> None:
    files = repo_files()
    assert fixed in files[path], f"{path} no longer has {fixed!r}; update the mutation"
    mutated = {**files, path: files[path].replace(fixed, broken, 1)}
    assert RULES[rule](mutated), f"rule {rule} does not notice {fixed!r} -> {broken!r} in {path}"


def test_the_hub_ci_would_have_failed_to_start() -> None:
    """The exact startup failure of issue 11: ci.yml's self-test granted `contents: read`."""
    files = repo_files()
    before = files[".github/workflows/ci.yml"].replace(
        "contents: write # what port.yml's publish job",
        "contents: read # what port.yml's publish job",
    )
    assert permission_problems(parse({**files, ".github/workflows/ci.yml": before})) == [
        ".github/workflows/ci.yml: job self-test: the nested job 'publish' of "
        ".github/workflows/port.yml is requesting 'contents: write', but is only allowed "
        "'contents: read'"
    ]


# -- the submodules input, with real git ----------------------------------------------------
def git(*args: str, cwd: Path) -> None:
    subprocess.run(
        ["git", "-c", "protocol.file.allow=always", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        env={
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@example.invalid",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.invalid",
            "GIT_CONFIG_GLOBAL": "/dev/null",
            "GIT_CONFIG_NOSYSTEM": "1",
            "PATH": "/usr/bin:/bin:/usr/local/bin",
        },
    )


def checkout(source: Path, dest: Path, submodules: str) -> None:
    """What actions/checkout does with its `submodules` input (src/input-helper.ts:
    'recursive' -> submodules and nested; 'true' -> one level; src/git-source-provider.ts:
    `git submodule sync [--recursive]`, `git submodule update --init --force [--recursive]`)."""
    git("clone", "-q", str(source), str(dest), cwd=source.parent)
    flag = submodules.upper()
    if flag in ("RECURSIVE", "TRUE"):
        nested = ["--recursive"] if flag == "RECURSIVE" else []
        git("submodule", "sync", *nested, cwd=dest)
        git(
            "-c",
            "protocol.version=2",
            "submodule",
            "update",
            "--init",
            "--force",
            *nested,
            cwd=dest,
        )


@pytest.fixture
def package_with_a_submodule(tmp_path: Path) -> Path:
    """A C-extension package whose sources live in a submodule (as asyncpg's pgproto does)."""
    vendored = tmp_path / "vendored"
    vendored.mkdir()
    (vendored / "native.c").write_text(
        "#define PY_SSIZE_T_CLEAN\n#include <Python.h>\n"
        "static PyObject *answer(PyObject *s, PyObject *a) { return PyLong_FromLong(42); }\n"
        'static PyMethodDef m[] = {{"answer", answer, METH_NOARGS, ""}, {0}};\n'
        'static struct PyModuleDef d = {PyModuleDef_HEAD_INIT, "subpkg_native", 0, -1, m};\n'
        "PyMODINIT_FUNC PyInit_subpkg_native(void) { return PyModule_Create(&d); }\n"
    )
    git("init", "-q", "-b", "main", cwd=vendored)
    git("add", ".", cwd=vendored)
    git("commit", "-q", "-m", "sources", cwd=vendored)
    package = tmp_path / "package"
    package.mkdir()
    (package / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
        '[project]\nname = "subpkg"\nversion = "1.0"\n'
    )
    (package / "setup.py").write_text(
        "from setuptools import Extension, setup\n"
        'setup(ext_modules=[Extension("subpkg_native", ["vendored/native.c"])])\n'
    )
    git("init", "-q", "-b", "main", cwd=package)
    git("submodule", "add", "-q", str(vendored), "vendored", cwd=package)
    git("add", ".", cwd=package)
    git("commit", "-q", "-m", "package", cwd=package)
    return package


def test_port_yml_passes_submodules_to_checkout_recursive_by_default() -> None:
    port = parse(repo_files())[".github/workflows/port.yml"]
    assert on(port)["workflow_call"]["inputs"]["submodules"]["default"] == "recursive"
    (checkout_step,) = [
        s
        for s in port["jobs"]["build"]["steps"]
        if str(s.get("uses", "")).startswith("actions/checkout@")
    ]
    assert checkout_step["with"]["submodules"] == "${{ inputs.submodules }}"


@pytest.mark.slow
@pytest.mark.parametrize(("submodules", "builds"), [("recursive", True), ("false", False)])
def test_the_checkout_builds_only_with_its_submodules(
    package_with_a_submodule: Path, tmp_path: Path, submodules: str, builds: bool
) -> None:
    if shutil.which("gcc") is None and shutil.which("cc") is None:
        pytest.skip("needs a C compiler")
    port = parse(repo_files())[".github/workflows/port.yml"]
    default = on(port)["workflow_call"]["inputs"]["submodules"]["default"]
    value = default if submodules == "recursive" else submodules
    dest = tmp_path / "checkout"
    checkout(package_with_a_submodule, dest, value)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(tmp_path / "out"),
            str(dest),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert (result.returncode == 0) is builds, result.stderr[-2000:]
    if not builds:
        assert "native.c" in result.stderr + result.stdout  # failed for the missing sources
    assert bool(list((tmp_path / "out").glob("subpkg-1.0-*.whl"))) is builds


def test_the_release_workflow_publishes_with_trusted_publishing_then_moves_the_major_tag() -> None:
    """Tag -> build -> PyPI (trusted publishing: `id-token: write` and no password,
    https://docs.pypi.org/trusted-publishers/using-a-publisher/; attestations) -> vX moved."""
    release = parse(repo_files())[".github/workflows/release.yml"]
    assert on(release)["push"]["tags"] == ["v[0-9]+.[0-9]+.[0-9]+"]
    jobs = release["jobs"]
    assert jobs["pypi"]["needs"] == "build" and jobs["major-tag"]["needs"] == "pypi"
    assert jobs["pypi"]["permissions"] == {"id-token": "write"}
    assert jobs["pypi"]["environment"]["name"] == "pypi"
    (publish,) = [
        s for s in jobs["pypi"]["steps"] if "gh-action-pypi-publish" in str(s.get("uses"))
    ]
    assert publish["with"].get("attestations") is True
    assert not {"password", "user"} & set(publish["with"])
    assert jobs["major-tag"]["permissions"] == {"contents": "write"}
    script = jobs["major-tag"]["steps"][0]["run"]
    tag = "v0.1.0"  # what the script derives from a tag, run by bash
    out = subprocess.run(
        ["bash", "-c", 'version="${TAG#v}"; major="v${version%%.*}"; echo "$major"'],
        env={"TAG": tag, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert 'major="v${version%%.*}"' in script and out == "v0"


# -- the controller's push: a moved main, a protected main (real git, a local remote) -------
def controller_push_script() -> str:
    controller = parse(repo_files())[".github/workflows/controller.yml"]
    (step,) = [
        s for s in controller["jobs"]["update"]["steps"] if s.get("name", "").startswith("Commit")
    ]
    return str(step["run"])


@pytest.fixture
def hub(tmp_path: Path) -> tuple[Path, Path]:
    """A bare remote with main, and the controller's clone of it with a changed inventory."""
    remote = tmp_path / "remote.git"
    git("init", "-q", "--bare", "-b", "main", str(remote), cwd=tmp_path)
    seed = tmp_path / "seed"
    git("clone", "-q", str(remote), str(seed), cwd=tmp_path)
    (seed / "inventory").mkdir()
    # every file the controller writes and commits (controller.yml's `git add`)
    (seed / "inventory" / "status.json").write_text("{}\n")
    (seed / "inventory" / "history.json").write_text("{}\n")
    (seed / "inventory" / "README.md").write_text("# inventory\n")
    (seed / "inventory" / "index.html").write_text("<!doctype html>\n")
    git("add", ".", cwd=seed)
    git("commit", "-q", "-m", "seed", cwd=seed)
    git("push", "-q", "origin", "HEAD:main", cwd=seed)
    work = tmp_path / "work"
    git("clone", "-q", str(remote), str(work), cwd=tmp_path)
    (work / "inventory" / "status.json").write_text('{"numpy": "pure"}\n')
    return remote, work


def run_push(
    work: Path, remote: Path, tmp_path: Path, bin_dir: Path | None = None
) -> subprocess.CompletedProcess[str]:
    temp = tmp_path / "runner-temp"
    temp.mkdir(exist_ok=True)
    (temp / "commit-message.txt").write_text("inventory: numpy -> pure\n\nstate changes\n")
    path = f"{bin_dir}:/usr/bin:/bin" if bin_dir else "/usr/bin:/bin"
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", controller_push_script()],
        cwd=work,
        env={
            "PATH": path,
            "REMOTE": str(remote),
            "BRANCH": "main",
            "RUN_ID": "4242",
            "RUNNER_TEMP": str(temp),
            "GIT_CONFIG_GLOBAL": "/dev/null",
            "GIT_CONFIG_NOSYSTEM": "1",
            "HOME": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def remote_log(remote: Path, ref: str) -> list[str]:
    out = subprocess.run(
        ["git", "--git-dir", str(remote), "log", "--format=%s", ref],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.split("\n")[:-1]


def test_controller_push_survives_a_moved_main(hub: tuple[Path, Path], tmp_path: Path) -> None:
    remote, work = hub
    other = tmp_path / "other"  # someone pushes to main while the controller runs
    git("clone", "-q", str(remote), str(other), cwd=tmp_path)
    (other / "NOTES.md").write_text("moved\n")
    git("add", ".", cwd=other)
    git("commit", "-q", "-m", "someone else's commit", cwd=other)
    git("push", "-q", "origin", "HEAD:main", cwd=other)
    result = run_push(work, remote, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "fetch, rebase, retry" in result.stdout
    assert remote_log(remote, "main")[:3] == [
        "inventory: numpy -> pure",
        "someone else's commit",
        "seed",
    ]


def test_controller_opens_a_pull_request_when_main_is_protected(
    hub: tuple[Path, Path], tmp_path: Path
) -> None:
    remote, work = hub
    hook = remote / "hooks" / "pre-receive"  # what GitHub answers for a protected branch
    hook.write_text(
        '#!/bin/sh\nwhile read old new ref; do\n  if [ "$ref" = refs/heads/main ]; then\n'
        "    echo 'GH006: Protected branch update failed for refs/heads/main.' >&2\n"
        "    echo 'Changes must be made through a pull request.' >&2\n    exit 1\n  fi\ndone\n"
    )
    hook.chmod(0o755)
    # The GitHub CLI's side is GitHub's; here a stand-in `gh` records the call it gets.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "gh").write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {tmp_path}/gh-args\n')
    (bin_dir / "gh").chmod(0o755)
    result = run_push(work, remote, tmp_path, bin_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    assert remote_log(remote, "main") == ["seed"]
    assert remote_log(remote, "woaport-controller/4242")[0] == "inventory: numpy -> pure"
    args = (tmp_path / "gh-args").read_text().split("\n")
    assert args[:6] == ["pr", "create", "--base", "main", "--head", "woaport-controller/4242"]
    controller = parse(repo_files())[".github/workflows/controller.yml"]
    assert controller["jobs"]["update"]["permissions"]["pull-requests"] == "write"


def test_controller_push_stops_cleanly_when_main_changed_the_inventory(
    hub: tuple[Path, Path], tmp_path: Path
) -> None:
    """A conflicting commit on main: no half-done rebase, no push, one error line."""
    remote, work = hub
    other = tmp_path / "other"
    git("clone", "-q", str(remote), str(other), cwd=tmp_path)
    (other / "inventory" / "status.json").write_text('{"numpy": "native"}\n')
    git("commit", "-q", "-am", "a hand edit of the inventory", cwd=other)
    git("push", "-q", "origin", "HEAD:main", cwd=other)
    result = run_push(work, remote, tmp_path)
    assert result.returncode == 1
    assert "::error::main changed the inventory files during this run" in result.stdout
    assert remote_log(remote, "main")[0] == "a hand edit of the inventory"
    assert not (work / ".git" / "rebase-merge").exists()
    assert not (work / ".git" / "rebase-apply").exists()
