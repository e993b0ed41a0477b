"""Money, dates, times and durations in the tray app's language (Babel, CLDR).

Each function writes for ``i18n.locale()`` unless given a locale; times take the zone to show
them in (DesktopSettings.tz). Amounts are integer hundredths of the currency, as everywhere in
workdiary; Babel rounds them to the currency's own decimals (none for JPY).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.lists import format_list
from babel.numbers import format_currency, format_decimal
from babel.units import format_unit

from workdiary.core.billing import hours_minutes_seconds as hours_minutes_seconds  # the tray's
from workdiary.desktop import i18n


def money(cents: int, currency: str, locale: Locale | None = None) -> str:
    """``$25.00`` (en), ``25,00 US$`` (es), ``¥1,500`` (en, JPY)."""
    return format_currency(Decimal(int(cents)) / 100, currency, locale=locale or i18n.locale())


def number(value: float, locale: Locale | None = None) -> str:
    """``1,234.5`` (en), ``1234,5`` (es)."""
    return format_decimal(value, locale=locale or i18n.locale())


def clock_time(moment: datetime, tz: ZoneInfo, locale: Locale | None = None,
               seconds: bool = False) -> str:
    """``14:30`` in ``tz``, on the 24-hour clock the diary's grid uses in every language."""
    return format_skeleton("Hms" if seconds else "Hm", moment.astimezone(tz),
                           locale=locale or i18n.locale())


def time_span(start: datetime, end: datetime, tz: ZoneInfo, locale: Locale | None = None) -> str:
    """``14:30–14:40``."""
    return f"{clock_time(start, tz, locale)}–{clock_time(end, tz, locale)}"


def long_day(day: date, locale: Locale | None = None) -> str:
    """``Monday, November 23, 2026`` (en), ``lunes, 23 de noviembre de 2026`` (es)."""
    return format_date(day, "full", locale=locale or i18n.locale())


def duration(minutes: int, locale: Locale | None = None) -> str:
    """``7 hr 5 min`` (en), ``7 h 5 min`` (es): the locale's short units."""
    loc = locale or i18n.locale()
    hours, rest = divmod(max(0, int(minutes)), 60)
    parts = []
    if hours:
        parts.append(format_unit(hours, "duration-hour", length="short", locale=loc))
    if rest or not hours:
        parts.append(format_unit(rest, "duration-minute", length="short", locale=loc))
    return format_list(parts, style="unit-narrow", locale=loc)


def hours_minutes(minutes: int) -> str:
    """``7:05``: billed minutes as hours:minutes, the way timesheets read in every language."""
    hours, rest = divmod(max(0, int(minutes)), 60)
    return f"{hours}:{rest:02d}"

