"""The device's GitHub token: in the system's credential store, or the environment.

``woaport device setup`` stores the token with ``keyring``: on Windows that is the
Credential Manager (``WinVaultKeyring``: a generic credential of the logged-on user,
encrypted for that user), elsewhere the Secret Service or the macOS Keychain. The device
reads it through :func:`device_token` alone: the credential store first, then
``WOAPORT_TOKEN`` (then ``GITHUB_TOKEN``), so a machine without a usable store, or a task
whose logon has no access to it, still works from the environment.

The token's value never reaches a log: :class:`Token` does not print it, and every
message names where the token is kept, never what it is.

Where the credential store is reachable: ``CredRead`` reads "the credential set associated
with the logon session of the current token" and fails with ``ERROR_NO_SUCH_LOGON_SESSION``
where the session has none (https://learn.microsoft.com/en-us/windows/win32/api/wincred/nf-wincred-credreadw).
An interactive logon has one, and so has the batch logon of a scheduled task that runs
with the user's stored password (LogonType ``Password``); a task that runs without a
stored password (``S4U``) has "no access to ... encrypted files" and no credential set
(https://learn.microsoft.com/en-us/windows/win32/api/taskschd/ne-taskschd-task_logon_type).
"""

from __future__ import annotations

import enum
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from woaport.errors import BadInput

if TYPE_CHECKING:
    from woaport.github import GitHub

SERVICE = "woaport"
ACCOUNT = "github-token"
ENV_NAMES = ("WOAPORT_TOKEN", "GITHUB_TOKEN")
MAX_TOKEN = 4096  # GitHub tokens are a few dozen characters


class Source(enum.StrEnum):
    STORE = "credential store"
    ENVIRONMENT = "environment"


@dataclass(frozen=True)
class Token:
    value: str = field(repr=False)
    source: Source
    where: str  # the store's name, or the variable's

    def describe(self) -> str:
        if self.source is Source.STORE:
            return f"stored in {self.where} ({SERVICE} / {ACCOUNT})"
        return f"from {self.where}"


def _store(store: Any) -> Any:
    if store is not None:
        return store
    import keyring

    return keyring.get_keyring()


def store_name(store: Any = None) -> str:
    """The credential store's name as a laptop owner knows it."""
    try:
        backend = _store(store)
    except Exception:  # keyring's backend discovery can fail in many ways
        return "no credential store"
    name = type(backend).__name__
    module = type(backend).__module__
    if module.endswith("Windows") or name == "WinVaultKeyring":
        return "Windows Credential Manager"
    if module.endswith("macOS"):
        return "the macOS Keychain"
    if module.endswith("SecretService"):
        return "the Secret Service"
    return getattr(backend, "name", name)


def stored_token(store: Any = None) -> Token | None:
    """The token in the credential store; None when there is none or no store answers."""
    try:
        backend = _store(store)
        value = backend.get_password(SERVICE, ACCOUNT)
    except Exception:  # no store, a locked one, a logon without one: no token
        return None
    if not value:
        return None
    return Token(value=value, source=Source.STORE, where=store_name(backend))


def device_token(environ: Mapping[str, str] | None = None, store: Any = None) -> Token | None:
    """The token the device uses: the credential store's, else the environment's."""
    found = stored_token(store)
    if found is not None:
        return found
    environ = os.environ if environ is None else environ
    for name in ENV_NAMES:
        if value := environ.get(name, "").strip():
            return Token(value=value, source=Source.ENVIRONMENT, where=name)
    return None


def check_token(value: str) -> str:
    """A token as pasted: one line of printable ASCII, no spaces."""
    value = value.strip()
    if not value:
        raise BadInput("the token is empty: paste the token GitHub showed when you created it")
    if len(value) > MAX_TOKEN or not value.isascii() or not value.isprintable() or " " in value:
        raise BadInput(
            "that is not a GitHub token (one line of letters, digits and _): paste it again"
        )
    return value


def store_token(value: str, store: Any = None) -> str:
    """Keep the token in the credential store; returns the store's name."""
    value = check_token(value)
    problem = "it did not give the token back"
    try:
        backend = _store(store)
        if type(backend).__module__ in ("keyring.backends.null", "keyring.backends.fail"):
            problem = "no credential store is available"
        else:
            backend.set_password(SERVICE, ACCOUNT, value)
            if backend.get_password(SERVICE, ACCOUNT) == value:
                return store_name(backend)
    except Exception as exc:  # every backend failure is the same to the owner
        problem = type(exc).__name__
    raise BadInput(
        f"cannot store the token in {store_name(store)} ({problem}); "
        "set WOAPORT_TOKEN in the task's environment instead"
    )


def github_client(
    url: str, cache_path: Path | None = None, warn: Callable[[str], None] | None = None
) -> GitHub | None:
    """The GitHub client a device uses for a ``github:`` queue or a ``hub:`` subscription
    (None for a ``dir:`` one): with the token :func:`device_token` finds."""
    if not url.startswith(("github:", "hub:")):
        return None
    from woaport.github import GitHub
    from woaport.http import EtagCache

    token = device_token()
    return GitHub(token=token.value if token else "", cache=EtagCache.load(cache_path, warn))
