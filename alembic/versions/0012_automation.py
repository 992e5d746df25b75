"""automation: rules per kind, one row per automated send, system broadcasts' text key and button

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 05:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "automation_rules",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("params", sa.Text(), nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("kind", name=op.f("pk_automation_rules")),
    )
    op.create_table(
        "automation_sends",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("member_id", BIG_ID, nullable=False),
        sa.Column("period", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("broadcast_id", BIG_ID, nullable=True),
        sa.Column("order_id", BIG_ID, nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_automation_sends_member_id_members")),
        sa.ForeignKeyConstraint(["broadcast_id"], ["broadcasts.id"],
                                name=op.f("fk_automation_sends_broadcast_id_broadcasts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_automation_sends")),
        sa.UniqueConstraint("kind", "member_id", "period", name="uq_automation_sends_kind_member_period"),
    )
    op.create_index("ix_automation_sends_kind_created", "automation_sends", ["kind", "created_at"])
    op.create_index("ix_automation_sends_broadcast", "automation_sends", ["broadcast_id"])
    op.create_index(op.f("ix_automation_sends_member_id"), "automation_sends", ["member_id"])
    with op.batch_alter_table("broadcasts") as batch:
        batch.add_column(sa.Column("text_key", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("button_key", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("button_data", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("broadcasts") as batch:
        batch.drop_column("button_data")
        batch.drop_column("button_key")
        batch.drop_column("text_key")
    op.drop_index(op.f("ix_automation_sends_member_id"), table_name="automation_sends")
    op.drop_index("ix_automation_sends_broadcast", table_name="automation_sends")
    op.drop_index("ix_automation_sends_kind_created", table_name="automation_sends")
    op.drop_table("automation_sends")
    op.drop_table("automation_rules")
