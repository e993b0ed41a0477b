"""The billing week: Monday 00:00 UTC to Monday 00:00 UTC, its lock and its review window."""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta

from workdiary.core.timegrid import as_utc

WEEK = timedelta(days=7)
# Uploads, deletions and memo edits are allowed until Monday 12:00 UTC after the week.
LOCK_AFTER_WEEK_END = timedelta(hours=12)
# The client reviews until Friday 23:59 UTC after the week; then undisputed time is approved.
REVIEW_AFTER_WEEK_END = timedelta(days=4, hours=23, minutes=59)


class WeekPhase(enum.StrEnum):
    OPEN = "open"  # the week is running, or ended but not locked
    IN_REVIEW = "in_review"  # locked and invoiced; the client approves or disputes
    CLOSED = "closed"  # review over: approved and paid


def week_start(moment: datetime) -> datetime:
    """Monday 00:00 UTC of the week containing ``moment``."""
    moment = as_utc(moment)
    midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight - timedelta(days=midnight.weekday())


def week_start_of_date(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_end(start: datetime) -> datetime:
    return as_utc(start) + WEEK


def lock_time(start: datetime) -> datetime:
    """When the week locks: Monday 12:00 UTC after it."""
    return week_end(start) + LOCK_AFTER_WEEK_END


def review_deadline(start: datetime) -> datetime:
    """When review ends and undisputed time is approved: Friday 23:59 UTC after the week."""
    return week_end(start) + REVIEW_AFTER_WEEK_END


def week_phase(start: datetime, now: datetime) -> WeekPhase:
    now = as_utc(now)
    if now < lock_time(start):
        return WeekPhase.OPEN
    if now < review_deadline(start):
        return WeekPhase.IN_REVIEW
    return WeekPhase.CLOSED


def is_locked(moment: datetime, now: datetime) -> bool:
    """Whether the week containing ``moment`` no longer takes uploads, deletions or edits."""
    return as_utc(now) >= lock_time(week_start(moment))
