"""`workdiary login | logout | contracts | sync`: the desktop's account on a server."""

from __future__ import annotations

import argparse
import getpass
import json
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from workdiary.cli.main import CommandError
from workdiary.config import data_dir, database_path
from workdiary.core.clock import SystemClock
from workdiary.core.model import Contract
from workdiary.store import LocalStore, StoreError
from workdiary.sync.api import ApiClient, ApiError, AuthExpired, InsecureServerUrl, Transient
from workdiary.sync.client import (
    AUTH_STATE,
    NOT_LOGGED_IN,
    SERVER_URL,
    USER_EMAIL,
    build_outbox,
    current_account,
    load_sync_settings,
)
from workdiary.sync.device import NotLoggedIn, default_device_name, register_device
from workdiary.sync.encrypted_file import CHOICES, PASSPHRASE_ENV, remember_keyring_choice
from workdiary.sync.outbox import SyncReport
from workdiary.sync.report import format_report
from workdiary.sync.secrets import TOKEN, Account, KeyringSecretStore, SecretStore, SecretStoreError


def register(subparsers: Any) -> None:
    login = subparsers.add_parser("login", help="log this computer in to a workdiary server")
    login.add_argument("server_url", metavar="SERVER_URL",
                       help="https://... (http only to localhost)")
    login.add_argument("--email", required=True)
    login.add_argument("--password-stdin", action="store_true",
                       help="read the password from standard input instead of prompting")
    login.add_argument("--keyring", choices=CHOICES, default=None,
                       help="where the token and device key go: 'os' (the OS keyring, the "
                            "default) or 'file' (an encrypted file for machines without a "
                            "desktop session, less safe; passphrase from "
                            f"{PASSPHRASE_ENV} or a prompt). Later commands use the same.")
    login.set_defaults(handler=run_login)

    logout = subparsers.add_parser("logout", help="revoke this computer's login and forget it")
    logout.set_defaults(handler=run_logout)

    contracts = subparsers.add_parser("contracts", help="list your contracts (cached offline)")
    contracts.add_argument("--json", action="store_true")
    contracts.set_defaults(handler=run_contracts)

    sync = subparsers.add_parser("sync", help="upload recorded segments and show the verdicts")
    sync.add_argument("--watch", action="store_true", help="keep syncing until Ctrl-C")
    sync.add_argument("--json", action="store_true")
    sync.set_defaults(handler=run_sync)


# -- composition ----------------------------------------------------------------------------
# Tests and the demo swap the secret store through this factory (a keyword, not a global).

def open_store() -> LocalStore:
    try:
        return LocalStore(database_path(data_dir()))
    except StoreError as exc:
        raise CommandError(str(exc)) from exc


def open_secrets(choice: str | None = None) -> SecretStore:
    try:
        return KeyringSecretStore(choice=choice)
    except SecretStoreError as exc:
        raise CommandError(str(exc)) from exc


# -- login / logout -------------------------------------------------------------------------

def run_login(args: argparse.Namespace, *,
              secrets_factory: Callable[[], SecretStore] | None = None) -> int:
    try:
        api = ApiClient(args.server_url)
    except InsecureServerUrl as exc:
        raise CommandError(str(exc)) from exc
    check_server(api)  # first: a dead server is named as such, whatever the keyring
    choice = getattr(args, "keyring", None)
    # Before asking for a password: fail early without a keyring.
    secrets = secrets_factory() if secrets_factory else open_secrets(choice)
    password = _read_password(args, api.server_url)
    with open_store() as store:
        outcome = log_in(api, store, secrets, args.email, password)
        if isinstance(secrets, KeyringSecretStore):  # later commands look where this login put
            remember_keyring_choice(data_dir(), secrets.choice)
        print(f"Logged in to {api.server_url} as {outcome.user_name} ({outcome.role}). This "
              f"device ({outcome.device_id}) is registered; its signing key and token are in "
              f"{secrets.where}. {outcome.contracts} contract(s) cached.")
        pending = store.pending_count()
        if pending:
            print(f"{pending} recorded segment(s) are waiting for upload: run `workdiary sync`.")
    return 0


def check_server(api: ApiClient) -> None:
    """Raise CommandError unless a workdiary server answers at ``api.server_url``."""
    try:
        api.me()  # without a token: a workdiary server answers 401
    except AuthExpired:
        return
    except Transient as exc:
        raise CommandError(f"login failed: {exc}. Check the server address and your network "
                           "connection, then log in again. Nothing was changed here.") from exc
    except ApiError as exc:
        raise CommandError(f"login failed: {api.server_url} does not answer like a workdiary "
                           f"server ({exc}). Check the address.") from exc


@dataclass(frozen=True, slots=True)
class LoginOutcome:
    user_name: str
    role: str
    device_id: str
    contracts: int


def log_in(api: ApiClient, store: LocalStore, secrets: SecretStore, email: str,
           password: str) -> LoginOutcome:
    """Authenticate, keep the token, create and register the device key, cache the contracts.

    ``api`` gets the new token. Raises CommandError with a sentence on any failure.
    """
    account = Account(api.server_url, email)
    try:
        answer = api.create_token(email, password, default_device_name())
    except AuthExpired as exc:
        raise CommandError(f"login refused by {api.server_url}: wrong email or password. "
                           "Check both and log in again.") from exc
    except Transient as exc:
        raise CommandError(f"login failed: {exc}. Check the server address and your network "
                           "connection, then log in again.") from exc
    except ApiError as exc:
        raise CommandError(f"login failed: {exc}") from exc
    api.token = str(answer["token"])
    try:
        secrets.put(account, TOKEN, api.token)
        previous_id = store.device_id()
        device_id = register_device(api, store, secrets, account)
        if device_id != previous_id:
            print(f"note: the server knows this computer's device id {previous_id} with another "
                  f"key (or revoked it), so it continues as device {device_id} with a new "
                  "chain. Segments recorded before keep the old id.", file=sys.stderr)
        contracts = _fetch_contracts(api)
    except SecretStoreError as exc:
        raise CommandError(str(exc)) from exc
    except ApiError as exc:
        raise CommandError(f"logged in, but setting up this device failed: {exc}") from exc
    store.set_setting(SERVER_URL, api.server_url)
    store.set_setting(USER_EMAIL, email)
    store.set_setting(AUTH_STATE, "ok")
    store.replace_contracts(contracts)
    user = answer.get("user") or {}
    return LoginOutcome(str(user.get("name", email)), str(user.get("role", "user")), device_id,
                        len(contracts))


def _read_password(args: argparse.Namespace, server_url: str) -> str:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        try:
            password = getpass.getpass(f"Password for {args.email} on {server_url}: ")
        except EOFError:  # Ctrl-D, or no terminal to ask on
            password = ""
    if not password:
        raise CommandError("no password given")
    return password


def run_logout(args: argparse.Namespace, *,
               secrets_factory: Callable[[], SecretStore] = open_secrets) -> int:
    with open_store() as store:
        account = current_account(store)
        if account is None:
            print("Not logged in.")
            return 0
        secrets = secrets_factory()
        token = secrets.token(account)
        note = ""
        if token:
            try:
                ApiClient(account.server_url, token).delete_token()
            except AuthExpired:
                pass  # already invalid on the server
            except ApiError as exc:
                note = (f" The server could not be told ({exc}); the token is forgotten here "
                        "and can be revoked from the web page /devices.")
        # The token goes; the device key stays: the server binds this device's id to it, so
        # a new key would make the next login fail (409) and orphan the recorded chain.
        secrets.delete(account, TOKEN)
        store.set_setting(AUTH_STATE, "logged_out")
        pending = store.pending_count()
        print(f"Logged out of {account.server_url}: the token is revoked and removed from "
              f"{secrets.where}.{note} This device's signing key stays there so its segments "
              "keep their signatures; retire the device on the server's /devices page.")
        if pending:
            print(f"{pending} segment(s) were not uploaded; they stay on this computer.")
    return 0


# -- contracts ------------------------------------------------------------------------------

def _fetch_contracts(api: ApiClient) -> list[Contract]:
    contracts = []
    for item in api.contracts():
        if item.get("role", "freelancer") != "freelancer":
            continue  # a client's contracts are reviewed in the browser, not tracked here
        contracts.append(Contract.from_dict(item))
    return contracts


def run_contracts(args: argparse.Namespace, *,
                  secrets_factory: Callable[[], SecretStore] = open_secrets) -> int:
    with open_store() as store:
        account = current_account(store)
        note = None
        if account is None:
            note = "not logged in: showing the cached contracts"
        elif store.get_setting(AUTH_STATE) == "logged_out":
            note = "logged out (run `workdiary login`): showing the cached contracts"
        else:
            token = secrets_factory().token(account)
            try:
                if token is None:
                    raise AuthExpired("no token")
                store.replace_contracts(_fetch_contracts(ApiClient(account.server_url, token)))
            except AuthExpired:
                store.set_setting(AUTH_STATE, "expired")
                note = "the login expired (run `workdiary login`): showing the cached contracts"
            except ApiError as exc:  # Transient included: offline
                note = f"offline ({exc}): showing the cached contracts"
        contracts = store.contracts()
    if note:
        print(f"workdiary: {note}", file=sys.stderr)
    if args.json:
        print(json.dumps([c.to_dict() for c in contracts], indent=2))
        return 0
    if not contracts:
        print("No contracts." + ("" if account else " Log in first: workdiary login SERVER_URL "
                                 "--email EMAIL"))
    for c in contracts:
        limit = ("no weekly limit" if c.weekly_limit_minutes is None
                 else f"limit {c.weekly_limit_minutes / 60:g} h/week")
        p = c.policy
        print(f"{c.id}  {c.title}  (client {c.client_name}, {c.rate_cents / 100:.2f} "
              f"{c.currency}/h, {limit}, {c.status})\n    policy: {p.segment_minutes}-minute "
              f"segments, {p.screenshots_per_segment} screenshot(s) each, capture {p.capture}, "
              f"idle after {p.idle_minutes} min"
              + (", blurred" if p.blur else "") + (", window titles" if p.window_titles else ""))
    return 0


# -- sync -----------------------------------------------------------------------------------

def run_sync(args: argparse.Namespace, *,
             secrets_factory: Callable[[], SecretStore] = open_secrets) -> int:
    clock = SystemClock()
    with open_store() as store:
        try:
            settings = load_sync_settings(store)
            if current_account(store) is None:  # say so before asking the keyring anything
                raise NotLoggedIn(NOT_LOGGED_IN)
            outbox = build_outbox(store, secrets_factory(), clock, settings)
        except (NotLoggedIn, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        if not args.watch:
            report = outbox.run_once()
            _print_report(report, store.pending_count(), args.json)
            return 0 if report.ok else 1
        stop = outbox.stop_event
        previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            while not stop.is_set():
                report = outbox.run_once()
                if report.verdicts or report.quarantined or report.deleted or not report.ok:
                    _print_report(report, store.pending_count(), args.json)
                if _wait(stop, settings.interval if report.ok else 60.0):
                    break
        except KeyboardInterrupt:
            stop.set()
        finally:
            signal.signal(signal.SIGTERM, previous)
        print("Stopped syncing; anything not yet uploaded stays queued.", file=sys.stderr)
    return 0


def _wait(stop: threading.Event, seconds: float) -> bool:
    return stop.wait(seconds)


def _print_report(report: SyncReport, pending: int, as_json: bool) -> None:
    if as_json:
        print(json.dumps({**report.to_dict(), "pending": pending}), flush=True)
    else:
        for line in format_report(report, pending):
            print(line, flush=True)
