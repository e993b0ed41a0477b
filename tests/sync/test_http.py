"""The standard-library HTTP client under the API: kept-alive connections, a server that
closes them, timeouts, and proxies from the environment (what requests used to give us)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from workdiary.sync import http

TIMEOUT = (5.0, 5.0)


class Recorder:
    """An HTTP/1.1 server that keeps connections alive unless told; records what it saw."""

    def __init__(self, *, close: bool = False) -> None:
        self.lines: list[str] = []
        self.headers: list[dict[str, str]] = []
        self.connections: set[int] = set()
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                recorder.lines.append(self.requestline)
                recorder.headers.append(dict(self.headers))
                recorder.connections.add(id(self.connection))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                if close:
                    self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self.server.server_address[1])
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    server = Recorder()
    yield server
    server.stop()


@pytest.fixture
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "no_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


def test_one_connection_carries_several_requests(recorder: Recorder, no_proxy_env: None
                                                 ) -> None:
    session = http.Session()
    for _ in range(3):
        answer = session.request("GET", f"http://127.0.0.1:{recorder.port}/x",
                                 timeout=TIMEOUT, params={"a": "1 2"})
        assert (answer.status_code, answer.json()) == (200, {})
    session.close()
    assert recorder.lines == ["GET /x?a=1+2 HTTP/1.1"] * 3
    assert len(recorder.connections) == 1


def test_a_connection_the_server_closed_is_reopened(no_proxy_env: None) -> None:
    server = Recorder(close=True)
    try:
        session = http.Session()
        for _ in range(2):
            assert session.request("GET", f"http://127.0.0.1:{server.port}/",
                                   timeout=TIMEOUT).status_code == 200
        assert len(server.lines) == 2
    finally:
        server.stop()


def test_a_silent_server_times_out_and_a_closed_port_cannot_be_reached(no_proxy_env: None
                                                                       ) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()  # accepts (the kernel does), never answers
    port = listener.getsockname()[1]
    try:
        with pytest.raises(http.Timeout, match=r"0\.3 s"):
            http.Session().request("GET", f"http://127.0.0.1:{port}/", timeout=(5.0, 0.3))
    finally:
        listener.close()
    with pytest.raises(http.ConnectFailed):
        http.Session().request("GET", f"http://127.0.0.1:{port}/", timeout=TIMEOUT)


def test_the_environment_proxy_gets_the_full_url_and_no_proxy_bypasses_it(
        recorder: Recorder, no_proxy_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("http_proxy", f"http://user:p%40ss@127.0.0.1:{recorder.port}")
    session = http.Session()
    session.request("GET", "http://diary.invalid:8000/api/v1/me", timeout=TIMEOUT)
    assert recorder.lines == ["GET http://diary.invalid:8000/api/v1/me HTTP/1.1"]
    assert recorder.headers[0]["Proxy-Authorization"] == "Basic dXNlcjpwQHNz"  # user:p@ss
    monkeypatch.setenv("no_proxy", "diary.invalid")
    with pytest.raises(http.ConnectFailed):  # straight to diary.invalid, which does not exist
        session.request("GET", "http://diary.invalid:8000/api/v1/me", timeout=TIMEOUT)
    assert len(recorder.lines) == 1
