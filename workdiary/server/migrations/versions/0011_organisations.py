"""organisations: client teams, their members and invitations; contracts.organisation_id

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from workdiary.server.models.base import UTCDateTime

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"],
                                name=op.f("fk_organisations_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
    )
    op.create_index(op.f("ix_organisations_created_by"), "organisations", ["created_by"])
    op.create_table(
        "organisation_members",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("organisation_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.Column("added_by", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["added_by"], ["users.id"],
                                name=op.f("fk_organisation_members_added_by_users")),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], ondelete="CASCADE",
            name=op.f("fk_organisation_members_organisation_id_organisations")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_organisation_members_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_members")),
        sa.UniqueConstraint("organisation_id", "user_id",
                            name=op.f("uq_organisation_members_organisation_id")),
    )
    op.create_index(op.f("ix_organisation_members_organisation_id"), "organisation_members",
                    ["organisation_id"])
    op.create_index(op.f("ix_organisation_members_user_id"), "organisation_members",
                    ["user_id"])
    op.create_table(
        "organisation_invitations",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("organisation_id", sa.String(length=32), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("invited_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("accepted_at", UTCDateTime(), nullable=True),
        sa.Column("accepted_by", sa.String(length=32), nullable=True),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["accepted_by"], ["users.id"],
                                name=op.f("fk_organisation_invitations_accepted_by_users")),
        sa.ForeignKeyConstraint(["invited_by"], ["users.id"],
                                name=op.f("fk_organisation_invitations_invited_by_users")),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], ondelete="CASCADE",
            name=op.f("fk_organisation_invitations_organisation_id_organisations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_invitations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_organisation_invitations_token_hash")),
    )
    op.create_index(op.f("ix_organisation_invitations_organisation_id"),
                    "organisation_invitations", ["organisation_id"])
    op.create_index(op.f("ix_organisation_invitations_email"), "organisation_invitations",
                    ["email"])
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organisation_id", sa.String(length=32), nullable=True))
        batch_op.create_index(batch_op.f("ix_contracts_organisation_id"), ["organisation_id"],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_contracts_organisation_id_organisations"),
                                    "organisations", ["organisation_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_contracts_organisation_id_organisations"),
                                 type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_contracts_organisation_id"))
        batch_op.drop_column("organisation_id")
    op.drop_table("organisation_invitations")
    op.drop_table("organisation_members")
    op.drop_table("organisations")
