"""The marketplace server (extra ``workdiary[server]``).

Composition root: ``app.create_app(settings, *, clock=None, blobs=None)`` (and
``app.app_from_env`` for uvicorn worker processes); nothing is built at import time. Layout:
``settings`` (typed ``StorageSettings`` + serving ``Settings``, from arguments and WORKDIARY_*
variables), ``db`` + ``models`` + ``migrations`` (SQLAlchemy 2, Alembic shipped in the
package), ``services`` (keyword-only functions taking a session, one module per resource,
used by the JSON API in ``api`` and by the web pages in ``web``), ``blobs`` / ``blobs_s3``
(content-addressed screenshot stores, chosen by URL), ``deps`` (FastAPI dependencies),
``errors`` (the one error shape), ``health`` (/healthz, /readyz, /metrics), ``metrics`` +
``observability`` + ``logs`` (Prometheus series, request ids, JSON logs), ``jobs`` (the weekly
transitions under a PostgreSQL advisory lock), ``backup`` and ``blob_migration`` (data moves).

Contract notes beyond DESIGN.md "HTTP API":
- ``POST /devices`` takes an optional ``device_id`` (8-64 of ``[A-Za-z0-9_-]``, the desktop's
  uuid4 hex); the same id with the same key again is idempotent, another key is a 409.
- ``POST /segments`` answers ``{"segments": [{id, status, billable_minutes, billable_seconds,
  over_limit_minutes, over_limit_seconds, reasons}]}`` in request order (minutes are
  ``floor(seconds / 60)``). A different body under a stored id
  refuses the whole batch with 409 ``segment_conflict`` and stores nothing; a signed
  tombstone for a stored segment deletes it while its week is open. A segment for a
  contract that is not the caller's is rejected (``outside_contract``) and not stored.
- Verdicts come from ``workdiary.core.verify.verify_segment``; a chain break costs
  protection, not pay.
- Invoices: ``amount_cents`` = undisputed billable seconds x ``rate_cents`` / 3600 over the
  week's total, rounded half up once (``core/billing.py``). Weeks lock Monday 12:00 UTC;
  review ends Friday 23:59 UTC; the client's
  approval or the automatic one is paid by the next ``close_weeks`` run (the server's timer,
  every 60 s, or ``workdiary server close-weeks``). A dispute withdrawn after payment is
  paid as a further ledger entry.
- CSV export: ``GET /api/v1/invoices?format=csv`` or ``GET /api/v1/invoices.csv``, columns
  ``services.invoices.CSV_COLUMNS``, amounts in integer cents, times ISO 8601 UTC.
"""
