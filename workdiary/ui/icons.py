"""Tray and window icons for each state, drawn with QPainter (no image files to ship)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

from workdiary.desktop.state import TrayState

COLOURS = {
    TrayState.IDLE: "#7a828c",
    TrayState.TRACKING: "#1f9d55",
    TrayState.PAUSED: "#d99a1e",
    TrayState.OFFLINE: "#4f6d8a",
    TrayState.ERROR: "#cc3b3b",
}
SIZES = (16, 22, 24, 32, 48, 64)


def state_pixmap(state: TrayState, size: int = 64, template: bool = False) -> QPixmap:
    """A filled disc in the state's colour with a white mark: clock, pause bars, slash, "!".

    ``template``: the macOS menu-bar form, a black disc with the mark cut out (macOS draws a
    template image in the menu bar's own colours from its alpha alone)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(size / 64, size / 64)
    painter.setPen(Qt.PenStyle.NoPen)
    disc = QColor("black") if template else QColor(COLOURS[state])
    painter.setBrush(disc)
    painter.drawEllipse(QRectF(2, 2, 60, 60))
    if template:  # the marks below punch holes instead of painting white
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Clear)
    pen = QPen(QColor("white"), 6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    if state in (TrayState.IDLE, TrayState.TRACKING):
        painter.drawEllipse(QRectF(14, 14, 36, 36))  # a clock face with two hands
        painter.drawLine(QPointF(32, 32), QPointF(32, 21))
        painter.drawLine(QPointF(32, 32), QPointF(40, 36))
        if state is TrayState.IDLE:  # paint the ring back over: only the hands show
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
            painter.setPen(QPen(disc, 3))
            painter.drawEllipse(QRectF(14, 14, 36, 36))
    elif state is TrayState.PAUSED:
        painter.drawLine(QPointF(25, 20), QPointF(25, 44))
        painter.drawLine(QPointF(39, 20), QPointF(39, 44))
    elif state is TrayState.OFFLINE:
        cloud = QPainterPath()
        cloud.addEllipse(QRectF(15, 27, 16, 14))
        cloud.addEllipse(QRectF(24, 20, 20, 20))
        cloud.addEllipse(QRectF(35, 28, 14, 13))
        painter.setPen(QPen(QColor("white"), 4))
        painter.drawPath(cloud.simplified())
        painter.setPen(pen)
        painter.drawLine(QPointF(16, 48), QPointF(48, 16))
    else:
        painter.drawLine(QPointF(32, 16), QPointF(32, 36))
        painter.drawPoint(QPointF(32, 47))
    painter.end()
    return pixmap


def state_icon(state: TrayState, template: bool = False) -> QIcon:
    """The state's icon at every size; ``template`` for the macOS menu bar (a mask image)."""
    icon = QIcon()
    for size in SIZES:
        icon.addPixmap(state_pixmap(state, size, template))
    icon.setIsMask(template)
    return icon
