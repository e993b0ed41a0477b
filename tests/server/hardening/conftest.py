"""Hardening tests: the same app as the other server tests, served by uvicorn on loopback.

``http`` speaks to the real HTTP server (an httpx client whose base URL is ``/api/v1``);
``world`` (from the server conftest) seeds people and contracts through the in-process client.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from web.livesite import serve


@pytest.fixture
def base_url(app: FastAPI) -> Iterator[str]:
    with serve(app) as url:
        yield url


@pytest.fixture
def http(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{base_url}/api/v1", timeout=30) as client:
        yield client
