"""`workdiary login | logout | contracts | sync`: the desktop's account on a server."""

from __future__ import annotations

import argparse
import getpass
import json
import signal
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING

from workdiary.cli.main import CommandError
from workdiary.core.clock import SystemClock
from workdiary.desktop.account import (
    AccountError,
    check_server,
    log_in,
    log_out,
    refresh_contracts,
)
from workdiary.desktop.policy_text import describe_offer
from workdiary.desktop.settings import DesktopSettings
from workdiary.store import LocalStore, StoreError
from workdiary.sync.api import ApiClient, InsecureServerUrl
from workdiary.sync.client import (
    NOT_LOGGED_IN,
    build_outbox,
    current_account,
    current_account_key,
)
from workdiary.sync.device import NotLoggedIn
from workdiary.sync.encrypted_file import CHOICES, PASSPHRASE_ENV, remember_keyring_choice
from workdiary.sync.outbox import SyncReport
from workdiary.sync.report import format_report
from workdiary.sync.secrets import KeyringSecretStore, SecretStore, SecretStoreError
from workdiary.sync.waiting import Waiting, format_waiting, waiting_uploads

if TYPE_CHECKING:
    from argparse import _SubParsersAction


def register(subparsers: _SubParsersAction[argparse.ArgumentParser]) -> None:
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
    login.add_argument("--accept-new-server-key", action="store_true",
                       help="replace the server's evidence key pinned at an earlier login "
                            "with the one it gives now (only once its operator confirmed the "
                            "change: a changed key can mean someone pretends to be the server)")
    login.set_defaults(handler=run_login)

    logout = subparsers.add_parser("logout", help="revoke this computer's login and forget it")
    logout.set_defaults(handler=run_logout)

    contracts = subparsers.add_parser("contracts", help="list your contracts (cached offline)")
    contracts.add_argument("--json", action="store_true")
    contracts.set_defaults(handler=run_contracts)

    sync = subparsers.add_parser("sync", help="upload recorded segments and show the verdicts")
    sync.add_argument("--watch", action="store_true", help="keep syncing until Ctrl-C")
    sync.add_argument("--now", action="store_true",
                      help="also upload segments still in their review window that you have "
                           "seen (listed by `workdiary diary` or shown in the tray's diary)")
    sync.add_argument("--json", action="store_true")
    sync.set_defaults(handler=run_sync)


# -- composition ----------------------------------------------------------------------------
# Each command is its own composition root: settings from the environment, built once here.
# Tests swap the secret store through a keyword (a factory), not a global.

def open_store(settings: DesktopSettings | None = None) -> LocalStore:
    settings = settings or DesktopSettings.from_environment()
    try:
        return LocalStore(settings.database_path)
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
    try:
        check_server(api)  # first: a dead server is named as such, whatever the keyring
    except AccountError as exc:
        raise CommandError(str(exc)) from exc
    choice = getattr(args, "keyring", None)
    # Before asking for a password: fail early without a keyring.
    secrets = secrets_factory() if secrets_factory else open_secrets(choice)
    password = _read_password(args, api.server_url)
    with open_store() as store:
        try:
            outcome = log_in(api, store, secrets, args.email, password,
                             accept_new_server_key=getattr(args, "accept_new_server_key",
                                                           False))
        except AccountError as exc:
            raise CommandError(str(exc)) from exc
        if outcome.device_note is not None:
            print(f"note: {outcome.device_note}", file=sys.stderr)
        if isinstance(secrets, KeyringSecretStore):  # later commands look where this login put
            remember_keyring_choice(DesktopSettings.from_environment().data_dir, secrets.choice)
        print(f"Logged in to {api.server_url} as {outcome.user_name} ({outcome.role}). This "
              f"device ({outcome.device_id}) is registered; its signing key and token are in "
              f"{secrets.where}. {outcome.contracts} contract(s) cached.")
        if outcome.server_key is not None:
            print(f"The server's evidence key {outcome.server_key.key_id} is pinned (since "
                  f"{outcome.server_key.pinned_on}): `workdiary verify` trusts it for bundles "
                  "of this server.")
        if outcome.server_key_note is not None:
            print(f"note: {outcome.server_key_note}", file=sys.stderr)
        waiting = waiting_uploads(store.queued_records(), current_account_key(store),
                                  datetime.now(UTC), 0.0)
        if waiting.ready:
            print(f"{waiting.ready} recorded segment(s) of this account are waiting for upload: "
                  "run `workdiary sync`.")
        for line in format_waiting(waiting, UTC):
            print(line)
    return 0


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
        outcome = log_out(store, secrets_factory)
    if outcome.server_url is None:
        print("Not logged in.")
        return 0
    note = f" {outcome.server_note}" if outcome.server_note else ""
    print(f"Logged out of {outcome.server_url}: the token is revoked and removed from "
          f"{outcome.where}.{note} This device's signing key stays there so its segments "
          "keep their signatures; retire the device on the server's /devices page.")
    if outcome.pending:
        print(f"{outcome.pending} segment(s) were not uploaded; they stay on this computer.")
    return 0


# -- contracts ------------------------------------------------------------------------------

def run_contracts(args: argparse.Namespace, *,
                  secrets_factory: Callable[[], SecretStore] = open_secrets) -> int:
    with open_store() as store:
        account = current_account(store)
        refreshed = refresh_contracts(store, secrets_factory)
    note, contracts, offers = refreshed.note, refreshed.contracts, refreshed.offers
    if note:
        print(f"workdiary: {note}", file=sys.stderr)
    if args.json:
        print(json.dumps([c.to_dict() for c in offers + contracts], indent=2))
        return 0
    for offer in offers:
        print(f"{offer.id}  OFFER: {describe_offer(offer)[0]}\n    answer with: workdiary "
              f"accept {offer.id}  (or decline {offer.id})")
    if not contracts and not offers:
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
    desktop = DesktopSettings.from_environment()
    with open_store(desktop) as store:
        try:
            settings = desktop.sync_settings(store)
            if current_account(store) is None:  # say so before asking the keyring anything
                raise NotLoggedIn(NOT_LOGGED_IN)
            outbox = build_outbox(store, secrets_factory(), clock, settings)
        except (NotLoggedIn, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        if args.now:  # asked for now: the contracts too (a changed policy, a stopped contract)
            _refresh_contracts_now(outbox.api, store)
        if not args.watch:
            report = outbox.run_once(seen_now=args.now)
            waiting = waiting_uploads(store.queued_records(), outbox.account, clock.now(),
                                      settings.grace_seconds)
            _print_report(report, store.pending_count(), args.json, waiting, desktop.tz)
            return 0 if report.ok else 1
        stop = outbox.stop_event
        previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            while not stop.is_set():
                report = outbox.run_once(seen_now=args.now)
                if (report.verdicts or report.quarantined or report.deleted or report.memo_edited
                        or report.memo_refused or not report.ok):
                    _print_report(report, store.pending_count(), args.json)
                if _wait(stop, settings.interval if report.ok else 60.0):
                    break
        except KeyboardInterrupt:
            stop.set()
        finally:
            signal.signal(signal.SIGTERM, previous)
        print("Stopped syncing; anything not yet uploaded stays queued.", file=sys.stderr)
    return 0


def _refresh_contracts_now(api: ApiClient, store: LocalStore) -> None:
    """Fetch and cache the contracts, saying what changed; offline, the cache stands (the
    upload pass that follows says why the server cannot be reached)."""
    from workdiary.desktop.contract_sync import refresh_from
    from workdiary.sync.api import ApiError

    try:
        update = refresh_from(api, store)
    except ApiError:
        return
    for message in update.messages:
        print(f"contracts: {message}", file=sys.stderr, flush=True)


def _wait(stop: threading.Event, seconds: float) -> bool:
    return stop.wait(seconds)


def _print_report(report: SyncReport, pending: int, as_json: bool,
                  waiting: Waiting | None = None, tz: tzinfo = UTC) -> None:
    if as_json:
        extra = {"waiting": waiting.to_dict()} if waiting is not None else {}
        print(json.dumps({**report.to_dict(), "pending": pending, **extra}), flush=True)
    else:
        lines = format_report(report, pending)
        lines += format_waiting(waiting, tz) if waiting is not None else []
        for line in lines:
            print(line, flush=True)
