"""Members, their Telegram accounts, one-time link tokens and login lockout records."""

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, UtcDateTime, utcnow

MEMBER_NO_PREFIX = "M"


class TelegramUser(Base):
    """Everyone who ever wrote to the bot; holds the chosen language even before registration."""

    __tablename__ = "telegram_users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    language: Mapped[str | None] = mapped_column(String(8))  # chosen with /language
    client_language: Mapped[str | None] = mapped_column(String(8))  # what the Telegram client reported
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Member(Base):
    __tablename__ = "members"
    __table_args__ = (
        CheckConstraint("points_available >= 0", name="points_available_nonneg"),
        CheckConstraint("points_frozen >= 0", name="points_frozen_nonneg"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    # Quick join needs neither: a member sets them to log in on the shop website.
    username: Mapped[str | None] = mapped_column(String(20))
    # Lower-cased copies carry the case-insensitive uniqueness on both databases.
    username_key: Mapped[str | None] = mapped_column(String(20), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    email_key: Mapped[str | None] = mapped_column(String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    address: Mapped[str | None] = mapped_column(String(200))
    birthday: Mapped[date | None] = mapped_column(Date)
    marketing_opt_in: Mapped[bool] = mapped_column(Boolean, default=False)
    privacy_accepted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    referrer_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    tier: Mapped[str] = mapped_column(String(16), default="normal")
    points_available: Mapped[int] = mapped_column(Integer, default=0)
    points_frozen: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="active")
    # Set when Telegram said the member blocked the bot (or the chat is gone): no marketing goes there.
    unreachable_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    @property
    def member_no(self) -> str:
        return format_member_no(self.id)


def format_member_no(member_id: int) -> str:
    return f"{MEMBER_NO_PREFIX}{member_id:06d}"


def parse_member_no(text: str) -> int | None:
    text = text.strip().upper()
    if text.startswith(MEMBER_NO_PREFIX) and text[1:].isdigit():
        return int(text[1:])
    return None


class LinkToken(Base):
    """A one-time token that binds an account created elsewhere to a Telegram user."""

    __tablename__ = "link_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class LoginFailure(Base):
    """One failed password check; subject is "member:<id>" or "tg:<telegram id>"."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    subject: Mapped[str] = mapped_column(String(40), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class LoginLock(Base):
    __tablename__ = "login_locks"

    subject: Mapped[str] = mapped_column(String(40), primary_key=True)
    locked_until: Mapped[datetime] = mapped_column(UtcDateTime)
