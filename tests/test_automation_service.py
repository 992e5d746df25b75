"""Marketing automation on both databases: each kind fires once per its rule, also with two runs at
once; none reaches opted-out, deleted or blocked members; birthday anti-abuse refusals are audited;
rule edits are validated and audited; the /stats figures on a fixture."""

import asyncio
import itertools
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select, update

from models.aftersale import Review
from models.automation import AutomationSend
from models.broadcasts import Broadcast, BroadcastDelivery
from models.coupons import Coupon
from models.database import Database
from models.members import Member
from models.orders import Order
from models.points import PointsCheckin
from models.staff import AuditRecord
from services import automation, stats
from services.broadcasts import delivery
from services.broadcasts.delivery import Outcomes
from services.errors import DomainError
from services.policy import ShopPolicy
from services.staff.roles import StaffOnly
from services.unit_of_work import UnitOfWork
from tests.conftest import Probe, own_database, unique
from tests.test_coupons_service import new_campaign


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
async def database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Database]:
    """This module's own database: the automations run over every member in it."""
    async with own_database(request.param, tmp_path_factory.mktemp("database")) as database:
        yield database


@pytest.fixture
def probe(database: Database) -> Probe:
    return Probe(database)


NOW = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
ADMIN = 991_001
POLICY = ShopPolicy(owners=frozenset({ADMIN}))
_telegram_ids = itertools.count(870_000_000 + (id(object()) % 1000) * 10_000)


def button(order_id: int) -> str:
    return f"as:review:{order_id}:"


async def add_member(probe: Probe, *, days_ago: int = 400, opt_in: bool = True, **values: object) -> int:
    row = dict(marketing_opt_in=opt_in, telegram_id=next(_telegram_ids), tier="normal", points_available=0,
               points_frozen=0, status="active", created_at=NOW - timedelta(days=days_ago), username=None,
               username_key=unique("k"), phone=f"+86139{next(_telegram_ids) % 100_000_000:08d}")
    row.update(values)
    return await probe.write(insert(Member.__table__).values(**row).returning(Member.__table__.c.id))


async def configure(database: Database, kind: str, **params: str) -> None:
    uow = UnitOfWork(database)
    for name, value in params.items():
        await automation.set_param(uow, POLICY, ADMIN, kind, name, value, now=NOW)
    rule = {r.kind: r for r in await automation.overview(uow, POLICY, ADMIN)}[kind]
    if not rule.enabled:
        await automation.toggle(uow, POLICY, ADMIN, kind, now=NOW)


async def switch_off(database: Database, kind: str) -> None:
    rule = {r.kind: r for r in await automation.overview(UnitOfWork(database), POLICY, ADMIN)}[kind]
    if rule.enabled:
        await automation.toggle(UnitOfWork(database), POLICY, ADMIN, kind, now=NOW)


async def run_twice_at_once(database: Database, now: datetime) -> None:
    """Two processes' job runs at the same moment (each with its own unit of work)."""
    await asyncio.gather(*(automation.run_due(UnitOfWork(database), POLICY, button, now) for _ in range(2)))


async def deliveries(probe: Probe, member_id: int, kind: str) -> int:
    return await probe.scalar(
        select(func.count()).select_from(BroadcastDelivery).join(Broadcast, Broadcast.id == BroadcastDelivery.broadcast_id)
        .where(BroadcastDelivery.member_id == member_id, Broadcast.segment == f"auto:{kind}"))


async def test_birthday_once_a_year_on_the_morning_and_never_to_opted_out_or_deleted(database: Database, probe: Probe) -> None:
    campaign = await new_campaign(UnitOfWork(database))
    from models.coupons import CouponCampaign

    code = await probe.scalar(select(CouponCampaign.code).where(CouponCampaign.id == campaign))
    await configure(database, "birthday", campaign=code, hour="9")
    born = date(1990, 11, 29)
    fan = await add_member(probe, birthday=born)
    out = await add_member(probe, birthday=born, opt_in=False)
    gone = await add_member(probe, birthday=born, status="deleted")
    blocked = await add_member(probe, birthday=born, unreachable_at=NOW)
    other_day = await add_member(probe, birthday=date(1990, 11, 28))
    await automation.run_due(UnitOfWork(database), POLICY, button, NOW - timedelta(hours=3))  # 07:00: too early
    assert await deliveries(probe, fan, "birthday") == 0
    await run_twice_at_once(database, NOW)
    await run_twice_at_once(database, NOW + timedelta(hours=5))  # later that day: nothing new
    assert await deliveries(probe, fan, "birthday") == 1
    for member_id in (out, gone, blocked, other_day):
        assert await deliveries(probe, member_id, "birthday") == 0
    sends = await probe.scalar(select(func.count()).select_from(AutomationSend).where(AutomationSend.member_id == fan))
    assert sends == 1
    broadcast = await probe.scalar(select(Broadcast.campaign_id).join(BroadcastDelivery).where(BroadcastDelivery.member_id == fan))
    assert broadcast == campaign  # each recipient gets a coupon of the rule's campaign when sent
    # a year later: again
    await automation.run_due(UnitOfWork(database), POLICY, button, NOW + timedelta(days=365))
    assert await deliveries(probe, fan, "birthday") == 2
    await switch_off(database, "birthday")


async def test_a_birthday_changed_within_a_year_is_refused_and_audited(database: Database, probe: Probe) -> None:
    from models.coupons import CouponCampaign

    code = await probe.scalar(select(CouponCampaign.code).order_by(CouponCampaign.id.desc()).limit(1))
    await configure(database, "birthday", campaign=code)
    today = date(1991, 12, 5)
    changed = await add_member(probe, birthday=today)
    from models.abuse import BirthdayChange

    await probe.write(insert(BirthdayChange.__table__).values(member_id=changed, changed_at=NOW - timedelta(days=30)))
    when = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)
    await run_twice_at_once(database, when)
    assert await deliveries(probe, changed, "birthday") == 0
    refusals = await probe.scalar(select(func.count()).select_from(AuditRecord).where(
        AuditRecord.action == "reward.refused", AuditRecord.member_id == changed))
    assert refusals == 1
    await automation.run_due(UnitOfWork(database), POLICY, button, when + timedelta(hours=2))
    assert await probe.scalar(select(func.count()).select_from(AuditRecord).where(
        AuditRecord.action == "reward.refused", AuditRecord.member_id == changed)) == 1  # decided once a year
    await switch_off(database, "birthday")


async def test_winback_once_per_inactivity_period(database: Database, probe: Probe) -> None:
    from models.coupons import CouponCampaign

    code = await probe.scalar(select(CouponCampaign.code).order_by(CouponCampaign.id.desc()).limit(1))
    await configure(database, "winback", days="30", campaign=code)
    quiet = await add_member(probe, days_ago=100)
    recent = await add_member(probe, days_ago=100)
    await probe.write(insert(PointsCheckin).values(member_id=recent, day=date(2026, 11, 20), streak=1, points=5,
                                                   created_at=NOW - timedelta(days=9)))
    out = await add_member(probe, days_ago=100, opt_in=False)
    await run_twice_at_once(database, NOW)
    await automation.run_due(UnitOfWork(database), POLICY, button, NOW + timedelta(days=10))
    assert (await deliveries(probe, quiet, "winback"), await deliveries(probe, recent, "winback"),
            await deliveries(probe, out, "winback")) == (1, 0, 0)
    # the member comes back (a check-in), then is quiet again for 30 days: a new period, one more
    await probe.write(insert(PointsCheckin).values(member_id=quiet, day=date(2026, 12, 15), streak=1, points=5,
                                                   created_at=NOW + timedelta(days=16)))
    await automation.run_due(UnitOfWork(database), POLICY, button, NOW + timedelta(days=30))
    assert await deliveries(probe, quiet, "winback") == 1
    await run_twice_at_once(database, NOW + timedelta(days=50))
    assert await deliveries(probe, quiet, "winback") == 2
    await switch_off(database, "winback")


async def add_order(probe: Probe, member_id: int, completed_at: datetime) -> int:
    return await probe.write(insert(Order.__table__).values(
        member_id=member_id, status="completed", subtotal=10_000, total=10_000, coupon_discount=0, points_used=0,
        points_discount=0, refunded_amount=0, currency="CNY", points_earned=0, source="bot", version=1,
        updated_at=completed_at, created_at=completed_at - timedelta(days=5),
        paid_at=completed_at - timedelta(days=5), completed_at=completed_at,
    ).returning(Order.__table__.c.id))


async def test_review_request_once_per_order_with_the_review_button(database: Database, probe: Probe) -> None:
    await configure(database, "review", days="3")
    buyer = await add_member(probe)
    out = await add_member(probe, opt_in=False)
    first = await add_order(probe, buyer, NOW - timedelta(days=4))
    second = await add_order(probe, buyer, NOW - timedelta(days=5))
    fresh = await add_order(probe, buyer, NOW - timedelta(days=1))  # not yet
    reviewed = await add_order(probe, buyer, NOW - timedelta(days=4))
    await probe.write(insert(Review.__table__).values(order_id=reviewed, member_id=buyer, stars=5, points_awarded=0,
                                                      created_at=NOW - timedelta(days=3)))
    await add_order(probe, out, NOW - timedelta(days=4))
    await run_twice_at_once(database, NOW)
    await automation.run_due(UnitOfWork(database), POLICY, button, NOW + timedelta(hours=1))
    asked = await probe.scalars(select(Broadcast.button_data).join(BroadcastDelivery)
                                .where(BroadcastDelivery.member_id == buyer, Broadcast.segment == "auto:review"))
    assert sorted(asked) == sorted([button(first), button(second)])
    assert await deliveries(probe, out, "review") == 0
    assert fresh
    await switch_off(database, "review")


async def send_all(database: Database, now: datetime) -> None:
    """What the broadcast senders do, minus Telegram: claim every running broadcast's rows, mark them sent."""
    uow = UnitOfWork(database)
    while (broadcast_id := await delivery.next_running(uow)) is not None:
        batch = await delivery.claim(uow, broadcast_id, "t" * 8, 500, now, timedelta(minutes=2))
        outcomes = Outcomes()
        for recipient in batch.recipients:
            outcomes.add(recipient, "sent")
        await delivery.record(uow, "t" * 8, outcomes, now)
        await delivery.finish_if_done(uow, broadcast_id, now)


async def test_stats_count_sent_and_converted(database: Database, probe: Probe) -> None:
    await send_all(database, NOW)
    before = {row["kind"]: row for row in (await stats.report(UnitOfWork(database), POLICY, ADMIN, NOW))[-1].rows}
    from models.coupons import CouponCampaign

    code = await probe.scalar(select(CouponCampaign.code).order_by(CouponCampaign.id.desc()).limit(1))
    await configure(database, "winback", campaign=code, days="200")
    used, unused = await add_member(probe, days_ago=900), await add_member(probe, days_ago=900)
    await automation.run_due(UnitOfWork(database), POLICY, button, NOW)
    await switch_off(database, "winback")
    await send_all(database, NOW)
    coupon = await probe.scalar(select(BroadcastDelivery.coupon_id).where(BroadcastDelivery.member_id == used))
    assert coupon is not None and unused
    await probe.write(update(Coupon).where(Coupon.id == coupon).values(status="used", used_at=NOW + timedelta(days=2)))
    section = (await stats.report(UnitOfWork(database), POLICY, ADMIN, NOW + timedelta(days=3)))[-1]
    assert section.key == "automation"
    after = {row["kind"]: row for row in section.rows}
    was = before.get("winback", {"sent": 0, "converted": 0})
    assert (after["winback"]["sent"] - was["sent"], after["winback"]["converted"] - was["converted"]) == (2, 1)


async def test_rule_edits_are_validated_audited_and_for_admins_only(database: Database, probe: Probe) -> None:
    uow = UnitOfWork(database)
    for kind, name, value, code in [("winback", "days", "abc", "automation-number"), ("winback", "days", "3", "automation-number"),
                                    ("birthday", "hour", "24", "automation-number"),
                                    ("birthday", "campaign", "NOPE", "automation-campaign-unknown"),
                                    ("expiry", "days", "30 7 3 1", "automation-number"),
                                    ("nope", "days", "3", "automation-not-found")]:
        with pytest.raises(DomainError) as error:
            await automation.set_param(uow, POLICY, ADMIN, kind, name, value, now=NOW)
        assert error.value.code == code
    rule = await automation.set_param(uow, POLICY, ADMIN, "expiry", "days", "7, 30", now=NOW)
    assert rule.params["days"] == [30, 7]
    await automation.set_param(uow, POLICY, ADMIN, "birthday", "campaign", "-", now=NOW)
    await switch_off(database, "birthday")
    with pytest.raises(DomainError) as error:
        await automation.toggle(uow, POLICY, ADMIN, "birthday", now=NOW)
    assert error.value.code == "automation-needs-campaign"
    with pytest.raises(StaffOnly):
        await automation.toggle(uow, POLICY, 12345, "tier", now=NOW)
    audited = await probe.scalar(select(func.count()).select_from(AuditRecord).where(
        AuditRecord.action == "automation.change", AuditRecord.target_id == "expiry"))
    assert audited >= 1


async def test_service_switches_stop_expiry_reminders_and_use_the_days_set(database: Database, probe: Probe) -> None:
    """Expiry reminders are service messages sent directly (bot/scheduler.py); /automation switches them."""
    from bot.scheduler import send_expiry_reminders
    from services import points
    from tests.test_broadcast_service import NOW as LOT_NOW, add_lot

    holder = await add_member(probe, opt_in=False)  # service: opted out still counts
    await add_lot(probe, holder, 10, timedelta(days=5))
    await switch_off(database, "expiry")
    assert await send_expiry_reminders(None, database, POLICY, "zh", LOT_NOW) == 0  # off: no Bot call at all
    await configure(database, "expiry", days="3")  # back on, 3 days before: not due yet at 5 days
    assert [r for r in await points.claim_reminders(UnitOfWork(database), LOT_NOW, (3,)) if r.member_id == holder] == []
    due = await points.claim_reminders(UnitOfWork(database), LOT_NOW, (7,))
    assert [r.member_id for r in due if r.member_id == holder] == [holder]  # the switch left it unclaimed
