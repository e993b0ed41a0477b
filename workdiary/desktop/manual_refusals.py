"""Why manual time was refused, in the tray app's language and the user's time zone.

core/manual.py refuses with a code and its values (and an English sentence, which the command
line prints as it is); this writes the sentence the "Add manual time" dialog shows. Qt-free:
``translate`` marks each sentence for pyside6-lupdate. A code this module does not know falls
back to the core's English sentence rather than hiding why.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton

from workdiary.core.billing import hours_minutes_seconds
from workdiary.core.manual import ManualTimeError
from workdiary.desktop import i18n
from workdiary.desktop.formatting import clock_time, duration
from workdiary.desktop.i18n import translate

Params = Mapping[str, object]


def _when(moment: object, tz: ZoneInfo) -> str:
    """``Nov 23, 14:30`` (en), ``23 nov, 14:30`` (es) in the user's zone."""
    if not isinstance(moment, datetime):
        return str(moment)
    day = format_skeleton("MMMd", moment.astimezone(tz), locale=i18n.locale())
    return f"{day}, {clock_time(moment, tz)}"


def _day(moment: object, tz: ZoneInfo) -> str:
    if not isinstance(moment, datetime):
        return str(moment)
    return format_skeleton("MMMd", moment.astimezone(tz), locale=i18n.locale())


def _seconds(value: object) -> str:
    return hours_minutes_seconds(value if isinstance(value, int) else 0)


def _minutes(value: object) -> str:
    return duration(value if isinstance(value, int) else 0)


_SENTENCES: dict[str, Callable[[Params, ZoneInfo], str]] = {
    "not_allowed": lambda p, tz: translate(
        "ManualRefusal", "“{title}” does not allow manual time: its client can allow it in the "
                         "contract's policy.").format(title=p.get("title", "")),
    "contract_inactive": lambda p, tz: translate(
        "ManualRefusal", "“{title}” is paused or ended: it takes no time.").format(
            title=p.get("title", "")),
    "end_not_after_start": lambda p, tz: translate(
        "ManualRefusal", "The end must be after the start."),
    "too_long": lambda p, tz: translate(
        "ManualRefusal", "One entry spans at most 24 hours: enter longer time in several "
                         "entries."),
    "in_future": lambda p, tz: translate(
        "ManualRefusal", "Manual time cannot be in the future: it ends at {end}, and it is "
                         "{now} now.").format(end=_when(p.get("end"), tz),
                                              now=_when(p.get("now"), tz)),
    "too_short": lambda p, tz: translate("ManualRefusal", "Manual time is at least one minute."),
    "week_locked": lambda p, tz: translate(
        "ManualRefusal", "The week of {day} locked on {lock}: it takes no more time.").format(
            day=_day(p.get("start"), tz), lock=_when(p.get("lock"), tz)),
    "overlap": lambda p, tz: translate(
        "ManualRefusal", "{start} to {end} overlaps time you already have ({other_start} to "
                         "{other_end}): the same time cannot be billed twice.").format(
            start=_when(p.get("start"), tz), end=_when(p.get("end"), tz),
            other_start=_when(p.get("other_start"), tz), other_end=_when(p.get("other_end"), tz)),
    "overlap_now": lambda p, tz: translate(
        "ManualRefusal", "Time was just recorded between {start} and {end}: the same time "
                         "cannot be billed twice.").format(start=_when(p.get("start"), tz),
                                                           end=_when(p.get("end"), tz)),
    "weekly_limit": lambda p, tz: translate(
        "ManualRefusal", "The weekly limit is {limit}; the week of {week} already has {already} "
                         "(h:mm:ss), so {adding} more does not fit.").format(
            limit=_minutes(p.get("limit_minutes")), week=_day(p.get("week"), tz),
            already=_seconds(p.get("already_seconds")), adding=_seconds(p.get("adding_seconds"))),
    "memo_too_long": lambda p, tz: translate(
        "ManualRefusal", "A memo holds at most {limit} characters, not {length}.").format(
            limit=p.get("limit", ""), length=p.get("length", "")),
}


def refusal_text(error: ManualTimeError, tz: ZoneInfo) -> str:
    """The refusal as the dialog says it, in the installed language."""
    sentence = _SENTENCES.get(error.code)
    return sentence(error.params, tz) if sentence is not None else str(error)
