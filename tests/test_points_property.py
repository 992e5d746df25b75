"""Random ledger histories against a plain Python reference model (hypothesis), on both databases."""

import asyncio
import copy
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import PointsLedger
from models.points import PointsLot
from services import points, tiers
from services.errors import NotAllowed
from tests.test_points_service import balances, new_member

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2024, 1, 20, 4, 0, tzinfo=UTC)
ONE_TIER = tiers.Tiers([tiers.Tier(code="normal", names={"en": "Member"}, threshold=0)])
RATE = Decimal("0.01")
CREDIT_KINDS = {"review", "earn", "adjust"}


@dataclass
class Lot:
    expires: datetime
    available: int
    pending: int = 0
    held: int = 0
    release_at: datetime | None = None

    @property
    def total(self) -> int:
        return self.available + self.pending + self.held


@dataclass
class Entry:
    entry_id: int
    kind: str
    amount: int
    lot: int | None


class Refused(Exception):
    """The model says the service must raise InsufficientPoints (and change nothing)."""


@dataclass
class Model:
    """The rules written the slow, obvious way: a list of lots and FIFO by (expiry, age)."""

    lots: list[Lot] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    revoked: set[int] = field(default_factory=set)

    @property
    def balances(self) -> tuple[int, int]:
        return sum(lot.available for lot in self.lots), sum(lot.pending + lot.held for lot in self.lots)

    def add_lot(self, lot: Lot) -> int:
        self.lots.append(lot)
        return len(self.lots) - 1

    def take(self, lots: list[Lot], source: str, amount: int, target: str | None = None) -> None:
        if sum(getattr(lot, source) for lot in lots) < amount:
            raise Refused
        for index in sorted(range(len(lots)), key=lambda i: (lots[i].expires, i)):
            lot = lots[index]
            taken = min(getattr(lot, source), amount)
            setattr(lot, source, getattr(lot, source) - taken)
            if target:
                setattr(lot, target, getattr(lot, target) + taken)
            amount -= taken

    def expire(self, lots: list[Lot], now: datetime) -> None:
        for lot in lots:
            if lot.expires <= now:
                lot.available = lot.pending = lot.held = 0

    def release(self, now: datetime) -> None:
        for lot in self.lots:
            if lot.pending and lot.release_at is not None and lot.release_at <= now:
                lot.available, lot.pending = lot.available + lot.pending, 0

    def debit(self, amount: int, now: datetime) -> None:
        trial = copy.deepcopy(self.lots)
        self.expire(trial, now)
        self.take(trial, "available", amount)
        self.lots = trial

    def revoke(self, entry: Entry, now: datetime) -> Lot | None:
        """Returns the new lot for a given-back debit; raises NotAllowed / Refused like the service."""
        if entry.entry_id in self.revoked:
            return None
        if entry.kind in CREDIT_KINDS and entry.amount > 0:
            lot = self.lots[entry.lot]
            left = entry.amount
            parts = {}
            for name in ("pending", "available", "held"):
                parts[name] = min(getattr(lot, name), left)
                left -= parts[name]
            if self.balances[0] < parts["available"] + left:
                raise Refused
            for name, value in parts.items():
                setattr(lot, name, getattr(lot, name) - value)
            self.take(self.lots, "available", left)
        elif entry.kind in {"spend", "adjust"} and entry.amount < 0:
            self.revoked.add(entry.entry_id)
            return Lot(points.expiry_for(now, SHANGHAI), -entry.amount)
        else:
            raise NotAllowed
        self.revoked.add(entry.entry_id)
        return None


amounts = st.integers(min_value=1, max_value=120)
operations = st.one_of(
    st.tuples(st.just("credit"), amounts),
    st.tuples(st.just("earn"), st.integers(min_value=0, max_value=20_000), st.sampled_from([0, 3, 10])),
    st.tuples(st.just("spend"), amounts),
    st.tuples(st.just("freeze"), amounts),
    st.tuples(st.just("unfreeze"), amounts),
    st.tuples(st.just("adjust"), st.integers(min_value=-120, max_value=120).filter(bool)),
    st.tuples(st.just("revoke"), st.integers(min_value=0, max_value=1000)),
    st.tuples(st.just("advance"), st.integers(min_value=1, max_value=150)),
    st.tuples(st.just("expire_job")),
    st.tuples(st.just("release_job")),
)


async def play(sessionmaker: async_sessionmaker[AsyncSession], ops: list[tuple]) -> None:
    async with sessionmaker() as session:
        member_id = await new_member(session)
        model, now = Model(), T0
        for step, op in enumerate(ops):
            key = f"prop:{member_id}:{step}"
            now = await apply(session, model, member_id, op, key, now)
            await check(session, model, member_id, op)


async def apply(session: AsyncSession, model: Model, member_id: int, op: tuple, key: str, now: datetime) -> datetime:
    name = op[0]
    if name == "advance":
        return now + timedelta(days=op[1])
    if name == "expire_job":
        await points.expire_due(session, now, member_id=member_id)
        model.expire(model.lots, now)
        return now
    if name == "release_job":
        await points.release_due(session, now, member_id=member_id)
        model.release(now)
        return now
    expected = copy.deepcopy(model)
    try:
        new_lot = simulate(expected, op, now)
    except (Refused, NotAllowed) as refusal:
        await expect_refusal(session, model, member_id, op, key, now, refusal)
        return now
    posted = await call_service(session, model, member_id, op, key, now)
    if new_lot is not None:
        expected.add_lot(new_lot)
    lot_index = len(expected.lots) - 1 if name in {"credit", "earn"} or (name == "adjust" and op[1] > 0) else None
    if name == "earn" and op[1] // 100 == 0:
        lot_index = None
    amount = {"credit": op[1], "earn": op[1] // 100, "spend": -op[1], "adjust": op[1]}.get(name, 0)
    kind = "review" if name == "credit" else name
    if posted.created and name != "revoke":
        expected.entries.append(Entry(posted.entry_id, kind, amount, lot_index))
    elif posted.created:
        expected.entries.append(Entry(posted.entry_id, "revoke", 0, None))
    model.__dict__.update(expected.__dict__)
    return now


def simulate(model: Model, op: tuple, now: datetime) -> Lot | None:
    """Apply `op` to the model; a credit's new lot is returned for the caller to add after the call."""
    name = op[0]
    if name == "credit":
        return Lot(points.expiry_for(now, SHANGHAI), op[1])
    if name == "earn":
        earned, days = op[1] // 100, op[2]
        if earned == 0:
            return None
        release_at = now + timedelta(days=days) if days else None
        return Lot(points.expiry_for(now, SHANGHAI), 0 if days else earned, earned if days else 0, 0, release_at)
    if name == "adjust" and op[1] > 0:
        return Lot(points.expiry_for(now, SHANGHAI), op[1])
    if name in {"spend", "adjust"}:
        model.debit(abs(op[1]), now)
    elif name == "freeze":
        model.take(model.lots, "available", op[1], "held")
    elif name == "unfreeze":
        model.take(model.lots, "held", op[1], "available")
    elif name == "revoke":
        if not model.entries:
            raise NotAllowed
        return model.revoke(model.entries[op[1] % len(model.entries)], now)
    return None


async def call_service(session: AsyncSession, model: Model, member_id: int, op: tuple, key: str, now: datetime):
    name = op[0]
    if name == "credit":
        return await points.credit(session, member_id, "review", op[1], key, tz=SHANGHAI, now=now)
    if name == "earn":
        release_at = now + timedelta(days=op[2]) if op[2] else None
        earned = await points.earn(session, member_id, op[1], key, rate=RATE, tiers=ONE_TIER,
                                   release_at=release_at, tz=SHANGHAI, now=now)
        return earned.posted
    if name == "spend":
        return await points.spend(session, member_id, op[1], key, now=now)
    if name == "adjust":
        return await points.adjust(session, member_id, op[1], key, reason="property", tz=SHANGHAI, now=now)
    if name == "freeze":
        return await points.freeze(session, member_id, op[1], key, reason="property", now=now)
    if name == "unfreeze":
        return await points.unfreeze(session, member_id, op[1], key, reason="property", now=now)
    entry = model.entries[op[1] % len(model.entries)]
    return await points.revoke(session, entry.entry_id, reason="property", tz=SHANGHAI, now=now)


async def expect_refusal(
    session: AsyncSession, model: Model, member_id: int, op: tuple, key: str, now: datetime, refusal: Exception
) -> None:
    if op[0] == "revoke" and not model.entries:
        return
    expected = points.InsufficientPoints if isinstance(refusal, Refused) else NotAllowed
    try:
        await call_service(session, model, member_id, op, key, now)
    except NotAllowed as error:
        assert type(error) is expected, f"{op}: expected {expected.__name__}, got {type(error).__name__}"
    else:
        raise AssertionError(f"{op}: the service accepted what the model refuses")


async def check(session: AsyncSession, model: Model, member_id: int, op: tuple) -> None:
    available, frozen = await balances(session, member_id)
    assert (available, frozen) == model.balances, f"after {op}"
    assert available >= 0 and frozen >= 0
    total, frozen_sum = (
        await session.execute(
            select(func.coalesce(func.sum(PointsLedger.amount), 0), func.coalesce(func.sum(PointsLedger.frozen_delta), 0))
            .where(PointsLedger.member_id == member_id)
        )
    ).one()
    assert (int(total) - int(frozen_sum), int(frozen_sum)) == (available, frozen), f"ledger sum after {op}"
    rows = await session.execute(
        select(PointsLot.available, PointsLot.pending, PointsLot.held)
        .where(PointsLot.member_id == member_id)
        .order_by(PointsLot.id)
    )
    assert [tuple(row) for row in rows] == [(lot.available, lot.pending, lot.held) for lot in model.lots], f"lots after {op}"


async def test_random_histories_keep_ledger_balances_and_fifo_in_line_with_the_model(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    loop = asyncio.get_running_loop()

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=False)
    @given(ops=st.lists(operations, min_size=1, max_size=30))
    def histories(ops: list[tuple]) -> None:
        asyncio.run_coroutine_threadsafe(play(sessionmaker, ops), loop).result(timeout=120)

    # Hypothesis drives synchronously from a worker thread; each example runs on the test's loop.
    await asyncio.to_thread(histories)
