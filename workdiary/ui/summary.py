"""What the windows and the tray show, computed on the store's worker (no Qt here):
today's and this week's time, the current segment's activity, the sync state in words."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from workdiary.core.activity import Activity, activity_of
from workdiary.core.model import Segment, SegmentKind
from workdiary.core.timegrid import local_day_bounds, parse_iso
from workdiary.core.verify import Verdict
from workdiary.core.week import week_start
from workdiary.store import LocalStore, SyncInfo
from workdiary.store.precheck import precheck_segment
from workdiary.sync.outbox import SyncReport
from workdiary.sync.status import sync_status

LOGIN_HINT = "run `workdiary login SERVER_URL --email EMAIL` in a terminal"


class SyncState(enum.StrEnum):
    OK = "ok"
    PENDING = "pending"
    OFFLINE = "offline"  # server unreachable: retried, nothing lost
    LOGGED_OUT = "logged_out"
    ERROR = "error"  # needs the user: login expired, a segment quarantined


@dataclass(frozen=True, slots=True)
class Summary:
    today_seconds: int
    week_seconds: int
    segment_seconds: int
    segment_activity: Activity | None
    previous_activity: Activity | None  # the last segment with minutes before this one
    sync_state: SyncState
    sync_text: str


def compute_summary(store: LocalStore, now: datetime, tz: ZoneInfo, segment_id: str | None,
                    last_report: SyncReport | None) -> Summary:
    """Read the store once for everything the main window and the tray show."""
    day_start, day_end = local_day_bounds(now.astimezone(tz).date(), tz)
    week_from = week_start(now)
    segments = store.segments_between(min(day_start, week_from),
                                      max(day_end, week_from + timedelta(days=7)))

    def seconds(start: datetime, end: datetime) -> int:
        return sum(m.seconds for s in segments for m in s.minutes if start <= m.at < end)

    current = store.segment(segment_id) if segment_id else None
    earlier = [s for s in segments if s.minutes and s.id != segment_id
               and (current is None or s.start < current.start)]
    state, text = sync_line(sync_status(store, now), last_report, tz)
    return Summary(
        today_seconds=seconds(day_start, day_end),
        week_seconds=seconds(week_from, week_from + timedelta(days=7)),
        segment_seconds=current.tracked_seconds if current else 0,
        segment_activity=activity_of(current.minutes) if current else None,
        previous_activity=activity_of(earlier[-1].minutes) if earlier else None,
        sync_state=state, sync_text=text,
    )


def day_rows(store: LocalStore, day: date, tz: ZoneInfo, now: datetime
             ) -> list[tuple[Segment, SyncInfo, Verdict | None]]:
    """A local day's segments with their sync state and, until the server has judged them,
    the verdict the protection pre-check expects."""
    start, end = local_day_bounds(day, tz)
    rows: list[tuple[Segment, SyncInfo, Verdict | None]] = []
    for segment in store.segments_between(start, end):
        info = store.sync_info(segment.id)
        expected = None
        if (info.closed_at is not None and not info.uploaded
                and segment.kind is not SegmentKind.TOMBSTONE):
            expected = precheck_segment(store, segment, now)
        rows.append((segment, info, expected))
    return rows


def sync_line(status: dict[str, Any], report: SyncReport | None, tz: ZoneInfo
              ) -> tuple[SyncState, str]:
    """The sync state and one or two sentences about it."""
    pending = int(status["pending_uploads"])
    waiting = f"{pending} segment{'s' if pending != 1 else ''} waiting for upload"
    last = status["last_sync_at"]
    last_text = ("never synced" if not last
                 else f"last sync {parse_iso(last).astimezone(tz):%H:%M}")
    warnings = " ".join(w[0].upper() + w[1:] + "." for w in status["warnings"]
                        if not w.startswith("not logged in"))
    if not status["server_url"]:
        state = SyncState.LOGGED_OUT
        text = (f"Not logged in: recorded time stays on this computer ({waiting}). To upload, "
                f"{LOGIN_HINT}.")
    elif status["auth_state"] == "expired":
        state = SyncState.ERROR
        text = f"Uploads paused: the login expired; {LOGIN_HINT} again. {waiting.capitalize()}."
        warnings = ""
    elif report is not None and report.quarantined:
        state = SyncState.ERROR
        _segment_id, reason = report.quarantined[0]
        text = (f"A segment was refused by the server and kept aside ({reason}); see "
                f"`workdiary sync`. {waiting.capitalize()}, {last_text}.")
    elif report is not None and report.error:
        state = SyncState.OFFLINE
        text = (f"Uploads stopped: {report.error}. {waiting.capitalize()}; nothing is "
                f"lost, uploads resume by themselves. {last_text.capitalize()}.")
    elif pending:
        state, text = SyncState.PENDING, f"{waiting.capitalize()}, {last_text}."
    else:
        state, text = SyncState.OK, f"Everything is uploaded, {last_text}."
    return state, f"{text} {warnings}".strip()


def hours_minutes(seconds: int) -> str:
    """``1:05`` style: hours and minutes, rounded down (never overstating billed time)."""
    minutes = seconds // 60
    return f"{minutes // 60}:{minutes % 60:02d}"
