"""dispute conversations and admins: dispute states and messages, an append-only audit log

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from workdiary.server.models.base import UTCDateTime

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# On PostgreSQL the database itself refuses to change or remove audit entries, whatever code
# (or a mistaken migration) asks; SQLite has no such guard beyond the product never asking.
# TRUNCATE stays possible: it is the operator's tool (and the tests' reset), not the product's.
_AUDIT_GUARD = """
CREATE OR REPLACE FUNCTION workdiary_audit_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION workdiary_audit_log_append_only();
"""


def upgrade() -> None:
    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("state", sa.String(length=16), server_default="open",
                                      nullable=False))
        batch_op.add_column(sa.Column("accepted_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("contested_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("escalate_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("escalated_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("decided_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("decided_by", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("decision_note", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_disputes_state"), ["state"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_disputes_decided_by_users"), "users",
                                    ["decided_by"], ["id"])
    op.execute("UPDATE disputes SET state = 'withdrawn' WHERE withdrawn_at IS NOT NULL")
    op.create_table(
        "dispute_messages",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("dispute_id", sa.String(length=32), nullable=False),
        sa.Column("author_id", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"],
                                name=op.f("fk_dispute_messages_author_id_users")),
        sa.ForeignKeyConstraint(["dispute_id"], ["disputes.id"], ondelete="CASCADE",
                                name=op.f("fk_dispute_messages_dispute_id_disputes")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_messages")),
    )
    op.create_index(op.f("ix_dispute_messages_dispute_id"), "dispute_messages", ["dispute_id"],
                    unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_AUDIT_GUARD)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS workdiary_audit_log_append_only()")
    op.drop_table("dispute_messages")
    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_disputes_decided_by_users"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_disputes_state"))
        for column in ("decision_note", "decided_by", "decided_at", "escalated_at",
                       "escalate_at", "contested_at", "accepted_at", "state"):
            batch_op.drop_column(column)
