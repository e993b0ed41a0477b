"""What waits for upload and why: the review window, or another account.

Pure: reads the store's ``queued_records`` (closed segments still to upload) and says how many
are ready, how many wait for their review window and until when, and how many belong to
another account that recorded them on this computer (they upload when it logs in again).
`workdiary sync`, `workdiary status` and the tray print these numbers.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import Any

from workdiary.core.timegrid import isoformat_z
from workdiary.store.upload_queue import QueuedRecord


@dataclass(frozen=True, slots=True)
class Waiting:
    ready: int = 0  # past the review window, for this account: the next pass sends them
    in_review: int = 0  # still inside their review window
    in_review_seen: int = 0  # ...of which the user has seen (`sync --now` sends them)
    review_until: datetime | None = None  # when the last of them leaves the window
    other_accounts: dict[str, int] = field(default_factory=dict)  # account key -> records

    def to_dict(self) -> dict[str, Any]:
        return {"ready": self.ready, "in_review": self.in_review,
                "in_review_seen": self.in_review_seen,
                "review_until": isoformat_z(self.review_until) if self.review_until else None,
                "other_accounts": dict(self.other_accounts)}


def waiting_uploads(records: list[QueuedRecord], account: str | None, now: datetime,
                    grace_seconds: float) -> Waiting:
    """Sort the queue for ``account`` (None: nobody logged in, every record waits for login)."""
    grace = timedelta(seconds=grace_seconds)
    mine = [r for r in records if account is not None and r.account in ("", account)]
    others = Counter(r.account or "the next account to log in" for r in records
                     if r not in mine)
    held = [r for r in mine if r.closed_at + grace > now]
    return Waiting(
        ready=len(mine) - len(held), in_review=len(held),
        in_review_seen=sum(1 for r in held if r.seen),
        review_until=max((r.closed_at + grace for r in held), default=None),
        other_accounts=dict(others))


def format_waiting(waiting: Waiting, tz: tzinfo) -> list[str]:
    """Lines for `sync` and `status`: the review window, then other accounts' records."""
    lines = []
    if waiting.in_review:
        until = waiting.review_until.astimezone(tz).strftime("%H:%M:%S") \
            if waiting.review_until else "?"
        seen = (f"; {waiting.in_review_seen} of them you have seen: `workdiary sync --now` "
                "uploads those now" if waiting.in_review_seen else
                "; `workdiary diary` shows them, then `workdiary sync --now` uploads them")
        lines.append(f"{waiting.in_review} segment(s) wait for their review window, until "
                     f"{until}{seen}")
    for account, count in sorted(waiting.other_accounts.items()):
        lines.append(f"{count} segment(s) recorded by {account} wait for that account: they "
                     "upload when it logs in on this computer again")
    return lines
