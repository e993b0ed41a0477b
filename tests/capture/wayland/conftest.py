"""Fixtures for the native Wayland tests: headless sway (two outputs) with the portal, and
native PySide6 windows of known colours. Skipped, saying which packages, only when the
compositor packages are missing (scripts/install-system-deps.sh installs them)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .compositors import (
    SWAY_PACKAGES,
    WaylandSession,
    close_window,
    missing_packages,
    show_colour_window,
    start_sway,
)

# The second output: smaller, right of the first, so a mode that picks the wrong one shows.
SECOND = ("HEADLESS-2", 640, 480, 800, 0)


def require(packages: dict[str, str]) -> None:
    missing = missing_packages(packages)
    if missing:
        pytest.skip(f"needs the Debian packages {', '.join(missing)} "
                    "(scripts/install-system-deps.sh)")


@pytest.fixture(scope="module")
def sway() -> Iterator[WaylandSession]:
    """Headless sway as nobody: HEADLESS-1 800x600 at (0,0), HEADLESS-2 640x480 at (800,0),
    a colour-quadrant window on each, HEADLESS-2 focused."""
    require(SWAY_PACKAGES)
    session = start_sway()
    windows = []
    try:
        name, width, height, x, y = SECOND
        session.swaymsg("create_output")
        session.swaymsg("output", name, "mode", f"{width}x{height}", "position", str(x), str(y))
        windows.append(show_colour_window(session, "HEADLESS-1"))
        windows.append(show_colour_window(session, name))
        yield session
    finally:
        for window in windows:
            close_window(window)
        session.stop()
