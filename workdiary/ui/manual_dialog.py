""""Add manual time": a contract that allows it, a start and an end in the user's time zone,
and a memo. The rules and the writing are the session's (``desktop/manual.py``); the dialog
collects the fields and shows the refusal's sentence, or closes when the time is recorded."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QDateTime, QTimeZone, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from workdiary.core.manual import MAX_MEMO
from workdiary.ui.session import DesktopSession


class ManualTimeDialog(QDialog):
    added = Signal()

    def __init__(self, session: DesktopSession) -> None:
        super().__init__()
        self.setWindowTitle("workdiary: add manual time")
        self.session = session
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(
            "Time you worked without the tracker. It is billable but never protected: it has "
            "no screenshots and no activity, and the client sees it marked as manual.",
            wordWrap=True))
        form = QFormLayout()
        self.contract_box = QComboBox()
        allowed = [c for c in session.contracts
                   if c.policy.allow_manual and c.status == "active"]
        for contract in allowed:
            self.contract_box.addItem(contract.title, contract.id)
        zone = QTimeZone(session.tz.key.encode())
        now = session.clock.now().astimezone(session.tz).replace(second=0, microsecond=0)
        self.start_edit = self._moment_edit(now - timedelta(hours=1), zone)
        self.end_edit = self._moment_edit(now, zone)
        self.memo_edit = QLineEdit(placeholderText="What you did")
        self.memo_edit.setMaxLength(MAX_MEMO)
        form.addRow("Contract", self.contract_box)
        form.addRow(f"Start ({session.tz.key})", self.start_edit)
        form.addRow(f"End ({session.tz.key})", self.end_edit)
        form.addRow("Memo", self.memo_edit)
        layout.addLayout(form)
        self.message = QLabel(objectName="Note", wordWrap=True)
        self.message.hide()
        layout.addWidget(self.message)
        buttons = QDialogButtonBox()
        self.add_button = QPushButton("Add manual time")
        self.add_button.setDefault(True)
        cancel = QPushButton("Cancel")
        buttons.addButton(self.add_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(cancel, QDialogButtonBox.ButtonRole.RejectRole)
        self.add_button.clicked.connect(self.submit)
        cancel.clicked.connect(self.reject)
        layout.addWidget(buttons)
        if not allowed:
            self.add_button.setEnabled(False)
            self._say("None of your contracts allows manual time; the client sets it in the "
                      "contract's policy.")
        self.setMinimumWidth(440)

    @staticmethod
    def _moment_edit(moment: datetime, zone: QTimeZone) -> QDateTimeEdit:
        edit = QDateTimeEdit(QDateTime.fromSecsSinceEpoch(int(moment.timestamp()), zone))
        edit.setTimeZone(zone)
        edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        edit.setCalendarPopup(True)
        return edit

    def moment(self, edit: QDateTimeEdit) -> datetime:
        """The edit's instant as an aware datetime in the session's zone."""
        seconds = edit.dateTime().toSecsSinceEpoch()
        return datetime.fromtimestamp(seconds, self.session.tz)

    def submit(self) -> None:
        contract_id = self.contract_box.currentData()
        memo = self.memo_edit.text().strip()
        if contract_id is None:
            return
        if not memo:
            self._say("Say what you did in the memo: the client reads it.")
            return
        self.add_button.setEnabled(False)
        self._say("Adding…")
        self.session.add_manual_time(str(contract_id), self.moment(self.start_edit),
                                     self.moment(self.end_edit), memo, self._done)

    def _done(self, error: str | None) -> None:
        self.add_button.setEnabled(True)
        if error is not None:
            self._say(f"Not added: {error}")
            return
        self.added.emit()
        self.accept()

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
