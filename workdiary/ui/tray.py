"""The tray icon: state icon, tooltip, and the menu (clock in/out, open, diary, sync, quit)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from workdiary.desktop.state import TrayState
from workdiary.desktop.summary import SyncState, hours_minutes
from workdiary.ui.icons import state_icon
from workdiary.ui.session import DesktopSession

_STATE_WORDS = {
    TrayState.IDLE: "clocked out",
    TrayState.TRACKING: "tracking",
    TrayState.PAUSED: "paused (idle)",
    TrayState.OFFLINE: "clocked out, not uploading",
    TrayState.ERROR: "needs attention",
}


class Tray(QSystemTrayIcon):
    open_window = Signal()
    open_diary = Signal()
    quit_requested = Signal()

    def __init__(self, session: DesktopSession) -> None:
        super().__init__()
        self.session = session
        self.menu = QMenu()
        self.status_action = self.menu.addAction("")
        self.status_action.setEnabled(False)
        self.totals_action = self.menu.addAction("")
        self.totals_action.setEnabled(False)
        self.menu.addSeparator()
        self.clock_action: QAction = self.menu.addAction("Clock in…")
        self.clock_action.triggered.connect(self._clock)
        self.menu.addAction("Open workdiary").triggered.connect(self.open_window)
        self.menu.addAction("Open diary").triggered.connect(self.open_diary)
        self.sync_action = self.menu.addAction("Sync now")
        self.sync_action.triggered.connect(session.sync_now)
        self.login_action = self.menu.addAction("Not logged in: how to log in…")
        self.login_action.triggered.connect(self.open_window)
        self.menu.addSeparator()
        self.menu.addAction("Quit (clocks out)").triggered.connect(self.quit_requested)
        self.setContextMenu(self.menu)
        self.activated.connect(self._activated)
        session.changed.connect(self.refresh_view)
        session.notice.connect(lambda text: self.showMessage("workdiary", text))
        self.refresh_view()

    def refresh_view(self) -> None:
        s = self.session
        state = s.tray_state
        self.setIcon(state_icon(state))
        title = s.contract.title if s.contract else None
        status = f"workdiary: {_STATE_WORDS[state]}" + (f" on {title}" if title else "")
        if s.problem:
            status += f" ({s.problem})"
        self.status_action.setText(status)
        summary = s.summary
        totals = (f"Today {hours_minutes(summary.today_minutes)} h, this week "
                  f"{hours_minutes(summary.week_minutes)} h" if summary else "Today –")
        self.totals_action.setText(totals)
        self.setToolTip(f"{status}\n{totals}" + (f"\n{summary.sync_text}" if summary else ""))
        self.clock_action.setText("Clock out" if s.clocked_in else "Clock in…")
        self.clock_action.setEnabled(not s.busy)
        logged_out = summary is not None and summary.sync_state is SyncState.LOGGED_OUT
        self.login_action.setVisible(logged_out)
        self.sync_action.setEnabled(not logged_out)

    def _clock(self) -> None:
        if self.session.clocked_in:
            self.session.clock_out()
        else:
            self.open_window.emit()  # choose the contract and see its policy first

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.open_window.emit()
