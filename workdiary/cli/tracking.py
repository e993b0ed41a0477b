"""`workdiary track | diary | status | delete`: headless tracking and the local diary."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from workdiary.cli.durations import duration_argument
from workdiary.cli.main import CommandError
from workdiary.cli.track_sync import SyncPrinter, grace_seconds, print_waiting, start_sync
from workdiary.core.clock import Clock, SystemClock
from workdiary.core.model import Contract, SegmentKind
from workdiary.desktop.diary import (
    IDLE_TIME_NOTE,
    DayView,
    StatusView,
    day_view,
    mark_shown,
    measured_from_idle,
    status_view,
)
from workdiary.desktop.manual import memo_refusal
from workdiary.desktop.settings import DesktopSettings
from workdiary.store import LocalStore, StoreError
from workdiary.store.diskguard import DiskGuard, message_for_write_error
from workdiary.sync.client import SERVER_URL
from workdiary.sync.secrets import SecretStore
from workdiary.tracker.console import EventPrinter
from workdiary.tracker.events import RecordingFailed, TrackerEvent
from workdiary.tracker.lock import TrackerBusy, TrackerLock

if TYPE_CHECKING:
    from argparse import _SubParsersAction

    from workdiary.desktop.contract_sync import ContractsUpdate
    from workdiary.desktop.runtime import Runtime


RELEASE_CHECK_TIMEOUT = (3.0, 5.0)  # before clocking in: short, offline must not delay long


def register(subparsers: _SubParsersAction[argparse.ArgumentParser]) -> None:
    track = subparsers.add_parser("track", help="track time on a contract, headless")
    track.add_argument("contract_id", metavar="CONTRACT_ID")
    track.add_argument("--memo", default="", help="what you are working on")
    track.add_argument("--duration", type=duration_argument, metavar="DURATION",
                       help="clock out after this long: seconds, or e.g. 90s, 3m, 1h, 1h30m "
                            "(default: until Ctrl-C)")
    track.add_argument("--no-sync", action="store_true",
                       help="stay offline: record only; `workdiary sync` uploads later "
                            "(default: upload in the background, as the tray app does)")
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


def open_local_store(settings: DesktopSettings, clock: Clock | None = None) -> LocalStore:
    try:
        return LocalStore(settings.database_path, clock=clock)
    except StoreError as exc:
        raise CommandError(str(exc)) from exc


def _local(moment: datetime, tz: ZoneInfo, fmt: str = "%H:%M") -> str:
    return moment.astimezone(tz).strftime(fmt)


def _hm(seconds: int) -> str:
    """Billed seconds in words; the seconds only when there are any (time is billed to the
    second, so a 38-second segment shows as such)."""
    minutes, rest = divmod(seconds, 60)
    return f"{minutes // 60} h {minutes % 60:02d} min" + (f" {rest:02d} s" if rest else "")


# -- track ---------------------------------------------------------------------------------

def run_track(args: argparse.Namespace) -> int:
    from workdiary.desktop.runtime import build_runtime

    settings = DesktopSettings.from_environment()
    tz = settings.tz
    lock = TrackerLock(settings.data_dir)
    try:
        lock.acquire()
    except TrackerBusy as exc:
        raise CommandError(str(exc)) from exc
    try:
        store = open_local_store(settings)
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
                  f"{segment.tracked_seconds} s kept, id {segment.id})", flush=True)
        if (problem := DiskGuard(settings.data_dir, settings.disk_limits).check()) is not None:
            raise CommandError(problem)
        stop = threading.Event()
        printer = FullDiskStopper(EventPrinter(tz), settings.data_dir, stop)
        sync_printer = SyncPrinter()
        runtime = build_runtime(settings, store, clock=SystemClock(), on_event=printer,
                                secrets=_secrets(store), sync=not args.no_sync,
                                on_report=sync_printer, on_contracts=_print_contract_news)
        for text in runtime.notices:
            print(f"workdiary: note: {text}", file=sys.stderr)
        previous = {sig: signal.signal(sig, lambda *_: stop.set())
                    for sig in (signal.SIGTERM, signal.SIGINT)}
        runtime.watch_disk(stop, on_problem=_print_error)
        try:
            _track(runtime, contract, args, stop, tz)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            runtime.close()
        seconds = printer.inner.minutes
        print(f"clocked out: {seconds // 60} min {seconds % 60} s recorded",
              flush=True)
        print_waiting(settings, store)
    finally:
        store.close()
        lock.release()
    return 0


def _print_contract_news(update: ContractsUpdate) -> None:
    """A changed policy or a stopped contract, said as the sync pass learns it."""
    for message in update.messages:
        print(f"contracts: {message}", flush=True)


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


def _track(runtime: Runtime, contract: Contract, args: argparse.Namespace,
           stop: threading.Event, tz: ZoneInfo) -> None:
    tracker = runtime.tracker
    _refuse_below_minimum(runtime)
    tracker.clock_in(contract, args.memo)  # this thread drives the loop below
    for warning in runtime.warnings:
        print(f"workdiary: warning: {warning}", file=sys.stderr, flush=True)
    p = contract.policy
    print(f"clocked in on {contract.title!r} ({contract.id}) at "
          f"{_local(runtime.clock.now(), tz, '%H:%M:%S %Z')}: {p.segment_minutes}-minute "
          f"segments, {p.screenshots_per_segment} screenshot(s) each, idle after "
          f"{p.idle_minutes} min. Ctrl-C clocks out.", flush=True)
    start_sync(runtime, args.no_sync)
    try:
        runtime.loop.run(stop, args.duration)
    finally:
        tracker.clock_out()


def _refuse_below_minimum(runtime: Runtime) -> None:
    """Ask the server for its desktop release: an update is a note; below the minimum,
    upload what is recorded and refuse to clock in (docs/design.md, Update notices)."""
    from workdiary.sync.release import ReleaseState, finish_below_minimum

    notice = runtime.check_release(timeout=RELEASE_CHECK_TIMEOUT)
    if notice is not None and notice.state is ReleaseState.UPDATE_AVAILABLE:
        print(f"workdiary: note: {notice.message}", file=sys.stderr, flush=True)
    refusal = finish_below_minimum(notice, clocked_in=False, clock_out=lambda: None,
                                   upload=runtime.upload_now)
    if refusal is not None:
        raise CommandError(f"not clocked in. {refusal}")


def _secrets(store: LocalStore) -> SecretStore | None:
    """The keyring when logged in (to sign closed segments); otherwise they are signed at
    upload. A keyring that cannot open is a note, not a stop."""
    from workdiary.sync.client import current_account
    from workdiary.sync.secrets import KeyringSecretStore, SecretStoreError

    if current_account(store) is None:
        return None
    try:
        return KeyringSecretStore()
    except SecretStoreError as exc:
        print(f"workdiary: note: segments are not signed now ({exc}); they are signed at "
              f"upload.", file=sys.stderr)
        return None


# -- diary ---------------------------------------------------------------------------------

def run_diary(args: argparse.Namespace) -> int:
    settings = DesktopSettings.from_environment()
    tz = settings.tz
    day = args.date or datetime.now(tz).date()
    store = open_local_store(settings)
    try:
        now = datetime.now(UTC)
        view = day_view(store, day, tz, now, args.contract)
        mark_shown(store, view, now)  # listed to the user: `sync --now` may send them
        if args.contract and not view.rows and store.contract(args.contract) is None:
            raise CommandError(f"unknown contract {args.contract!r}: it is not in the local cache "
                               "and nothing was recorded on it. `workdiary contracts` lists yours.")
    finally:
        store.close()
    if args.json:
        print(json.dumps(view.to_json(), indent=2))
        return 0
    for line in format_diary(view):
        print(line)
    return 0


def format_diary(view: DayView) -> list[str]:
    tz = view.tz
    lines = [f"Work diary for {view.day.isoformat()} (times in {tz.key})", ""]
    lines.append(f"{'time':<13} {'contract':<12} {'m:ss':>5} {'activity':>8} {'shots':>5}  "
                 f"{'sync':<12} memo")
    boundary = view.week_boundary
    for segment, info, expected in view.rows:
        if boundary is not None and segment.start >= boundary:
            lines.append(f"----- UTC week boundary: Monday 00:00 UTC = {_local(boundary, tz)} "
                         f"local -----")
            boundary = None
        state = "recording" if info.closed_at is None else (
            "deleted" if segment.kind is SegmentKind.TOMBSTONE else info.sync_state)
        if info.server_status:
            state = f"{state}/{info.server_status}"
        elif expected is not None:
            state = f"{state}/{expected.status.value}?"
        minutes = segment.minutes
        active = sum(1 for m in minutes if not m.idle and m.has_input)
        bars = f"{(10 * active) // len(minutes)}/10" if minutes else "-"
        if segment.kind is SegmentKind.MANUAL:
            bars = "manual"  # entered by hand: no activity, no screenshots
        memo = segment.memo + (" (edited)" if info.memo_edited else "")
        billed = f"{segment.tracked_seconds // 60}:{segment.tracked_seconds % 60:02d}"
        lines.append(
            f"{_local(segment.start, tz)}-{_local(segment.end, tz):<7} "
            f"{segment.contract_id[:12]:<12} {billed:>5} {bars:>8} "
            f"{len(segment.screenshots):>5}  {state:<12} {memo}"
        )
        if info.memo_edit is not None:
            lines.append(f"{'':<13} memo edit waiting for upload: {info.memo_edit}")
        elif (refusal := memo_refusal(info)) is not None:
            lines.append(f"{'':<13} {refusal}")
        if measured_from_idle(segment):
            lines.append(f"{'':<13} {IDLE_TIME_NOTE}")
        if expected is not None and expected.reasons:
            reasons = ", ".join(reason.value for reason in expected.reasons)
            lines.append(f"{'':<13} pre-check: {reasons}")
    if boundary is not None:
        lines.append(f"----- UTC week boundary: Monday 00:00 UTC = {_local(boundary, tz)} "
                     f"local -----")
    totals = view.totals
    if any(row.expected is not None for row in view.rows):
        lines.append("(? = pre-check: the verdict the server is expected to give on upload)")
    lines += ["", f"Total: {_hm(totals.tracked_seconds)} tracked in {totals.segments} "
                  f"segment(s), {totals.active_minutes} active minute(s), "
                  f"{totals.screenshots} screenshot(s)"
                  + (f", {totals.deleted} deleted" if totals.deleted else "")]
    return lines


# -- status --------------------------------------------------------------------------------

def format_status(view: StatusView) -> list[str]:
    from workdiary.sync.status import format_sync_status

    tz, segment = view.tz, view.open_segment
    if view.recording_elsewhere and segment is not None:
        lines = [f"clocked in on {view.contract_title or segment.contract_id} "
                 f"(current segment since {_local(segment.start, tz)})"]
    elif view.recording_elsewhere:
        lines = ["clocked in (the first segment is being opened)"]
    elif view.interrupted:
        lines = ["clocked out; a segment was left open by an interrupted tracker: the next "
                 "`workdiary track` closes it at its last recorded minute"]
    else:
        lines = ["clocked out"]
    lines.append(f"today ({tz.key}): {_hm(view.today_seconds)}")
    lines.append(f"this week (from {view.week_start.date().isoformat()}, UTC): "
                 f"{_hm(view.week_seconds)}")
    lines += format_sync_status(view.sync, view.now, tz)
    return lines


def run_status(args: argparse.Namespace, *, clock: Clock | None = None) -> int:
    clock = clock or SystemClock()
    settings = DesktopSettings.from_environment()
    recording = TrackerLock(settings.data_dir).held_elsewhere()
    store = open_local_store(settings, clock)
    try:
        view = status_view(store, clock.now(), settings.tz, recording_elsewhere=recording,
                           grace_seconds=grace_seconds(settings, store))
        server_url = store.get_setting(SERVER_URL)
    finally:
        store.close()
    from workdiary.capture.platform import session_report

    backends = session_report()  # which capture backends this session uses, and why
    key_line, key_json = _pinned_key_status(settings.data_dir, server_url)
    if args.json:
        print(json.dumps({**view.to_json(), "server_key": key_json,
                          "capture_backends": backends}, indent=2))
    else:
        print("\n".join(format_status(view) + ([key_line] if key_line else [])
                        + ["capture backends in this session:"]
                        + [f"  {line}" for line in backends]))
    return 0


def _pinned_key_status(data_dir: Path, server_url: str | None
                       ) -> tuple[str, dict[str, str] | None]:
    """The line (and JSON) saying which evidence key `workdiary verify` trusts."""
    # Imported here: every command's parser is built at start, the tray app's too, and
    # serverkeys needs cryptography (benchmarks/memory.md).
    from workdiary.sync.serverkeys import PinsUnreadable, pinned_key, pins_path

    if not server_url:
        return "", None
    try:
        pin = pinned_key(pins_path(data_dir), server_url)
    except PinsUnreadable as exc:
        return f"server evidence key: {exc}", None
    if pin is None:
        return ("server evidence key: none pinned (log in again to pin it for "
                "`workdiary verify`)"), None
    return (f"server evidence key: {pin.key_id}, pinned at login on {pin.pinned_on}",
            {"key_id": pin.key_id, "public_key": pin.public_key, "pinned_at": pin.pinned_at})


# -- delete --------------------------------------------------------------------------------

def run_delete(args: argparse.Namespace, *, clock: Clock | None = None) -> int:
    from workdiary.desktop.review import delete_closed_segment

    clock = clock or SystemClock()
    store = open_local_store(DesktopSettings.from_environment(), clock)
    try:
        deletion = delete_closed_segment(store, args.segment_id, clock.now())
    except StoreError as exc:
        raise CommandError(str(exc)) from exc
    finally:
        store.close()
    segment, tombstone = deletion.segment, deletion.tombstone
    where = ("the server copy is deleted at the next `workdiary sync`" if deletion.server_copy
             else "the tombstone is uploaded at the next `workdiary sync`")
    print(f"deleted segment {segment.id} ({segment.tracked_seconds} s on {segment.contract_id}): "
          f"its time is gone; a tombstone keeps its place (seq {tombstone.seq}) in the chain, "
          f"and {where}")
    return 0
