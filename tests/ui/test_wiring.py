"""Qt-free features shown in the tray app: the capture backends (About box, `status`), the
policy with this desktop's limits, idle-time activity in the diary window, a screenshot refusal
told once, the clock and login warnings of a sync pass, Start at login, the macOS permission
checklist and the menu-bar template icon."""

from __future__ import annotations

import argparse
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QPushButton

from tests.ui.conftest import Rig
from workdiary.autostart.linux import XdgAutostart
from workdiary.capture import platform as capture_platform
from workdiary.capture.base import CaptureLimits
from workdiary.core.model import ActivitySource, MinuteRecord, ScreenshotRef
from workdiary.desktop.state import TrayState
from workdiary.sync.outbox import SyncReport
from workdiary.tracker import events as ev
from workdiary.ui.desktop import Desktop
from workdiary.ui.diary_window import DiaryWindow
from workdiary.ui.icons import state_icon, state_pixmap
from workdiary.ui.main_window import MainWindow
from workdiary.ui.tray import Tray


def test_the_about_box_says_which_backends_this_session_uses(rig: Rig, qtbot: Any) -> None:
    backends = capture_platform.session_report()
    desktop = Desktop(rig.session, tray_available=False, on_quit=lambda: None,
                      backends=backends)
    about = desktop.show_about()
    qtbot.waitExposed(about)
    text = about.informativeText()
    assert "Capture in this session:" in text
    assert all(line in text for line in backends) and backends
    assert "display server: x11" in text  # pytest-xvfb: an X display
    desktop.quit()


def test_status_prints_the_capture_backends(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    from workdiary.cli.tracking import run_status

    monkeypatch.setenv("WORKDIARY_DATA_DIR", str(tmp_path))
    run_status(argparse.Namespace(json=True))
    answer = json.loads(capsys.readouterr().out)
    assert answer["capture_backends"] == capture_platform.session_report()
    run_status(argparse.Namespace(json=False))
    text = capsys.readouterr().out
    assert "capture backends in this session:\n  display server: x11" in text


def test_the_clock_in_window_shows_the_policy_with_this_desktops_limits(
    rig: Rig, qtbot: Any,
) -> None:
    limits = CaptureLimits(titles_unavailable="GNOME does not tell applications the active "
                                              "window here.", activity_from_idle=True,
                           screenshot_consent=True)
    window = MainWindow(rig.session, limits=limits)
    qtbot.addWidget(window)
    rig.session.load_contracts()
    qtbot.waitUntil(lambda: window.contract_list.count() == 2)
    window.contract_list.setCurrentRow(1)  # c-2 asks for window titles
    text = window.policy_label.text()
    assert "GNOME does not tell applications the active window here." in text
    assert "Activity is measured from the desktop&#x27;s idle time" in text
    assert "Your desktop asks once whether workdiary may take screenshots" in text
    plain = MainWindow(rig.session)
    qtbot.addWidget(plain)
    plain.contract_list.setCurrentRow(1)
    assert "Keyboard and mouse activity is counted" in plain.policy_label.text()


def test_the_diary_window_marks_activity_measured_from_idle_time(rig: Rig, qtbot: Any) -> None:
    store, start = rig.store, rig.clock.now().replace(second=0, microsecond=0)
    for n, source in enumerate((ActivitySource.IDLE_MONITOR, ActivitySource.COUNTS)):
        begin = start + timedelta(minutes=10 * n)
        segment_id = f"seg-{n}"
        store.start_segment(segment_id, "c-1", begin, begin + timedelta(minutes=2), "")
        for minute in range(2):
            store.add_minute(segment_id, MinuteRecord(
                at=begin + timedelta(minutes=minute), active_seconds=40, source=source,
                keys=0 if source is ActivitySource.IDLE_MONITOR else 5))
        store.close_segment(segment_id, begin + timedelta(minutes=2))
    diary = DiaryWindow(rig.session, start.astimezone(rig.session.tz).date())
    qtbot.addWidget(diary)
    qtbot.waitUntil(lambda: diary.table.rowCount() == 2)
    from workdiary.ui.diary_window import ACTIVITY

    idle_cell, counted_cell = diary.table.item(0, ACTIVITY), diary.table.item(1, ACTIVITY)
    assert idle_cell.text().endswith("(idle time)")
    assert "activity measured from idle time" in idle_cell.toolTip().lower()
    assert not counted_cell.text().endswith("(idle time)") and not counted_cell.toolTip()
    meter = diary.table.cellWidget(0, ACTIVITY)
    assert "activity measured from idle time" in meter.toolTip().lower()
    assert "activity measured from idle time" in diary.totals_label.text()


def test_a_screenshot_refusal_is_told_once_per_reason(rig: Rig, qtbot: Any) -> None:
    notices: list[str] = []
    rig.session.notice.connect(notices.append)
    refused = "the screenshot portal refused: the user denied the request"
    for n in range(3):
        shot = ScreenshotRef(taken_at=rig.clock.now(), error=refused)
        rig.session.post_event(ev.ScreenshotFailed(f"seg-{n}", shot))
    other = ScreenshotRef(taken_at=rig.clock.now(), error="the portal timed out")
    rig.session.post_event(ev.ScreenshotFailed("seg-9", other))
    qtbot.waitUntil(lambda: len(notices) >= 2)
    qtbot.wait(50)
    assert [refused in n for n in notices] == [True, False] and len(notices) == 2


def test_the_clock_offset_and_login_notices_reach_the_sync_line_and_the_tray(
    rig: Rig, qtbot: Any,
) -> None:
    notices: list[str] = []
    rig.session.notice.connect(notices.append)
    clock = ("this computer's clock is 12 min ahead of the server's: set it right (turn on "
             "automatic time); the segment stays queued and is sent again on the next sync.")
    login = ("the login on this computer expires at 2026-12-01 08:00 UTC and could not be "
             "renewed (the server could not be reached); run `workdiary login` before then.")
    for _ in range(2):
        rig.session.post_sync_report(SyncReport(too_early=["s-1"], clock_warning=clock,
                                                token_notice=login))
    qtbot.waitUntil(lambda: rig.session.summary is not None
                    and "not accepted yet" in rig.session.summary.sync_text)
    text = rig.session.summary.sync_text
    assert "1 segment not accepted yet: This computer's clock is 12 min ahead" in text
    assert "Login: the login on this computer expires at 2026-12-01 08:00 UTC" in text
    assert notices == [clock[:1].upper() + clock[1:], login[:1].upper() + login[1:]]
    tray = Tray(rig.session)
    tray.refresh_view()
    assert "12 min ahead" in tray.toolTip()


class ReadOnlyAutostart(XdgAutostart):
    def enable(self) -> None:
        raise PermissionError(13, "Permission denied", str(self._path))


def test_start_at_login_writes_the_entry_and_says_when_it_cannot(
    rig: Rig, tmp_path: Path, qtbot: Any,
) -> None:
    notices: list[str] = []
    rig.session.notice.connect(notices.append)
    autostart = XdgAutostart(tmp_path / "autostart", ["/opt/workdiary/workdiary", "app"])
    tray = Tray(rig.session, autostart=autostart)
    action = tray.autostart_action
    assert action.isVisible() and action.isCheckable() and not action.isChecked()
    action.trigger()
    assert autostart.is_enabled() and action.isChecked()
    assert (tmp_path / "autostart").is_dir() and "starts at login" in notices[-1]
    action.trigger()
    assert not autostart.is_enabled() and not action.isChecked()
    broken = Tray(rig.session, autostart=ReadOnlyAutostart(tmp_path / "ro", ["workdiary"]))
    broken.autostart_action.trigger()
    assert not broken.autostart_action.isChecked()
    assert notices[-1].startswith("Start at login could not be turned on: ")
    assert "Permission denied" in notices[-1]
    assert not Tray(rig.session).autostart_action.isVisible()


def test_the_macos_permission_checklist_opens_at_start_and_its_buttons_work(
    rig: Rig, qtbot: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from workdiary.capture.macos import factory
    from workdiary.capture.macos.fake import FakeMacSystem

    system = FakeMacSystem(screen_capture=False, accessibility=False)
    monkeypatch.setattr(capture_platform._stdlib_platform, "system", lambda: "Darwin")
    monkeypatch.setattr(factory, "quartz", lambda: system)
    desktop = Desktop(rig.session, tray_available=False, on_quit=lambda: None,
                      permissions=capture_platform.make_permission_checklist())
    desktop.start()
    window = desktop.permission_window
    assert window is not None and window.isVisible()
    assert "Screen Recording" in window.summary_label.text()
    states = {key: label.text() for key, label in window.state_labels.items()}
    assert states["screen_recording"] == "missing" and states["accessibility"] == "missing"
    window.settings_buttons["screen_recording"].click()
    assert system.opened and "Privacy_ScreenCapture" in system.opened[-1]
    assert "System Settings is open" in window.result_label.text()
    asked = window.ask_buttons.get("screen_recording")
    assert isinstance(asked, QPushButton)
    asked.click()
    assert system.requests == 1 and "Not granted yet" in window.result_label.text()
    system.screen_capture = system.accessibility = True
    window.refresh()
    assert window.state_labels["screen_recording"].text() == "granted"
    desktop.quit()
    granted = Desktop(rig.session, tray_available=False, on_quit=lambda: None,
                      permissions=capture_platform.make_permission_checklist())
    granted.start()
    assert granted.permission_window is None  # nothing missing: no window at start
    granted.quit()


def test_the_macos_menu_bar_icon_is_a_template_image(rig: Rig) -> None:
    icon = state_icon(TrayState.TRACKING, template=True)
    assert icon.isMask() and not state_icon(TrayState.TRACKING).isMask()
    image = state_pixmap(TrayState.PAUSED, 64, template=True).toImage()
    assert image.pixelColor(25, 32).alpha() == 0  # the pause bar is cut out
    disc = image.pixelColor(10, 32)
    assert disc.alpha() == 255 and (disc.red(), disc.green(), disc.blue()) == (0, 0, 0)
    assert Tray(rig.session, template_icon=True).icon().isMask()
