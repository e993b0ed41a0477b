""""Add manual time": a contract that allows it, a start and an end in the user's time zone,
and a memo. The rules and the writing are the session's (``desktop/manual.py``); the dialog
collects the fields and shows the refusal's sentence, or closes when the time is recorded."""

from __future__ import annotations

from collections.abc import Callable
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
    QWidget,
)

from workdiary.core.manual import MAX_MEMO
from workdiary.desktop.i18n import translate
from workdiary.ui.session import DesktopSession


class _MomentEdit(QDateTimeEdit):
    """A date and time field that Tab leaves (QDateTimeEdit's Tab walks its own sections, so
    the keyboard could not pass it in one press); Left/Right pick a part, Up/Down change it."""

    def focusNextPrevChild(self, next: bool) -> bool:
        return QWidget.focusNextPrevChild(self, next)


class ManualTimeDialog(QDialog):
    added = Signal()

    def __init__(self, session: DesktopSession) -> None:
        super().__init__()
        self.setObjectName("ManualTime")
        self.session = session
        self._said: tuple[str, str] | None = None  # the message shown, untranslated, and its detail
        layout = QVBoxLayout(self)
        self.intro = QLabel(wordWrap=True)
        layout.addWidget(self.intro)
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
        self.memo_edit = QLineEdit()
        self.memo_edit.setMaxLength(MAX_MEMO)
        self.contract_label, self.start_label = QLabel(), QLabel()
        self.end_label, self.memo_label = QLabel(), QLabel()
        for label, field in ((self.contract_label, self.contract_box),
                             (self.start_label, self.start_edit),
                             (self.end_label, self.end_edit), (self.memo_label, self.memo_edit)):
            label.setBuddy(field)  # the label's &letter moves the focus to its field
            form.addRow(label, field)
        layout.addLayout(form)
        self.message = QLabel(objectName="Note", wordWrap=True)
        self.message.hide()
        layout.addWidget(self.message)
        buttons = QDialogButtonBox()
        self.add_button = QPushButton()
        self.cancel_button = QPushButton()
        buttons.addButton(self.add_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.add_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)
        layout.addWidget(buttons)
        # Enter adds, Escape cancels. Set once the button is in the dialog: only then does the
        # dialog keep it as its default when the focus passes Cancel and leaves.
        self.add_button.setDefault(True)
        if not allowed:
            self.add_button.setEnabled(False)
            self._say(_NONE_ALLOWED)
        self.setMinimumWidth(440)
        self.retranslate()

    def retranslate(self) -> None:
        """Every fixed text, name and description in the current language."""
        zone = self.session.tz.key
        self.setWindowTitle(translate("ManualTime", "workdiary: add manual time"))
        self.intro.setText(translate(
            "ManualTime", "Time you worked without the tracker. It is billable but never "
                          "protected: it has no screenshots and no activity, and the client sees "
                          "it marked as manual."))
        self.contract_label.setText(translate("ManualTime", "&Contract"))
        self.contract_box.setAccessibleName(translate("ManualTime", "Contract"))
        self.contract_box.setAccessibleDescription(translate(
            "ManualTime", "The contracts whose policy allows manual time."))
        self.start_label.setText(translate("ManualTime", "&Start ({zone})").format(zone=zone))
        self.start_edit.setAccessibleName(translate("ManualTime", "Start"))
        self.start_edit.setAccessibleDescription(translate(
            "ManualTime", "When the work began, in {zone}; arrow keys change the part under "
                          "the cursor.").format(zone=zone))
        self.end_label.setText(translate("ManualTime", "&End ({zone})").format(zone=zone))
        self.end_edit.setAccessibleName(translate("ManualTime", "End"))
        self.end_edit.setAccessibleDescription(translate(
            "ManualTime", "When the work ended, in {zone}; not in the future.").format(zone=zone))
        self.memo_label.setText(translate("ManualTime", "&Memo"))
        self.memo_edit.setPlaceholderText(translate("ManualTime", "What you did"))
        self.memo_edit.setAccessibleName(translate("ManualTime", "Memo"))
        self.memo_edit.setAccessibleDescription(translate(
            "ManualTime", "What you did in that time; the client reads it."))
        self.add_button.setText(translate("ManualTime", "&Add manual time"))
        self.add_button.setAccessibleDescription(translate(
            "ManualTime", "Record the time as manual segments; they upload with the next sync."))
        self.cancel_button.setText(translate("ManualTime", "Cancel"))
        self.cancel_button.setAccessibleDescription(translate(
            "ManualTime", "Close without adding anything (Escape)."))
        if self._said is not None:
            self._say(*self._said)

    @staticmethod
    def _moment_edit(moment: datetime, zone: QTimeZone) -> QDateTimeEdit:
        edit = _MomentEdit(QDateTime.fromSecsSinceEpoch(int(moment.timestamp()), zone))
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
            self._say(_NO_MEMO)
            return
        self.add_button.setEnabled(False)
        self._say(_ADDING)
        self.session.add_manual_time(str(contract_id), self.moment(self.start_edit),
                                     self.moment(self.end_edit), memo, self._done)

    def _done(self, error: str | None) -> None:
        self.add_button.setEnabled(True)
        if error is not None:
            self._say(_NOT_ADDED, error)
            return
        self.added.emit()
        self.accept()

    def _say(self, message: str, detail: str = "") -> None:
        """Show one of the messages below (kept, so a language switch says it again)."""
        self._said = (message, detail)
        self.message.setText(_MESSAGES[message]().format(reason=detail))
        self.message.show()


_NONE_ALLOWED, _NO_MEMO, _ADDING, _NOT_ADDED = "none allowed", "no memo", "adding", "not added"
_MESSAGES: dict[str, Callable[[], str]] = {
    _NONE_ALLOWED: lambda: translate(
        "ManualTime", "None of your contracts allows manual time; the client sets it in the "
                      "contract's policy."),
    _NO_MEMO: lambda: translate("ManualTime", "Say what you did in the memo: the client reads it."),
    _ADDING: lambda: translate("ManualTime", "Adding…"),
    _NOT_ADDED: lambda: translate("ManualTime", "Not added: {reason}"),
}
