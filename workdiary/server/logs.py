"""Structured JSON logs with a request id.

One JSON object per line: time, level, logger, message, the request id of the request being
answered (from a context variable the request middleware sets), and the access fields of the
request line. Nothing here logs headers, query strings or bodies, so tokens and passwords never
reach a log line.
"""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

REQUEST_ID: ContextVar[str | None] = ContextVar("workdiary_request_id", default=None)
# Extra attributes copied from a log record into the JSON object when present.
FIELDS = ("method", "path", "route", "status", "duration_ms", "client")


class JsonFormatter(logging.Formatter):
    """A log record as one line of JSON."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or REQUEST_ID.get()
        if request_id:
            entry["request_id"] = request_id
        for name in FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def log_config(*, json_format: bool = True, level: str = "INFO") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for the server process and each uvicorn worker.

    uvicorn's own access log is off: the request middleware writes one line per request
    with the route, status, duration and request id instead.
    """
    formatter = ({"()": f"{__name__}.JsonFormatter"} if json_format
                 else {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"})
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "default",
                                "stream": "ext://sys.stderr"}},
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {
            "uvicorn": {"handlers": [], "propagate": True, "level": level},
            "uvicorn.error": {"handlers": [], "propagate": True, "level": level},
            "uvicorn.access": {"handlers": [], "propagate": False, "level": "WARNING"},
            # Every /readyz opens a migration context, which announces itself at INFO.
            "alembic.runtime.migration": {"level": "WARNING"},
        },
    }
