"""Request and response bodies of the JSON API (requests refuse unknown fields)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, StrictStr


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    """Every error: ``{"error": {"code": "...", "message": "..."}}``."""

    error: ErrorDetail


ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    status: {"model": ErrorBody, "description": text}
    for status, text in (
        (400, "Malformed request (e.g. invalid JSON)."),
        (401, "Missing, unknown or revoked API token."),
        (403, "Not allowed for the caller's role."),
        (404, "Not found, or not visible to the caller."),
        (405, "Method not allowed."),
        (409, "Conflicts with stored state (e.g. a different body under a stored id)."),
        (413, "Body or image too large."),
        (422, "Invalid request fields."),
        (429, "Too many failed logins."),
    )
}


class TokenCreate(Strict):
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=1024)
    device_name: str = Field(default="", max_length=200)


class UserPublic(BaseModel):
    id: str
    email: str
    name: str
    role: Literal["freelancer", "client", "admin"]
    email_verified: bool  # False until the mailed link is opened (no contracts until then)


class TokenPublic(BaseModel):
    token: str
    user: UserPublic
    expires_at: datetime  # slides with use; renew with POST /auth/tokens/current/renew


class TokenInfo(BaseModel):
    expires_at: datetime


class DeviceCreate(Strict):
    name: str = Field(min_length=1, max_length=200)
    public_key: str = Field(min_length=1, max_length=100)
    device_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{8,64}$")


class DevicePublic(BaseModel):
    device_id: str
    name: str
    public_key: str
    revoked: bool
    created_at: datetime


class PolicyPublic(BaseModel):
    segment_minutes: int
    screenshots_per_segment: int
    capture: Literal["all", "primary", "active"]
    blur: bool
    allow_redaction: bool
    allow_manual: bool
    window_titles: bool
    idle_minutes: int


class TermsPublic(BaseModel):
    week_start: date | None
    rate_cents: int
    weekly_limit_minutes: int | None


class OrganisationRef(BaseModel):
    id: str
    name: str


class ContractPublic(BaseModel):
    id: str
    title: str
    client_id: str
    freelancer_id: str | None  # None: offered to an email that has no account yet
    client_name: str
    freelancer_name: str
    # The caller's side: an organisation's owners and managers are "client", its viewers
    # "viewer" (they read and change nothing).
    role: Literal["freelancer", "client", "viewer"]
    rate_cents: int  # this week's terms
    currency: str
    weekly_limit_minutes: int | None
    status: str  # offered | declined | active | paused | ended
    policy: PolicyPublic
    week_start: date  # this week (UTC Monday)
    week_minutes: int  # floor(week_seconds / 60)
    week_seconds: int  # billable seconds recorded this week so far
    invited_email: str | None = None
    policy_version: int = 1
    next_terms: TermsPublic | None = None  # a change that starts next Monday
    organisation: OrganisationRef | None = None  # the client organisation it belongs to


# A rate in the currency's units: a decimal string ("25.50") or a JSON number.
Rate = StrictStr | StrictInt | StrictFloat
Hours = StrictStr | StrictInt | StrictFloat


class PolicyPatch(Strict):
    """Tracking policy fields; those left out keep their value (the defaults for an offer)."""

    segment_minutes: int | None = Field(default=None, ge=1, le=60)
    screenshots_per_segment: int | None = Field(default=None, ge=1, le=3)
    capture: Literal["all", "primary", "active"] | None = None
    blur: bool | None = None
    allow_redaction: bool | None = None
    allow_manual: bool | None = None
    window_titles: bool | None = None
    idle_minutes: int | None = Field(default=None, ge=1, le=240)


class ContractCreate(Strict):
    freelancer_email: str = Field(min_length=3, max_length=254)
    title: str = Field(min_length=1, max_length=200)
    rate: Rate
    currency: str = Field(default="USD", min_length=3, max_length=3)
    weekly_limit_hours: Hours | None = None  # None: no limit
    policy: PolicyPatch = Field(default_factory=PolicyPatch)
    # The offer is made for this organisation (the caller owns or manages it).
    organisation_id: str | None = Field(default=None, min_length=1, max_length=64)


class ContractPatch(Strict):
    """Rate and weekly limit apply from next Monday (UTC); the policy from the next segment
    the desktop starts after it refreshes. ``weekly_limit_hours: null`` removes the limit."""

    rate: Rate | None = None
    weekly_limit_hours: Hours | None = None
    policy: PolicyPatch | None = None


class ContractEventPublic(BaseModel):
    at: datetime
    kind: Literal["offered", "accepted", "declined", "terms_changed", "policy_changed",
                  "paused", "resumed", "ended"]
    actor_id: str | None
    actor_name: str
    detail: dict[str, Any]


class InvoicePublic(BaseModel):
    id: str
    contract_id: str
    week_start: date
    billable_minutes: int  # floor(billable_seconds / 60), kept for older clients
    disputed_minutes: int
    billable_seconds: int
    disputed_seconds: int
    rate_cents: int
    amount_cents: int
    paid_cents: int
    currency: str
    status: Literal["in_review", "approved", "paid"]
    approved_by: str | None
    created_at: datetime
    approved_at: datetime | None
    paid_at: datetime | None


class DisputeCreate(Strict):
    segment_ids: list[str] = Field(min_length=1, max_length=1000)
    reason: str = Field(min_length=1, max_length=2000)


class DisputePublic(BaseModel):
    id: str
    contract_id: str
    week_start: date
    segment_ids: list[str]
    reason: str
    state: str  # open | accepted | contested | withdrawn | escalated | decided_pay | ...
    created_at: datetime
    withdrawn_at: datetime | None


class ScreenshotPublic(BaseModel):
    sha256: str
    size: int
    width: int
    height: int
    content_type: str


class MinuteOut(BaseModel):
    at: str
    seconds: int
    keys: int
    clicks: int
    scrolls: int
    moves: int
    active_seconds: int
    idle: bool


class ScreenshotOut(BaseModel):
    taken_at: str
    sha256: str | None
    width: int
    height: int
    size: int
    thumb_sha256: str | None
    error: str | None
    app: str | None
    window_title: str | None
    blurred: bool
    redacted: bool


class ActivityOut(BaseModel):
    level: float
    bars: int
    percent: int


class SegmentOut(BaseModel):
    """A stored segment as diaries and timesheets show it."""

    id: str
    contract_id: str
    start: str
    end: str
    kind: Literal["tracked", "manual", "tombstone"]
    status: Literal["protected", "unprotected", "rejected"]
    billable_minutes: int  # floor(billable_seconds / 60)
    billable_seconds: int
    over_limit_minutes: int
    over_limit_seconds: int
    reasons: list[str]
    memo: str
    memo_edited: bool  # the freelancer replaced the memo after upload
    redacted: bool
    disputed: bool
    activity: ActivityOut
    minutes: list[MinuteOut]
    screenshots: list[ScreenshotOut]


class DiaryTotals(BaseModel):
    segments: int
    billable_minutes: int  # floor(billable_seconds / 60) of the day's total
    billable_seconds: int
    tracked_minutes: int
    tracked_seconds: int
    active_minutes: int


class DiaryOut(BaseModel):
    date: date
    tz: str
    contract_id: str
    start: str  # UTC instant where the local day starts
    end: str
    week_boundaries: list[str]  # UTC Monday 00:00 instants inside the local day
    segments: list[SegmentOut]
    totals: DiaryTotals


class TimesheetOut(BaseModel):
    contract_id: str
    week_start: date
    phase: Literal["open", "in_review", "closed"]
    lock_at: str
    review_until: str
    billable_minutes: int  # floor(billable_seconds / 60)
    billable_seconds: int
    disputed_minutes: int
    disputed_seconds: int
    day_minutes: list[int]  # Monday first, UTC days
    day_seconds: list[int]
    amount_cents: int  # the invoice's amount once locked, else an estimate
    currency: str
    invoice: InvoicePublic | None
    segments: list[SegmentOut]
    disputes: list[DisputePublic]
