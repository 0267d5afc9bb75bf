"""What a contract's code may see of this machine's environment: an allow-list.

Contract steps run code from the package under test, and on the device next to a token.
Every interpreter woaport starts inside a contract environment (the steps, and the checks
woaport itself runs there: the installed-files verification and the environment facts)
gets :func:`contract_environment`: the variables a Python process and its tools need to
run (paths, temp folders, locale, the Windows system folders), plus what the contract
declares in its ``env``, and nothing else. A name not on the list never reaches the code,
whatever it is called; :func:`is_secret_name` is the second line, used by the contract
validator to refuse a declared variable that looks like a credential.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# Windows treats variable names case-insensitively; compare in upper case everywhere.
ALLOWED = frozenset(
    {
        # finding programs and libraries
        "PATH",
        "PATHEXT",
        "COMSPEC",
        "SYSTEMROOT",
        "SYSTEMDRIVE",
        "WINDIR",
        "PROGRAMDATA",
        "PROGRAMFILES",
        "PROGRAMFILES(X86)",
        "PROGRAMW6432",
        "COMMONPROGRAMFILES",
        "COMMONPROGRAMFILES(X86)",
        "COMMONPROGRAMW6432",
        # where a process may write
        "TEMP",
        "TMP",
        "TMPDIR",
        "HOME",
        "USERPROFILE",
        "HOMEDRIVE",
        "HOMEPATH",
        "APPDATA",
        "LOCALAPPDATA",
        "XDG_CACHE_HOME",
        "XDG_CONFIG_HOME",
        "XDG_DATA_HOME",
        "XDG_RUNTIME_DIR",
        # who and where it runs
        "USER",
        "USERNAME",
        "LOGNAME",
        "COMPUTERNAME",
        "OS",
        "NUMBER_OF_PROCESSORS",
        "PROCESSOR_ARCHITECTURE",
        "PROCESSOR_ARCHITEW6432",
        "PROCESSOR_IDENTIFIER",
        "PROCESSOR_LEVEL",
        "PROCESSOR_REVISION",
        # text and time
        "LANG",
        "LANGUAGE",
        "TZ",
        "TERM",
        "NO_COLOR",
        "CI",
        # TLS trust for requirements that download at run time
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
    }
)
ALLOWED_PREFIXES = ("LC_",)

_SECRET_WORDS = re.compile(
    r"(^|_)(TOKEN|SECRET|PASSWORD|PASSWD|PASS|API_?KEY|KEY|PRIVATE|CREDENTIALS?|AUTH|PAT|"
    r"SESSION|COOKIE|CERT_PASSWORD)(_|$)|TOKEN$|SECRET|PASSWORD|PASSWD|APIKEY|PRIVATEKEY",
    re.IGNORECASE,
)


def is_secret_name(name: str) -> bool:
    """Does ``name`` look like it holds a credential? (``GITHUB_TOKEN``, ``GH_PAT``,
    ``AWS_SECRET_ACCESS_KEY``, ``PYPI_API_KEY``, ``MY_PRIVATE_KEY``, ``DB_PASSWD``,
    ``TOKEN``...)"""
    return bool(_SECRET_WORDS.search(name))


def allowed(name: str) -> bool:
    upper = name.upper()
    return upper in ALLOWED or upper.startswith(ALLOWED_PREFIXES)


def contract_environment(base: Mapping[str, str], declared: Mapping[str, str]) -> dict[str, str]:
    """The environment for code running in a contract environment."""
    env = {k: v for k, v in base.items() if allowed(k) and not is_secret_name(k)}
    env.update({k: v for k, v in declared.items() if not is_secret_name(k)})
    env["PYTHONNOUSERSITE"] = "1"
    env["PYTHONFAULTHANDLER"] = "1"  # a segfault prints the Python stack
    env["PYTHONIOENCODING"] = "utf-8"
    env.setdefault("PIP_DISABLE_PIP_VERSION_CHECK", "1")
    return env
