"""Schemas of the hours report (GET /reports/hours)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class AmountOut(BaseModel):
    currency: str
    amount_cents: int


class ReportRowOut(BaseModel):
    key: str = Field(description="The local day (YYYY-MM-DD), contract id or freelancer id; "
                                 "'total' for the total.")
    label: str
    seconds: int
    hours: str = Field(description="The billed seconds as h:mm:ss.")
    protected_seconds: int
    unprotected_seconds: int
    manual_seconds: int
    segments: int
    activity_percent: int | None
    amounts: list[AmountOut]


class HoursReportOut(BaseModel):
    from_: str = Field(alias="from")
    to: str
    tz: str
    group: str
    organisation_id: str | None  # ?org=: only that organisation's contracts
    contract_ids: list[str]
    rows: list[ReportRowOut]
    total: ReportRowOut
