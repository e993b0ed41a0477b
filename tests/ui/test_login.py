"""Logging in from the window: the form runs the login off the GUI thread, then the session
takes the new sync worker and the fetched contracts; failures are sentences."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from PySide6.QtCore import Qt

from workdiary.core.model import Contract
from workdiary.desktop.account import AccountError, log_in_to
from workdiary.sync.secrets import MemorySecretStore
from workdiary.ui.desktop import Desktop
from workdiary.ui.taskman import TaskManager

from .conftest import Rig


class FakeSync:
    def __init__(self) -> None:
        self.woken = 0

    def wake(self, *, refresh: bool = False) -> None:
        self.woken += 1

    def stop(self, timeout: float = 30.0) -> None:
        pass


@pytest.fixture
def login_tasks(qtbot: Any) -> Iterator[TaskManager]:
    executor = ThreadPoolExecutor(max_workers=1)
    yield TaskManager(executor)
    executor.shutdown(wait=True)


def desktop_with(rig: Rig, login: Any, tasks: TaskManager, qtbot: Any) -> Desktop:
    rig.store.replace_contracts([])
    desktop = Desktop(rig.session, tray_available=False, on_quit=lambda: None, login=login,
                      login_tasks=tasks)
    qtbot.addWidget(desktop.main_window)
    desktop.start()
    qtbot.waitUntil(lambda: rig.session.summary is not None)
    return desktop


def test_login_from_the_window(rig: Rig, qtbot: Any, login_tasks: TaskManager,
                               make_contract: Any) -> None:
    sync = FakeSync()
    calls: list[tuple[str, str, str]] = []

    def login(url: str, email: str, password: str) -> tuple[str, Any]:
        calls.append((url, email, password))
        contract: Contract = make_contract("c-9")
        rig.store.replace_contracts([contract])
        rig.store.set_setting("server_url", url)
        rig.store.set_setting("user_email", email)
        return "Logged in to https://diary.example.org as Fred", sync

    desktop = desktop_with(rig, login, login_tasks, qtbot)
    window = desktop.main_window
    assert window.login_button.isVisible()
    assert "Log in to fetch yours" in window.empty_label.text()
    qtbot.mouseClick(window.login_button, Qt.MouseButton.LeftButton)
    dialog = desktop.login_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.server_edit.setText("https://diary.example.org")
    dialog.email_edit.setText("fred@example.org")
    dialog.password_edit.setText("secret")
    with qtbot.waitSignal(rig.session.notice) as notice:
        qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    assert notice.args[0].startswith("Logged in to https://diary.example.org")
    assert calls == [("https://diary.example.org", "fred@example.org", "secret")]
    assert rig.session.sync is sync
    qtbot.waitUntil(lambda: window.contract_list.count() == 1)
    qtbot.waitUntil(lambda: not window.login_button.isVisible())
    rig.session.sync_now()
    assert sync.woken == 1


def test_a_refused_login_says_why(rig: Rig, qtbot: Any, login_tasks: TaskManager) -> None:
    def login(url: str, email: str, password: str) -> Any:
        raise AccountError(f"login refused by {url}: wrong email or password")

    desktop = desktop_with(rig, login, login_tasks, qtbot)
    dialog = desktop.open_login()
    assert dialog is not None
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == ("Fill in the server address, your email and your "
                                     "password.")
    dialog.server_edit.setText("https://diary.example.org")
    dialog.email_edit.setText("fred@example.org")
    dialog.password_edit.setText("wrong")
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.message.text().startswith("Not logged in"))
    assert "wrong email or password" in dialog.message.text()
    assert dialog.isVisible() and dialog.password_edit.text() == ""
    assert rig.session.sync is None


def test_the_login_use_case_refuses_without_keyring_and_over_plain_http(rig: Rig) -> None:
    with pytest.raises(AccountError, match="no usable keyring"):
        log_in_to("https://x.org", rig.store, None, "a@b.c", "p",
                  secrets_problem="no usable keyring here")
    with pytest.raises(AccountError, match="http"):
        log_in_to("http://diary.example.org", rig.store, MemorySecretStore(), "a@b.c", "p")
