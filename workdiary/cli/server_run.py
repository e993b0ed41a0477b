"""``workdiary server run``: one process or N uvicorn workers, JSON logs, settings checked first."""

from __future__ import annotations

import argparse
import os
from typing import Any

from workdiary.cli.main import CommandError
from workdiary.cli.server import _server_modules


def cmd_run(args: argparse.Namespace) -> int:
    _server_modules()
    import uvicorn

    from workdiary.server.blobs import BlobStoreUnavailable
    from workdiary.server.logs import log_config
    from workdiary.server.settings import Settings, SettingsError

    if not 1 <= args.workers <= 64:
        raise CommandError("--workers must be between 1 and 64.")
    try:
        settings = Settings.from_env(database_url=args.database, data_dir=args.data_dir,
                                     blob_url=args.blob_url,
                                     forwarded_allow_ips=args.forwarded_allow_ips,
                                     public_url=args.public_url or _listen_url(args))
    except SettingsError as exc:
        raise CommandError(str(exc)) from exc
    storage = settings.storage
    if args.workers > 1 and storage.is_sqlite:
        raise CommandError("SQLite serves one process only: run one worker, or use "
                           "PostgreSQL (--database postgresql+psycopg://...) for --workers "
                           f"{args.workers}.")
    from workdiary.privatefiles import private_dir
    from workdiary.server.dblock import DatabaseInUse, hold_database

    private_dir(settings.data_dir)
    try:
        # A second process on one SQLite file would double-bill: refuse it (None on PostgreSQL).
        lock = hold_database(settings.database_url)  # held until this process ends
    except DatabaseInUse as exc:
        raise CommandError(str(exc)) from exc
    logging_config = log_config(json_format=args.log_format == "json")
    _fresh_metrics_dir(workers=args.workers)
    try:
        if args.workers == 1:
            from workdiary.server.app import create_app, serving

            target: Any = serving(create_app(settings))
            target.state.database_lock = lock
        else:
            target = _prepare_workers(settings)
    except BlobStoreUnavailable as exc:
        raise CommandError(exc.message) from exc
    except SettingsError as exc:  # a damaged server key (server/serverkey.py)
        raise CommandError(str(exc)) from exc
    print(f"workdiary server on http://{args.host}:{args.port}/ with {args.workers} worker(s); "
          f"database {storage.describe_database()}, blobs {storage.blob_location}; "
          f"mail to {settings.describe_mail()}, links to {settings.public_url}", flush=True)
    # proxy_headers=False: the app trusts forwarded headers itself, from configured proxies
    # only (uvicorn's default would believe any from 127.0.0.1).
    uvicorn.run(target, host=args.host, port=args.port, workers=args.workers,
                factory=args.workers > 1, log_config=logging_config, access_log=False,
                proxy_headers=False)
    return 0


def _listen_url(args: argparse.Namespace) -> str | None:
    """The public URL when none is set: the listen address (a wildcard one as localhost),
    unless $WORKDIARY_PUBLIC_URL names it."""
    if os.environ.get("WORKDIARY_PUBLIC_URL"):
        return None
    host = "localhost" if args.host in ("0.0.0.0", "::", "") else args.host
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{args.port}"


def _prepare_workers(settings: Any) -> str:
    """Migrate once here, check the blob store, and hand the settings to the worker
    processes through the environment they inherit. Returns the app factory's path."""
    from workdiary.server.blobs import open_blob_store
    from workdiary.server.db import make_engine
    from workdiary.server.migrate import upgrade_to_head
    from workdiary.server.serverkey import load_or_create

    storage = settings.storage
    open_blob_store(storage.blob_location).check()
    load_or_create(settings.server_key_path)  # made once here, checked before any worker starts
    engine = make_engine(storage.database_url)
    try:
        upgrade_to_head(engine)
    finally:
        engine.dispose()
    os.environ.update({"WORKDIARY_DATABASE_URL": storage.database_url,
                       "WORKDIARY_SERVER_DATA_DIR": str(storage.data_dir),
                       "WORKDIARY_BLOB_URL": storage.blob_location,
                       "WORKDIARY_SECRET_KEY": settings.secret_key,
                       "WORKDIARY_FORWARDED_ALLOW_IPS": settings.forwarded_allow_ips,
                       "WORKDIARY_PUBLIC_URL": settings.public_url,
                       "WORKDIARY_METRICS_TOKEN": settings.metrics_token,
                       "WORKDIARY_SMTP_URL": settings.smtp_url,
                       "WORKDIARY_MAIL_FROM": settings.mail_from,
                       "WORKDIARY_SERVER_KEY_FILE": str(settings.server_key_path)})
    return "workdiary.server.app:app_from_env"


def _fresh_metrics_dir(*, workers: int) -> None:
    """Several workers add up their metrics in files: give them a folder (unless the operator
    named one) and empty it, so figures of an earlier run are not added in. The worker
    processes read the variable when they start (prometheus_client reads it once, at import)."""
    import tempfile

    from workdiary.server.metrics import MULTIPROC_ENV, multiprocess_dir

    folder = multiprocess_dir()
    if folder is None and workers > 1:
        folder = tempfile.mkdtemp(prefix="workdiary-metrics-")
        os.environ[MULTIPROC_ENV] = folder
    if folder is None:
        return
    try:
        for stale in os.scandir(folder):
            if stale.name.endswith(".db"):
                os.unlink(stale.path)
    except OSError as exc:
        raise CommandError(f"{MULTIPROC_ENV}={folder} cannot be used: {exc.strerror}.") from exc
