"""This computer's clock against the server's, from the ``Date`` header of its answers.

The server rejects a segment as ``future`` when it ends after the server's now (plus a small
tolerance). That verdict is not final on the server (the same record is judged again when sent
later), so the outbox keeps such a segment queued and says why: usually this clock is wrong.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

# The server tolerates 2 minutes; below 1 minute of difference, clocks are not the cause.
NOTICEABLE = timedelta(minutes=1)


def parse_http_date(value: str | None) -> datetime | None:
    """A ``Date`` header as an aware UTC datetime, or None when absent or unreadable."""
    if not value:
        return None
    import email.utils  # here, not at the top: the tray app imports this module, never parses

    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def future_message(local_now: datetime, server_date: datetime | None) -> str:
    """What to tell the user when the server said ``future``."""
    waiting = "the segment stays queued and is sent again on the next sync"
    if server_date is None:
        return (f"the server says the segment lies in the future; {waiting}. Check this "
                "computer's clock (the server sent no time to compare with).")
    offset = local_now - server_date
    seconds = int(offset.total_seconds())
    if abs(offset) < NOTICEABLE:
        return (f"the server says the segment lies in the future, though this computer's clock "
                f"agrees with the server's (within {abs(seconds)} s); {waiting}.")
    direction = "ahead of" if seconds > 0 else "behind"
    return (f"this computer's clock is {_span(abs(seconds))} {direction} the server's: set it "
            f"right (turn on automatic time); {waiting}.")


def _span(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"
