"""Limits on requests that make the server send mail: sign-up, password reset, verification
resend. Kept in the database (like the login limiter) so every worker sees the same counts.

Each request is counted per target address (the email it would mail) and per client address,
whether or not an account exists for the email, so a refusal never tells that an account
exists. Past ``per_account`` requests for one email, or ``per_address`` from one client,
within ``window``, the request is refused (429) until the oldest leaves the window: nobody can
use the server to fill someone's inbox, or sign up accounts by the thousand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session, sessionmaker

from workdiary.core.clock import Clock
from workdiary.server.models import MailRequest


def _account(email: str) -> str:
    return email.strip().lower()[:254]


class MailRequestLimiter:
    """Counts one kind of mail-sending request (``action``) and refuses those over the limit."""

    def __init__(self, clock: Clock, sessions: sessionmaker[Session], *, action: str,
                 per_account: int, per_address: int,
                 window: timedelta = timedelta(hours=1)) -> None:
        self._clock = clock
        self._sessions = sessions
        self.action = action
        self.per_account = per_account
        self.per_address = per_address
        self.window = window

    def _wait(self, db: Session, column: InstrumentedAttribute[str], value: str, limit: int,
              now: datetime) -> int:
        since = now - self.window
        where = (MailRequest.action == self.action, column == value, MailRequest.at > since)
        count = db.scalar(select(func.count()).select_from(MailRequest).where(*where)) or 0
        if count < limit:
            return 0
        oldest = list(db.scalars(select(MailRequest.at).where(*where)
                                 .order_by(MailRequest.at).limit(count - limit + 1)))
        return max(1, int((oldest[-1] + self.window - now).total_seconds()))

    def attempt(self, email: str, ip: str, *, db: Session | None = None) -> int:
        """Count this request and return 0, or return the seconds to wait (not counted).

        With ``db`` (the request's session) the count is added there and the caller commits
        it with its own change: the password reset commits once whether or not it mails, so
        its timing does not tell whether the account exists."""
        if db is None:
            with self._sessions() as own:
                wait = self.attempt(email, ip, db=own)
                own.commit()
            return wait
        now = self._clock.now()
        account, address = _account(email), ip[:64]
        wait = max(self._wait(db, MailRequest.account, account, self.per_account, now),
                   self._wait(db, MailRequest.address, address, self.per_address, now))
        if wait:
            return wait
        db.execute(delete(MailRequest).where(MailRequest.action == self.action,
                                             MailRequest.at <= now - self.window))
        db.add(MailRequest(action=self.action, account=account, address=address, at=now))
        return 0


@dataclass(frozen=True)
class MailLimits:
    """The app's limiters (``app.state.mail_limits``), shared by the API and the web pages."""

    signup: MailRequestLimiter
    reset: MailRequestLimiter
    verify: MailRequestLimiter

    @classmethod
    def build(cls, clock: Clock, sessions: sessionmaker[Session]) -> MailLimits:
        # A person needs one or two of each; an office behind one address needs a few more.
        return cls(
            signup=MailRequestLimiter(clock, sessions, action="signup", per_account=3,
                                      per_address=10),
            reset=MailRequestLimiter(clock, sessions, action="reset", per_account=3,
                                     per_address=20),
            verify=MailRequestLimiter(clock, sessions, action="verify", per_account=3,
                                      per_address=20),
        )
