"""Redaction: drag rectangles over a screenshot, then blur them for good (capture.encode)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workdiary.core.model import ScreenshotRef
from workdiary.desktop.i18n import translate
from workdiary.desktop.review import Box
from workdiary.ui.session import DesktopSession

MAX_VIEW = (900, 560)  # at most; less on a small screen, so the buttons stay visible


class RegionCanvas(QWidget):
    """The picture, scaled to fit, with the marked boxes drawn on top."""

    boxes_changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.pixmap = QPixmap()
        self.scale = 1.0
        self.boxes: list[Box] = []  # in the image's own pixels
        self._drag: tuple[QPoint, QPoint] | None = None
        self.setCursor(Qt.CursorShape.CrossCursor)

    def set_pixmap(self, pixmap: QPixmap) -> None:
        self.pixmap = pixmap
        width, height = MAX_VIEW
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            area = screen.availableGeometry()
            width, height = min(width, area.width() - 120), min(height, area.height() - 240)
        self.scale = min(1.0, max(width, 100) / max(1, pixmap.width()),
                         max(height, 100) / max(1, pixmap.height()))
        self.setFixedSize(round(pixmap.width() * self.scale), round(pixmap.height() * self.scale))
        self.update()

    def add_box(self, box: Box) -> None:
        self.boxes.append(box)
        self.boxes_changed.emit()
        self.update()

    def mark_all(self) -> None:
        """One box over the whole picture: the keyboard's way to redact (no dragging)."""
        if not self.pixmap.isNull():
            self.add_box((0, 0, self.pixmap.width(), self.pixmap.height()))

    def undo(self) -> None:
        if self.boxes:
            self.boxes.pop()
            self.boxes_changed.emit()
            self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        point = event.position().toPoint()
        self._drag = (point, point)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag is not None:
            self._drag = (self._drag[0], event.position().toPoint())
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drag is None:
            return
        rect = QRect(self._drag[0], event.position().toPoint()).normalized()
        self._drag = None
        if rect.width() >= 3 and rect.height() >= 3:  # a click is not a region
            s = self.scale
            self.add_box((int(rect.left() / s), int(rect.top() / s),
                          int((rect.right() + 1) / s), int((rect.bottom() + 1) / s)))
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        if not self.pixmap.isNull():
            painter.drawPixmap(self.rect(), self.pixmap)
        painter.setPen(QPen(QColor("#cc3b3b"), 2))
        painter.setBrush(QColor(204, 59, 59, 90))
        s = self.scale
        for x0, y0, x1, y1 in self.boxes:
            painter.drawRect(QRectF(x0 * s, y0 * s, (x1 - x0) * s, (y1 - y0) * s))
        if self._drag is not None:
            painter.drawRect(QRect(*self._drag).normalized())
        painter.end()


class RedactDialog(QDialog):
    """Non-modal; Apply blurs the boxes through the session (on the store's worker)."""

    def __init__(self, session: DesktopSession, segment_id: str, shot: ScreenshotRef,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("Redact", "workdiary: redact screenshot"))
        self.session, self.segment_id, self.shot = session, segment_id, shot
        self.applied = False
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(translate(
            "Redact", "Drag rectangles over what must not be seen. Apply blurs them "
                      "irreversibly: the original picture is replaced on this computer and never "
                      "uploaded. The segment keeps its time and is marked redacted."),
            wordWrap=True))
        self.canvas = RegionCanvas()
        self.canvas.setAccessibleName(translate("Redact", "Screenshot to redact"))
        self.canvas.setAccessibleDescription(translate(
            "Redact", "Drag with the mouse to mark an area to blur."))
        self.message = QLabel(translate("Redact", "loading the screenshot…"), objectName="Note",
                              wordWrap=True)
        layout.addWidget(self.canvas, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox()
        self.whole_button = QPushButton(translate("Redact", "Mark the &whole picture"))
        self.whole_button.setAccessibleDescription(translate(
            "Redact", "Mark the whole screenshot to blur, without dragging."))
        self.undo_button = QPushButton(translate("Redact", "&Undo last box"))
        self.undo_button.setAccessibleDescription(translate(
            "Redact", "Remove the last marked area."))
        self.apply_button = QPushButton(translate("Redact", "&Apply redaction"))
        self.apply_button.setAccessibleDescription(translate(
            "Redact", "Blur the marked areas for good."))
        self.apply_button.setDefault(True)
        cancel = self.cancel_button = QPushButton(translate("Redact", "Cancel"))
        cancel.setAccessibleDescription(translate("Redact", "Close without redacting."))
        buttons.addButton(self.whole_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.undo_button, QDialogButtonBox.ButtonRole.ResetRole)
        buttons.addButton(self.apply_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(cancel, QDialogButtonBox.ButtonRole.RejectRole)
        self.whole_button.clicked.connect(self.canvas.mark_all)
        self.undo_button.clicked.connect(self.canvas.undo)
        self.apply_button.clicked.connect(self._apply)
        cancel.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self.canvas.boxes_changed.connect(self._update_buttons)
        self._update_buttons()
        self.whole_button.setEnabled(False)  # until the picture is loaded
        sha = shot.sha256
        if sha:
            session.read_file(lambda: session.store.screenshot_path(sha), self._loaded)

    def _loaded(self, data: bytes | None) -> None:
        pixmap = QPixmap()
        if data is None or not pixmap.loadFromData(data):
            self._say(translate("Redact", "The screenshot file is no longer on this computer, "
                                          "so it cannot be redacted here."))
            return
        self.canvas.set_pixmap(pixmap)
        self.whole_button.setEnabled(True)
        self._say("")
        self.adjustSize()
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:  # centred: the picture is the point of this window
            centre = screen.availableGeometry().center()
            self.move(centre.x() - self.width() // 2, centre.y() - self.height() // 2)

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _update_buttons(self) -> None:
        self.apply_button.setEnabled(bool(self.canvas.boxes))
        self.undo_button.setEnabled(bool(self.canvas.boxes))

    def _apply(self) -> None:
        if not self.shot.sha256 or not self.canvas.boxes:
            return
        self.apply_button.setEnabled(False)
        self._say(translate("Redact", "Redacting…"))
        self.session.redact(self.segment_id, self.shot.sha256, list(self.canvas.boxes),
                            self._done)

    def _done(self, ok: bool) -> None:
        if ok:
            self.applied = True
            self.accept()
        else:
            self._say(translate("Redact", "The redaction failed; the reason is in the status "
                                          "line and the tray."))
            self._update_buttons()
