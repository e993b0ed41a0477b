"""The dashboard's week chart as geometry: one stacked bar per UTC day (protected,
unprotected, manual, disputed seconds), drawn as inline SVG by the template, so the page
needs no JavaScript. The figures behind it are also given as text (title, desc and a
visually hidden table), since a chart alone says nothing to a screen reader."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from markupsafe import Markup

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


def scale_seconds(bars: Iterable[DayBar]) -> int:
    """The top of the scale: the tallest day, rounded up to a whole hour (at least one),
    shared by every chart of a page so bars compare across contracts."""
    tallest = max((bar.total for bar in bars), default=0)
    return max(HOUR, -(-tallest // HOUR) * HOUR)


# A page draws 200 charts: their markup is joined here in one pass from numbers and the
# page's already-escaped day names, not built tag by tag in Jinja (four times the render time).
# A page's days repeat the same few durations (whole segments): formatted once each.
_hms = lru_cache(maxsize=4096)(hours_minutes_seconds)
BASELINE = (f'<line x1="0" y1="{PLOT + 0.5}" x2="{WIDTH}" y2="{PLOT + 0.5}" '
            f'stroke="#5f6b7a" stroke-width="1"/>')


def chart_markup(days: Iterable[DayBar], top: int, letters: Sequence[str],
                 names: Sequence[str]) -> tuple[Markup, Markup]:
    """The SVG inside a chart (baseline, one stacked bar per day in CATEGORIES order from the
    bottom, parts with no time not drawn, the day letters) and its
    text equivalent (a table row per day with time: day, then each part; empty when the
    week has none). ``letters`` and ``names`` are the seven days', escaped by the caller."""
    svg = [BASELINE]
    rows = []
    hms = _hms
    for index, bar in enumerate(days):
        x = LEFT + index * (BAR + GAP)
        y = float(PLOT)
        for category in CATEGORIES:
            seconds = bar.part(category)
            if seconds <= 0:
                continue
            height = round(PLOT * seconds / top, 2)
            y = round(y - height, 2)
            svg.append(f'<rect x="{x}" y="{y}" width="{BAR}" height="{height}" '
                       f'fill="{COLOURS[category]}"/>')
        svg.append(f'<text x="{x + BAR // 2}" y="{HEIGHT - 1}">{letters[index]}</text>')
        if bar.total:
            rows.append(f'<tr><th scope="row">{names[bar.day.weekday()]}</th>'
                        f'<td>{hms(bar.protected)}</td><td>{hms(bar.unprotected)}</td>'
                        f'<td>{hms(bar.manual)}</td><td>{hms(bar.disputed)}</td></tr>')
    return Markup("".join(svg)), Markup("".join(rows))
