"""Where mail goes: ``WORKDIARY_SMTP_URL``, read once, checked at start, its password never shown.

- ``smtp://host[:port]``: plain SMTP (port 25), e.g. a relay on the same host or network;
- ``smtp+starttls://user:pass@host[:port]``: SMTP upgraded with STARTTLS (port 587);
- ``smtps://user:pass@host[:port]``: SMTP over TLS from the first byte (port 465).

User and password are optional on every scheme and percent-decoded (``%40`` for ``@``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


class SmtpUrlError(ValueError):
    """The URL cannot name an SMTP server; the message says what to write instead."""


@dataclass(frozen=True, slots=True)
class SmtpTarget:
    scheme: str  # smtp | smtp+starttls | smtps
    host: str
    port: int
    username: str = ""
    password: str = field(default="", repr=False)  # never in a repr, a log or a message

    @property
    def starttls(self) -> bool:
        return self.scheme == "smtp+starttls"

    @property
    def implicit_tls(self) -> bool:
        return self.scheme == "smtps"

    def describe(self) -> str:
        """The URL for messages and logs, the password masked."""
        user = f"{self.username}:***@" if self.username else ""
        return f"{self.scheme}://{user}{self.host}:{self.port}"


def parse_smtp_url(url: str) -> SmtpTarget:
    """``url`` as an :class:`SmtpTarget`, or :class:`SmtpUrlError` naming what is wrong (the
    message repeats the URL without its password)."""
    shown = _masked(url)
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:  # a port that is not a number, an unclosed [ of an IPv6 host
        raise SmtpUrlError(f"WORKDIARY_SMTP_URL {shown!r} cannot be read: {exc}.") from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise SmtpUrlError(
            f"WORKDIARY_SMTP_URL {shown!r} must start with smtp://, smtp+starttls:// or smtps:// "
            "(for example smtp+starttls://user:password@mail.example.com:587).")
    if not parts.hostname:
        raise SmtpUrlError(f"WORKDIARY_SMTP_URL {shown!r} names no host.")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise SmtpUrlError(f"WORKDIARY_SMTP_URL {shown!r}: only scheme, user, password, host "
                           "and port are read; remove the path or query.")
    if port == 0:
        raise SmtpUrlError(f"WORKDIARY_SMTP_URL {shown!r}: the port must be 1 to 65535.")
    return SmtpTarget(scheme=scheme, host=parts.hostname, port=port or DEFAULT_PORTS[scheme],
                      username=unquote(parts.username or ""),
                      password=unquote(parts.password or ""))


def _masked(url: str) -> str:
    """``url`` with anything between ``:`` and ``@`` of the user part replaced by ``***``."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return "***" if "@" in url else url
    userinfo, at, host = rest.rpartition("@")
    if not at:
        return url
    user = userinfo.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in userinfo else url
