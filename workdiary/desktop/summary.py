"""What the main window and the tray show, computed on the store's worker (no Qt here; the
sentences in the tray app's language through ``i18n.translate``):
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
from workdiary.desktop import formatting
from workdiary.desktop.diary import status_view
from workdiary.desktop.i18n import plural, translate
from workdiary.store import LocalStore
from workdiary.sync.outbox import SyncReport

LOGIN_HINT = "run `workdiary login SERVER_URL --email EMAIL` in a terminal"


def login_hint() -> str:
    """LOGIN_HINT in the tray app's language."""
    return translate("Sync", "run `workdiary login SERVER_URL --email EMAIL` in a terminal")


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
    """The sync state and one or two sentences about it (in the tray app's language)."""
    pending = int(status["pending_uploads"])
    waiting = plural(pending, translate("Sync", "{n} segment waiting for upload"),
                     translate("Sync", "{n} segments waiting for upload")).format(n=pending)
    last = status["last_sync_at"]
    last_text = (translate("Sync", "never synced") if not last
                 else translate("Sync", "last sync {time}").format(
                     time=formatting.clock_time(parse_iso(last), tz)))
    hint = login_hint()
    warnings = " ".join(_sentence(w) for w in status["warnings"]
                        if not w.startswith("not logged in"))
    others = (status.get("waiting") or {}).get("other_accounts", {})
    warnings += "".join(" " + plural(
        n, translate("Sync", "{n} segment waits for {account}: it uploads when that account "
                             "logs in again."),
        translate("Sync", "{n} segments wait for {account}: they upload when that account logs "
                          "in again.")).format(n=n, account=account)
        for account, n in sorted(others.items()))
    if not status["server_url"]:
        state = SyncState.LOGGED_OUT
        text = translate("Sync", "Not logged in: recorded time stays on this computer "
                                 "({waiting}). To upload, {hint}.").format(waiting=waiting,
                                                                          hint=hint)
    elif status["auth_state"] == "expired":
        state = SyncState.ERROR
        text = translate("Sync", "Uploads paused: the login expired; {hint} again. {waiting}."
                         ).format(hint=hint, waiting=_capital(waiting))
        warnings = ""
    elif report is not None and report.quarantined:
        state = SyncState.ERROR
        _segment_id, reason = report.quarantined[0]
        text = translate("Sync", "A segment was refused by the server and kept aside ({reason}); "
                                 "see `workdiary sync`. {waiting}, {last}.").format(
            reason=reason, waiting=_capital(waiting), last=last_text)
    elif report is not None and report.refused:
        # The server answered: not offline, and retrying alone will not fix it.
        state = SyncState.ERROR
        text = translate("Sync", "Uploads refused: {reason}. {waiting}; nothing is lost."
                         ).format(reason=report.refused, waiting=_capital(waiting))
    elif report is not None and report.error:
        state = SyncState.OFFLINE
        text = translate("Sync", "Uploads stopped: {reason}. {waiting}; nothing is lost, uploads "
                                 "resume by themselves. {last}.").format(
            reason=report.error, waiting=_capital(waiting), last=_capital(last_text))
    elif pending:
        state = SyncState.PENDING
        text = translate("Sync", "{waiting}, {last}.").format(waiting=_capital(waiting),
                                                              last=last_text)
    else:
        state = SyncState.OK
        text = translate("Sync", "Everything is uploaded, {last}.").format(last=last_text)
    if report is not None:  # what `workdiary sync` also prints: the clock and the login
        if report.too_early and report.clock_warning:
            early = len(report.too_early)
            text += " " + plural(early, translate("Sync", "{n} segment not accepted yet: {why}"),
                                 translate("Sync", "{n} segments not accepted yet: {why}")
                                 ).format(n=early, why=_sentence(report.clock_warning))
        if report.token_notice:
            text += " " + translate("Sync", "Login: {notice}").format(notice=report.token_notice)
    return state, f"{text} {warnings}".strip()


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _sentence(text: str) -> str:
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."

