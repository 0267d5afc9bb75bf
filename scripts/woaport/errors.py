"""Every fatal error woaport raises, each with the exit code it ends the process with.

Exit codes are the same for every command:

* 0 (``EXIT_OK``): everything checked is fine
* 1 (``EXIT_PROBLEMS``): the check ran and found problems (a command returns it; it is
  no exception)
* 2 (``EXIT_BAD_INPUT``): bad input or usage; nothing was checked (``BadInput`` and its
  subclasses)
* 3 (``EXIT_UNREACHABLE``): a source (the package index, GitHub, a download host) could
  not be reached or kept failing after the retries; nothing is wrong with the input, and
  the same call may succeed later (``Unreachable``)

Only :func:`woaport.cli.main` turns these into ``sys.exit``; library code raises. Callers
tell errors apart by their type, never by the text of their message.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_BAD_INPUT = 2
EXIT_UNREACHABLE = 3
EXIT_INTERRUPTED = 130


class WoaportError(Exception):
    """Base class: a one-line message meant for the user, and an exit code."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadInput(WoaportError):
    """The user handed us something we cannot work with. The message names it and the fix."""


class InvalidWheel(BadInput):
    """A file that is not a readable wheel (not a zip, truncated, unsafe paths, zip bomb...)."""


class InvalidContract(BadInput):
    """A smoke contract that does not validate against the schema."""


class InvalidDocument(BadInput):
    """A document (manifest, report, device result, status) that does not match its schema."""


class Corrupted(BadInput):
    """Bytes that do not match the digest they were promised under: refused, never used."""


class NotFound(BadInput):
    """The source answered, and what was asked for is not there (a project not on the index)."""


class Unreachable(WoaportError):
    """A source could not be reached, or answered with errors after the retries."""

    exit_code = EXIT_UNREACHABLE
