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

# Who each kind goes to (see where services queue it): a kind is offered only to the roles that
# can receive it, so a freelancer is not asked about invoices nor a client about offers. An
# admin is party to no contract and receives none of them.
RECIPIENT_ROLES: dict[str, frozenset[str]] = {
    "contract_offer": frozenset({"freelancer"}),
    "contract_answered": frozenset({"client"}),
    "contract_changed": frozenset({"client", "freelancer"}),
    "weekly_summary": frozenset({"freelancer"}),
    "invoice_ready": frozenset({"client"}),
    "review_reminder": frozenset({"client"}),
    "dispute_opened": frozenset({"freelancer"}),
    "dispute_message": frozenset({"client", "freelancer"}),
    "dispute_decided": frozenset({"client", "freelancer"}),
    "week_approved": frozenset({"freelancer"}),
    "week_paid": frozenset({"freelancer"}),
    "organisation_invitation": frozenset({"client"}),  # only client accounts join one
}
assert set(RECIPIENT_ROLES) == set(OPTIONAL_KINDS), "every optional kind has its recipients"


def kinds_for(user: User) -> tuple[str, ...]:
    """The optional kinds ``user``'s role can receive, in the settings page's order."""
    return tuple(k for k in OPTIONAL_KINDS if user.role in RECIPIENT_ROLES[k])


def opted_out(user: User) -> frozenset[str]:
    return frozenset(k for k in (user.mail_opt_out or "").split() if k in OPTIONAL_KINDS)


def wants(user: User | None, kind: str) -> bool:
    """Whether ``kind`` may be mailed to ``user`` (None: no account yet, e.g. an invitation)."""
    return kind in SECURITY_KINDS or user is None or kind not in opted_out(user)


def preferences(user: User) -> dict[str, bool]:
    """Every optional kind the user's role receives and whether it is mailed."""
    muted = opted_out(user)
    return {kind: kind not in muted for kind in kinds_for(user)}


def set_preferences(session: Session, *, user: User, choices: Mapping[str, bool],
                    now: datetime) -> dict[str, bool]:
    """Turn kinds on or off (kinds not named keep their setting). Security kinds cannot be
    turned off; an unknown kind, or one the user's role never receives, is refused. Commits and
    records ``user.notifications``."""
    unknown = sorted(set(choices) - set(OPTIONAL_KINDS) - SECURITY_KINDS)
    if unknown:
        raise Unprocessable(f"unknown mail kind(s): {', '.join(unknown)}; known: "
                            f"{', '.join(OPTIONAL_KINDS)}.", code="unknown_mail_kind")
    mine = kinds_for(user)
    foreign = sorted(k for k in choices if k in OPTIONAL_KINDS and k not in mine)
    if foreign:
        offered = ", ".join(mine) or "none"
        raise Unprocessable(f"a {user.role} account is never sent {', '.join(foreign)} mail; "
                            f"the kinds it can turn on or off: {offered}.",
                            code="mail_kind_not_for_role")
    refused = sorted(k for k in choices if k in SECURITY_KINDS and not choices[k])
    if refused:
        raise Unprocessable(f"security mail ({', '.join(refused)}) cannot be turned off.",
                            code="security_mail")
    muted = set(opted_out(user))
    for kind, on in choices.items():
        if kind in mine:
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
