"""A local HTTP server on 127.0.0.1 that replays recorded payloads for tests.

Routes map a method and path to a list of canned answers; each request takes the next answer
whose ``match`` accepts its parameters (the last matching answer repeats). Every request is
logged with its parsed parameters so tests can assert what the client actually sent.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

Params = dict[str, str]


@dataclass
class Answer:
    """One canned response."""

    body: bytes | Callable[[Params], bytes]
    status: int = 200
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    match: Callable[[Params], bool] | None = None
    times: int | None = None  # how many times this answer may be used (None = unlimited)
    drop_connection: bool = False  # close the socket without answering
    cut_after: int | None = None  # announce the full length, send this many bytes, then close

    @classmethod
    def file(cls, path: Path, **kw: object) -> Answer:
        """Serve a recorded payload file byte for byte."""
        suffix = path.suffix.lower()
        kind = {".xml": "text/xml; charset=UTF-8", ".txt": "text/plain; charset=UTF-8"}.get(
            suffix, "application/json;charset=utf-8"
        )
        kw.setdefault("content_type", kind)
        return cls(body=path.read_bytes(), **kw)  # type: ignore[arg-type]


@dataclass
class Logged:
    """A request as the server saw it."""

    method: str
    path: str
    params: Params
    headers: dict[str, str] = field(default_factory=dict)
    received: float = 0.0  # time.monotonic() when the server began handling it


class ReplayServer:
    """Start with ``with ReplayServer() as server:``; ``server.url`` is the base URL."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], list[Answer]] = {}
        self.log: list[Logged] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        """Base URL of the running server."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def add(self, method: str, path: str, *answers: Answer) -> None:
        """Register answers for ``method path`` (path without query string)."""
        self.routes.setdefault((method.upper(), "/" + path.lstrip("/")), []).extend(answers)

    def requests(self, path: str | None = None) -> list[Logged]:
        """Requests received (optionally only those to one path)."""
        if path is None:
            return list(self.log)
        path = "/" + path.lstrip("/")
        return [r for r in self.log if r.path == path]

    def __enter__(self) -> ReplayServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _pick(
        self, method: str, path: str, params: Params, headers: dict[str, str], received: float
    ) -> Answer | None:
        with self._lock:
            self.log.append(Logged(method, path, params, headers, received))
            for answer in self.routes.get((method, path), []):
                if answer.match is not None and not answer.match(params):
                    continue
                if answer.times is not None:
                    if answer.times <= 0:
                        continue
                    answer.times -= 1
                return answer
        return None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output quiet
                return

            def _serve(self, method: str) -> None:
                received = time.monotonic()
                parts = urlsplit(self.path)
                params = {
                    k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()
                }
                if method == "POST":
                    length = int(self.headers.get("Content-Length") or 0)
                    form = self.rfile.read(length).decode("utf-8")
                    params.update(
                        {k: v[-1] for k, v in parse_qs(form, keep_blank_values=True).items()}
                    )
                answer = server._pick(
                    method, parts.path, params, dict(self.headers.items()), received
                )
                if answer is None:
                    self.send_error(404, f"no recorded answer for {method} {parts.path}")
                    return
                if answer.drop_connection:
                    self.close_connection = True
                    self.connection.close()
                    return
                body = answer.body(params) if callable(answer.body) else answer.body
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if answer.cut_after is not None:  # a transfer cut mid-body
                    self.wfile.write(body[: answer.cut_after])
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self.wfile.write(body)

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

        return Handler
