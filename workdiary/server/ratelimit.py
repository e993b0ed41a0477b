"""Login rate limiting per (email, client IP), in memory, on an injected clock.

One limiter per app (``app.state.login_limiter``) is shared by the API and the web login.
In-memory is enough for one process; several workers each keep their own window, which
still bounds guessing to workers x ``max_attempts`` per window.
"""

from __future__ import annotations

import threading
from collections import deque
from datetime import datetime, timedelta

from workdiary.core.clock import Clock


class LoginRateLimiter:
    """Refuses a login once ``max_attempts`` failures fell inside ``window``."""

    def __init__(self, clock: Clock, *, max_attempts: int = 5,
                 window: timedelta = timedelta(minutes=15)) -> None:
        self._clock = clock
        self.max_attempts = max_attempts
        self.window = window
        self._failures: dict[tuple[str, str], deque[datetime]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _key(email: str, ip: str) -> tuple[str, str]:
        return email.strip().lower(), ip

    def _prune(self, key: tuple[str, str], now: datetime) -> deque[datetime]:
        failures = self._failures.setdefault(key, deque())
        while failures and now - failures[0] >= self.window:
            failures.popleft()
        if not failures:
            del self._failures[key]
            return deque()
        return failures

    def retry_after(self, email: str, ip: str) -> int:
        """Seconds until another attempt is allowed; 0 when allowed now."""
        now = self._clock.now()
        with self._lock:
            failures = self._prune(self._key(email, ip), now)
            if len(failures) < self.max_attempts:
                return 0
            wait = failures[0] + self.window - now
            return max(1, int(wait.total_seconds()))

    def record_failure(self, email: str, ip: str) -> None:
        now = self._clock.now()
        with self._lock:
            key = self._key(email, ip)
            self._prune(key, now)
            self._failures.setdefault(key, deque()).append(now)

    def reset(self, email: str, ip: str) -> None:
        """Forget the failures after a successful login."""
        with self._lock:
            self._failures.pop(self._key(email, ip), None)
