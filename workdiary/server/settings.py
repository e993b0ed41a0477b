"""Typed server settings: built once in the composition root, never at import time.

Values come from arguments first, then the environment (``WORKDIARY_DATABASE_URL``,
``WORKDIARY_SERVER_DATA_DIR``, ``WORKDIARY_SECRET_KEY``), then defaults in code.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

DEFAULT_SECRET_KEY = "workdiary-insecure-default-secret-change-me"
MIB = 1024 * 1024


class SettingsError(ValueError):
    """The settings cannot start a server; the message says what to change."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the server needs to start. Build with :meth:`from_env` or directly in tests."""

    database_url: str
    data_dir: Path
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
    # Proxies whose X-Forwarded-For/-Proto are believed (comma-separated IPs or networks, "*"
    # for any); empty: none ($WORKDIARY_FORWARDED_ALLOW_IPS, `server run --forwarded-allow-ips`).
    forwarded_allow_ips: str = ""
    # The address users reach the server at ($WORKDIARY_PUBLIC_URL); https:// makes the web
    # session cookie Secure whatever the connection to this process looks like.
    public_url: str = ""

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

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"

    @classmethod
    def from_env(
        cls,
        *,
        database_url: str | None = None,
        data_dir: str | Path | None = None,
        secret_key: str | None = None,
        demo: bool = False,
        environ: Mapping[str, str] | None = None,
        **overrides: object,
    ) -> Settings:
        """Settings from arguments, else the environment, else defaults.

        The default database is a SQLite file in the data dir; the default data dir is
        the platform's user data dir for ``workdiary-server``.
        """
        env = os.environ if environ is None else environ
        folder = resolve_data_dir(data_dir, env)
        url = resolve_database_url(database_url, folder, env)
        secret = secret_key or env.get("WORKDIARY_SECRET_KEY") or DEFAULT_SECRET_KEY
        for field_name, variable in (("forwarded_allow_ips", "WORKDIARY_FORWARDED_ALLOW_IPS"),
                                     ("public_url", "WORKDIARY_PUBLIC_URL")):
            if overrides.get(field_name) is None and env.get(variable):
                overrides[field_name] = env[variable]
            elif overrides.get(field_name) is None:
                overrides.pop(field_name, None)
        return cls(
            database_url=url, data_dir=folder, secret_key=secret, demo=demo,
            **overrides,  # type: ignore[arg-type]
        )


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
