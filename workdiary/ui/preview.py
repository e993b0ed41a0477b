"""The small non-modal popup shown when a screenshot is taken: thumbnail, Delete, Redact."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workdiary.core.model import ScreenshotRef
from workdiary.desktop.formatting import clock_time
from workdiary.desktop.i18n import translate
from workdiary.ui.session import DesktopSession

Confirm = Callable[[QWidget, str], bool]
SHOWN_MS = 45_000  # then it steps aside; the diary keeps every screenshot reviewable


def ask(parent: QWidget, question: str) -> bool:
    """A Yes/No question; No is the default."""
    box = QMessageBox(QMessageBox.Icon.Question, "workdiary", question,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    box.button(QMessageBox.StandardButton.Yes).setText(translate("Confirm", "&Yes"))
    box.button(QMessageBox.StandardButton.No).setText(translate("Confirm", "&No"))
    return box.exec() == QMessageBox.StandardButton.Yes


class ScreenshotPreview(QWidget):
    """Shows the latest screenshot; a new one replaces it. Never takes focus from your work."""

    redact_requested = Signal(str, object)  # segment id, ScreenshotRef

    def __init__(self, session: DesktopSession, *, confirm: Confirm = ask) -> None:
        super().__init__(None, Qt.WindowType.Tool | Qt.WindowType.WindowStaysOnTopHint)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setObjectName("Preview")
        self.session = session
        self._confirm = confirm
        self.segment_id: str | None = None
        self.shot: ScreenshotRef | None = None
        self._span = ""
        layout = QVBoxLayout(self)
        self.caption = QLabel(objectName="Caption", wordWrap=True)
        self.image = QLabel(objectName="Thumbnail", alignment=Qt.AlignmentFlag.AlignCenter)
        self.image.setMinimumSize(240, 135)
        self.hint = QLabel(objectName="Note", wordWrap=True)
        buttons = QDialogButtonBox()
        self.delete_button = QPushButton()
        self.redact_button = QPushButton()
        self.close_button = QPushButton()
        buttons.addButton(self.delete_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.addButton(self.redact_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.delete_button.clicked.connect(self._delete)
        self.redact_button.clicked.connect(self._redact)
        self.close_button.clicked.connect(self.hide)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.hide)
        for widget in (self.caption, self.image, self.hint):
            layout.addWidget(widget)
        layout.addWidget(buttons)
        self.setFixedWidth(300)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SHOWN_MS)
        self._timer.timeout.connect(self._step_aside)
        self._can_redact = True
        self.retranslate()

    def retranslate(self) -> None:
        """Fixed texts, names and descriptions in the current language."""
        self.setWindowTitle(translate("Preview", "workdiary: screenshot taken"))
        self.image.setAccessibleName(translate("Preview", "Screenshot"))
        self.delete_button.setText(translate("Preview", "&Delete…"))
        self.delete_button.setAccessibleDescription(translate(
            "Preview", "Delete this screenshot and its segment's time; asks first."))
        self.redact_button.setText(translate("Preview", "&Redact…"))
        self.redact_button.setAccessibleDescription(translate(
            "Preview", "Blur parts of this screenshot; the segment keeps its time."))
        self.close_button.setText(translate("Preview", "&Close"))
        self.close_button.setAccessibleDescription(translate(
            "Preview", "Hide this window; the diary keeps the screenshot."))
        self._show_texts()

    def _show_texts(self) -> None:
        shot = self.shot
        if shot is None:
            return
        caption = translate("Preview", "Screenshot taken at {time}").format(
            time=clock_time(shot.taken_at, self.session.tz, seconds=True))
        if self._span:
            caption += translate("Preview", " in the segment {span}").format(span=self._span)
        if shot.blurred:
            caption += translate("Preview", " (blurred by policy)")
        self.caption.setText(caption)
        self.hint.setText(
            translate("Preview", "Delete removes this segment's time. Redact blurs parts of the "
                                 "picture; the segment keeps its time.") if self._can_redact else
            translate("Preview", "Delete removes this segment's time. This contract does not "
                                 "allow redaction."))

    def show_shot(self, segment_id: str, shot: ScreenshotRef, can_redact: bool = True,
                  segment_span: str = "") -> None:
        """Show ``shot`` (thumbnail loaded off the GUI thread) near the tray corner."""
        self.segment_id, self.shot = segment_id, shot
        self._span, self._can_redact = segment_span, can_redact
        self._show_texts()
        self.image.setText(translate("Preview", "loading…"))
        self.image.setPixmap(QPixmap())
        self.redact_button.setEnabled(can_redact)
        self.delete_button.setEnabled(True)
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
            self.image.setText(translate("Preview", "(thumbnail not available)"))
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
        if not self._confirm(self, translate(
                "Preview", "Delete this screenshot and the whole segment's time? The time will "
                           "not be billed. This cannot be undone.")):
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

