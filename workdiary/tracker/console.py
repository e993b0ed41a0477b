"""The headless tracker's console output: one line per minute and per closed segment."""

from __future__ import annotations

import sys
from datetime import datetime
from zoneinfo import ZoneInfo

from workdiary.core.activity import activity_of
from workdiary.core.billing import hours_minutes_seconds
from workdiary.tracker import events as ev
from workdiary.tracker.failure_tally import FailureTally


def _local(moment: datetime, tz: ZoneInfo, fmt: str = "%H:%M") -> str:
    return moment.astimezone(tz).strftime(fmt)


class EventPrinter:
    """One line per minute and per closed segment, and whatever else the user must know."""

    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz
        self.minutes = 0
        self.failures = FailureTally()

    def __call__(self, event: ev.TrackerEvent) -> None:
        line = self.describe(event)
        if line is not None:
            failed = isinstance(event, ev.RecordingFailed)
            print(line, file=sys.stderr if failed else sys.stdout, flush=True)
        if isinstance(event, ev.SegmentClosed):
            for summary in self.failures.summaries(self.tz):
                print(summary, flush=True)

    def describe(self, event: ev.TrackerEvent) -> str | None:
        tz = self.tz
        if isinstance(event, ev.MinuteRecorded):
            m = event.minute
            self.minutes += m.seconds
            flag = "  idle" if m.idle else ""
            return (f"minute {_local(m.at, tz)}  {m.seconds:2d} s  keys {m.keys}  clicks "
                    f"{m.clicks}  scrolls {m.scrolls}  moves {m.moves}  active {m.active_seconds} s"
                    f"{flag}")
        if isinstance(event, ev.SegmentClosed):
            s = event.segment
            act = activity_of(s.minutes)
            failed = sum(1 for shot in s.screenshots if shot.failed)
            return (f"segment {_local(s.start, tz, '%H:%M:%S')}-{_local(s.end, tz, '%H:%M:%S')} "
                    f"closed: {hours_minutes_seconds(s.tracked_seconds)}, activity "
                    f"{act.bars}/10, screenshots {len(s.screenshots)} ({failed} failed), "
                    f"seq {s.seq}{', signed' if s.signature else ''}  id {s.id}")
        if isinstance(event, ev.SegmentDropped):
            return f"segment {event.segment_id} dropped: no whole second was tracked in it"
        if isinstance(event, ev.ScreenshotFailed):
            reason = event.shot.error or "unknown reason"
            if not self.failures.add(reason, event.shot.taken_at):
                return None  # counted; the segment's close says how often (once per cause)
            return (f"screenshot failed at {_local(event.shot.taken_at, tz, '%H:%M:%S')}: "
                    f"{reason} (repeats of this are counted, not repeated)")
        if isinstance(event, ev.ScreenshotTaken):
            return f"screenshot taken at {_local(event.shot.taken_at, tz, '%H:%M:%S')} " \
                   f"({event.shot.size // 1024} KB)"
        if isinstance(event, ev.IdleStarted):
            return f"idle since {_local(event.since, tz)}: minutes from now on are marked idle"
        if isinstance(event, ev.IdleEnded):
            if not event.period.minutes:
                return "input again: not idle any more"
            what = "kept as idle" if event.kept else "discarded (not billed)"
            return f"input again after {len(event.period.minutes)} idle minute(s): {what}"
        if isinstance(event, ev.SleepDetected):
            return (f"the clock jumped ({event.gap_seconds:+.0f} s; sleep or a clock change) "
                    f"between {_local(event.last_seen, tz, '%H:%M:%S')} and "
                    f"{_local(event.resumed_at, tz, '%H:%M:%S')}: nothing recorded for the gap, "
                    f"a new segment starts now")
        if isinstance(event, ev.RecordingFailed):
            return f"workdiary: error: {event.message}"
        return None
