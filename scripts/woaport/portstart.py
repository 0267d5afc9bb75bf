"""`woaport port start NAME`: everything a port needs before its first CI run, through the
GitHub API and without a clone.

1. Find the upstream repository (``--upstream``, the inventory, or the project URLs the
   package index publishes).
2. Fork it into the porter's account or organisation, or reuse the fork. GitHub forks
   asynchronously: the API answers 202 at once and the repository and its git objects
   appear later ("Forking a Repository happens asynchronously. You may have to wait a short
   period of time before you can access the git objects. If this takes longer than 5
   minutes, be sure to contact GitHub Support",
   https://docs.github.com/rest/repos/forks#create-a-fork), so we poll until both answer.
3. Enable GitHub Actions on the fork: ``PUT /repos/{owner}/{repo}/actions/permissions``
   with ``enabled: true``
   (https://docs.github.com/rest/actions/permissions#set-github-actions-permissions-for-a-repository).
4. Commit the generated workflow and starter contract (:mod:`woaport.forkinit`) to the
   ``woaport`` branch with the Git Data API: blobs, a tree on top of the base commit's tree,
   a commit, and the ref (https://docs.github.com/rest/git). A file already on the branch
   is never overwritten.
5. Record the fork in the hub's ``inventory/packages.yml`` with a text edit that leaves
   every other line as it was, or print the YAML to add.

Every step first reads the state, so a second run changes nothing and says so; with
``dry_run`` only the reads happen.
"""

from __future__ import annotations

import enum
import hashlib
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from packaging.utils import canonicalize_name

from woaport import forkinit
from woaport.bounded import compose_yaml, load_json, load_yaml, read_yaml
from woaport.errors import BadInput, WoaportError
from woaport.github import GitHub, GitHubError
from woaport.limits import MAX_PAGE_BYTES
from woaport.upstream import last_line

FORK_TIMEOUT = 300.0  # GitHub's docs: contact support after 5 minutes
REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
DOTS = frozenset({".", ".."})  # no GitHub account or repository has these names: paths
GITHUB_URL = re.compile(
    r"^https?://(?:www\.)?github\.com/(?P<owner>[A-Za-z0-9_.-]+)/(?P<repo>[A-Za-z0-9_.-]+?)"
    r"(?:\.git)?(?:[/#?].*)?$"
)


class StepStatus(enum.StrEnum):
    DONE = "done"
    UNCHANGED = "unchanged"
    PLANNED = "planned"


@dataclass(frozen=True, kw_only=True)
class Step:
    action: str
    status: StepStatus
    detail: str

    def to_json(self) -> dict[str, str]:
        return {"action": self.action, "status": str(self.status), "detail": self.detail}


@dataclass(frozen=True, kw_only=True)
class StartRequest:
    package: str
    hub: str = forkinit.DEFAULT_HUB
    owner: str | None = None
    upstream: str | None = None
    branch: str = "woaport"
    inventory: Path | None = None
    contracts_dir: Path | None = None
    project_urls: tuple[str, ...] = ()  # from the package index, when looked up
    dry_run: bool = False


@dataclass(frozen=True, kw_only=True)
class PortStart:
    package: str
    upstream: str
    fork: str
    branch: str
    dry_run: bool
    steps: tuple[Step, ...]
    inventory_yaml: str  # the entry as packages.yml holds it

    @property
    def changed(self) -> bool:
        return any(s.status == StepStatus.DONE for s in self.steps)

    def to_json(self) -> dict[str, Any]:
        return {
            "package": self.package,
            "upstream": self.upstream,
            "fork": self.fork,
            "branch": self.branch,
            "dry_run": self.dry_run,
            "changed": self.changed,
            "steps": [s.to_json() for s in self.steps],
            "inventory_yaml": self.inventory_yaml,
        }


# -- the upstream ----------------------------------------------------------------------------
def upstream_from_urls(urls: Iterable[str]) -> str | None:
    """OWNER/REPO of the first github.com repository among a project's URLs (its
    ``Project-URL`` entries: Source, Repository, Homepage...), sponsors pages left out."""
    for url in urls:
        match = GITHUB_URL.match(url.strip())
        if (
            match
            and match["owner"].lower() not in ("sponsors", "orgs", "apps")
            and not {match["owner"], match["repo"]} & DOTS
        ):
            return f"{match['owner']}/{match['repo']}"
    return None


def _inventory_entry(inventory: Path | None, package: str) -> dict[str, Any] | None:
    if inventory is None or not inventory.is_file():
        return None
    document = read_yaml(inventory, error=BadInput)
    packages = document.get("packages") if isinstance(document, dict) else None
    for raw in packages if isinstance(packages, list) else []:
        if isinstance(raw, dict) and canonicalize_name(str(raw.get("name", ""))) == (
            canonicalize_name(package)
        ):
            return dict(raw)
    return None


def resolve_upstream(request: StartRequest) -> str:
    if request.upstream:
        if not REPO.match(request.upstream) or set(request.upstream.split("/")) & DOTS:
            raise BadInput(f"--upstream {request.upstream!r}: write OWNER/REPO")
        return request.upstream
    entry = _inventory_entry(request.inventory, request.package)
    if entry and entry.get("upstream"):
        return str(entry["upstream"])
    found = upstream_from_urls(request.project_urls)
    if found:
        return found
    raise BadInput(
        f"{request.package}: no upstream repository known (not in the inventory, no github.com "
        "project URL on the index); pass --upstream OWNER/REPO"
    )


def project_urls_from_index(index_url: str, name: str) -> tuple[str, ...]:
    """The project URLs an index publishes through PyPI's JSON API (``/pypi/NAME/json``,
    https://docs.pypi.org/api/json/), found beside the simple index. Empty when the index
    has no such API or does not answer: the caller then asks for ``--upstream``."""
    from woaport.errors import Unreachable
    from woaport.http import get, make_session, read_capped

    root = re.sub(r"/simple/?$", "", index_url.rstrip("/"))
    url = f"{root}/pypi/{canonicalize_name(name)}/json"
    try:  # streamed and bounded: the index's answer is read up to MAX_PAGE_BYTES, no more
        response = get(make_session(retries=1), url, stream=True)
        if response.status_code != 200:
            response.close()
            return ()
        data = read_capped(response, label=url, max_bytes=MAX_PAGE_BYTES, too_big=Unreachable)
        document = load_json(data, url)
    except WoaportError:
        return ()
    info = document.get("info") if isinstance(document, dict) else None
    info = info if isinstance(info, dict) else {}
    project_urls = info.get("project_urls")
    urls = [str(u) for u in project_urls.values()] if isinstance(project_urls, dict) else []
    if info.get("home_page"):
        urls.append(str(info["home_page"]))
    return tuple(urls)


def next_unstarted(inventory: Path) -> str:
    """The package `woaport inventory next` puts first among those nobody has started (in
    the backlog, no fork recorded): what `port start --next` starts."""
    from woaport.documents.states import State
    from woaport.inventory import load_packages, load_status, next_up

    if not inventory.is_file():
        raise BadInput(f"{inventory}: no such inventory; run this in the hub's checkout")
    packages = load_packages(inventory)
    status = load_status(inventory.with_name("status.json"))
    for pick in next_up(packages, status, len(packages)):
        if pick.state is State.READY and pick.package.fork is None and not pick.package.blocked:
            return pick.package.name
    raise BadInput(f"{inventory}: every unblocked package in the backlog has a fork already")


# -- the inventory ---------------------------------------------------------------------------
def record_fork(text: str, *, package: str, upstream: str, fork: str, branch: str) -> str:
    """packages.yml with the fork recorded for ``package``: lines added under its entry (or
    a new entry at the end of the list); every other line stays as it was. Raises BadInput
    when the file records another fork for it."""
    root = compose_yaml(text, "packages.yml", error=BadInput)
    if not isinstance(root, yaml.MappingNode):
        raise BadInput("packages.yml: the top level is not a mapping")
    document = load_yaml(text, "packages.yml", error=BadInput)
    defaults = document.get("defaults")
    default_branch = str(defaults.get("branch", "main") if isinstance(defaults, dict) else "main")
    packages = next((v for k, v in root.value if k.value == "packages"), None)
    if not isinstance(packages, yaml.SequenceNode):
        raise BadInput("packages.yml: no `packages:` list")
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    for index, item in enumerate(packages.value):
        raw = document["packages"][index]
        if canonicalize_name(str(raw.get("name", ""))) != canonicalize_name(package):
            continue
        if "fork" in raw:
            if raw["fork"].get("repo") == fork:
                return text
            raise BadInput(
                f"packages.yml: {package} records the fork {raw['fork'].get('repo')}, not {fork}; "
                "edit it by hand"
            )
        indent = " " * item.value[0][0].start_mark.column
        add = []
        if "upstream" not in raw:
            add.append(f"{indent}upstream: {upstream}\n")
        add += [f"{indent}fork:\n", f"{indent}  repo: {fork}\n"]
        if branch != default_branch:
            add.append(f"{indent}  branch: {branch}\n")
        last = last_line(lines, item)
        lines[last + 1 : last + 1] = add
        return "".join(lines)
    first = packages.value[0] if packages.value else None
    column = first.value[0][0].start_mark.column if isinstance(first, yaml.MappingNode) else 4
    dash, indent = " " * (column - 2), " " * column
    entry = [
        f"{dash}- name: {package}\n",
        f"{indent}upstream: {upstream}\n",
        f"{indent}fork:\n",
        f"{indent}  repo: {fork}\n",
    ]
    if branch != default_branch:
        entry.append(f"{indent}  branch: {branch}\n")
    if packages.value:
        last = last_line(lines, packages.value[-1])
    else:
        # `packages: []`: the empty flow list gives way to the first entry
        last = packages.start_mark.line
        line = lines[last]
        lines[last] = line[: packages.start_mark.column].rstrip() + line[packages.end_mark.column :]
    lines[last + 1 : last + 1] = entry
    return "".join(lines)


def entry_yaml(package: str, upstream: str, fork: str, branch: str) -> str:
    text = f"  - name: {package}\n    upstream: {upstream}\n    fork:\n      repo: {fork}\n"
    return text + (f"      branch: {branch}\n" if branch != "woaport" else "")


# -- the fork --------------------------------------------------------------------------------
def git_blob_sha(text: str) -> str:
    """The id git gives a file's content, to compare with a tree's entries
    (https://git-scm.com/book/en/v2/Git-Internals-Git-Objects)."""
    data = text.encode()
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def fork_files(request: StartRequest) -> dict[str, str]:
    """The files `woaport fork init` would write, by path in the fork."""
    hub_repo, hub_ref = forkinit.parse_hub(request.hub)
    project = forkinit.Project(
        name=request.package, backend="unknown (read from the fork's checkout)", source="index"
    )
    known = forkinit.hub_contract(request.contracts_dir, project)
    files: dict[str, str] = {}
    contract = known
    if known is None:
        files[forkinit.STARTER_CONTRACT.as_posix()] = forkinit.starter_contract(project, [])
        contract = forkinit.STARTER_CONTRACT.as_posix()
    files[forkinit.WORKFLOW.as_posix()] = forkinit.workflow_text(
        hub_repo, hub_ref, request.branch, contract
    )
    return dict(sorted(files.items()))


def _wait(
    what: str,
    probe: Callable[[], bool],
    *,
    sleep: Callable[[float], None],
    timeout: float,
    progress: Callable[[str], None],
) -> None:
    waited, delay = 0.0, 1.0
    while not probe():
        if waited >= timeout:
            raise GitHubError(
                f"{what}: still not there after {waited:.0f}s; GitHub says to contact its "
                "support when a fork takes longer than 5 minutes"
            )
        progress(f"waiting for {what} ({waited:.0f}s)")
        sleep(delay)
        waited += delay
        delay = min(delay * 2, 15.0)


def _fork_ready(client: GitHub, fork: str, branch: str) -> Callable[[], bool]:
    def probe() -> bool:
        if client.repository_or_none(fork) is None:
            return False
        try:
            return client.git_ref(fork, f"heads/{branch}") is not None
        except GitHubError as exc:
            if exc.status == 409:  # the git objects are still being copied
                return False
            raise

    return probe


def start(
    client: GitHub,
    request: StartRequest,
    *,
    progress: Callable[[str], None] = lambda _: None,
    sleep: Callable[[float], None] = time.sleep,
    timeout: float = FORK_TIMEOUT,
) -> PortStart:
    upstream = resolve_upstream(request)
    steps: list[Step] = []
    login = client.authenticated_user()
    owner = request.owner or login
    if owner.lower() == upstream.split("/")[0].lower():
        raise BadInput(f"{upstream} belongs to {owner}: fork it into another account (--owner)")
    source = client.repository_or_none(upstream)
    if source is None:
        raise BadInput(f"{upstream}: no such repository (or the token cannot see it)")
    fork = f"{owner}/{upstream.split('/')[1]}"
    existing = client.repository_or_none(fork)
    if existing is not None:
        parent = (existing.get("parent") or {}).get("full_name")
        if not existing.get("fork") or str(parent).lower() != upstream.lower():
            raise BadInput(f"{fork} exists and is not a fork of {upstream}; pass another --owner")
        steps.append(Step(action="fork", status=StepStatus.UNCHANGED, detail=f"{fork} exists"))
        default = str(existing["default_branch"])
    elif request.dry_run:
        steps.append(
            Step(action="fork", status=StepStatus.PLANNED, detail=f"fork {upstream} into {owner}")
        )
        default = str(source["default_branch"])
    else:
        progress(f"forking {upstream} into {owner}")
        created = client.create_fork(upstream, organization=None if owner == login else owner)
        fork = str(created["full_name"])
        default = str(created["default_branch"])
        _wait(
            f"the fork {fork}",
            _fork_ready(client, fork, default),
            sleep=sleep,
            timeout=timeout,
            progress=progress,
        )
        steps.append(Step(action="fork", status=StepStatus.DONE, detail=f"forked into {fork}"))
    fork_exists = existing is not None or not request.dry_run

    # GitHub Actions on the fork
    if not fork_exists:
        steps.append(Step(action="actions", status=StepStatus.PLANNED, detail="enable Actions"))
    elif client.actions_enabled(fork):
        steps.append(Step(action="actions", status=StepStatus.UNCHANGED, detail="enabled"))
    elif request.dry_run:
        steps.append(Step(action="actions", status=StepStatus.PLANNED, detail="enable Actions"))
    else:
        client.enable_actions(fork)
        steps.append(Step(action="actions", status=StepStatus.DONE, detail="enabled"))

    # the branch and its files
    files = fork_files(request)
    if not fork_exists:
        steps.append(
            Step(
                action="commit",
                status=StepStatus.PLANNED,
                detail=f"branch {request.branch} from {default} with " + ", ".join(files),
            )
        )
    else:
        steps += _commit_files(client, fork, default, request, files, progress)

    # the hub's inventory
    snippet = entry_yaml(request.package, upstream, fork, request.branch)
    steps.append(_record(request, upstream, fork))
    return PortStart(
        package=request.package,
        upstream=upstream,
        fork=fork,
        branch=request.branch,
        dry_run=request.dry_run,
        steps=tuple(steps),
        inventory_yaml=snippet,
    )


def _commit_files(
    client: GitHub,
    fork: str,
    default: str,
    request: StartRequest,
    files: dict[str, str],
    progress: Callable[[str], None],
) -> list[Step]:
    branch_head = client.git_ref(fork, f"heads/{request.branch}")
    head = branch_head or client.git_ref(fork, f"heads/{default}")
    if head is None:
        raise BadInput(f"{fork}: no branch {default} to start {request.branch} from")
    tree_sha = str(client.git_commit(fork, head)["tree"]["sha"])
    present = {
        str(e["path"]): str(e["sha"])
        for e in client.git_tree(fork, tree_sha)["tree"]
        if e.get("type") == "blob"
    }
    missing = {p: t for p, t in files.items() if p not in present}
    kept = [p for p in files if p in present and present[p] != git_blob_sha(files[p])]
    steps = []
    if kept:
        steps.append(
            Step(
                action="files",
                status=StepStatus.UNCHANGED,
                detail="kept as they are (other content): " + ", ".join(kept),
            )
        )
    if not missing:
        if branch_head is None and not request.dry_run:
            client.create_ref(fork, f"refs/heads/{request.branch}", head)
            return [*steps, Step(action="branch", status=StepStatus.DONE, detail=request.branch)]
        status = StepStatus.PLANNED if branch_head is None else StepStatus.UNCHANGED
        return [
            *steps,
            Step(
                action="commit", status=status, detail=f"{request.branch} has " + ", ".join(files)
            ),
        ]
    detail = f"{', '.join(missing)} on {request.branch}" + (
        "" if branch_head else f" (a new branch from {default})"
    )
    if request.dry_run:
        return [*steps, Step(action="commit", status=StepStatus.PLANNED, detail=detail)]
    progress(f"committing {', '.join(missing)} to {fork}@{request.branch}")
    entries = [
        {"path": path, "mode": "100644", "type": "blob", "sha": client.create_blob(fork, text)}
        for path, text in missing.items()
    ]
    tree = client.create_tree(fork, tree_sha, entries)
    commit = client.create_commit(
        fork,
        message="Build native win_arm64 wheels with woaport\n\n"
        "Written by `woaport port start`: the port workflow "
        f"({forkinit.WORKFLOW.as_posix()}) and, when the hub has no contract, a starter one.",
        tree=tree,
        parents=[head],
    )
    if branch_head is None:
        client.create_ref(fork, f"refs/heads/{request.branch}", commit)
    else:
        client.update_ref(fork, f"heads/{request.branch}", commit)
    return [
        *steps,
        Step(action="commit", status=StepStatus.DONE, detail=f"{detail}: {commit[:12]}"),
    ]


def _record(request: StartRequest, upstream: str, fork: str) -> Step:
    path = request.inventory
    if path is None or not path.is_file():
        return Step(
            action="inventory",
            status=StepStatus.PLANNED,
            detail="no inventory file here: add the entry below to inventory/packages.yml",
        )
    text = path.read_text(encoding="utf-8")
    updated = record_fork(
        text, package=request.package, upstream=upstream, fork=fork, branch=request.branch
    )
    if updated == text:
        return Step(
            action="inventory", status=StepStatus.UNCHANGED, detail=f"{path} records {fork}"
        )
    if request.dry_run:
        return Step(
            action="inventory", status=StepStatus.PLANNED, detail=f"record {fork} in {path}"
        )
    from woaport.inventory import check_packages

    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(updated, encoding="utf-8")
    problems = check_packages(tmp)
    if problems:
        tmp.unlink()
        raise BadInput(f"{path}: recording the fork would make it invalid: {problems[0]}")
    tmp.replace(path)
    return Step(action="inventory", status=StepStatus.DONE, detail=f"recorded {fork} in {path}")
