"""Tier moves: the member's tier column, the 12-month spend it follows, and the announcement outbox."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.members import Member, TelegramUser
from models.points import PointsLedger, TierChange

MEMBERS = Member.__table__
CHANGES = TierChange.__table__


def spend_since(member_id: Any, since: Any) -> Any:
    """Minor units paid (less refunds) since `since`, from the earn/refund ledger rows (a SQL expression)."""
    return (
        select(func.coalesce(func.sum(PointsLedger.paid_amount), 0))
        .where(PointsLedger.member_id == member_id, PointsLedger.paid_amount.is_not(None),
               PointsLedger.created_at > since)
        .scalar_subquery()
    )


_SPEND = select(spend_since(bindparam("p_member"), bindparam("p_since", type_=PointsLedger.created_at.type)))


@dataclass(frozen=True, slots=True)
class Announcement:
    """A claimed tier upgrade to tell the member about."""

    member_id: int
    telegram_id: int | None
    language: str | None
    to_tier: str


class TierMoves:
    """Synchronous tier statements, used inside a ledger run (an earn can lift the tier)."""

    def __init__(self, db: Connection) -> None:
        self.db = db

    def current(self, member_id: int) -> str | None:
        return self.db.scalar(select(MEMBERS.c.tier).where(MEMBERS.c.id == member_id))

    def spend_since(self, member_id: int, since: datetime) -> int:
        return int(self.db.scalar(_SPEND, {"p_member": member_id, "p_since": since}) or 0)

    def move(self, member_id: int, current: str, target: str, spend: int, upgrade: bool, now: datetime) -> bool:
        """`WHERE tier = current` is the claim: of two processes moving one member, one wins.

        An upgrade is queued for announcement; a downgrade is recorded as already told.
        """
        moved = self.db.execute(
            update(MEMBERS).where(MEMBERS.c.id == member_id, MEMBERS.c.tier == current).values(tier=target)
        )
        if moved.rowcount != 1:
            return False
        self.db.execute(
            CHANGES.insert().values(
                member_id=member_id, from_tier=current, to_tier=target, spend=spend, upgrade=upgrade,
                created_at=now, notified_at=None if upgrade else now,
            )
        )
        return True


class TierRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def spend_since(self, member_id: int, since: datetime) -> int:
        return int(await self.session.scalar(_SPEND, {"p_member": member_id, "p_since": since}) or 0)

    async def active_member_ids(self, after_id: int, limit: int) -> list[int]:
        query = (
            select(Member.id).where(Member.status == "active", Member.id > after_id).order_by(Member.id).limit(limit)
        )
        return list(await self.session.scalars(query))

    async def claim_announcements(self, now: datetime, limit: int) -> list[Announcement]:
        """Claim unannounced upgrades (one conditional update each) so only one process sends each."""
        pending = (
            await self.session.execute(
                select(TierChange.id, TierChange.member_id, Member.telegram_id, TelegramUser.language,
                       TierChange.to_tier)
                .join(Member, Member.id == TierChange.member_id)
                .outerjoin(TelegramUser, TelegramUser.id == Member.telegram_id)
                .where(TierChange.notified_at.is_(None))
                .order_by(TierChange.id)
                .limit(limit)
            )
        ).all()
        claimed: list[Announcement] = []
        for change_id, *announcement in pending:
            result = await self.session.execute(
                update(TierChange)
                .where(TierChange.id == change_id, TierChange.notified_at.is_(None))
                .values(notified_at=now)
            )
            if result.rowcount == 1:
                claimed.append(Announcement(*announcement))
        return claimed
