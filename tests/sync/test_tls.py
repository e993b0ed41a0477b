"""The HTTP client against a real HTTPS server on loopback with a self-signed certificate
(made here with ``cryptography``): trusted through REQUESTS_CA_BUNDLE it works; untrusted, or
for another host name, it refuses with a message that says what to do; a CA file that cannot
be read is named. Verification is never turned off."""

from __future__ import annotations

import ipaddress
import ssl
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from workdiary.sync import http
from workdiary.sync.api import ApiClient, ApiError

TIMEOUT = (5.0, 5.0)


def self_signed(folder: Path, names: list[str], ips: list[str]) -> tuple[Path, Path]:
    """A self-signed certificate (its own authority) for these names; (cert.pem, key.pem)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "workdiary test server")])
    now = datetime.now(UTC)
    alternatives: list[x509.GeneralName] = [x509.DNSName(n) for n in names]
    alternatives += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in ips]
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(alternatives), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


class TlsServer:
    """HTTPS on 127.0.0.1 answering every GET with ``{"ok": true}``."""

    def __init__(self, cert: Path, key: Path) -> None:
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                body = b'{"ok": true}'
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        # Wrap each accepted connection; a failed handshake only ends that connection.
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True,
                                                 do_handshake_on_connect=False)
        self.port = int(self.server.server_address[1])
        self.server.handle_error = lambda *args: None  # type: ignore[method-assign]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "no_proxy", "all_proxy", *http.CA_VARIABLES):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


@pytest.fixture
def tls(tmp_path: Path, clean_env: None) -> Iterator[tuple[TlsServer, Path]]:
    cert, key = self_signed(tmp_path, ["localhost"], ["127.0.0.1"])
    server = TlsServer(cert, key)
    yield server, cert
    server.stop()


def test_trusted_through_the_ca_file(tls: tuple[TlsServer, Path],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    server, cert = tls
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
    session = http.Session()
    for host in ("127.0.0.1", "localhost"):
        answer = session.request("GET", f"https://{host}:{server.port}/api/v1/health",
                                 timeout=TIMEOUT)
        assert answer.status_code == 200 and answer.json() == {"ok": True}
    session.close()


def test_untrusted_says_what_to_do(tls: tuple[TlsServer, Path]) -> None:
    server, _ = tls
    with pytest.raises(http.UntrustedServer) as refused:
        http.Session().request("GET", f"https://127.0.0.1:{server.port}/", timeout=TIMEOUT)
    said = str(refused.value)
    assert "not trusted" in said and "self-signed certificate" in said
    assert "REQUESTS_CA_BUNDLE" in said and "PEM" in said
    # Through the API client the reason survives (not only "cannot reach the server").
    with pytest.raises(ApiError) as api_refused:
        ApiClient(f"https://127.0.0.1:{server.port}", timeout=TIMEOUT).contracts()
    assert "not trusted" in str(api_refused.value)
    assert "REQUESTS_CA_BUNDLE" in str(api_refused.value)


def test_a_certificate_for_another_name_is_refused(tmp_path: Path, clean_env: None,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    cert, key = self_signed(tmp_path, ["diary.example.org"], [])
    server = TlsServer(cert, key)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
    try:
        with pytest.raises(http.UntrustedServer, match=r"not trusted .*(mismatch|match)"):
            http.Session().request("GET", f"https://127.0.0.1:{server.port}/", timeout=TIMEOUT)
    finally:
        server.stop()


@pytest.mark.parametrize("content", [None, b"not a certificate\n"])
def test_a_ca_file_that_cannot_be_used_is_named(tls: tuple[TlsServer, Path], tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch,
                                                content: bytes | None) -> None:
    server, _ = tls
    bad = tmp_path / "missing.pem"
    if content is not None:
        bad.write_bytes(content)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bad))
    with pytest.raises(http.HttpError) as refused:
        http.Session().request("GET", f"https://127.0.0.1:{server.port}/", timeout=TIMEOUT)
    said = str(refused.value)
    assert f"REQUESTS_CA_BUNDLE={bad}" in said and "PEM file" in said
    with pytest.raises(ApiError, match="REQUESTS_CA_BUNDLE"):
        ApiClient(f"https://127.0.0.1:{server.port}", timeout=TIMEOUT).contracts()
