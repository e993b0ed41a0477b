"""The "Add manual time" dialog (pytest-qt): it records manual segments through the session,
shows a refusal's sentence, and the diary shows manual time in its own colour and words."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QDateTime

from workdiary.core.model import Contract, SegmentKind
from workdiary.ui.diary_window import ACTIVITY, MANUAL_COLOUR, DiaryWindow
from workdiary.ui.manual_dialog import ManualTimeDialog

from .conftest import TZ, Rig


@pytest.fixture
def contracts(make_contract: Callable[..., Contract]) -> list[Contract]:
    return [make_contract("c-1", segment_minutes=10, allow_manual=True),
            make_contract("c-2", segment_minutes=10)]


def _set(dialog: ManualTimeDialog, start: datetime, end: datetime, memo: str) -> None:
    dialog.start_edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(start.timestamp()),
                                                               dialog.start_edit.timeZone()))
    dialog.end_edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(end.timestamp()),
                                                             dialog.end_edit.timeZone()))
    dialog.memo_edit.setText(memo)


def test_the_dialog_adds_manual_time_that_the_diary_shows_as_manual(
        rig: Rig, qtbot: Any) -> None:
    rig.session.load_contracts()
    qtbot.waitUntil(lambda: len(rig.session.contracts) == 2)
    dialog = ManualTimeDialog(rig.session)
    qtbot.addWidget(dialog)
    assert dialog.contract_box.count() == 1 and dialog.contract_box.currentData() == "c-1"
    now = rig.clock.now()  # 09:03:27 UTC
    start = now.replace(hour=7, minute=55, second=0)
    _set(dialog, start, start + timedelta(minutes=20), "Call with the client")
    assert dialog.moment(dialog.start_edit) == start
    with qtbot.waitSignal(dialog.added, timeout=5000):
        dialog.add_button.click()
    made = [s for s in rig.store.segments_between(start, start + timedelta(hours=1))]
    assert [(s.kind, s.tracked_minutes) for s in made] == [
        (SegmentKind.MANUAL, 5), (SegmentKind.MANUAL, 10), (SegmentKind.MANUAL, 5)]
    assert {s.memo for s in made} == {"Call with the client"}

    window = DiaryWindow(rig.session, now.astimezone(TZ).date())
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.table.rowCount() == 3)
    item = window.table.item(0, ACTIVITY)
    assert item.text() == "manual" and item.background().color() == MANUAL_COLOUR
    assert "Manual time" in item.toolTip()


def test_a_refusal_is_said_in_the_dialog(rig: Rig, qtbot: Any) -> None:
    rig.session.load_contracts()
    qtbot.waitUntil(lambda: len(rig.session.contracts) == 2)
    dialog = ManualTimeDialog(rig.session)
    qtbot.addWidget(dialog)
    now = rig.clock.now()
    _set(dialog, now - timedelta(minutes=10), now + timedelta(minutes=30), "Later")
    dialog.add_button.click()
    qtbot.waitUntil(lambda: "cannot be in the future" in dialog.message.text())
    assert dialog.message.text().startswith("Not added:")
    assert dialog.add_button.isEnabled()
    _set(dialog, now - timedelta(minutes=10), now - timedelta(minutes=5), "")
    dialog.add_button.click()
    assert "memo" in dialog.message.text()


def test_without_a_contract_that_allows_it_the_dialog_says_so(
        rig: Rig, qtbot: Any, make_contract: Callable[..., Contract]) -> None:
    rig.store.replace_contracts([make_contract("c-2", segment_minutes=10)])
    rig.session.load_contracts()
    qtbot.waitUntil(lambda: [c.id for c in rig.session.contracts] == ["c-2"])
    dialog = ManualTimeDialog(rig.session)
    qtbot.addWidget(dialog)
    assert not dialog.add_button.isEnabled()
    assert "None of your contracts allows manual time" in dialog.message.text()


def test_a_refusal_is_said_in_spanish(rig: Rig, qtbot: Any, language: Any) -> None:
    """The core's refusal reaches the Spanish dialog in Spanish, at the user's local times."""
    assert language.use("es") == "es"
    rig.session.load_contracts()
    qtbot.waitUntil(lambda: len(rig.session.contracts) == 2)
    dialog = ManualTimeDialog(rig.session)
    qtbot.addWidget(dialog)
    now = rig.clock.now()
    _set(dialog, now - timedelta(minutes=10), now + timedelta(minutes=30), "Luego")
    dialog.add_button.click()
    qtbot.waitUntil(lambda: "futuro" in dialog.message.text())
    said = dialog.message.text()
    assert said.startswith("No se añadió: El tiempo manual no puede estar en el futuro")
    ends = (now + timedelta(minutes=30)).astimezone(TZ).strftime("%H:%M")
    assert ends in said and "cannot" not in said
