"""Keeping this computer's API token alive: the server expires a token after 90 days unused
(each use slides it); the desktop renews it well before the expiry it knows of, and says so
when it cannot (the server was out of reach, or the token already expired)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from workdiary.core.errors import DomainError
from workdiary.core.timegrid import isoformat_z, parse_iso
from workdiary.sync.api import ApiClient, Rejected, Transient

SETTING = "token_expires_at"
RENEW_BEFORE = timedelta(days=30)


class TokenStore(Protocol):
    def get_setting(self, key: str) -> str | None: ...
    def set_setting(self, key: str, value: str) -> None: ...


def known_expiry(store: TokenStore) -> datetime | None:
    text = store.get_setting(SETTING)
    try:
        return parse_iso(text) if text else None
    except DomainError:
        return None


def keep_token_alive(api: ApiClient, store: TokenStore, now: datetime) -> str | None:
    """Renew the token when its expiry is unknown or less than RENEW_BEFORE away.

    Returns a sentence for the user when renewal was due and failed; None otherwise.
    ``AuthExpired`` (the server no longer accepts the token) is left to the caller.
    """
    expiry = known_expiry(store)
    if expiry is not None and expiry - now > RENEW_BEFORE:
        return None
    try:
        renewed = api.renew_token()
    except Transient:
        if expiry is None:
            return None
        when = f"{expiry:%Y-%m-%d %H:%M} UTC"
        if expiry <= now:
            return (f"the login on this computer expired at {when}: run `workdiary login` "
                    "again; nothing recorded is lost")
        return (f"the login on this computer expires at {when} and could not be renewed "
                "(the server is out of reach); it is renewed at the next sync that reaches "
                "the server, else run `workdiary login` after it expires")
    except Rejected:
        return None  # a server without token expiry (older version): nothing to renew
    store.set_setting(SETTING, isoformat_z(renewed))
    return None
