"""The personalised coupon automation on both databases: members with hand-computed median baskets get
a "满X减Y" coupon with the expected minimum spend and discount, once per period also with two runs at
once; too few paid orders, opted-out and deleted members get nothing; the rule is off by default and its
parameters are validated; the message names the amounts (and a clear favourite category)."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select

from bot.broadcast_render import marketing_message
from bot.i18n import Translator
from models.broadcasts import Broadcast, BroadcastDelivery
from models.coupons import Coupon, CouponCampaign
from models.database import Database
from models.orders import Order, OrderLine, Product
from models.repositories.broadcasts import BroadcastView
from services import automation
from services.automation.personal import coupon_amounts
from services.errors import DomainError
from services.unit_of_work import UnitOfWork
from tests.conftest import Probe
from tests.test_automation_service import (  # noqa: F401 - the module's own database fixtures
    ADMIN, NOW, POLICY, add_member, button, configure, database, deliveries, probe, run_twice_at_once, send_all,
)

KIND = "personal_coupon"


async def add_product(probe: Probe, category: str) -> int:
    return await probe.write(insert(Product.__table__).values(
        name_zh="商品", name_en="Product", price=1000, stock=100, category=category, created_at=NOW, updated_at=NOW,
    ).returning(Product.__table__.c.id))


async def add_paid(probe: Probe, member_id: int, total: int, *, paid: bool = True, product: int | None = None,
                   quantity: int = 1) -> int:
    at = NOW - timedelta(days=20)
    order_id = await probe.write(insert(Order.__table__).values(
        member_id=member_id, status="completed" if paid else "pending", subtotal=total, total=total, coupon_discount=0,
        points_used=0, points_discount=0, refunded_amount=0, currency="CNY", points_earned=0, source="bot", version=1,
        updated_at=at, created_at=at, paid_at=at if paid else None, completed_at=at if paid else None,
    ).returning(Order.__table__.c.id))
    if product is not None:
        await probe.write(insert(OrderLine.__table__).values(order_id=order_id, product_id=product, name_zh="商品",
                                                             name_en="Product", unit_price=total, quantity=quantity))
    return order_id


async def buyer(probe: Probe, totals: list[int], **values: object) -> int:
    member_id = await add_member(probe, **values)
    for total in totals:
        await add_paid(probe, member_id, total)
    return member_id


async def coupons_of(probe: Probe, member_id: int) -> list[tuple[int, int, str]]:
    """(min_spend, amount_off, campaign code) of the coupons the member received."""
    rows = await probe.rows(select(CouponCampaign.min_spend, CouponCampaign.amount_off, CouponCampaign.code)
                            .join(Coupon, Coupon.campaign_id == CouponCampaign.id)
                            .where(Coupon.member_id == member_id).order_by(Coupon.id))
    return [tuple(row) for row in rows]


def test_amounts_by_hand() -> None:
    assert coupon_amounts([8_000, 8_750, 12_000], 10, "CNY") == (9_000, 900)  # median 8,750 → 9,000
    assert coupon_amounts([12_000, 30_000], 10, "CNY") == (15_000, 1_500)  # median_low 12,000 → 15,000
    assert coupon_amounts([3_000, 4_000, 5_000, 6_000], 10, "CNY") == (4_500, 500)  # 4.50 rounds to 5 yuan
    assert coupon_amounts([300, 300], 10, "CNY") == (400, 100)  # at least one whole unit


async def test_off_by_default_then_coupons_at_the_median_basket_once_per_period(database: Database, probe: Probe) -> None:
    rule = {r.kind: r for r in await automation.overview(UnitOfWork(database), POLICY, ADMIN)}[KIND]
    assert (rule.enabled, rule.params) == (False, {"days": 30, "orders": 2, "percent": 10, "valid": 14})
    first = await buyer(probe, [8_000, 12_000, 8_750])
    assert (await automation.run_due(UnitOfWork(database), POLICY, button, NOW)).get(KIND) is None
    assert await deliveries(probe, first, KIND) == 0  # off: nothing

    second = await buyer(probe, [12_000, 30_000])
    third = await buyer(probe, [3_000, 4_000, 5_000, 6_000])
    tea = await add_product(probe, "tea")
    fan = await add_member(probe)
    for _ in range(2):
        await add_paid(probe, fan, 5_000, product=tea, quantity=2)
    one_order = await buyer(probe, [50_000])
    unpaid = await buyer(probe, [50_000])
    await add_paid(probe, unpaid, 50_000, paid=False)
    opted_out = await buyer(probe, [9_000, 9_000], opt_in=False)
    deleted = await buyer(probe, [9_000, 9_000], status="deleted")

    await configure(database, KIND)
    await run_twice_at_once(database, NOW)
    await run_twice_at_once(database, NOW + timedelta(days=1))  # same period: nothing new
    await send_all(database, NOW + timedelta(days=1))
    expected = {first: (9_000, 900), second: (15_000, 1_500), third: (4_500, 500), fan: (5_500, 600)}
    for member_id, (min_spend, amount_off) in expected.items():
        assert await deliveries(probe, member_id, KIND) == 1
        assert await coupons_of(probe, member_id) == [(min_spend, amount_off, f"auto-basket-{min_spend}-10-14")]
    for member_id in (one_order, unpaid, opted_out, deleted):
        assert await deliveries(probe, member_id, KIND) == 0
        assert await coupons_of(probe, member_id) == []
    campaigns = await probe.scalar(select(func.count()).select_from(CouponCampaign)
                                   .where(CouponCampaign.code.like("auto-basket-%")))
    assert campaigns == 4  # one per threshold, created once by both runs
    favourite = await probe.scalar(select(Broadcast.segment_params).join(BroadcastDelivery)
                                   .where(BroadcastDelivery.member_id == fan, Broadcast.segment == f"auto:{KIND}"))
    assert json.loads(favourite)["category"] == "tea"

    await run_twice_at_once(database, NOW + timedelta(days=30))  # the next period: one more each
    assert [await deliveries(probe, m, KIND) for m in expected] == [2, 2, 2, 2]
    await send_all(database, NOW + timedelta(days=30))
    assert len(await coupons_of(probe, first)) == 2
    assert await probe.scalar(select(func.count()).select_from(CouponCampaign)
                              .where(CouponCampaign.code.like("auto-basket-%"))) == 4


async def test_parameters_are_validated(database: Database) -> None:
    uow = UnitOfWork(database)
    for name, value in [("percent", "0"), ("percent", "51"), ("orders", "x"), ("days", "3"), ("valid", "0")]:
        with pytest.raises(DomainError) as error:
            await automation.set_param(uow, POLICY, ADMIN, KIND, name, value, now=NOW)
        assert error.value.code == "automation-number"
    rule = await automation.set_param(uow, POLICY, ADMIN, KIND, "percent", "15", now=NOW)
    assert rule.params["percent"] == 15


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_message_names_the_amounts_and_the_favourite(language: str) -> None:
    params = {"min_spend": 9_000, "amount_off": 900, "currency": "CNY", "valid": 14, "category": "<tea>"}
    view = BroadcastView(1, 0, "zh", "text", "", None, None, None, 1, f"auto:{KIND}", json.dumps(params), "running",
                         None, None, None, 1, None, text_key="automation-msg-personal_coupon-favourite")
    text = marketing_message(view, Translator(language), "ABCD").text
    assert "90" in text and "9" in text and "14" in text and "&lt;tea&gt;" in text
    assert "{" not in text and "automation-msg" not in text


async def test_batches_reach_every_due_member_past_one_given_nothing(database: Database, probe: Probe,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from services.automation import personal

    monkeypatch.setattr(personal, "BATCH", 2)
    tiny = [await buyer(probe, [50, 50]) for _ in range(2)]  # median 0.50 → 满1减1 would be a free order: nothing
    others = [await buyer(probe, [20_000, 20_000]) for _ in range(3)]
    when = NOW + timedelta(days=90)
    await run_twice_at_once(database, when)
    assert [await deliveries(probe, m, KIND) for m in others] == [1, 1, 1]
    assert [await deliveries(probe, m, KIND) for m in tiny] == [0, 0]  # and a whole batch of them did not stop the run
