"""A small HTTP/1.1 client on the standard library's ``http.client``, for ``sync.api``.

Why not ``requests``: the tray app keeps its uploader loaded all day, and requests with
urllib3, idna and charset_normalizer held 6-7 MB more RSS than this module for the handful
of JSON calls and one PUT that the desktop makes (docs/benchmarks.md, "Memory: where it
goes"). What it keeps from requests, because the uploader relied on it:
- one kept-alive connection per session, reopened when the server has closed it;
- a (connect, read) timeout pair;
- TLS verified against certifi's CA bundle, or ``REQUESTS_CA_BUNDLE`` / ``CURL_CA_BUNDLE`` (an
  untrusted certificate is ``UntrustedServer``, whose message says how to trust one);
- proxies from the environment (``HTTPS_PROXY``, ``HTTP_PROXY``, ``NO_PROXY``, as urllib
  reads them), with ``user:password@`` in the proxy URL for basic authentication.
Redirects are not followed: the API never redirects, and a redirected upload is reported.
"""

from __future__ import annotations

import base64
import http.client
import json as jsonlib
import os
import select
import ssl
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

USER_AGENT = "workdiary"


class HttpError(Exception):
    """The request failed before an answer arrived."""


class Timeout(HttpError):
    """Connecting or reading took longer than its timeout."""


class ConnectFailed(HttpError):
    """No connection (refused, DNS, TLS) or the connection broke during the exchange."""


class UntrustedServer(ConnectFailed):
    """TLS: the server's certificate did not verify; the message says what to do."""


# The variables that name the CA file to trust instead of certifi's bundle, first wins.
CA_VARIABLES = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")


@dataclass(frozen=True, slots=True)
class Response:
    status_code: int
    reason: str
    headers: http.client.HTTPMessage  # case-insensitive ``get``
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        """The body as JSON; ValueError when it is not."""
        return jsonlib.loads(self.content)


Target = tuple[str, str, int, str | None]  # scheme, host, port, proxy URL


class Session:
    """One kept-alive connection to the latest host. Not thread-safe: one per thread."""

    def __init__(self) -> None:
        self._connection: http.client.HTTPConnection | None = None
        self._target: Target | None = None
        self._tls: ssl.SSLContext | None = None

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
        self._connection = self._target = None

    def request(self, method: str, url: str, *, timeout: tuple[float, float],
                headers: Mapping[str, str] | None = None, json: Any = None,
                data: bytes | None = None, params: Mapping[str, str] | None = None
                ) -> Response:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise HttpError(f"not an http(s) URL: {url!r}")
        path = parts.path or "/"
        query = "&".join(q for q in (parts.query, urllib.parse.urlencode(params or {})) if q)
        if query:
            path += "?" + query
        port = parts.port or (443 if parts.scheme == "https" else 80)
        proxy = _proxy_for(parts.scheme, parts.hostname)
        sent = {"User-Agent": USER_AGENT, "Accept": "application/json", **(headers or {})}
        body = data
        if json is not None:
            body = jsonlib.dumps(json).encode()
            sent.setdefault("Content-Type", "application/json")
        if proxy is not None and parts.scheme == "http":  # a plain proxy wants the full URL
            path = urllib.parse.urlunsplit(("http", parts.netloc, path, "", ""))
            sent.update(_proxy_auth(proxy))
        connection = self._connect((parts.scheme, parts.hostname, port, proxy), timeout)
        try:
            connection.request(method, path, body=body, headers=sent)
            answer = connection.getresponse()
            content = answer.read()
        except TimeoutError as exc:
            self.close()
            raise Timeout(f"no answer within {timeout[1]} s") from exc
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            raise ConnectFailed(str(exc) or type(exc).__name__) from exc
        if answer.will_close:
            self.close()
        return Response(answer.status, answer.reason, answer.headers, content)

    def _connect(self, target: Target, timeout: tuple[float, float]
                 ) -> http.client.HTTPConnection:
        if (self._connection is not None and self._target == target
                and not _dropped(self._connection)):
            self._connection.timeout = timeout[1]
            if self._connection.sock is not None:
                self._connection.sock.settimeout(timeout[1])
            return self._connection
        self.close()
        scheme, host, port, proxy = target
        connection: http.client.HTTPConnection
        if scheme == "https":
            connection = http.client.HTTPSConnection(
                *(_host_port(proxy) if proxy else (host, port)), timeout=timeout[0],
                context=self._tls_context())
            if proxy:  # HTTPS through a proxy: CONNECT tunnel, TLS end to end
                connection.set_tunnel(host, port, headers=_proxy_auth(proxy))
        else:
            connection = http.client.HTTPConnection(
                *(_host_port(proxy) if proxy else (host, port)), timeout=timeout[0])
        try:
            connection.connect()
        except TimeoutError as exc:
            connection.close()
            raise Timeout(f"no connection within {timeout[0]} s") from exc
        except ssl.SSLCertVerificationError as exc:  # before OSError: it is one
            connection.close()
            raise UntrustedServer(_untrusted(host, exc)) from exc
        except (OSError, http.client.HTTPException) as exc:  # refused, DNS, TLS, proxy
            connection.close()
            raise ConnectFailed(str(exc) or type(exc).__name__) from exc
        assert connection.sock is not None
        connection.sock.settimeout(timeout[1])  # connected: from now on the read timeout
        connection.timeout = timeout[1]
        self._connection, self._target = connection, target
        return connection

    def _tls_context(self) -> ssl.SSLContext:
        if self._tls is None:
            named = next(((v, os.environ[v]) for v in CA_VARIABLES if os.environ.get(v)), None)
            cafile = named[1] if named else _certifi_bundle()
            try:
                self._tls = ssl.create_default_context(cafile=cafile)
            except (OSError, ssl.SSLError) as exc:  # a missing file, or not PEM certificates
                where = f"{named[0]}={named[1]}" if named else f"the CA bundle {cafile}"
                raise HttpError(
                    f"{where} cannot be used to check the server's certificate "
                    f"({exc.strerror or exc}): point it at a readable PEM file with the "
                    "certificate authority that signed the server's certificate, or unset it "
                    "to trust the usual public authorities") from exc
        return self._tls


def _untrusted(host: str, exc: ssl.SSLCertVerificationError) -> str:
    """Why the certificate failed and what the user can do about it."""
    why = exc.verify_message or exc.reason or str(exc)
    return (f"the TLS certificate of {host} is not trusted ({why}). If this server uses its "
            "own certificate authority (a self-signed or company certificate), save that "
            "authority's certificate as a PEM file and set REQUESTS_CA_BUNDLE to its path, "
            "e.g. REQUESTS_CA_BUNDLE=/path/to/ca.pem; if it should have a public certificate, "
            "check the address: this may not be the server you meant. Checking is never "
            "turned off.")


def _certifi_bundle() -> str | None:
    try:
        import certifi
    except ImportError:  # the system's CA store, as the ssl module finds it
        return None
    return str(certifi.where())


def _dropped(connection: http.client.HTTPConnection) -> bool:
    """Whether a kept-alive connection was closed by the server (it is readable at rest)."""
    sock = connection.sock
    if sock is None:
        return True
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


# urllib's proxy lookup scans the whole environment twice (and asks the system's settings on
# macOS and Windows): 0.4 ms of client CPU per request, in a catch-up of hundreds. Its answer
# is remembered per value of the variables it reads (it lowercases names; REQUEST_METHOD: in
# CGI it ignores HTTP_PROXY) and for a few seconds at most (the system's settings).
PROXY_VARIABLES = ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy",
                   "ALL_PROXY", "no_proxy", "NO_PROXY", "REQUEST_METHOD")
PROXY_ANSWER_SECONDS = 5.0
_proxy_answers: dict[tuple[str, str, tuple[str | None, ...]], tuple[float, str | None]] = {}


def _proxy_for(scheme: str, host: str) -> str | None:
    """The environment's proxy URL for this scheme and host, or None (NO_PROXY, none set);
    a changed variable counts from the next request."""
    key = (scheme, host, tuple(os.environ.get(name) for name in PROXY_VARIABLES))
    now = time.monotonic()
    known = _proxy_answers.get(key)
    if known is not None and now - known[0] < PROXY_ANSWER_SECONDS:
        return known[1]
    if len(_proxy_answers) >= 64:  # bounded: a few hosts and settings in one run
        _proxy_answers.clear()
    proxy = _lookup_proxy(scheme, host)
    _proxy_answers[key] = (now, proxy)
    return proxy


def _lookup_proxy(scheme: str, host: str) -> str | None:
    import urllib.request  # only here: its proxy rules are what requests used too

    proxy = urllib.request.getproxies().get(scheme)
    if not proxy or urllib.request.proxy_bypass(host):
        return None
    return proxy if "://" in proxy else f"http://{proxy}"


def _host_port(proxy: str) -> tuple[str, int]:
    parts = urllib.parse.urlsplit(proxy)
    return parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)


def _proxy_auth(proxy: str) -> dict[str, str]:
    parts = urllib.parse.urlsplit(proxy)
    if parts.username is None:
        return {}
    pair = f"{urllib.parse.unquote(parts.username)}:{urllib.parse.unquote(parts.password or '')}"
    return {"Proxy-Authorization": "Basic " + base64.b64encode(pair.encode()).decode()}

