"""Update notices in the programs users run, against a real server on loopback: the tray app
says an update exists once per version (a tray message, the menu, the window); below the
operator's minimum it clocks out, uploads what it recorded and refuses to clock in; `workdiary
track` refuses with the same sentence."""

from __future__ import annotations

import argparse
import io
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from workdiary.capture import platform
from workdiary.cli.app import run_app
from workdiary.cli.main import CommandError
from workdiary.config import database_path
from workdiary.core.clock import FakeClock
from workdiary.core.model import Policy
from workdiary.desktop.settings import DesktopSettings
from workdiary.server.services.desktop_release import DesktopRelease, publish
from workdiary.store import LocalStore
from workdiary.sync.client import SyncSettings
from workdiary.sync.secrets import MemorySecretStore
from workdiary.testing.capture_fakes import FakeInputCounter, FakeScreenGrabber
from workdiary.ui.tray import Tray

MONDAY = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)


@dataclass
class Server:
    url: str
    folder: Path
    contract_id: str
    clock: FakeClock
    secrets: MemorySecretStore
    client_dir: Path

    def uploaded(self) -> dict[str, str]:
        with sqlite3.connect(self.folder / "server.sqlite3") as conn:
            return dict(conn.execute("SELECT id, status FROM segments").fetchall())


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    """An embedded server sharing a FakeClock with a desktop logged in to it."""
    from workdiary.cli import account
    from workdiary.cli.embedded import EmbeddedServer, seed_demo

    clock = FakeClock(MONDAY)
    client_dir = tmp_path / "client"
    monkeypatch.setenv("WORKDIARY_DATA_DIR", str(client_dir))
    with EmbeddedServer(tmp_path / "server", clock=clock) as embedded:
        accounts = seed_demo(embedded, policy=Policy(segment_minutes=1,
                                                     screenshots_per_segment=1))
        secrets = MemorySecretStore()
        monkeypatch.setattr("sys.stdin", io.StringIO(accounts.password + "\n"))
        account.run_login(argparse.Namespace(server_url=embedded.url,
                                             email=accounts.freelancer_email,
                                             password_stdin=True),
                          secrets_factory=lambda: secrets)
        yield Server(embedded.url, tmp_path / "server", accounts.contract_id, clock, secrets,
                     client_dir)


def test_the_tray_app_tells_updates_once_and_below_the_minimum_finishes_and_refuses(
    server: Server, qtbot: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(platform, "make_input_counter", FakeInputCounter)
    monkeypatch.setattr(platform, "make_screen_grabber", lambda: FakeScreenGrabber(64, 36))
    monkeypatch.setattr(platform, "make_window_probe", lambda: None)
    publish(server.folder, DesktopRelease(latest="99.0", notes_url="https://example.com/n",
                                          download_urls={"linux": "https://example.com/w.tgz"}))
    store = LocalStore(database_path(server.client_dir), clock=server.clock)
    contract = store.contract(server.contract_id)
    assert contract is not None
    settings = DesktopSettings(server.client_dir, ZoneInfo("UTC"),
                               sync=SyncSettings(grace_seconds=600, interval=0.2))
    stop = threading.Event()
    notices: list[str] = []
    seen: dict[str, Any] = {}

    def ready(desktop: Any) -> None:
        session = desktop.session
        session.notice.connect(notices.append)
        qtbot.waitUntil(lambda: session.release_notice is not None, timeout=20_000)
        worker = session.sync
        passes = worker.last_report
        qtbot.waitUntil(lambda: worker.last_report is not passes, timeout=20_000)
        passes = worker.last_report
        qtbot.waitUntil(lambda: worker.last_report is not passes, timeout=20_000)
        seen["update_notices"] = [n for n in notices if "99.0 is available" in n]
        window = desktop.main_window
        seen["window_line"] = window.update_label.text() if window.update_label.isVisibleTo(
            window) else None
        tray = desktop.tray or Tray(session)  # offscreen has no tray host: build the menu
        tray.refresh_view()
        seen["menu"] = tray.update_action.text() if tray.update_action.isVisible() else None

        session.clock_in(contract, "before the minimum rose")
        qtbot.waitUntil(lambda: session.clocked_in, timeout=10_000)
        tracker = session.control.tracker

        def three_minutes() -> None:
            for _ in range(180):
                server.clock.advance(1)
                tracker.tick()

        session.control.call(three_minutes).result(timeout=30)
        tracker.flush()
        # Grace is 10 minutes: nothing closed is uploaded yet, until the minimum rises.
        seen["uploaded_before"] = len(server.uploaded())
        publish(server.folder, DesktopRelease(latest="99.0", minimum="98.0"))
        qtbot.waitUntil(lambda: not session.clocked_in and not session.busy, timeout=20_000)
        qtbot.waitUntil(lambda: len(server.uploaded()) >= 3, timeout=20_000)
        session.clock_in(contract, "after")
        seen["clocked_in_after"] = session.clocked_in or session.busy
        tray.refresh_view()
        seen["menu_after"] = tray.update_action.text()
        stop.set()

    try:
        run_app(store, settings=settings, secrets=server.secrets, clock=server.clock,
                stop=stop, on_ready=ready)
    finally:
        store.close()
    assert len(seen["update_notices"]) == 1  # several sync passes, one message
    assert "download it from https://example.com/w.tgz" in seen["update_notices"][0]
    assert seen["window_line"] is not None and "Update available: workdiary 99.0" in \
        seen["window_line"] and 'href="https://example.com/w.tgz"' in seen["window_line"]
    assert seen["menu"] == "Update available: workdiary 99.0…"
    assert seen["uploaded_before"] == 0
    assert len(server.uploaded()) >= 3  # every closed segment, and the one clock-out closed
    assert seen["clocked_in_after"] is False
    refusals = [n for n in notices if n.startswith("Cannot clock in.")]
    assert refusals and "older than the server accepts (at least 98.0)" in refusals[0]
    assert seen["menu_after"] == "Update required: workdiary 99.0 (clocking in is off)…"
    assert sum("older than the server accepts" in n for n in notices) == 2  # told, refused


def test_track_refuses_below_the_minimum_and_notes_an_update(
    server: Server, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    from workdiary.cli import tracking

    monkeypatch.setattr(tracking, "_secrets", lambda store: server.secrets)
    monkeypatch.setattr(platform, "make_input_counter", FakeInputCounter)
    monkeypatch.setattr(platform, "make_screen_grabber", lambda: FakeScreenGrabber(64, 36))
    monkeypatch.setattr(platform, "make_window_probe", lambda: None)
    args = argparse.Namespace(contract_id=server.contract_id, memo="", duration=0.5,
                              no_sync=True)
    publish(server.folder, DesktopRelease(latest="99.0"))
    assert tracking.run_track(args) == 0
    assert "workdiary: note: workdiary 99.0 is available" in capsys.readouterr().err
    publish(server.folder, DesktopRelease(latest="99.0", minimum="99.0"))
    with pytest.raises(CommandError, match=r"not clocked in\. This workdiary .* older than "
                                           r"the server accepts \(at least 99\.0\)"):
        tracking.run_track(args)


def test_app_clock_in_at_start_asks_the_server_first_and_is_refused_below_the_minimum(
    server: Server, qtbot: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(platform, "make_input_counter", FakeInputCounter)
    monkeypatch.setattr(platform, "make_screen_grabber", lambda: FakeScreenGrabber(64, 36))
    monkeypatch.setattr(platform, "make_window_probe", lambda: None)
    publish(server.folder, DesktopRelease(latest="99.0", minimum="99.0"))
    store = LocalStore(database_path(server.client_dir), clock=server.clock)
    contract = store.contract(server.contract_id)
    assert contract is not None
    # A long interval: the sync worker's first pass must not be what refuses the clock-in.
    settings = DesktopSettings(server.client_dir, ZoneInfo("UTC"),
                               sync=SyncSettings(grace_seconds=600, interval=3600))
    stop = threading.Event()
    notices: list[str] = []
    states: list[bool] = []

    def ready(desktop: Any) -> None:
        session = desktop.session
        session.notice.connect(notices.append)
        session.changed.connect(lambda: states.append(session.clocked_in or session.busy))
        qtbot.waitUntil(lambda: any(n.startswith("Cannot clock in.") for n in notices),
                        timeout=20_000)
        stop.set()

    try:
        run_app(store, settings=settings, secrets=server.secrets, clock=server.clock,
                stop=stop, on_ready=ready, clock_in=(contract, "from autostart"))
    finally:
        store.close()
    assert not any(states)  # never clocked in, not even for a moment
    [refusal] = [n for n in notices if n.startswith("Cannot clock in.")]
    assert "older than the server accepts (at least 99.0)" in refusal
