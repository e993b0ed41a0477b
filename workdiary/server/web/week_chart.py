"""The dashboard's week chart as geometry: one stacked bar per UTC day (protected,
unprotected, manual, disputed seconds), drawn as inline SVG by the template, so the page
needs no JavaScript. The figures behind it are also given as text (title, desc and a
visually hidden table), since a chart alone says nothing to a screen reader."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from workdiary.server.i18n.formatting import hours_minutes_seconds
from workdiary.server.services.dashboard import CATEGORIES, DayBar

WIDTH, HEIGHT = 168, 56  # px; the bars stand on a baseline above a row of day letters
BAR, GAP, LEFT = 16, 8, 4
PLOT = 44  # height of the plot above the baseline
HOUR = 3600
# Each colour keeps 3:1 or more against the white card (WCAG 1.4.11) and the four stay
# apart for the common colour-vision deficiencies (blue / orange / purple / dark green).
COLOURS = {"protected": "#17703e", "unprotected": "#b35c00", "manual": "#2456c6",
           "disputed": "#8e2a8e"}


@dataclass(frozen=True, slots=True)
class Rect:
    category: str
    x: int
    y: float
    height: float

    @property
    def colour(self) -> str:
        return COLOURS[self.category]


@dataclass(frozen=True, slots=True)
class DayColumn:
    bar: DayBar
    x: int
    rects: tuple[Rect, ...]

    @property
    def label_x(self) -> int:
        return self.x + BAR // 2


def scale_seconds(bars: Iterable[DayBar]) -> int:
    """The top of the scale: the tallest day, rounded up to a whole hour (at least one),
    shared by every chart of a page so bars compare across contracts."""
    tallest = max((bar.total for bar in bars), default=0)
    return max(HOUR, -(-tallest // HOUR) * HOUR)


def columns(days: Iterable[DayBar], top: int) -> list[DayColumn]:
    """Bars bottom-up in CATEGORIES order; parts with no time are not drawn."""
    result = []
    for index, bar in enumerate(days):
        x = LEFT + index * (BAR + GAP)
        y = float(PLOT)
        rects = []
        for category in CATEGORIES:
            seconds = bar.part(category)
            if seconds <= 0:
                continue
            height = round(PLOT * seconds / top, 2)
            y = round(y - height, 2)
            rects.append(Rect(category, x, y, height))
        result.append(DayColumn(bar, x, tuple(rects)))
    return result


# A page draws 200 charts: their markup is joined here from numbers and the page's
# already-escaped day names, not built tag by tag in Jinja (four times the render time).
BASELINE = (f'<line x1="0" y1="{PLOT + 0.5}" x2="{WIDTH}" y2="{PLOT + 0.5}" '
            f'stroke="#5f6b7a" stroke-width="1"/>')


def bars_markup(chart: Sequence[DayColumn], letters: Sequence[str]) -> Markup:
    """The baseline, every bar's parts and the day letters under them, as SVG."""
    parts = [BASELINE]
    for index, col in enumerate(chart):
        parts.extend(f'<rect x="{r.x}" y="{r.y}" width="{BAR}" height="{r.height}" '
                     f'fill="{COLOURS[r.category]}"/>' for r in col.rects)
        parts.append(f'<text x="{col.label_x}" y="{HEIGHT - 1}">{escape(letters[index])}</text>')
    return Markup("".join(parts))


def day_rows(chart: Sequence[DayColumn], names: Sequence[str]) -> Markup:
    """The chart's text equivalent: one table row per day with time (day, then each part);
    empty when the week has none."""
    hms = hours_minutes_seconds
    return Markup("".join(
        f'<tr><th scope="row">{escape(names[col.bar.day.weekday()])}</th>'
        f'<td>{hms(col.bar.protected)}</td><td>{hms(col.bar.unprotected)}</td>'
        f'<td>{hms(col.bar.manual)}</td><td>{hms(col.bar.disputed)}</td></tr>'
        for col in chart if col.bar.total))
