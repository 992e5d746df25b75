"""privacy: the /mydata rate limit (when each member last downloaded their data)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 04:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "data_exports",
        sa.Column("member_id", BIG_ID, nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_data_exports_member_id_members")),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_data_exports")),
    )


def downgrade() -> None:
    op.drop_table("data_exports")
