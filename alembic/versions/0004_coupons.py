"""coupons: campaigns, coupons, per-member claim slots, gift links

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 02:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "coupon_campaigns",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name_zh", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount_off", sa.BigInteger(), nullable=True),
        sa.Column("percent_off", sa.Integer(), nullable=True),
        sa.Column("max_discount", sa.BigInteger(), nullable=True),
        sa.Column("min_spend", sa.BigInteger(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("valid_days", sa.Integer(), nullable=True),
        sa.Column("stock", sa.Integer(), nullable=True),
        sa.Column("claimed", sa.Integer(), nullable=False),
        sa.Column("per_member_limit", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("points_price", sa.Integer(), nullable=True),
        sa.Column("redeem_code", sa.String(length=32), nullable=True),
        sa.Column("min_tier", sa.String(length=16), nullable=True),
        sa.Column("giftable", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("claimed >= 0", name=op.f("ck_coupon_campaigns_claimed_nonneg")),
        sa.CheckConstraint(
            "stock IS NULL OR claimed <= stock", name=op.f("ck_coupon_campaigns_claimed_within_stock")
        ),
        sa.CheckConstraint("per_member_limit >= 1", name=op.f("ck_coupon_campaigns_per_member_limit_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coupon_campaigns")),
        sa.UniqueConstraint("code", name=op.f("uq_coupon_campaigns_code")),
        sa.UniqueConstraint("redeem_code", name=op.f("uq_coupon_campaigns_redeem_code")),
    )
    op.create_table(
        "coupons",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("campaign_id", BIG_ID, nullable=False),
        sa.Column("member_id", BIG_ID, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("locked_order_id", sa.String(length=64), nullable=True),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_from", BIG_ID, nullable=True),
        sa.Column("nudged_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["received_from"], ["members.id"], name=op.f("fk_coupons_received_from_members")),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["coupon_campaigns.id"], name=op.f("fk_coupons_campaign_id_coupon_campaigns")
        ),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_coupons_member_id_members")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coupons")),
        sa.UniqueConstraint("code", name=op.f("uq_coupons_code")),
    )
    with op.batch_alter_table("coupons") as batch:
        batch.create_index(batch.f("ix_coupons_campaign_id"), ["campaign_id"], unique=False)
        batch.create_index("ix_coupons_member_status", ["member_id", "status"], unique=False)
        batch.create_index("ix_coupons_status_valid_until", ["status", "valid_until"], unique=False)
    op.create_table(
        "coupon_claims",
        sa.Column("campaign_id", BIG_ID, nullable=False),
        sa.Column("member_id", BIG_ID, nullable=False),
        sa.Column("n", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["coupon_campaigns.id"], name=op.f("fk_coupon_claims_campaign_id_coupon_campaigns")
        ),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_coupon_claims_member_id_members")),
        sa.PrimaryKeyConstraint("campaign_id", "member_id", "n", name=op.f("pk_coupon_claims")),
    )
    op.create_table(
        "coupon_gifts",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("coupon_id", BIG_ID, nullable=False),
        sa.Column("giver_id", BIG_ID, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("receiver_id", BIG_ID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["coupon_id"], ["coupons.id"], name=op.f("fk_coupon_gifts_coupon_id_coupons")),
        sa.ForeignKeyConstraint(["giver_id"], ["members.id"], name=op.f("fk_coupon_gifts_giver_id_members")),
        sa.ForeignKeyConstraint(["receiver_id"], ["members.id"], name=op.f("fk_coupon_gifts_receiver_id_members")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coupon_gifts")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_coupon_gifts_token_hash")),
    )
    with op.batch_alter_table("coupon_gifts") as batch:
        batch.create_index(batch.f("ix_coupon_gifts_coupon_id"), ["coupon_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("coupon_gifts") as batch:
        batch.drop_index(batch.f("ix_coupon_gifts_coupon_id"))
    op.drop_table("coupon_gifts")
    op.drop_table("coupon_claims")
    with op.batch_alter_table("coupons") as batch:
        batch.drop_index("ix_coupons_status_valid_until")
        batch.drop_index("ix_coupons_member_status")
        batch.drop_index(batch.f("ix_coupons_campaign_id"))
    op.drop_table("coupons")
    op.drop_table("coupon_campaigns")
