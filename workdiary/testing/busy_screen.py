"""A deterministic "busy desktop" picture: code editor, spreadsheet, chart and a photo.

Used by the benchmarks (shown full-screen under Xvfb), by the encoder tests (size budget) and as
``make_jpeg``'s busy picture, so that size and speed are measured on a screen as dense as real
work, not a flat one.
"""

from __future__ import annotations

import random

from PIL import Image, ImageDraw, ImageFont

# fmt: off
_WORDS = (
    "invoice", "total", "review", "segment", "client", "memo", "status", "paid", "draft", "week",
    "hours", "rate", "sync", "def", "return", "import", "class", "self", "None", "True", "False",
    "for", "while", "if", "else", "yield", "async", "await",
)
# fmt: on
_CODE_COLOURS = ((86, 156, 214), (206, 145, 120), (78, 201, 176), (220, 220, 170), (197, 134, 192))


def render_busy_screen(width: int = 1920, height: int = 1080, *, seed: int = 0) -> Image.Image:
    """Draw a dense desktop of ``width`` x ``height``; fonts scale with width (1920 = 1x)."""
    rng = random.Random(seed)
    scale = max(1.0, width / 1920)
    image = Image.new("RGB", (width, height), (245, 245, 245))
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=round(13 * scale))
    line = round(18 * scale)

    # Title bar across the top.
    draw.rectangle((0, 0, width, line * 2), fill=(40, 44, 52))
    draw.text((10, line // 2), "workdiary - project.py - Visual Editor", font=font, fill="white")

    # Left: a dark code editor with coloured tokens.
    editor_right = int(width * 0.38)
    draw.rectangle((0, line * 2, editor_right, height), fill=(30, 30, 30))
    y = line * 2 + 4
    while y < height - line:
        if rng.random() < 0.2:  # blank lines between blocks, as in real code
            y += line
            continue
        x = 10 + rng.randrange(0, 6) * round(16 * scale)
        for _ in range(rng.randrange(2, 7)):
            word = rng.choice(_WORDS) + rng.choice(("(", ".", " =", ":", ",", ""))
            draw.text((x, y), word, font=font, fill=rng.choice(_CODE_COLOURS))
            x += round((len(word) + 1) * 8 * scale)
            if x > editor_right - 60:
                break
        y += line

    # Right: a spreadsheet with coloured cells, numbers and words.
    cell_w, cell_h = round(110 * scale), line + 4
    table_bottom = int(height * 0.7)
    for row, top in enumerate(range(line * 2 + 4, table_bottom, cell_h)):
        for left in range(editor_right + 8, width - cell_w, cell_w):
            if row == 0:
                fill: tuple[int, int, int] = (200, 210, 230)
            elif rng.random() < 0.15:
                fill = (rng.randrange(150, 256), rng.randrange(150, 256), rng.randrange(150, 256))
            else:
                fill = (255, 255, 255)
            draw.rectangle(
                (left, top, left + cell_w, top + cell_h), fill=fill, outline=(190, 190, 190)
            )
            if row > 0 and rng.random() < 0.4:
                continue  # real sheets have empty cells
            text = rng.choice(_WORDS) if rng.random() < 0.4 else f"{rng.uniform(-9999, 99999):,.2f}"
            draw.text((left + 4, top + 2), text, font=font, fill=(20, 20, 20))

    # Bottom right: a bar chart and a noisy "photo" (gradient plus grain).
    chart_left = editor_right + 8
    bar_w = round(18 * scale)
    for i, left in enumerate(range(chart_left, chart_left + int(width * 0.3), bar_w + 4)):
        bar_top = rng.randrange(table_bottom + 10, height - 20)
        colour = _CODE_COLOURS[i % len(_CODE_COLOURS)]
        draw.rectangle((left, bar_top, left + bar_w, height - 10), fill=colour)
    photo_box = (int(width * 0.72), table_bottom + 10, width - 10, height - 10)
    photo_size = (photo_box[2] - photo_box[0], photo_box[3] - photo_box[1])
    if photo_size[0] > 0 and photo_size[1] > 0:
        gradient = Image.linear_gradient("L").resize(photo_size)
        # Grain at a quarter resolution, smoothed up: textured like a photo, not white noise
        # (per-pixel noise is incompressible and unlike any real screen).
        grain = Image.effect_noise((photo_size[0] // 4 + 1, photo_size[1] // 4 + 1), 60).resize(
            photo_size, Image.Resampling.BICUBIC
        )
        photo = Image.merge("RGB", (gradient, grain, gradient.rotate(90).resize(photo_size)))
        image.paste(photo, photo_box[:2])
    return image
