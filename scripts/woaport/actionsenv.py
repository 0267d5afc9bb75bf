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
from dataclasses import dataclass
from pathlib import Path

DEFAULT_SERVER_URL = "https://github.com"
DEFAULT_API_URL = "https://api.github.com"


def _text(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


def _path(env: Mapping[str, str], name: str) -> Path | None:
    value = _text(env, name)
    return Path(value) if value else None


@dataclass(frozen=True, kw_only=True)
class ActionsEnv:
    on_actions: bool = False  # GITHUB_ACTIONS == "true"
    repository: str | None = None  # GITHUB_REPOSITORY, OWNER/REPO
    sha: str | None = None  # GITHUB_SHA
    ref: str | None = None  # GITHUB_REF
    workflow_ref: str | None = None  # GITHUB_WORKFLOW_REF (OWNER/REPO/.github/workflows/F@REF)
    workflow: str | None = None  # GITHUB_WORKFLOW (the workflow's name)
    run_id: str | None = None  # GITHUB_RUN_ID
    run_attempt: str | None = None  # GITHUB_RUN_ATTEMPT
    server_url: str | None = None  # GITHUB_SERVER_URL (see `server`)
    api_url: str | None = None  # GITHUB_API_URL (see `api`)
    output: Path | None = None  # GITHUB_OUTPUT: the step's outputs file
    step_summary: Path | None = None  # GITHUB_STEP_SUMMARY: the job summary (Markdown)
    runner_temp: Path | None = None  # RUNNER_TEMP: emptied at the start and end of each job
    token: str | None = None  # GITHUB_TOKEN, when the workflow passes it

    @classmethod
    def from_environ(cls, env: Mapping[str, str] | None = None) -> ActionsEnv:
        env = os.environ if env is None else env
        return cls(
            on_actions=env.get("GITHUB_ACTIONS") == "true",
            repository=_text(env, "GITHUB_REPOSITORY"),
            sha=_text(env, "GITHUB_SHA"),
            ref=_text(env, "GITHUB_REF"),
            workflow_ref=_text(env, "GITHUB_WORKFLOW_REF"),
            workflow=_text(env, "GITHUB_WORKFLOW"),
            run_id=_text(env, "GITHUB_RUN_ID"),
            run_attempt=_text(env, "GITHUB_RUN_ATTEMPT"),
            server_url=_text(env, "GITHUB_SERVER_URL"),
            api_url=_text(env, "GITHUB_API_URL"),
            output=_path(env, "GITHUB_OUTPUT"),
            step_summary=_path(env, "GITHUB_STEP_SUMMARY"),
            runner_temp=_path(env, "RUNNER_TEMP"),
            token=_text(env, "GITHUB_TOKEN"),
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
