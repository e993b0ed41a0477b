"""The clock-in window: contracts with their tracking policy in words (with what this desktop
records differently), memo, Clock in / out, this segment's activity, today's and this week's
time, the sync state and an update when one exists."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from workdiary.capture.base import CaptureLimits
from workdiary.core.model import Contract
from workdiary.desktop.announce import release_label
from workdiary.desktop.formatting import clock_time, hours_minutes_seconds, time_span
from workdiary.desktop.i18n import translate
from workdiary.desktop.policy_text import describe_contract, describe_policy
from workdiary.desktop.state import TrayState
from workdiary.desktop.summary import SyncState, login_hint
from workdiary.ui.icons import state_icon
from workdiary.ui.offers_panel import OffersPanel
from workdiary.ui.session import DesktopSession


class MainWindow(QMainWindow):
    open_diary = Signal()
    add_manual = Signal()
    quit_requested = Signal()
    login_requested = Signal()
    about_requested = Signal()
    language_chosen = Signal(str)  # a language code; "" follows the system

    def __init__(self, session: DesktopSession, *, tray_note: str | None = None,
                 hide_on_close: bool = True, can_log_in: bool = False,
                 limits: CaptureLimits | None = None) -> None:
        super().__init__()
        self.session = session
        self.limits = limits  # what this desktop records differently (capture_limits())
        self.can_log_in = can_log_in
        self._shown_memo = ""
        self.hide_on_close = hide_on_close
        self.setObjectName("MainWindow")
        self.resize(740, 600)
        self._build(tray_note)
        self.retranslate()
        session.changed.connect(self.refresh_view)
        session.contracts_changed.connect(self._fill_contracts)
        session.notice.connect(self.statusBar().showMessage)
        self._fill_contracts()
        self.refresh_view()

    def _build(self, tray_note: str | None) -> None:
        root = QWidget()
        layout = QVBoxLayout(root)
        self.status_label = QLabel(objectName="StatusLine")
        layout.addWidget(self.status_label)
        if tray_note:
            note = QLabel(tray_note, objectName="Note", wordWrap=True)
            note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                         | Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(note)
        self.offers_panel = OffersPanel(self.session, self.limits)
        layout.addWidget(self.offers_panel)

        picker = QHBoxLayout()
        self.contract_list = QListWidget(objectName="Contracts")
        self.contract_list.setMinimumWidth(220)
        # Bound methods, not lambdas over self: a child's connection holding a lambda would keep
        # this window alive after its owner let go of it.
        self.contract_list.currentItemChanged.connect(self._show_policy)
        picker.addWidget(self.contract_list, 2)
        policy_box = QVBoxLayout()
        self.contract_label = QLabel(objectName="ContractTitle", wordWrap=True)
        self.contract_label.setTextFormat(Qt.TextFormat.RichText)
        self.policy_label = QLabel(objectName="Policy", wordWrap=True)
        self.policy_label.setTextFormat(Qt.TextFormat.RichText)
        self.policy_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        policy_box.addWidget(self.contract_label)
        # What the user agrees to must never be cut off: notes above it can take its room.
        self.policy_scroll = QScrollArea(objectName="PolicyScroll", widgetResizable=True)
        self.policy_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.policy_scroll.setWidget(self.policy_label)
        policy_box.addWidget(self.policy_scroll, 1)
        picker.addLayout(policy_box, 3)
        layout.addLayout(picker, 1)

        empty_row = QHBoxLayout()
        self.empty_label = QLabel(objectName="Note", wordWrap=True)
        self.empty_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.login_button = QPushButton()
        self.login_button.clicked.connect(self.login_requested)
        empty_row.addWidget(self.empty_label, 1)
        empty_row.addWidget(self.login_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addLayout(empty_row)
        self.update_label = QLabel(objectName="UpdateLine", wordWrap=True)
        self.update_label.setTextFormat(Qt.TextFormat.RichText)
        self.update_label.setOpenExternalLinks(True)
        self.update_label.hide()
        layout.addWidget(self.update_label)

        row = QHBoxLayout()
        self.memo_label = QLabel()
        self.memo_edit = QLineEdit()
        self.memo_label.setBuddy(self.memo_edit)
        self.memo_edit.editingFinished.connect(self._save_memo)
        self.memo_edit.returnPressed.connect(self._clock_in)  # Enter clocks in, as the button
        self.clock_in_button = QPushButton(objectName="ClockIn")
        self.clock_in_button.clicked.connect(self._clock_in)
        self.clock_out_button = QPushButton(objectName="ClockOut")
        self.clock_out_button.clicked.connect(self.session.clock_out)
        row.addWidget(self.memo_label)
        row.addWidget(self.memo_edit, 1)
        row.addWidget(self.clock_in_button)
        row.addWidget(self.clock_out_button)
        layout.addLayout(row)

        meters = QFrame(objectName="Meters")
        grid = QGridLayout(meters)
        self.segment_label = QLabel()
        self.activity_bar = QProgressBar(objectName="Activity", maximum=10, textVisible=True)
        self.today_label = QLabel(objectName="Total")
        self.week_label = QLabel(objectName="Total")
        grid.addWidget(self.segment_label, 0, 0)
        grid.addWidget(self.activity_bar, 0, 1)
        grid.addWidget(self.today_label, 1, 0)
        grid.addWidget(self.week_label, 1, 1)
        grid.setColumnStretch(0, 1)  # room for the segment's line in longer languages
        grid.setColumnStretch(1, 1)
        layout.addWidget(meters)

        sync_row = QHBoxLayout()
        self.sync_label = QLabel(objectName="SyncLine", wordWrap=True)
        self.sync_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sync_button = QPushButton()
        self.sync_button.clicked.connect(self.session.sync_now)
        self.diary_button = QPushButton()
        self.diary_button.clicked.connect(self.open_diary)
        self.manual_button = QPushButton(objectName="AddManual")
        self.manual_button.clicked.connect(self.add_manual)
        self.about_button = QPushButton()
        self.about_button.clicked.connect(self.about_requested)
        sync_row.addWidget(self.sync_label, 1)
        sync_row.addWidget(self.sync_button)
        sync_row.addWidget(self.diary_button)
        sync_row.addWidget(self.manual_button)
        sync_row.addWidget(self.about_button)
        layout.addLayout(sync_row)
        language_row = QHBoxLayout()
        self.language_label = QLabel()
        self.language_box = QComboBox(objectName="Language")
        self.language_label.setBuddy(self.language_box)
        self.language_box.activated.connect(self._language_picked)  # a method, as above
        language_row.addStretch(1)
        language_row.addWidget(self.language_label)
        language_row.addWidget(self.language_box)
        layout.addLayout(language_row)
        self.setCentralWidget(root)

    def retranslate(self) -> None:
        """Every fixed text, name and description, in the current language."""
        self.setWindowTitle("workdiary")
        self.status_label.setAccessibleName(translate("MainWindow", "Tracking state"))
        self.contract_list.setAccessibleName(translate("MainWindow", "Contracts"))
        self.contract_list.setAccessibleDescription(translate(
            "MainWindow", "Choose the contract to clock in on; its tracking policy is shown "
                          "beside the list."))
        self.policy_scroll.setAccessibleName(translate("MainWindow", "Tracking policy"))
        self.policy_scroll.setAccessibleDescription(translate(
            "MainWindow", "What is recorded while you are clocked in on this contract."))
        self.login_button.setText(translate("MainWindow", "&Log in…"))
        self.login_button.setAccessibleDescription(translate(
            "MainWindow", "Log this computer in to your workdiary server."))
        self.memo_label.setText(translate("MainWindow", "&Memo:"))
        self.memo_edit.setPlaceholderText(translate("MainWindow", "What are you working on?"))
        self.memo_edit.setAccessibleName(translate("MainWindow", "Memo"))
        self.memo_edit.setAccessibleDescription(translate(
            "MainWindow", "What you are working on, saved with the segment. Enter clocks in."))
        self.clock_in_button.setText(translate("MainWindow", "Clock &in"))
        self.clock_in_button.setAccessibleDescription(translate(
            "MainWindow", "Start recording time on the selected contract."))
        self.clock_out_button.setText(translate("MainWindow", "Clock &out"))
        self.clock_out_button.setAccessibleDescription(translate(
            "MainWindow", "Stop recording time; the segment is closed and kept."))
        self.activity_bar.setAccessibleName(translate("MainWindow", "Activity"))
        self.activity_bar.setAccessibleDescription(translate(
            "MainWindow", "This segment's activity, from 0 to 10."))
        self.sync_button.setText(translate("MainWindow", "&Sync now"))
        self.sync_button.setAccessibleDescription(translate(
            "MainWindow", "Upload the recorded segments now."))
        self.diary_button.setText(translate("MainWindow", "Open &diary"))
        self.diary_button.setAccessibleDescription(translate(
            "MainWindow", "Show the day's segments, memos and screenshots."))
        self.manual_button.setText(translate("MainWindow", "Add manual &time…"))
        self.manual_button.setAccessibleDescription(translate(
            "MainWindow", "Enter time you worked without the tracker, on a contract that allows "
                          "it."))
        self.about_button.setText(translate("MainWindow", "&About"))
        self.about_button.setAccessibleDescription(translate(
            "MainWindow", "The version and how this computer captures."))
        self.language_label.setText(translate("MainWindow", "Lan&guage:"))
        self.language_box.setAccessibleName(translate("MainWindow", "Language"))
        self.language_box.setAccessibleDescription(translate(
            "MainWindow", "The language of workdiary's windows and tray menu."))
        for index in range(self.language_box.count()):
            if not self.language_box.itemData(index):
                self.language_box.setItemText(index, translate("MainWindow", "System default"))
        self.offers_panel.refresh()
        self._fill_contracts()

    def set_languages(self, languages: list[tuple[str, str]], chosen: str) -> None:
        """The picker's entries, (code, name) with "" for the system's, and the current one."""
        self.language_box.clear()
        for code, name in languages:
            self.language_box.addItem(name, code)
        self.language_box.setCurrentIndex(max(0, self.language_box.findData(chosen)))
        self.retranslate()

    def _language_picked(self, index: int) -> None:
        self.language_chosen.emit(self.language_box.itemData(index))

    # -- rendering ------------------------------------------------------------------------

    def selected_contract(self) -> Contract | None:
        item = self.contract_list.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    def _fill_contracts(self) -> None:
        current = self.selected_contract()
        self.contract_list.clear()
        for contract in self.session.contracts:
            item = QListWidgetItem(contract.title)
            item.setData(Qt.ItemDataRole.UserRole, contract)
            self.contract_list.addItem(item)
            if current is not None and contract.id == current.id:
                self.contract_list.setCurrentItem(item)
        if self.contract_list.currentItem() is None and self.contract_list.count():
            self.contract_list.setCurrentRow(0)
        how = (translate("MainWindow", "Log in to fetch yours.") if self.can_log_in else
               translate("MainWindow", "To fetch yours, {hint}; they appear here when you open "
                                       "workdiary again.").format(hint=login_hint()))
        self.empty_label.setText(
            "" if self.session.contracts else
            translate("MainWindow", "No contracts on this computer yet. {how}").format(how=how))
        self.empty_label.setVisible(not self.session.contracts)
        self._show_policy()
        self.refresh_view()

    def _save_memo(self) -> None:
        self.session.set_memo(self.memo_edit.text())

    def _show_policy(self, *_item: object) -> None:
        contract = self.session.contract or self.selected_contract()
        if contract is None:
            self.contract_label.setText("")
            self.policy_label.setText("")
            return
        self.contract_label.setText(f"<b>{html.escape(contract.title)}</b><br>"
                                    f"{html.escape(describe_contract(contract))}")
        lines = describe_policy(contract.policy, self.limits)
        items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
        heading = html.escape(translate("MainWindow", "While you are clocked in on this contract:"))
        self.policy_label.setText(f"<b>{heading}</b><ul>{items}</ul>")

    def refresh_view(self) -> None:
        s = self.session
        tz = s.tz
        state = s.tray_state
        self.setWindowIcon(state_icon(state))
        if s.busy:
            text = translate("MainWindow", "Working…")
        elif s.clocked_in and s.contract is not None:
            text = (translate("MainWindow", "Paused (idle since {time}): {contract}").format(
                        time=clock_time(s.idle_since, tz), contract=s.contract.title)
                    if state is TrayState.PAUSED and s.idle_since else
                    translate("MainWindow", "Tracking: {contract}").format(
                        contract=s.contract.title))
        else:
            text = translate("MainWindow", "Clocked out")
        if s.problem:
            text += translate("MainWindow", " — problem: {problem}").format(problem=s.problem)
        self.status_label.setText(text)
        self.status_label.setProperty("state", state.value)
        self.status_label.style().unpolish(self.status_label)
        self.status_label.style().polish(self.status_label)
        self.contract_list.setEnabled(not s.clocked_in and not s.busy)
        self.clock_in_button.setEnabled(
            not s.clocked_in and not s.busy and self.selected_contract() is not None)
        self.clock_out_button.setEnabled(s.clocked_in and not s.busy)
        if s.memo != self._shown_memo:  # clocked in from elsewhere (tray, demo)
            self.memo_edit.setText(s.memo)
            self._shown_memo = s.memo
        summary = s.summary
        logged_out = summary is not None and summary.sync_state is SyncState.LOGGED_OUT
        self.login_button.setVisible(self.can_log_in and (logged_out or not s.contracts))
        if s.clocked_in and summary is not None and summary.segment_activity is not None:
            minutes = summary.segment_seconds // 60
            self.segment_label.setText(
                translate("MainWindow", "This segment {span}: {minutes} min recorded so far"
                          ).format(span=time_span(s.segment_start, s.segment_end, tz),
                                   minutes=minutes)
                if s.segment_start and s.segment_end else
                translate("MainWindow", "This segment: {minutes} min recorded so far"
                          ).format(minutes=minutes))
            activity = summary.segment_activity
            if not activity.tracked_minutes and summary.previous_activity is not None:
                # No finished minute yet: the meter shows the segment before, and says so.
                activity = summary.previous_activity
                self.activity_bar.setFormat(translate("MainWindow", "last segment: activity %v/10"))
            else:
                self.activity_bar.setFormat(translate("MainWindow", "activity %v/10"))
            self.activity_bar.setValue(activity.bars)
        else:
            self.segment_label.setText(translate("MainWindow", "This segment: not clocked in"))
            self.activity_bar.setFormat(translate("MainWindow", "activity %v/10"))
            self.activity_bar.setValue(0)
        if summary is not None:
            self.today_label.setText(translate("MainWindow", "Today: {time} h").format(
                time=hours_minutes_seconds(summary.today_seconds)))
            self.week_label.setText(
                translate("MainWindow", "This week (from Monday 00:00 UTC): {time} h").format(
                    time=hours_minutes_seconds(summary.week_seconds)))
            self.sync_label.setText(summary.sync_text)
        self._show_update()
        self._show_policy()

    def _show_update(self) -> None:
        notice = self.session.release_notice
        label = release_label(notice)
        self.update_label.setVisible(label is not None)
        if notice is None or label is None:
            return
        state = "required" if notice.blocks_clock_in else "available"
        self.update_label.setProperty("state", state)
        # Below the minimum the whole sentence (why clocking in is off); else short, with links.
        text = (f"<b>{html.escape(label)}</b>. " + html.escape(notice.message)
                if notice.blocks_clock_in else
                f"<b>{html.escape(label)}</b> " + html.escape(translate(
                    "MainWindow", "(you have {version}).").format(version=notice.current)))
        links = [(notice.download_url or "", translate("MainWindow", "Download")),
                 (notice.notes_url or "", translate("MainWindow", "What is new"))]
        text += "".join(f' <a href="{html.escape(url, quote=True)}">{html.escape(name)}</a>'
                        for url, name in links if url)
        if not notice.download_url and not notice.blocks_clock_in:
            text += " " + html.escape(translate(
                "MainWindow", "Download it from your usual download page."))
        self.update_label.setText(text)

    # -- actions --------------------------------------------------------------------------

    def _clock_in(self) -> None:
        contract = self.selected_contract()
        if contract is not None and self.clock_in_button.isEnabled():
            self.session.clock_in(contract, self.memo_edit.text().strip())

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.hide_on_close:
            event.ignore()
            self.hide()
        else:
            event.accept()
            self.quit_requested.emit()
