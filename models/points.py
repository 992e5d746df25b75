"""The points ledger, the lots it spends from, check-ins, expiry reminders and tier changes."""

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, UtcDateTime, utcnow


class PointsLedger(Base):
    """One row per balance change; rows are never updated or deleted (a revoke is a new row).

    `amount` is the signed change of the member's total (available + frozen) and
    `frozen_delta` the signed change of the frozen part, so summing both columns over a
    member's rows gives their balances back (what the audit checks).
    """

    __tablename__ = "points_ledger"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    amount: Mapped[int] = mapped_column(Integer)
    frozen_delta: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    available_after: Mapped[int] = mapped_column(Integer)
    frozen_after: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(String(200))
    ref_type: Mapped[str | None] = mapped_column(String(16))
    ref_id: Mapped[str | None] = mapped_column(String(64))
    # Minor units paid for an order (earn) or given back (refund): the tier's 12-month spend.
    paid_amount: Mapped[int | None] = mapped_column(BigInteger)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("points_ledger.id"))
    earned_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    idempotency_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    @property
    def available_delta(self) -> int:
        return self.amount - self.frozen_delta


class PointsLot(Base):
    """What is left of one credit, so spending takes the oldest points and expiry knows what to take.

    `pending` waits for `release_at` (an order's return window), `held` is frozen by staff;
    for every member the lots add up to the balances on the member row.
    """

    __tablename__ = "points_lots"
    __table_args__ = (
        CheckConstraint("available >= 0", name="available_nonneg"),
        CheckConstraint("pending >= 0", name="pending_nonneg"),
        CheckConstraint("held >= 0", name="held_nonneg"),
        Index("ix_points_lots_member_fifo", "member_id", "expires_at", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("points_ledger.id"), unique=True)
    amount: Mapped[int] = mapped_column(Integer)
    available: Mapped[int] = mapped_column(Integer)
    pending: Mapped[int] = mapped_column(Integer, default=0)
    held: Mapped[int] = mapped_column(Integer, default=0)
    release_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    earned_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class PointsCheckin(Base):
    """One row per member and local day: the primary key is what makes check-in once a day."""

    __tablename__ = "points_checkins"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    streak: Mapped[int] = mapped_column(Integer)
    points: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class PointsReminder(Base):
    """An expiry reminder claimed by one process; the key makes each reminder go out once."""

    __tablename__ = "points_reminders"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, primary_key=True)
    days_before: Mapped[int] = mapped_column(Integer, primary_key=True)
    points: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class TierChange(Base):
    """A tier move waiting to be announced (an outbox, so any process or the shop API can cause it)."""

    __tablename__ = "tier_changes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    from_tier: Mapped[str] = mapped_column(String(16))
    to_tier: Mapped[str] = mapped_column(String(16))
    spend: Mapped[int] = mapped_column(BigInteger)
    upgrade: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    notified_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
