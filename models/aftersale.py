"""After an order is paid: refunds, members' return/refund requests, and reviews.

One open return request per order is the database's job: `open_key` holds the order id
while the request is open and NULL once decided, and it is UNIQUE (NULLs never collide).
"""

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, UtcDateTime, utcnow


class Refund(Base):
    """Money given back for an order, once per `idempotency_key`; lines in refund_lines (none: whole order)."""

    __tablename__ = "refunds"
    __table_args__ = (
        CheckConstraint("amount >= 0", name="amount_nonneg"),
        CheckConstraint("points_revoked >= 0", name="points_revoked_nonneg"),
        CheckConstraint("points_returned >= 0", name="points_returned_nonneg"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("return_requests.id"))
    full: Mapped[bool] = mapped_column(Boolean, default=False)
    amount: Mapped[int] = mapped_column(BigInteger)  # minor units
    points_revoked: Mapped[int] = mapped_column(Integer, default=0)  # earned points taken back
    points_returned: Mapped[int] = mapped_column(Integer, default=0)  # spent points given back
    coupon_restored: Mapped[bool] = mapped_column(Boolean, default=False)
    restocked: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str | None] = mapped_column(String(200))
    idempotency_key: Mapped[str] = mapped_column(String(100), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | done | failed
    star_refund_done: Mapped[bool] = mapped_column(Boolean, default=False)
    actor: Mapped[str | None] = mapped_column(String(32))  # "staff:<telegram id>", "api", ...
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class RefundLine(Base):
    """How many of one order line a refund gives back, and for how much."""

    __tablename__ = "refund_lines"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    refund_id: Mapped[int] = mapped_column(ForeignKey("refunds.id"), primary_key=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(BigInteger)


class ReturnRequest(Base):
    """A member's return (退货) or refund (退款) request; staff approve (the refund runs) or reject."""

    __tablename__ = "return_requests"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # return | refund
    reason_code: Mapped[str] = mapped_column(String(32))
    text: Mapped[str | None] = mapped_column(String(1000))
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | approved | rejected
    open_key: Mapped[int | None] = mapped_column(BigInteger, unique=True)  # = order_id while open
    reject_reason: Mapped[str | None] = mapped_column(String(500))
    staff_id: Mapped[int | None] = mapped_column(BigInteger)  # Telegram id of who decided
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ReturnRequestLine(Base):
    """Part of a request for chosen lines; a request without lines is for the whole order."""

    __tablename__ = "return_request_lines"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    request_id: Mapped[int] = mapped_column(ForeignKey("return_requests.id"), primary_key=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer)


class ReturnRequestPhoto(Base):
    __tablename__ = "return_request_photos"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("return_requests.id"), index=True)
    file_id: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Review(Base):
    """One review per order (UNIQUE order_id), so its points are given once."""

    __tablename__ = "reviews"
    __table_args__ = (CheckConstraint("stars >= 1 AND stars <= 5", name="stars_range"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    stars: Mapped[int] = mapped_column(Integer)
    text: Mapped[str | None] = mapped_column(String(1000))
    points_awarded: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
