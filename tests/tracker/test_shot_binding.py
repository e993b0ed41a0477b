"""Finding 1, tracker side: each screenshot is stamped with its own segment and moment."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from PIL import Image

from workdiary.core.shotstamp import parse_stamp
from workdiary.tracker.events import ScreenshotTaken


def test_each_screenshot_names_its_segment_and_moment(rig: Any, make_contract: Any) -> None:
    rig.tracker.clock_in(make_contract(segment_minutes=5, screenshots_per_segment=2))
    rig.run(900, input_every=10)  # a still screen over three segments
    rig.tracker.clock_out()
    taken = rig.of(ScreenshotTaken)
    assert len(taken) >= 4
    assert len({event.shot.sha256 for event in taken}) == len(taken)
    for event in taken:
        path = rig.store.screenshot_path(event.shot.sha256)
        with Image.open(io.BytesIO(path.read_bytes())) as image:
            stamp = parse_stamp(image.info.get("comment"))
        assert stamp is not None and stamp.segment_id == event.segment_id
        assert stamp.taken_at == event.shot.taken_at.replace(microsecond=0)
        segment = rig.store.segment(event.segment_id)
        assert segment.start <= stamp.taken_at < segment.start + timedelta(minutes=5)
