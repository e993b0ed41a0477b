"""Puts the windows together around one DesktopSession: tray (or the main window when no tray
host exists), screenshot preview, redaction, idle prompts, diary, the about box and (macOS)
the permission checklist."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox

from workdiary import __version__
from workdiary.autostart.base import Autostart
from workdiary.capture.base import CaptureLimits
from workdiary.capture.permissions import PermissionChecklist, missing_summary
from workdiary.core.model import Contract, ScreenshotRef, Segment
from workdiary.desktop.formatting import clock_time, time_span
from workdiary.desktop.i18n import translate
from workdiary.desktop.notify import Notifier
from workdiary.tracker.events import IdlePeriod
from workdiary.ui.session import DesktopSession
from workdiary.ui.taskman import TaskManager
from workdiary.ui.translations import SETTING, LanguageSwitch, chosen_language, native_name
from workdiary.ui.tray import Tray

if TYPE_CHECKING:  # each window's module is imported when the window is first opened
    from workdiary.ui.diary_window import DiaryWindow
    from workdiary.ui.idle_prompt import IdlePrompt
    from workdiary.ui.login_dialog import Login, LoginDialog
    from workdiary.ui.main_window import MainWindow
    from workdiary.ui.manual_dialog import ManualTimeDialog
    from workdiary.ui.permissions_window import PermissionWindow
    from workdiary.ui.preview import Confirm, ScreenshotPreview
    from workdiary.ui.redact_dialog import RedactDialog


def no_tray_note() -> str:
    return translate(
        "Desktop", "There is no system tray in this session (no panel with a notification area "
                   "is running), so workdiary runs in this window; its notices also appear as "
                   "desktop notifications. Closing it clocks out and quits. To get a tray: on "
                   "GNOME install the AppIndicator extension (gnome-shell-extension-appindicator); "
                   "on sway, a bar with a tray (waybar's tray module, or swaybar); KDE Plasma's "
                   "panel has one.")


class Desktop(QObject):
    """The GUI of one session. ``on_quit`` ends the event loop (after the session shut down).

    Without a tray, ``notifier`` (desktop notifications) carries what the tray's messages would,
    besides the window's status bar; ``notifications_unavailable`` (any thread) says once in the
    window that it cannot.

    Windows are built when first shown (or first asked for through ``main_window`` /
    ``preview``) and each window's module is imported then: the preview with the first
    screenshot, and with a tray the main window too, so a tray app that is only tracking
    pays for no widget nobody looks at (issue 16, benchmarks/memory.md). ``confirm``
    defaults to ``preview.ask``."""

    notifications_unavailable = Signal(str)

    def __init__(self, session: DesktopSession, *, tray_available: bool,
                 on_quit: Callable[[], None], confirm: Confirm | None = None,
                 note: str | None = None, login: Login | None = None,
                 login_tasks: TaskManager | None = None, backends: list[str] | None = None,
                 limits: CaptureLimits | None = None, autostart: Autostart | None = None,
                 permissions: PermissionChecklist | None = None,
                 template_icon: bool = False, notifier: Notifier | None = None,
                 language: LanguageSwitch | None = None) -> None:
        super().__init__()
        self.language = language  # None: English only (no picker)
        self.session = session
        self.backends = backends or []  # capture.platform.session_report(), for the about box
        self.permissions = permissions
        self.permission_window: PermissionWindow | None = None
        self.about_box: QMessageBox | None = None
        self._login, self._login_tasks = login, login_tasks
        self.login_dialog: LoginDialog | None = None
        self._on_quit = on_quit
        self._confirm = confirm
        notes = [n for n in (note, None if tray_available else no_tray_note()) if n]
        self._tray_note = " ".join(notes) or None
        self._hide_on_close = tray_available
        self._limits = limits
        self._main_window: MainWindow | None = None
        self._preview: ScreenshotPreview | None = None
        self._last_notice: str | None = None  # the status bar's text for a window built later
        session.notice.connect(self._remember_notice)
        self.notifier = None if tray_available else notifier
        if self.notifier is not None:
            session.notice.connect(self._notify)
        self.notifications_unavailable.connect(self._say_notifications_unavailable)
        self.tray: Tray | None = None
        if tray_available:
            self.tray = Tray(session, autostart=autostart, template_icon=template_icon)
            self.tray.about_requested.connect(self.show_about)
            self.tray.open_window.connect(self.show_window)
            self.tray.open_diary.connect(self.open_diary)
            self.tray.add_manual.connect(self.open_manual_time)
            self.tray.quit_requested.connect(self.quit)
            if login is not None:
                self.tray.login_action.triggered.disconnect()
                self.tray.log_in_here = True
                self.tray.retranslate()
                self.tray.login_action.triggered.connect(self.open_login)
        session.screenshot_taken.connect(self._screenshot_taken)
        session.idle_ended.connect(self.ask_idle)
        self.diary: DiaryWindow | None = None
        self.manual_dialog: ManualTimeDialog | None = None
        self.redaction: RedactDialog | None = None
        self.idle_prompts: list[IdlePrompt] = []
        self._quitting = False
        self._show_languages()
        if self.tray is not None:
            self.tray.language_chosen.connect(self.set_language)
        else:  # the window is the program: built now, as it opens at start
            _ = self.main_window

    @property
    def main_window(self) -> MainWindow:
        """The clock-in window, built on first use."""
        if self._main_window is None:
            from workdiary.ui.main_window import MainWindow

            window = MainWindow(self.session, tray_note=self._tray_note,
                                hide_on_close=self._hide_on_close,
                                can_log_in=self._login is not None, limits=self._limits)
            window.about_requested.connect(self.show_about)
            window.login_requested.connect(self.open_login)
            window.open_diary.connect(self.open_diary)
            window.add_manual.connect(self.open_manual_time)
            window.quit_requested.connect(self.quit)
            window.language_chosen.connect(self.set_language)
            if self._last_notice is not None:
                window.statusBar().showMessage(self._last_notice)
            self._main_window = window
            self._show_languages_in(window)
        return self._main_window

    @property
    def preview(self) -> ScreenshotPreview:
        """The popup shown when a screenshot is taken, built with the first one."""
        if self._preview is None:
            from workdiary.ui.preview import ScreenshotPreview, ask

            self._preview = ScreenshotPreview(self.session, confirm=self._confirm or ask)
            self._preview.redact_requested.connect(self.open_redaction)
        return self._preview

    def _remember_notice(self, text: str) -> None:
        self._last_notice = text

    def _show_languages(self) -> None:
        if self._main_window is not None:
            self._show_languages_in(self._main_window)
        if self.language is None or self.tray is None:
            return
        chosen = self.session.store.get_setting(SETTING) or ""
        self.tray.set_languages(self._language_entries(), chosen)

    def _show_languages_in(self, window: MainWindow) -> None:
        if self.language is None:
            window.language_box.setEnabled(False)
            return
        chosen = self.session.store.get_setting(SETTING) or ""
        window.set_languages(self._language_entries(), chosen)

    def _language_entries(self) -> list[tuple[str, str]]:
        languages = self.language.languages if self.language is not None else []
        return [("", ""), *((code, native_name(code)) for code in languages)]

    def set_language(self, code: str) -> None:
        """Store the choice ("" follows the system) and show every window in it now."""
        if self.language is None:
            return
        self.session.store.set_setting(SETTING, code)
        self.language.use(chosen_language(code, self.language.languages))
        if self.language.problem:
            self.session.notice.emit(self.language.problem)
        self._show_languages()  # re-checks the choice and retranslates the window and tray
        for window in (self.diary, self._preview, self.permission_window, self.manual_dialog):
            if window is not None:
                window.retranslate()
        if self.about_box is not None and self.about_box.isVisible():
            self.show_about()
        self.session.refresh()  # the sync line and totals are written on the worker

    def start(self, *, show_window: bool | None = None) -> None:
        """Load contracts and totals; show the tray, and the window when asked or trayless."""
        self.session.load_contracts()
        self.session.refresh()
        if self.tray is not None:
            self.tray.show()
        if show_window or self.tray is None:
            self.show_window()
        if self.permissions is not None and missing_summary(self.permissions.items()):
            self.show_permissions()

    def show_permissions(self) -> PermissionWindow | None:
        """The checklist of what the system must allow (macOS); None where nothing is asked."""
        if self.permissions is None:
            return None
        if self.permission_window is None:
            from workdiary.ui.permissions_window import PermissionWindow

            self.permission_window = PermissionWindow(self.permissions)
        else:
            self.permission_window.refresh()
        self.permission_window.show()
        self.permission_window.raise_()
        return self.permission_window

    def show_about(self) -> QMessageBox:
        """The version and which capture backends this session uses, and why."""
        if self.about_box is None:
            self.about_box = QMessageBox(QMessageBox.Icon.Information, "",
                                         f"workdiary {__version__}")
            self.about_box.setObjectName("About")
            self.about_box.setModal(False)
            self.about_box.setStandardButtons(QMessageBox.StandardButton.Ok)
            self.about_box.setDefaultButton(QMessageBox.StandardButton.Ok)
        self.about_box.setWindowTitle(translate("Desktop", "About workdiary"))
        ok = self.about_box.button(QMessageBox.StandardButton.Ok)
        ok.setText(translate("Desktop", "OK"))
        ok.setAccessibleDescription(translate("Desktop", "Close this window."))
        tray = (translate("Desktop", "tray: the system tray") if self.tray is not None else
                translate("Desktop", "tray: none (notices in the main window and as desktop "
                                     "notifications)"))
        reported = self.backends or [translate("Desktop", "(not reported)")]
        lines = "\n".join(f"• {line}" for line in [*reported, tray])
        self.about_box.setInformativeText(translate(
            "Desktop", "A work diary for hourly contracts: time in signed segments, screenshots "
                       "and activity, uploaded to your server.\n\nCapture in this session:\n"
                       "{lines}").format(lines=lines))
        self.about_box.show()
        self.about_box.raise_()
        return self.about_box

    def show_window(self) -> None:
        self.main_window.show()
        self.main_window.raise_()
        self.main_window.activateWindow()

    def open_diary(self) -> DiaryWindow:
        if self.diary is None:
            from workdiary.ui.diary_window import DiaryWindow
            from workdiary.ui.preview import ask

            self.diary = DiaryWindow(self.session, _today(self.session),
                                     confirm=self._confirm or ask)
            self.diary.review_shot.connect(self._review_from_diary)
        else:
            self.diary.reload()
        self.diary.show()
        self.diary.raise_()
        return self.diary

    def open_manual_time(self) -> ManualTimeDialog:
        """The "Add manual time" dialog; the diary shows the new segments once added."""
        from workdiary.ui.manual_dialog import ManualTimeDialog

        self.manual_dialog = ManualTimeDialog(self.session)
        # A method, not a lambda over self: the dialog's connection would hold this Desktop,
        # which holds the dialog, a cycle through Qt that nothing frees.
        self.manual_dialog.added.connect(self._manual_time_added)
        self.manual_dialog.show()
        self.manual_dialog.raise_()
        return self.manual_dialog

    def _manual_time_added(self) -> None:
        if self.diary is not None:
            self.diary.reload()

    def open_login(self) -> LoginDialog | None:
        if self._login is None or self._login_tasks is None:
            return None
        if self.login_dialog is None:
            from workdiary.ui.login_dialog import LoginDialog

            store = self.session.store
            self.login_dialog = LoginDialog(
                self._login, self._login_tasks, server_url=store.get_setting("server_url") or "",
                email=store.get_setting("user_email") or "")
            self.login_dialog.logged_in.connect(
                lambda result: self.session.logged_in(*result))
            self.login_dialog.finished.connect(lambda _code: self._forget_login())
        self.login_dialog.show()
        self.login_dialog.raise_()
        return self.login_dialog

    def _forget_login(self) -> None:
        self.login_dialog = None

    def _screenshot_taken(self, segment_id: str, shot: ScreenshotRef) -> None:
        s = self.session
        span = ""
        if segment_id == s.segment_id and s.segment_start and s.segment_end:
            span = time_span(s.segment_start, s.segment_end, s.tz)
        self.preview.show_shot(segment_id, shot, _redaction_allowed(s.contract), span)

    def _review_from_diary(self, segment: Segment, shot: ScreenshotRef) -> None:
        contract = next((c for c in self.session.contracts if c.id == segment.contract_id), None)
        self.preview.show_shot(segment.id, shot, _redaction_allowed(contract))
        self.preview.activateWindow()  # asked for (Enter in the diary): the keyboard goes there

    def open_redaction(self, segment_id: str, shot: ScreenshotRef) -> RedactDialog:
        from workdiary.ui.redact_dialog import RedactDialog

        if self.redaction is not None:
            self.redaction.close()
        self.redaction = RedactDialog(self.session, segment_id, shot)
        self.redaction.accepted.connect(self.preview.hide)
        if self.diary is not None:
            self.redaction.accepted.connect(self.diary.reload)
        self.redaction.show()
        return self.redaction

    def _notify(self, text: str) -> None:
        if self.notifier is not None:
            self.notifier.notify("workdiary", text)

    def _say_notifications_unavailable(self, reason: str) -> None:
        self.main_window.statusBar().showMessage(translate(
            "Desktop", "Desktop notifications cannot be shown ({reason}); notices appear only "
                       "here.").format(reason=reason))

    def ask_idle(self, period: IdlePeriod) -> IdlePrompt:
        if self.tray is None:  # the prompt may open behind other windows
            self._notify(translate(
                "Desktop", "You were away since {time}: workdiary asks what to do with that "
                           "time.").format(time=clock_time(period.since, self.session.tz)))
        from workdiary.ui.idle_prompt import IdlePrompt

        prompt = IdlePrompt(self.session, period)
        prompt.finished.connect(lambda _result: self.idle_prompts.remove(prompt))
        self.idle_prompts.append(prompt)
        prompt.show()
        return prompt

    def quit(self) -> None:
        """Clock out (everything written), stop syncing, close the windows, end the loop."""
        if self._quitting:
            return
        self._quitting = True
        self.session.shutdown()
        if self.notifier is not None:
            self.notifier.close()
        if self.tray is not None:
            self.tray.hide()
        for window in (self._preview, self.diary, self.redaction, self.login_dialog,
                       self.manual_dialog, self.about_box, self.permission_window,
                       *self.idle_prompts):
            if window is not None:
                window.close()
        if self._main_window is not None:
            self._main_window.hide_on_close = True  # closing now must not ask to quit again
            self._main_window.close()
        self._on_quit()


def _redaction_allowed(contract: Contract | None) -> bool:
    return contract is None or contract.policy.allow_redaction


def _today(session: DesktopSession) -> date:
    return session.clock.now().astimezone(session.tz).date()
