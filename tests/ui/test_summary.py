"""The sync line in words, and the tray icons for every state."""

from __future__ import annotations

from typing import Any

import pytest

from workdiary.desktop.formatting import hours_minutes
from workdiary.desktop.state import TrayState
from workdiary.desktop.summary import SyncState, sync_line
from workdiary.sync.outbox import SyncReport

from .conftest import TZ


def status(**changes: Any) -> dict[str, Any]:
    base = {"server_url": "https://example.org", "user_email": "f@example.org",
            "auth_state": "ok", "last_sync_at": "2026-03-04T08:55:00Z", "pending_uploads": 0,
            "warnings": []}
    return {**base, **changes}


def test_everything_uploaded() -> None:
    assert sync_line(status(), None, TZ) == (
        SyncState.OK, "Everything is uploaded, last sync 09:55.")


def test_pending() -> None:
    state, text = sync_line(status(pending_uploads=3), SyncReport(), TZ)
    assert state is SyncState.PENDING and text == "3 segments waiting for upload, last sync 09:55."


def test_not_logged_in_says_what_to_run() -> None:
    state, text = sync_line(status(server_url=None, pending_uploads=1, warnings=[
        "not logged in: recorded time stays..."]), None, TZ)
    assert state is SyncState.LOGGED_OUT
    assert "1 segment waiting" in text and "workdiary login SERVER_URL --email EMAIL" in text
    assert text.count("not logged in") == 0 and text.startswith("Not logged in")


def test_offline_says_nothing_is_lost() -> None:
    report = SyncReport(error="connection refused by 127.0.0.1:9")
    state, text = sync_line(status(pending_uploads=2, last_sync_at=None), report, TZ)
    assert state is SyncState.OFFLINE
    assert "connection refused" in text and "nothing is lost" in text
    assert "Never synced" in text


def test_expired_login_and_quarantine_need_the_user() -> None:
    assert sync_line(status(auth_state="expired"), None, TZ)[0] is SyncState.ERROR
    report = SyncReport(quarantined=[("s-1", "conflict: different body")])
    state, text = sync_line(status(), report, TZ)
    assert state is SyncState.ERROR and "conflict: different body" in text


def test_warnings_are_added() -> None:
    text = sync_line(status(warnings=["30 minutes of the week are not uploaded"]), None,
                     TZ)[1]
    assert text.endswith("30 minutes of the week are not uploaded.")


def test_hours_minutes() -> None:
    # Billed minutes in, already floored per segment by the read model (tests/desktop).
    assert hours_minutes(0) == "0:00"
    assert hours_minutes(59) == "0:59"
    assert hours_minutes(3 * 60 + 5) == "3:05"


@pytest.mark.parametrize("state", list(TrayState))
def test_every_state_has_a_distinct_icon(qtbot: Any, state: TrayState) -> None:
    from workdiary.ui.icons import state_icon, state_pixmap

    image = state_pixmap(state, 32).toImage()
    assert image.pixelColor(16, 3).alpha() == 255 and image.pixelColor(0, 0).alpha() == 0
    colour = image.pixelColor(16, 3).name()
    others = {state_pixmap(s, 32).toImage().pixelColor(16, 3).name()
              for s in TrayState if s is not state}
    assert colour not in others
    assert not state_icon(state).isNull()
