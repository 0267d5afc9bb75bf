"""The ``woaport`` executable's first module: answers ``--version`` and ``--help`` without
importing click.

Importing click alone costs several times Python's own start-up, and help text is static:
it depends only on the code, the terminal width and the environment the option defaults
read. So a help text click rendered once is kept beside the package's bytecode
(``__pycache__/woaport-help/``), keyed by all of those, the way Python keeps ``.pyc`` files
keyed by their source; the next ``woaport X --help`` prints it as it is. Anything else, a
miss included, goes to the click command line (`woaport.cli.main`).

Start-up makes objects that live as long as the process (modules, classes, functions), so
Python's cyclic garbage collector, set off again and again by the allocations, only walks
them over and over: about a sixth of the start of a command. The ``woaport`` executable
switches it off while click and the command table load, then freezes what they made out
of every later collection (``gc.freeze``) and switches it back on; at the end it freezes
everything again, so the interpreter's exit does not walk it all once more.
"""

from __future__ import annotations

import gc
import os
import sys
import zlib
from collections.abc import Sequence

PACKAGE = os.path.dirname(os.path.abspath(__file__))
HELP_NAMES = ("-h", "--help")
MAX_CONTENT_WIDTH = 100  # the root group's context setting (woaport.cli)


def help_path(words: Sequence[str]) -> tuple[str, ...] | None:
    """The command path of a plain help request (``contract run --help``), else None."""
    if not words or words[-1] not in HELP_NAMES:
        return None
    path = tuple(words[:-1])
    if any(not w or w.startswith("-") or not w.replace("-", "").isalnum() for w in path):
        return None
    return path


def width() -> int:
    """The width click's help formatter uses (click.formatting.HelpFormatter)."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 80
    return max(min(columns, MAX_CONTENT_WIDTH) - 2, 50)


def fingerprint() -> str:
    """What help text depends on: every module of the package (path, size, mtime), the
    interpreter, the width, and the WOAPORT_/GITHUB_ variables option defaults may read."""
    parts = [sys.executable, str(width())]
    for folder, _dirs, _files in os.walk(PACKAGE):
        if folder.endswith("__pycache__"):
            continue
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if entry.name.endswith((".py", ".json", ".yml")):
                stat = entry.stat()
                parts.append(f"{entry.path}:{stat.st_size}:{stat.st_mtime_ns}")
    parts += [
        f"{k}={os.environ[k]}" for k in sorted(os.environ) if k.startswith(("WOAPORT_", "GITHUB_"))
    ]
    data = "\n".join(parts).encode("utf-8", "surrogateescape")
    # Two 32-bit checksums (zlib is built in; hashlib would load OpenSSL at every start)
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"


def cache_file(path: tuple[str, ...]) -> str:
    name = "-".join(path) or "woaport"
    return os.path.join(PACKAGE, "__pycache__", "woaport-help", fingerprint(), f"{name}.txt")


def cached_help(path: tuple[str, ...]) -> str | None:
    if os.environ.get("WOAPORT_NO_HELP_CACHE"):
        return None
    try:
        with open(cache_file(path), encoding="utf-8") as fh:
            return fh.read()
    except OSError:
        return None


def store_help(path: tuple[str, ...], text: str) -> None:
    """Keep a rendered help text; a cache that cannot be written is no error (WOAPORT_NO_HELP_CACHE
    set: nothing is read or written)."""
    if os.environ.get("WOAPORT_NO_HELP_CACHE"):
        return
    target = cache_file(path)
    temporary = f"{target}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(temporary, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(temporary, target)
    except OSError:
        pass


def main(argv: Sequence[str] | None = None) -> None:
    """The ``woaport`` executable. ``argv``: the words, for a caller that runs woaport in
    its own process (its garbage collector is left as it is); else the command line."""
    own = argv is None
    words = list(sys.argv[1:] if argv is None else argv)
    if own:
        gc.disable()
    try:
        if words == ["--version"]:
            from woaport import __version__

            sys.stdout.write(f"woaport, version {__version__}\n")
            sys.exit(0)
        path = help_path(words)
        if path is not None and (text := cached_help(path)) is not None:
            sys.stdout.write(text)
            sys.exit(0)
        from woaport.cli import main as cli_main

        if own:
            gc.freeze()
            gc.enable()
        cli_main(words, help_for=path)
    finally:
        if own:
            gc.freeze()
