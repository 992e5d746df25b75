"""Marketing broadcasts and their delivery rows (one per recipient), PRODUCT.md 6.

A broadcast is a persisted job: its recipients are materialised as `broadcast_deliveries` rows
when it starts, and senders move each row pending → sending → sent / failed / blocked by
conditional updates. A row left in `sending` (a crash mid-send) becomes `unknown` and is never
sent again: at most once per member per broadcast.
"""

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, UtcDateTime, utcnow


class Broadcast(Base):
    __tablename__ = "broadcasts"
    __table_args__ = (Index("ix_broadcasts_status_scheduled", "status", "scheduled_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    composer_id: Mapped[int] = mapped_column(BigInteger)  # the staff member's Telegram id
    composer_language: Mapped[str] = mapped_column(String(8), default="zh")
    kind: Mapped[str] = mapped_column(String(8))  # text | photo
    text: Mapped[str] = mapped_column(Text)  # validated Telegram HTML (the caption of a photo)
    photo_file_id: Mapped[str | None] = mapped_column(String(255))
    button_text: Mapped[str | None] = mapped_column(String(64))
    button_url: Mapped[str | None] = mapped_column(String(512))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("coupon_campaigns.id"))
    segment: Mapped[str] = mapped_column(String(32))
    segment_params: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    # draft | scheduled | running | paused | cancelled | done
    status: Mapped[str] = mapped_column(String(16), default="draft")
    scheduled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    total: Mapped[int] = mapped_column(Integer, default=0)
    sent: Mapped[int] = mapped_column(Integer, default=0)  # final counters, written when done
    failed: Mapped[int] = mapped_column(Integer, default=0)
    blocked: Mapped[int] = mapped_column(Integer, default=0)
    unknown: Mapped[int] = mapped_column(Integer, default=0)
    progress_message_id: Mapped[int | None] = mapped_column(BigInteger)  # in the composer's chat
    # Who edits the progress message next is decided by a conditional update on these two.
    progress_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    progress_shown: Mapped[str | None] = mapped_column(String(64))
    heartbeat_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # a sender worked on it
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # A system broadcast (an automation, composer_id 0): the text is this translation key, rendered in
    # each recipient's language, and `button_data` an extra callback button (e.g. review this order).
    text_key: Mapped[str | None] = mapped_column(String(64))
    button_key: Mapped[str | None] = mapped_column(String(64))
    button_data: Mapped[str | None] = mapped_column(String(64))


class BroadcastDelivery(Base):
    __tablename__ = "broadcast_deliveries"
    __table_args__ = (
        UniqueConstraint("broadcast_id", "member_id", name="uq_broadcast_deliveries_member"),
        Index("ix_broadcast_deliveries_queue", "broadcast_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    telegram_id: Mapped[int] = mapped_column(BigInteger)
    language: Mapped[str | None] = mapped_column(String(8))
    # pending | sending | sent | failed | blocked | unknown
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(200))
    coupon_id: Mapped[int | None] = mapped_column(BigId)
    claim_token: Mapped[str | None] = mapped_column(String(32))
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
