"""GET/PUT /me/notifications: which mail the caller receives (security mail always)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, Field

from workdiary.server.api.schemas import Strict
from workdiary.server.deps import AppClock, CurrentUser, DbSession
from workdiary.server.services import notifications
from workdiary.server.services.mail import SECURITY_KINDS

router = APIRouter(tags=["notifications"])
# A kind name is a short identifier; the map holds at most every kind there is (and a few).
Kind = Annotated[str, Field(min_length=1, max_length=48)]


class NotificationSettings(BaseModel):
    """``kinds``: every kind the user's role is sent and may turn off, and whether it is mailed
    (a freelancer has no invoice mail, a client no offers); ``always``: the
    security kinds, which are always mailed."""

    kinds: dict[str, bool]
    always: list[str]


class NotificationUpdate(Strict):
    """Kinds to turn on (true) or off (false); kinds left out keep their setting."""

    kinds: Annotated[dict[Kind, bool], Field(max_length=32)]


def _shape(kinds: dict[str, bool]) -> NotificationSettings:
    return NotificationSettings(kinds=kinds, always=sorted(SECURITY_KINDS))


@router.get("/me/notifications", response_model=NotificationSettings)
def get_notifications(user: CurrentUser) -> NotificationSettings:
    return _shape(notifications.preferences(user))


@router.put("/me/notifications", response_model=NotificationSettings)
def put_notifications(body: NotificationUpdate, session: DbSession, user: CurrentUser,
                      clock: AppClock) -> NotificationSettings:
    """Opt in or out of mail kinds (422 ``security_mail`` for turning off security mail,
    ``unknown_mail_kind`` for a kind that does not exist, ``mail_kind_not_for_role`` for a kind
    the caller's role is never sent)."""
    return _shape(notifications.set_preferences(session, user=user, choices=body.kinds,
                                                now=clock.now()))
