"""contract offers and lifecycle: invited email, terms per week, policy versions, history

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from workdiary.server.models.base import UTCDateTime

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.alter_column("freelancer_id", existing_type=sa.String(length=32), nullable=True)
        batch_op.add_column(sa.Column("invited_email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("policy_version", sa.Integer(), nullable=False,
                                      server_default="1"))
        batch_op.create_index(batch_op.f("ix_contracts_invited_email"), ["invited_email"],
                              unique=False)
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.alter_column("policy_version", server_default=None)
    op.create_table(
        "contract_terms",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("contract_id", sa.String(length=32), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("rate_cents", sa.Integer(), nullable=False),
        sa.Column("weekly_limit_minutes", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["contract_id"], ["contracts.id"],
                                name=op.f("fk_contract_terms_contract_id_contracts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_terms")),
        sa.UniqueConstraint("contract_id", "week_start",
                            name=op.f("uq_contract_terms_contract_id")),
    )
    op.create_index(op.f("ix_contract_terms_contract_id"), "contract_terms", ["contract_id"],
                    unique=False)
    op.create_table(
        "contract_policies",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("contract_id", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("policy", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["contract_id"], ["contracts.id"],
                                name=op.f("fk_contract_policies_contract_id_contracts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_policies")),
        sa.UniqueConstraint("contract_id", "version",
                            name=op.f("uq_contract_policies_contract_id")),
    )
    op.create_index(op.f("ix_contract_policies_contract_id"), "contract_policies",
                    ["contract_id"], unique=False)
    op.create_table(
        "contract_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("contract_id", sa.String(length=32), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor_id", sa.String(length=32), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"],
                                name=op.f("fk_contract_events_actor_id_users")),
        sa.ForeignKeyConstraint(["contract_id"], ["contracts.id"],
                                name=op.f("fk_contract_events_contract_id_contracts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_events")),
    )
    op.create_index(op.f("ix_contract_events_contract_id"), "contract_events", ["contract_id"],
                    unique=False)


def downgrade() -> None:
    op.drop_table("contract_events")
    op.drop_table("contract_policies")
    op.drop_table("contract_terms")
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contracts_invited_email"))
        batch_op.drop_column("policy_version")
        batch_op.drop_column("invited_email")
        batch_op.alter_column("freelancer_id", existing_type=sa.String(length=32),
                              nullable=False)
