"""Screenshot encoding: downscale, JPEG, thumbnail, irreversible blur and redaction, SHA-256 naming.

Pillow's JPEG (libjpeg-turbo) is used rather than WebP: WebP in Pillow is 10-25x slower here and
the capture budget is p95 <= 40 ms at 1080p.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence

from PIL import Image, ImageFilter

from workdiary.capture.base import EncodedScreenshot

MAX_WIDTH = 1920
THUMBNAIL_WIDTH = 240
# Quality 70 with 4:2:0 chroma keeps text crisp; most screens fit the byte budget with it. A screen
# full of text does not (~250 KB at 1080p), so it is re-encoded once at the quality that the
# measured size/quality curve of text screens predicts will fit (see benchmarks/bench_capture.py).
JPEG_QUALITY = 70
JPEG_BYTE_BUDGET = 150_000
# Size at quality q relative to quality 70 (standard Huffman tables), measured on 1080p text and
# busy screens; the larger of the two ratios, so the quality chosen fits.
_SIZE_RATIO = (
    (60, 0.89),
    (50, 0.80),
    (45, 0.76),
    (40, 0.72),
    (35, 0.68),
    (30, 0.63),
    (28, 0.61),
    (25, 0.57),
    (23, 0.54),
    (22, 0.53),
    (20, 0.51),
    (18, 0.47),
    (15, 0.43),
)
MIN_JPEG_QUALITY = 15
THUMBNAIL_QUALITY = 70
# Blur: shrink so that one cell covers this many screen pixels, then smooth. A 12 px glyph ends up
# well under one cell, so no letter survives; the smoothing removes the blocky cell edges.
BLUR_CELL = 24
BLUR_RADIUS = 2.0
# Redaction cells are a little smaller (the box is usually small) but still larger than a text line.
REDACT_CELL = 16
# Refuse absurd inputs to redact_regions (decompression bombs): 8K x 8K is far above any capture.
MAX_DECODE_PIXELS = 7680 * 7680

Box = tuple[int, int, int, int]


def encode_screenshot(image: Image.Image, *, blur: bool,
                      stamp: bytes | None = None) -> EncodedScreenshot:
    """Encode a captured screen: at most 1920 px wide JPEG, ~240 px thumbnail, SHA-256 of each.

    With ``blur`` the picture is irreversibly blurred before encoding: it is shrunk so far that
    no original pixel (and no letter) survives, so the stored file cannot be "unblurred".
    ``stamp`` (``core.shotstamp.make_stamp``) goes into both JPEGs' comment before hashing, so
    the content address binds the picture to its segment and moment.
    """
    source = _as_rgb(image)
    size = _fitted_size(source.size, MAX_WIDTH)
    if blur:
        # Smear straight from the source: no need to downscale it to full size first.
        picture = _smear(source, size, BLUR_CELL)
    else:
        picture = source if size == source.size else _shrink(source, size)
    return _encode(picture, blurred=blur, stamp=stamp)


def redact_regions(
    jpeg_bytes: bytes, regions: Sequence[Box], *, blurred: bool = False
) -> EncodedScreenshot:
    """Irreversibly blur the given boxes ``(x0, y0, x1, y1)`` of an encoded screenshot.

    Boxes are in the encoded image's pixels, x1/y1 exclusive; they are clipped to the image.
    No box, or a box with no area (after clipping), is a ValueError, so a mistaken redaction is
    never silently a no-op. ``blurred`` (whether the whole picture was blurred) is carried over,
    and so is the source's stamp (its JPEG comment), which binds it to its segment and moment.
    """
    if not regions:
        # Re-encoding with nothing blurred would still mark the segment redacted: refuse.
        raise ValueError("No region was marked; mark the parts of the screenshot to blur.")
    picture, stamp = _decode(jpeg_bytes)
    width, height = picture.size
    for box in regions:
        x0, y0, x1, y1 = (int(v) for v in box)
        x0, x1 = max(0, min(x0, width)), max(0, min(x1, width))
        y0, y1 = max(0, min(y0, height)), max(0, min(y1, height))
        if x1 <= x0 or y1 <= y0:
            raise ValueError(
                f"Redaction box {tuple(box)} covers no part of the {width}x{height} screenshot; "
                "mark the region again inside the picture."
            )
        area = picture.crop((x0, y0, x1, y1))
        picture.paste(_smear(area, area.size, REDACT_CELL), (x0, y0))
    return _encode(picture, blurred=blurred, stamp=stamp)


def sha256_hex(data: bytes) -> str:
    """The content address of a stored file."""
    return hashlib.sha256(data).hexdigest()


def reduce_factors(size: tuple[int, int], max_width: int = MAX_WIDTH) -> tuple[int, int]:
    """The integer factors (x, y) by which downscaling a picture of ``size`` to ``max_width``
    first box-reduces it (Pillow's resize with ``reducing_gap=1.0``); (1, 1) if it does not."""
    width, height = size
    target_width, target_height = _fitted_size(size, max_width)
    return max(1, width // target_width), max(1, height // target_height)


def _as_rgb(image: Image.Image) -> Image.Image:
    return image if image.mode == "RGB" else image.convert("RGB")


def _fitted_size(size: tuple[int, int], max_width: int) -> tuple[int, int]:
    width, height = size
    if width <= max_width:
        return size
    return max_width, max(1, round(height * max_width / width))


def _shrink(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    # reducing_gap=1.0 first shrinks by the integer factor with a box filter in C, then
    # resamples the rest: 4K -> 1080p in ~6 ms instead of ~34 ms, with no visible difference.
    return image.resize(size, Image.Resampling.BILINEAR, reducing_gap=1.0)


def _smear(image: Image.Image, size: tuple[int, int], cell: int) -> Image.Image:
    """Shrink to one pixel per ``cell`` x ``cell`` block of ``size``, blur, scale up to ``size``."""
    width, height = size
    small = image.resize(
        (max(1, width // cell), max(1, height // cell)), Image.Resampling.BOX, reducing_gap=1.0
    ).filter(ImageFilter.GaussianBlur(BLUR_RADIUS))
    # Smooth up to a quarter of the size, then plain pixel repeat: 4 px steps of an already
    # smooth picture are invisible, and this costs ~1 ms instead of ~6 ms for a full bilinear.
    quarter = (max(1, width // 4), max(1, height // 4))
    return small.resize(quarter, Image.Resampling.BILINEAR).resize(size, Image.Resampling.NEAREST)


def _encode(picture: Image.Image, *, blurred: bool, stamp: bytes | None) -> EncodedScreenshot:
    jpeg = _fit_budget(picture, stamp)
    thumb_size = _fitted_size(picture.size, THUMBNAIL_WIDTH)
    thumbnail = _jpeg(_shrink(picture, thumb_size), THUMBNAIL_QUALITY, stamp)
    return EncodedScreenshot(
        jpeg=jpeg,
        thumbnail=thumbnail,
        sha256=sha256_hex(jpeg),
        thumb_sha256=sha256_hex(thumbnail),
        width=picture.width,
        height=picture.height,
        blurred=blurred,
    )


def _fit_budget(picture: Image.Image, stamp: bytes | None) -> bytes:
    """JPEG at the default quality, or the best lower quality that fits the byte budget.

    The size at the default quality is first estimated from one 16-row band in eight (~1 ms),
    so a dense screen is usually encoded once, at the right quality. If the result is still over
    budget it is re-encoded once more from the actual size; that result is kept even if over,
    since a too-large screenshot beats a lost one.
    """
    quality = _quality_for(_estimated_size(picture))
    jpeg = _jpeg(picture, quality, stamp)
    if len(jpeg) <= JPEG_BYTE_BUDGET or quality == MIN_JPEG_QUALITY:
        return jpeg
    scale = dict(_SIZE_RATIO).get(quality, 1.0)
    return _jpeg(picture, _quality_for(len(jpeg) / scale), stamp)


def _quality_for(size_at_default: float) -> int:
    wanted = JPEG_BYTE_BUDGET / max(size_at_default, 1.0) * 0.95  # margin: the curve is not exact
    if wanted >= 1.0:
        return JPEG_QUALITY
    return next((q for q, ratio in _SIZE_RATIO if ratio <= wanted), MIN_JPEG_QUALITY)


def _estimated_size(picture: Image.Image) -> float:
    """Bytes the whole picture would take at the default quality, from a sample of its rows."""
    band, step = 16, 128  # 16 rows = one 4:2:0 MCU row; one band per 128 rows
    tops = range(0, max(picture.height - band, 0) + 1, step)
    sample = Image.new("RGB", (picture.width, band * len(tops)))
    for index, top in enumerate(tops):
        sample.paste(picture.crop((0, top, picture.width, top + band)), (0, index * band))
    return len(_jpeg(sample, JPEG_QUALITY)) * picture.height / sample.height


def _jpeg(picture: Image.Image, quality: int, stamp: bytes | None = None) -> bytes:
    buffer = io.BytesIO()
    extra = {"comment": stamp} if stamp else {}
    # libjpeg-turbo's standard Huffman tables, not optimize=True (tables fitted per image):
    # measured at 1080p, fitting tables costs 3x the encode (busy screen 15-17 ms against
    # 5-7 ms) to save 1.5% of the bytes of a text screen and 8% of a busy one, which the
    # byte budget's quality choice absorbs.
    picture.save(buffer, format="JPEG", quality=quality, subsampling="4:2:0", optimize=False,
                 **extra)
    return buffer.getvalue()


def _decode(jpeg_bytes: bytes) -> tuple[Image.Image, bytes | None]:
    try:
        with Image.open(io.BytesIO(jpeg_bytes)) as source:
            if source.width * source.height > MAX_DECODE_PIXELS:
                raise ValueError(
                    f"The screenshot is {source.width}x{source.height} pixels, larger than any "
                    "capture this app makes; it was not redacted."
                )
            source.load()
            comment = source.info.get("comment")
            return _as_rgb(source).copy(), comment if isinstance(comment, bytes) else None
    except (OSError, Image.DecompressionBombError) as error:
        raise ValueError(f"The screenshot could not be decoded for redaction: {error}") from error
