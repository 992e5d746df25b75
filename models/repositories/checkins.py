"""Daily check-ins: one row per member and local day."""

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.database import insert_for
from models.points import PointsCheckin


class CheckinRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._insert = insert_for(session.bind.dialect.name)

    async def streak_on(self, member_id: int, day: date) -> int:
        """The streak reached on `day` (0 when the member did not check in that day)."""
        found = await self.session.scalar(
            select(PointsCheckin.streak).where(PointsCheckin.member_id == member_id, PointsCheckin.day == day)
        )
        return int(found or 0)

    async def claim(self, member_id: int, day: date, streak: int, points: int, now: datetime) -> bool:
        """The primary key (member, day) is the claim: False when the day was already taken."""
        claimed = await self.session.scalar(
            self._insert(PointsCheckin)
            .values(member_id=member_id, day=day, streak=streak, points=points, created_at=now)
            .on_conflict_do_nothing(index_elements=["member_id", "day"])
            .returning(PointsCheckin.member_id)
        )
        return claimed is not None

    async def done_on(self, member_id: int, day: date) -> bool:
        return await self.streak_on(member_id, day) > 0
