"""`workdiary track | diary | status | delete`: headless tracking and the local diary."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from workdiary.cli.durations import duration_argument
from workdiary.cli.main import CommandError
from workdiary.config import data_dir, database_path, local_timezone
from workdiary.core.clock import Clock, SystemClock
from workdiary.core.timegrid import isoformat_z, local_day_bounds
from workdiary.core.week import is_locked, lock_time, week_start
from workdiary.store import LocalStore, StoreError
from workdiary.store.diary import diary_data
from workdiary.sync.diskguard import DiskGuard, message_for_write_error, watch_disk
from workdiary.tracker.console import EventPrinter
from workdiary.tracker.events import RecordingFailed, TrackerEvent
from workdiary.tracker.lock import TrackerBusy, TrackerLock


def register(subparsers: Any) -> None:
    track = subparsers.add_parser("track", help="track time on a contract, headless")
    track.add_argument("contract_id", metavar="CONTRACT_ID")
    track.add_argument("--memo", default="", help="what you are working on")
    track.add_argument("--duration", type=duration_argument, metavar="DURATION",
                       help="clock out after this long: seconds, or e.g. 90s, 3m, 1h, 1h30m "
                            "(default: until Ctrl-C)")
    track.set_defaults(handler=run_track)

    diary = subparsers.add_parser("diary", help="show a day of the local work diary")
    diary.add_argument("--date", type=_parse_date, metavar="YYYY-MM-DD",
                       help="the local day (default: today)")
    diary.add_argument("--contract", metavar="ID")
    diary.add_argument("--json", action="store_true")
    diary.set_defaults(handler=run_diary)

    status = subparsers.add_parser("status", help="clocked in or not, today, this week, sync")
    status.add_argument("--json", action="store_true")
    status.set_defaults(handler=run_status)

    delete = subparsers.add_parser("delete", help="delete a segment's time (a tombstone stays)")
    delete.add_argument("segment_id", metavar="SEGMENT_ID")
    delete.set_defaults(handler=run_delete)


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use YYYY-MM-DD)") from None


def open_local_store(clock: Clock | None = None) -> LocalStore:
    try:
        return LocalStore(database_path(data_dir()), clock=clock)
    except StoreError as exc:
        raise CommandError(str(exc)) from exc


def _local(moment: datetime, tz: ZoneInfo, fmt: str = "%H:%M") -> str:
    return moment.astimezone(tz).strftime(fmt)


def _hm(minutes: int) -> str:
    return f"{minutes // 60} h {minutes % 60:02d} min"


# -- track ---------------------------------------------------------------------------------

def run_track(args: argparse.Namespace) -> int:
    from workdiary.tracker.headless import build_headless_tracker

    tz = local_timezone()
    directory = data_dir()
    lock = TrackerLock(directory)
    try:
        lock.acquire()
    except TrackerBusy as exc:
        raise CommandError(str(exc)) from exc
    try:
        store = open_local_store()
    except CommandError:
        lock.release()
        raise
    try:
        contract = store.contract(args.contract_id)
        if contract is None:
            raise CommandError(
                f"contract {args.contract_id} is not in the local cache. Run `workdiary login "
                f"SERVER_URL --email EMAIL` (or `workdiary contracts` when logged in) to fetch "
                f"your contracts, then try again."
            )
        for segment in store.recover_interrupted():
            print(f"recovered: a segment interrupted by a crash was closed at its last recorded "
                  f"minute ({_local(segment.start, tz)}-{_local(segment.end, tz)}, "
                  f"{segment.tracked_minutes} min kept, id {segment.id})", flush=True)
        guard = DiskGuard(directory)
        if (problem := guard.check()) is not None:
            raise CommandError(problem)
        stop = threading.Event()
        printer = FullDiskStopper(EventPrinter(tz), directory, stop)
        headless = build_headless_tracker(store, on_event=printer, signer=_signer(store))
        previous = {sig: signal.signal(sig, lambda *_: stop.set())
                    for sig in (signal.SIGTERM, signal.SIGINT)}
        watch_disk(guard, stop, on_problem=_print_error)
        try:
            _track(headless, contract, args, stop, tz)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            headless.shutdown()
        seconds = printer.inner.minutes
        print(f"clocked out: {seconds // 60} min {seconds % 60} s recorded",
              flush=True)
    finally:
        store.close()
        lock.release()
    return 0


def _print_error(message: str) -> None:
    print(f"workdiary: {message}", file=sys.stderr, flush=True)


class FullDiskStopper:
    """Pass events on; when a write failed because the disk is full, say so and stop tracking
    (the runner then clocks out cleanly, keeping every minute recorded before)."""

    def __init__(self, inner: EventPrinter, directory: Path, stop: threading.Event) -> None:
        self.inner = inner
        self.directory = directory
        self.stop = stop

    def __call__(self, event: TrackerEvent) -> None:
        self.inner(event)
        if isinstance(event, RecordingFailed):
            message = message_for_write_error(event.error, self.directory)
            if message is not None and not self.stop.is_set():
                _print_error(message)
                self.stop.set()


def _track(headless: Any, contract: Any, args: argparse.Namespace, stop: threading.Event,
           tz: ZoneInfo) -> None:
    from workdiary.tracker.runner import run_tracker

    tracker = headless.tracker
    tracker.clock_in(contract, args.memo)
    for warning in headless.warnings:
        print(f"workdiary: warning: {warning}", file=sys.stderr, flush=True)
    p = contract.policy
    print(f"clocked in on {contract.title!r} ({contract.id}) at "
          f"{_local(headless.clock.now(), tz, '%H:%M:%S %Z')}: {p.segment_minutes}-minute "
          f"segments, {p.screenshots_per_segment} screenshot(s) each, idle after "
          f"{p.idle_minutes} min. Ctrl-C clocks out.", flush=True)
    try:
        run_tracker(tracker, headless.clock, stop, args.duration)
    finally:
        tracker.clock_out()


def _signer(store: LocalStore) -> Any:
    """Sign closed segments when logged in; otherwise they are signed at upload."""
    from workdiary.sync.client import current_account, signer_for
    from workdiary.sync.secrets import KeyringSecretStore, SecretStoreError

    if current_account(store) is None:
        return None
    try:
        return signer_for(store, KeyringSecretStore())
    except SecretStoreError as exc:
        print(f"workdiary: note: segments are not signed now ({exc}); they are signed at "
              f"upload.", file=sys.stderr)
        return None


# -- diary ---------------------------------------------------------------------------------

def run_diary(args: argparse.Namespace) -> int:
    tz = local_timezone()
    day = args.date or datetime.now(tz).date()
    store = open_local_store()
    try:
        data = diary_data(store, day, tz, args.contract, now=datetime.now(UTC))
        if args.contract and not data["segments"] and store.contract(args.contract) is None:
            raise CommandError(f"unknown contract {args.contract!r}: it is not in the local cache "
                               "and nothing was recorded on it. `workdiary contracts` lists yours.")
        if args.json:
            print(json.dumps(data, indent=2))
            return 0
        for line in format_diary(data, store, tz):
            print(line)
    finally:
        store.close()
    return 0


def format_diary(data: dict[str, Any], store: LocalStore, tz: ZoneInfo) -> list[str]:
    from workdiary.core.timegrid import parse_iso

    lines = [f"Work diary for {data['date']} (times in {tz.key})", ""]
    lines.append(f"{'time':<13} {'contract':<12} {'min':>4} {'activity':>8} {'shots':>5}  "
                 f"{'sync':<12} memo")
    boundary = parse_iso(data["week_boundary"]) if data["week_boundary"] else None
    for item in data["segments"]:
        start, end = parse_iso(item["start"]), parse_iso(item["end"])
        if boundary is not None and start >= boundary:
            lines.append(f"----- UTC week boundary: Monday 00:00 UTC = {_local(boundary, tz)} "
                         f"local -----")
            boundary = None
        sync = item["sync"]
        state = "recording" if sync["recording"] else (
            "deleted" if item["kind"] == "tombstone" else sync["state"])
        if item["status"]:
            state = f"{state}/{item['status']}"
        elif sync["precheck"]:
            state = f"{state}/{sync['precheck']['status']}?"
        minutes = item["minutes"]
        active = sum(1 for m in minutes if not m["idle"] and (
            m["keys"] + m["clicks"] + m["scrolls"] + m["moves"]) > 0)
        bars = f"{(10 * active) // len(minutes)}/10" if minutes else "-"
        lines.append(
            f"{_local(start, tz)}-{_local(end, tz):<7} {item['contract_id'][:12]:<12} "
            f"{item['tracked_minutes']:>4} {bars:>8} {len(item['screenshots']):>5}  "
            f"{state:<12} {item['memo']}"
        )
        if sync["precheck"] and sync["precheck"]["reasons"]:
            lines.append(f"{'':<13} pre-check: {', '.join(sync['precheck']['reasons'])}")
    if boundary is not None:
        lines.append(f"----- UTC week boundary: Monday 00:00 UTC = {_local(boundary, tz)} "
                     f"local -----")
    totals = data["totals"]
    if any(item["sync"]["precheck"] for item in data["segments"]):
        lines.append("(? = pre-check: the verdict the server is expected to give on upload)")
    lines += ["", f"Total: {_hm(totals['tracked_minutes'])} tracked in {totals['segments']} "
                  f"segment(s), {totals['active_minutes']} active minute(s), "
                  f"{totals['screenshots']} screenshot(s)"
                  + (f", {totals['deleted']} deleted" if totals["deleted"] else "")]
    return lines


# -- status --------------------------------------------------------------------------------

def status_data(store: LocalStore, now: datetime, tz: ZoneInfo, recording_elsewhere: bool
                ) -> dict[str, Any]:
    """The `status` facts as JSON-ready data; the sync part comes from workdiary.sync.status."""
    from workdiary.sync.status import sync_status

    open_segment = store.open_segment()
    day_start, day_end = local_day_bounds(now.astimezone(tz).date(), tz)
    week_from = week_start(now)
    segments = store.segments_between(min(day_start, week_from), max(day_end, now))

    def seconds_between(start: datetime, end: datetime) -> int:
        return sum(m.seconds for s in segments for m in s.minutes if start <= m.at < end)

    # The tracker lock is held exactly while someone is clocked in (headless or the app).
    clocked_in = recording_elsewhere
    contract = store.contract(open_segment.contract_id) if open_segment else None
    data: dict[str, Any] = {
        "clocked_in": clocked_in,
        "interrupted": open_segment is not None and not recording_elsewhere,
        "contract_id": open_segment.contract_id if open_segment else None,
        "contract_title": contract.title if contract else None,
        "segment": None if open_segment is None else {
            "id": open_segment.id,
            "start": isoformat_z(open_segment.start),
            "tracked_seconds": open_segment.tracked_seconds,
        },
        "today_minutes": seconds_between(day_start, day_end) // 60,
        "week_minutes": seconds_between(week_from, week_from + timedelta(days=7)) // 60,
        "week_start": isoformat_z(week_from),
        "week_locks_at": isoformat_z(lock_time(week_from)),
        "tz": tz.key,
    }
    data.update(sync_status(store, now))
    return data


def format_status(data: dict[str, Any], now: datetime, tz: ZoneInfo) -> list[str]:
    from workdiary.core.timegrid import parse_iso
    from workdiary.sync.status import format_sync_status

    if data["clocked_in"] and data["segment"]:
        start = parse_iso(data["segment"]["start"])
        lines = [f"clocked in on {data['contract_title'] or data['contract_id']} "
                 f"(current segment since {_local(start, tz)})"]
    elif data["clocked_in"]:
        lines = ["clocked in (the first segment is being opened)"]
    elif data["interrupted"]:
        lines = ["clocked out; a segment was left open by an interrupted tracker: the next "
                 "`workdiary track` closes it at its last recorded minute"]
    else:
        lines = ["clocked out"]
    lines.append(f"today ({tz.key}): {_hm(data['today_minutes'])}")
    lines.append(f"this week (from {data['week_start'][:10]}, UTC): {_hm(data['week_minutes'])}")
    lines += format_sync_status(data, now)
    return lines


def run_status(args: argparse.Namespace, *, clock: Clock | None = None) -> int:
    clock = clock or SystemClock()
    tz = local_timezone()
    recording = TrackerLock(data_dir()).held_elsewhere()
    store = open_local_store(clock)
    try:
        now = clock.now()
        data = status_data(store, now, tz, recording)
    finally:
        store.close()
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        print("\n".join(format_status(data, now, tz)))
    return 0


# -- delete --------------------------------------------------------------------------------

def run_delete(args: argparse.Namespace, *, clock: Clock | None = None) -> int:
    clock = clock or SystemClock()
    store = open_local_store(clock)
    try:
        segment = store.segment(args.segment_id)
        if segment is None:
            raise CommandError(f"no segment {args.segment_id} in the local cache; "
                               f"`workdiary diary --json` lists segment ids")
        now = clock.now()
        if is_locked(segment.start, now):
            locked = lock_time(week_start(segment.start))
            raise CommandError(
                f"segment {segment.id} is in the week of {week_start(segment.start).date()}, "
                f"which locked at {isoformat_z(locked)}: its time can no longer be deleted"
            )
        try:
            tombstone = store.delete_segment(segment.id)
        except StoreError as exc:
            raise CommandError(str(exc)) from exc
        info = store.sync_info(tombstone.id)
    finally:
        store.close()
    where = ("the server copy is deleted at the next `workdiary sync`" if info.delete_pending
             else "the tombstone is uploaded at the next `workdiary sync`")
    print(f"deleted segment {segment.id} ({segment.tracked_minutes} min on {segment.contract_id}): "
          f"its time is gone; a tombstone keeps its place (seq {tombstone.seq}) in the chain, "
          f"and {where}")
    return 0
