"""Forwarded headers (X-Forwarded-For, X-Forwarded-Proto) trusted only from the proxies the
operator names (``--forwarded-allow-ips``; none by default).

The app does this itself, with uvicorn's well-kept ProxyHeadersMiddleware, so the rule is the
same under any runner; the runner's own proxy-header handling must be off (``server run``
turns uvicorn's off), or it would have rewritten the client address already. With a trusted
peer, ``request.client`` becomes the forwarded client and ``request.url.scheme`` the forwarded
protocol (which decides the ``Secure`` cookie flag when no https public URL is configured).
"""

from __future__ import annotations

from fastapi import FastAPI
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from workdiary.server.settings import Settings


def install(app: FastAPI, settings: Settings) -> None:
    """Trust forwarded headers from ``settings.forwarded_allow_ips`` only (empty: from none)."""
    trusted = [part.strip() for part in settings.forwarded_allow_ips.split(",") if part.strip()]
    if trusted:
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=trusted)
