"""Log this computer in to a server (what `workdiary login` does), from the window.

The network work runs on a background thread through a TaskManager; the dialog only
collects the three fields and shows the outcome in a sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from workdiary.desktop.i18n import translate
from workdiary.ui.taskman import TaskManager

# (server URL, email, password) -> whatever the caller needs on success; raises with a
# sentence on failure (wrong password, server unreachable, no keyring, plain http).
Login = Callable[[str, str, str], Any]


class LoginDialog(QDialog):
    logged_in = Signal(object)  # the login callable's result

    def __init__(self, login: Login, taskman: TaskManager, *, server_url: str = "",
                 email: str = "") -> None:
        super().__init__()
        self.setWindowTitle(translate("Login", "workdiary: log in"))
        self._login, self._taskman = login, taskman
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(translate(
            "Login", "Log this computer in to your workdiary server. The token and this "
                     "device's signing key are kept in the system keyring, never in a file."),
            wordWrap=True))
        form = QFormLayout()
        self.server_edit = QLineEdit(server_url, placeholderText="https://diary.example.org")
        self.email_edit = QLineEdit(email, placeholderText="you@example.org")
        self.password_edit = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        form.addRow(translate("Login", "&Server"), self.server_edit)
        form.addRow(translate("Login", "&Email"), self.email_edit)
        form.addRow(translate("Login", "&Password"), self.password_edit)
        self.server_edit.setAccessibleName(translate("Login", "Server address"))
        self.server_edit.setAccessibleDescription(translate(
            "Login", "The address of your workdiary server, starting with https://."))
        self.email_edit.setAccessibleName(translate("Login", "Email"))
        self.email_edit.setAccessibleDescription(translate(
            "Login", "The email of your account on that server."))
        self.password_edit.setAccessibleName(translate("Login", "Password"))
        self.password_edit.setAccessibleDescription(translate(
            "Login", "Your password; it is sent once and never stored."))
        layout.addLayout(form)
        self.message = QLabel(objectName="Note", wordWrap=True)
        self.message.hide()
        layout.addWidget(self.message)
        buttons = QDialogButtonBox()
        self.login_button = QPushButton(translate("Login", "&Log in"))
        self.login_button.setDefault(True)
        self.login_button.setAccessibleDescription(translate(
            "Login", "Log in with these details."))
        cancel = self.cancel_button = QPushButton(translate("Login", "Cancel"))
        cancel.setAccessibleDescription(translate("Login", "Close without logging in."))
        buttons.addButton(self.login_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(cancel, QDialogButtonBox.ButtonRole.RejectRole)
        self.login_button.clicked.connect(self.submit)
        cancel.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)

    def submit(self) -> None:
        url = self.server_edit.text().strip()
        email = self.email_edit.text().strip()
        password = self.password_edit.text()
        if not (url and email and password):
            self._say(translate("Login", "Fill in the server address, your email and your "
                                         "password."))
            return
        self.login_button.setEnabled(False)
        self._say(translate("Login", "Logging in to {url}…").format(url=url))
        self._taskman.run(lambda: self._login(url, email, password), self._done)

    def _done(self, future: Future[Any]) -> None:
        self.login_button.setEnabled(True)
        # exception(), not a raising result(): the raise would put this frame (this dialog and
        # the future) into the exception's traceback, which the future holds: a cycle that
        # keeps the dialog for the cycle collector, which frees Qt objects at a random moment.
        problem = future.exception()
        if problem is not None:  # the login callable's sentence
            self.password_edit.clear()
            self._say(translate("Login", "Not logged in: {reason}").format(reason=problem))
            return
        self.logged_in.emit(future.result())
        self.accept()

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
