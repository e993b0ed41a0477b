"""The tray icon: state icon (a template image in the macOS menu bar), tooltip, and the menu
(clock in/out, open, diary, sync, an update when one exists, start at login, about, quit)."""

from __future__ import annotations

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from workdiary.autostart.base import Autostart
from workdiary.desktop.announce import release_label
from workdiary.desktop.state import TrayState
from workdiary.desktop.summary import SyncState, hours_minutes_seconds
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
    about_requested = Signal()

    def __init__(self, session: DesktopSession, *, autostart: Autostart | None = None,
                 template_icon: bool = False) -> None:
        super().__init__()
        self.session = session
        self.autostart = autostart
        self.template_icon = template_icon  # macOS: the menu bar draws it in its own colours
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
        self.update_action = self.menu.addAction("")
        self.update_action.triggered.connect(self._open_update)
        self.menu.addSeparator()
        self.autostart_action = self.menu.addAction("Start at login")
        self.autostart_action.setCheckable(True)
        self.autostart_action.setVisible(autostart is not None)
        self._show_autostart()
        self.autostart_action.toggled.connect(self._set_autostart)
        self.menu.addAction("About workdiary…").triggered.connect(self.about_requested)
        self.menu.addAction("Quit (clocks out)").triggered.connect(self.quit_requested)
        self.setContextMenu(self.menu)
        self.activated.connect(self._activated)
        session.changed.connect(self.refresh_view)
        session.notice.connect(lambda text: self.showMessage("workdiary", text))
        self.refresh_view()

    def refresh_view(self) -> None:
        s = self.session
        state = s.tray_state
        self.setIcon(state_icon(state, self.template_icon))
        title = s.contract.title if s.contract else None
        status = f"workdiary: {_STATE_WORDS[state]}" + (f" on {title}" if title else "")
        if s.problem:
            status += f" ({s.problem})"
        self.status_action.setText(status)
        summary = s.summary
        totals = (f"Today {hours_minutes_seconds(summary.today_seconds)} h, this week "
                  f"{hours_minutes_seconds(summary.week_seconds)} h" if summary else "Today –")
        self.totals_action.setText(totals)
        self.setToolTip(f"{status}\n{totals}" + (f"\n{summary.sync_text}" if summary else ""))
        self.clock_action.setText("Clock out" if s.clocked_in else "Clock in…")
        self.clock_action.setEnabled(not s.busy)
        logged_out = summary is not None and summary.sync_state is SyncState.LOGGED_OUT
        self.login_action.setVisible(logged_out)
        self.sync_action.setEnabled(not logged_out)
        update = release_label(s.release_notice)
        self.update_action.setText(f"{update}…" if update else "")
        self.update_action.setVisible(update is not None)

    def _open_update(self) -> None:
        notice = self.session.release_notice
        if notice is not None and notice.download_url:
            QDesktopServices.openUrl(QUrl(notice.download_url))
        elif notice is not None:
            self.showMessage("workdiary", notice.message)

    def _show_autostart(self) -> None:
        if self.autostart is None:
            return
        try:
            enabled = self.autostart.is_enabled()
        except OSError:
            enabled = False
        self.autostart_action.blockSignals(True)
        self.autostart_action.setChecked(enabled)
        self.autostart_action.blockSignals(False)

    def _set_autostart(self, enabled: bool) -> None:
        """Write or remove this system's start-at-login entry; say where, or why not."""
        if self.autostart is None:
            return
        try:
            if enabled:
                self.autostart.enable()
            else:
                self.autostart.disable()
        except OSError as exc:
            self.session.notice.emit(
                f"Start at login could not be {'turned on' if enabled else 'turned off'}: "
                f"{exc}")
        else:
            self.session.notice.emit(
                f"workdiary {'starts' if enabled else 'no longer starts'} at login "
                f"({self.autostart.location()}).")
        self._show_autostart()

    def _clock(self) -> None:
        if self.session.clocked_in:
            self.session.clock_out()
        else:
            self.open_window.emit()  # choose the contract and see its policy first

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.open_window.emit()
