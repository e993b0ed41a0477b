"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps every message it receives.

``with SmtpRig() as smtp: ...`` picks a free port; ``smtp.url`` is the ``WORKDIARY_SMTP_URL``
to give the server; ``smtp.wait_for(n)`` waits until ``n`` messages arrived. ``stop()`` and
``start()`` again (same port) play an outage. With ``login=(user, password)`` the server
requires AUTH; with ``starttls=True`` it requires STARTTLS first, with a self-signed certificate
for 127.0.0.1 that ``client_tls()`` trusts; addresses in ``refuse`` get a 550 (a permanent
refusal).
"""

from __future__ import annotations

import datetime
import email
import email.policy
import ipaddress
import socket
import ssl
import tempfile
import threading
import time
import warnings
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Collector:
    def __init__(self, rig: SmtpRig) -> None:
        self.rig = rig

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        if address in self.rig.refuse:
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.original_content or envelope.content,
                                           policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.rig._received(message, list(envelope.rcpt_tos))
        return "250 OK"


class SmtpRig:
    def __init__(self, *, port: int = 0, login: tuple[str, str] | None = None,
                 starttls: bool = False, refuse: frozenset[str] = frozenset()) -> None:
        self.port = port or free_port()
        self.login = login
        self.starttls = starttls
        self.refuse = refuse
        self._cert_pem = b""
        self._key_pem = b""
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []
        self._lock = threading.Condition()
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        user = f"{self.login[0]}:{self.login[1]}@" if self.login else ""
        scheme = "smtp+starttls" if self.starttls else "smtp"
        return f"{scheme}://{user}127.0.0.1:{self.port}"

    def client_tls(self) -> ssl.SSLContext:
        """A client TLS context that trusts this rig's certificate (only)."""
        return ssl.create_default_context(cadata=self._cert_pem.decode())

    def _server_tls(self) -> ssl.SSLContext:
        if not self._cert_pem:
            key = ec.generate_private_key(ec.SECP256R1())
            name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
            now = datetime.datetime.now(datetime.UTC)
            cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                    .public_key(key.public_key()).serial_number(x509.random_serial_number())
                    .not_valid_before(now - datetime.timedelta(minutes=5))
                    .not_valid_after(now + datetime.timedelta(days=1))
                    .add_extension(x509.SubjectAlternativeName(
                        [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
                    .add_extension(x509.BasicConstraints(ca=True, path_length=None),
                                   critical=True)
                    .sign(key, hashes.SHA256()))
            self._cert_pem = cert.public_bytes(serialization.Encoding.PEM)
            self._key_pem = key.private_bytes(serialization.Encoding.PEM,
                                              serialization.PrivateFormat.PKCS8,
                                              serialization.NoEncryption())
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        with tempfile.TemporaryDirectory() as folder:  # load_cert_chain reads files only
            cert_file, key_file = f"{folder}/cert.pem", f"{folder}/key.pem"
            with open(cert_file, "wb") as out:
                out.write(self._cert_pem)
            with open(key_file, "wb") as out:
                out.write(self._key_pem)
            context.load_cert_chain(cert_file, key_file)
        return context

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str,
                      data: Any) -> AuthResult:
        ok = (isinstance(data, LoginPassword) and self.login is not None
              and (data.login.decode(), data.password.decode()) == self.login)
        return AuthResult(success=ok)

    def start(self) -> SmtpRig:
        options: dict[str, Any] = {}
        if self.login:
            options = {"authenticator": self._authenticate, "auth_required": True,
                       "auth_require_tls": self.starttls}
        if self.starttls:
            options.update(tls_context=self._server_tls(), require_starttls=True)
        with warnings.catch_warnings():  # "AUTH without TLS": on loopback, for tests only
            warnings.simplefilter("ignore")
            self._controller = Controller(_Collector(self), hostname="127.0.0.1",
                                          port=self.port, **options)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> SmtpRig:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _received(self, message: EmailMessage, recipients: list[str]) -> None:
        with self._lock:
            self.messages.append(message)
            self.recipients.append(recipients)
            self._lock.notify_all()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        """The messages once at least ``count`` arrived (AssertionError after ``timeout``)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{len(self.messages)} of {count} mails arrived")
                self._lock.wait(left)
            return list(self.messages)

    def to(self, address: str) -> list[EmailMessage]:
        """The messages sent to ``address``."""
        with self._lock:
            return [m for m, r in zip(self.messages, self.recipients, strict=True)
                    if address in r]
