"""The screenshot preview: shown on a screenshot event; Delete removes the segment's time;
Redact blurs marked boxes for good and keeps the time."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt

from workdiary.core.model import SegmentKind
from workdiary.tracker.events import ScreenshotTaken, SegmentClosed
from workdiary.ui.preview import ScreenshotPreview
from workdiary.ui.redact_dialog import RedactDialog

from .conftest import Rig


def yes(parent: Any, question: str) -> bool:
    return True


def no(parent: Any, question: str) -> bool:
    return False


def preview_for(rig: Rig, qtbot: Any, confirm: Any = yes) -> ScreenshotPreview:
    preview = ScreenshotPreview(rig.session, confirm=confirm)
    qtbot.addWidget(preview)
    rig.session.screenshot_taken.connect(preview.show_shot)
    return preview


def clock_in(rig: Rig, qtbot: Any, contract_index: int = 0) -> None:
    rig.session.clock_in(rig.store.contracts()[contract_index], "Work")
    qtbot.waitUntil(lambda: rig.session.clocked_in)


def test_a_screenshot_shows_the_preview_and_delete_removes_the_time(rig: Rig, qtbot: Any
                                                                     ) -> None:
    preview = preview_for(rig, qtbot)
    clock_in(rig, qtbot)
    rig.run(33, input_every=3)  # the first 1-minute segment: 09:03:27-09:04:00, one screenshot
    shots = rig.of(ScreenshotTaken)
    assert len(shots) == 1
    qtbot.waitUntil(preview.isVisible)
    assert preview.segment_id == shots[0].segment_id
    assert preview.caption.text().startswith("Screenshot taken at 10:0")  # Berlin time
    qtbot.waitUntil(lambda: preview.image.pixmap() is not None
                    and not preview.image.pixmap().isNull())
    segment_id = shots[0].segment_id
    qtbot.waitUntil(lambda: rig.store.is_closed(segment_id))
    assert rig.store.segment(segment_id).tracked_seconds == 33

    with qtbot.waitSignal(rig.session.segment_deleted):
        qtbot.mouseClick(preview.delete_button, Qt.MouseButton.LeftButton)
    segment = rig.store.segment(segment_id)
    assert segment.kind is SegmentKind.TOMBSTONE and segment.tracked_seconds == 0
    assert not segment.screenshots
    qtbot.waitUntil(lambda: not preview.isVisible())


def test_delete_waits_for_the_open_segment_to_close(rig: Rig, qtbot: Any) -> None:
    preview = preview_for(rig, qtbot)
    clock_in(rig, qtbot)
    rig.run(33, input_every=3)
    rig.run(20, input_every=3)  # 09:04:20: the second segment is open
    second = rig.tracker.segment_id
    preview.show_shot(second, rig.of(ScreenshotTaken)[0].shot)
    with qtbot.waitSignal(rig.session.notice) as notice:
        qtbot.mouseClick(preview.delete_button, Qt.MouseButton.LeftButton)
    assert "deleted when it closes at 10:05" in notice.args[0]
    assert rig.review.is_marked(second)
    rig.run(40, input_every=3)
    assert any(e.segment.id == second for e in rig.of(SegmentClosed))
    assert rig.store.segment(second).kind is SegmentKind.TOMBSTONE
    first = rig.of(ScreenshotTaken)[0].segment_id
    assert rig.store.segment(first).tracked_seconds == 33  # the other segment is untouched


def test_delete_asks_first(rig: Rig, qtbot: Any) -> None:
    preview = preview_for(rig, qtbot, confirm=no)
    clock_in(rig, qtbot)
    rig.run(40, input_every=3)
    segment_id = rig.of(ScreenshotTaken)[0].segment_id
    qtbot.waitUntil(preview.isVisible)
    qtbot.mouseClick(preview.delete_button, Qt.MouseButton.LeftButton)
    qtbot.wait(50)
    assert rig.store.segment(segment_id).kind is SegmentKind.TRACKED
    assert preview.isVisible()


def test_redact_blurs_the_marked_box_and_keeps_the_time(rig: Rig, qtbot: Any) -> None:
    preview = preview_for(rig, qtbot)
    clock_in(rig, qtbot)
    rig.run(40, input_every=3)
    taken = rig.of(ScreenshotTaken)[0]
    old_sha = taken.shot.sha256
    qtbot.waitUntil(preview.isVisible)
    dialogs: list[RedactDialog] = []
    preview.redact_requested.connect(
        lambda segment_id, shot: dialogs.append(RedactDialog(rig.session, segment_id, shot)))
    qtbot.mouseClick(preview.redact_button, Qt.MouseButton.LeftButton)
    dialog = dialogs[0]
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.canvas.pixmap.isNull())
    assert not dialog.apply_button.isEnabled()
    # Drag a rectangle on the canvas (320x180 image shown at full size).
    canvas = dialog.canvas
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    qtbot.mouseMove(canvas, QPoint(100, 60))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(100, 60))
    assert canvas.boxes == [(10, 10, 101, 61)]
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    segment = rig.store.segment(taken.segment_id)
    assert segment.redacted and segment.tracked_seconds == 33
    (shot,) = segment.screenshots
    assert shot.redacted and shot.sha256 != old_sha
    assert rig.store.screenshot_path(old_sha) is None  # the original is gone from disk
    assert rig.store.screenshot_path(shot.sha256) is not None
    assert segment.signature == ""


def test_redaction_is_offered_only_where_the_policy_allows_it(rig: Rig, qtbot: Any) -> None:
    preview = preview_for(rig, qtbot)
    shot = _any_shot(rig, qtbot)
    preview.show_shot("s", shot, can_redact=False)
    assert not preview.redact_button.isEnabled()
    assert "does not allow redaction" in preview.hint.text()
    preview.show_shot("s", shot, can_redact=True)
    assert preview.redact_button.isEnabled()


def _any_shot(rig: Rig, qtbot: Any) -> Any:
    clock_in(rig, qtbot)
    rig.run(40, input_every=3)
    return rig.of(ScreenshotTaken)[0].shot
