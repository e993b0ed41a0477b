"""Settings, the login rate limiter, the blob store and the migrations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from workdiary.core.clock import FakeClock
from workdiary.server.blobs import FileBlobStore
from workdiary.server.db import make_engine
from workdiary.server.migrate import upgrade_to_head
from workdiary.server.models import Base
from workdiary.server.ratelimit import LoginRateLimiter
from workdiary.server.settings import DEFAULT_SECRET_KEY, Settings, SettingsError


def test_default_secret_is_refused_outside_the_demo(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="WORKDIARY_SECRET_KEY"):
        Settings.from_env(data_dir=tmp_path, environ={})
    demo = Settings.from_env(data_dir=tmp_path, environ={}, demo=True)
    assert demo.secret_key == DEFAULT_SECRET_KEY


def test_settings_from_the_environment(tmp_path: Path) -> None:
    env = {"WORKDIARY_SERVER_DATA_DIR": str(tmp_path / "srv"), "WORKDIARY_SECRET_KEY": "s" * 40}
    settings = Settings.from_env(environ=env)
    assert settings.data_dir == tmp_path / "srv"
    assert settings.database_url == f"sqlite:///{(tmp_path / 'srv' / 'server.sqlite3')}"
    env["WORKDIARY_DATABASE_URL"] = "postgresql+psycopg://u@127.0.0.1/db"
    assert Settings.from_env(environ=env).database_url == env["WORKDIARY_DATABASE_URL"]
    # Arguments win over the environment.
    assert Settings.from_env(environ=env, database_url="sqlite:///x.db").database_url == (
        "sqlite:///x.db")
    with pytest.raises(SettingsError):
        Settings.from_env(environ=env, max_body_bytes=10)


def test_rate_limiter_window(database_url: str) -> None:
    from workdiary.server.db import make_sessionmaker

    clock = FakeClock(datetime(2026, 1, 5, tzinfo=UTC))
    engine = make_engine(database_url)
    limiter = LoginRateLimiter(clock, make_sessionmaker(engine), per_account=3, per_address=3,
                               window=timedelta(minutes=10))
    for _ in range(3):
        assert limiter.retry_after("A@x.io", "1.2.3.4") == 0
        limiter.record_failure("a@x.io ", "1.2.3.4")
    assert limiter.retry_after("a@x.io", "1.2.3.4") == 600
    assert limiter.retry_after("a@x.io", "5.6.7.8") == 600  # the account is limited anywhere
    assert limiter.retry_after("b@x.io", "1.2.3.4") == 600  # the address for any account
    assert limiter.retry_after("b@x.io", "5.6.7.8") == 0
    clock.advance(599)
    assert limiter.retry_after("a@x.io", "1.2.3.4") == 1
    clock.advance(1)
    assert limiter.retry_after("a@x.io", "1.2.3.4") == 0
    limiter.record_failure("a@x.io", "1.2.3.4")
    limiter.reset("a@x.io", "1.2.3.4")
    assert limiter.retry_after("a@x.io", "1.2.3.4") == 0
    engine.dispose()


def test_file_blob_store(tmp_path: Path) -> None:
    store = FileBlobStore(tmp_path / "blobs")
    sha = "ab" + "0" * 62
    assert not store.exists(sha) and store.get(sha) is None
    store.put(sha, b"one")
    store.put(sha, b"ignored: content-addressed, first write wins")
    assert store.exists(sha) and store.get(sha) == b"one"
    assert (tmp_path / "blobs" / "ab" / sha).is_file()
    store.delete(sha)
    store.delete(sha)
    assert not store.exists(sha)
    with pytest.raises(ValueError):
        store.put("../../etc/passwd", b"x")
    assert list((tmp_path / "blobs" / "ab").iterdir()) == []  # no temp files left


def test_migrations_match_the_models(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade_to_head(engine)  # already at head: a no-op
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []


def test_fresh_sqlite_is_migrated_by_the_app(tmp_path: Path) -> None:
    from workdiary.server.app import create_app

    settings = Settings.from_env(data_dir=tmp_path / "fresh", environ={}, demo=True,
                                 close_weeks_interval=0)
    app = create_app(settings)
    from alembic.script import ScriptDirectory
    from sqlalchemy import text

    from workdiary.server.migrate import alembic_config

    head = ScriptDirectory.from_config(alembic_config(app.state.engine)).get_current_head()
    assert head is not None
    with app.state.sessionmaker() as session:
        assert session.execute(text("SELECT version_num FROM alembic_version")).scalar() == head
    app.state.engine.dispose()
