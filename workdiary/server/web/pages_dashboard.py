"""The team dashboard (``/dashboard``, clients) and a freelancer's weeks (``/my-weeks``)."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from fastapi import APIRouter, Query
from markupsafe import escape
from starlette.requests import Request
from starlette.responses import Response

from workdiary.core.clock import Clock
from workdiary.core.week import week_start
from workdiary.server.errors import NotFound
from workdiary.server.i18n import formatting
from workdiary.server.services import dashboard as dashboard_service
from workdiary.server.services import freelancer_weeks, organisations
from workdiary.server.web import week_chart
from workdiary.server.web.deps import DB, PageNotFound, Viewer
from workdiary.server.web.pages_diary import parse_day
from workdiary.server.web.rendering import page_language, redirect, render

router = APIRouter(include_in_schema=False)
# Columns whose first click sorts largest first (numbers); names sort A to Z first.
DESCENDING_FIRST = frozenset({"working", "hours", "limit", "activity", "unprotected",
                              "manual", "disputes"})
# Rows per page: a client with hundreds of contracts gets pages of them, sorted as a whole
# (each row carries its chart and its days as text, ~3 KB of HTML).
PAGE_SIZE = 100


def _day(text: str | None) -> date | None:
    return parse_day(text) if text else None


def _page_number(text: str | None, pages: int) -> int:
    """The asked page, within 1..pages (anything else is the nearest page, not an error)."""
    number = int(text) if text and text.isdigit() and len(text) < 7 else 1
    return min(max(number, 1), pages)


def page_url(view: dashboard_service.Dashboard, **changes: str) -> str:
    """This page's link with ``changes``: the same week, sort and organisation otherwise."""
    params = {"week": view.week_start.isoformat(), "sort": view.sort, "dir": view.direction}
    if view.organisation is not None:
        params["org"] = view.organisation.id
    params.update(changes)
    return "?" + urlencode({k: v for k, v in params.items() if v})


def sort_url(view: dashboard_service.Dashboard, column: str) -> str:
    """The link of a column heading: the same week, this column, the other direction when
    it is already the sort."""
    if view.sort == column:
        direction = "asc" if view.direction == "desc" else "desc"
    else:
        direction = "desc" if column in DESCENDING_FIRST else "asc"
    return page_url(view, sort=column, dir=direction)


@router.get("/dashboard")
def team_dashboard(request: Request, db: DB, viewer: Viewer,
                   week: str | None = Query(default=None, max_length=40),
                   sort: str | None = Query(default=None, max_length=40),
                   direction: str | None = Query(default=None, alias="dir", max_length=40),
                   org: str | None = Query(default=None, max_length=64),
                   page: str | None = Query(default=None, max_length=40),
                   ) -> Response:
    """Every contract of the client (or of one of their organisations, ``?org=``) in one UTC
    week, sortable by plain links, ``PAGE_SIZE`` rows a page (``?page=``)."""
    if viewer.role == "admin":
        return redirect(request, "/admin/disputes")
    if viewer.role != "client":
        return redirect(request, "/my-weeks")  # a freelancer's own page
    clock: Clock = request.app.state.clock
    now = clock.now()
    try:
        view = dashboard_service.get_dashboard(db, user=viewer, now=now, week=_day(week),
                                               sort=sort, direction=direction,
                                               organisation_id=org or None)
    except NotFound:  # not a member: the same 404 as the organisation's own page
        raise PageNotFound() from None
    # One scale for every page, so bars compare across the whole set.
    top = week_chart.scale_seconds(bar for line in view.lines for bar in line.days)
    pages = max(1, -(-len(view.lines) // PAGE_SIZE))
    number = _page_number(page, pages)
    shown = view.lines[(number - 1) * PAGE_SIZE:number * PAGE_SIZE]
    current = week_start(now).date()
    locale = page_language(request).locale
    # The seven days' names, formatted once for the 200 charts (Babel is not cheap).
    letters = [escape(formatting.weekday_letter(day, locale)) for day in view.days]
    names = [escape(formatting.short_date(day, locale)) for day in view.days]
    charts = {line.contract.id: week_chart.chart_markup(line.days, top, letters, names)
              for line in shown}
    return render(request, "team_dashboard.html", {
        "nav": "team", "view": view, "top": top,
        "shown": shown, "page": number, "pages": pages,
        "first_shown": (number - 1) * PAGE_SIZE + 1,
        "charts": charts,  # each contract's SVG bars and its days' table rows
        "chart": week_chart, "sort_url": lambda column: sort_url(view, column),
        "page_url": lambda **changes: page_url(view, **changes),
        "organisations": organisations.organisations_of(db, user=viewer),
        "prev_week": view.week_start - timedelta(days=7),
        "next_week": (view.week_start + timedelta(days=7)
                      if view.week_start < current else None),
        # This month of each contract's hours report (the report page's own default range).
        "month_start": now.date().replace(day=1), "today": now.date(),
        "week_end": view.week_start + timedelta(days=6),
    })


@router.get("/my-weeks")
def my_weeks(request: Request, db: DB, viewer: Viewer,
             start: str | None = Query(default=None, alias="from", max_length=40),
             end: str | None = Query(default=None, alias="to", max_length=40)) -> Response:
    """The freelancer's weeks across contracts: hours, earnings, status, totals."""
    if viewer.role == "admin":
        return redirect(request, "/admin/disputes")
    if viewer.role != "freelancer":
        return redirect(request, "/dashboard")
    clock: Clock = request.app.state.clock
    view = freelancer_weeks.get_weeks(db, user=viewer, now=clock.now(), start=_day(start),
                                      end=_day(end))
    length = (view.last - view.first).days // 7 + 1
    current = week_start(clock.now()).date()
    later = min(current, view.last + timedelta(weeks=length))
    return render(request, "my_weeks.html", {
        "nav": "my_weeks", "view": view,
        "earlier": "?" + urlencode({"from": (view.first - timedelta(weeks=length)).isoformat(),
                                    "to": (view.first - timedelta(weeks=1)).isoformat()}),
        "later": ("?" + urlencode({"from": (later - timedelta(weeks=length - 1)).isoformat(),
                                   "to": later.isoformat()})
                  if view.last < current else None),
    })
