"""Bot runtime state kept in the database: FSM dialogs and seen update ids."""

from datetime import datetime

from sqlalchemy import JSON, BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UtcDateTime, utcnow


class FsmRecord(Base):
    """One aiogram FSM key (bot:chat:user...) so dialogs survive a restart without Redis."""

    __tablename__ = "fsm_states"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(100))
    data: Mapped[dict] = mapped_column(JSON, default=dict)


class ProcessedUpdate(Base):
    """Telegram can deliver an update twice; its id is recorded so the second copy is skipped."""

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
