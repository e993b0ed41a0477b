"""How numbers, money, durations and times read on the pages (Jinja filters)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "CAD": "CA$", "AUD": "A$"}
_NO_DECIMALS = {"JPY", "KRW"}


def money(cents: int | None, currency: str = "USD") -> str:
    """Integer cents as money: ``$1,234.50``; an unknown currency is written after the figure."""
    if cents is None:
        return "—"
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(int(cents)), 100)
    figure = f"{whole:,}" if currency in _NO_DECIMALS else f"{whole:,}.{rest:02d}"
    symbol = _SYMBOLS.get(currency)
    if symbol:
        return f"{sign}{symbol}{figure}"
    return f"{sign}{figure} {currency}"


def hours_minutes(minutes: int | None) -> str:
    """Minutes as ``7:05`` (hours:minutes), the way timesheets read."""
    if minutes is None:
        return "—"
    hours, rest = divmod(max(0, int(minutes)), 60)
    return f"{hours}:{rest:02d}"


def duration_words(minutes: int | None) -> str:
    """Minutes as ``7 h 5 min`` for sentences."""
    if not minutes:
        return "0 min"
    hours, rest = divmod(int(minutes), 60)
    if hours and rest:
        return f"{hours} h {rest} min"
    return f"{hours} h" if hours else f"{rest} min"


def local_time(moment: datetime, tz: ZoneInfo) -> str:
    """``14:30`` in the viewer's zone."""
    return moment.astimezone(tz).strftime("%H:%M")


def long_date(day: date) -> str:
    """``Mon 23 Nov 2026``."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def short_date(day: date) -> str:
    """``Mon 23 Nov``."""
    return f"{day:%a} {day.day} {day:%b}"


def utc_stamp(moment: datetime | None) -> str:
    """``2026-11-23 14:30 UTC``."""
    if moment is None:
        return "—"
    return moment.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M UTC")


def percent(part: int, whole: int | None) -> int:
    """Whole percent of ``part`` in ``whole``, capped to 0-100 for progress bars."""
    if not whole:
        return 0
    return max(0, min(100, (100 * part) // whole))
