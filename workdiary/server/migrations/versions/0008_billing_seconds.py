"""billing by the second: segments and invoices keep seconds instead of minutes

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, old minute column, new second column)
COLUMNS = (
    ("segments", "billable_minutes", "billable_seconds"),
    ("segments", "over_limit_minutes", "over_limit_seconds"),
    ("invoices", "billable_minutes", "billable_seconds"),
    ("invoices", "disputed_minutes", "disputed_seconds"),
)


def _convert(old_to_new: Sequence[tuple[str, str, str]], factor: str) -> None:
    for table in sorted({t for t, _, _ in old_to_new}):
        pairs = [(old, new) for t, old, new in old_to_new if t == table]
        with op.batch_alter_table(table, schema=None) as batch_op:
            for _, new in pairs:
                batch_op.add_column(sa.Column(new, sa.Integer(), nullable=True))
        assignments = ", ".join(f"{new} = {old} {factor}" for old, new in pairs)
        op.execute(f"UPDATE {table} SET {assignments}")
        with op.batch_alter_table(table, schema=None) as batch_op:
            for old, new in pairs:
                batch_op.alter_column(new, existing_type=sa.Integer(), nullable=False)
                batch_op.drop_column(old)


def upgrade() -> None:
    # What was billed before stays billed: a stored minute is exactly 60 seconds.
    _convert(COLUMNS, "* 60")


def downgrade() -> None:
    # Back to whole minutes, rounded down as the minute fields always were.
    _convert([(t, new, old) for t, old, new in COLUMNS], "/ 60")
