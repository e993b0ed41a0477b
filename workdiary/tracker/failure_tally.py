"""Repeated capture failures, said once per cause and then counted.

A missing display fails every screenshot the same way; repeating the whole reason every minute
buries everything else. The tally says a cause in full the first time, then only how often
it happened since then ("capture failed 12 times since 10:04: No X display").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo


def short_cause(reason: str) -> str:
    """The first sentence of a reason (the rest explains what to do; said once already)."""
    first = reason.strip().split(". ", 1)[0].rstrip(".")
    return first or "unknown reason"


@dataclass
class _Cause:
    since: datetime
    count: int = 0
    reported: int = 0  # count at the last summary line


class FailureTally:
    """Counts failures by cause; ``add`` says whether this cause is new, ``summaries`` the rest."""

    def __init__(self) -> None:
        self._causes: dict[str, _Cause] = {}

    def add(self, reason: str, at: datetime) -> bool:
        """Count one failure; True the first time its cause is seen (say it in full then)."""
        cause = self._causes.get(reason)
        if cause is None:
            self._causes[reason] = _Cause(since=at, count=1, reported=1)
            return True
        cause.count += 1
        return False

    def summaries(self, tz: tzinfo) -> list[str]:
        """One line per cause that failed again since the last call."""
        lines = []
        for reason, cause in self._causes.items():
            if cause.count > cause.reported:
                since = cause.since.astimezone(tz).strftime("%H:%M")
                lines.append(f"capture failed {cause.count} times since {since}: "
                             f"{short_cause(reason)}")
                cause.reported = cause.count
        return lines
