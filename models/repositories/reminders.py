"""Points-expiry reminders: what is due, and the claim that makes each go out once."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.database import insert_for
from models.members import Member, TelegramUser
from models.points import PointsLot, PointsReminder


@dataclass(frozen=True, slots=True)
class Reminder:
    """A claimed "your points expire soon" message for one member and one expiry date."""

    member_id: int
    telegram_id: int
    language: str | None
    points: int
    expires_at: datetime
    days_before: int


class ReminderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._insert = insert_for(session.bind.dialect.name)

    async def expiring(self, now: datetime, lower_days: int, upper_days: int, limit: int) -> list[Reminder]:
        """Points expiring between `lower_days` and `upper_days` from now, per member and expiry."""
        remaining = func.sum(PointsLot.available + PointsLot.held)
        rows = await self.session.execute(
            select(PointsLot.member_id, Member.telegram_id, TelegramUser.language, remaining, PointsLot.expires_at)
            .join(Member, Member.id == PointsLot.member_id)
            .outerjoin(TelegramUser, TelegramUser.id == Member.telegram_id)
            .where(
                PointsLot.expires_at > now + timedelta(days=lower_days),
                PointsLot.expires_at <= now + timedelta(days=upper_days),
                PointsLot.available + PointsLot.held > 0,
                Member.telegram_id.is_not(None),
                Member.status == "active",
            )
            .group_by(PointsLot.member_id, PointsLot.expires_at, Member.telegram_id, TelegramUser.language)
            .order_by(PointsLot.member_id, PointsLot.expires_at)
            .limit(limit)
        )
        return [Reminder(m, tg, lang, int(points), expires, upper_days) for m, tg, lang, points, expires in rows]

    async def claim(self, reminder: Reminder, now: datetime) -> bool:
        claimed = await self.session.scalar(
            self._insert(PointsReminder)
            .values(member_id=reminder.member_id, expires_at=reminder.expires_at, days_before=reminder.days_before,
                    points=reminder.points, created_at=now)
            .on_conflict_do_nothing(index_elements=["member_id", "expires_at", "days_before"])
            .returning(PointsReminder.member_id)
        )
        return claimed is not None

    async def mark_sent(self, reminder: Reminder, now: datetime) -> None:
        await self.session.execute(
            update(PointsReminder)
            .where(
                PointsReminder.member_id == reminder.member_id,
                PointsReminder.expires_at == reminder.expires_at,
                PointsReminder.days_before == reminder.days_before,
            )
            .values(sent_at=now)
        )
