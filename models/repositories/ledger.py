"""The points ledger and its lots, in SQL: rows, balance moves, and oldest-first takes.

How a change is written (the same on SQLite and PostgreSQL):

1. `INSERT INTO points_ledger ... SELECT ... FROM members WHERE id = :member AND balances
   stay >= 0 FOR UPDATE ON CONFLICT (idempotency_key) DO NOTHING RETURNING id` locks the
   member row, computes the balances after the change in SQL, and claims the idempotency
   key; no row back means "seen before", "lots are past expiry" or "not enough points".
2. `UPDATE members SET points_available = points_available + :da ... WHERE ... >= 0`.
3. The lots (what is left of each credit) change by conditional updates too: a credit adds
   a lot; a debit takes from the lots in expiry order with one windowed `UPDATE ... FROM`.

Lock order is always member row, then ledger key, then lots, so concurrent use cases queue
on the member row instead of deadlocking. SQLite serialises writers with BEGIN IMMEDIATE.

The statements are synchronous and built once with bound parameters: a use case hands the
repository one function that runs all of them in a single greenlet (`LedgerRepository.run`),
because entering SQLAlchemy's async bridge per statement, and building constructs per call,
cost more than executing them (benchmarks/ledger.py measures this layer against raw SQL).
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, Integer, bindparam, case, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from models.database import insert_for
from models.members import Member
from models.points import PointsLedger, PointsLot
from models.repositories.tiers import TierMoves, spend_since

LEDGER = PointsLedger.__table__
LOTS = PointsLot.__table__
MEMBERS = Member.__table__

T = TypeVar("T")


@dataclass(slots=True)
class Entry:
    """One ledger row to write; the balances after it are computed by the database."""

    member_id: int
    kind: str
    available_delta: int
    frozen_delta: int
    key: str
    reason: str | None = None
    ref_type: str | None = None
    ref_id: str | None = None
    paid_amount: int | None = None
    reverses_id: int | None = None
    earned_at: datetime | None = None
    expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Posted:
    """A written (or, with `created` False, an earlier) ledger row and the balances after it."""

    entry_id: int
    created: bool
    available: int | None = None
    frozen: int | None = None
    spend: int | None = None  # 12-month spend, when asked for (earn)


@dataclass(frozen=True, slots=True)
class LotState:
    id: int
    member_id: int
    available: int
    pending: int
    held: int
    release_at: datetime | None
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class EntryRef:
    id: int
    member_id: int
    kind: str
    amount: int


_FIXED = (
    "member_id", "kind", "amount", "frozen_delta", "reason", "ref_type", "ref_id", "paid_amount",
    "reverses_id", "earned_at", "expires_at", "idempotency_key", "created_at",
)
_MEMBER = bindparam("p_member", type_=MEMBERS.c.id.type)
_DA = bindparam("p_da", type_=Integer())
_DF = bindparam("p_df", type_=Integer())
_GUARD = (
    MEMBERS.c.id == _MEMBER,
    MEMBERS.c.points_available + _DA >= 0,
    MEMBERS.c.points_frozen + _DF >= 0,
)
_NOW = bindparam("p_now", type_=LOTS.c.expires_at.type)
_OPEN = or_(LOTS.c.available > 0, LOTS.c.pending > 0, LOTS.c.held > 0)
_BALANCE = (
    update(MEMBERS)
    .where(*_GUARD)
    .values(points_available=MEMBERS.c.points_available + _DA, points_frozen=MEMBERS.c.points_frozen + _DF)
    .returning(MEMBERS.c.points_available, MEMBERS.c.points_frozen)
)
# An earn also needs the member's 12-month spend (this payment included) for the tier review.
_BALANCE_AND_SPEND = _BALANCE.returning(spend_since(_MEMBER, bindparam("p_since", type_=LEDGER.c.created_at.type)))
_ADD_LOT = LOTS.insert()
_BY_KEY = select(LEDGER.c.id).where(LEDGER.c.idempotency_key == bindparam("p_key"))
_AVAILABLE = select(MEMBERS.c.points_available).where(MEMBERS.c.id == _MEMBER)
_TIER = select(MEMBERS.c.tier).where(MEMBERS.c.id == _MEMBER)
_LOCK = select(MEMBERS.c.id).where(MEMBERS.c.id == _MEMBER).with_for_update()
_DUE = select(LOTS.c.id).where(LOTS.c.expires_at <= _NOW, _OPEN)
_DUE_FOR_MEMBER = _DUE.where(LOTS.c.member_id == _MEMBER)
_LOT = select(
    LOTS.c.id, LOTS.c.member_id, LOTS.c.available, LOTS.c.pending, LOTS.c.held, LOTS.c.release_at, LOTS.c.expires_at
)
_HELD = select(func.coalesce(func.sum(LOTS.c.held), 0)).where(LOTS.c.member_id == _MEMBER)
_ENTRY = select(LEDGER.c.id, LEDGER.c.member_id, LEDGER.c.kind, LEDGER.c.amount)
_LOT_TAKE = (
    update(LOTS)
    .where(
        LOTS.c.id == bindparam("p_lot"),
        LOTS.c.pending >= bindparam("p_pending"),
        LOTS.c.available >= bindparam("p_available"),
        LOTS.c.held >= bindparam("p_held"),
    )
    .values(
        pending=LOTS.c.pending - bindparam("p_pending"),
        available=LOTS.c.available - bindparam("p_available") + bindparam("p_to_available"),
        held=LOTS.c.held - bindparam("p_held"),
    )
)


@functools.cache
def _post_statement(dialect: str, debit: bool) -> Any:
    """INSERT ... SELECT ... FOR UPDATE ON CONFLICT DO NOTHING RETURNING id, for one dialect.

    A debit also requires that none of the member's lots is past its expiry, so spending
    never uses expired points and needs no separate look-up in the common case.
    """
    guard = (*_GUARD, ~_DUE_FOR_MEMBER.exists()) if debit else _GUARD
    source = (
        select(
            _MEMBER,
            *(bindparam(f"p_{name}", type_=LEDGER.c[name].type) for name in _FIXED[1:]),
            MEMBERS.c.points_available + _DA,
            MEMBERS.c.points_frozen + _DF,
        )
        .where(*guard)
        .with_for_update()
    )
    return (
        insert_for(dialect)(LEDGER)
        .from_select([*_FIXED, "available_after", "frozen_after"], source)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(LEDGER.c.id)
    )


@functools.cache
def _fifo_statement(source: str, target: str | None) -> Any:
    """One UPDATE that takes `p_amount` from the lots' `source` column, soonest expiry first.

    A window sum gives each lot the total of the lots before it; a lot gives
    min(what it has, what is still needed) — `services.points.rules.take_oldest_first` is the
    same rule in plain Python. Runs under the member lock; CHECK constraints keep lots >= 0.
    """
    amount = bindparam("p_amount", type_=Integer())
    have = LOTS.c[source]
    before = func.sum(have).over(order_by=(LOTS.c.expires_at, LOTS.c.id)) - have
    ranked = (
        select(LOTS.c.id.label("lot_id"), have.label("have"), before.label("before"))
        .where(LOTS.c.member_id == _MEMBER, have > 0)
        .subquery("ranked")
    )
    needed = amount - ranked.c.before
    take = case((ranked.c.have < needed, ranked.c.have), else_=needed)
    values = {source: have - take}
    if target is not None:
        values[target] = LOTS.c[target] + take
    return update(LOTS).where(LOTS.c.id == ranked.c.lot_id, ranked.c.before < amount).values(values)


class Ledger:
    """The ledger statements on one connection, inside the unit of work's transaction."""

    def __init__(self, db: Connection) -> None:
        self.db = db
        self.tiers = TierMoves(db)

    def post(self, entry: Entry, now: datetime, *, debit: bool, spend_since: datetime | None = None) -> Posted | None:
        """Write the row and move the balances; None when nothing was written (ask why after)."""
        da, df = entry.available_delta, entry.frozen_delta
        params = {
            "p_member": entry.member_id, "p_da": da, "p_df": df, "p_kind": entry.kind, "p_amount": da + df,
            "p_frozen_delta": df, "p_reason": entry.reason, "p_ref_type": entry.ref_type, "p_ref_id": entry.ref_id,
            "p_paid_amount": entry.paid_amount, "p_reverses_id": entry.reverses_id, "p_earned_at": entry.earned_at,
            "p_expires_at": entry.expires_at, "p_idempotency_key": entry.key, "p_created_at": now, "p_now": now,
        }
        entry_id = self.db.scalar(_post_statement(self.db.dialect.name, debit), params)
        if entry_id is None:
            return None
        balance = {"p_member": entry.member_id, "p_da": da, "p_df": df}
        if spend_since is None:
            available, frozen = self.db.execute(_BALANCE, balance).one()
            return Posted(entry_id, True, available, frozen)
        available, frozen, spend = self.db.execute(_BALANCE_AND_SPEND, {**balance, "p_since": spend_since}).one()
        return Posted(entry_id, True, available, frozen, int(spend))

    def entry_by_key(self, key: str) -> int | None:
        return self.db.scalar(_BY_KEY, {"p_key": key})

    def entry(self, entry_id: int) -> EntryRef | None:
        row = self.db.execute(_ENTRY.where(LEDGER.c.id == entry_id)).one_or_none()
        return EntryRef(*row) if row else None

    def available(self, member_id: int) -> int | None:
        return self.db.scalar(_AVAILABLE, {"p_member": member_id})

    def tier_of(self, member_id: int) -> str | None:
        return self.db.scalar(_TIER, {"p_member": member_id})

    def lock_member(self, member_id: int) -> bool:
        """Take the member row lock before reading lots (PostgreSQL; SQLite already holds its lock)."""
        return self.db.scalar(_LOCK, {"p_member": member_id}) is not None

    def add_lot(
        self, member_id: int, entry_id: int, amount: int, now: datetime, expires_at: datetime,
        release_at: datetime | None = None,
    ) -> None:
        pending = amount if release_at is not None else 0
        self.db.execute(
            _ADD_LOT,
            {
                "member_id": member_id, "entry_id": entry_id, "amount": amount, "available": amount - pending,
                "pending": pending, "held": 0, "release_at": release_at, "earned_at": now, "expires_at": expires_at,
            },
        )

    def take_oldest_first(self, member_id: int, amount: int, source: str, target: str | None = None) -> None:
        self.db.execute(_fifo_statement(source, target), {"p_member": member_id, "p_amount": amount})

    def held(self, member_id: int) -> int:
        return int(self.db.scalar(_HELD, {"p_member": member_id}))

    def due_lot_ids(self, member_id: int, now: datetime) -> list[int]:
        return list(self.db.scalars(_DUE_FOR_MEMBER, {"p_now": now, "p_member": member_id}))

    def has_due_lots(self, member_id: int, now: datetime) -> bool:
        return self.db.scalar(_DUE_FOR_MEMBER.limit(1), {"p_now": now, "p_member": member_id}) is not None

    def lot(self, lot_id: int) -> LotState | None:
        row = self.db.execute(_LOT.where(LOTS.c.id == lot_id)).one_or_none()
        return LotState(*row) if row else None

    def lot_of_entry(self, entry_id: int) -> LotState | None:
        row = self.db.execute(_LOT.where(LOTS.c.entry_id == entry_id)).one_or_none()
        return LotState(*row) if row else None

    def change_lot(
        self, lot_id: int, *, pending: int = 0, available: int = 0, held: int = 0, to_available: int = 0
    ) -> bool:
        """Take amounts out of one lot's columns (and put `to_available` in), if they are there."""
        result = self.db.execute(
            _LOT_TAKE,
            {"p_lot": lot_id, "p_pending": pending, "p_available": available, "p_held": held,
             "p_to_available": to_available},
        )
        return result.rowcount == 1


class LedgerRepository:
    """The async side: runs a use case's ledger work in one greenlet, and finds due lots for jobs."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def run(self, work: Callable[[Ledger], T]) -> T:
        def inside(sync: Session) -> T:
            return work(Ledger(sync.connection()))

        return await self.session.run_sync(inside)

    async def due_lot_ids(self, now: datetime, limit: int, member_id: int | None = None) -> list[int]:
        query = _DUE_FOR_MEMBER if member_id is not None else _DUE
        params = {"p_now": now, "p_member": member_id}
        return list(await self.session.scalars(query.order_by(LOTS.c.id).limit(limit), params))

    async def releasable_lot_ids(self, now: datetime, limit: int, member_id: int | None = None) -> list[int]:
        query = select(LOTS.c.id).where(LOTS.c.pending > 0, LOTS.c.release_at <= now)
        if member_id is not None:
            query = query.where(LOTS.c.member_id == member_id)
        return list(await self.session.scalars(query.order_by(LOTS.c.id).limit(limit)))
