"""The account use cases: log this computer in, refresh the contracts. No printing and no Qt:
results come back as values and failures as ``AccountError`` with a sentence for the user;
`workdiary login` prints them, the login window shows them.

Runs on whatever thread calls it (the CLI's main thread, the window's login thread); it
talks to the network, so never on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from workdiary.core.errors import DomainError
from workdiary.core.model import Contract
from workdiary.core.timegrid import isoformat_z
from workdiary.store import LocalStore
from workdiary.sync.api import (
    ApiClient,
    ApiError,
    AuthExpired,
    ContractInfo,
    InsecureServerUrl,
    Transient,
)
from workdiary.sync.client import AUTH_STATE, SERVER_URL, USER_EMAIL, current_account
from workdiary.sync.device import default_device_name, register_device
from workdiary.sync.secrets import TOKEN, Account, SecretStore, SecretStoreError

if TYPE_CHECKING:  # the tray app imports this module; the login imports signing on use
    from workdiary.sync.serverkeys import PinnedKey

NO_KEYRING = "there is no system keyring to keep the login in"


class AccountError(Exception):
    """A login or refresh that did not happen; the message is a sentence for the user."""


def check_server(api: ApiClient) -> None:
    """Raise AccountError unless a workdiary server answers at ``api.server_url``.

    Asked before the keyring is opened, so a dead server is named as such even on a machine
    without a keyring."""
    try:
        api.me()  # without a token: a workdiary server answers 401
    except AuthExpired:
        return
    except Transient as exc:
        raise AccountError(f"login failed: {exc}. Check the server address and your network "
                           "connection, then log in again. Nothing was changed here.") from exc
    except ApiError as exc:
        raise AccountError(f"login failed: {api.server_url} does not answer like a workdiary "
                           f"server ({exc}). Check the address.") from exc


@dataclass(frozen=True, slots=True)
class LoginOutcome:
    server_url: str
    user_name: str
    role: str
    device_id: str
    contracts: int
    # Set when the server holds our old device id under another key: we continue as a new
    # device with a new chain, and the user should know.
    device_note: str | None = None
    # The server's evidence key as pinned for `workdiary verify` (None: the server gave none),
    # and a sentence when this login pinned a new one or could not pin one.
    server_key: PinnedKey | None = None
    server_key_note: str | None = None


def log_in_to(server_url: str, store: LocalStore, secrets: SecretStore | None, email: str,
              password: str, *, secrets_problem: str | None = None,
              accept_new_server_key: bool = False) -> LoginOutcome:
    """Check the address and the keyring, then ``log_in``. ``secrets`` None: no keyring
    (``secrets_problem`` says why)."""
    if secrets is None:
        raise AccountError(secrets_problem or NO_KEYRING)
    try:
        api = ApiClient(server_url)
    except InsecureServerUrl as exc:
        raise AccountError(str(exc)) from exc
    return log_in(api, store, secrets, email, password,
                  accept_new_server_key=accept_new_server_key)


def log_in(api: ApiClient, store: LocalStore, secrets: SecretStore, email: str,
           password: str, *, accept_new_server_key: bool = False) -> LoginOutcome:
    """Check the server's evidence key against the pinned one, authenticate, keep the token,
    create and register the device key, cache the contracts, pin the key.

    ``api`` gets the new token. Raises AccountError with a sentence on any failure, and
    ServerKeyChanged (an AccountError) before anything changes when the server's key is not
    the pinned one and ``accept_new_server_key`` is false.
    """
    account = Account(api.server_url, email)
    keys = _check_server_key(api, store, accept_new_server_key)
    try:
        answer = api.create_token(email, password, default_device_name())
    except AuthExpired as exc:
        raise AccountError(f"login refused by {api.server_url}: wrong email or password. "
                           "Check both and log in again.") from exc
    except Transient as exc:
        raise AccountError(f"login failed: {exc}. Check the server address and your network "
                           "connection, then log in again.") from exc
    except ApiError as exc:
        raise AccountError(f"login failed: {exc}") from exc
    api.token = answer.token
    try:
        secrets.put(account, TOKEN, api.token)
        previous_id = store.device_id()
        device_id = register_device(api, store, secrets, account)
        contracts = freelancer_contracts(api.contracts())
    except SecretStoreError as exc:
        raise AccountError(str(exc)) from exc
    except ApiError as exc:
        raise AccountError(f"logged in, but setting up this device failed: {exc}") from exc
    note = None
    if device_id != previous_id:
        note = (f"the server knows this computer's device id {previous_id} with another key "
                f"(or revoked it), so it continues as device {device_id} with a new chain. "
                "Segments recorded before keep the old id.")
    store.set_setting(SERVER_URL, api.server_url)
    store.set_setting(USER_EMAIL, email)
    store.set_setting(AUTH_STATE, "ok")
    store.replace_contracts(contracts)
    pin, key_note = keys.pin()
    user = answer.user
    return LoginOutcome(api.server_url, user.name if user else email,
                        user.role if user else "user", device_id, len(contracts), note,
                        pin, key_note)


class ServerKeyChanged(AccountError):
    """The server's evidence key is not the one pinned at an earlier login."""


@dataclass(frozen=True, slots=True)
class _KeyCheck:
    path: Path
    server_url: str
    seen: str | None  # the key the server gave now (None: it gave none)
    pinned: PinnedKey | None
    problem: str | None  # why nothing can be pinned

    def pin(self) -> tuple[PinnedKey | None, str | None]:
        """Pin what the server gave (after the login succeeded); the pin and a note."""
        from workdiary.core.signing import key_id
        from workdiary.sync.serverkeys import PinnedKey, save_pin

        if self.seen is None:
            return self.pinned, self.problem
        if self.pinned is not None and self.pinned.public_key == self.seen:
            return self.pinned, None
        pin = PinnedKey(self.server_url, self.seen, key_id(self.seen),
                        isoformat_z(datetime.now(UTC)))
        try:
            save_pin(self.path, pin)
        except OSError as exc:
            return self.pinned, (f"the server's evidence key {pin.key_id} could not be pinned "
                                 f"in {self.path} ({exc.strerror}).")
        if self.pinned is None:
            return pin, None
        return pin, (f"the server's evidence key changed from {self.pinned.key_id} (pinned on "
                     f"{self.pinned.pinned_on}) to {pin.key_id}, accepted with "
                     "--accept-new-server-key. Bundles signed before verify with "
                     f"`workdiary verify --server-key {self.pinned.public_key}`.")


def _check_server_key(api: ApiClient, store: LocalStore, accept_new: bool) -> _KeyCheck:
    # Imported here: the evidence keys need cryptography, which the tray app loads only
    # when its window logs in (benchmarks/memory.md).
    from workdiary.sync.serverkeys import (
        PinsUnreadable,
        fetch_key,
        key_changed_message,
        pinned_key,
        pins_path,
    )

    path = pins_path(store.path.parent)
    try:
        pinned = pinned_key(path, api.server_url)
    except PinsUnreadable as exc:
        raise AccountError(f"login stopped: {exc}") from exc
    try:
        seen = fetch_key(api)
    except (ApiError, DomainError) as exc:
        # An older server without GET /server-key: log in, pin nothing, say so.
        return _KeyCheck(path, api.server_url, None, pinned,
                         f"the server gave no evidence key ({exc}), so none is pinned: "
                         "`workdiary verify` will need --server-key.")
    if pinned is not None and seen != pinned.public_key and not accept_new:
        raise ServerKeyChanged(key_changed_message(pinned, seen))
    return _KeyCheck(path, api.server_url, seen, pinned, None)


def freelancer_contracts(items: list[ContractInfo]) -> list[Contract]:
    """The contracts this desktop tracks: the freelancer's active ones (a client's are
    reviewed in the browser; offers, paused and ended contracts take no time)."""
    return [item.contract for item in items
            if item.role == "freelancer" and item.contract.status == "active"]


def open_offers(items: list[ContractInfo]) -> list[Contract]:
    """Offers waiting for this freelancer's answer."""
    return [item.contract for item in items
            if item.role == "freelancer" and item.contract.status == "offered"]


@dataclass(frozen=True, slots=True)
class ContractsRefresh:
    contracts: list[Contract]
    note: str | None  # why these are the cached ones (offline, logged out), or None
    offers: list[Contract] = field(default_factory=list)  # only when the server answered


def refresh_contracts(store: LocalStore, secrets_factory: Callable[[], SecretStore]
                      ) -> ContractsRefresh:
    """Fetch the contracts when logged in and cache them; otherwise (or offline) the cached
    ones, with a note saying why. The keyring is opened only when logged in."""
    account = current_account(store)
    note = None
    offers: list[Contract] = []
    if account is None:
        note = "not logged in: showing the cached contracts"
    elif store.get_setting(AUTH_STATE) == "logged_out":
        note = "logged out (run `workdiary login`): showing the cached contracts"
    else:
        token = secrets_factory().token(account)
        try:
            if token is None:
                raise AuthExpired("no token")
            api = ApiClient(account.server_url, token)
            items = api.contracts()
            store.replace_contracts(freelancer_contracts(items))
            offers = open_offers(items)
        except AuthExpired:
            store.set_setting(AUTH_STATE, "expired")
            note = "the login expired (run `workdiary login`): showing the cached contracts"
        except ApiError as exc:  # Transient included: offline
            note = f"offline ({exc}): showing the cached contracts"
    return ContractsRefresh(store.contracts(), note, offers)


@dataclass(frozen=True, slots=True)
class LogoutOutcome:
    server_url: str | None  # None: was not logged in
    where: str  # where the token was kept (the secret store's name)
    server_note: str | None  # why the server could not be told, if it could not
    pending: int  # segments not uploaded, which stay on this computer


def log_out(store: LocalStore, secrets_factory: Callable[[], SecretStore]) -> LogoutOutcome:
    """Revoke and forget the token; keep the device key (the server binds this device's id to
    it, so a new key would make the next login fail and orphan the recorded chain)."""
    account = current_account(store)
    if account is None:
        return LogoutOutcome(None, "", None, store.pending_count())
    secrets = secrets_factory()
    token = secrets.token(account)
    note = None
    if token:
        try:
            ApiClient(account.server_url, token).delete_token()
        except AuthExpired:
            pass  # already invalid on the server
        except ApiError as exc:
            note = (f"The server could not be told ({exc}); the token is forgotten here and "
                    "can be revoked from the web page /devices.")
    secrets.delete(account, TOKEN)
    store.set_setting(AUTH_STATE, "logged_out")
    return LogoutOutcome(account.server_url, secrets.where, note, store.pending_count())
