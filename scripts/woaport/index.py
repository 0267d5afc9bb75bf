"""A package index client: the files of a project, from PEP 691 JSON or PEP 503 HTML.

The index is the one the user already trusts: ``--index-url``, else ``WOAPORT_INDEX_URL``,
else ``PIP_INDEX_URL``, else pip's own configuration and default. Relative file URLs are
resolved against the page's final URL (after redirects) or its ``<base href>``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from packaging.utils import canonicalize_name

from woaport.errors import BadInput, NotFound, Unreachable
from woaport.http import EtagCache, get

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


def default_index_url() -> str:
    for variable in ("WOAPORT_INDEX_URL", "PIP_INDEX_URL"):
        if os.environ.get(variable):
            return os.environ[variable]
    try:
        return _pip_index_url()
    except Exception:  # pip missing or its internals moved: say what to do instead
        raise BadInput(
            "no package index configured and pip is not importable to ask; "
            "pass --index-url URL or set WOAPORT_INDEX_URL"
        ) from None


def _pip_index_url() -> str:
    # pip's configuration (pip.conf, PIP_* variables) and its default: the index that
    # `pip install` on this machine would use.
    from pip._internal.configuration import Configuration
    from pip._internal.exceptions import ConfigurationError
    from pip._internal.models.index import PyPI

    configuration = Configuration(isolated=False)
    configuration.load()
    for key in (":env:.index-url", "global.index-url", "install.index-url", "download.index-url"):
        try:
            value = configuration.get_value(key)
        except ConfigurationError:
            continue
        if value:
            return str(value)
    return str(PyPI.simple_url)


def project_url(index_url: str, name: str) -> str:
    parts = urlsplit(index_url)
    if parts.scheme not in ("http", "https"):
        raise BadInput(
            f"index URL {index_url!r} is not http(s); pass --index-url https://HOST/simple"
        )
    return index_url.rstrip("/") + "/" + canonicalize_name(name) + "/"


def fetch_files(
    session: requests.Session, index_url: str, name: str, cache: EtagCache | None = None
) -> list[IndexFile]:
    """The project's files. With a ``cache``, the request is conditional (If-None-Match) and
    a 304 answer is served from the cached page."""
    url = project_url(index_url, name)
    headers = {"Accept": ACCEPT}
    cached = cache.entries.get(url) if cache else None
    if cached:
        headers["If-None-Match"] = cached["etag"]
    response = get(session, url, headers=headers)
    if response.status_code == 304 and cached:
        return _parse(
            cached["body"]["content_type"], cached["body"]["text"], cached["body"]["base"], url
        )
    if response.status_code == 404:
        raise NotFound(f"{name!r} is not on the index {index_url}; check the name (pip's spelling)")
    if response.status_code != 200:
        raise Unreachable(f"{url}: HTTP {response.status_code} from the package index")
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    base = response.url or url
    files = _parse(content_type, response.text, base, url)
    etag = response.headers.get("ETag")
    if cache is not None and etag:
        cache.put(url, etag, {"content_type": content_type, "text": response.text, "base": base})
    return files


def _parse(content_type: str, text: str, base: str, url: str) -> list[IndexFile]:
    if content_type in (JSON_TYPE, "application/json"):
        try:
            return parse_json(json.loads(text), base)
        except (ValueError, KeyError, TypeError) as exc:
            raise Unreachable(
                f"{url}: the index answered JSON that is not PEP 691 ({exc}); is it a package index?"
            ) from None
    return parse_html(text, base)


def parse_json(document: dict[str, Any], base: str) -> list[IndexFile]:
    files = []
    for entry in document["files"]:
        hashes = entry.get("hashes") or {}
        yanked = entry.get("yanked", False)
        size = entry.get("size")
        provenance = entry.get("provenance")  # PEP 740: a URL string, null, or absent
        files.append(
            IndexFile(
                filename=entry["filename"],
                url=urljoin(base, entry["url"]),
                sha256=hashes.get("sha256"),
                requires_python=entry.get("requires-python"),
                yanked=bool(yanked),
                size=size if isinstance(size, int) else None,
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
