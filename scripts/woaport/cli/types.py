"""Parameter types shared by the commands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click


class OptionalPath(click.Path):
    """A path where an empty value means "not given": what an unset GitHub Actions input
    passes through `--option "$INPUT"`."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if value == "" or value is None:
            return None
        return super().convert(value, param, ctx)


def optional_path(**kwargs: Any) -> OptionalPath:
    return OptionalPath(path_type=Path, **kwargs)
