"""The GitHub Actions environment, read in one place.

GitHub sets these variables in every step of a workflow run; the names and meanings are
GitHub's ("Default environment variables",
https://docs.github.com/en/actions/reference/variables-reference#default-environment-variables).
Outside Actions most of them are absent, and :attr:`ActionsEnv.on_actions` is False.

``GITHUB_TOKEN`` is not one of the default variables (a workflow passes
``${{ secrets.GITHUB_TOKEN }}`` in ``env:``), but it is read here too, so that one object
says everything woaport learns from the environment about the run and its credentials.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

DEFAULT_SERVER_URL = "https://github.com"
DEFAULT_API_URL = "https://api.github.com"


def variable(name: str, kind: str = "text") -> Any:
    """A field read from the environment variable ``name``: ``text`` (None when unset or
    empty), ``path`` (a Path, or None) or ``flag`` (True when the value is ``true``)."""
    default: Any = False if kind == "flag" else None
    return field(default=default, metadata={"env": name, "kind": kind})


def _read(env: Mapping[str, str], name: str, kind: str) -> Any:
    value = env.get(name, "").strip()
    if kind == "flag":
        return value == "true"
    if not value:
        return None
    return Path(value) if kind == "path" else value


@dataclass(frozen=True, kw_only=True)
class ActionsEnv:
    on_actions: bool = variable("GITHUB_ACTIONS", "flag")
    repository: str | None = variable("GITHUB_REPOSITORY")  # OWNER/REPO
    sha: str | None = variable("GITHUB_SHA")
    ref: str | None = variable("GITHUB_REF")
    workflow_ref: str | None = variable("GITHUB_WORKFLOW_REF")  # OWNER/REPO/PATH@REF
    workflow: str | None = variable("GITHUB_WORKFLOW")  # the workflow's name
    run_id: str | None = variable("GITHUB_RUN_ID")
    run_attempt: str | None = variable("GITHUB_RUN_ATTEMPT")
    server_url: str | None = variable("GITHUB_SERVER_URL")  # see `server`
    api_url: str | None = variable("GITHUB_API_URL")  # see `api`
    output: Path | None = variable("GITHUB_OUTPUT", "path")  # the step's outputs file
    step_summary: Path | None = variable("GITHUB_STEP_SUMMARY", "path")  # the job summary
    runner_temp: Path | None = variable("RUNNER_TEMP", "path")  # emptied around each job
    token: str | None = variable("GITHUB_TOKEN")  # when the workflow passes it

    @classmethod
    def from_environ(cls, env: Mapping[str, str] | None = None) -> ActionsEnv:
        env = os.environ if env is None else env
        return cls(
            **{f.name: _read(env, f.metadata["env"], f.metadata["kind"]) for f in fields(cls)}
        )

    @property
    def server(self) -> str:
        """GitHub's web root: GITHUB_SERVER_URL, else github.com."""
        return (self.server_url or DEFAULT_SERVER_URL).rstrip("/")

    @property
    def api(self) -> str:
        """The REST API root: GITHUB_API_URL (GitHub Enterprise sets its own), else GitHub's."""
        return (self.api_url or DEFAULT_API_URL).rstrip("/")

    @property
    def run_url(self) -> str | None:
        """The run's page, when the repository and run id are known."""
        if not (self.repository and self.run_id):
            return None
        return f"{self.server}/{self.repository}/actions/runs/{self.run_id}"

    def provenance(self) -> dict[str, str | None]:
        """Where an artifact was built (the manifest's ``provenance`` fields)."""
        return {
            "repository": self.repository,
            "commit": self.sha,
            "ref": self.ref,
            "workflow": self.workflow_ref or self.workflow,
            "run_id": self.run_id,
            "run_attempt": self.run_attempt,
            "server_url": self.server_url,
        }
