"""The windows wired together: a screenshot opens the preview (with its segment), Redact
opens the redaction dialog, the diary opens on today, and Quit clocks out."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from workdiary.tracker.events import ClockedOut, ScreenshotTaken
from workdiary.ui.desktop import Desktop, no_tray_note

from .conftest import TZ, Rig


def test_the_desktop_without_a_tray(rig: Rig, qtbot: Any) -> None:
    quit_calls: list[bool] = []
    desktop = Desktop(rig.session, tray_available=False, on_quit=lambda: quit_calls.append(True))
    for widget in (desktop.main_window, desktop.preview):
        qtbot.addWidget(widget)
    desktop.start()
    assert desktop.tray is None and desktop.main_window.isVisible()
    assert no_tray_note() in [label.text() for label in desktop.main_window.findChildren(
        type(desktop.main_window.status_label))]

    rig.session.clock_in(rig.store.contracts()[0], "Work")
    qtbot.waitUntil(lambda: rig.session.clocked_in)
    assert desktop.main_window.memo_edit.text() == "Work"
    rig.run(40, input_every=3)
    shot = rig.of(ScreenshotTaken)[-1]  # 09:03:37 UTC, in the first segment
    qtbot.waitUntil(lambda: desktop.preview.segment_id == shot.segment_id)
    assert desktop.preview.isVisible()
    assert desktop.preview.caption.text().endswith("in the segment 10:03–10:04")

    qtbot.mouseClick(desktop.preview.redact_button, Qt.MouseButton.LeftButton)
    assert desktop.redaction is not None and desktop.redaction.isVisible()
    qtbot.addWidget(desktop.redaction)

    diary = desktop.open_diary()
    qtbot.addWidget(diary)
    assert diary.day == rig.clock.now().astimezone(TZ).date()
    qtbot.waitUntil(lambda: diary.table.rowCount() == 2)

    desktop.quit()
    assert quit_calls == [True]
    assert not rig.tracker.clocked_in and len(rig.of(ClockedOut)) == 1
    assert not desktop.main_window.isVisible() and not diary.isVisible()
