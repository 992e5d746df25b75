"""The catalog, carts, orders with their lines and status history, and the payments that paid them.

Money is integer minor units of `orders.currency`; points are integers. Every quantity that
must not go wrong under concurrency moves by a conditional UPDATE (stock `>= qty`, status
`= expected`), and the database refuses the rest: CHECK stock >= 0, UNIQUE charge id.
"""

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, UtcDateTime, utcnow

ORDER_NO_PREFIX = "O"


class Product(Base):
    """A catalog item; `stock` is reserved by placing an order and given back by cancel/expiry/refund."""

    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("stock >= 0", name="stock_nonneg"),
        CheckConstraint("price >= 0", name="price_nonneg"),
        Index("ix_products_active_id", "active", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    sku: Mapped[str | None] = mapped_column(String(32), unique=True)  # the shop system's id, for its API
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    description_zh: Mapped[str] = mapped_column(String(1000), default="")
    description_en: Mapped[str] = mapped_column(String(1000), default="")
    price: Mapped[int] = mapped_column(BigInteger)  # minor units
    stock: Mapped[int] = mapped_column(Integer, default=0)
    photo: Mapped[str | None] = mapped_column(String(300))  # Telegram file_id or an https URL
    category: Mapped[str] = mapped_column(String(32), default="general", index=True)
    # Consumables; recommendations never offer a bought non-repeatable product again.
    repeatable: Mapped[bool] = mapped_column(Boolean, default=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CartItem(Base):
    """One product in a member's cart; the primary key keeps one row per member and product."""

    __tablename__ = "cart_items"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Order(Base):
    """An order and its money: `total = subtotal - coupon_discount - points_discount` is what is paid.

    `status` only moves by `UPDATE ... WHERE status = :expected` (services/orders/states.py), and
    `version` goes up with every move. `number` is `ORDER_NO_PREFIX` + the zero-padded id
    (format_order_no), so it is not stored. `external_ref` is the shop API's idempotency key.
    `earn_entry_id` is the ledger row of the points earned by paying it (revoked on refund).
    """

    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("subtotal >= 0", name="subtotal_nonneg"),
        CheckConstraint("total >= 0", name="total_nonneg"),
        CheckConstraint("coupon_discount >= 0", name="coupon_discount_nonneg"),
        CheckConstraint("points_used >= 0", name="points_used_nonneg"),
        CheckConstraint("points_discount >= 0", name="points_discount_nonneg"),
        CheckConstraint("refunded_amount >= 0 AND refunded_amount <= total", name="refunded_within_total"),
        Index("ix_orders_member_id_id", "member_id", "id"),
        Index("ix_orders_status_expires_at", "status", "expires_at"),
        Index("ix_orders_status_return_window", "status", "return_window_ends_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    status: Mapped[str] = mapped_column(String(24), default="pending_payment")
    subtotal: Mapped[int] = mapped_column(BigInteger)
    coupon_discount: Mapped[int] = mapped_column(BigInteger, default=0)
    points_used: Mapped[int] = mapped_column(Integer, default=0)
    points_discount: Mapped[int] = mapped_column(BigInteger, default=0)
    total: Mapped[int] = mapped_column(BigInteger)
    refunded_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    currency: Mapped[str] = mapped_column(String(8))
    coupon_id: Mapped[int | None] = mapped_column(ForeignKey("coupons.id"))
    points_earned: Mapped[int] = mapped_column(Integer, default=0)
    earn_entry_id: Mapped[int | None] = mapped_column(ForeignKey("points_ledger.id"))
    source: Mapped[str] = mapped_column(String(8), default="bot")  # bot | staff | api
    external_ref: Mapped[str | None] = mapped_column(String(64), unique=True)
    tracking: Mapped[str | None] = mapped_column(String(100))  # carrier and number, set when shipped
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # unpaid until then
    paid_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    shipped_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # cancelled or expired
    return_window_ends_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # delivered_at + window
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


def format_order_no(order_id: int) -> str:
    return f"{ORDER_NO_PREFIX}{order_id:08d}"


def parse_order_no(text: str) -> int | None:
    text = text.strip().upper()
    if text.startswith(ORDER_NO_PREFIX) and text[1:].isdigit():
        return int(text[1:])
    return None


class OrderLine(Base):
    """A product in an order at the price and name it had when the order was placed."""

    __tablename__ = "order_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price >= 0", name="unit_price_nonneg"),
        CheckConstraint("refunded_quantity >= 0 AND refunded_quantity <= quantity", name="refunded_within_quantity"),
        Index("ix_order_lines_product_order", "product_id", "order_id"),  # recommendations: co-purchases
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"), index=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    unit_price: Mapped[int] = mapped_column(BigInteger)
    quantity: Mapped[int] = mapped_column(Integer)
    refunded_quantity: Mapped[int] = mapped_column(Integer, default=0)


class OrderEvent(Base):
    """One status change of an order (the history /orders shows); `from_status` NULL when placed.

    `actor` is "member", "system" (expiry job), "staff:<telegram id>" or "api".
    """

    __tablename__ = "order_events"
    __table_args__ = (Index("ix_order_events_order_id_id", "order_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str] = mapped_column(String(24))
    actor: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # Set when the member was told of this change (the notification outbox claims it once).
    notified_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Payment(Base):
    """A successful Telegram payment; the UNIQUE charge id makes a repeated successful_payment a no-op."""

    __tablename__ = "payments"
    __table_args__ = (CheckConstraint("total_amount >= 0", name="total_amount_nonneg"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger)  # refundStarPayment needs it
    telegram_payment_charge_id: Mapped[str] = mapped_column(String(255), unique=True)
    provider_payment_charge_id: Mapped[str | None] = mapped_column(String(255))
    currency: Mapped[str] = mapped_column(String(8))
    total_amount: Mapped[int] = mapped_column(BigInteger)
    payload: Mapped[str] = mapped_column(String(128))
    refunded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
