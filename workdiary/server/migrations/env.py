"""Alembic environment: online migrations on the engine handed in by workdiary.server.migrate."""

from __future__ import annotations

from alembic import context

from workdiary.server.models import Base

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    context.run_migrations()
