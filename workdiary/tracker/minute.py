"""The minute being recorded: input counts accumulated tick by tick until it ends."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from workdiary.capture.base import InputCounts
from workdiary.core.model import ActivitySource, MinuteRecord


@dataclass(slots=True)
class MinuteInProgress:
    at: datetime  # start of the wall-clock minute
    since: datetime  # when tracking of this minute began (clock-in, resume, or ``at``)
    keys: int = 0
    clicks: int = 0
    scrolls: int = 0
    moves: int = 0
    active_seconds: int = 0
    source: ActivitySource = ActivitySource.COUNTS

    def add(self, counts: InputCounts) -> None:
        self.keys += counts.keys
        self.clicks += counts.clicks
        self.scrolls += counts.scrolls
        self.moves += counts.moves
        self.active_seconds += counts.active_seconds

    @property
    def has_input(self) -> bool:
        if self.source is ActivitySource.IDLE_MONITOR:
            return self.active_seconds > 0
        return (self.keys + self.clicks + self.scrolls + self.moves) > 0

    def finish(self, until: datetime, idle: bool) -> MinuteRecord | None:
        """The record of [since, until), or None when no whole second was tracked."""
        seconds = int((until - self.since).total_seconds())
        if seconds < 1:
            return None
        seconds = min(seconds, 60)
        # Active seconds come from the counter per take; cap them at the tracked seconds.
        active = min(self.active_seconds, seconds)
        if self.has_input and active == 0:
            active = 1  # input arrived, so at least one second was active
        return MinuteRecord(
            at=self.at, seconds=seconds, keys=self.keys, clicks=self.clicks,
            scrolls=self.scrolls, moves=self.moves, active_seconds=active,
            idle=idle and not self.has_input, source=self.source,
        )
