"""Every fatal error woaport raises, each with the exit code it ends the process with.

Exit codes are the same for every command:

* 0: everything checked is fine
* 1: the check ran and found problems (a command returns it; it is no exception)
* 2: bad input or usage; nothing was checked (``BadInput`` and its subclasses)

Only :func:`woaport.cli.main` turns these into ``sys.exit``; library code raises.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_BAD_INPUT = 2


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


class NetworkError(BadInput):
    """A server could not be reached or answered with an error after the retries."""
