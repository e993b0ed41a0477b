"""Login rate limiting per account and per client address, kept in the database so every
worker (and every restart) sees the same failures; on an injected clock.

One limiter per app (``app.state.login_limiter``) is shared by the API and the web login. A
sign-in is refused for a while once ``per_account`` failures for that account (from any
address) or ``per_address`` failures from that address (for any account) fell inside
``window``. The account limit stops guessing one password from many addresses; the address
limit stops one address trying many accounts. The address is the TCP peer, or the forwarded
client address only when the peer is a proxy the operator trusts (``proxytrust.py``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session, sessionmaker

from workdiary.core.clock import Clock
from workdiary.server.models import LoginFailure


def _account(email: str) -> str:
    return email.strip().lower()[:254]


class LoginRateLimiter:
    """Refuses a login once too many failures for its account or its address fell in ``window``."""

    def __init__(self, clock: Clock, sessions: sessionmaker[Session], *, per_account: int = 10,
                 per_address: int = 5, window: timedelta = timedelta(minutes=15)) -> None:
        self._clock = clock
        self._sessions = sessions
        self.per_account = per_account
        self.per_address = per_address
        self.window = window

    @property
    def max_attempts(self) -> int:
        """Failures after which one account from one address is refused."""
        return min(self.per_account, self.per_address)

    def _wait(self, db: Session, column: InstrumentedAttribute[str], value: str, limit: int,
              now: datetime) -> int:
        since = now - self.window
        count, first = db.execute(
            select(func.count(), func.min(LoginFailure.at)).where(
                column == value, LoginFailure.at > since)).one()
        if count < limit or first is None:
            return 0
        # The oldest failures leave the window one by one; the limit lifts when enough left.
        oldest = list(db.scalars(select(LoginFailure.at).where(
            column == value, LoginFailure.at > since)
            .order_by(LoginFailure.at).limit(count - limit + 1)))
        return max(1, int((oldest[-1] + self.window - now).total_seconds()))

    def retry_after(self, email: str, ip: str) -> int:
        """Seconds until another attempt is allowed; 0 when allowed now."""
        now = self._clock.now()
        with self._sessions() as db:
            return max(self._wait(db, LoginFailure.account, _account(email), self.per_account,
                                  now),
                       self._wait(db, LoginFailure.address, ip[:64], self.per_address, now))

    def record_failure(self, email: str, ip: str) -> None:
        now = self._clock.now()
        with self._sessions() as db:
            db.execute(delete(LoginFailure).where(LoginFailure.at <= now - self.window))
            db.add(LoginFailure(account=_account(email), address=ip[:64], at=now))
            db.commit()

    def reset(self, email: str, ip: str) -> None:
        """After a successful login, forget this account's failures from this address (the
        address's failures on other accounts still count)."""
        with self._sessions() as db:
            db.execute(delete(LoginFailure).where(LoginFailure.account == _account(email),
                                                  LoginFailure.address == ip[:64]))
            db.commit()
