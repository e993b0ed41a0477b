"""Billing by the second: how tracked seconds become minutes on screen and cents on an invoice.

Billable time is kept in seconds end to end. Two conversions leave seconds:

- :func:`whole_minutes`: the ``billable_minutes`` compatibility field (and any h:mm figure) is
  ``floor(seconds / 60)`` of the figure's own seconds total, never rounded up.
- :func:`amount_cents`: a week's amount is ``seconds x rate_cents / 3600`` rounded ONCE, to the
  cent, half up (0.5 cent and above rounds up), over the week's total seconds; never per segment.
  Integer arithmetic only: no float ever touches money.
"""

from __future__ import annotations

SECONDS_PER_HOUR = 3600


def whole_minutes(seconds: int) -> int:
    """Whole minutes in ``seconds``, rounded down (the ``billable_minutes`` field)."""
    return seconds // 60


def hours_minutes_seconds(seconds: int) -> str:
    """``7:05:09``: billed seconds as hours:minutes:seconds, the one way every surface (tray,
    command line, web pages) writes billed time."""
    minutes, rest = divmod(max(0, int(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{rest:02d}"


def amount_cents(seconds: int, rate_cents: int) -> int:
    """Integer cents for ``seconds`` at an hourly ``rate_cents``, rounded half up once."""
    if seconds < 0 or rate_cents < 0:
        raise ValueError("billable seconds and the rate cannot be negative")
    # round(x / 3600) half up == floor((2x + 3600) / 7200) for x >= 0.
    return (2 * seconds * rate_cents + SECONDS_PER_HOUR) // (2 * SECONDS_PER_HOUR)
