"""`workdiary manual | memo`: manual time, and memo edits of recorded segments."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from workdiary.cli.account import open_secrets
from workdiary.cli.main import CommandError
from workdiary.cli.tracking import open_local_store
from workdiary.core.canonical import segment_to_dict
from workdiary.core.clock import Clock, SystemClock
from workdiary.core.errors import DomainError
from workdiary.core.timegrid import as_utc
from workdiary.desktop.manual import (
    ManualTimeError,
    MemoEditError,
    add_manual_time,
    edit_memo,
)
from workdiary.desktop.settings import DesktopSettings
from workdiary.store import LocalStore
from workdiary.sync.client import build_outbox, current_account, current_account_key
from workdiary.sync.device import NotLoggedIn
from workdiary.sync.secrets import SecretStore

if TYPE_CHECKING:
    from argparse import _SubParsersAction


def register(subparsers: _SubParsersAction[argparse.ArgumentParser]) -> None:
    manual = subparsers.add_parser(
        "manual", help="add manual time (when the contract's policy allows it)",
        description="Record time you worked without the tracker as manual segments on the "
                    "contract's grid: billable, never protected, shown as manual. Times are "
                    "ISO 8601 (2026-11-18T09:00); without a zone they are local time (TZ).")
    manual.add_argument("contract_id", metavar="CONTRACT_ID")
    manual.add_argument("--start", required=True, metavar="ISO", help="when the work began")
    manual.add_argument("--end", required=True, metavar="ISO", help="when it ended (not later "
                        "than now)")
    manual.add_argument("--memo", required=True, metavar="TEXT", help="what you did")
    manual.add_argument("--json", action="store_true", help="print the segments as JSON")
    manual.set_defaults(handler=run_manual)

    memo = subparsers.add_parser(
        "memo", help="change a recorded segment's memo (until its week locks)",
        description="Before upload the memo changes in place; after upload a re-signed record "
                    "goes to the server, which takes it until the week locks (Monday 12:00 "
                    "UTC after it).")
    memo.add_argument("segment_id", metavar="SEGMENT_ID")
    memo.add_argument("text", metavar="TEXT")
    memo.set_defaults(handler=run_memo)


def parse_moment(text: str, tz: ZoneInfo) -> datetime:
    """ISO 8601; a time without a zone is local time in ``tz``."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise CommandError(f"{text!r} is not an ISO 8601 time (e.g. 2026-11-18T09:00 or "
                           "2026-11-18T09:00+01:00)") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    try:
        return as_utc(moment)
    except (DomainError, OverflowError) as exc:
        raise CommandError(f"{text!r} is not a time in range") from exc


def run_manual(args: argparse.Namespace, *, clock: Clock | None = None) -> int:
    clock = clock or SystemClock()
    settings = DesktopSettings.from_environment()
    start, end = parse_moment(args.start, settings.tz), parse_moment(args.end, settings.tz)
    store = open_local_store(settings, clock)
    try:
        segments = add_manual_time(store, args.contract_id, start, end, args.memo, clock.now(),
                                   account=current_account_key(store) or "")
    except ManualTimeError as exc:
        raise CommandError(str(exc)) from exc
    finally:
        store.close()
    if args.json:
        print(json.dumps([segment_to_dict(s) for s in segments], indent=2))
        return 0
    minutes = sum(s.tracked_minutes for s in segments)
    tz = settings.tz
    slots = ", ".join(f"{s.start.astimezone(tz):%H:%M}-{s.end.astimezone(tz):%H:%M}"
                      for s in segments)
    print(f"added {len(segments)} manual segment(s) on {args.contract_id}, {minutes} min "
          f"({slots}, {tz.key}): billable, unprotected (manual). They upload with the next "
          "sync (`workdiary sync --now` sends them now).")
    return 0


def run_memo(args: argparse.Namespace, *, clock: Clock | None = None,
             secrets_factory: Callable[[], SecretStore] = open_secrets) -> int:
    clock = clock or SystemClock()
    settings = DesktopSettings.from_environment()
    store = open_local_store(settings, clock)
    try:
        try:
            edit = edit_memo(store, args.segment_id, args.text, clock.now())
        except MemoEditError as exc:
            raise CommandError(str(exc)) from exc
        if not edit.queued:
            print(f"memo of segment {edit.segment_id} changed; it uploads with the segment")
            return 0
        return _send_edit(store, edit.segment_id, clock, settings, secrets_factory)
    finally:
        store.close()


def _send_edit(store: LocalStore, segment_id: str, clock: Clock, settings: DesktopSettings,
               secrets_factory: Callable[[], SecretStore]) -> int:
    """Send the edit now when logged in, and say what the server answered."""
    if current_account(store) is None:
        print(f"memo edit of segment {segment_id} queued: it uploads when you log in "
              "(`workdiary login`) and sync")
        return 0
    try:
        outbox = build_outbox(store, secrets_factory(), clock, settings.sync_settings(store))
    except (NotLoggedIn, ValueError) as exc:
        print(f"memo edit of segment {segment_id} queued ({exc})")
        return 0
    report = outbox.run_once()
    refused = dict(report.memo_refused)
    if segment_id in refused:
        raise CommandError(f"segment {segment_id}: {refused[segment_id]}; the memo on the "
                           "server stays as it was")
    if segment_id in report.memo_edited:
        print(f"memo of segment {segment_id} edited on the server")
        return 0
    why = report.error or report.paused or report.refused or "not sent yet"
    print(f"memo edit of segment {segment_id} queued ({why}); `workdiary sync` sends it",
          file=sys.stderr)
    return 0
