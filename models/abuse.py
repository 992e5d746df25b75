"""Reward anti-abuse memory: identities an account used, rewards claimed per phone, birthday edits.

Phones and Telegram ids are never stored here in clear: `key_hash` is an HMAC keyed by a secret
setting (services/abuse.py), so the memory survives /delete_account without keeping the person.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, UtcDateTime, utcnow


class IdentityMark(Base):
    """A phone or Telegram account (hashed) that a member account was seen using."""

    __tablename__ = "identity_marks"
    __table_args__ = (
        UniqueConstraint("member_id", "kind", "key_hash", name="uq_identity_marks_member_kind_key"),
        Index("ix_identity_marks_kind_key", "kind", "key_hash"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    kind: Mapped[str] = mapped_column(String(16))  # phone | telegram
    key_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class RewardClaim(Base):
    """One reward per hashed identity and period: the UNIQUE key refuses the second claim atomically."""

    __tablename__ = "reward_claims"
    __table_args__ = (UniqueConstraint("key_hash", "reward", "period", name="uq_reward_claims_key_reward_period"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    reward: Mapped[str] = mapped_column(String(16))  # referral | birthday
    period: Mapped[str] = mapped_column(String(8), default="")  # "" (once ever) or a year for birthdays
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)  # who claimed it
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class BirthdayChange(Base):
    """A member changed an already set birthday (when only: the dates themselves are not kept)."""

    __tablename__ = "birthday_changes"
    __table_args__ = (Index("ix_birthday_changes_member_at", "member_id", "changed_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
