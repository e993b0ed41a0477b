"""Run as a script: a native Wayland PySide6 window of four colour quadrants.

``QT_QPA_PLATFORM=wayland`` (never XWayland: the session has no X display). Prints "shown"
once the window has painted; ends when stdin closes. Usage: python qt_colour_window.py
"""

from __future__ import annotations

import sys
import threading

from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QApplication, QWidget

# Quadrants: top-left, top-right, bottom-left, bottom-right.
COLOURS = ((220, 30, 30), (30, 200, 40), (30, 60, 220), (240, 220, 20))


class Quadrants(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.painted = False

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        w, h = self.width(), self.height()
        boxes = ((0, 0), (w // 2, 0), (0, h // 2), (w // 2, h // 2))
        for (x, y), rgb in zip(boxes, COLOURS, strict=True):
            painter.fillRect(x, y, w - w // 2 if x else w // 2, h - h // 2 if y else h // 2,
                             QColor(*rgb))
        painter.end()
        if not self.painted:
            self.painted = True
            QTimer.singleShot(300, lambda: print("shown", flush=True))


def main() -> None:
    app = QApplication(sys.argv)
    app.setDesktopFileName("workdiary-colour-test")  # the Wayland app_id
    window = Quadrants()
    window.setWindowTitle("workdiary colour quadrants")
    window.show()  # tiled alone, it fills the focused output (no borders in the test config)
    closed = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), closed.set()), daemon=True).start()
    timer = QTimer()
    timer.timeout.connect(lambda: app.quit() if closed.is_set() else None)
    timer.start(50)
    app.exec()


if __name__ == "__main__":
    main()
