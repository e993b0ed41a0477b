"""Renders resources/icons/workdiary.svg into what the installers need:
PNGs for the Linux icon theme, ``workdiary.ico`` for Windows and ``workdiary.icns`` for macOS.

Usage: python packaging/make_icons.py OUT_DIR   (Qt's SVG renderer, offscreen; Pillow writes
the .ico and .icns). Generated at build time, never committed.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SVG = ROOT / "resources" / "icons" / "workdiary.svg"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]


def render_pngs(out: Path) -> dict[int, Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"cannot read {SVG}")
    paths = {}
    for size in PNG_SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        paths[size] = out / f"workdiary-{size}.png"
        paths[size].write_bytes(bytes(data.data()))
    return paths


def main(out: Path) -> int:
    from PIL import Image

    out.mkdir(parents=True, exist_ok=True)
    pngs = render_pngs(out)
    largest = Image.open(io.BytesIO(pngs[max(PNG_SIZES)].read_bytes()))
    largest.save(out / "workdiary.ico", sizes=ICO_SIZES)
    largest.save(out / "workdiary.icns")
    print(f"icons written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build" / "icons"))
