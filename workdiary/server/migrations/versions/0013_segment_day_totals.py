"""segment_day_totals: each contract's segments summed per UTC day, for the team dashboard

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000
FIELDS = ("billed_seconds", "manual_seconds", "unprotected_seconds", "tracked_minutes",
          "active_minutes")


def upgrade() -> None:
    op.create_table(
        "segment_day_totals",
        sa.Column("contract_id", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in FIELDS),
        sa.ForeignKeyConstraint(["contract_id"], ["contracts.id"],
                                name=op.f("fk_segment_day_totals_contract_id_contracts")),
        sa.PrimaryKeyConstraint("contract_id", "day", name=op.f("pk_segment_day_totals")),
    )
    # Backfill: every stored (not deleted) segment added to its UTC day, as
    # services/day_totals.py does at upload (kept here as it was, so the revision stays fixed).
    segments = sa.table(
        "segments", sa.column("id", sa.String()), sa.column("contract_id", sa.String()),
        sa.column("start", sa.DateTime()), sa.column("kind", sa.String()),
        sa.column("status", sa.String()), sa.column("billable_seconds", sa.Integer()),
        sa.column("tracked_minutes", sa.Integer()), sa.column("active_minutes", sa.Integer()),
        sa.column("deleted", sa.Boolean()))
    totals = sa.table("segment_day_totals", sa.column("contract_id", sa.String()),
                      sa.column("day", sa.Date()), *(sa.column(n, sa.Integer()) for n in FIELDS))
    bind = op.get_bind()
    sums: dict[tuple[str, date], list[int]] = defaultdict(lambda: [0] * len(FIELDS))
    last = ""
    while True:
        rows = bind.execute(
            sa.select(segments.c.id, segments.c.contract_id, segments.c.start, segments.c.kind,
                      segments.c.status, segments.c.billable_seconds,
                      segments.c.tracked_minutes, segments.c.active_minutes)
            .where(segments.c.id > last, segments.c.deleted.is_(False))
            .order_by(segments.c.id).limit(BATCH)).all()
        if not rows:
            break
        for _, contract_id, start, kind, status, billable, tracked, active in rows:
            day = (start.astimezone(UTC) if start.tzinfo else start).date()  # SQLite: naive UTC
            total = sums[(contract_id, day)]
            billable = billable or 0
            total[0] += billable
            total[1] += billable if kind == "manual" else 0
            total[2] += billable if kind != "manual" and status == "unprotected" else 0
            total[3] += tracked or 0
            total[4] += active or 0
        last = rows[-1][0]
    values = [{"contract_id": c, "day": d, **dict(zip(FIELDS, v, strict=True))}
              for (c, d), v in sums.items()]
    for i in range(0, len(values), BATCH):
        bind.execute(totals.insert(), values[i:i + BATCH])


def downgrade() -> None:
    op.drop_table("segment_day_totals")
