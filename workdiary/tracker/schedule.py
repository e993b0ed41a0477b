"""When to take a segment's screenshots: uniformly at random within its remaining time."""

from __future__ import annotations

import random
from datetime import datetime, timedelta


def screenshot_moments(
    rng: random.Random, start: datetime, end: datetime, count: int
) -> list[datetime]:
    """``count`` whole-second moments in [start, end), sorted; none if the span is under 1 s."""
    span = int((end - start).total_seconds())
    if span < 1:
        return []
    # int(random() * span) is uniform over the span's seconds and always < span.
    return sorted(start + timedelta(seconds=int(rng.random() * span)) for _ in range(count))
