"""Say what a long test is waiting for, past pytest's output capture.

A test that waits minutes on purpose (the crash test tracks for two minutes before killing the
tracker) would otherwise look hung in a quiet run.
"""

from __future__ import annotations

import sys

import pytest


def announce(request: pytest.FixtureRequest, message: str) -> None:
    """Write ``[test name] message`` on the terminal now, even while output is captured."""
    line = f"[{request.node.name}] {message}"
    plugins = request.config.pluginmanager
    capture = plugins.getplugin("capturemanager")
    reporter = plugins.getplugin("terminalreporter")
    if capture is None or reporter is None:
        print(line, file=sys.__stderr__, flush=True)
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line(line, flush=True)
