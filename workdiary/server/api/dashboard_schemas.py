"""Shapes of the team dashboard (clients) and the freelancer's weeks."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field


class DashboardDay(BaseModel):
    date: date
    protected_seconds: int
    unprotected_seconds: int
    manual_seconds: int
    disputed_seconds: int


class DashboardContract(BaseModel):
    contract_id: str
    title: str
    status: str
    freelancer_id: str | None
    freelancer_name: str
    working_now: bool
    billed_seconds: int
    weekly_limit_minutes: int | None
    limit_percent: int | None
    activity_percent: int | None
    tracked_minutes: int
    active_minutes: int
    unprotected_seconds: int
    unprotected_percent: int | None
    manual_seconds: int
    manual_percent: int | None
    disputed_seconds: int
    open_disputes: int
    review_deadline: datetime | None
    days: list[DashboardDay]


class DashboardOrganisation(BaseModel):
    id: str
    name: str
    my_role: Literal["owner", "manager", "viewer"]


class DashboardOut(BaseModel):
    week_start: date
    sort: str
    dir: Literal["asc", "desc"]
    working_now: int
    billed_seconds: int
    open_disputes: int
    organisation: DashboardOrganisation | None  # the one chosen with ?org=, else null
    contracts: list[DashboardContract]


class WeekLine(BaseModel):
    contract_id: str
    title: str
    client_name: str
    week_start: date
    billed_seconds: int
    disputed_seconds: int
    rate_cents: int
    earnings_cents: int
    paid_cents: int
    currency: str
    status: Literal["open", "in_review", "disputed", "approved", "paid"]
    review_deadline: datetime | None


class CurrencyTotal(BaseModel):
    currency: str
    billed_seconds: int
    earnings_cents: int
    paid_cents: int


class WeekOut(BaseModel):
    week_start: date
    contracts: list[WeekLine]
    totals: list[CurrencyTotal]


class MyWeeksOut(BaseModel):
    model_config = {"populate_by_name": True}

    from_: date = Field(alias="from")
    to: date
    weeks: list[WeekOut]
    totals: list[CurrencyTotal]
