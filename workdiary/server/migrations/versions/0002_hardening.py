"""hardening: screenshot binding

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from workdiary.server.models.base import UTCDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("screenshots", schema=None) as batch_op:
        batch_op.add_column(sa.Column("device_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("stamp_segment_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("stamp_taken_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("screenshots", schema=None) as batch_op:
        batch_op.drop_column("stamp_taken_at")
        batch_op.drop_column("stamp_segment_id")
        batch_op.drop_column("device_id")
