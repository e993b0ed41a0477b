"""Diary, timesheets, approval and disputes of a contract."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Query, Response

from workdiary.server.api.schemas import (
    DiaryOut,
    DisputeCreate,
    DisputePublic,
    InvoicePublic,
    TimesheetOut,
)
from workdiary.server.deps import AppClock, CurrentUser, DbSession
from workdiary.server.errors import Unprocessable
from workdiary.server.services import diary, disputes, timesheet, weeks

router = APIRouter(tags=["weeks"])
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)


def check_day(day: date) -> date:
    if not EARLIEST <= day <= LATEST:
        raise Unprocessable("dates must be between 2000-01-01 and 2099-12-31.",
                            code="date_out_of_range")
    return day


@router.get("/contracts/{contract_id}/diary", response_model=DiaryOut)
def get_diary(contract_id: str, session: DbSession, user: CurrentUser,
              date: date = Query(description="The local day, YYYY-MM-DD."),  # noqa: B008
              tz: str = Query(default="UTC", max_length=64, description="IANA time zone."),
              ) -> dict[str, object]:
    """A day's work diary: ``{date, tz, segments: [...], totals}`` in the viewer's time zone."""
    view = diary.get_diary(session, user=user, contract_id=contract_id, day=check_day(date),
                           tz=tz)
    return view.to_dict()


@router.get("/contracts/{contract_id}/timesheets/{week_start}", response_model=TimesheetOut)
def get_timesheet(contract_id: str, week_start: date, session: DbSession, user: CurrentUser,
                  clock: AppClock) -> dict[str, object]:
    """A week (Monday, UTC): segments, minutes per day, phase, invoice and disputes."""
    view = timesheet.get_timesheet(session, user=user, contract_id=contract_id,
                               week_start=check_day(week_start), now=clock.now())
    return view.to_dict()


@router.post("/contracts/{contract_id}/timesheets/{week_start}/approve",
             response_model=InvoicePublic)
def approve(contract_id: str, week_start: date, session: DbSession, user: CurrentUser,
            clock: AppClock) -> dict[str, object]:
    """The client approves the week's undisputed amount (paid on the next close-weeks run)."""
    weeks.require_week_start(check_day(week_start))
    invoice = weeks.approve_week(session, user=user, contract_id=contract_id,
                                 week_start=week_start, now=clock.now())
    return timesheet.invoice_dict(invoice)


@router.post("/contracts/{contract_id}/disputes", response_model=DisputePublic,
             status_code=201)
def create_dispute(contract_id: str, body: DisputeCreate, session: DbSession, user: CurrentUser,
                   clock: AppClock) -> dict[str, object]:
    """The client disputes segments of one week in review."""
    dispute = disputes.create_dispute(session, user=user, contract_id=contract_id,
                                      segment_ids=body.segment_ids, reason=body.reason,
                                      now=clock.now())
    return timesheet.dispute_dict(dispute, disputes.dispute_segment_ids(session, dispute))


@router.delete("/contracts/{contract_id}/disputes/{dispute_id}", status_code=204)
def withdraw_dispute(contract_id: str, dispute_id: str, session: DbSession, user: CurrentUser,
                     clock: AppClock) -> Response:
    """The client withdraws a dispute; its minutes are billed again."""
    disputes.withdraw_dispute(session, user=user, contract_id=contract_id,
                              dispute_id=dispute_id, now=clock.now())
    return Response(status_code=204)
