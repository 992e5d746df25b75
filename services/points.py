"""Points ledger use cases: every change is a ledger row plus an atomic conditional update."""

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from models import Member, PointsLedger
from models.base import utcnow


async def award(
    session: AsyncSession,
    member_id: int,
    kind: str,
    amount: int,
    key: str,
    reason: str | None = None,
    expires_at: datetime | None = None,
) -> bool:
    """Credit available points once per idempotency key, inside the caller's transaction.

    Returns False when the key was already used (the credit happened before).
    """
    if amount <= 0:
        raise ValueError("award takes a positive amount")
    now = utcnow()
    insert = pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
    claimed = await session.execute(
        insert(PointsLedger)
        .values(
            member_id=member_id,
            kind=kind,
            amount=amount,
            available_after=0,
            frozen_after=0,
            reason=reason,
            earned_at=now,
            expires_at=expires_at,
            idempotency_key=key,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(PointsLedger.id)
    )
    entry_id = claimed.scalar_one_or_none()
    if entry_id is None:
        return False
    balances = await session.execute(
        update(Member)
        .where(Member.id == member_id)
        .values(points_available=Member.points_available + amount)
        .returning(Member.points_available, Member.points_frozen)
    )
    available, frozen = balances.one()
    await session.execute(
        update(PointsLedger)
        .where(PointsLedger.id == entry_id)
        .values(available_after=available, frozen_after=frozen)
    )
    return True


async def history(session: AsyncSession, member_id: int, limit: int = 10) -> list[PointsLedger]:
    rows = await session.scalars(
        select(PointsLedger)
        .where(PointsLedger.member_id == member_id)
        .order_by(PointsLedger.id.desc())
        .limit(limit)
    )
    return list(rows)
