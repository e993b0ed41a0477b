"""The small non-modal popup shown when a screenshot is taken: thumbnail, Delete, Redact."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QPixmap
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workdiary.core.model import ScreenshotRef
from workdiary.ui.session import DesktopSession

Confirm = Callable[[QWidget, str], bool]
SHOWN_MS = 45_000  # then it steps aside; the diary keeps every screenshot reviewable


def ask(parent: QWidget, question: str) -> bool:
    """A Yes/No question; No is the default."""
    answer = QMessageBox.question(parent, "workdiary", question,
                                  QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                  QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


class ScreenshotPreview(QWidget):
    """Shows the latest screenshot; a new one replaces it. Never takes focus from your work."""

    redact_requested = Signal(str, object)  # segment id, ScreenshotRef

    def __init__(self, session: DesktopSession, *, confirm: Confirm = ask) -> None:
        super().__init__(None, Qt.WindowType.Tool | Qt.WindowType.WindowStaysOnTopHint)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setObjectName("Preview")
        self.setWindowTitle("workdiary: screenshot taken")
        self.session = session
        self._confirm = confirm
        self.segment_id: str | None = None
        self.shot: ScreenshotRef | None = None
        layout = QVBoxLayout(self)
        self.caption = QLabel(objectName="Caption", wordWrap=True)
        self.image = QLabel(objectName="Thumbnail", alignment=Qt.AlignmentFlag.AlignCenter)
        self.image.setMinimumSize(240, 135)
        self.hint = QLabel(objectName="Note", wordWrap=True)
        buttons = QDialogButtonBox()
        self.delete_button = QPushButton("Delete…")
        self.redact_button = QPushButton("Redact…")
        self.close_button = QPushButton("Close")
        buttons.addButton(self.delete_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.addButton(self.redact_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.delete_button.clicked.connect(self._delete)
        self.redact_button.clicked.connect(self._redact)
        self.close_button.clicked.connect(self.hide)
        for widget in (self.caption, self.image, self.hint):
            layout.addWidget(widget)
        layout.addWidget(buttons)
        self.setFixedWidth(300)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SHOWN_MS)
        self._timer.timeout.connect(self._step_aside)

    def show_shot(self, segment_id: str, shot: ScreenshotRef, can_redact: bool = True,
                  segment_span: str = "") -> None:
        """Show ``shot`` (thumbnail loaded off the GUI thread) near the tray corner."""
        self.segment_id, self.shot = segment_id, shot
        self.caption.setText(f"Screenshot taken at {_local(shot.taken_at, self.session)}"
                             + (f" in the segment {segment_span}" if segment_span else "")
                             + (" (blurred by policy)" if shot.blurred else ""))
        self.image.setText("loading…")
        self.image.setPixmap(QPixmap())
        self.redact_button.setEnabled(can_redact)
        self.delete_button.setEnabled(True)
        self.hint.setText(
            "Delete removes this segment's time. Redact blurs parts of the picture; the "
            "segment keeps its time." if can_redact else
            "Delete removes this segment's time. This contract does not allow redaction.")
        sha = shot.thumb_sha256 and shot.sha256
        if sha:
            self.session.read_file(lambda: self.session.store.thumbnail_path(sha),
                                   lambda data, sha=sha: self._thumbnail_loaded(sha, data))
        self._place()
        self.show()
        self._timer.start()

    def _step_aside(self) -> None:
        if self.underMouse():  # the user is looking at it
            self._timer.start()
        else:
            self.hide()

    def _thumbnail_loaded(self, sha: str, data: bytes | None) -> None:
        if self.shot is None or self.shot.sha256 != sha:
            return  # a newer screenshot replaced this one meanwhile
        pixmap = QPixmap()
        if data is None or not pixmap.loadFromData(data):
            self.image.setText("(thumbnail not available)")
            return
        self.image.setPixmap(pixmap.scaledToWidth(min(pixmap.width(), 280),
                                                  Qt.TransformationMode.SmoothTransformation))

    def _place(self) -> None:
        screen = QGuiApplication.primaryScreen()
        if screen is None:
            return
        area = screen.availableGeometry()
        self.adjustSize()
        self.move(area.right() - self.width() - 16, area.bottom() - self.height() - 48)

    def _delete(self) -> None:
        if self.segment_id is None:
            return
        if not self._confirm(self, "Delete this screenshot and the whole segment's time? The "
                                   "time will not be billed. This cannot be undone."):
            return
        self.delete_button.setEnabled(False)
        self.redact_button.setEnabled(False)
        self.session.delete_segment(self.segment_id, lambda outcome: self._deleted(outcome))

    def _deleted(self, outcome: object) -> None:
        if outcome is None:
            self.delete_button.setEnabled(True)
            return
        self.hide()

    def _redact(self) -> None:
        if self.segment_id is not None and self.shot is not None:
            self.redact_requested.emit(self.segment_id, self.shot)


def _local(moment: datetime, session: DesktopSession) -> str:
    return f"{moment.astimezone(session.tz):%H:%M:%S}"
