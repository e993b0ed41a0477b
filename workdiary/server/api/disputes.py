"""A dispute's conversation, the freelancer's answer and an admin's decision."""

from __future__ import annotations

from fastapi import APIRouter

from workdiary.server.api.dispute_schemas import DecisionCreate, DisputeMessageCreate, DisputeOut
from workdiary.server.deps import AppClock, CurrentUser, DbSession
from workdiary.server.services import dispute_conversation as conversation

router = APIRouter(tags=["disputes"])


def _view(session: DbSession, user: CurrentUser, dispute_id: str) -> dict[str, object]:
    return conversation.get_dispute(session, user=user, dispute_id=dispute_id).to_dict()


@router.get("/disputes/{dispute_id}", response_model=DisputeOut)
def get_dispute(dispute_id: str, session: DbSession, user: CurrentUser) -> dict[str, object]:
    """The dispute (state, disputed segments, amount at stake) and its conversation."""
    return _view(session, user, dispute_id)


@router.post("/disputes/{dispute_id}/messages", response_model=DisputeOut, status_code=201)
def post_message(dispute_id: str, body: DisputeMessageCreate, session: DbSession,
                 user: CurrentUser, clock: AppClock) -> dict[str, object]:
    """Either party writes while the dispute is live; the other party is mailed."""
    conversation.post_message(session, user=user, dispute_id=dispute_id, text=body.text,
                              now=clock.now())
    return _view(session, user, dispute_id)


@router.post("/disputes/{dispute_id}/accept", response_model=DisputeOut)
def accept(dispute_id: str, session: DbSession, user: CurrentUser,
           clock: AppClock) -> dict[str, object]:
    """The freelancer accepts: the disputed time leaves the invoice for good."""
    conversation.accept_dispute(session, user=user, dispute_id=dispute_id, now=clock.now())
    return _view(session, user, dispute_id)


@router.post("/disputes/{dispute_id}/contest", response_model=DisputeOut)
def contest(dispute_id: str, session: DbSession, user: CurrentUser,
            clock: AppClock) -> dict[str, object]:
    """The freelancer contests: an admin decides unless the client withdraws by escalate_at."""
    conversation.contest_dispute(session, user=user, dispute_id=dispute_id, now=clock.now())
    return _view(session, user, dispute_id)


@router.post("/disputes/{dispute_id}/decision", response_model=DisputeOut)
def decide(dispute_id: str, body: DecisionCreate, session: DbSession, user: CurrentUser,
           clock: AppClock) -> dict[str, object]:
    """An admin decides an escalated dispute: pay (the freelancer) or refund (the client)."""
    conversation.decide_dispute(session, user=user, dispute_id=dispute_id,
                                outcome=body.outcome, note=body.note, now=clock.now())
    return _view(session, user, dispute_id)
