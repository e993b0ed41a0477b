"""The screenshot encoder: size limits, thumbnail, irreversible blur, hashes, redaction."""

from __future__ import annotations

import hashlib
import io
import statistics

import pytest
from PIL import Image, ImageDraw

from workdiary.capture.encode import (
    JPEG_BYTE_BUDGET,
    THUMBNAIL_WIDTH,
    encode_screenshot,
    redact_regions,
)
from workdiary.testing.busy_screen import render_busy_screen


def _decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    return image.convert("RGB")


def _stripes(width: int, height: int, period: int = 2) -> Image.Image:
    """Black/white vertical stripes: the highest-frequency detail a screen (text) has."""
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    for x in range(0, width, period * 2):
        draw.rectangle((x, 0, x + period - 1, height), fill="black")
    return image


def _variance(image: Image.Image, box: tuple[int, int, int, int] | None = None) -> float:
    grey = (image.crop(box) if box else image).convert("L")
    return statistics.pvariance(list(grey.tobytes()))


def test_busy_1080p_screen_fits_the_byte_budget() -> None:
    encoded = encode_screenshot(render_busy_screen(1920, 1080), blur=False)
    assert len(encoded.jpeg) <= JPEG_BYTE_BUDGET
    assert (encoded.width, encoded.height) == (1920, 1080)


def test_simple_screen_keeps_the_default_quality() -> None:
    # A plain screen is far under budget: it must not be degraded (quality 70 ~ sharp edges).
    image = Image.new("RGB", (1920, 1080), (240, 240, 240))
    ImageDraw.Draw(image).text((50, 50), "hello", fill="black")
    encoded = encode_screenshot(image, blur=False)
    assert len(encoded.jpeg) < 40_000
    quant = Image.open(io.BytesIO(encoded.jpeg)).quantization  # type: ignore[attr-defined]
    assert quant[0][0] <= 12  # libjpeg's DC step at quality 70 is 10; at 25 it is 32


@pytest.mark.parametrize(
    ("size", "expected"),
    [((3840, 2160), (1920, 1080)), ((2560, 1440), (1920, 1080)), ((1280, 1024), (1280, 1024)),
     ((3200, 1080), (1920, 648))],
)
def test_width_is_capped_at_1920_keeping_the_aspect(
    size: tuple[int, int], expected: tuple[int, int]
) -> None:
    encoded = encode_screenshot(Image.new("RGB", size, (10, 120, 200)), blur=False)
    assert (encoded.width, encoded.height) == expected
    assert _decode(encoded.jpeg).size == expected


def test_thumbnail_is_about_240_px_wide() -> None:
    encoded = encode_screenshot(render_busy_screen(1920, 1080), blur=False)
    thumb = _decode(encoded.thumbnail)
    assert thumb.size == (THUMBNAIL_WIDTH, 135)
    assert len(encoded.thumbnail) < 20_000


def test_tiny_image_thumbnail_is_not_upscaled() -> None:
    encoded = encode_screenshot(Image.new("RGB", (100, 50), "red"), blur=False)
    assert _decode(encoded.thumbnail).size == (100, 50)


def test_hashes_are_sha256_of_the_bytes() -> None:
    encoded = encode_screenshot(render_busy_screen(800, 450, seed=3), blur=False)
    assert encoded.sha256 == hashlib.sha256(encoded.jpeg).hexdigest()
    assert encoded.thumb_sha256 == hashlib.sha256(encoded.thumbnail).hexdigest()
    assert encoded.sha256 != encoded.thumb_sha256
    assert not encoded.blurred


def test_encoding_is_deterministic() -> None:
    image = render_busy_screen(640, 360, seed=5)
    first, second = encode_screenshot(image, blur=False), encode_screenshot(image, blur=False)
    assert first.sha256 == second.sha256


def test_non_rgb_input_is_converted() -> None:
    encoded = encode_screenshot(Image.new("RGBA", (300, 200), (1, 2, 3, 0)), blur=False)
    assert _decode(encoded.jpeg).size == (300, 200)


def test_blur_destroys_high_frequency_detail() -> None:
    sharp = _stripes(1920, 1080)
    plain = encode_screenshot(sharp, blur=False)
    blurred = encode_screenshot(sharp, blur=True)
    assert blurred.blurred
    assert (blurred.width, blurred.height) == (1920, 1080)
    before = _variance(_decode(plain.jpeg))
    after = _variance(_decode(blurred.jpeg))
    assert before > 5000  # the stripes survive plain encoding (variance of 0/255 is ~16000)
    assert after < 1  # nothing of them survives the blur: a flat grey


def test_blur_makes_text_unreadable() -> None:
    screen = render_busy_screen(1920, 1080, seed=1)
    blurred = _decode(encode_screenshot(screen, blur=True).jpeg)
    # In a 24 px text row of the spreadsheet the letters are gone: neighbouring pixels differ
    # by at most a few levels, where the sharp text jumps by ~200.
    row = blurred.crop((760, 100, 1800, 124)).convert("L")
    values = row.tobytes()
    steps = [abs(values[i + 1] - values[i]) for i in range(len(values) - 1) if (i + 1) % row.width]
    assert max(steps) <= 8
    sharp_row = screen.crop((760, 100, 1800, 124)).convert("L").tobytes()
    assert max(abs(sharp_row[i + 1] - sharp_row[i]) for i in range(len(sharp_row) - 1)) > 100


def test_redaction_blurs_only_the_boxes() -> None:
    original = encode_screenshot(_stripes(800, 600), blur=False)
    box = (100, 120, 400, 300)
    redacted = redact_regions(original.jpeg, [box])
    before, after = _decode(original.jpeg), _decode(redacted.jpeg)
    assert _variance(after, box) < 50 < 5000 < _variance(before, box)
    # Outside the box the picture is unchanged up to JPEG re-encoding noise.
    for outside in [(0, 0, 800, 110), (410, 0, 800, 600), (0, 310, 800, 600)]:
        diff = [abs(a - b) for a, b in zip(
            before.crop(outside).convert("L").tobytes(),
            after.crop(outside).convert("L").tobytes(),
            strict=True,
        )]
        assert statistics.fmean(diff) < 3
    assert redacted.sha256 == hashlib.sha256(redacted.jpeg).hexdigest()
    assert redacted.sha256 != original.sha256
    assert (redacted.width, redacted.height) == (800, 600)
    assert _decode(redacted.thumbnail).width == THUMBNAIL_WIDTH


def test_redaction_clips_boxes_to_the_picture_and_handles_several() -> None:
    original = encode_screenshot(_stripes(400, 300), blur=False)
    redacted = redact_regions(original.jpeg, [(-50, -50, 100, 100), (350, 250, 999, 999)])
    after = _decode(redacted.jpeg)
    assert _variance(after, (0, 0, 100, 100)) < 50
    assert _variance(after, (350, 250, 400, 300)) < 200
    assert _variance(after, (150, 100, 300, 200)) > 5000


@pytest.mark.parametrize("box", [(10, 10, 10, 50), (500, 500, 600, 600), (30, 40, 20, 60)])
def test_redaction_of_an_empty_box_is_refused(box: tuple[int, int, int, int]) -> None:
    original = encode_screenshot(_stripes(400, 300), blur=False)
    with pytest.raises(ValueError, match="covers no part"):
        redact_regions(original.jpeg, [box])


def test_redaction_without_boxes_is_refused() -> None:
    original = encode_screenshot(_stripes(400, 300), blur=False)
    with pytest.raises(ValueError, match="No region was marked"):
        redact_regions(original.jpeg, [])


def test_redaction_of_garbage_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="could not be decoded"):
        redact_regions(b"not a jpeg", [(0, 0, 1, 1)])
