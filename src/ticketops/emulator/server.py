"""The emulator over real HTTP (a thread per connection), for the CLI and for loopback tests.

A dropped response (``faults.drop_response``) closes the connection without writing anything,
after the request has been processed, as a network failure would. Request bodies come with a
``Content-Length`` or ``Transfer-Encoding: chunked``; a body that cannot be framed is answered
400 and the connection is closed, so that no leftover bytes are read as the next request.
"""

from __future__ import annotations

import contextlib
import signal
import socket
import threading
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType, TracebackType
from typing import BinaryIO

from ticketops.emulator.app import Emulator
from ticketops.emulator.router import EmuRequest
from ticketops.emulator.transport import DroppedResponse

MAX_BODY = 64 * 1024 * 1024  # a request body larger than this is refused, not buffered
_MAX_LINE = 8192  # a chunk-size or trailer line


class BadFraming(ValueError):
    """The request body cannot be read from the connection (bad chunking, bad length)."""


def read_body(rfile: BinaryIO, headers: Mapping[str, str]) -> bytes:
    """The request body, framed as RFC 9112 says: chunked wins over Content-Length."""
    coding = (headers.get("transfer-encoding") or "").strip().lower()
    if coding:
        if [c.strip() for c in coding.split(",")][-1] != "chunked":
            raise BadFraming(f"unsupported Transfer-Encoding {coding!r}; send chunked or a Content-Length")
        return _read_chunked(rfile)
    raw = (headers.get("content-length") or "0").strip()
    if not raw.isdigit():
        raise BadFraming(f"Content-Length {raw!r} is not a number")
    length = int(raw)
    if length > MAX_BODY:
        raise BadFraming(f"the body is {length} bytes; at most {MAX_BODY} are accepted")
    body = rfile.read(length) if length else b""
    if len(body) != length:
        raise BadFraming("the connection closed before the whole body arrived")
    return body


def _read_chunked(rfile: BinaryIO) -> bytes:
    parts: list[bytes] = []
    total = 0
    while True:
        size_text = _line(rfile).split(b";", 1)[0].strip()  # chunk extensions are ignored
        try:
            size = int(size_text, 16)
        except ValueError:
            raise BadFraming(f"bad chunk size {size_text[:20]!r}") from None
        if size < 0 or total + size > MAX_BODY:
            raise BadFraming(f"the chunked body is larger than {MAX_BODY} bytes")
        if size == 0:
            while _line(rfile):  # trailer fields, up to the empty line
                pass
            return b"".join(parts)
        chunk = rfile.read(size)
        if len(chunk) != size or rfile.read(2) != b"\r\n":
            raise BadFraming("a chunk is shorter than its size or not followed by CRLF")
        parts.append(chunk)
        total += size


def _line(rfile: BinaryIO) -> bytes:
    line = rfile.readline(_MAX_LINE + 1)
    if not line.endswith(b"\n") or len(line) > _MAX_LINE:
        raise BadFraming("a chunk-size or trailer line is cut off or too long")
    return line.rstrip(b"\r\n")


def _handler_class(emu: Emulator) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "ticketops-ado-emulator"

        def _serve(self) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                body = read_body(self.rfile, headers)  # type: ignore[arg-type]  # a buffered socket file is a BinaryIO
            except BadFraming as e:
                self.send_error(400, "Bad Request", str(e))  # also closes the connection
                return
            host = self.headers.get("Host") or _host_of(self.server)
            try:
                resp = emu.handle(EmuRequest(self.command, f"http://{host}{self.path}", headers, body))
            except DroppedResponse:
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)
                return
            self.send_response(resp.status)
            for k, v in resp.headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(resp.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(resp.body)

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = do_OPTIONS = _serve

        def __getattr__(self, name: str) -> Callable[[], None]:
            # Any other method (TRACE, PROPFIND, ...) reaches the emulator too, which answers with
            # ADO's JSON error; http.server would answer an HTML 501.
            if name.startswith("do_"):
                return self._serve
            raise AttributeError(name)

        def log_message(self, format: str, *args: object) -> None:
            return  # the emulator has its own request log (emu.log)

    return Handler


def _host_of(server: object) -> str:
    """``host:port`` an HTTP server listens on (for a request without a Host header)."""
    address = getattr(server, "server_address", ("127.0.0.1", 0))
    return f"{address[0]}:{address[1]}"


class _NoDelayHTTPServer(ThreadingHTTPServer):
    """Accepted sockets get ``TCP_NODELAY``: a response goes out as headers then body, and with
    Nagle's algorithm on, the body waits for the client's delayed ACK (~40 ms per request)."""

    daemon_threads = True

    def get_request(self) -> tuple[socket.socket, object]:
        conn, addr = super().get_request()
        with contextlib.suppress(OSError):  # not a TCP socket (nothing to tune)
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return conn, addr


class EmulatorServer:
    """``with EmulatorServer(emu) as srv: httpx.get(srv.url + "/_apis/projects?api-version=7.1")``"""

    def __init__(self, emu: Emulator, host: str = "127.0.0.1", port: int = 0) -> None:
        self.emu = emu
        self._httpd = _NoDelayHTTPServer((host, port), _handler_class(emu))
        self._thread: threading.Thread | None = None

    @property
    def host(self) -> str:
        return str(self._httpd.server_address[0])

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/{self.emu.db.organization}"

    def start(self) -> EmulatorServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="ado-emulator", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def serve_forever(
    emu: Emulator,
    host: str = "127.0.0.1",
    port: int = 8765,
    on_ready: Callable[[str], None] | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Serve until SIGINT/SIGTERM (or ``stop`` is set), then shut down cleanly."""
    stop = stop or threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, _on_signal)
    try:
        with EmulatorServer(emu, host, port) as srv:
            if on_ready is not None:
                on_ready(srv.url)
            while not stop.wait(0.2):
                pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
