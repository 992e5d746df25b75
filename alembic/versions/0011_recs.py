"""recs: anti-abuse memory (identity marks, reward claims, birthday changes) and the co-purchase index

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 05:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "identity_marks",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("member_id", BIG_ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_identity_marks_member_id_members")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_marks")),
        sa.UniqueConstraint("member_id", "kind", "key_hash", name="uq_identity_marks_member_kind_key"),
    )
    op.create_index("ix_identity_marks_kind_key", "identity_marks", ["kind", "key_hash"])
    op.create_table(
        "reward_claims",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("reward", sa.String(length=16), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("member_id", BIG_ID, nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_reward_claims_member_id_members")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reward_claims")),
        sa.UniqueConstraint("key_hash", "reward", "period", name="uq_reward_claims_key_reward_period"),
    )
    op.create_index(op.f("ix_reward_claims_member_id"), "reward_claims", ["member_id"])
    op.create_table(
        "birthday_changes",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("member_id", BIG_ID, nullable=False),
        sa.Column("changed_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_birthday_changes_member_id_members")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_birthday_changes")),
    )
    op.create_index("ix_birthday_changes_member_at", "birthday_changes", ["member_id", "changed_at"])
    op.create_index("ix_order_lines_product_order", "order_lines", ["product_id", "order_id"])


def downgrade() -> None:
    op.drop_index("ix_order_lines_product_order", table_name="order_lines")
    op.drop_table("birthday_changes")
    op.drop_table("reward_claims")
    op.drop_table("identity_marks")
