"""The clock-in window: policy in words, clock in/out driving the real tracker, totals."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from workdiary.desktop.state import TrayState
from workdiary.tracker.events import ClockedIn, ClockedOut, MinuteRecorded
from workdiary.ui.main_window import MainWindow

from .conftest import Rig


def window_for(rig: Rig, qtbot: Any) -> MainWindow:
    window = MainWindow(rig.session)
    qtbot.addWidget(window)
    rig.session.load_contracts()
    qtbot.waitUntil(lambda: window.contract_list.count() == 2)
    return window


def test_policy_of_the_selected_contract_is_shown_in_words(rig: Rig, qtbot: Any) -> None:
    window = window_for(rig, qtbot)
    window.contract_list.setCurrentRow(1)
    text = window.policy_label.text()
    assert "10-minute segments" in text
    assert "3 screenshots are taken" in text
    assert "monitor under the mouse pointer" in text
    assert "blurred on this computer" in text
    assert "window title are recorded" in text
    assert "does not allow redaction" in text
    window.contract_list.setCurrentRow(0)
    text = window.policy_label.text()
    assert "1-minute segments" in text and "1 screenshot is taken" in text
    assert "Window titles are not recorded" in text
    assert "After 2 minutes without input" in text
    assert "Rate" not in text and "$25.00/h" in window.contract_label.text()


def test_clock_in_and_out_from_the_window_drives_the_tracker(rig: Rig, qtbot: Any) -> None:
    window = window_for(rig, qtbot)
    window.contract_list.setCurrentRow(0)
    window.memo_edit.setText("Fixing the login page")
    assert window.clock_in_button.isEnabled() and not window.clock_out_button.isEnabled()
    qtbot.mouseClick(window.clock_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: rig.session.clocked_in)
    assert rig.tracker.clocked_in and rig.tracker.contract is not None
    assert rig.tracker.contract.id == "c-1"
    assert window.clock_out_button.isEnabled() and not window.clock_in_button.isEnabled()
    assert not window.contract_list.isEnabled()
    assert window.status_label.text().startswith("Tracking: Build the thing")
    assert rig.session.tray_state is TrayState.TRACKING

    rig.run(153, input_every=5)  # to 09:06:00 UTC: minutes of 33, 60 and 60 s recorded
    assert rig.of(MinuteRecorded)
    def settled() -> bool:  # the summary of the new 09:06 segment, not one read on the way
        summary = rig.session.summary
        return (summary is not None and summary.today_seconds == 153  # 33 + 60 + 60 s billed
                and summary.segment_activity is not None
                and summary.segment_activity.tracked_minutes == 0)

    qtbot.waitUntil(settled)
    assert window.today_label.text() == "Today: 0:02:33 h"
    # 09:06:00 opened a segment with no finished minute: the meter shows the one before.
    assert window.activity_bar.format() == "last segment: activity %v/10"
    assert window.activity_bar.value() == 10
    assert window.memo_edit.text() == "Fixing the login page"

    qtbot.mouseClick(window.clock_out_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not rig.session.clocked_in and not rig.session.busy)
    assert not rig.tracker.clocked_in
    assert [type(e) for e in rig.of(ClockedIn)] == [ClockedIn]
    assert len(rig.of(ClockedOut)) == 1
    assert window.status_label.text() == "Clocked out"
    segments = rig.store.segments_between(rig.clock.now().replace(hour=0), rig.clock.now())
    assert segments and all(s.memo == "Fixing the login page" for s in segments)
    assert sum(s.tracked_seconds for s in segments) == 153
    assert rig.store.open_segment() is None


def test_memo_edit_while_tracking_reaches_the_open_segment(rig: Rig, qtbot: Any) -> None:
    window = window_for(rig, qtbot)
    qtbot.mouseClick(window.clock_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: rig.session.clocked_in)
    rig.run(5, input_every=1)
    window.memo_edit.setText("New memo")
    window.memo_edit.editingFinished.emit()
    qtbot.waitUntil(lambda: (rig.store.open_segment() or _none()).memo == "New memo")


def test_no_contracts_says_how_to_log_in(qtbot: Any, rig: Rig) -> None:
    rig.store.replace_contracts([])
    window = MainWindow(rig.session)
    qtbot.addWidget(window)
    window.show()
    rig.session.load_contracts()
    rig.session.refresh()
    qtbot.waitUntil(lambda: rig.session.summary is not None)
    qtbot.waitUntil(lambda: "workdiary login" in window.empty_label.text())
    assert window.empty_label.isVisible()
    assert not window.clock_in_button.isEnabled()
    assert "Not logged in" in window.sync_label.text()
    assert "workdiary login SERVER_URL --email EMAIL" in window.sync_label.text()
    assert rig.session.tray_state is TrayState.OFFLINE


def test_a_busy_lock_refuses_clock_in_with_a_sentence(rig: Rig, qtbot: Any) -> None:
    from workdiary.tracker.lock import TrackerBusy

    class Busy:
        def acquire(self) -> None:
            raise TrackerBusy("another workdiary tracker (pid 42) is already recording")

        def release(self) -> None:
            pass

    rig.session.lock = Busy()
    window = window_for(rig, qtbot)
    with qtbot.waitSignal(rig.session.notice) as notice:
        qtbot.mouseClick(window.clock_in_button, Qt.MouseButton.LeftButton)
    assert "pid 42" in notice.args[0] and notice.args[0].startswith("Cannot clock in")
    assert not rig.tracker.clocked_in


def _none() -> Any:
    class Nothing:
        memo = None
    return Nothing()
