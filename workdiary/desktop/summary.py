"""What the main window and the tray show, computed on the store's worker (no Qt here):
today's and this week's time (from the one status view), the current segment's activity,
the sync state in words."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from workdiary.core.activity import Activity, activity_of
from workdiary.core.timegrid import parse_iso
from workdiary.desktop.diary import status_view
from workdiary.store import LocalStore
from workdiary.sync.outbox import SyncReport

LOGIN_HINT = "run `workdiary login SERVER_URL --email EMAIL` in a terminal"


class SyncState(enum.StrEnum):
    OK = "ok"
    PENDING = "pending"
    OFFLINE = "offline"  # server unreachable: retried, nothing lost
    LOGGED_OUT = "logged_out"
    ERROR = "error"  # needs the user: login expired, a segment quarantined


@dataclass(frozen=True, slots=True)
class Summary:
    today_seconds: int  # billed seconds, the same number `workdiary status` prints
    week_seconds: int
    segment_seconds: int
    segment_activity: Activity | None
    previous_activity: Activity | None  # the last segment with minutes before this one
    sync_state: SyncState
    sync_text: str

    @property
    def today_minutes(self) -> int:
        return self.today_seconds // 60

    @property
    def week_minutes(self) -> int:
        return self.week_seconds // 60


def compute_summary(store: LocalStore, now: datetime, tz: ZoneInfo, segment_id: str | None,
                    last_report: SyncReport | None) -> Summary:
    """Everything the main window and the tray show, from the one status view."""
    view = status_view(store, now, tz, recording_elsewhere=segment_id is not None,
                       segment_id=segment_id)
    current = view.current
    state, text = sync_line(view.sync, last_report, tz)
    return Summary(
        today_seconds=view.today_seconds,
        week_seconds=view.week_seconds,
        segment_seconds=current.tracked_seconds if current else 0,
        segment_activity=activity_of(current.minutes) if current else None,
        previous_activity=view.previous_activity,
        sync_state=state, sync_text=text,
    )


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
    others = (status.get("waiting") or {}).get("other_accounts", {})
    warnings += "".join(f" {n} segment{'s' if n != 1 else ''} wait for {account}: they upload "
                        "when that account logs in again." for account, n in sorted(others.items()))
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
    elif report is not None and report.refused:
        # The server answered: not offline, and retrying alone will not fix it.
        state = SyncState.ERROR
        text = f"Uploads refused: {report.refused}. {waiting.capitalize()}; nothing is lost."
    elif report is not None and report.error:
        state = SyncState.OFFLINE
        text = (f"Uploads stopped: {report.error}. {waiting.capitalize()}; nothing is "
                f"lost, uploads resume by themselves. {last_text.capitalize()}.")
    elif pending:
        state, text = SyncState.PENDING, f"{waiting.capitalize()}, {last_text}."
    else:
        state, text = SyncState.OK, f"Everything is uploaded, {last_text}."
    if report is not None:  # what `workdiary sync` also prints: the clock and the login
        if report.too_early and report.clock_warning:
            text += (f" {len(report.too_early)} segment(s) not accepted yet: "
                     f"{_sentence(report.clock_warning)}")
        if report.token_notice:
            text += f" Login: {report.token_notice}"
    return state, f"{text} {warnings}".strip()


def _sentence(text: str) -> str:
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def hours_minutes(minutes: int) -> str:
    """``1:05`` style: billed minutes as hours and minutes."""
    return f"{minutes // 60}:{minutes % 60:02d}"


def hours_minutes_seconds(seconds: int) -> str:
    """``1:05:09`` style: billed seconds (time is billed to the second)."""
    return f"{hours_minutes(seconds // 60)}:{seconds % 60:02d}"
