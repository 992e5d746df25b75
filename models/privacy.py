"""Data-rights bookkeeping: when each member last downloaded their data (the /mydata rate limit)."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UtcDateTime


class DataExport(Base):
    """One row per member; `last_at` moves only by a conditional upsert, so two requests cannot both pass."""

    __tablename__ = "data_exports"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    last_at: Mapped[datetime] = mapped_column(UtcDateTime)
    count: Mapped[int] = mapped_column(Integer, default=1)
