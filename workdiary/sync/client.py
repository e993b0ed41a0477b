"""Putting sync together for one program: which account, which settings, which outbox.

The CLI, the demo, the headless tracker and the tray app build their sync objects through
these functions (each in its own composition root); nothing here is global.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from workdiary.core.clock import Clock
from workdiary.store.protocols import OutboxStore
from workdiary.sync.api import DEFAULT_TIMEOUT, ApiClient
from workdiary.sync.device import NotLoggedIn, Signer, make_signer
from workdiary.sync.outbox import Outbox, OutboxConfig
from workdiary.sync.retry import RetryPolicy
from workdiary.sync.secrets import Account, SecretStore

# Store setting keys (STORE_CONTRACT) and their optional user overrides.
SERVER_URL, USER_EMAIL, AUTH_STATE, LAST_SYNC_AT = (
    "server_url", "user_email", "auth_state", "last_sync_at")
GRACE_SETTING, KEEP_DAYS_SETTING = "sync_grace_seconds", "screenshot_keep_days"
GRACE_ENV, KEEP_DAYS_ENV = "WORKDIARY_SYNC_GRACE_SECONDS", "WORKDIARY_SCREENSHOT_KEEP_DAYS"


@dataclass(frozen=True, slots=True)
class SyncSettings:
    grace_seconds: float = 120.0  # review time after a segment closes, before upload
    keep_days: float = 7.0  # local screenshot files kept after the server accepted them
    batch_size: int = 50
    interval: float = 30.0  # seconds between passes of the background worker

    def outbox_config(self, retry: RetryPolicy | None = None) -> OutboxConfig:
        return OutboxConfig(grace_seconds=self.grace_seconds, batch_size=self.batch_size,
                            purge_after_days=self.keep_days, retry=retry or RetryPolicy())


def load_sync_settings(store: OutboxStore, environ: Mapping[str, str] | None = None
                       ) -> SyncSettings:
    """Defaults in code, overridden by store settings, overridden by the environment."""
    env = os.environ if environ is None else environ

    def number(setting: str, variable: str, default: float) -> float:
        raw = env.get(variable) or store.get_setting(setting)
        if raw is None or raw == "":
            return default
        try:
            value = float(raw)
        except ValueError as exc:
            raise ValueError(f"{variable or setting} must be a number of seconds/days, "
                             f"not {raw!r}") from exc
        if value < 0:
            raise ValueError(f"{variable or setting} cannot be negative")
        return value

    return SyncSettings(grace_seconds=number(GRACE_SETTING, GRACE_ENV, 120.0),
                        keep_days=number(KEEP_DAYS_SETTING, KEEP_DAYS_ENV, 7.0))


NOT_LOGGED_IN = ("this computer is not logged in to a server: run "
                 "`workdiary login SERVER_URL --email EMAIL` first")


def current_account(store: OutboxStore) -> Account | None:
    """The account this desktop logged in to last, or None."""
    url, email = store.get_setting(SERVER_URL), store.get_setting(USER_EMAIL)
    if not url or not email:
        return None
    return Account(url, email)


def account_key(account: Account) -> str:
    """How a waiting record names the account that recorded it (shown to the user)."""
    return f"{account.email} on {account.server_url}"


def current_account_key(store: OutboxStore) -> str | None:
    account = current_account(store)
    return account_key(account) if account is not None else None


def signer_for(store: OutboxStore, secrets: SecretStore) -> Signer | None:
    """The tracker's signer: None when not logged in (segments are signed later, at upload)."""
    account = current_account(store)
    if account is None:
        return None
    try:
        return make_signer(secrets, account)
    except NotLoggedIn:
        return None


def build_outbox(store: OutboxStore, secrets: SecretStore, clock: Clock,
                 settings: SyncSettings | None = None, *, retry: RetryPolicy | None = None,
                 timeout: tuple[float, float] | None = None) -> Outbox:
    """An outbox for the logged-in account; ``NotLoggedIn`` when there is none."""
    account = current_account(store)
    token = secrets.token(account) if account is not None else None
    if account is None or token is None:
        raise NotLoggedIn(NOT_LOGGED_IN)
    settings = settings or load_sync_settings(store)
    api = ApiClient(account.server_url, token, timeout=timeout or DEFAULT_TIMEOUT)
    return Outbox(store, api, make_signer(secrets, account), clock,
                  settings.outbox_config(retry), account=account_key(account))
