"""The clock-in window: contracts with their tracking policy in words (with what this desktop
records differently), memo, Clock in / out, this segment's activity, today's and this week's
time, the sync state and an update when one exists."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
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
from workdiary.desktop.policy_text import describe_contract, describe_policy
from workdiary.desktop.state import TrayState
from workdiary.desktop.summary import LOGIN_HINT, SyncState, hours_minutes_seconds
from workdiary.ui.icons import state_icon
from workdiary.ui.session import DesktopSession


class MainWindow(QMainWindow):
    open_diary = Signal()
    quit_requested = Signal()
    login_requested = Signal()
    about_requested = Signal()

    def __init__(self, session: DesktopSession, *, tray_note: str | None = None,
                 hide_on_close: bool = True, can_log_in: bool = False,
                 limits: CaptureLimits | None = None) -> None:
        super().__init__()
        self.session = session
        self.limits = limits  # what this desktop records differently (capture_limits())
        self.can_log_in = can_log_in
        self._shown_memo = ""
        self.hide_on_close = hide_on_close
        self.setWindowTitle("workdiary")
        self.setObjectName("MainWindow")
        self.resize(740, 600)
        self._build(tray_note)
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
            layout.addWidget(note)

        picker = QHBoxLayout()
        self.contract_list = QListWidget(objectName="Contracts")
        self.contract_list.setMinimumWidth(220)
        self.contract_list.currentItemChanged.connect(lambda *_: self._show_policy())
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
        self.login_button = QPushButton("Log in…")
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
        self.memo_edit = QLineEdit(placeholderText="Memo: what are you working on?")
        self.memo_edit.editingFinished.connect(
            lambda: self.session.set_memo(self.memo_edit.text()))
        self.clock_in_button = QPushButton("Clock in", objectName="ClockIn")
        self.clock_in_button.clicked.connect(self._clock_in)
        self.clock_out_button = QPushButton("Clock out", objectName="ClockOut")
        self.clock_out_button.clicked.connect(self.session.clock_out)
        row.addWidget(self.memo_edit, 1)
        row.addWidget(self.clock_in_button)
        row.addWidget(self.clock_out_button)
        layout.addLayout(row)

        meters = QFrame(objectName="Meters")
        grid = QGridLayout(meters)
        self.segment_label = QLabel()
        self.activity_bar = QProgressBar(objectName="Activity", maximum=10, textVisible=True)
        self.activity_bar.setFormat("activity %v/10")
        self.today_label = QLabel(objectName="Total")
        self.week_label = QLabel(objectName="Total")
        grid.addWidget(self.segment_label, 0, 0)
        grid.addWidget(self.activity_bar, 0, 1)
        grid.addWidget(self.today_label, 1, 0)
        grid.addWidget(self.week_label, 1, 1)
        layout.addWidget(meters)

        sync_row = QHBoxLayout()
        self.sync_label = QLabel(objectName="SyncLine", wordWrap=True)
        self.sync_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        sync_button = QPushButton("Sync now")
        sync_button.clicked.connect(self.session.sync_now)
        diary_button = QPushButton("Open diary")
        diary_button.clicked.connect(self.open_diary)
        about_button = QPushButton("About")
        about_button.clicked.connect(self.about_requested)
        sync_row.addWidget(self.sync_label, 1)
        sync_row.addWidget(sync_button)
        sync_row.addWidget(diary_button)
        sync_row.addWidget(about_button)
        layout.addLayout(sync_row)
        self.setCentralWidget(root)

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
        how = ("Log in to fetch yours." if self.can_log_in else
               f"To fetch yours, {LOGIN_HINT}; they appear here when you open workdiary again.")
        self.empty_label.setText(
            "" if self.session.contracts else f"No contracts on this computer yet. {how}")
        self.empty_label.setVisible(not self.session.contracts)
        self._show_policy()
        self.refresh_view()

    def _show_policy(self) -> None:
        contract = self.session.contract or self.selected_contract()
        if contract is None:
            self.contract_label.setText("")
            self.policy_label.setText("")
            return
        self.contract_label.setText(f"<b>{html.escape(contract.title)}</b><br>"
                                    f"{html.escape(describe_contract(contract))}")
        lines = describe_policy(contract.policy, self.limits)
        items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
        self.policy_label.setText(f"<b>While you are clocked in on this contract:</b><ul>"
                                  f"{items}</ul>")

    def refresh_view(self) -> None:
        s = self.session
        tz = s.tz
        state = s.tray_state
        self.setWindowIcon(state_icon(state))
        if s.busy:
            text = "Working…"
        elif s.clocked_in and s.contract is not None:
            text = (f"Paused (idle since {s.idle_since.astimezone(tz):%H:%M}): "
                    if state is TrayState.PAUSED and s.idle_since else "Tracking: ")
            text += s.contract.title
        else:
            text = "Clocked out"
        if s.problem:
            text += f" — problem: {s.problem}"
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
            span = (f" {s.segment_start.astimezone(tz):%H:%M}–{s.segment_end.astimezone(tz):%H:%M}"
                    if s.segment_start and s.segment_end else "")
            self.segment_label.setText(
                f"This segment{span}: {summary.segment_seconds // 60} min recorded so far")
            activity = summary.segment_activity
            if not activity.tracked_minutes and summary.previous_activity is not None:
                # No finished minute yet: the meter shows the segment before, and says so.
                activity = summary.previous_activity
                self.activity_bar.setFormat("last segment: activity %v/10")
            else:
                self.activity_bar.setFormat("activity %v/10")
            self.activity_bar.setValue(activity.bars)
        else:
            self.segment_label.setText("This segment: not clocked in")
            self.activity_bar.setValue(0)
        if summary is not None:
            self.today_label.setText(f"Today: {hours_minutes_seconds(summary.today_seconds)} h")
            self.week_label.setText(
                "This week (from Monday 00:00 UTC): "
                f"{hours_minutes_seconds(summary.week_seconds)} h")
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
                f"<b>{html.escape(label)}</b> (you have {html.escape(notice.current)}).")
        links = [(notice.download_url or "", "Download"), (notice.notes_url or "", "What is new")]
        text += "".join(f' <a href="{html.escape(url, quote=True)}">{name}</a>'
                        for url, name in links if url)
        if not notice.download_url and not notice.blocks_clock_in:
            text += " Download it from your usual download page."
        self.update_label.setText(text)

    # -- actions --------------------------------------------------------------------------

    def _clock_in(self) -> None:
        contract = self.selected_contract()
        if contract is not None:
            self.session.clock_in(contract, self.memo_edit.text().strip())

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.hide_on_close:
            event.ignore()
            self.hide()
        else:
            event.accept()
            self.quit_requested.emit()
