"""Schemas of the dispute conversation and the admin endpoints (bounded like every input)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from workdiary.server.api.schemas import Strict


class DisputeMessageCreate(Strict):
    text: str = Field(min_length=1, max_length=4000)


class DecisionCreate(Strict):
    outcome: Literal["pay", "refund"]
    note: str = Field(min_length=1, max_length=2000)


class DisputeMessageOut(BaseModel):
    id: str
    author_id: str
    author_name: str
    author_side: Literal["client", "freelancer"]
    text: str
    created_at: datetime


class DisputeActions(BaseModel):
    message: bool
    accept: bool
    contest: bool
    withdraw: bool
    decide: bool


class DisputeOut(BaseModel):
    id: str
    contract_id: str
    contract_title: str
    week_start: str
    state: str
    reason: str
    client_name: str
    freelancer_name: str
    segment_ids: list[str]
    billable_minutes: int  # floor(billable_seconds / 60)
    billable_seconds: int
    amount_cents: int
    currency: str
    created_at: datetime
    withdrawn_at: datetime | None
    accepted_at: datetime | None
    contested_at: datetime | None
    escalate_at: datetime | None
    escalated_at: datetime | None
    decided_at: datetime | None
    decision_note: str | None
    viewer_side: Literal["client", "freelancer", "viewer", "admin"]
    can: DisputeActions
    messages: list[DisputeMessageOut]


class AdminUserOut(BaseModel):
    id: str
    email: str
    name: str
    role: str
    disabled: bool
    created_at: datetime
    email_verified: bool


class AdminContractOut(BaseModel):
    id: str
    title: str
    status: str
    client_id: str
    client_name: str
    freelancer_id: str
    freelancer_name: str
    rate_cents: int
    currency: str
    weekly_limit_minutes: int | None
    created_at: datetime


class AdminDisputeOut(BaseModel):
    id: str
    contract_id: str
    contract_title: str
    week_start: str
    state: str
    reason: str
    created_at: datetime
    escalate_at: datetime | None
    escalated_at: datetime | None


class AuditEntryOut(BaseModel):
    id: int
    at: datetime
    actor_id: str | None
    actor_name: str
    action: str
    subject_type: str
    subject_id: str
    detail: dict[str, object]


class AuditPage(BaseModel):
    entries: list[AuditEntryOut]
    next_before_id: int | None  # pass as before_id for the next (older) page
