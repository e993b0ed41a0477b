"""Run by test_tray_xvfb.py under a real X server with a tray host: starts the real app
(`run_app`) on a fresh data folder and reports what a user would see, one line at a time."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QSystemTrayIcon

from workdiary.cli.app import run_app
from workdiary.desktop.settings import DesktopSettings
from workdiary.store import LocalStore


def main(data: Path) -> int:
    store = LocalStore(data / "workdiary.sqlite3")

    def ready(desktop: Any) -> None:
        print(f"available {QSystemTrayIcon.isSystemTrayAvailable()}", flush=True)
        tray = desktop.tray
        if tray is None:
            print("no tray object", flush=True)
            desktop.quit()
            return
        timer = QTimer(desktop)

        def look() -> None:
            geometry = tray.geometry()
            if geometry.width() > 0 and not hasattr(look, "told"):
                look.told = True  # type: ignore[attr-defined]
                centre = geometry.center()
                print(f"icon {centre.x()} {centre.y()} visible {tray.isVisible()}", flush=True)
            if desktop.main_window.isVisible():
                print("window shown", flush=True)
                timer.stop()
                desktop.quit()

        timer.timeout.connect(look)
        timer.start(100)

    try:
        return run_app(store, settings=DesktopSettings.from_environment(), secrets=None,
                       on_ready=ready)
    finally:
        store.close()


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
