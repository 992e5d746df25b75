"""orders: catalog, carts, orders, lines, status events, payments; refunds, return requests, reviews

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 04:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "products",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("sku", sa.String(length=32), nullable=True),
        sa.Column("name_zh", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("description_zh", sa.String(length=1000), nullable=False),
        sa.Column("description_en", sa.String(length=1000), nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.Column("stock", sa.Integer(), nullable=False),
        sa.Column("photo", sa.String(length=300), nullable=True),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("repeatable", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("price >= 0", name=op.f("ck_products_price_nonneg")),
        sa.CheckConstraint("stock >= 0", name=op.f("ck_products_stock_nonneg")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
        sa.UniqueConstraint("sku", name=op.f("uq_products_sku"))
    )
    with op.batch_alter_table("products") as batch:
        batch.create_index("ix_products_active_id", ["active", "id"], unique=False)
        batch.create_index(batch.f("ix_products_category"), ["category"], unique=False)
    op.create_table(
        "cart_items",
        sa.Column("member_id", BIG_ID, nullable=False),
        sa.Column("product_id", BIG_ID, nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_cart_items_quantity_positive")),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_cart_items_member_id_members")),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], name=op.f("fk_cart_items_product_id_products")),
        sa.PrimaryKeyConstraint("member_id", "product_id", name=op.f("pk_cart_items"))
    )
    op.create_table(
        "orders",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("member_id", BIG_ID, nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("subtotal", sa.BigInteger(), nullable=False),
        sa.Column("coupon_discount", sa.BigInteger(), nullable=False),
        sa.Column("points_used", sa.Integer(), nullable=False),
        sa.Column("points_discount", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("refunded_amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=8), nullable=False),
        sa.Column("coupon_id", BIG_ID, nullable=True),
        sa.Column("points_earned", sa.Integer(), nullable=False),
        sa.Column("earn_entry_id", BIG_ID, nullable=True),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("external_ref", sa.String(length=64), nullable=True),
        sa.Column("tracking", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("shipped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("return_window_ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("coupon_discount >= 0", name=op.f("ck_orders_coupon_discount_nonneg")),
        sa.CheckConstraint("points_discount >= 0", name=op.f("ck_orders_points_discount_nonneg")),
        sa.CheckConstraint("points_used >= 0", name=op.f("ck_orders_points_used_nonneg")),
        sa.CheckConstraint("refunded_amount >= 0 AND refunded_amount <= total", name=op.f("ck_orders_refunded_within_total")),
        sa.CheckConstraint("subtotal >= 0", name=op.f("ck_orders_subtotal_nonneg")),
        sa.CheckConstraint("total >= 0", name=op.f("ck_orders_total_nonneg")),
        sa.ForeignKeyConstraint(["coupon_id"], ["coupons.id"], name=op.f("fk_orders_coupon_id_coupons")),
        sa.ForeignKeyConstraint(["earn_entry_id"], ["points_ledger.id"], name=op.f("fk_orders_earn_entry_id_points_ledger")),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_orders_member_id_members")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        sa.UniqueConstraint("external_ref", name=op.f("uq_orders_external_ref"))
    )
    with op.batch_alter_table("orders") as batch:
        batch.create_index("ix_orders_member_id_id", ["member_id", "id"], unique=False)
        batch.create_index("ix_orders_status_expires_at", ["status", "expires_at"], unique=False)
        batch.create_index("ix_orders_status_return_window", ["status", "return_window_ends_at"], unique=False)
    op.create_table(
        "order_events",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("order_id", BIG_ID, nullable=False),
        sa.Column("from_status", sa.String(length=24), nullable=True),
        sa.Column("to_status", sa.String(length=24), nullable=False),
        sa.Column("actor", sa.String(length=32), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("notified_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_order_events_order_id_orders")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_events"))
    )
    with op.batch_alter_table("order_events") as batch:
        batch.create_index("ix_order_events_order_id_id", ["order_id", "id"], unique=False)
    op.create_table(
        "order_lines",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("order_id", BIG_ID, nullable=False),
        sa.Column("product_id", BIG_ID, nullable=True),
        sa.Column("name_zh", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("unit_price", sa.BigInteger(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("refunded_quantity", sa.Integer(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_order_lines_quantity_positive")),
        sa.CheckConstraint("refunded_quantity >= 0 AND refunded_quantity <= quantity", name=op.f("ck_order_lines_refunded_within_quantity")),
        sa.CheckConstraint("unit_price >= 0", name=op.f("ck_order_lines_unit_price_nonneg")),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_order_lines_order_id_orders")),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], name=op.f("fk_order_lines_product_id_products")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_lines"))
    )
    with op.batch_alter_table("order_lines") as batch:
        batch.create_index(batch.f("ix_order_lines_order_id"), ["order_id"], unique=False)
        batch.create_index(batch.f("ix_order_lines_product_id"), ["product_id"], unique=False)
    op.create_table(
        "payments",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("order_id", BIG_ID, nullable=False),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=False),
        sa.Column("telegram_payment_charge_id", sa.String(length=255), nullable=False),
        sa.Column("provider_payment_charge_id", sa.String(length=255), nullable=True),
        sa.Column("currency", sa.String(length=8), nullable=False),
        sa.Column("total_amount", sa.BigInteger(), nullable=False),
        sa.Column("payload", sa.String(length=128), nullable=False),
        sa.Column("refunded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("total_amount >= 0", name=op.f("ck_payments_total_amount_nonneg")),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_payments_order_id_orders")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.UniqueConstraint("telegram_payment_charge_id", name=op.f("uq_payments_telegram_payment_charge_id"))
    )
    with op.batch_alter_table("payments") as batch:
        batch.create_index(batch.f("ix_payments_order_id"), ["order_id"], unique=False)
    op.create_table(
        "return_requests",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("order_id", BIG_ID, nullable=False),
        sa.Column("member_id", BIG_ID, nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("reason_code", sa.String(length=32), nullable=False),
        sa.Column("text", sa.String(length=1000), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("open_key", sa.BigInteger(), nullable=True),
        sa.Column("reject_reason", sa.String(length=500), nullable=True),
        sa.Column("staff_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_return_requests_member_id_members")),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_return_requests_order_id_orders")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_requests")),
        sa.UniqueConstraint("open_key", name=op.f("uq_return_requests_open_key"))
    )
    with op.batch_alter_table("return_requests") as batch:
        batch.create_index(batch.f("ix_return_requests_member_id"), ["member_id"], unique=False)
        batch.create_index(batch.f("ix_return_requests_order_id"), ["order_id"], unique=False)
    op.create_table(
        "reviews",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("order_id", BIG_ID, nullable=False),
        sa.Column("member_id", BIG_ID, nullable=False),
        sa.Column("stars", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=1000), nullable=True),
        sa.Column("points_awarded", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("stars >= 1 AND stars <= 5", name=op.f("ck_reviews_stars_range")),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_reviews_member_id_members")),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_reviews_order_id_orders")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
        sa.UniqueConstraint("order_id", name=op.f("uq_reviews_order_id"))
    )
    with op.batch_alter_table("reviews") as batch:
        batch.create_index(batch.f("ix_reviews_member_id"), ["member_id"], unique=False)
    op.create_table(
        "refunds",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("order_id", BIG_ID, nullable=False),
        sa.Column("request_id", BIG_ID, nullable=True),
        sa.Column("full", sa.Boolean(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("points_revoked", sa.Integer(), nullable=False),
        sa.Column("points_returned", sa.Integer(), nullable=False),
        sa.Column("coupon_restored", sa.Boolean(), nullable=False),
        sa.Column("restocked", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("idempotency_key", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("star_refund_done", sa.Boolean(), nullable=False),
        sa.Column("actor", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_refunds_amount_nonneg")),
        sa.CheckConstraint("points_returned >= 0", name=op.f("ck_refunds_points_returned_nonneg")),
        sa.CheckConstraint("points_revoked >= 0", name=op.f("ck_refunds_points_revoked_nonneg")),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_refunds_order_id_orders")),
        sa.ForeignKeyConstraint(["request_id"], ["return_requests.id"], name=op.f("fk_refunds_request_id_return_requests")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refunds")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_refunds_idempotency_key"))
    )
    with op.batch_alter_table("refunds") as batch:
        batch.create_index(batch.f("ix_refunds_order_id"), ["order_id"], unique=False)
    op.create_table(
        "return_request_lines",
        sa.Column("request_id", BIG_ID, nullable=False),
        sa.Column("order_line_id", BIG_ID, nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_return_request_lines_quantity_positive")),
        sa.ForeignKeyConstraint(["order_line_id"], ["order_lines.id"], name=op.f("fk_return_request_lines_order_line_id_order_lines")),
        sa.ForeignKeyConstraint(["request_id"], ["return_requests.id"], name=op.f("fk_return_request_lines_request_id_return_requests")),
        sa.PrimaryKeyConstraint("request_id", "order_line_id", name=op.f("pk_return_request_lines"))
    )
    op.create_table(
        "return_request_photos",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("request_id", BIG_ID, nullable=False),
        sa.Column("file_id", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["return_requests.id"], name=op.f("fk_return_request_photos_request_id_return_requests")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_request_photos"))
    )
    with op.batch_alter_table("return_request_photos") as batch:
        batch.create_index(batch.f("ix_return_request_photos_request_id"), ["request_id"], unique=False)
    op.create_table(
        "refund_lines",
        sa.Column("refund_id", BIG_ID, nullable=False),
        sa.Column("order_line_id", BIG_ID, nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_refund_lines_quantity_positive")),
        sa.ForeignKeyConstraint(["order_line_id"], ["order_lines.id"], name=op.f("fk_refund_lines_order_line_id_order_lines")),
        sa.ForeignKeyConstraint(["refund_id"], ["refunds.id"], name=op.f("fk_refund_lines_refund_id_refunds")),
        sa.PrimaryKeyConstraint("refund_id", "order_line_id", name=op.f("pk_refund_lines"))
    )


def downgrade() -> None:
    op.drop_table("refund_lines")
    with op.batch_alter_table("return_request_photos") as batch:
        batch.drop_index(batch.f("ix_return_request_photos_request_id"))
    op.drop_table("return_request_photos")
    op.drop_table("return_request_lines")
    with op.batch_alter_table("refunds") as batch:
        batch.drop_index(batch.f("ix_refunds_order_id"))
    op.drop_table("refunds")
    with op.batch_alter_table("reviews") as batch:
        batch.drop_index(batch.f("ix_reviews_member_id"))
    op.drop_table("reviews")
    with op.batch_alter_table("return_requests") as batch:
        batch.drop_index(batch.f("ix_return_requests_order_id"))
        batch.drop_index(batch.f("ix_return_requests_member_id"))
    op.drop_table("return_requests")
    with op.batch_alter_table("payments") as batch:
        batch.drop_index(batch.f("ix_payments_order_id"))
    op.drop_table("payments")
    with op.batch_alter_table("order_lines") as batch:
        batch.drop_index(batch.f("ix_order_lines_product_id"))
        batch.drop_index(batch.f("ix_order_lines_order_id"))
    op.drop_table("order_lines")
    with op.batch_alter_table("order_events") as batch:
        batch.drop_index("ix_order_events_order_id_id")
    op.drop_table("order_events")
    with op.batch_alter_table("orders") as batch:
        batch.drop_index("ix_orders_status_return_window")
        batch.drop_index("ix_orders_status_expires_at")
        batch.drop_index("ix_orders_member_id_id")
    op.drop_table("orders")
    op.drop_table("cart_items")
    with op.batch_alter_table("products") as batch:
        batch.drop_index(batch.f("ix_products_category"))
        batch.drop_index("ix_products_active_id")
    op.drop_table("products")
