"""Finding 1, desktop side: every picture carries its segment id and moment before it is hashed."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from PIL import Image

from workdiary.capture.encode import encode_screenshot, redact_regions
from workdiary.core.shotstamp import make_stamp, parse_stamp

MOMENT = datetime(2026, 11, 18, 9, 3, 7, 250_000, tzinfo=UTC)


def stamp_of(jpeg: bytes):  # type: ignore[no-untyped-def]
    with Image.open(io.BytesIO(jpeg)) as image:
        return parse_stamp(image.info.get("comment"))


def test_two_shots_of_an_unchanged_screen_are_distinct_blobs() -> None:
    screen = Image.new("RGB", (320, 200), (40, 90, 160))
    one = encode_screenshot(screen, blur=False, stamp=make_stamp("seg-1", MOMENT))
    two = encode_screenshot(screen, blur=False,
                            stamp=make_stamp("seg-2", MOMENT + timedelta(minutes=10)))
    assert one.sha256 != two.sha256 and one.thumb_sha256 != two.thumb_sha256
    for encoded, segment_id, moment in ((one, "seg-1", MOMENT),
                                        (two, "seg-2", MOMENT + timedelta(minutes=10))):
        for jpeg in (encoded.jpeg, encoded.thumbnail):
            stamp = stamp_of(jpeg)
            assert stamp is not None and stamp.segment_id == segment_id
            assert stamp.taken_at == moment.replace(microsecond=0)


def test_a_redacted_picture_keeps_its_stamp() -> None:
    busy = Image.effect_noise((320, 200), 80).convert("RGB")
    encoded = encode_screenshot(busy, blur=False,
                                stamp=make_stamp("seg-9", MOMENT))
    redacted = redact_regions(encoded.jpeg, [(0, 0, 100, 100)])
    assert redacted.sha256 != encoded.sha256
    stamp = stamp_of(redacted.jpeg)
    assert stamp is not None and stamp.segment_id == "seg-9"


def test_malformed_stamps_are_none() -> None:
    for comment in (None, b"", b"hello", b"workdiary-shot/1 segment=a b taken_at=2026",
                    b"workdiary-shot/1 segment=x taken_at=2026-13-45T99:00:00Z"):
        assert parse_stamp(comment) is None
