"""Marketing automation (issue 15): one rule per kind, and one row per message an automation sent.

`automation_sends` is UNIQUE on (kind, member, period): the period is what makes a kind fire once
per its rule (the year of a birthday, the start of an inactivity period, the order asked about), so
two processes running the same job insert the row once and only the winner's broadcast carries it.
"""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, UtcDateTime, utcnow


class AutomationRule(Base):
    __tablename__ = "automation_rules"

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    params: Mapped[str] = mapped_column(Text, default="{}")  # JSON, validated by services.automation.rules
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class AutomationSend(Base):
    __tablename__ = "automation_sends"
    __table_args__ = (
        UniqueConstraint("kind", "member_id", "period", name="uq_automation_sends_kind_member_period"),
        Index("ix_automation_sends_kind_created", "kind", "created_at"),
        Index("ix_automation_sends_broadcast", "broadcast_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    period: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(12), default="queued")  # queued | refused
    broadcast_id: Mapped[int | None] = mapped_column(ForeignKey("broadcasts.id"))
    order_id: Mapped[int | None] = mapped_column(BigId)  # the order a review request asks about
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
