"""Typed server settings in two parts, built once in a composition root, never at import time.

- :class:`StorageSettings`: where the data lives (database URL, data dir, blob store URL).
  The admin commands (``add-user``, ``migrate``, ``backup``, ...) need only this part, and
  resolve it by exactly the rules ``server run`` uses.
- :class:`Settings`: the storage part plus what serving needs (secret key, limits, timers).

Values come from arguments first, then the environment (``WORKDIARY_DATABASE_URL``,
``WORKDIARY_SERVER_DATA_DIR``, ``WORKDIARY_BLOB_URL``, ``WORKDIARY_SECRET_KEY``,
``WORKDIARY_METRICS_TOKEN``, ``WORKDIARY_SMTP_URL``, ``WORKDIARY_MAIL_FROM``,
``WORKDIARY_SERVER_KEY_FILE``), then defaults
in code.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit

import platformdirs
from sqlalchemy import make_url

from workdiary.server.smtpurl import SmtpTarget, SmtpUrlError, parse_smtp_url

DEFAULT_SECRET_KEY = "workdiary-insecure-default-secret-change-me"
MIB = 1024 * 1024


class SettingsError(ValueError):
    """The settings cannot start a server; the message says what to change."""


@dataclass(frozen=True, slots=True)
class StorageSettings:
    """The server's data: its database and its screenshot blob store."""

    database_url: str
    data_dir: Path
    # file:///ABSOLUTE/DIR or s3://BUCKET/PREFIX; empty means a file store in data_dir/blobs.
    blob_url: str = ""

    def __post_init__(self) -> None:
        url = self.blob_url
        if url and not (url.startswith("file:///") or url.startswith("s3://")):
            raise SettingsError(f"WORKDIARY_BLOB_URL {url!r} must be file:///ABSOLUTE/PATH or "
                                "s3://BUCKET/PREFIX.")

    @property
    def blob_dir(self) -> Path:
        """The default file store's folder (used when no blob URL is set)."""
        return self.data_dir / "blobs"

    @property
    def blob_location(self) -> str:
        """The blob store as a URL, the default one included."""
        return self.blob_url or self.blob_dir.resolve().as_uri()

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def describe_database(self) -> str:
        """The database URL for messages: the password is masked."""
        try:
            return make_url(self.database_url).render_as_string(hide_password=True)
        except Exception:  # an unparsable URL is shown as given; the engine will refuse it
            return self.database_url

    @classmethod
    def from_env(cls, *, database_url: str | None = None, data_dir: str | Path | None = None,
                 blob_url: str | None = None,
                 environ: Mapping[str, str] | None = None) -> StorageSettings:
        """Arguments, else the environment, else defaults (a SQLite file and a file store in
        the data dir; the data dir defaults to the platform's data dir for workdiary-server)."""
        env = os.environ if environ is None else environ
        folder = resolve_data_dir(data_dir, env)
        return cls(database_url=resolve_database_url(database_url, folder, env), data_dir=folder,
                   blob_url=blob_url or env.get("WORKDIARY_BLOB_URL", ""))


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the server needs to start. Build with :meth:`from_env` or directly in tests."""

    storage: StorageSettings
    secret_key: str = DEFAULT_SECRET_KEY
    demo: bool = False
    # Any request body above this is refused with 413 before it is read in full.
    max_body_bytes: int = 16 * MIB
    # A screenshot upload above this is refused (a busy 4K JPEG is well under 2 MB).
    max_screenshot_bytes: int = 8 * MIB
    # Screenshots are downscaled to at most 1920 px wide; refused above these, from the header
    # alone, before any decoding (1920 x 4320: four stacked 1080p monitors).
    max_image_pixels: int = 1920 * 4320
    max_image_width: int = 1920
    max_segments_per_batch: int = 500
    # Seconds between runs of the weekly transitions inside the server; 0 turns the timer off.
    close_weeks_interval: float = 60.0
    # Run Alembic migrations to head when the app starts (one process, or tests).
    auto_migrate: bool = True
    # GET /metrics answers only with "Authorization: Bearer <this>"; empty turns it off (404).
    metrics_token: str = ""
    # Proxies whose X-Forwarded-For/-Proto are believed (comma-separated IPs or networks, "*"
    # for any); empty: none ($WORKDIARY_FORWARDED_ALLOW_IPS, `server run --forwarded-allow-ips`).
    forwarded_allow_ips: str = ""
    # The address users reach the server at ($WORKDIARY_PUBLIC_URL); https:// makes the web
    # session cookie Secure whatever the connection to this process looks like.
    public_url: str = ""
    # Mail (docs/deploy.md "Mail"): the SMTP server as a URL (server/smtpurl.py); empty writes
    # each mail as an .eml file under data_dir/mail instead. The From address; empty:
    # "workdiary <workdiary@HOST>" with the public URL's host. Seconds between outbox passes;
    # 0 turns the delivery worker off.
    smtp_url: str = ""
    mail_from: str = ""
    mail_interval: float = 5.0
    # The server's Ed25519 key that signs evidence bundles (server/serverkey.py); empty:
    # data_dir/server-key.pem ($WORKDIARY_SERVER_KEY_FILE; one shared file across hosts).
    server_key_file: str = ""

    def __post_init__(self) -> None:
        if not self.secret_key:
            raise SettingsError("WORKDIARY_SECRET_KEY is empty: set it to a long random string.")
        if self.secret_key == DEFAULT_SECRET_KEY and not self.demo:
            raise SettingsError(
                "the server refuses to start with the default secret key: set "
                "WORKDIARY_SECRET_KEY to a long random string (for example the output of "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`)."
            )
        if self.max_body_bytes < 1024 or self.max_screenshot_bytes < 1024:
            raise SettingsError("body limits must be at least 1 KiB")
        if self.max_image_pixels < 1:
            raise SettingsError("max_image_pixels must be positive")
        if self.metrics_token and len(self.metrics_token) < 16:
            raise SettingsError("WORKDIARY_METRICS_TOKEN must be at least 16 characters.")
        self.smtp_target  # noqa: B018 - a bad URL stops the server at start, not at the first mail
        if self.mail_from and "@" not in parseaddr(self.mail_from)[1]:
            raise SettingsError(f"WORKDIARY_MAIL_FROM {self.mail_from!r} must be an address, "
                                "like 'workdiary <billing@example.com>'.")

    @property
    def smtp_target(self) -> SmtpTarget | None:
        """The SMTP server, or None: mails are written as files under :attr:`mail_dir`."""
        if not self.smtp_url:
            return None
        try:
            return parse_smtp_url(self.smtp_url)
        except SmtpUrlError as exc:
            raise SettingsError(str(exc)) from None

    @property
    def mail_dir(self) -> Path:
        """Where mails are written as .eml files when no SMTP server is set."""
        return self.storage.data_dir / "mail"

    @property
    def sender(self) -> str:
        """The From header of every mail."""
        if self.mail_from:
            return self.mail_from
        host = urlsplit(self.public_url).hostname or "localhost"
        return f"workdiary <workdiary@{host}>"

    def describe_mail(self) -> str:
        """Where mail goes, for the start-up line (the password masked)."""
        target = self.smtp_target
        return target.describe() if target else f".eml files in {self.mail_dir}"

    @property
    def server_key_path(self) -> Path:
        return Path(self.server_key_file) if self.server_key_file else (
            self.storage.data_dir / "server-key.pem")

    @property
    def database_url(self) -> str:
        return self.storage.database_url

    @property
    def data_dir(self) -> Path:
        return self.storage.data_dir

    @property
    def blob_dir(self) -> Path:
        return self.storage.blob_dir

    @classmethod
    def from_env(
        cls,
        *,
        database_url: str | None = None,
        data_dir: str | Path | None = None,
        blob_url: str | None = None,
        secret_key: str | None = None,
        demo: bool = False,
        environ: Mapping[str, str] | None = None,
        **overrides: object,
    ) -> Settings:
        """Settings from arguments, else the environment, else defaults."""
        env = os.environ if environ is None else environ
        storage = StorageSettings.from_env(database_url=database_url, data_dir=data_dir,
                                           blob_url=blob_url, environ=env)
        secret = secret_key or env.get("WORKDIARY_SECRET_KEY") or DEFAULT_SECRET_KEY
        overrides.setdefault("metrics_token", env.get("WORKDIARY_METRICS_TOKEN", ""))
        for field_name, variable in (("forwarded_allow_ips", "WORKDIARY_FORWARDED_ALLOW_IPS"),
                                     ("public_url", "WORKDIARY_PUBLIC_URL"),
                                     ("smtp_url", "WORKDIARY_SMTP_URL"),
                                     ("mail_from", "WORKDIARY_MAIL_FROM"),
                                     ("server_key_file", "WORKDIARY_SERVER_KEY_FILE")):
            if overrides.get(field_name) is None and env.get(variable):
                overrides[field_name] = env[variable]
            elif overrides.get(field_name) is None:
                overrides.pop(field_name, None)
        return cls(storage=storage, secret_key=secret, demo=demo,
                   **overrides)  # type: ignore[arg-type]


def resolve_data_dir(data_dir: str | Path | None, env: Mapping[str, str]) -> Path:
    """The argument, else $WORKDIARY_SERVER_DATA_DIR, else the platform's user data dir."""
    return Path(
        data_dir or env.get("WORKDIARY_SERVER_DATA_DIR")
        or platformdirs.user_data_path("workdiary-server")
    ).expanduser()


def resolve_database_url(database_url: str | None, data_dir: Path,
                         env: Mapping[str, str]) -> str:
    """The argument, else $WORKDIARY_DATABASE_URL, else a SQLite file in the data dir."""
    return database_url or env.get("WORKDIARY_DATABASE_URL") or default_sqlite_url(data_dir)


def default_sqlite_url(data_dir: Path) -> str:
    return f"sqlite:///{(data_dir / 'server.sqlite3').resolve()}"


def local_settings(data_dir: Path, **serving: object) -> Settings:
    """Settings for a SQLite database and a file store in ``data_dir`` (demo, tests, benches)."""
    storage = StorageSettings(database_url=default_sqlite_url(data_dir), data_dir=data_dir)
    return Settings(storage=storage, **serving)  # type: ignore[arg-type]
