"""Durations typed on the command line: ``90``, ``90s``, ``3m``, ``1h``, ``1h30m``, ``2.5m``."""

from __future__ import annotations

import argparse
import math
import re

UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600}
MAX_SECONDS = 7 * 24 * 3600  # a week: longer is a typo, and would overflow date arithmetic
_PART = re.compile(r"(\d+(?:\.\d+)?)([smh])")


def parse_duration(text: str) -> float:
    """Seconds in ``text``: a bare number is seconds; parts with s/m/h units add up.

    Raises ValueError with a sentence for anything else, zero, or more than a week.
    """
    cleaned = text.strip().lower().replace(" ", "")
    seconds: float | None = None
    if re.fullmatch(r"\d+(?:\.\d+)?", cleaned):
        seconds = float(cleaned)
    elif cleaned and _PART.sub("", cleaned) == "":
        units = [unit for _, unit in _PART.findall(cleaned)]
        if len(units) == len(set(units)):  # "1m2m" is a typo, not three minutes
            seconds = sum(float(number) * UNIT_SECONDS[unit]
                          for number, unit in _PART.findall(cleaned))
    if seconds is None or not math.isfinite(seconds):
        raise ValueError(f"not a duration: {text!r} (use seconds, or e.g. 90s, 3m, 1h, 1h30m)")
    if seconds <= 0:
        raise ValueError(f"the duration must be more than zero, not {text!r}")
    if seconds > MAX_SECONDS:
        raise ValueError(f"a duration of at most a week (168h), not {text!r}")
    return seconds


def duration_argument(text: str) -> float:
    """``parse_duration`` for argparse's ``type=``: its errors become usage errors."""
    try:
        return parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
