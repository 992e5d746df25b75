"""Two-person approval: a large staff change waits here until another admin or an owner decides."""

from datetime import datetime

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, UtcDateTime, utcnow


class ApprovalRequest(Base):
    """One requested change (`kind`, e.g. "points.adjust" or "order.refund") and its decision.

    The status moves once, by a conditional UPDATE from 'pending': a replayed or concurrent
    decision finds nothing to change.
    """

    __tablename__ = "approval_requests"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'approved', 'rejected', 'expired')", name="status_known"),
        Index("ix_approval_requests_status_created", "status", "created_at"),
        Index("ix_approval_requests_kind_target", "kind", "target_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    requested_by: Mapped[int] = mapped_column(BigInteger)  # Telegram id of the staff user
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    amount: Mapped[int] = mapped_column(BigInteger)  # points, or minor units for a refund
    reason: Mapped[str] = mapped_column(String(500))
    target_id: Mapped[str | None] = mapped_column(String(64))  # what it changes, e.g. a return request's id
    payload: Mapped[dict | None] = mapped_column(JSON)  # what the change needs beyond the above
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
