"""Helpers for tests that play a device or CI against a queue: real documents, real backends."""

from __future__ import annotations

import dataclasses
from typing import Any

from woaport.devicequeue import QueueItem, QueueURL
from woaport.devicequeue.github import GitHubQueue
from woaport.documents.device_result import RESULT_VERSION, DeviceResult
from woaport.documents.verdicts import Verdict
from woaport.github import GitHub


def github_queue(client: GitHub, repo: str) -> GitHubQueue:
    return GitHubQueue(QueueURL("github", repo), client)


def device_result(
    item: QueueItem, device_id: str, verdict: str, *, reason: str = "", **changes: Any
) -> DeviceResult:
    """The result a device would publish for ``item`` (``changes`` override fields)."""
    result = DeviceResult(
        result_version=RESULT_VERSION,
        device_id=device_id,
        item_id=item.item_id,
        package=item.manifest.package,
        version=item.manifest.version,
        manifest_sha256=item.manifest.digest(),
        artifacts=item.manifest.artifacts,
        verdict=Verdict(verdict),
        reason=reason,
        report=None,
        finished="2026-11-21T00:00:00Z",
        woaport_version="0",
    )
    return dataclasses.replace(result, **changes)
