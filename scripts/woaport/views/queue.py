"""Views of the device queue: what was published, what a queue holds."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from woaport.devicequeue import Listing, QueueURL
from woaport.documents.manifest import Manifest
from woaport.views.base import Line, Plain, md_code, md_text


@dataclass(frozen=True, kw_only=True)
class PublishedView(Plain):
    manifest: Manifest
    location: str

    def to_json(self) -> dict[str, Any]:
        return {
            "item_id": self.manifest.item_id,
            "location": self.location,
            "manifest": self.manifest.to_json(),
        }

    def text_lines(self) -> Iterator[Line]:
        yield Line(text=f"queued {self.manifest.item_id} at {self.location}", style="ok")
        for a in self.manifest.artifacts:
            yield Line(text=f"  {a.role:<10} {a.filename}  sha256 {a.sha256[:16]}")

    def markdown(self) -> str:
        return (
            f"### woaport queue\n\nQueued {md_code(self.manifest.item_id)} for devices: "
            f"{md_text(self.location)}"
        )


@dataclass(frozen=True, kw_only=True)
class PublishedManyView(Plain):
    items: list[PublishedView]

    def to_json(self) -> dict[str, Any]:
        return {"items": [i.to_json() for i in self.items]}

    def text_lines(self) -> Iterator[Line]:
        for item in self.items:
            yield from item.text_lines()

    def markdown(self) -> str:
        return "\n\n".join(i.markdown() for i in self.items)


@dataclass(frozen=True, kw_only=True)
class ListingView(Plain):
    url: QueueURL
    listing: Listing

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "item_id": item.item_id,
                "package": item.manifest.package,
                "version": item.manifest.version,
                "ci_verdict": str(item.manifest.ci.verdict),
                "payload": str(item.manifest.ci.payload),
                "devices": sorted(item.results),
            }
            for item in self.listing.items
        ]

    def to_json(self) -> dict[str, Any]:
        return {"queue": str(self.url), "items": self.rows(), "skipped": self.listing.skipped}

    def text_lines(self) -> Iterator[Line]:
        rows = self.rows()
        if not rows:
            yield Line(text=f"{self.url}: empty", style="dim")
        for row in rows:
            results = ", ".join(row["devices"]) or "no device yet"
            yield Line(
                text=f"{row['item_id']}  {row['package']} {row['version']}  "
                f"CI {row['ci_verdict']}  payload {row['payload']}  devices: {results}"
            )

    def markdown(self) -> str:
        lines = ["| item | package | CI | devices |", "| --- | --- | --- | --- |"]
        lines += [
            f"| {md_code(r['item_id'])} | {md_text(r['package'])} {md_text(r['version'])} "
            f"| {r['ci_verdict']} | {md_text(', '.join(r['devices']))} |"
            for r in self.rows()
        ]
        return "\n".join(lines)
