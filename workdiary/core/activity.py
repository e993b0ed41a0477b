"""The activity model: transparent, counts only.

The activity level of a segment is its active minutes out of its tracked minutes (the
Upwork meter, 0-10 bars); the percentage view uses active seconds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from workdiary.core.model import MinuteRecord


@dataclass(frozen=True, slots=True)
class Activity:
    tracked_minutes: int
    active_minutes: int
    active_seconds: int
    tracked_seconds: int

    @property
    def level(self) -> float:
        """Active minutes / tracked minutes, 0.0-1.0."""
        return self.active_minutes / self.tracked_minutes if self.tracked_minutes else 0.0

    @property
    def bars(self) -> int:
        """The level on a 0-10 meter, rounded down so a meter never overstates."""
        if not self.tracked_minutes:
            return 0
        return (10 * self.active_minutes) // self.tracked_minutes

    @property
    def percent(self) -> int:
        """Active seconds out of tracked seconds, 0-100, rounded down."""
        if not self.tracked_seconds:
            return 0
        return (100 * self.active_seconds) // self.tracked_seconds


def activity_of(minutes: Iterable[MinuteRecord]) -> Activity:
    tracked = active = active_secs = tracked_secs = 0
    for minute in minutes:
        tracked += 1
        tracked_secs += minute.seconds
        if minute.active:
            active += 1
            active_secs += min(minute.active_seconds, minute.seconds)
    return Activity(tracked, active, active_secs, tracked_secs)
