"""The diary window lists the day's segments from the store; memos are editable until upload."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressBar

from workdiary.ui.diary_window import MEMO, SHOTS, DiaryWindow

from .conftest import TZ, Rig


def record(rig: Rig, qtbot: Any, seconds: int) -> None:
    rig.session.clock_in(rig.store.contracts()[0], "Writing tests")
    qtbot.waitUntil(lambda: rig.session.clocked_in)
    rig.run(seconds, input_every=4)
    rig.session.clock_out()
    qtbot.waitUntil(lambda: not rig.session.clocked_in and not rig.session.busy)


def test_the_diary_lists_the_days_segments(rig: Rig, qtbot: Any) -> None:
    record(rig, qtbot, 153)  # 09:03:27-09:06:00 UTC: three 1-minute segments
    day = rig.clock.now().astimezone(TZ).date()
    window = DiaryWindow(rig.session, day)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.table.rowCount() == 3)
    rows = [[window.table.item(r, c).text() for c in range(window.table.columnCount())]
            for r in range(3)]
    assert [r[0] for r in rows] == ["10:03–10:04", "10:04–10:05", "10:05–10:06"]
    assert [r[1] for r in rows] == ["0:33", "1:00", "1:00"]
    assert rows[1][2] == "10/10"
    meter = window.table.cellWidget(1, 2).findChild(QProgressBar)
    assert meter.value() == 10
    assert all(r[MEMO] == "Writing tests" for r in rows)
    assert all(r[4] == "waiting for upload; expected protected" for r in rows)
    assert all(r[SHOTS] == "1 taken" for r in rows)
    # Shown in the diary window: `workdiary sync --now` may send them before their window ends.
    assert [r.seen for r in rig.store.queued_records()] == [True, True, True]
    assert "0:02:33 h tracked" in window.totals_label.text()
    assert "3 segments" in window.totals_label.text()
    assert "Wednesday, March 4, 2026" in window.day_label.text()
    qtbot.waitUntil(lambda: not window.table.item(0, SHOTS).icon().isNull())

    window.previous_button.click()
    qtbot.waitUntil(lambda: window.table.rowCount() == 0)
    assert window.day == day - timedelta(days=1)
    window.next_button.click()
    qtbot.waitUntil(lambda: window.table.rowCount() == 3)


def test_a_memo_edited_in_the_diary_is_stored(rig: Rig, qtbot: Any) -> None:
    record(rig, qtbot, 93)
    window = DiaryWindow(rig.session, rig.clock.now().astimezone(TZ).date())
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.table.rowCount() == 2)
    item = window.table.item(1, MEMO)
    assert item.flags() & Qt.ItemFlag.ItemIsEditable
    assert not window.table.item(1, 0).flags() & Qt.ItemFlag.ItemIsEditable
    item.setText("Reviewed the pull request")
    segment_id = window.rows[1][0].id
    qtbot.waitUntil(lambda: rig.store.segment(segment_id).memo == "Reviewed the pull request")


def test_an_uploaded_segments_memo_edit_waits_as_a_re_signed_record(
        rig: Rig, qtbot: Any) -> None:
    record(rig, qtbot, 93)
    segments = rig.store.segments_between(rig.clock.now().replace(hour=0), rig.clock.now())
    rig.store.record_verdict(segments[0].id, "protected", 0, [])
    window = DiaryWindow(rig.session, rig.clock.now().astimezone(TZ).date())
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.table.rowCount() == 2)
    item = window.table.item(0, MEMO)
    assert item.flags() & Qt.ItemFlag.ItemIsEditable  # until the week locks
    assert window.table.item(0, 4).text() == "protected"
    item.setText("Fixed the flaky test")
    qtbot.waitUntil(lambda: rig.store.sync_info(segments[0].id).memo_edit
                    == "Fixed the flaky test")
    assert rig.store.segment(segments[0].id).memo == "Writing tests"  # the uploaded record
    qtbot.waitUntil(lambda: window.table.item(0, 4) is not None and window.table.item(0, 4)
                    .text() == "protected; memo edit waiting for upload")
    assert window.table.item(0, MEMO).text() == "Fixed the flaky test"


def test_memos_are_read_only_once_the_week_locked(rig: Rig, qtbot: Any) -> None:
    record(rig, qtbot, 93)
    day = rig.clock.now().astimezone(TZ).date()
    rig.clock.advance(7 * 24 * 3600)  # a week later: that week locked on Monday 12:00 UTC
    window = DiaryWindow(rig.session, day)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.table.rowCount() == 2)
    assert not window.table.item(0, MEMO).flags() & Qt.ItemFlag.ItemIsEditable


def test_delete_from_the_diary(rig: Rig, qtbot: Any) -> None:
    record(rig, qtbot, 93)
    window = DiaryWindow(rig.session, rig.clock.now().astimezone(TZ).date(),
                         confirm=lambda parent, question: True)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.table.rowCount() == 2)
    window.table.selectRow(1)
    window.delete_button.click()
    qtbot.waitUntil(lambda: window.table.item(1, 4) is not None
                    and window.table.item(1, 4).text() == "deleted")
    assert window.table.item(1, 1).text() == "0:00"


def test_the_utc_week_boundary_is_marked_on_its_local_day(rig: Rig, qtbot: Any) -> None:
    from datetime import date

    window = DiaryWindow(rig.session, date(2026, 3, 9))  # a Monday; Berlin is UTC+1
    qtbot.addWidget(window)
    window.show()
    assert window.boundary_label.isVisible()
    assert "Monday 00:00 UTC, which is 01:00 here" in window.boundary_label.text()
    window.next_button.click()
    assert not window.boundary_label.isVisible()


def test_before_upload_the_diary_shows_the_expected_verdict(rig: Rig, qtbot: Any) -> None:
    rig.session.clock_in(rig.store.contracts()[0], "")  # no memo: costs protection
    qtbot.waitUntil(lambda: rig.session.clocked_in)
    rig.run(93)  # and no input at all
    rig.session.clock_out()
    qtbot.waitUntil(lambda: not rig.session.clocked_in and not rig.session.busy)
    window = DiaryWindow(rig.session, rig.clock.now().astimezone(TZ).date())
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.table.rowCount() == 2)
    status = window.table.item(1, 4).text()
    assert status.startswith("waiting for upload; expected unprotected (")
    assert "no_activity" in status and "no_memo" in status


def test_the_status_says_where_a_memo_edit_stands() -> None:
    from datetime import UTC, datetime

    from workdiary.core.model import Segment
    from workdiary.store import SyncInfo
    from workdiary.ui.diary_window import status_text

    at = datetime(2026, 3, 4, 9, tzinfo=UTC)
    segment = Segment(id="s", contract_id="c-1", start=at, end=at + timedelta(minutes=10))

    def info(**changes: Any) -> SyncInfo:
        base = dict(sync_state="uploaded", server_status="protected", server_reasons=[],
                    billable_seconds=600, quarantine_reason=None, last_error=None,
                    uploaded_at=at, uploaded=True, delete_pending=False, closed_at=at)
        return SyncInfo(**{**base, **changes})  # type: ignore[arg-type]

    assert status_text(segment, info(memo_edit="new")) == (
        "protected; memo edit waiting for upload")
    assert status_text(segment, info(memo_edited=True)) == "protected; memo edited"
    refusal = "memo edit refused: the week of this segment locked (week_locked)"
    assert status_text(segment, info(last_error=refusal)) == f"protected; {refusal}"
