"""The view of ``woaport fork init``: what was written, and what GitHub needs next."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from woaport.forkinit import InitResult
from woaport.views.base import Line, Plain


@dataclass(frozen=True)
class ForkInitView(Plain):
    result: InitResult

    def to_json(self) -> dict[str, Any]:
        r = self.result
        return {
            "package": r.project.name,
            "build_backend": r.project.backend,
            "detected_from": r.project.source,
            "written": [str(p) for p in r.written],
            "contract": r.contract,
            "hub": r.hub,
            "extension_modules": r.extension_modules,
            "next_steps": r.next_steps,
        }

    def text_lines(self) -> Iterator[Line]:
        r = self.result
        yield Line(
            text=f"{r.project.name} (from {r.project.source}; build backend {r.project.backend})",
            style="heading",
        )
        for path in r.written:
            yield Line(text=f"  wrote {path}", style="ok")
        yield Line(text=f"  contract: {r.contract}")
        yield Line(text=f"  hub: {r.hub}")
        if r.extension_modules:
            yield Line(text=f"  extension modules: {', '.join(r.extension_modules)}")
        yield Line(
            text="next: commit these files, push the branch, and watch the `woaport` workflow run"
        )
        yield Line(text="what GitHub needs from the fork:", style="heading")
        for step in r.next_steps:
            yield Line(text=f"  - {step}")
