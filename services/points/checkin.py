"""Daily check-in: once per local calendar day in the shop's zone, with a streak bonus."""

import math
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from models.base import utcnow
from models.repositories.ledger import Entry
from services.errors import NotAllowed
from services.points import postings
from services.points.rules import expiry_for
from services.unit_of_work import UnitOfWork


class AlreadyCheckedIn(NotAllowed):
    """Today's check-in is done; `hours` until the next local midnight (rounded up)."""

    code = "checkin-already"


@dataclass(frozen=True, slots=True)
class CheckinRules:
    points: int = 5
    streak_days: int = 7
    streak_bonus: int = 20

    def bonus_for(self, streak: int) -> int:
        """Every `streak_days`-th day in a row earns the bonus (0 days turns it off)."""
        if self.streak_days <= 0 or streak % self.streak_days:
            return 0
        return self.streak_bonus


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
    uow: UnitOfWork, member_id: int, rules: CheckinRules, tz: ZoneInfo, now: datetime | None = None
) -> CheckedIn:
    """Claim today's row (the primary key says once a day), then credit the points; all or nothing.

    The streak continues yesterday's row, read inside the same write transaction.
    """
    now = now or utcnow()
    today = now.astimezone(tz).date()
    async with uow.write():
        streak = await uow.checkins.streak_on(member_id, today - timedelta(days=1)) + 1
        bonus = rules.bonus_for(streak)
        if not await uow.checkins.claim(member_id, today, streak, rules.points + bonus, now):
            raise AlreadyCheckedIn(hours=hours_until_tomorrow(now, tz))
        available = 0
        if rules.points + bonus > 0:
            entry = Entry(member_id, "checkin", 0, 0, f"checkin:{member_id}:{today.isoformat()}")
            expires = expiry_for(now, tz)
            posted = await uow.ledger.run(lambda ledger: postings.credit(ledger, entry, rules.points + bonus, now, expires))
            available = posted.available or 0
        await uow.commit()
    return CheckedIn(points=rules.points + bonus, streak=streak, bonus=bonus, available=available)


async def checked_in_today(uow: UnitOfWork, member_id: int, tz: ZoneInfo, now: datetime | None = None) -> bool:
    today = (now or utcnow()).astimezone(tz).date()
    async with uow.read():
        return await uow.checkins.done_on(member_id, today)
