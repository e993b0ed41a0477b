"""The JSON API under /api/v1: one router module per resource."""

from fastapi import APIRouter

from workdiary.server.api import (
    admin,
    auth,
    contracts,
    desktop_release,
    devices,
    disputes,
    invoices,
    screenshots,
    segments,
    weeks,
)
from workdiary.server.api.schemas import ERROR_RESPONSES

api_router = APIRouter(responses=ERROR_RESPONSES)
for _module in (auth, devices, contracts, segments, screenshots, weeks, invoices,
                desktop_release, disputes, admin):
    api_router.include_router(_module.router)
