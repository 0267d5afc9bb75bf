"""A package index on 127.0.0.1 for tests: PEP 691 JSON or PEP 503 HTML, relative URLs,
real files, and injected faults (5xx, wrong hashes, truncated bodies)."""

from __future__ import annotations

import hashlib
import html
import json
import re
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class Project:
    files: dict[str, bytes]
    yanked: set[str] = field(default_factory=set)
    wrong_hash: set[str] = field(default_factory=set)
    # PEP 658/714: a wheel's core metadata, served at "<file URL>.metadata".
    metadata: dict[str, bytes] = field(default_factory=dict)


@dataclass
class IndexState:
    projects: dict[str, Project] = field(default_factory=dict)
    mode: str = "json"  # "json" | "html"
    fail_next: list[int] = field(default_factory=list)  # statuses to answer before real ones
    truncate: set[str] = field(default_factory=set)
    hits: Counter[str] = field(default_factory=Counter)
    accept_seen: list[str] = field(default_factory=list)
    not_modified: int = 0
    latency: float = 0.0  # seconds added to every answer, like a far-away index
    fail_paths: dict[str, int] = field(default_factory=dict)  # path -> status, persistent
    # project -> (Content-Type, body): a page served as is (hostile or malformed indexes)
    raw_pages: dict[str, tuple[str, bytes]] = field(default_factory=dict)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _handler(state: IndexState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            state.hits[self.path] += 1
            if state.latency:
                time.sleep(state.latency)
            if self.path in state.fail_paths:
                self.send_response(state.fail_paths[self.path])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if state.fail_next:
                status = state.fail_next.pop(0)
                self.send_response(status)
                if status == 429:
                    self.send_header("Retry-After", "0")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            parts = self.path.strip("/").split("/")
            if len(parts) == 2 and parts[0] == "simple":
                self.page(parts[1])
            elif len(parts) == 3 and parts[0] == "files" and parts[2].endswith(".metadata"):
                self.metadata(parts[1], parts[2].removesuffix(".metadata"))
            elif len(parts) == 3 and parts[0] == "files":
                self.file(parts[1], parts[2])
            else:
                self.send_error(404)

        def page(self, name: str) -> None:
            state.accept_seen.append(self.headers.get("Accept", ""))
            if name in state.raw_pages:
                ctype, body = state.raw_pages[name]
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            project = state.projects.get(name)
            if project is None:
                self.send_error(404)
                return
            entries = []
            for filename, data in project.files.items():
                digest = hashlib.sha256(data).hexdigest()
                if filename in project.wrong_hash:
                    digest = "0" * 64
                entries.append((filename, digest, filename in project.yanked, len(data)))
            if state.mode == "json":
                body = json.dumps(
                    {
                        "meta": {"api-version": "1.1"},
                        "name": name,
                        "files": [
                            {
                                "filename": f,
                                "url": f"../../files/{name}/{f}",
                                "hashes": {"sha256": d},
                                "yanked": y,
                                "size": n,
                                **(
                                    {"core-metadata": {"sha256": _sha(project.metadata[f])}}
                                    if f in project.metadata
                                    else {}
                                ),
                            }
                            for f, d, y, n in entries
                        ],
                    }
                ).encode()
                ctype = "application/vnd.pypi.simple.v1+json"
            else:
                # Relative to a <base href>, as some mirrors do.
                links = "".join(
                    f'<a href="{name}/{html.escape(f)}#sha256={d}"'
                    + (' data-yanked=""' if y else "")
                    + ' data-requires-python="&gt;=3.11">'
                    + f"{html.escape(f)}</a><br/>\n"
                    for f, d, y, _ in entries
                )
                body = (
                    f'<!DOCTYPE html><html><head><base href="/files/"></head><body>\n'
                    f"<h1>Links for {name}</h1>\n{links}</body></html>"
                ).encode()
                ctype = "text/html"
            etag = '"' + hashlib.sha256(body).hexdigest()[:24] + '"'
            if self.headers.get("If-None-Match") == etag:
                state.not_modified += 1
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("ETag", etag)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def metadata(self, name: str, filename: str) -> None:
            data = state.projects.get(name, Project(files={})).metadata.get(filename)
            if data is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def file(self, name: str, filename: str) -> None:
            data = state.projects.get(name, Project(files={})).files.get(filename)
            if data is None:
                self.send_error(404)
                return
            wanted = re.fullmatch(r"bytes=(\d{1,15})-(\d{1,15})", self.headers.get("Range", ""))
            if wanted and int(wanted[1]) <= int(wanted[2]) < len(data):
                # RFC 9110 section 14: a satisfiable single range is answered 206.
                start, end = int(wanted[1]), int(wanted[2])
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
                self.send_header("Content-Length", str(end - start + 1))
                self.end_headers()
                self.wfile.write(data[start : end + 1])
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if filename in state.truncate:
                self.wfile.write(data[: len(data) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            self.wfile.write(data)

    return Handler


@dataclass
class FakeIndex:
    state: IndexState
    url: str

    def add(self, name: str, files: dict[str, bytes] | dict[str, Path], **kwargs: object) -> None:
        data = {k: v.read_bytes() if isinstance(v, Path) else v for k, v in files.items()}
        self.state.projects[name] = Project(files=data, **kwargs)  # type: ignore[arg-type]


class _Server(ThreadingHTTPServer):
    # socketserver's default backlog is 5: a client opening more connections at once has
    # its SYNs dropped and retried a second later. A real index accepts far more.
    request_queue_size = 1024


@contextmanager
def serve() -> Iterator[FakeIndex]:
    state = IndexState()
    server = _Server(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield FakeIndex(state=state, url=f"http://127.0.0.1:{server.server_address[1]}/simple/")
    finally:
        server.shutdown()
        server.server_close()
