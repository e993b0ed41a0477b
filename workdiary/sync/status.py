"""The sync part of `workdiary status`: last sync, pending uploads, and time at risk.

``sync_status`` returns plain data (JSON-ready); ``format_sync_status`` the lines to print.
The `status` command (workdiary/cli/tracking.py) adds both to its own output.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any, Protocol

from workdiary.core.model import Segment, SegmentKind
from workdiary.core.timegrid import isoformat_z, parse_iso
from workdiary.core.week import lock_time, week_start
from workdiary.store.upload_queue import QueuedRecord
from workdiary.sync.client import account_key
from workdiary.sync.secrets import Account
from workdiary.sync.waiting import Waiting, format_waiting, waiting_uploads

AT_RISK_WINDOW = timedelta(hours=24)
_FAR_FUTURE = timedelta(days=3650)


class StatusStore(Protocol):
    def get_setting(self, key: str) -> str | None: ...
    def pending_count(self) -> int: ...
    def pending_segments(self, closed_before: datetime, limit: int) -> list[Segment]: ...
    def queued_records(self) -> list[QueuedRecord]: ...


def sync_status(store: StatusStore, now: datetime, grace_seconds: float = 120.0
                ) -> dict[str, Any]:
    """Login, last successful sync, pending uploads (what waits for the review window or for
    another account) and warnings, as a JSON-ready dict."""
    server_url, email = store.get_setting("server_url"), store.get_setting("user_email")
    account = account_key(Account(server_url, email)) if server_url and email else None
    auth_state = store.get_setting("auth_state") or ("ok" if server_url else "logged_out")
    last_sync = store.get_setting("last_sync_at")
    pending = store.pending_segments(now + _FAR_FUTURE, 1_000_000)
    warnings: list[str] = []
    if not server_url:
        warnings.append("not logged in: recorded time stays on this computer until "
                        "`workdiary login SERVER_URL --email EMAIL`")
    elif auth_state == "expired":
        warnings.append("uploads paused: the login expired; run `workdiary login` again")
    elif auth_state == "logged_out":
        warnings.append("logged out: recorded time stays on this computer until "
                        "`workdiary login` again")
    for week, seconds in sorted(_unsynced_seconds_by_week(pending).items()):
        locks = lock_time(week)
        if now <= locks <= now + AT_RISK_WINDOW and seconds > 0:
            hours = (locks - now).total_seconds() / 3600
            amount = f"{seconds // 60} minutes"
            if seconds % 60:
                amount += f" {seconds % 60} seconds"
            warnings.append(
                f"{amount} of the week of {week.date().isoformat()} are not uploaded "
                f"and the week locks in {hours:.1f} hours ({isoformat_z(locks)}): connect and "
                "run `workdiary sync` or they will not be billed"
            )
    return {
        "server_url": server_url,
        "user_email": email,
        "auth_state": auth_state,
        "last_sync_at": last_sync,
        "pending_uploads": store.pending_count(),
        "waiting": waiting_uploads(store.queued_records(), account, now,
                                   grace_seconds).to_dict(),
        "warnings": warnings,
    }


def _unsynced_seconds_by_week(pending: list[Segment]) -> dict[datetime, int]:
    weeks: dict[datetime, int] = {}
    for segment in pending:
        if segment.kind is SegmentKind.TOMBSTONE:
            continue
        week = week_start(segment.start)
        weeks[week] = weeks.get(week, 0) + segment.tracked_seconds
    return weeks


def waiting_of(status: dict[str, Any]) -> Waiting:
    """The ``waiting`` part of a ``sync_status`` dict, typed again."""
    raw = status.get("waiting") or {}
    until = raw.get("review_until")
    return Waiting(ready=raw.get("ready", 0), in_review=raw.get("in_review", 0),
                   in_review_seen=raw.get("in_review_seen", 0),
                   review_until=parse_iso(until) if until else None,
                   other_accounts=dict(raw.get("other_accounts", {})))


def format_sync_status(status: dict[str, Any], now: datetime, tz: tzinfo = UTC) -> list[str]:
    """Human lines for `workdiary status`."""
    if status["server_url"]:
        state = {"expired": " (login expired)", "logged_out": " (logged out)"}
        lines = [f"server: {status['server_url']} as {status['user_email']}"
                 + state.get(status["auth_state"], "")]
    else:
        lines = ["server: not logged in"]
    last = status["last_sync_at"]
    if last:
        ago = now - parse_iso(last)
        lines.append(f"last successful sync: {last} ({_ago(ago)} ago)")
    else:
        lines.append("last successful sync: never")
    lines.append(f"pending uploads: {status['pending_uploads']}")
    lines.extend(format_waiting(waiting_of(status), tz))
    lines.extend(f"warning: {w}" for w in status["warnings"])
    return lines


def _ago(delta: timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    if seconds < 172800:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"
