"""The one JPEG maker of the tests and benchmarks: plain, busy or noisy pictures, as JPEG bytes.

- ``plain``: a flat colour picked by ``seed`` with a lighter block and an optional label;
  cheap, and different bytes for each seed (content addressing tells them apart).
- ``busy``: a dense desktop (editor, spreadsheet, chart, photo; ``busy_screen``), for sizes and
  speeds measured on a screen like real work, and for pictures of the web pages.
- ``noise``: random pixels, which JPEG cannot compress: ``noisy_jpeg`` uses it to hit a size.
"""

from __future__ import annotations

import io
import random
from typing import Literal

from PIL import Image, ImageDraw

from workdiary.testing.busy_screen import render_busy_screen

Picture = Literal["plain", "busy", "noise"]


def make_jpeg(
    width: int = 64, height: int = 48, *, picture: Picture = "plain", seed: int = 0,
    label: str = "", quality: int = 80, stamp: bytes | None = None,
) -> bytes:
    """A decodable ``width`` x ``height`` JPEG; the same arguments give the same bytes.
    ``stamp`` (``core.shotstamp``) binds it to a segment and moment, as the desktop does."""
    return encode_jpeg(draw_picture(width, height, picture=picture, seed=seed, label=label),
                       quality, stamp=stamp)


def draw_picture(
    width: int, height: int, *, picture: Picture = "plain", seed: int = 0, label: str = "",
) -> Image.Image:
    """The picture ``make_jpeg`` encodes, for tests that need the image itself."""
    if picture == "busy":
        image = render_busy_screen(width, height, seed=seed)
    elif picture == "noise":
        rng = random.Random(seed)
        image = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    else:
        image = Image.new("RGB", (width, height), ((seed * 37) % 256, (seed * 91) % 256, 120))
        ImageDraw.Draw(image).rectangle((width // 8, height // 8, width // 2, height // 2),
                                        fill=(238, 241, 246))
    if label:
        ImageDraw.Draw(image).text((4, max(0, height - 16)), label, fill=(255, 255, 255))
    return image


def encode_jpeg(image: Image.Image, quality: int = 80, *, stamp: bytes | None = None) -> bytes:
    """``image`` as JPEG bytes (RGB, baseline), with ``stamp`` as its comment if given."""
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=quality, **({"comment": stamp} if stamp else {}))
    return out.getvalue()


def noisy_jpeg(rng: random.Random, target_bytes: int = 100_000, width: int = 640) -> bytes:
    """A JPEG of roughly ``target_bytes``: noise, so its size grows with its height.

    ``rng`` picks the noise, so a test's sequence of pictures is reproducible and each differs.
    """
    seed = rng.getrandbits(32)
    height = max(16, int(target_bytes / (width * 0.5)))
    first = make_jpeg(width, height, picture="noise", seed=seed, quality=60)
    # One correction: noise compresses about evenly, so bytes scale with the height.
    height = max(16, int(height * target_bytes / len(first)))
    return make_jpeg(width, height, picture="noise", seed=seed, quality=60)
