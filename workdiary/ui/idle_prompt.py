"""Asked when you come back after idle time: keep or discard the idle minutes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout

from workdiary.desktop.formatting import clock_time
from workdiary.desktop.i18n import plural, translate
from workdiary.tracker.events import IdlePeriod
from workdiary.ui.session import DesktopSession


class IdlePrompt(QDialog):
    """Non-modal; one prompt per idle period. Closing it keeps the time (nothing is lost
    without an explicit choice)."""

    def __init__(self, session: DesktopSession, period: IdlePeriod) -> None:
        super().__init__(None, Qt.WindowType.WindowStaysOnTopHint)
        self.setWindowTitle(translate("IdlePrompt", "workdiary: you were away"))
        self.session, self.period = session, period
        self.decided = False
        tz = session.tz
        minutes = max(1, round(period.seconds / 60))
        until = period.ended_at or period.since
        layout = QVBoxLayout(self)
        what = plural(
            minutes,
            translate("IdlePrompt", "No keyboard or mouse input from {start} to {end}: {n} "
                                    "minute was recorded as idle."),
            translate("IdlePrompt", "No keyboard or mouse input from {start} to {end}: {n} "
                                    "minutes were recorded as idle."),
        ).format(start=clock_time(period.since, tz), end=clock_time(until, tz), n=minutes)
        self.text = QLabel(what + "\n\n" + translate(
            "IdlePrompt", "Keep them (billed, shown as not active) or discard them (not billed; "
                          "screenshots taken meanwhile are deleted)? Closing this window keeps "
                          "them."), wordWrap=True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                          | Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setAccessibleName(translate("IdlePrompt", "Idle time"))
        layout.addWidget(self.text)
        buttons = QDialogButtonBox()
        self.keep_button = QPushButton(translate("IdlePrompt", "&Keep"))
        self.keep_button.setAccessibleDescription(translate(
            "IdlePrompt", "Keep the idle minutes: billed, shown as not active."))
        self.keep_button.setDefault(True)  # Enter keeps: nothing is lost by a stray key
        self.discard_button = QPushButton(translate("IdlePrompt", "&Discard"))
        self.discard_button.setAccessibleDescription(translate(
            "IdlePrompt", "Discard the idle minutes: not billed; screenshots taken meanwhile "
                          "are deleted."))
        buttons.addButton(self.keep_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.discard_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.keep_button.clicked.connect(lambda: self.decide(True))
        self.discard_button.clicked.connect(lambda: self.decide(False))
        layout.addWidget(buttons)
        self.setMinimumWidth(380)

    def decide(self, keep: bool) -> None:
        if not self.decided:
            self.decided = True
            self.session.resolve_idle(self.period, keep)
        self.accept()

    def reject(self) -> None:
        self.decide(True)
