"""Every window of the tray app works from the keyboard alone and is named for screen readers.

Each window is walked with Tab until the focus comes round again: every control that takes the
keyboard focus must be reached, and must have an accessible name (what a screen reader says) and,
for buttons and inputs, a description. Then its actions are done by keyboard: clock in and out,
Delete and Redact in the preview, Keep and Discard in the idle prompt, the diary's delete, log in,
an offer's Decline, and manual time added from the clock-in window.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLineEdit,
    QPushButton,
    QWidget,
)

from workdiary.capture.permissions import PermissionItem, PermissionState
from workdiary.core.model import Contract, SegmentKind
from workdiary.desktop.contract_sync import ContractsUpdate
from workdiary.tracker.events import IdleResolved, ScreenshotTaken
from workdiary.ui.desktop import Desktop
from workdiary.ui.diary_window import SHOTS, DiaryWindow
from workdiary.ui.idle_prompt import IdlePrompt
from workdiary.ui.login_dialog import LoginDialog
from workdiary.ui.manual_dialog import ManualTimeDialog
from workdiary.ui.permissions_window import PermissionWindow
from workdiary.ui.preview import ScreenshotPreview
from workdiary.ui.redact_dialog import RedactDialog
from workdiary.ui.taskman import TaskManager
from workdiary.ui.tray import Tray

from .conftest import Rig, started
from .keyboard import activate, description_of, focusable, name_of, press, tab_walk
from .test_idle_prompt import away_and_back

ALT = Qt.KeyboardModifier.AltModifier
CONTROLS = (QAbstractButton, QLineEdit, QComboBox, QAbstractItemView)


def label(widget: QWidget) -> str:
    return f"{type(widget).__name__}({widget.objectName() or name_of(widget) or '?'})"


def assert_walkable(window: QWidget, qtbot: Any) -> list[QWidget]:
    """Tab reaches every focusable control, each named (and described if it is a control)."""
    seen = tab_walk(window, qtbot)
    assert [label(w) for w in focusable(window) if w not in seen] == []
    assert [label(w) for w in seen if not name_of(w)] == []
    assert [label(w) for w in seen if isinstance(w, CONTROLS) and not description_of(w)] == []
    return seen


def yes(parent: Any, question: str) -> bool:
    return True


@pytest.fixture
def login_tasks(qtbot: Any) -> Iterator[TaskManager]:
    executor = ThreadPoolExecutor(max_workers=1)
    yield TaskManager(executor)
    executor.shutdown(wait=True)


def test_the_clock_in_window_by_keyboard(rig: Rig, qtbot: Any, language: Any) -> None:
    desktop = Desktop(rig.session, tray_available=False, on_quit=lambda: None, language=language)
    window = desktop.main_window
    qtbot.addWidget(window)
    desktop.start()
    qtbot.waitUntil(lambda: window.contract_list.count() == 2)
    seen = assert_walkable(window, qtbot)
    assert {window.contract_list, window.memo_edit, window.clock_in_button,
            window.language_box} <= set(seen)
    assert seen[0] is window.contract_list  # the walk starts where the work starts

    window.contract_list.setFocus()
    press(qtbot, Qt.Key.Key_End)  # the second contract, by arrow keys
    assert window.selected_contract() is not None
    assert window.selected_contract().id == "c-2"
    press(qtbot, Qt.Key.Key_M, ALT)  # Alt+M: the memo
    assert QApplication.focusWidget() is window.memo_edit
    qtbot.keyClicks(window.memo_edit, "Keyboard only")
    press(qtbot, Qt.Key.Key_Return)  # Enter in the memo clocks in
    qtbot.waitUntil(lambda: rig.session.clocked_in)
    assert rig.tracker.contract is not None and rig.tracker.contract.id == "c-2"
    assert rig.session.memo == "Keyboard only"
    press(qtbot, Qt.Key.Key_O, ALT)  # Alt+O: Clock out
    qtbot.waitUntil(lambda: not rig.session.clocked_in)
    press(qtbot, Qt.Key.Key_I, ALT)  # Alt+I: Clock in again, on the selected contract
    qtbot.waitUntil(lambda: rig.session.clocked_in)
    rig.session.clock_out()
    qtbot.waitUntil(lambda: not rig.session.clocked_in)


def shot_in_preview(rig: Rig, qtbot: Any) -> ScreenshotPreview:
    preview = ScreenshotPreview(rig.session, confirm=yes)
    qtbot.addWidget(preview)
    rig.session.screenshot_taken.connect(preview.show_shot)
    rig.session.clock_in(rig.store.contracts()[0], "Work")
    qtbot.waitUntil(lambda: rig.session.clocked_in)
    rig.run(40, input_every=3)  # one screenshot in the first 1-minute segment
    qtbot.waitUntil(preview.isVisible)
    return preview


def test_the_preview_deletes_by_keyboard(rig: Rig, qtbot: Any) -> None:
    preview = shot_in_preview(rig, qtbot)
    seen = assert_walkable(preview, qtbot)
    assert {preview.delete_button, preview.redact_button, preview.close_button} <= set(seen)
    segment_id = rig.of(ScreenshotTaken)[0].segment_id
    press(qtbot, Qt.Key.Key_D, ALT)  # Alt+D: Delete…, confirmed
    qtbot.waitUntil(lambda: rig.store.segment(segment_id).kind is SegmentKind.TOMBSTONE)
    qtbot.waitUntil(lambda: not preview.isVisible())


def test_the_preview_redacts_by_keyboard(rig: Rig, qtbot: Any) -> None:
    preview = shot_in_preview(rig, qtbot)
    taken = rig.of(ScreenshotTaken)[0]
    dialogs: list[RedactDialog] = []
    preview.redact_requested.connect(
        lambda segment_id, shot: dialogs.append(RedactDialog(rig.session, segment_id, shot)))
    tab_walk(preview, qtbot)
    press(qtbot, Qt.Key.Key_R, ALT)  # Alt+R: Redact… (a mnemonic clicks after its animation)
    qtbot.waitUntil(lambda: len(dialogs) == 1)
    dialog = dialogs[0]
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.canvas.pixmap.isNull())
    seen = assert_walkable(dialog, qtbot)
    assert dialog.whole_button in seen
    press(qtbot, Qt.Key.Key_W, ALT)  # Alt+W: mark the whole picture (no dragging)
    qtbot.waitUntil(dialog.apply_button.isEnabled)
    press(qtbot, Qt.Key.Key_A, ALT)  # Alt+A: Apply redaction
    qtbot.waitUntil(lambda: dialog.applied, timeout=10_000)
    segment = rig.store.segment(taken.segment_id)
    assert segment.kind is SegmentKind.TRACKED and segment.screenshots[0].redacted


@pytest.mark.parametrize("keep", [True, False])
def test_the_idle_prompt_answers_by_keyboard(rig: Rig, qtbot: Any, keep: bool) -> None:
    prompt: IdlePrompt = away_and_back(rig, qtbot)
    seen = assert_walkable(prompt, qtbot)
    assert {prompt.keep_button, prompt.discard_button} <= set(seen)
    if keep:
        press(qtbot, Qt.Key.Key_Return)  # Keep is the default: a stray Enter loses nothing
    else:
        press(qtbot, Qt.Key.Key_D, ALT)  # Alt+D: Discard
    qtbot.waitUntil(lambda: bool(rig.of(IdleResolved)))
    assert rig.of(IdleResolved)[0].kept is keep
    assert not prompt.isVisible()


def test_the_diary_by_keyboard(rig: Rig, qtbot: Any) -> None:
    rig.session.clock_in(rig.store.contracts()[0], "Work")
    qtbot.waitUntil(lambda: rig.session.clocked_in)
    rig.run(100, input_every=3)  # two closed 1-minute segments
    rig.session.clock_out()
    qtbot.waitUntil(lambda: not rig.session.clocked_in)
    diary = DiaryWindow(rig.session, started(rig).astimezone(rig.session.tz).date(), confirm=yes)
    qtbot.addWidget(diary)
    qtbot.waitUntil(lambda: diary.table.rowCount() >= 2)
    seen = assert_walkable(diary, qtbot)
    assert {diary.previous_button, diary.next_button, diary.table,
            diary.delete_button} <= set(seen)
    diary.table.setFocus()
    press(qtbot, Qt.Key.Key_Home)  # the first row
    first = diary.rows[diary.table.currentRow()].segment
    press(qtbot, Qt.Key.Key_L, ALT)  # Alt+L: Delete segment…, confirmed
    qtbot.waitUntil(lambda: rig.store.segment(first.id).kind is SegmentKind.TOMBSTONE)
    day = diary.day
    press(qtbot, Qt.Key.Key_N, ALT)  # Alt+N: the next day
    qtbot.waitUntil(lambda: diary.day > day)


def test_the_login_dialog_by_keyboard(qtbot: Any, login_tasks: TaskManager) -> None:
    calls: list[tuple[str, str, str]] = []
    dialog = LoginDialog(lambda *args: calls.append(args), login_tasks)
    qtbot.addWidget(dialog)
    seen = assert_walkable(dialog, qtbot)
    assert seen[:3] == [dialog.server_edit, dialog.email_edit, dialog.password_edit]
    dialog.server_edit.setFocus()
    for text in ("https://diary.example.org", "me@example.org", "secret"):
        qtbot.keyClicks(QApplication.focusWidget(), text)
        press(qtbot, Qt.Key.Key_Tab)
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)  # Log in is the default
    assert calls == [("https://diary.example.org", "me@example.org", "secret")]


def test_the_about_box_by_keyboard(rig: Rig, qtbot: Any) -> None:
    desktop = Desktop(rig.session, tray_available=False, on_quit=lambda: None,
                      backends=["screen: X11 (mss)"])
    qtbot.addWidget(desktop.main_window)
    about = desktop.show_about()
    seen = assert_walkable(about, qtbot)
    assert seen and name_of(seen[0]) == "OK"
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not about.isVisible())


class Checklist:
    """Two permissions, one missing: what macOS shows before the first screenshot."""

    def __init__(self) -> None:
        self.opened: list[str] = []

    def items(self) -> list[PermissionItem]:
        return [
            PermissionItem("screen_recording", "Screen Recording", "screenshots",
                           PermissionState.MISSING, "x-apple.systempreferences:screen", True),
            PermissionItem("accessibility", "Accessibility", "window titles",
                           PermissionState.GRANTED, "x-apple.systempreferences:ax", False),
        ]

    def open_settings(self, key: str) -> bool:
        self.opened.append(key)
        return True

    def request(self, key: str) -> bool:
        return False


def test_the_permissions_window_by_keyboard(qtbot: Any) -> None:
    checklist = Checklist()
    window = PermissionWindow(checklist)
    qtbot.addWidget(window)
    seen = assert_walkable(window, qtbot)
    names = [name_of(widget) for widget in seen]
    assert "Open System Settings for Screen Recording" in names
    assert "Ask for Screen Recording" in names
    window.settings_buttons["screen_recording"].setFocus()
    press(qtbot, Qt.Key.Key_Space)
    assert checklist.opened == ["screen_recording"]


def test_the_tray_says_its_state_in_words(rig: Rig, qtbot: Any, language: Any) -> None:
    """The icon's colour is never the only sign: the tooltip and the menu's first line say it."""
    tray = Tray(rig.session)
    rig.session.load_contracts()
    assert tray.status_action.text() == "workdiary: clocked out"
    assert tray.toolTip().startswith("workdiary: clocked out\n")
    rig.session.clock_in(rig.store.contracts()[0], "Work")
    qtbot.waitUntil(lambda: rig.session.clocked_in)
    qtbot.waitUntil(lambda: tray.status_action.text() == "workdiary: tracking on Build the thing")
    assert tray.toolTip().startswith("workdiary: tracking on Build the thing\n")
    language.use("es")
    tray.retranslate()
    assert tray.status_action.text() == "workdiary: registrando en Build the thing"
    assert tray.clock_action.text() == "Fichar &salida"
    rig.session.clock_out()
    qtbot.waitUntil(lambda: not rig.session.clocked_in)
    qtbot.waitUntil(lambda: tray.toolTip().startswith("workdiary: salida fichada"))


def test_a_screenshot_opened_from_the_diary_takes_the_keyboard(rig: Rig, qtbot: Any) -> None:
    """The preview pops up without taking the focus from your work; opened on purpose from the
    diary (Enter on the Screenshots cell) it does, so Delete and Redact are keys away."""
    desktop = Desktop(rig.session, tray_available=False, on_quit=lambda: None, confirm=yes)
    qtbot.addWidget(desktop.main_window)
    rig.session.clock_in(rig.store.contracts()[0], "Work")
    qtbot.waitUntil(lambda: rig.session.clocked_in)
    rig.run(100, input_every=3)
    rig.session.clock_out()
    qtbot.waitUntil(lambda: not rig.session.clocked_in)
    desktop.preview.hide()
    diary = desktop.open_diary()
    qtbot.waitUntil(lambda: diary.table.rowCount() >= 2)
    tab_walk(diary, qtbot)
    diary.table.setFocus()
    diary.table.setCurrentCell(0, SHOTS)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is desktop.preview)
    segment_id = diary.rows[0].segment.id
    assert desktop.preview.segment_id == segment_id
    press(qtbot, Qt.Key.Key_D, ALT)
    qtbot.waitUntil(lambda: rig.store.segment(segment_id).kind is SegmentKind.TOMBSTONE)
    desktop.quit()


def test_an_offer_is_answered_by_keyboard(rig: Rig, qtbot: Any, login_tasks: TaskManager,
                                          make_contract: Callable[..., Contract]) -> None:
    """The offers panel joins the clock-in window's Tab order, each button named for its offer."""
    offer = replace(make_contract("o-1", segment_minutes=5), title="Redesign", status="offered")
    answered: list[tuple[str, bool]] = []

    def answer(contract_id: str, accept: bool) -> Contract:  # the server's part, faked
        answered.append((contract_id, accept))
        return replace(offer, status="declined")

    rig.session.answer_offer_with, rig.session.offer_tasks = answer, login_tasks
    desktop = Desktop(rig.session, tray_available=False, on_quit=lambda: None)
    window = desktop.main_window
    qtbot.addWidget(window)
    desktop.start()
    rig.session.post_contracts(ContractsUpdate(rig.store.contracts(), [offer], []))
    qtbot.waitUntil(lambda: window.offers_panel.isVisibleTo(window))
    accept = window.offers_panel.findChild(QPushButton, "AcceptOffer")
    decline = window.offers_panel.findChild(QPushButton, "DeclineOffer")
    seen = assert_walkable(window, qtbot)
    assert {accept, decline} <= set(seen)
    assert name_of(decline) == "Decline the offer Redesign"
    assert "tracking policy" in description_of(accept)
    decline.setFocus()
    press(qtbot, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: answered == [("o-1", False)])
    qtbot.waitUntil(lambda: not window.offers_panel.isVisibleTo(window))


def test_manual_time_by_keyboard(rig: Rig, qtbot: Any,
                                 make_contract: Callable[..., Contract]) -> None:
    """Alt+T in the clock-in window opens the dialog; its fields have letters; Enter adds."""
    rig.store.replace_contracts([make_contract("c-1", segment_minutes=10, allow_manual=True)])
    desktop = Desktop(rig.session, tray_available=False, on_quit=lambda: None)
    window = desktop.main_window
    qtbot.addWidget(window)
    desktop.start()
    qtbot.waitUntil(lambda: window.contract_list.count() == 1)
    activate(window, qtbot)
    window.contract_list.setFocus()
    press(qtbot, Qt.Key.Key_T, ALT)  # Alt+T: Add manual time…
    qtbot.waitUntil(lambda: desktop.manual_dialog is not None)
    dialog: ManualTimeDialog = desktop.manual_dialog  # type: ignore[assignment]
    qtbot.addWidget(dialog)
    seen = assert_walkable(dialog, qtbot)
    assert {dialog.contract_box, dialog.start_edit, dialog.end_edit, dialog.memo_edit,
            dialog.add_button, dialog.cancel_button} <= set(seen)
    assert [name_of(w) for w in (dialog.start_edit, dialog.end_edit)] == ["Start", "End"]
    press(qtbot, Qt.Key.Key_E, ALT)  # Alt+E: the end
    assert QApplication.focusWidget() is dialog.end_edit
    press(qtbot, Qt.Key.Key_M, ALT)  # Alt+M: the memo
    assert QApplication.focusWidget() is dialog.memo_edit
    press(qtbot, Qt.Key.Key_Return)  # no memo yet: said, nothing added
    qtbot.waitUntil(lambda: "memo" in dialog.message.text())
    qtbot.keyClicks(dialog.memo_edit, "Call with the client")
    with qtbot.waitSignal(dialog.added, timeout=5000):
        press(qtbot, Qt.Key.Key_Return)  # Add is the default button
    made = rig.store.segments_between(rig.clock.now().replace(hour=0, minute=0),
                                      rig.clock.now())
    assert made and {s.kind for s in made} == {SegmentKind.MANUAL}
    assert {s.memo for s in made} == {"Call with the client"}
