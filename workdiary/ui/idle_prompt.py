"""Asked when you come back after idle time: keep or discard the idle minutes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout

from workdiary.tracker.events import IdlePeriod
from workdiary.ui.session import DesktopSession


class IdlePrompt(QDialog):
    """Non-modal; one prompt per idle period. Closing it keeps the time (nothing is lost
    without an explicit choice)."""

    def __init__(self, session: DesktopSession, period: IdlePeriod) -> None:
        super().__init__(None, Qt.WindowType.WindowStaysOnTopHint)
        self.setWindowTitle("workdiary: you were away")
        self.session, self.period = session, period
        self.decided = False
        tz = session.tz
        minutes = max(1, round(period.seconds / 60))
        until = period.ended_at or period.since
        layout = QVBoxLayout(self)
        self.text = QLabel(
            f"No keyboard or mouse input from {period.since.astimezone(tz):%H:%M} to "
            f"{until.astimezone(tz):%H:%M}: {minutes} minute{'s' if minutes != 1 else ''} "
            f"were recorded as idle.\n\nKeep them (billed, shown as not active) or discard "
            f"them (not billed; screenshots taken meanwhile are deleted)? Closing this window "
            f"keeps them.", wordWrap=True)
        layout.addWidget(self.text)
        buttons = QDialogButtonBox()
        self.keep_button = QPushButton("Keep")
        self.discard_button = QPushButton("Discard")
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
