"""The tray icon: state icon (a template image in the macOS menu bar), tooltip, and the menu
(clock in/out, open, diary, sync, an update when one exists, start at login, about, quit)."""

from __future__ import annotations

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QAction, QActionGroup, QDesktopServices
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from workdiary.autostart.base import Autostart
from workdiary.desktop.announce import release_label
from workdiary.desktop.formatting import hours_minutes_seconds
from workdiary.desktop.i18n import translate
from workdiary.desktop.state import TrayState
from workdiary.desktop.summary import SyncState
from workdiary.ui.icons import state_icon
from workdiary.ui.session import DesktopSession


def state_words(state: TrayState) -> str:
    """The tray's state in words: the icon's colour is never the only sign."""
    return {
        TrayState.IDLE: translate("Tray", "clocked out"),
        TrayState.TRACKING: translate("Tray", "tracking"),
        TrayState.PAUSED: translate("Tray", "paused (idle)"),
        TrayState.OFFLINE: translate("Tray", "clocked out, not uploading"),
        TrayState.ERROR: translate("Tray", "needs attention"),
    }[state]


class Tray(QSystemTrayIcon):
    open_window = Signal()
    open_diary = Signal()
    add_manual = Signal()
    quit_requested = Signal()
    about_requested = Signal()
    language_chosen = Signal(str)  # a language code; "" follows the system

    def __init__(self, session: DesktopSession, *, autostart: Autostart | None = None,
                 template_icon: bool = False) -> None:
        super().__init__()
        self.session = session
        self.autostart = autostart
        self.template_icon = template_icon  # macOS: the menu bar draws it in its own colours
        self.menu = QMenu()
        self.log_in_here = False  # True: the login action opens the login dialog (Desktop)
        self.status_action = self.menu.addAction("")
        self.status_action.setEnabled(False)
        self.totals_action = self.menu.addAction("")
        self.totals_action.setEnabled(False)
        self.menu.addSeparator()
        self.clock_action: QAction = self.menu.addAction("")
        self.clock_action.triggered.connect(self._clock)
        self.open_action = self.menu.addAction("")
        self.open_action.triggered.connect(self.open_window)
        self.diary_action = self.menu.addAction("")
        self.diary_action.triggered.connect(self.open_diary)
        self.manual_action = self.menu.addAction("")
        self.manual_action.triggered.connect(self.add_manual)
        self.sync_action = self.menu.addAction("")
        self.sync_action.triggered.connect(session.sync_now)
        self.login_action = self.menu.addAction("")
        self.login_action.triggered.connect(self.open_window)
        self.update_action = self.menu.addAction("")
        self.update_action.triggered.connect(self._open_update)
        self.menu.addSeparator()
        self.autostart_action = self.menu.addAction("")
        self.autostart_action.setCheckable(True)
        self.autostart_action.setVisible(autostart is not None)
        self._show_autostart()
        self.autostart_action.toggled.connect(self._set_autostart)
        self.language_menu = self.menu.addMenu("")
        self.language_group = QActionGroup(self.language_menu)
        self.language_group.triggered.connect(
            lambda action: self.language_chosen.emit(action.data()))
        self.about_action = self.menu.addAction("")
        self.about_action.triggered.connect(self.about_requested)
        self.quit_action = self.menu.addAction("")
        self.quit_action.triggered.connect(self.quit_requested)
        self.retranslate()
        self.setContextMenu(self.menu)
        self.activated.connect(self._activated)
        session.changed.connect(self.refresh_view)
        session.notice.connect(lambda text: self.showMessage("workdiary", text))
        self.refresh_view()

    def retranslate(self) -> None:
        """The menu's fixed entries in the current language (the rest follows in refresh_view)."""
        self.open_action.setText(translate("Tray", "Open &workdiary"))
        self.diary_action.setText(translate("Tray", "Open &diary"))
        self.manual_action.setText(translate("Tray", "Add &manual time…"))
        self.sync_action.setText(translate("Tray", "&Sync now"))
        self.login_action.setText(translate("Tray", "Not logged in: log in…") if self.log_in_here
                                  else translate("Tray", "Not logged in: how to log in…"))
        self.autostart_action.setText(translate("Tray", "Start at lo&gin"))
        self.language_menu.setTitle(translate("Tray", "&Language"))
        for action in self.language_group.actions():
            if not action.data():
                action.setText(translate("Tray", "System default"))
        self.about_action.setText(translate("Tray", "&About workdiary…"))
        self.quit_action.setText(translate("Tray", "&Quit (clocks out)"))
        self.refresh_view()

    def set_languages(self, languages: list[tuple[str, str]], chosen: str) -> None:
        """The Language submenu: (code, name) with "" for the system's; ``chosen`` is checked."""
        for action in self.language_group.actions():
            self.language_group.removeAction(action)
            self.language_menu.removeAction(action)
        for code, name in languages:
            action = self.language_menu.addAction(name)
            action.setData(code)
            action.setCheckable(True)
            action.setChecked(code == chosen)
            self.language_group.addAction(action)
        self.retranslate()

    def refresh_view(self) -> None:
        s = self.session
        state = s.tray_state
        self.setIcon(state_icon(state, self.template_icon))
        title = s.contract.title if s.contract else None
        words = state_words(state)
        status = (translate("Tray", "workdiary: {state} on {contract}").format(
                      state=words, contract=title) if title else
                  translate("Tray", "workdiary: {state}").format(state=words))
        if s.problem:
            status += f" ({s.problem})"
        self.status_action.setText(status)
        summary = s.summary
        totals = (translate("Tray", "Today {today} h, this week {week} h").format(
                      today=hours_minutes_seconds(summary.today_seconds),
                      week=hours_minutes_seconds(summary.week_seconds))
                  if summary else translate("Tray", "Today –"))
        self.totals_action.setText(totals)
        self.setToolTip(f"{status}\n{totals}" + (f"\n{summary.sync_text}" if summary else ""))
        self.clock_action.setText(translate("Tray", "Clock &out") if s.clocked_in
                                  else translate("Tray", "Clock &in…"))
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
                (translate("Tray", "Start at login could not be turned on: {reason}") if enabled
                 else translate("Tray", "Start at login could not be turned off: {reason}")
                 ).format(reason=exc))
        else:
            self.session.notice.emit(
                (translate("Tray", "workdiary starts at login ({where}).") if enabled else
                 translate("Tray", "workdiary no longer starts at login ({where}).")
                 ).format(where=self.autostart.location()))
        self._show_autostart()

    def _clock(self) -> None:
        if self.session.clocked_in:
            self.session.clock_out()
        else:
            self.open_window.emit()  # choose the contract and see its policy first

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.open_window.emit()
