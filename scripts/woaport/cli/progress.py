"""Download progress drawn on the terminal: the click adapter for ``woaport.http.Progress``.

Library code reports progress through a plain callback (bytes so far, total when known);
only the command line decides whether and how to draw it.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar


class DownloadBar:
    """A ``Progress`` callback that draws a click progress bar on stderr.

    The bar is made on the first call, once the total (Content-Length) is known; with
    ``show=False`` (not a terminal, ``--json``) nothing is drawn. Use it as a context
    manager so that the bar's line is finished even when the download fails::

        with DownloadBar(filename, show=sys.stderr.isatty()) as bar:
            download(session, url, target, sha256=sha, progress=bar)
    """

    def __init__(self, label: str, *, show: bool | None = None) -> None:
        self.label = label
        self.show = sys.stderr.isatty() if show is None else show
        self._bar: ProgressBar[int] | None = None
        self._done = 0

    def __call__(self, done: int, total: int | None) -> None:
        if not self.show:
            return
        if self._bar is None:
            self._bar = click.progressbar(
                length=total or 0,
                label=self.label,
                file=sys.stderr,
                show_percent=bool(total),
                width=30,
            )
            self._bar.__enter__()
        self._bar.update(done - self._done)
        self._done = done

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None

    def __enter__(self) -> DownloadBar:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
