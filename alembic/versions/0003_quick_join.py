"""quick join: username and password optional, the language a Telegram client reported

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 03:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("telegram_users") as batch:
        batch.add_column(sa.Column("client_language", sa.String(length=8), nullable=True))
    with op.batch_alter_table("members") as batch:
        batch.alter_column("username", existing_type=sa.String(length=20), nullable=True)
        batch.alter_column("username_key", existing_type=sa.String(length=20), nullable=True)
        batch.alter_column("password_hash", existing_type=sa.String(length=100), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.alter_column("password_hash", existing_type=sa.String(length=100), nullable=False)
        batch.alter_column("username_key", existing_type=sa.String(length=20), nullable=False)
        batch.alter_column("username", existing_type=sa.String(length=20), nullable=False)
    with op.batch_alter_table("telegram_users") as batch:
        batch.drop_column("client_language")
