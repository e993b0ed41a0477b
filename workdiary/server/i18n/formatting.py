"""How numbers, money, durations and times read on the pages, in the viewer's locale (Babel).

Every function takes the Babel ``Locale`` to write for; the templates' filters pass the
language of the page being rendered (``rendering.build_templates``). Amounts are integer
hundredths of the currency unit everywhere in workdiary (the invoice CSV keeps them so);
Babel rounds them to the currency's own decimals (none for JPY, three for KWD).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.lists import format_list
from babel.numbers import format_currency, format_decimal, format_percent
from babel.units import format_unit

from workdiary.core.billing import hours_minutes_seconds as _hours_minutes_seconds

NOTHING = "—"
UTC = ZoneInfo("UTC")


def money(cents: int | None, currency: str, locale: Locale) -> str:
    """Integer cents as money: ``$1,234.50`` (en), ``1234,50 US$`` (es), ``¥15`` (en, JPY)."""
    if cents is None:
        return NOTHING
    return format_currency(Decimal(int(cents)) / 100, currency, locale=locale)


def whole_percent(value: int | None, locale: Locale) -> str:
    """A whole percentage: ``56%`` (en), ``56 %`` (es); None reads as a dash."""
    return NOTHING if value is None else format_percent(Decimal(int(value)) / 100, locale=locale)


def number(value: int | float | None, locale: Locale) -> str:
    """A plain number with the locale's separators."""
    return NOTHING if value is None else format_decimal(value, locale=locale)


def hours_minutes(minutes: int | None) -> str:
    """Minutes as ``7:05`` (hours:minutes), the way timesheets read in every language here."""
    if minutes is None:
        return NOTHING
    hours, rest = divmod(max(0, int(minutes)), 60)
    return f"{hours}:{rest:02d}"



def hours_minutes_seconds(seconds: int | None) -> str:
    """Seconds as ``7:05:09`` (hours:minutes:seconds): billed time is kept to the second."""
    return NOTHING if seconds is None else _hours_minutes_seconds(seconds)


def minutes_seconds(seconds: int | None) -> str:
    """Seconds as ``1:40`` (minutes:seconds): one segment's billed time, to the second."""
    if seconds is None:
        return NOTHING
    minutes, rest = divmod(max(0, int(seconds)), 60)
    return f"{minutes}:{rest:02d}"

def duration_words(minutes: int | None, locale: Locale) -> str:
    """Minutes as ``7 hr 5 min`` (en) or ``7 h 5 min`` (es), the locale's short units."""
    hours, rest = divmod(max(0, int(minutes or 0)), 60)
    parts = []
    if hours:
        parts.append(format_unit(hours, "duration-hour", length="short", locale=locale))
    if rest or not hours:
        parts.append(format_unit(rest, "duration-minute", length="short", locale=locale))
    return format_list(parts, style="unit-narrow", locale=locale)


def local_time(moment: datetime, tz: ZoneInfo, locale: Locale) -> str:
    """``14:30`` in the viewer's zone, on the 24-hour clock of the diary's grid."""
    return format_skeleton("Hm", moment.astimezone(tz), locale=locale)


def long_date(day: date, locale: Locale) -> str:
    """``Mon, Nov 23, 2026`` (en), ``lun, 23 nov 2026`` (es)."""
    return format_skeleton("yMMMEd", day, locale=locale)


def short_date(day: date, locale: Locale) -> str:
    """``Mon, Nov 23`` (en), ``lun, 23 nov`` (es)."""
    return format_skeleton("MMMEd", day, locale=locale)


def weekday_letter(day: date, locale: Locale) -> str:
    """The weekday's narrow name under a chart's bar: ``M`` (en), ``L`` (es)."""
    return format_date(day, "EEEEE", locale=locale)


def week_date(day: date, locale: Locale) -> str:
    """A date with its year and no weekday: ``Nov 23, 2026`` (en), ``23 nov 2026`` (es)."""
    return format_date(day, "medium", locale=locale)


def utc_stamp(moment: datetime | None, locale: Locale) -> str:
    """``Nov 23, 2026, 14:30 UTC``: a moment in UTC, 24-hour clock."""
    if moment is None:
        return NOTHING
    moment = moment.astimezone(UTC)
    day = format_skeleton("yMMMd", moment, locale=locale)
    # CLDR's own way to join a date and a time ("{1}, {0}"); the time stays on the 24-hour clock.
    joined = str(locale.datetime_formats["medium"]).format(local_time(moment, UTC, locale), day)
    return f"{joined} UTC"


def zoned_stamp(moment: datetime, tz: ZoneInfo, locale: Locale) -> str:
    """``Nov 23, 2026, 15:30``: a moment in the viewer's zone (the page names the zone once)."""
    local = moment.astimezone(tz)
    day = format_skeleton("yMMMd", local, locale=locale)
    return str(locale.datetime_formats["medium"]).format(local_time(local, tz, locale), day)


def percent(part: int, whole: int | None) -> int:
    """Whole percent of ``part`` in ``whole``, capped to 0-100 for progress bars."""
    if not whole:
        return 0
    return max(0, min(100, (100 * part) // whole))
