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


def test_with_a_tray_the_windows_are_built_when_first_needed(rig: Rig, qtbot: Any) -> None:
    """A tray app that only tracks builds neither the main window nor the preview (issue 16:
    memory); built later, they show what they would have shown from the start."""
    desktop = Desktop(rig.session, tray_available=True, on_quit=lambda: None)
    desktop.start()
    rig.session.clock_in(rig.store.contracts()[0], "Work")
    qtbot.waitUntil(lambda: rig.session.clocked_in)
    rig.session.notice.emit("Uploads are off: the keyring is locked.")
    assert desktop._main_window is None and desktop._preview is None

    rig.run(40, input_every=3)
    shot = rig.of(ScreenshotTaken)[-1]
    qtbot.waitUntil(lambda: desktop._preview is not None
                    and desktop._preview.segment_id == shot.segment_id)
    qtbot.addWidget(desktop.preview)
    assert desktop.preview.isVisible() and desktop._main_window is None

    desktop.show_window()
    window = desktop.main_window
    qtbot.addWidget(window)
    assert window.isVisible() and window.memo_edit.text() == "Work"
    assert window.statusBar().currentMessage() == "Uploads are off: the keyring is locked."
    assert not window.clock_in_button.isEnabled() and window.clock_out_button.isEnabled()
    desktop.quit()
    assert not window.isVisible() and not rig.tracker.clocked_in
