"""Broadcast services on both databases: segment sizes against hand-computed fixtures, the HTML check,
concurrent claims (no row taken twice), rows left mid-send written off as unknown, and the lifecycle."""

import asyncio
import itertools
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert, select, update

from models.broadcasts import BroadcastDelivery
from models.coupons import Coupon
from models.database import Database
from models.members import Member
from models.orders import Order
from models.repositories.broadcasts import RFM_GROUPS, segment_query
from models.points import PointsCheckin, PointsLedger, PointsLot
from services import broadcasts
from services.broadcasts import Draft, delivery
from services.broadcasts.delivery import Outcomes
from services.errors import DomainError, InvalidInput
from services.policy import ShopPolicy
from services.staff.roles import StaffOnly
from services.unit_of_work import UnitOfWork
from tests.conftest import Probe, own_database, unique
from tests.test_coupons_service import new_campaign

@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
async def database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Database]:
    """This module's own database: segments and senders read every member in it."""
    async with own_database(request.param, tmp_path_factory.mktemp("database")) as database:
        yield database


@pytest.fixture
def probe(database: Database) -> Probe:
    return Probe(database)


NOW = datetime(2026, 11, 29, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai: November
TZ = ZoneInfo("Asia/Shanghai")
ADMIN = 990_001
POLICY = ShopPolicy(owners=frozenset({ADMIN}))
_telegram_ids = itertools.count(880_000_000 + (id(object()) % 1000) * 10_000)


async def add_member(probe: Probe, *, days_ago: int, opt_in: bool = True, telegram: bool = True, **values: object) -> int:
    row = dict(
        marketing_opt_in=opt_in, telegram_id=next(_telegram_ids) if telegram else None, tier="normal",
        points_available=0, points_frozen=0, status="active", created_at=NOW - timedelta(days=days_ago),
        username=None, username_key=unique("k"),
    )
    row.update(values)
    return await probe.write(insert(Member.__table__).values(**row).returning(Member.__table__.c.id))


async def add_lot(probe: Probe, member_id: int, points: int, expires_in: timedelta) -> None:
    entry = await probe.write(insert(PointsLedger.__table__).values(
        member_id=member_id, kind="adjust", amount=points, frozen_delta=0, available_after=points, frozen_after=0,
        created_at=NOW - timedelta(days=300),
    ).returning(PointsLedger.__table__.c.id))
    # the member's balance, the ledger and the lot agree (the points audit of the shared database checks)
    await probe.write(update(Member).where(Member.id == member_id)
                      .values(points_available=Member.points_available + points))
    await probe.write(insert(PointsLot).values(
        member_id=member_id, entry_id=entry, amount=points, available=points, pending=0, held=0,
        earned_at=NOW - timedelta(days=300), expires_at=NOW + expires_in,
    ))


SEGMENTS = {
    ("all", None): 6, ("tier", "gold"): 1, ("new", 7): 1, ("new", 30): 1, ("inactive", 30): 4,
    ("birthday", None): 1, ("expiring", 7): 1, ("expiring", 30): 2, ("coupons", None): 1,
}


async def sizes(database: Database) -> dict[tuple, int]:
    tiers = ("normal", "silver", "gold", "diamond")
    return {
        key: await broadcasts.size(UnitOfWork(database), broadcasts.segment(key[0], key[1], tiers), TZ, NOW)
        for key in SEGMENTS
    }


async def test_segment_sizes_match_the_hand_computed_fixture(database: Database, probe: Probe) -> None:
    before = await sizes(database)
    a = await add_member(probe, days_ago=100, tier="gold", birthday=date(1990, 11, 5))  # all, gold, inactive, birthday
    await add_member(probe, days_ago=2)  # all, new 7, new 30
    await add_member(probe, days_ago=2, opt_in=False)  # opted out: nowhere
    await add_member(probe, days_ago=100, unreachable_at=NOW)  # blocked the bot: nowhere
    await add_member(probe, days_ago=100, status="deleted")  # deleted: nowhere
    await add_member(probe, days_ago=100, telegram=False)  # no chat: nowhere
    g = await add_member(probe, days_ago=100, birthday=date(1985, 12, 1))  # all; checked in 3 days ago
    await probe.write(insert(PointsCheckin).values(member_id=g, day=date(2026, 11, 26), streak=1, points=5, created_at=NOW))
    h = await add_member(probe, days_ago=50)  # all, inactive, points expiring in 5 days
    await add_lot(probe, h, 10, timedelta(days=5))
    i = await add_member(probe, days_ago=200)  # all, inactive, expiring in 20 days, an unused coupon
    await add_lot(probe, i, 10, timedelta(days=20))
    j = await add_member(probe, days_ago=200)  # all, inactive; its lot expired, its coupon used
    await add_lot(probe, j, 10, timedelta(days=-1))
    campaign = await new_campaign(UnitOfWork(database))
    from services import coupons

    await coupons.issue(UnitOfWork(database), campaign, i, now=NOW - timedelta(days=1))
    used = await coupons.issue(UnitOfWork(database), campaign, j, now=NOW - timedelta(days=1))
    await probe.write(update(Coupon).where(Coupon.id == used.id).values(status="used"))
    after = await sizes(database)
    assert {key: after[key] - before[key] for key in SEGMENTS} == SEGMENTS
    assert a  # the gold member with the November birthday


def test_staff_html_is_checked_as_telegram_parses_it() -> None:
    assert broadcasts.check_html('<b>Sale</b> &amp; <a href="https://shop.example/x?a=1&amp;b=2">more</a>') == "Sale & more"
    assert broadcasts.check_html('<span class="tg-spoiler">x</span><blockquote expandable>q</blockquote>') == "xq"
    refused = {
        "<div>x</div>": ("html-tag", {"tag": "div"}),
        "a < b": ("html-lt", {"at": 3}),
        "<b>open": ("html-unclosed", {"tag": "b"}),
        "<b><i>x</b></i>": ("html-close", {"tag": "b", "at": 8, "expected": "i"}),
        "fish &chips": ("html-amp", {"at": 6}),
        "<span>x</span>": ("html-span", {}),
        '<a href="javascript:alert(1)">x</a>': ("html-href", {}),
        '<b onclick="x">y</b>': ("html-attribute", {"key": "onclick", "tag": "b"}),
    }
    for source, (code, params) in refused.items():
        with pytest.raises(InvalidInput) as caught:
            broadcasts.check_html(source)
        assert (caught.value.code, caught.value.params) == (code, params), source


def test_lengths_are_checked_after_the_markup_is_parsed() -> None:
    broadcasts.check_text("<b>" + "x" * 4096 + "</b>", photo=False)
    with pytest.raises(InvalidInput) as caught:
        broadcasts.check_text("x" * 4097, photo=False)
    assert caught.value.params == {"length": 4097, "limit": 4096}
    with pytest.raises(InvalidInput):
        broadcasts.check_text("x" * 1025, photo=True)
    with pytest.raises(InvalidInput):
        broadcasts.check_text("  ", photo=False)
    with pytest.raises(InvalidInput):
        broadcasts.check_button("Shop", "javascript:alert(1)")


async def started(database: Database, recipients: int, probe: Probe) -> int:
    """A running broadcast to `recipients` fresh members of a tier nobody else has."""
    tier = unique("t")[:16]
    for _ in range(recipients):
        await add_member(probe, days_ago=10, tier=tier)
    uow = UnitOfWork(database)
    chosen = broadcasts.Segment("tier", {"tier": tier})
    broadcast_id = await broadcasts.create(uow, POLICY, ADMIN, Draft("<b>Hello</b>"), chosen, "en", now=NOW)
    assert await broadcasts.start_now(uow, POLICY, ADMIN, broadcast_id, now=NOW) == recipients
    return broadcast_id


async def test_concurrent_senders_never_take_the_same_row(database: Database, probe: Probe) -> None:
    broadcast_id = await started(database, 240, probe)
    taken: list[list[int]] = []

    async def sender(token: str) -> None:
        uow = UnitOfWork(database)
        while True:
            batch = await delivery.claim(uow, broadcast_id, token, 15, NOW, timedelta(minutes=2))
            if not batch.recipients:
                return
            taken.append([r.id for r in batch.recipients])
            outcomes = Outcomes()
            for recipient in batch.recipients:
                outcomes.add(recipient, "sent")
            await delivery.record(uow, token, outcomes, NOW)

    await asyncio.gather(*(sender(f"s{n}") for n in range(4)))
    ids = [row for batch in taken for row in batch]
    assert len(ids) == len(set(ids)) == 240
    assert await delivery.finish_if_done(UnitOfWork(database), broadcast_id, NOW)
    view = await broadcasts.get(UnitOfWork(database), POLICY, ADMIN, broadcast_id)
    assert (view.status, view.total) == ("done", 240)


async def test_a_row_left_mid_send_becomes_unknown_and_is_never_claimed_again(database: Database, probe: Probe) -> None:
    broadcast_id = await started(database, 5, probe)
    uow = UnitOfWork(database)
    lease = timedelta(seconds=60)
    crashed = await delivery.claim(uow, broadcast_id, "dead", 2, NOW, lease)  # the sender dies here
    assert len(crashed.recipients) == 2
    later = await delivery.claim(uow, broadcast_id, "alive", 10, NOW + lease + timedelta(seconds=1), lease)
    assert {r.id for r in later.recipients}.isdisjoint(r.id for r in crashed.recipients)
    assert len(later.recipients) == 3
    statuses = await probe.scalars(select(BroadcastDelivery.status).where(BroadcastDelivery.broadcast_id == broadcast_id))
    assert sorted(statuses) == ["sending"] * 3 + ["unknown"] * 2
    # the dead sender's late outcome changes nothing: the token no longer holds its rows
    outcomes = Outcomes()
    outcomes.add(crashed.recipients[0], "sent")
    await delivery.record(uow, "dead", outcomes, NOW)
    assert (await delivery.progress(uow, broadcast_id, NOW)).counts["unknown"] == 2


async def test_pause_resume_cancel_and_only_admins(database: Database, probe: Probe) -> None:
    broadcast_id = await started(database, 3, probe)
    uow = UnitOfWork(database)
    assert (await broadcasts.control(uow, POLICY, ADMIN, broadcast_id, "pause"))[0]
    assert not (await broadcasts.control(uow, POLICY, ADMIN, broadcast_id, "pause"))[0]
    assert await delivery.claim(uow, broadcast_id, "t", 10, NOW, timedelta(minutes=1)) is None  # paused: nothing
    assert (await broadcasts.control(uow, POLICY, ADMIN, broadcast_id, "resume"))[1].status == "running"
    with pytest.raises(StaffOnly):
        await broadcasts.control(uow, POLICY, 12345, broadcast_id, "cancel")
    changed, view = await broadcasts.control(uow, POLICY, ADMIN, broadcast_id, "cancel")
    assert changed and view.status == "cancelled"
    with pytest.raises(DomainError):
        await broadcasts.start_now(uow, POLICY, ADMIN, broadcast_id)


async def test_a_scheduled_broadcast_starts_once_when_its_time_comes(database: Database, probe: Probe) -> None:
    tier = unique("t")[:16]
    await add_member(probe, days_ago=10, tier=tier)
    uow = UnitOfWork(database)
    broadcast_id = await broadcasts.create(uow, POLICY, ADMIN, Draft("Hi"), broadcasts.Segment("tier", {"tier": tier}), "zh")
    at = datetime.now(UTC) + timedelta(hours=1)
    await broadcasts.schedule(uow, POLICY, ADMIN, broadcast_id, at)
    assert broadcast_id not in await broadcasts.start_due(uow, TZ, at - timedelta(minutes=1))
    both = await asyncio.gather(broadcasts.start_due(UnitOfWork(database), TZ, at),
                                broadcasts.start_due(UnitOfWork(database), TZ, at))
    assert [broadcast_id in started_ids for started_ids in both].count(True) == 1
    assert (await broadcasts.get(uow, POLICY, ADMIN, broadcast_id)).total == 1


async def add_order(probe: Probe, member_id: int, total: int, paid_days_ago: int | None, refunded: int = 0) -> None:
    paid = NOW - timedelta(days=paid_days_ago) if paid_days_ago is not None else None
    await probe.write(insert(Order.__table__).values(
        member_id=member_id, status="completed" if paid else "pending_payment", subtotal=total, total=total,
        refunded_amount=refunded, currency="CNY", created_at=(paid or NOW) - timedelta(minutes=5), paid_at=paid,
        updated_at=NOW,
    ))


@pytest.fixture
async def shop(tmp_path) -> AsyncIterator[Database]:
    """A database of its own: orders written here stay out of the shared database's other tests."""
    from models.migrate import upgrade_to_head

    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'shop.sqlite3'}")
    await upgrade_to_head(database.engine)
    yield database
    await database.dispose()


async def test_spent_over_an_amount_counts_net_paid_orders_within_the_days(shop: Database) -> None:
    database, probe = shop, Probe(shop)
    spent = broadcasts.segment("spent", "500 90")
    assert spent.params == {"amount": 50_000, "days": 90}

    async def size() -> int:
        return await broadcasts.size(UnitOfWork(database), spent, TZ, NOW)

    before = await size()
    buyer = await add_member(probe, days_ago=200)
    await add_order(probe, buyer, 30_000, 10)
    await add_order(probe, buyer, 30_000, 80)  # 600.00 within 90 days: in
    refunded = await add_member(probe, days_ago=200)
    await add_order(probe, refunded, 60_000, 10, refunded=20_000)  # 400.00 net: out
    old = await add_member(probe, days_ago=200)
    await add_order(probe, old, 60_000, 100)  # paid too long ago: out
    unpaid = await add_member(probe, days_ago=200)
    await add_order(probe, unpaid, 90_000, None)  # never paid: out
    assert await size() - before == 1
    # ordering counts as activity: the buyer is not "inactive 30 days", the old buyer is
    inactive = broadcasts.segment("inactive", 30)
    query = segment_query("inactive", inactive.params, NOW, NOW.date())
    async with database.sessionmaker() as session:
        found = set(await session.scalars(select(query.subquery().c.id)))
    assert old in found and buyer not in found


async def test_rfm_groups_on_a_hand_computed_shop(shop: Database) -> None:
    """Five buyers, each best or worst on a different score (quintiles of five are one each)."""
    database, probe = shop, Probe(shop)
    shop = {  # name: (days since each paid order, latest first; each order's total)
        "champions": ([1, 30, 60, 90, 120], 1_000),  # R5 F5 M5
        "new": ([5], 100),  # R4, one order
        "loyal": ([20, 40, 70], 100),  # R3 F3 M3
        "at_risk": ([200, 210, 220, 230], 100),  # R2 F4 M4
        "hibernating": ([300, 310], 100),  # R1 F2 M2
    }
    for days, total in shop.values():
        member = await add_member(probe, days_ago=400)
        for ago in days:
            await add_order(probe, member, total, ago)
    for group in RFM_GROUPS:
        assert await broadcasts.size(UnitOfWork(database), broadcasts.segment("rfm", group), TZ, NOW) == 1, group


async def test_every_segment_runs_on_this_database(database: Database) -> None:
    tiers = ("normal", "gold")
    chosen = [broadcasts.segment("rfm", group) for group in RFM_GROUPS]
    chosen += [broadcasts.segment(name, value, tiers) for name, value in
               [("all", None), ("tier", "gold"), ("new", 7), ("inactive", 30), ("birthday", None),
                ("expiring", 30), ("coupons", None), ("spent", "1 30")]]
    for each in chosen:
        assert await broadcasts.size(UnitOfWork(database), each, TZ, NOW) >= 0
    with pytest.raises(InvalidInput):
        broadcasts.segment("rfm", "whales")
    with pytest.raises(InvalidInput):
        broadcasts.segment("spent", "lots")
