"""Daily check-in: once per local calendar day in the shop's zone, with a streak bonus."""

import math
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import utcnow
from models.db import begin_write, upsert
from models.points import PointsCheckin
from services import points
from services.errors import NotAllowed


class AlreadyCheckedIn(NotAllowed):
    """Today's check-in is done; `hours` until the next local midnight (rounded up)."""

    code = "checkin-already"


@dataclass(frozen=True, slots=True)
class CheckinRules:
    points: int = 5
    streak_days: int = 7
    streak_bonus: int = 20


@dataclass(frozen=True, slots=True)
class CheckedIn:
    points: int
    streak: int
    bonus: int
    available: int


def next_local_midnight(now: datetime, tz: ZoneInfo) -> datetime:
    tomorrow = now.astimezone(tz).date() + timedelta(days=1)
    return datetime.combine(tomorrow, time(0), tzinfo=tz).astimezone(UTC)


def hours_until_tomorrow(now: datetime, tz: ZoneInfo) -> int:
    seconds = (next_local_midnight(now, tz) - now).total_seconds()
    return max(math.ceil(seconds / 3600), 1)


async def check_in(
    session: AsyncSession, member_id: int, rules: CheckinRules, tz: ZoneInfo, now: datetime | None = None
) -> CheckedIn:
    """Claim today's row (the primary key says once a day), then credit the points; all or nothing.

    The streak continues yesterday's row, so every `streak_days`-th day in a row earns the bonus.
    """
    now = now or utcnow()
    today = now.astimezone(tz).date()
    await begin_write(session)
    yesterday = (
        select(PointsCheckin.streak)
        .where(PointsCheckin.member_id == member_id, PointsCheckin.day == today - timedelta(days=1))
        .scalar_subquery()
    )
    streak = func.coalesce(yesterday, 0) + 1
    bonus = case((streak % max(rules.streak_days, 1) == 0, rules.streak_bonus if rules.streak_days > 0 else 0), else_=0)
    claimed = (
        await session.execute(
            upsert(session, PointsCheckin)
            .values(member_id=member_id, day=today, streak=streak, points=rules.points + bonus, created_at=now)
            .on_conflict_do_nothing(index_elements=["member_id", "day"])
            .returning(PointsCheckin.streak, PointsCheckin.points)
        )
    ).one_or_none()
    if claimed is None:
        await session.rollback()
        raise AlreadyCheckedIn(hours=hours_until_tomorrow(now, tz))
    day_streak, amount = int(claimed[0]), int(claimed[1])
    available = 0
    if amount > 0:
        key = f"checkin:{member_id}:{today.isoformat()}"
        posted = await points.credit(session, member_id, "checkin", amount, key, tz=tz, now=now, commit=False)
        available = posted.available or 0
    await session.commit()
    return CheckedIn(points=amount, streak=day_streak, bonus=amount - rules.points, available=available)


async def checked_in_today(session: AsyncSession, member_id: int, tz: ZoneInfo, now: datetime | None = None) -> bool:
    today = (now or utcnow()).astimezone(tz).date()
    found = await session.scalar(
        select(PointsCheckin.streak).where(PointsCheckin.member_id == member_id, PointsCheckin.day == today)
    )
    return found is not None
