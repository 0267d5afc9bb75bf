"""A device's outbox: a repository its owner controls, the only place its token writes.

Layout, on the outbox's default branch:

* ``woaport/results/<device-id>/<item-id>.json``: one :class:`DeviceResult` per item;
* ``woaport/devices/<device-id>.json``: the device's :class:`Heartbeat`.

Why files on a branch and not release assets: a growing set of results does not fit a
release. GitHub's immutable releases refuse new assets once a release is published ("Cannot
upload assets to an immutable release"; an owner or organisation may turn immutability on
for every repository), a draft is visible only to accounts with push access (the
controller could not read it), and a release holds at most 1,000 assets. A commit per file
is atomic, keeps history, and names each result by its blob sha, so the controller reads
one listing per outbox (the branch's tree, a 304 while nothing moved) and each new result
once. A fine-grained token with "Contents: read and write" on this one repository is all a
device needs.

Writes are idempotent: a result is created once and never replaced (a second attempt finds
it there, byte for byte the same or an earlier run's, and keeps it), so a device killed
between its upload and saving its state publishes nothing twice.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from woaport.github import GitHub, GitHubRefused

RESULTS_DIR = "woaport/results"
DEVICES_DIR = "woaport/devices"
CONFLICT_TRIES = 4
_RESULT = re.compile(r"^woaport/results/([a-z0-9][a-z0-9._-]{0,62})/([a-z0-9][a-z0-9._-]*)\.json$")


def result_path(device_id: str, item_id: str) -> str:
    return f"{RESULTS_DIR}/{device_id}/{item_id}.json"


def heartbeat_path(device_id: str) -> str:
    return f"{DEVICES_DIR}/{device_id}.json"


def parse_result_path(path: str) -> tuple[str, str] | None:
    """(device id, item id) of a result file's path; None for any other path."""
    match = _RESULT.match(path)
    return (match[1], match[2]) if match else None


class Outbox:
    def __init__(
        self,
        repo: str,
        client: GitHub,
        *,
        branch: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.repo = repo
        self.client = client
        self.branch = branch
        self.sleep = sleep

    def __str__(self) -> str:
        return f"outbox {self.repo}"

    def write(
        self, path: str, data: bytes, *, message: str, replace: bool, sha: str | None = None
    ) -> str:
        """Write ``data`` at ``path``; the blob sha that is there afterwards.

        ``replace=False`` (results): create, and when the file exists already keep what is
        there. ``replace=True`` (the heartbeat): create or replace; ``sha`` is the blob this
        device last wrote there, if it knows. A conflict (409: another write to the branch
        at the same moment, or a stale ``sha``) is tried again after reading the file."""
        for attempt in range(CONFLICT_TRIES):
            try:
                return self.client.put_file(
                    self.repo, path, data, message=message, sha=sha, branch=self.branch
                )
            except GitHubRefused as exc:
                if exc.status not in (409, 422) or attempt + 1 == CONFLICT_TRIES:
                    raise
            current = self.client.file(self.repo, path, ref=self.branch)
            if current is None:
                sha = None  # gone meanwhile (or a conflict on the branch): create it
            elif not replace or current.data == data:
                return current.sha  # there already: an earlier attempt of this write, or kept
            else:
                sha = current.sha
            if attempt:
                self.sleep(self.client.policy.delay(attempt - 1))
        raise AssertionError("unreachable")  # pragma: no cover
