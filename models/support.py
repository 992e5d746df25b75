"""Feedback and support tickets (PRODUCT.md 8): a ticket per request, and its thread of messages."""

from datetime import datetime

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, UtcDateTime, utcnow

TICKET_PREFIX = "T"


class Ticket(Base):
    """One feedback request: `open` waits for staff, `answered` waits for the member, `closed` is done.

    `first_response_seconds` is set once, by the first staff reply (the median shown in /stats);
    `rating` once, by the member after closing, through conditional updates.
    """

    __tablename__ = "tickets"
    __table_args__ = (
        CheckConstraint("kind IN ('suggestion', 'complaint', 'question')", name="kind_known"),
        CheckConstraint("status IN ('open', 'answered', 'closed')", name="status_known"),
        CheckConstraint("rating IS NULL OR (rating >= 1 AND rating <= 5)", name="rating_range"),
        Index("ix_tickets_member_id", "member_id", "id"),
        Index("ix_tickets_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    number: Mapped[str | None] = mapped_column(String(16), unique=True)  # T000123, set from the id
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    kind: Mapped[str] = mapped_column(String(16))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    status: Mapped[str] = mapped_column(String(16), default="open")
    staff_id: Mapped[int | None] = mapped_column(BigInteger)  # Telegram id of the last staff member who replied
    rating: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    first_response_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    first_response_seconds: Mapped[int | None] = mapped_column(Integer)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


def format_ticket_no(ticket_id: int) -> str:
    return f"{TICKET_PREFIX}{ticket_id:06d}"


class TicketMessage(Base):
    """One message of a ticket's thread, by the member or by a staff member; photos as Telegram file ids."""

    __tablename__ = "ticket_messages"
    __table_args__ = (
        CheckConstraint("author IN ('member', 'staff')", name="author_known"),
        Index("ix_ticket_messages_ticket_id", "ticket_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    author: Mapped[str] = mapped_column(String(8))
    staff_id: Mapped[int | None] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(String(2000), default="")
    photos: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
