"""Offers in the clock-in window: the policy in words, Accept / Decline through the
DesktopSession (answered off the GUI thread), and a changed policy told once."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from workdiary.core.model import Contract, Policy
from workdiary.desktop.contract_sync import ContractsUpdate
from workdiary.ui.main_window import MainWindow
from workdiary.ui.taskman import TaskManager

from .conftest import Rig


def test_accept_an_offer_from_the_window(rig: Rig, qtbot: Any,
                                         make_contract: Callable[..., Contract]) -> None:
    offer = replace(make_contract("o-1", segment_minutes=5, blur=True, window_titles=True),
                    title="Redesign", status="offered")
    answered: list[tuple[str, bool]] = []
    store = rig.store  # not the rig: the session keeps this function, the rig the session

    def answer(contract_id: str, accept: bool) -> Contract:  # the server's part, faked
        answered.append((contract_id, accept))
        accepted = replace(offer, status="active")
        store.replace_contracts([*store.contracts(), accepted])
        return accepted

    network = ThreadPoolExecutor(max_workers=1)
    rig.session.answer_offer_with = answer
    rig.session.offer_tasks = TaskManager(network)
    window = MainWindow(rig.session)
    qtbot.addWidget(window)
    assert not window.offers_panel.isVisibleTo(window)
    rig.session.post_contracts(ContractsUpdate(rig.store.contracts(), [offer], []))
    qtbot.waitUntil(lambda: window.offers_panel.isVisibleTo(window))
    text = window.offers_panel.findChild(QLabel, "OfferText").text()
    assert "New offer: Redesign" in text and "5-minute segments" in text
    assert "blurred on this computer" in text and "window title are recorded" in text
    with qtbot.waitSignal(rig.session.notice, timeout=5000) as told:
        qtbot.mouseClick(window.offers_panel.findChild(QPushButton, "AcceptOffer"),
                         Qt.MouseButton.LeftButton)
    assert answered == [("o-1", True)]
    assert told.args == ["Accepted \u201cRedesign\u201d: you can clock in on it."]
    qtbot.waitUntil(lambda: not window.offers_panel.isVisibleTo(window))
    qtbot.waitUntil(lambda: window.contract_list.count() == 3)  # now one to clock in on
    network.shutdown(wait=True)


def test_a_changed_policy_is_told_once(rig: Rig, qtbot: Any) -> None:
    told: list[str] = []
    rig.session.notice.connect(told.append)
    message = ("The client changed the tracking policy of \u201cBuild the thing\u201d: "
               "segments of 5 minutes (were 1). It applies from the next segment.")
    update = ContractsUpdate([replace(c, policy=Policy(segment_minutes=5))
                              for c in rig.store.contracts()], [], [message])
    for _ in range(2):
        rig.session.post_contracts(update)
    qtbot.waitUntil(lambda: told == [message])
    qtbot.wait(50)
    assert told == [message]
