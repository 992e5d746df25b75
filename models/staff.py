"""Staff roles granted in the bot and the audit log every staff change writes."""

from datetime import datetime

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, UtcDateTime, utcnow


class StaffRole(Base):
    """An admin or operator; owners are configured (OWNER_IDS), never stored, so they cannot be revoked here."""

    __tablename__ = "staff_roles"
    __table_args__ = (CheckConstraint("role IN ('admin', 'operator')", name="role_known"),)

    telegram_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    role: Mapped[str] = mapped_column(String(16))
    granted_by: Mapped[int] = mapped_column(BigInteger)
    granted_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class AuditRecord(Base):
    """Who did what to which record, with the state before and after; rows are only ever added.

    Written in the same transaction as the change it describes, so a change without its
    record (or a record of a change that rolled back) cannot exist.
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_actor_at", "actor_id", "at"),
        Index("ix_audit_log_member_at", "member_id", "at"),
        Index("ix_audit_log_action_at", "action", "at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(BigInteger)  # Telegram id of the staff user; NULL: the system
    action: Mapped[str] = mapped_column(String(40))
    target_type: Mapped[str | None] = mapped_column(String(24))
    target_id: Mapped[str | None] = mapped_column(String(64))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(String(500))
