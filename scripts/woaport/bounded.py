"""Bounded readers for the JSON, YAML and TOML documents woaport reads.

Every document from outside goes through one of these, so none can take the machine with
size, nesting or repetition (limits in :mod:`woaport.limits`):

* :func:`read_text`: the file's size is checked before it is read.
* :func:`load_json`: the C decoder raises ``RecursionError`` at about a thousand levels;
  that, and anything deeper than ``MAX_DEPTH`` (checked without recursion once parsed, so
  that jsonschema and the typed readers never recurse deeper), is refused.
* :func:`load_yaml` / :func:`compose_yaml`: PyYAML keeps one node per anchor, and an alias
  (``*a``) hands back the *same* node (``yaml/composer.py``, ``Composer.compose_node``), so
  seven lines of nine aliases each stand for 9**7 nodes that cost nothing to load and
  gigabytes to walk (json.dumps, jsonschema). Its composers recurse once per level (libyaml's
  in C, without limit). So the event stream is scanned first, without recursion: levels,
  aliases, and nodes with each alias counted as the subtree it repeats; only a document
  within the limits is composed (by libyaml when PyYAML has it). An alias inside the
  collection it names (``&a [*a]``) would compose a cycle: refused too.
* :func:`load_toml`: ``tomllib`` recurses per level of inline tables and arrays; its
  ``RecursionError`` and anything deeper than ``MAX_DEPTH`` are refused.

Each raises ``error`` (a :class:`~woaport.errors.WoaportError` subclass; ``InvalidDocument``
unless the caller names another) with one line that starts with ``where``.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from woaport.errors import InvalidDocument, WoaportError
from woaport.limits import (
    MAX_DEPTH,
    MAX_DOCUMENT_BYTES,
    MAX_TOML_BYTES,
    MAX_YAML_ALIASES,
    MAX_YAML_BYTES,
    MAX_YAML_NODES,
)


def read_text(
    path: Path,
    max_bytes: int,
    where: str | None = None,
    error: type[WoaportError] = InvalidDocument,
) -> str:
    """A UTF-8 text file of at most ``max_bytes``."""
    where = where or str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise error(f"{where}: {size:,} bytes, over the {max_bytes:,} a woaport input may have")
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise error(f"{where}: cannot be read ({exc.strerror or exc})") from None
    if len(data) > max_bytes:  # grew while it was read
        raise error(f"{where}: over the {max_bytes:,} bytes a woaport input may have")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"{where}: not UTF-8 text (byte {exc.start})") from None


def depth_problem(data: Any, max_depth: int = MAX_DEPTH) -> str | None:
    """Why ``data`` (parsed JSON/YAML/TOML) is nested too deep, or None. No recursion.
    Only containers go on the stack (the controller checks some 20 MB of answers a run:
    a tuple per string and number cost more than the parsing)."""
    nested = (dict, list, tuple)
    if not isinstance(data, nested):
        return None
    stack: list[tuple[Any, int]] = [(data, 1)]
    seen: set[int] = set()
    while stack:
        value, depth = stack.pop()
        if depth > max_depth:
            return f"nested deeper than {max_depth} levels"
        if id(value) in seen:  # a YAML alias: already walked
            continue
        seen.add(id(value))
        children = value.values() if isinstance(value, dict) else value
        inner = [child for child in children if isinstance(child, nested)]
        if inner:
            stack.extend((child, depth + 1) for child in inner)
    return None


def load_json(
    text: str | bytes,
    where: str,
    *,
    error: type[WoaportError] = InvalidDocument,
    max_bytes: int = MAX_DOCUMENT_BYTES,
    max_depth: int = MAX_DEPTH,
) -> Any:
    """JSON text, bounded in size and depth."""
    if len(text) > max_bytes:
        raise error(f"{where}: over the {max_bytes:,} bytes a woaport document may have")
    try:
        data = json.loads(text)
    except RecursionError:
        raise error(
            f"{where}: nested deeper than {max_depth} levels; not a woaport input"
        ) from None
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError
        raise error(f"{where}: not JSON ({str(exc)[:120]})") from None
    problem = depth_problem(data, max_depth)
    if problem is not None:
        raise error(f"{where}: {problem}; not a woaport input")
    return data


def read_json(
    path: Path,
    where: str | None = None,
    *,
    error: type[WoaportError] = InvalidDocument,
    max_bytes: int = MAX_DOCUMENT_BYTES,
) -> Any:
    """A JSON file, bounded in size and depth."""
    where = where or str(path)
    return load_json(
        read_text(path, max_bytes, where, error), where, error=error, max_bytes=max_bytes
    )


# -- YAML -------------------------------------------------------------------------------------
# PyYAML is imported when a YAML text is read, not with this module: the JSON readers serve
# commands that read no YAML, and its import compiles a large pattern (10-25 ms).
if TYPE_CHECKING:
    import yaml
    from yaml.nodes import Node


class _Limit(Exception):
    """A limit was reached while scanning (turned into ``error`` by the callers)."""


@functools.cache
def _loader() -> type[yaml.SafeLoader]:
    """libyaml's loader when PyYAML has it: a 5,000-line packages.yml in 0.1 s, not 1 s."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _scan(text: str) -> None:
    """Walk the YAML event stream once, before any node is composed: count levels, aliases
    and nodes (an alias counts as the nodes of the subtree it repeats). Composing first
    is no option: libyaml's composer recurses in C with no limit (a few hundred thousand
    ``[`` end the process with SIGSEGV) and PyYAML's in Python (RecursionError)."""
    import yaml
    from yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, ScalarEvent

    nodes = aliases = 0
    sizes: dict[str, int] = {}  # anchor -> nodes it stands for
    open_: list[tuple[int, str | None]] = []  # (nodes before it, anchor) per open collection
    for event in yaml.parse(text, Loader=_loader()):
        if isinstance(event, ScalarEvent):
            nodes += 1
            if event.anchor is not None:
                sizes[event.anchor] = 1
        elif isinstance(event, CollectionStartEvent):
            nodes += 1
            open_.append((nodes, event.anchor))
            if len(open_) > MAX_DEPTH:
                raise _Limit(f"nested deeper than {MAX_DEPTH} levels")
        elif isinstance(event, CollectionEndEvent):
            before, anchor = open_.pop()
            if anchor is not None:
                sizes[anchor] = nodes - before + 1
        elif isinstance(event, AliasEvent):
            aliases += 1
            if aliases > MAX_YAML_ALIASES:
                raise _Limit(f"more than {MAX_YAML_ALIASES} aliases")
            if any(anchor == event.anchor for _, anchor in open_):
                # `&a [*a]`: the composer hands back the node being built, a cycle that
                # every walker of the result (jsonschema, json.dumps, ours) follows forever
                raise _Limit(f"alias *{str(event.anchor)[:40]} inside the node it names (a cycle)")
            nodes += sizes.get(str(event.anchor), 1)
        if nodes > MAX_YAML_NODES:
            raise _Limit(f"more than {MAX_YAML_NODES:,} nodes (an alias counts as what it repeats)")


# PyYAML 6.0.4's libyaml stops a scan past its own nesting limit (1,000 levels by default;
# its tests/test_libyaml_recursion_control.py: ScannerError "exceeded maximum nesting depth"),
# before _scan sees the events: a flow collection is scanned ahead for its simple keys
_PARSER_DEPTH_LIMIT = "exceeded maximum nesting depth"


def _yaml_error(exc: Exception, where: str, error: type[WoaportError]) -> WoaportError:
    if isinstance(exc, _Limit):
        return error(f"{where}: {exc}; not a woaport input")
    mark = getattr(exc, "problem_mark", None)
    at = f" line {mark.line + 1}, column {mark.column + 1}:" if mark else ""
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if _PARSER_DEPTH_LIMIT in str(problem):
        # (the same words whichever limit is met first: the parser's is deeper than ours)
        return error(f"{where}:{at} nested deeper than {MAX_DEPTH} levels; not a woaport input")
    return error(f"{where}:{at} not valid YAML ({problem})")


def _yaml_text(text: str, where: str, error: type[WoaportError]) -> None:
    if len(text) > MAX_YAML_BYTES:
        raise error(f"{where}: over the {MAX_YAML_BYTES:,} bytes a YAML input may have")


def load_yaml(text: str, where: str, *, error: type[WoaportError] = InvalidDocument) -> Any:
    """One YAML document as Python data (safe types only), bounded."""
    import yaml

    _yaml_text(text, where, error)
    try:
        _scan(text)
        return yaml.load(text, Loader=_loader())  # noqa: S506 (a safe loader)
    except (yaml.YAMLError, _Limit) as exc:
        raise _yaml_error(exc, where, error) from None


def compose_yaml(
    text: str,
    where: str,
    *,
    error: type[WoaportError] = InvalidDocument,
    loader: type[yaml.SafeLoader] | None = None,
) -> Node | None:
    """One YAML document as PyYAML nodes (for edits that keep the text's layout: the marks
    of PyYAML's own composer unless ``loader`` says otherwise), bounded."""
    import yaml

    _yaml_text(text, where, error)
    try:
        _scan(text)
        node: Node | None = yaml.compose(text, Loader=loader or yaml.SafeLoader)
        return node
    except (yaml.YAMLError, _Limit) as exc:
        raise _yaml_error(exc, where, error) from None


def read_yaml(
    path: Path, where: str | None = None, *, error: type[WoaportError] = InvalidDocument
) -> Any:
    where = where or str(path)
    return load_yaml(read_text(path, MAX_YAML_BYTES, where, error), where, error=error)


# -- TOML -------------------------------------------------------------------------------------
def load_toml(
    text: str, where: str, *, error: type[WoaportError] = InvalidDocument
) -> dict[str, Any]:
    """A TOML document, bounded in size and depth."""
    import tomllib

    if len(text) > MAX_TOML_BYTES:
        raise error(f"{where}: over the {MAX_TOML_BYTES:,} bytes a TOML input may have")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{where}: not valid TOML ({exc})") from None
    except RecursionError:
        raise error(f"{where}: nested too deep; not a woaport input") from None
    problem = depth_problem(data)
    if problem is not None:
        raise error(f"{where}: {problem}; not a woaport input")
    return data


def read_toml(
    path: Path, where: str | None = None, *, error: type[WoaportError] = InvalidDocument
) -> dict[str, Any]:
    where = where or str(path)
    return load_toml(read_text(path, MAX_TOML_BYTES, where, error), where, error=error)
