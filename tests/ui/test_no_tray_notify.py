"""Without a tray, the app's messages also become desktop notifications (through the notifier
the root chose); a notifier that cannot reach a service is said once in the window."""

from __future__ import annotations

from typing import Any

from workdiary.testing.capture_fakes import FakeScreenGrabber
from workdiary.testing.notify_fakes import RecordingNotifier
from workdiary.ui.desktop import Desktop

from .conftest import Rig


def test_a_failed_capture_is_notified_once_without_a_tray(rig: Rig, qtbot: Any) -> None:
    notifier = RecordingNotifier()
    desktop = Desktop(rig.session, tray_available=False, on_quit=lambda: None,
                      notifier=notifier)
    qtbot.addWidget(desktop.main_window)
    desktop.start()
    screen = rig.tracker._screen
    assert isinstance(screen, FakeScreenGrabber)
    screen.fail_with = "the screenshot portal refused"

    rig.session.clock_in(rig.store.contracts()[0], "Work")
    qtbot.waitUntil(lambda: rig.session.clocked_in)
    rig.run(400, input_every=3)  # several screenshot times, all failing alike
    qtbot.waitUntil(lambda: any("could not be taken" in body for _, body in notifier.sent))
    failed = [body for _, body in notifier.sent if "could not be taken" in body]
    assert failed == [
        "A screenshot could not be taken (the screenshot portal refused); it is recorded as a "
        "failed capture. This message is not repeated for the same reason."]
    assert desktop.main_window.statusBar().currentMessage() == failed[0]
    assert {summary for summary, _ in notifier.sent} == {"workdiary"}

    desktop.notifications_unavailable.emit("the notification service did not answer in time")
    assert "Desktop notifications cannot be shown (the notification service did not answer" \
        in desktop.main_window.statusBar().currentMessage()
    desktop.quit()
    assert notifier.closed


def test_with_a_tray_the_notifier_is_not_used(rig: Rig, qtbot: Any) -> None:
    notifier = RecordingNotifier()
    desktop = Desktop(rig.session, tray_available=True, on_quit=lambda: None,
                      notifier=notifier)
    qtbot.addWidget(desktop.main_window)
    rig.session.notice.emit("Syncing now.")
    assert notifier.sent == []
    desktop.quit()
