"""The server's JSON API (``/api/v1``) as the desktop uses it, over ``sync.http``.

Every call carries an explicit timeout. Failures come back as typed errors the outbox can act on:
``AuthExpired`` (401: log in again), ``Rejected`` (any other 4xx: the server said no, with its
error code and message), ``Transient`` (connection error, timeout, 5xx, 429: try again later).
"""

from __future__ import annotations

import ipaddress
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from workdiary.core.billing import whole_minutes
from workdiary.core.model import Contract

if TYPE_CHECKING:
    # The transport (http.client, ssl, email) is imported where a request is made: the tray
    # app imports this module for its types and answers, and leaves requests to its helper.
    from workdiary.sync import http

T = TypeVar("T")

API_PREFIX = "/api/v1"
# (connect, read) seconds. Read is generous: a batch of segments is verified before the reply.
DEFAULT_TIMEOUT = (5.0, 30.0)


class ApiError(Exception):
    """A request to the server failed; the message is a sentence for the user."""


class AuthExpired(ApiError):
    """The server refused our token (401): the user must run ``workdiary login`` again."""


class Rejected(ApiError):
    """A 4xx answer: the request itself is refused; sending it again will not help."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"the server refused the request ({status} {code}): {message}")
        self.status = status
        self.code = code
        self.server_message = message


class Transient(ApiError):
    """The server could not be reached or was overloaded; ``retry_after`` seconds if it said."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class InsecureServerUrl(ApiError):
    """Plain http to a host that is not this machine."""


def check_server_url(url: str) -> str:
    """Return the normalised base URL, or raise when it is not https (loopback http is allowed)."""
    parsed = urllib.parse.urlsplit(url.strip())
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise InsecureServerUrl(
            f"{url!r} is not a server address: give it as https://host[:port]"
        )
    if parsed.scheme == "http" and not _is_loopback(parsed.hostname):
        raise InsecureServerUrl(
            f"refusing plain http to {parsed.hostname}: your password, token and work diary would "
            "travel unencrypted. Use https://... (plain http is only allowed to this machine: "
            "localhost or 127.0.0.1)."
        )
    path = parsed.path.rstrip("/")
    if path.endswith(API_PREFIX):
        path = path[: -len(API_PREFIX)]
    return urllib.parse.urlunsplit((parsed.scheme, parsed.netloc, path, "", ""))


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class MalformedAnswer(Transient):
    """The server's answer lacks a field this client needs: not a workdiary server, or a
    different version (client and server ship together, so there are no fallbacks)."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """The server's judgement of one uploaded segment (or why it refused that one record)."""

    id: str
    status: str | None = None  # protected | unprotected | rejected; None when refused
    billable_seconds: int = 0
    reasons: tuple[str, ...] = ()
    error_code: str | None = None  # set when the server refused this record (4xx-like)
    error_message: str | None = None
    over_limit_seconds: int = 0

    @property
    def billable_minutes(self) -> int:
        return whole_minutes(self.billable_seconds)

    @property
    def over_limit_minutes(self) -> int:
        return whole_minutes(self.over_limit_seconds)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Verdict:
        error = data.get("error")
        if isinstance(error, dict):
            return cls(
                id=str(data["id"]),
                error_code=str(error["code"]),
                error_message=str(error.get("message", "")),
            )
        return cls(
            id=str(data["id"]),
            status=str(data["status"]),
            # A server from before billing by the second sends whole minutes only.
            billable_seconds=int(data.get("billable_seconds",
                                          60 * int(data["billable_minutes"]))),
            reasons=tuple(str(r) for r in data["reasons"]),
            over_limit_seconds=int(data.get("over_limit_seconds",
                                            60 * int(data.get("over_limit_minutes", 0)))),
        )


@dataclass(frozen=True, slots=True)
class UserInfo:
    """``UserPublic``: who a token belongs to."""

    id: str
    email: str
    name: str
    role: str  # freelancer | client

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> UserInfo:
        return cls(str(data["id"]), str(data["email"]), str(data["name"]), str(data["role"]))


@dataclass(frozen=True, slots=True)
class TokenAnswer:
    """``TokenPublic``: the answer to a login."""

    token: str
    user: UserInfo


@dataclass(frozen=True, slots=True)
class ContractInfo:
    """``ContractPublic``: one contract and the caller's side of it."""

    contract: Contract  # status: offered | declined | active | paused | ended
    role: str  # freelancer | client: the caller's side
    week_minutes: int  # billable minutes recorded this week so far
    policy_version: int = 1  # the server numbers each change of the tracking policy

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ContractInfo:
        return cls(Contract.from_dict(data), str(data["role"]), int(data["week_minutes"]),
                   int(data["policy_version"]))


def _parse(what: str, parse: Callable[[], T]) -> T:
    """Run ``parse`` over a JSON answer; a missing or mistyped field is a MalformedAnswer."""
    try:
        return parse()
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise MalformedAnswer(f"the server's answer to {what} is not what this version of "
                              f"workdiary expects ({type(exc).__name__}: {exc}); is this a "
                              "workdiary server of the same version?") from exc


class ApiClient:
    """One server, one (optional) bearer token. Thread-compatible: one per thread."""

    def __init__(
        self,
        server_url: str,
        token: str | None = None,
        *,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        session: http.Session | None = None,
    ) -> None:
        self.server_url = check_server_url(server_url)
        self.token = token
        self.timeout = timeout
        if session is None:
            from workdiary.sync import http

            session = http.Session()
        self._session = session
        # The ``Date`` header of the latest answer (HTTP date text), to compare clocks with.
        self.last_server_date: str | None = None

    def close(self) -> None:
        self._session.close()

    def sibling(self) -> ApiClient:
        """Another client for the same server and token, on a connection of its own (for
        another thread: a client is one connection)."""
        return ApiClient(self.server_url, self.token, timeout=self.timeout)

    # -- auth and account -------------------------------------------------------------------

    def create_token(self, email: str, password: str, device_name: str) -> TokenAnswer:
        """POST /auth/tokens: log in; the token and who it belongs to."""
        data = self._json("POST", "/auth/tokens",
                          json={"email": email, "password": password, "device_name": device_name})

        def parse() -> TokenAnswer:
            if not data["token"]:
                raise ValueError("empty token")
            return TokenAnswer(str(data["token"]), UserInfo.from_dict(data["user"]))

        return _parse("a login", parse)

    def delete_token(self) -> None:
        """DELETE /auth/tokens/current: revoke our token."""
        self._request("DELETE", "/auth/tokens/current")

    def renew_token(self) -> datetime:
        """POST /auth/tokens/current/renew: move our token's expiry ahead; returns it (UTC)."""
        data = self._json("POST", "/auth/tokens/current/renew")
        try:
            return datetime.fromisoformat(str(data["expires_at"]).replace("Z", "+00:00"))
        except (KeyError, TypeError, ValueError) as exc:
            raise Transient("the server's answer to a token renewal had no expiry") from exc

    def me(self) -> dict[str, Any]:
        """GET /me, as sent (tests and probes read it)."""
        return dict(self._json("GET", "/me"))

    def register_device(self, name: str, public_key: str, device_id: str) -> str:
        """POST /devices: register this device's public key; returns the server's device id."""
        data = self._json("POST", "/devices",
                          json={"name": name, "public_key": public_key, "device_id": device_id})
        return _parse("a device registration", lambda: str(data["device_id"]))

    def contracts(self) -> list[ContractInfo]:
        """GET /contracts: the contracts visible to us (both sides)."""
        data = self._json("GET", "/contracts")
        return _parse("a contract list", lambda: [ContractInfo.from_dict(item) for item in data])

    def answer_offer(self, contract_id: str, accept: bool) -> ContractInfo:
        """POST /contracts/{id}/accept or /decline: the freelancer's answer to an offer."""
        answer = "accept" if accept else "decline"
        data = self._json("POST", f"/contracts/{urllib.parse.quote(contract_id, safe='')}"
                                  f"/{answer}")
        return _parse("an answer to an offer", lambda: ContractInfo.from_dict(data))

    # -- uploads ----------------------------------------------------------------------------

    def put_screenshot(self, sha256: str, body: bytes, device_id: str | None = None) -> None:
        """PUT /screenshots/{sha256}: idempotent upload of one JPEG, from ``device_id``.

        The server binds the image to that device: only its segments may cite it as evidence.
        """
        headers = {"Content-Type": "image/jpeg"}
        if device_id:
            headers["X-Workdiary-Device"] = device_id
        self._request("PUT", f"/screenshots/{sha256}", data=body, headers=headers)

    def post_segments(self, segments: Sequence[dict[str, Any]]) -> list[Verdict]:
        """POST /segments: upload a batch; one verdict per segment, idempotent on id."""
        data = self._json("POST", "/segments", json={"segments": list(segments)})
        return _parse("an upload",
                      lambda: [Verdict.from_dict(item) for item in data["segments"]])

    def put_segment(self, segment_id: str, segment: dict[str, Any]) -> Verdict:
        """PUT /segments/{id}: replace an uploaded segment's record with the same one carrying
        another memo, re-signed (until the week locks: then 409 ``week_locked``)."""
        data = self._json("PUT", f"/segments/{segment_id}", json=segment)
        return _parse("a memo edit", lambda: Verdict.from_dict(data))

    def delete_segment(self, segment_id: str) -> None:
        """DELETE /segments/{id}: withdraw an uploaded segment (before the week locks)."""
        self._request("DELETE", f"/segments/{segment_id}")

    # -- reading (tests, demo) --------------------------------------------------------------

    def diary(self, contract_id: str, day: str, tz: str = "UTC") -> dict[str, Any]:
        """GET /contracts/{id}/diary, as sent (the demo's and the tests' look at the server)."""
        return dict(self._json("GET", f"/contracts/{contract_id}/diary",
                               params={"date": day, "tz": tz}))

    def desktop_release(self) -> dict[str, Any] | None:
        """GET /desktop-release: the operator's {latest, minimum, notes_url, download_urls};
        None when the server publishes none (404). Needs no login."""
        try:
            data = self._json("GET", "/desktop-release")
        except Rejected as exc:
            if exc.status == 404:
                return None
            raise
        return dict(data) if isinstance(data, dict) else None

    def server_key(self) -> dict[str, Any]:
        """GET /server-key: the key that signs evidence bundles, as sent. Needs no login."""
        data = self._json("GET", "/server-key")
        if not isinstance(data, dict):
            raise MalformedAnswer("the server's answer to GET /server-key is not an object")
        return dict(data)

    # -- plumbing ---------------------------------------------------------------------------

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._request(method, path, **kwargs)
        try:
            return response.json()
        except ValueError as exc:
            raise Transient(
                f"the server sent an unreadable answer to {method} {path} "
                f"(HTTP {response.status_code})"
            ) from exc

    def _request(self, method: str, path: str, **kwargs: Any) -> http.Response:
        from workdiary.sync import http

        url = f"{self.server_url}{API_PREFIX}{path}"
        headers = dict(kwargs.pop("headers", None) or {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            response = self._session.request(
                method, url, headers=headers, timeout=self.timeout, **kwargs
            )
        except http.Timeout as exc:
            raise Transient(f"the server at {self.server_url} did not answer in time") from exc
        except http.UntrustedServer as exc:  # say why: the user can fix it (a CA file)
            raise Transient(f"cannot reach the server at {self.server_url} safely: {exc}"
                            ) from exc
        except http.ConnectFailed as exc:
            raise Transient(f"cannot reach the server at {self.server_url}") from exc
        except http.HttpError as exc:
            raise Transient(f"the request to {self.server_url} failed: {exc}") from exc
        self.last_server_date = response.headers.get("Date") or self.last_server_date
        _raise_for_status(response, method, path)
        return response


def _raise_for_status(response: http.Response, method: str, path: str) -> None:
    # Compare status codes explicitly: a Response's truth value is ``.ok``, a classic trap.
    status = response.status_code
    if 200 <= status < 300:
        return
    code, message = _error_body(response)
    if status == 401:
        raise AuthExpired(
            "the server no longer accepts this login (token expired or revoked): "
            "run `workdiary login` again; nothing recorded is lost"
        )
    if status == 429:
        raise Transient(f"the server is rate-limiting us ({message})",
                        retry_after=_retry_after(response))
    if status >= 500:
        raise Transient(f"the server failed on {method} {path} (HTTP {status})",
                        retry_after=_retry_after(response))
    raise Rejected(status, code, message)


def _error_body(response: http.Response) -> tuple[str, str]:
    try:
        data = response.json()
    except ValueError:
        return f"http_{response.status_code}", (response.text or response.reason or "")[:300]
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, dict):
        return str(error.get("code", f"http_{response.status_code}")), str(error.get("message", ""))
    if isinstance(data, dict) and "detail" in data:
        return f"http_{response.status_code}", str(data["detail"])[:300]
    return f"http_{response.status_code}", str(data)[:300]


def _retry_after(response: http.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: rare; the backoff covers it
