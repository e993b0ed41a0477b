"""Prometheus metrics of one app: requests, latencies, verdicts, uploads, weekly job runs.

Each app owns its metric objects and registry (no import-time globals, so tests can build many
apps). With several worker processes, ``PROMETHEUS_MULTIPROC_DIR`` must name an empty folder
before any worker starts (``workdiary server run --workers N`` sees to it): each process then
writes its values to files there and ``/metrics`` adds up every worker's.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_ENV) or os.environ.get(MULTIPROC_ENV.lower()) or None


class Metrics:
    """The app's metrics; ``render()`` is the body of ``GET /metrics``."""

    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.multiprocess = multiprocess_dir()
        self.registry = CollectorRegistry(auto_describe=True)
        # In multi-process mode the values live in files; collection reads them all.
        registry = None if self.multiprocess else self.registry
        self.requests = Counter(
            "workdiary_http_requests", "HTTP requests answered, by route template and status.",
            ("method", "route", "status"), registry=registry)
        self.latency = Histogram(
            "workdiary_http_request_duration_seconds", "Time to answer a request, by route.",
            ("method", "route"), buckets=LATENCY_BUCKETS, registry=registry)
        self.verdicts = Counter(
            "workdiary_segment_verdicts", "Segment verdicts answered to uploads (a resend "
            "counts again), by status.", ("status",), registry=registry)
        self.uploads = Counter(
            "workdiary_screenshot_uploads", "Screenshot uploads accepted: stored, or already "
            "stored.", ("result",), registry=registry)
        self.weekly_runs = Counter(
            "workdiary_weekly_runs", "Runs of the weekly transitions: ran, skipped (another "
            "worker held the lock) or failed.", ("outcome",), registry=registry)
        self.mails = Counter(
            "workdiary_mails", "Outbox mails handled: sent, retrying (a temporary failure), "
            "failed (for good) or skipped (opted out).", ("outcome",), registry=registry)

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def count_verdicts(self, statuses: Iterable[str]) -> None:
        for status in statuses:
            self.verdicts.labels(status).inc()

    def count_upload(self, *, created: bool) -> None:
        self.uploads.labels("stored" if created else "already_stored").inc()

    def count_weekly_run(self, outcome: str) -> None:
        self.weekly_runs.labels(outcome).inc()

    def count_mail(self, outcome: str, count: int = 1) -> None:
        if count:
            self.mails.labels(outcome).inc(count)

    def render(self) -> bytes:
        if self.multiprocess:
            registry = CollectorRegistry()
            MultiProcessCollector(registry, path=self.multiprocess)  # type: ignore[no-untyped-call]
            return generate_latest(registry)
        return generate_latest(self.registry)
