"""A package index client: the files of a project, from PEP 691 JSON or PEP 503 HTML.

The index is the one the user already trusts: ``--index-url``, else ``WOAPORT_INDEX_URL``,
else ``PIP_INDEX_URL``, else pip's configuration files, else PyPI (:func:`default_index_url`). Relative file URLs are
resolved against the page's final URL (after redirects) or its ``<base href>``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from packaging.utils import canonicalize_name

from woaport.bounded import load_json
from woaport.errors import BadInput, NotFound, Unreachable
from woaport.http import EtagCache, get, read_capped
from woaport.limits import MAX_PAGE_BYTES
from woaport.safepath import project_name_problem

if TYPE_CHECKING:
    from woaport.http import Session

ACCEPT = (
    "application/vnd.pypi.simple.v1+json, "
    "application/vnd.pypi.simple.v1+html;q=0.2, "
    "text/html;q=0.01"
)
JSON_TYPE = "application/vnd.pypi.simple.v1+json"


@dataclass(frozen=True, kw_only=True)
class IndexFile:
    filename: str
    url: str
    sha256: str | None
    requires_python: str | None
    yanked: bool
    size: int | None = None
    # PEP 740: the URL of the file's provenance object, when the index offers one
    provenance: str | None = None


PYPI_SIMPLE = "https://pypi.org/simple"
# pip reads /etc/pip.conf after the XDG_CONFIG_DIRS files on Unix (a module attribute, so
# that tests can point it at a temporary folder).
UNIX_ETC = Path("/etc")


def default_index_url(
    env: Mapping[str, str] | None = None,
    *,
    platform: str | None = None,
    prefix: Path | None = None,
) -> str:
    """The index ``pip install`` on this machine would use: ``WOAPORT_INDEX_URL``, else
    ``PIP_INDEX_URL``, else ``index-url`` from pip's configuration files, else PyPI.

    pip itself is not imported (it is no dependency, and its internals cost 0.2 s) nor run:
    the files are the ones pip's "Configuration" documentation lists
    (https://pip.pypa.io/en/stable/topics/configuration/), read in the order pip's
    ``pip/_internal/configuration.py`` reads them. When no variable and no file names an
    index, pip's answer is its built-in default, PyPI, and so is ours: a ``pip config
    list`` call could only repeat what these same sources say.
    """
    env = os.environ if env is None else env
    for variable in ("WOAPORT_INDEX_URL", "PIP_INDEX_URL"):
        if env.get(variable):
            return env[variable]
    return _pip_index_url(env, platform or sys.platform, prefix or Path(sys.prefix))


def pip_config_files(env: Mapping[str, str], platform: str, prefix: Path) -> list[Path]:
    """pip's configuration files, lowest priority first (a later file's value wins).

    Per pip's documentation: global, then user (the legacy file, then the current one),
    then site (the environment's own). ``PIP_CONFIG_FILE`` comes last: pip's code gives it
    priority over the other files (``OVERRIDE_ORDER`` puts it after site), and skips the
    user files when it exists, whatever the documentation's older wording says; set to
    ``os.devnull`` it turns every file off.
    """
    windows = platform == "win32"
    name = "pip.ini" if windows else "pip.conf"
    home = Path(env.get("USERPROFILE" if windows else "HOME") or Path.home())
    chosen = env.get("PIP_CONFIG_FILE")
    if chosen in (os.devnull, "nul", "/dev/null"):
        return []
    if windows:
        program_data = env.get("PROGRAMDATA") or env.get("ALLUSERSPROFILE") or r"C:\ProgramData"
        global_files = [Path(program_data) / "pip" / name]
        current = Path(env.get("APPDATA") or home / "AppData" / "Roaming") / "pip" / name
        legacy = home / "pip" / name
    elif platform == "darwin":
        global_files = [Path("/Library/Application Support/pip") / name]
        app_support = home / "Library" / "Application Support" / "pip"
        current = (app_support if app_support.is_dir() else home / ".config" / "pip") / name
        legacy = home / ".pip" / name
    else:
        dirs = [d for d in (env.get("XDG_CONFIG_DIRS") or "/etc/xdg").split(":") if d]
        global_files = [Path(d) / "pip" / name for d in dirs] + [UNIX_ETC / name]
        current = Path(env.get("XDG_CONFIG_HOME") or home / ".config") / "pip" / name
        legacy = home / ".pip" / name
    user_files = [] if chosen and Path(chosen).is_file() else [legacy, current]
    files = [*global_files, *user_files, prefix / name]
    return [*files, Path(chosen)] if chosen else files


# [install] and [download] override [global] for those pip commands (pip's "Configuration"
# docs, "Config file" sections); woaport installs what it finds, so [install] wins last.
SECTIONS = ("global", "download", "install")


def _pip_index_url(env: Mapping[str, str], platform: str, prefix: Path) -> str:
    import configparser

    found: dict[str, str] = {}
    for path in pip_config_files(env, platform, prefix):
        if not path.is_file():
            continue
        parser = configparser.RawConfigParser()
        try:
            parser.read(path, encoding="utf-8")
        except (configparser.Error, UnicodeDecodeError) as exc:
            raise BadInput(
                f"{path}: pip's configuration file cannot be read "
                f"({str(exc).splitlines()[0]}); fix it, or pass --index-url URL"
            ) from None
        for section in SECTIONS:
            if not parser.has_section(section):
                continue
            for key, value in parser.items(section):
                # pip normalises names: lower case, "_" as "-" (configuration._normalize_name)
                if key.lower().replace("_", "-") == "index-url" and value.strip():
                    found[section] = value.strip()
    for section in reversed(SECTIONS):
        if section in found:
            return found[section]
    return PYPI_SIMPLE


def project_url(index_url: str, name: str) -> str:
    parts = urlsplit(index_url)
    if parts.scheme not in ("http", "https"):
        raise BadInput(
            f"index URL {index_url!r} is not http(s); pass --index-url https://HOST/simple"
        )
    problem = project_name_problem(name)
    if problem is not None:
        raise BadInput(f"{name[:80]!r} {problem}; check the spelling")
    return index_url.rstrip("/") + "/" + canonicalize_name(name) + "/"


@dataclass(frozen=True, kw_only=True)
class Page:
    """A project page as the index answered it: its files and its ETag, if any."""

    files: list[IndexFile]
    etag: str | None


def fetch_page(session: Session, index_url: str, name: str, etag: str | None = None) -> Page | None:
    """The project's page, parsed; None when ``etag`` is given and the index answers 304
    (the page has not changed since the answer that carried that ETag)."""
    url = project_url(index_url, name)
    headers = {"Accept": ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    response = get(session, url, headers=headers)
    if response.status_code == 304 and etag:
        return None
    if response.status_code == 404:
        raise NotFound(f"{name!r} is not on the index {index_url}; check the name (pip's spelling)")
    if response.status_code != 200:
        raise Unreachable(f"{url}: HTTP {response.status_code} from the package index")
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    files = _parse(content_type, response.content, response.url or url, url)
    return Page(files=files, etag=response.headers.get("ETag"))


def fetch_files(
    session: Session, index_url: str, name: str, cache: EtagCache | None = None
) -> list[IndexFile]:
    """The project's files. With a ``cache``, the request is conditional (If-None-Match) and
    a 304 answer is served from the cached page."""
    url = project_url(index_url, name)
    headers = {"Accept": ACCEPT}
    cached = _cached_page(cache.entries.get(url)) if cache else None
    if cached:
        headers["If-None-Match"] = cached[0]
    response = get(session, url, headers=headers, stream=True)
    if response.status_code == 304 and cached:
        response.close()
        return _parse(*cached[1:], url)
    if response.status_code == 404:
        response.close()
        raise NotFound(f"{name!r} is not on the index {index_url}; check the name (pip's spelling)")
    if response.status_code != 200:
        response.close()
        raise Unreachable(f"{url}: HTTP {response.status_code} from the package index")
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    base = response.url or url
    data = read_capped(response, label=url, max_bytes=MAX_PAGE_BYTES, too_big=Unreachable)
    files = _parse(content_type, data, base, url)
    text = data.decode("utf-8", errors="replace")
    etag = response.headers.get("ETag")
    if cache is not None and etag:
        cache.put(url, etag, {"content_type": content_type, "text": text, "base": base})
    return files


def _cached_page(entry: dict[str, Any] | None) -> tuple[str, str, str, str] | None:
    """(etag, content type, text, base) of a cached page; None when absent or damaged."""
    body = entry.get("body") if entry else None
    if not isinstance(body, dict):
        return None
    fields = (
        entry["etag"] if entry else None,
        *(body.get(k) for k in ("content_type", "text", "base")),
    )
    if not all(isinstance(f, str) for f in fields):
        return None
    return fields  # type: ignore[return-value]


def _parse(content_type: str, text: str | bytes, base: str, url: str) -> list[IndexFile]:
    """PEP 691 JSON (UTF-8 by RFC 8259, so read from bytes as they came) or PEP 503 HTML."""
    if content_type in (JSON_TYPE, "application/json"):
        data = load_json(text, url, error=Unreachable, max_bytes=MAX_PAGE_BYTES)
        try:
            return parse_json(data, base)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise Unreachable(
                f"{url}: the index answered JSON that is not PEP 691 ({type(exc).__name__}: "
                f"{str(exc)[:100]}); is it a package index?"
            ) from None
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    return parse_html(text, base)


def parse_json(document: dict[str, Any], base: str) -> list[IndexFile]:
    """PEP 691's ``files``. An entry without a string ``filename`` and ``url`` is no file;
    every other field of the wrong type is taken as absent."""
    files = []
    for entry in document["files"]:
        filename, url = entry["filename"], entry["url"]
        if not isinstance(filename, str) or not isinstance(url, str):
            raise TypeError("a file's filename and url must be strings")
        hashes = entry.get("hashes")
        sha256 = hashes.get("sha256") if isinstance(hashes, dict) else None
        size = entry.get("size")
        requires_python = entry.get("requires-python")
        provenance = entry.get("provenance")  # PEP 740: a URL string, null, or absent
        files.append(
            IndexFile(
                filename=filename,
                url=urljoin(base, url),
                sha256=sha256 if isinstance(sha256, str) else None,
                requires_python=requires_python if isinstance(requires_python, str) else None,
                yanked=bool(entry.get("yanked", False)),
                size=size if isinstance(size, int) and not isinstance(size, bool) else None,
                provenance=urljoin(base, provenance) if isinstance(provenance, str) else None,
            )
        )
    return files


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.anchors: list[tuple[dict[str, str | None], str]] = []
        self._open: dict[str, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "base" and self.base is None:
            self.base = dict(attrs).get("href")
        elif tag == "a":
            self._open, self._text = dict(attrs), []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open is not None:
            self.anchors.append((self._open, "".join(self._text).strip()))
            self._open = None


def parse_html(text: str, base: str) -> list[IndexFile]:
    parser = _Anchors()
    parser.feed(text)
    parser.close()
    page_base = urljoin(base, parser.base) if parser.base else base
    files = []
    for attrs, label in parser.anchors:
        href = attrs.get("href")
        if not href:
            continue
        url = urljoin(page_base, href)
        path, _, fragment = url.partition("#")
        algorithm, _, value = fragment.partition("=")
        filename = label or path.rstrip("/").rpartition("/")[2]
        files.append(
            IndexFile(
                filename=filename,
                url=path,
                sha256=value if algorithm == "sha256" and value else None,
                requires_python=attrs.get("data-requires-python"),
                yanked="data-yanked" in attrs,
                provenance=urljoin(page_base, attrs["data-provenance"] or "")
                if attrs.get("data-provenance")
                else None,
            )
        )
    return files
