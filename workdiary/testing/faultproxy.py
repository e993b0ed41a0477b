"""A fault-injecting HTTP proxy on 127.0.0.1, for sync tests and demos of self-healing.

It reads one HTTP/1.1 request per connection (headers + Content-Length body), then, depending on
its mode, forwards it to the real server (with ``Connection: close``) and relays the answer, or
misbehaves:

- ``pass``: forward and relay.
- ``error500``: answer 500 without forwarding.
- ``hang``: never answer (the client's read timeout fires).
- ``drop``: forward the request, then close the client connection before relaying the answer,
  so the server has done the work but the client does not know it (tests idempotency).
- ``reset``: close the connection without forwarding.

``every_nth=N`` applies the fault only to every Nth request (others pass).
``on_request(number, request_line)`` is called before each request is handled (tests use it
to kill a process at a chosen moment).
"""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

MODES = ("pass", "error500", "hang", "drop", "reset")
_MAX_HEADER = 64 * 1024


@dataclass
class ProxyStats:
    requests: int = 0
    faults: int = 0
    paths: list[str] = field(default_factory=list)


class FaultProxy:
    """``with FaultProxy(upstream_port) as proxy: ... proxy.url ...``; change ``mode`` any time."""

    def __init__(self, upstream_port: int, *, mode: str = "pass", every_nth: int = 1,
                 upstream_host: str = "127.0.0.1",
                 on_request: Callable[[int, str], None] | None = None) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.on_request = on_request
        self.set_mode(mode, every_nth)
        self.stats = ProxyStats()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        proxy = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                proxy._handle(self.request)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._server = Server(("127.0.0.1", 0), Handler)
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, name="fault-proxy",
                                        daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def set_mode(self, mode: str, every_nth: int = 1) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown proxy mode {mode!r}; one of {MODES}")
        if every_nth < 1:
            raise ValueError("every_nth must be >= 1")
        self.mode = mode
        self.every_nth = every_nth

    def start(self) -> FaultProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- one connection ---------------------------------------------------------------------

    def _handle(self, client: socket.socket) -> None:
        try:
            request = _read_request(client)
            if request is None:
                return
            with self._lock:
                self.stats.requests += 1
                number = self.stats.requests
                mode = self.mode if number % self.every_nth == 0 else "pass"
                if mode != "pass":
                    self.stats.faults += 1
                line = _request_line(request)
                self.stats.paths.append(line)
            if self.on_request is not None:
                self.on_request(number, line)
            if mode == "error500":
                body = b'{"error":{"code":"proxy_fault","message":"injected 500"}}'
                client.sendall(b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: "
                               b"application/json\r\nConnection: close\r\nContent-Length: "
                               + str(len(body)).encode() + b"\r\n\r\n" + body)
            elif mode == "hang":
                self._stopping.wait(120)
            elif mode == "reset":
                pass
            else:
                answer = self._forward(request)
                if mode == "pass":
                    client.sendall(answer)
        except OSError:
            pass  # the client gave up (its timeout): nothing to relay
        finally:
            client.close()

    def _forward(self, request: bytes) -> bytes:
        with socket.create_connection(self.upstream, timeout=60) as upstream:
            upstream.sendall(_force_close(request))
            chunks = []
            while True:
                chunk = upstream.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        return b"".join(chunks)


def _read_request(sock: socket.socket) -> bytes | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        data += chunk
        if len(data) > _MAX_HEADER and b"\r\n\r\n" not in data:
            return None
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        body += chunk
    return head + b"\r\n\r\n" + body


def _force_close(request: bytes) -> bytes:
    head, _, body = request.partition(b"\r\n\r\n")
    lines = [line for line in head.split(b"\r\n")
             if not line.lower().startswith((b"connection:", b"keep-alive:"))]
    lines.append(b"Connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def _request_line(request: bytes) -> str:
    return request.split(b"\r\n", 1)[0].decode("latin-1")
