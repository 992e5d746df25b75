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

from models import PointsLedger
from models.database import Database
from models.points import PointsLot
from services import points
from services.errors import NotAllowed
from services.points import Tier, Tiers
from services.points.wallet import Lot, Refused, Wallet
from services.unit_of_work import UnitOfWork
from tests.conftest import Probe
from tests.test_points_service import balances, new_member

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2024, 1, 20, 4, 0, tzinfo=UTC)
ONE_TIER = Tiers([Tier(code="normal", names={"en": "Member"}, threshold=0)])
RATE = Decimal("0.01")
CREDIT_KINDS = {"review", "earn", "adjust"}


@dataclass
class Entry:
    entry_id: int
    kind: str
    amount: int
    lot: int | None


@dataclass
class Model:
    """The rules' plain-Python statement (services.points.wallet) plus which entries exist."""

    wallet: Wallet = field(default_factory=Wallet)
    entries: list[Entry] = field(default_factory=list)
    revoked: set[int] = field(default_factory=set)

    @property
    def lots(self) -> list[Lot]:
        return self.wallet.lots

    @property
    def balances(self) -> tuple[int, int]:
        return self.wallet.balances

    def revoke(self, entry: Entry, now: datetime) -> Lot | None:
        """Returns the new lot for a given-back debit; raises NotAllowed / Refused like the service."""
        if entry.entry_id in self.revoked:
            return None
        if entry.kind in CREDIT_KINDS and entry.amount > 0:
            self.wallet.revoke_credit(entry.lot, entry.amount)
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


async def play(database: Database, ops: list[tuple]) -> None:
    uow, probe = UnitOfWork(database), Probe(database)
    member_id = await new_member(uow)
    model, now = Model(), T0
    for step, op in enumerate(ops):
        key = f"prop:{member_id}:{step}"
        now = await apply(uow, model, member_id, op, key, now)
        await check(probe, model, member_id, op)


async def apply(uow: UnitOfWork, model: Model, member_id: int, op: tuple, key: str, now: datetime) -> datetime:
    name = op[0]
    if name == "advance":
        return now + timedelta(days=op[1])
    if name == "expire_job":
        await points.expire_due(uow, now, member_id=member_id)
        model.wallet.expire(now)
        return now
    if name == "release_job":
        await points.release_due(uow, now, member_id=member_id)
        model.wallet.release(now)
        return now
    expected = copy.deepcopy(model)
    try:
        new_lot = simulate(expected, op, now)
    except (Refused, NotAllowed) as refusal:
        await expect_refusal(uow, model, member_id, op, key, now, refusal)
        return now
    posted = await call_service(uow, model, member_id, op, key, now)
    if new_lot is not None:
        expected.wallet.credit(new_lot)
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
        model.wallet.spend(abs(op[1]), now)
    elif name == "freeze":
        model.wallet.freeze(op[1])
    elif name == "unfreeze":
        model.wallet.unfreeze(op[1])
    elif name == "revoke":
        if not model.entries:
            raise NotAllowed
        return model.revoke(model.entries[op[1] % len(model.entries)], now)
    return None


async def call_service(uow: UnitOfWork, model: Model, member_id: int, op: tuple, key: str, now: datetime):
    name = op[0]
    if name == "credit":
        return await points.credit(uow, member_id, "review", op[1], key, tz=SHANGHAI, now=now)
    if name == "earn":
        release_at = now + timedelta(days=op[2]) if op[2] else None
        earned = await points.earn(uow, member_id, op[1], key, rate=RATE, tiers=ONE_TIER,
                                   release_at=release_at, tz=SHANGHAI, now=now)
        return earned.posted
    if name == "spend":
        return await points.spend(uow, member_id, op[1], key, now=now)
    if name == "adjust":
        return await points.adjust(uow, member_id, op[1], key, reason="property", tz=SHANGHAI, now=now)
    if name == "freeze":
        return await points.freeze(uow, member_id, op[1], key, reason="property", now=now)
    if name == "unfreeze":
        return await points.unfreeze(uow, member_id, op[1], key, reason="property", now=now)
    entry = model.entries[op[1] % len(model.entries)]
    return await points.revoke(uow, entry.entry_id, reason="property", tz=SHANGHAI, now=now)


async def expect_refusal(
    uow: UnitOfWork, model: Model, member_id: int, op: tuple, key: str, now: datetime, refusal: Exception
) -> None:
    if op[0] == "revoke" and not model.entries:
        return
    expected = points.InsufficientPoints if isinstance(refusal, Refused) else NotAllowed
    try:
        await call_service(uow, model, member_id, op, key, now)
    except NotAllowed as error:
        assert type(error) is expected, f"{op}: expected {expected.__name__}, got {type(error).__name__}"
    else:
        raise AssertionError(f"{op}: the service accepted what the model refuses")


async def check(probe: Probe, model: Model, member_id: int, op: tuple) -> None:
    available, frozen = await balances(probe, member_id)
    assert (available, frozen) == model.balances, f"after {op}"
    assert available >= 0 and frozen >= 0
    ((total, frozen_sum),) = await probe.rows(
        select(func.coalesce(func.sum(PointsLedger.amount), 0), func.coalesce(func.sum(PointsLedger.frozen_delta), 0))
        .where(PointsLedger.member_id == member_id)
    )
    assert (int(total) - int(frozen_sum), int(frozen_sum)) == (available, frozen), f"ledger sum after {op}"
    rows = await probe.rows(
        select(PointsLot.available, PointsLot.pending, PointsLot.held)
        .where(PointsLot.member_id == member_id)
        .order_by(PointsLot.id)
    )
    assert rows == [(lot.available, lot.pending, lot.held) for lot in model.lots], f"lots after {op}"


async def test_random_histories_keep_ledger_balances_and_fifo_in_line_with_the_model(
    database: Database,
) -> None:
    loop = asyncio.get_running_loop()

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=False)
    @given(ops=st.lists(operations, min_size=1, max_size=30))
    def histories(ops: list[tuple]) -> None:
        asyncio.run_coroutine_threadsafe(play(database, ops), loop).result(timeout=120)

    # Hypothesis drives synchronously from a worker thread; each example runs on the test's loop.
    await asyncio.to_thread(histories)
