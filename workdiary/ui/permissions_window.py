"""The permission checklist window (macOS): one row per permission with its state, a button
that opens the right System Settings pane and, where the system has a prompt of its own, one
that asks. Rendered from ``capture.permissions.PermissionChecklist``; re-checked on demand."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workdiary.capture.permissions import PermissionChecklist, PermissionState, missing_summary
from workdiary.desktop.i18n import translate


def state_words(state: PermissionState) -> str:
    return {
        PermissionState.GRANTED: translate("Permissions", "granted"),
        PermissionState.MISSING: translate("Permissions", "missing"),
        PermissionState.NOT_ASKED: translate("Permissions", "not asked yet"),
    }[state]


class PermissionWindow(QWidget):
    def __init__(self, checklist: PermissionChecklist) -> None:
        super().__init__()
        self.checklist = checklist
        self.setObjectName("Permissions")
        layout = QVBoxLayout(self)
        self.summary_label = QLabel(objectName="Note", wordWrap=True)
        layout.addWidget(self.summary_label)
        self.rows_widget = QWidget()
        self.grid = QGridLayout(self.rows_widget)
        layout.addWidget(self.rows_widget)
        bottom = QHBoxLayout()
        self.result_label = QLabel(wordWrap=True)
        self.recheck_button = QPushButton()
        self.recheck_button.clicked.connect(self.refresh)
        bottom.addWidget(self.result_label, 1)
        bottom.addWidget(self.recheck_button)
        layout.addLayout(bottom)
        self.state_labels: dict[str, QLabel] = {}
        self.settings_buttons: dict[str, QPushButton] = {}
        self.ask_buttons: dict[str, QPushButton] = {}
        self.retranslate()

    def retranslate(self) -> None:
        """Fixed texts in the current language; the rows again."""
        self.setWindowTitle(translate("Permissions", "workdiary: permissions"))
        self.recheck_button.setText(translate("Permissions", "&Check again"))
        self.recheck_button.setAccessibleDescription(translate(
            "Permissions", "Check every permission again."))
        self.refresh()

    def refresh(self) -> None:
        """Check every permission again and redraw the rows."""
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()
        self.state_labels.clear()
        self.settings_buttons.clear()
        self.ask_buttons.clear()
        items = self.checklist.items()
        for row, item in enumerate(items):
            self.grid.addWidget(QLabel(f"<b>{item.title}</b><br>{item.needed_for}",
                                       wordWrap=True), row, 0)
            state = QLabel(state_words(item.state), objectName="PermissionState")
            state.setProperty("state", item.state.value)
            self.grid.addWidget(state, row, 1)
            self.state_labels[item.key] = state
            if item.settings_url is not None:
                button = QPushButton(translate("Permissions", "Open System Settings"))
                button.setAccessibleName(translate(
                    "Permissions", "Open System Settings for {permission}").format(
                        permission=item.title))
                button.setAccessibleDescription(item.needed_for)
                button.clicked.connect(lambda _=False, key=item.key: self._open(key))
                self.grid.addWidget(button, row, 2)
                self.settings_buttons[item.key] = button
            if item.can_request and not item.granted:
                ask = QPushButton(translate("Permissions", "Ask"))
                ask.setAccessibleName(translate("Permissions", "Ask for {permission}").format(
                    permission=item.title))
                ask.setAccessibleDescription(item.needed_for)
                ask.clicked.connect(lambda _=False, key=item.key: self._ask(key))
                self.grid.addWidget(ask, row, 3)
                self.ask_buttons[item.key] = ask
        self.summary_label.setText(
            missing_summary(items)
            or translate("Permissions", "Every permission workdiary needs is granted."))

    def _open(self, key: str) -> None:
        if self.checklist.open_settings(key):
            self.result_label.setText(translate(
                "Permissions", "System Settings is open: allow workdiary there, then press "
                               "Check again (macOS may ask to restart the app)."))
        else:
            self.result_label.setText(translate(
                "Permissions", "System Settings could not be opened: open it yourself, "
                               "Privacy & Security."))

    def _ask(self, key: str) -> None:
        granted = self.checklist.request(key)
        self.result_label.setText(
            translate("Permissions", "Granted.") if granted else
            translate("Permissions", "Not granted yet: answer the system's prompt, or use Open "
                                     "System Settings."))
        self.refresh()
