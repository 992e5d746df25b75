"""What members and the audit read about points: balances, expiring lots, history, reconciliation."""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.members import Member
from models.points import PointsLedger, PointsLot


@dataclass(frozen=True, slots=True)
class LedgerLine:
    """One history row as a member sees it."""

    id: int
    kind: str
    amount: int
    frozen_delta: int
    available_after: int
    reason: str | None
    created_at: datetime

    @property
    def available_delta(self) -> int:
        return self.amount - self.frozen_delta


@dataclass(frozen=True, slots=True)
class Balances:
    available: int
    frozen: int
    tier: str
    expiring: int
    expiring_first: datetime | None


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """One member's balances as stored, as the ledger sums them, and as the lots sum them."""

    member_id: int
    stored: tuple[int, int]
    from_ledger: tuple[int, int]
    from_lots: tuple[int, int]


class PointsReadRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def balances(self, member_id: int, expiring_before: datetime) -> Balances | None:
        member = (
            await self.session.execute(
                select(Member.points_available, Member.points_frozen, Member.tier).where(Member.id == member_id)
            )
        ).first()
        if member is None:
            return None
        expiring, first = (
            await self.session.execute(
                select(func.coalesce(func.sum(PointsLot.available + PointsLot.held), 0), func.min(PointsLot.expires_at))
                .where(PointsLot.member_id == member_id, PointsLot.expires_at <= expiring_before,
                       PointsLot.available + PointsLot.held > 0)
            )
        ).one()
        # min() over a SQLite column comes back as a naive datetime (no column type applies).
        first_at = first.replace(tzinfo=UTC) if isinstance(first, datetime) and first.tzinfo is None else first
        return Balances(int(member[0]), int(member[1]), member[2], int(expiring), first_at)

    async def count(self, member_id: int) -> int:
        return int(await self.session.scalar(select(func.count()).where(PointsLedger.member_id == member_id)) or 0)

    async def lines(self, member_id: int, offset: int, limit: int) -> list[LedgerLine]:
        rows = await self.session.execute(
            select(PointsLedger.id, PointsLedger.kind, PointsLedger.amount, PointsLedger.frozen_delta,
                   PointsLedger.available_after, PointsLedger.reason, PointsLedger.created_at)
            .where(PointsLedger.member_id == member_id)
            .order_by(PointsLedger.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return [LedgerLine(*row) for row in rows]

    async def reconciliation(self) -> list[Reconciliation]:
        """Every member's three views of their balances (the audit compares them)."""
        ledger = (
            select(
                PointsLedger.member_id.label("member_id"),
                func.sum(PointsLedger.amount - PointsLedger.frozen_delta).label("available"),
                func.sum(PointsLedger.frozen_delta).label("frozen"),
            )
            .group_by(PointsLedger.member_id)
            .subquery()
        )
        lots = (
            select(
                PointsLot.member_id.label("member_id"),
                func.sum(PointsLot.available).label("available"),
                func.sum(PointsLot.pending + PointsLot.held).label("frozen"),
            )
            .group_by(PointsLot.member_id)
            .subquery()
        )
        rows = await self.session.execute(
            select(
                Member.id, Member.points_available, Member.points_frozen,
                func.coalesce(ledger.c.available, 0), func.coalesce(ledger.c.frozen, 0),
                func.coalesce(lots.c.available, 0), func.coalesce(lots.c.frozen, 0),
            )
            .outerjoin(ledger, ledger.c.member_id == Member.id)
            .outerjoin(lots, lots.c.member_id == Member.id)
            .order_by(Member.id)
        )
        return [
            Reconciliation(member_id, (int(a), int(f)), (int(la), int(lf)), (int(pa), int(pf)))
            for member_id, a, f, la, lf, pa, pf in rows
        ]
