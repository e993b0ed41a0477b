"""Which mail a user receives: every kind unless they opted out; security mail always.

The choice is read when a mail is delivered (not when it is queued), so opting out also stops
mail already waiting in the outbox; such a row is kept with status ``skipped``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.orm import Session

from workdiary.server.errors import Unprocessable
from workdiary.server.models import User
from workdiary.server.services.audit import record
from workdiary.server.services.mail import KINDS, SECURITY_KINDS

# The kinds a user may turn off, in the order the settings page lists them.
OPTIONAL_KINDS: tuple[str, ...] = (
    "contract_offer", "contract_answered", "contract_changed",
    "weekly_summary", "invoice_ready", "review_reminder",
    "dispute_opened", "dispute_message", "dispute_decided",
    "week_approved", "week_paid", "organisation_invitation",
)
assert set(OPTIONAL_KINDS) == KINDS - SECURITY_KINDS, "every non-security kind is listed"


def opted_out(user: User) -> frozenset[str]:
    return frozenset(k for k in (user.mail_opt_out or "").split() if k in OPTIONAL_KINDS)


def wants(user: User | None, kind: str) -> bool:
    """Whether ``kind`` may be mailed to ``user`` (None: no account yet, e.g. an invitation)."""
    return kind in SECURITY_KINDS or user is None or kind not in opted_out(user)


def preferences(user: User) -> dict[str, bool]:
    """Every optional kind and whether it is mailed."""
    muted = opted_out(user)
    return {kind: kind not in muted for kind in OPTIONAL_KINDS}


def set_preferences(session: Session, *, user: User, choices: Mapping[str, bool],
                    now: datetime) -> dict[str, bool]:
    """Turn kinds on or off (kinds not named keep their setting). Security kinds cannot be
    turned off; an unknown kind is refused. Commits and records ``user.notifications``."""
    unknown = sorted(set(choices) - set(OPTIONAL_KINDS) - SECURITY_KINDS)
    if unknown:
        raise Unprocessable(f"unknown mail kind(s): {', '.join(unknown)}; known: "
                            f"{', '.join(OPTIONAL_KINDS)}.", code="unknown_mail_kind")
    refused = sorted(k for k in choices if k in SECURITY_KINDS and not choices[k])
    if refused:
        raise Unprocessable(f"security mail ({', '.join(refused)}) cannot be turned off.",
                            code="security_mail")
    muted = set(opted_out(user))
    for kind, on in choices.items():
        if kind in OPTIONAL_KINDS:
            (muted.discard if on else muted.add)(kind)
    before = preferences(user)
    user.mail_opt_out = " ".join(k for k in OPTIONAL_KINDS if k in muted)
    after = preferences(user)
    if after != before:
        record(session, actor=user, action="user.notifications", subject_type="user",
               subject_id=user.id, now=now,
               detail={"off": sorted(muted)})
    session.commit()
    return after
