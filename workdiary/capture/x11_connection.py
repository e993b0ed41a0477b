"""One lazily opened, self-healing python-xlib connection, shared by the X11 probes."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

_log = logging.getLogger(__name__)

T = TypeVar("T")


class X11Connection:
    """Runs queries on an X display; ordinary X failures give None instead of raising.

    The connection opens on first use and is dropped after a failure, so the next query
    reconnects (the X server may restart, e.g. on logout/login). Queries are serialised by a lock:
    python-xlib connections are not meant to be shared between threads without one.
    """

    def __init__(self, display_name: str | None = None) -> None:
        self._display_name = display_name
        self._display: Any = None
        self._lock = threading.Lock()
        self.last_error: str | None = None  # why the latest query gave None, for diagnostics

    def query(self, action: Callable[[Any], T]) -> T | None:
        """``action(display)``, or None (with ``last_error`` set) on any X error."""
        from Xlib import error as xerror

        with self._lock:
            try:
                if self._display is None:
                    from Xlib import display as xdisplay

                    self._display = xdisplay.Display(self._display_name)
                result = action(self._display)
                self.last_error = None
                return result
            except (
                xerror.DisplayError,
                xerror.ConnectionClosedError,
                xerror.XauthError,
                xerror.XNoAuthError,
                OSError,
            ) as problem:
                self._drop(f"X display unavailable: {problem}")
            except (xerror.XError, xerror.XResourceError) as problem:
                # A window vanished between two requests and the like: ordinary, not fatal.
                self.last_error = f"X request failed: {problem}"
            return None

    def close(self) -> None:
        """Close the connection (the next query would reopen it)."""
        with self._lock:
            self._drop(None)

    def _drop(self, reason: str | None) -> None:
        if reason is not None:
            _log.info("%s", reason)
        self.last_error = reason
        display, self._display = self._display, None
        if display is not None:
            # The connection may already be broken; there is nothing more to release then.
            with contextlib.suppress(Exception):
                display.close()
