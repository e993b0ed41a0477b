"""The demo's sample workspace: an editor and a terminal window on the demo's virtual screen.

Each window is a plain X window (python-xlib) whose background is a picture drawn with Pillow,
so the screenshots the demo records show readable work, not an empty screen. ``show(step)``
redraws both with ``step`` more lines typed; ``focus`` gives one of them the input focus (there
is no window manager, so the active-window probe finds it through the X input focus).
Not thread-safe: one thread (the demo input's) owns a ``Workspace``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageDraw, ImageFont

_CODE = (
    "def weekly_total(segments):",
    '    """Billable minutes of a week, by the UTC grid."""',
    "    minutes = 0",
    "    for segment in segments:",
    "        if segment.status == 'rejected':",
    "            continue",
    "        minutes += segment.tracked_minutes",
    "    return minutes",
    "",
    "def invoice_line(contract, minutes):",
    "    cents = minutes * contract.rate_cents // 60",
    "    return f'{minutes // 60} h {minutes % 60} min: {cents / 100:.2f}'",
)
_SHELL = (
    "$ pytest tests/billing -q",
    "........................                [100%]",
    "24 passed in 1.92s",
    "$ git add billing.py && git commit -m 'weekly totals'",
    "[main 4f2a9c1] weekly totals",
    " 1 file changed, 12 insertions(+)",
    "$ git push",
)
_ROWS_CHUNK = 32  # rows per PutImage request: stays far below the X request size limit


@dataclass(frozen=True, slots=True)
class _Pane:
    app: str  # WM_CLASS class: what the window probe reports as the application
    title: str
    box: tuple[int, int, int, int]  # x, y, width, height on the screen


def render_editor(width: int, height: int, step: int) -> Image.Image:
    """The editor pane with the first ``step`` lines of sample code typed (cycling)."""
    image = Image.new("RGB", (width, height), (30, 30, 30))
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=15)
    draw.rectangle((0, 0, width, 26), fill=(50, 54, 62))
    draw.text((10, 5), "billing.py - Editor", font=font, fill="white")
    shown = step % (len(_CODE) + 1)
    for number, text in enumerate(_CODE[:shown], start=1):
        y = 32 + number * 22
        draw.text((8, y), f"{number:3d}", font=font, fill=(110, 110, 110))
        draw.text((50, y), text, font=font, fill=(220, 220, 170) if "def" in text
                  else (156, 220, 254))
    draw.rectangle((50, 54 + shown * 22, 58, 72 + shown * 22), fill=(230, 230, 230))  # caret
    return image


def render_terminal(width: int, height: int, step: int) -> Image.Image:
    """The terminal pane with the first ``step`` lines of a sample session (cycling)."""
    image = Image.new("RGB", (width, height), (12, 12, 12))
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=15)
    draw.rectangle((0, 0, width, 26), fill=(60, 60, 60))
    draw.text((10, 5), "Terminal - ~/project", font=font, fill="white")
    for row, text in enumerate(_SHELL[: step % (len(_SHELL) + 1)]):
        draw.text((10, 36 + row * 22), text, font=font,
                  fill=(120, 220, 120) if text.startswith("$") else (210, 210, 210))
    return image


class Workspace:
    """Two windows (editor, terminal) on the X display ``display_name``."""

    def __init__(self, display_name: str) -> None:
        from Xlib import X, display

        self._x = X
        self.display: Any = display.Display(display_name)
        screen = self.display.screen()
        self._root = screen.root
        self._depth = screen.root_depth
        width, height = screen.width_in_pixels, screen.height_in_pixels
        self._root.change_attributes(background_pixel=0x3B4252)
        self._root.clear_area(0, 0, width, height)
        split = width * 3 // 5
        self._panes = {
            "editor": _Pane("Editor", "billing.py - Editor", (0, 0, split - 4, height)),
            "terminal": _Pane("Terminal", "Terminal - ~/project",
                              (split, height // 3, width - split, height * 2 // 3)),
        }
        self._windows: dict[str, Any] = {}
        for name, pane in self._panes.items():
            x, y, w, h = pane.box
            window = self._root.create_window(x, y, w, h, 0, self._depth, X.InputOutput,
                                              X.CopyFromParent, override_redirect=True)
            window.set_wm_name(pane.title)
            window.set_wm_class(pane.app.lower(), pane.app)
            window.map()
            self._windows[name] = window
        self.display.sync()

    def show(self, step: int) -> None:
        """Redraw both windows with ``step`` lines of work done."""
        for name, pane in self._panes.items():
            _, _, w, h = pane.box
            render = render_editor if name == "editor" else render_terminal
            self._paint(self._windows[name], render(w, h, step))
        self.display.sync()

    def focus(self, name: str) -> None:
        """Give the input focus to ``"editor"`` or ``"terminal"``."""
        self._windows[name].raise_window()
        self.display.set_input_focus(self._windows[name], self._x.RevertToParent,
                                     self._x.CurrentTime)
        self.display.sync()

    def centre(self, name: str) -> tuple[int, int]:
        x, y, w, h = self._panes[name].box
        return x + w // 2, y + h // 2

    def close(self) -> None:
        self.display.close()

    def _paint(self, window: Any, image: Image.Image) -> None:
        X = self._x
        width, height = image.size
        pixmap = window.create_pixmap(width, height, self._depth)
        gc = pixmap.create_gc()
        for top in range(0, height, _ROWS_CHUNK):
            rows = image.crop((0, top, width, min(height, top + _ROWS_CHUNK)))
            pixmap.put_image(gc, 0, top, width, rows.height, X.ZPixmap, self._depth, 0,
                             rows.tobytes("raw", "BGRX"))
        window.change_attributes(background_pixmap=pixmap)
        window.clear_area(0, 0, width, height)
        gc.free()
        pixmap.free()
