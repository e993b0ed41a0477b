"""The JSON API under /api/v1: one router module per resource."""

from fastapi import APIRouter

from workdiary.server.api import (
    accounts,
    admin,
    auth,
    contracts,
    dashboard,
    desktop_release,
    devices,
    disputes,
    evidence,
    invoices,
    notifications,
    organisations,
    reports,
    screenshots,
    segments,
    weeks,
)
from workdiary.server.api.schemas import ERROR_RESPONSES

api_router = APIRouter(responses=ERROR_RESPONSES)
# The desktops' uploads first: a request walks the routes in order, and behind the other
# routers a screenshot upload took ~55 route matches.
for _module in (screenshots, segments, auth, accounts, devices, contracts, weeks, invoices,
                desktop_release, notifications, disputes, admin, reports,
                organisations, dashboard, evidence):
    api_router.include_router(_module.router)
