"""The team dashboard (clients) and a freelancer's weeks across contracts."""

from __future__ import annotations

from datetime import date
from typing import Literal

from fastapi import APIRouter, Query

from workdiary.server.api.dashboard_schemas import DashboardOut, MyWeeksOut
from workdiary.server.deps import AppClock, CurrentUser, DbSession
from workdiary.server.services import dashboard, freelancer_weeks

router = APIRouter(tags=["dashboard"])
SortKey = Literal["contract", "freelancer", "working", "hours", "limit", "activity",
                  "unprotected", "manual", "disputes", "deadline"]


@router.get("/dashboard", response_model=DashboardOut)
def get_dashboard(
    session: DbSession, user: CurrentUser, clock: AppClock,
    week: date | None = Query(default=None, description="Any day of the UTC week; "  # noqa: B008
                              "default this week, at most ten years back."),
    sort: SortKey = "contract",
    direction: Literal["asc", "desc"] = Query(default="asc", alias="dir"),
    org: str | None = Query(default=None, max_length=64,
                            description="An organisation's id: only its contracts (404 for "
                                        "a non-member); default every contract."),
) -> dict[str, object]:
    """A client's contracts in one UTC week: working now, billed time against the weekly
    limit, activity, unprotected and manual shares, disputes, review deadline, days."""
    view = dashboard.get_dashboard(session, user=user, now=clock.now(), week=week, sort=sort,
                                   direction=direction, organisation_id=org)
    return view.to_dict()


@router.get("/me/weeks", response_model=MyWeeksOut)
def my_weeks(
    session: DbSession, user: CurrentUser, clock: AppClock,
    from_: date | None = Query(default=None, alias="from",  # noqa: B008
                               description="First week (any day of it); default 7 weeks "
                               "before 'to'."),
    to: date | None = Query(default=None, description="Last week; default this week."),  # noqa: B008
) -> dict[str, object]:
    """A freelancer's contract-weeks (at most 53 at a time): hours, earnings at the week's
    rate, status (open, in_review, disputed, approved, paid), totals by week and currency."""
    view = freelancer_weeks.get_weeks(session, user=user, now=clock.now(), start=from_, end=to)
    return view.to_dict()
