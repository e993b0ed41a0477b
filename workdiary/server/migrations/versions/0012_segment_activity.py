"""segments: the activity meter's tracked and active minutes as columns, and an index that
covers the team dashboard's week

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from workdiary.core.activity import activity_of
from workdiary.core.canonical import segment_from_dict
from workdiary.core.errors import DomainError

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000
DASHBOARD_COLUMNS = ["contract_id", "week_start", "deleted", "start", "end", "kind", "status",
                     "billable_seconds", "tracked_minutes", "active_minutes"]


def upgrade() -> None:
    with op.batch_alter_table("segments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tracked_minutes", sa.Integer(), server_default="0",
                                      nullable=False))
        batch_op.add_column(sa.Column("active_minutes", sa.Integer(), server_default="0",
                                      nullable=False))
    # Backfill from each stored body (its minutes); tombstones and manual time have none.
    segments = sa.table("segments", sa.column("id", sa.String()), sa.column("body", sa.JSON()),
                        sa.column("deleted", sa.Boolean()),
                        sa.column("tracked_minutes", sa.Integer()),
                        sa.column("active_minutes", sa.Integer()))
    bind = op.get_bind()
    last = ""
    while True:
        rows = bind.execute(sa.select(segments.c.id, segments.c.body)
                            .where(segments.c.id > last, segments.c.deleted.is_(False))
                            .order_by(segments.c.id).limit(BATCH)).all()
        if not rows:
            break
        for segment_id, body in rows:
            try:
                activity = activity_of(segment_from_dict(dict(body)).minutes)
            except (DomainError, KeyError, TypeError, ValueError):
                continue  # unreadable: stays 0, as if untracked
            if activity.tracked_minutes:
                bind.execute(segments.update().where(segments.c.id == segment_id).values(
                    tracked_minutes=activity.tracked_minutes,
                    active_minutes=activity.active_minutes))
        last = rows[-1][0]
    op.create_index("ix_segments_dashboard", "segments", DASHBOARD_COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_segments_dashboard", table_name="segments")
    with op.batch_alter_table("segments", schema=None) as batch_op:
        batch_op.drop_column("active_minutes")
        batch_op.drop_column("tracked_minutes")
