from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from .xserver import MonitorSpec, XServer, define_monitors, start_xvfb


def _require_x_tools() -> None:
    for tool in ("Xvfb", "xdotool"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is not installed; the xvfb tests need packages xvfb and xdotool.")


@pytest.fixture(scope="module")
def own_xvfb() -> Iterator[XServer]:
    """A private single-monitor 800x600 Xvfb, stopped by PID after the module."""
    _require_x_tools()
    server = start_xvfb(800, 600)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def two_monitors() -> Iterator[XServer]:
    """A private Xvfb desktop of two 800x600 monitors side by side; the RIGHT one is primary.

    The primary being the second monitor makes a "first monitor" shortcut fail the tests.
    """
    _require_x_tools()
    server = start_xvfb(1600, 600)
    try:
        define_monitors(
            server.name,
            [MonitorSpec("LEFT", 0, 0, 800, 600), MonitorSpec("RIGHT", 800, 0, 800, 600, True)],
        )
    except Exception:
        server.stop()
        raise
    yield server
    server.stop()
