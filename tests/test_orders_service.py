"""Orders through the services on both databases: placing holds stock, coupon and points; payment,
cancel and expiry settle or release them exactly once; the payload is signed."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from models.base import utcnow
from models.coupons import Coupon
from models.members import Member
from models.orders import Order, OrderEvent, Product
from models.points import PointsLot
from services import coupons, orders, points
from services.coupons import CampaignSpec
from services.errors import DomainError
from services.orders import Charge, OrderRules, ProductSpec
from services.orders.rules import order_of_payload, sign_payload
from services.unit_of_work import UnitOfWork
from tests.conftest import Probe, unique
from tests.test_points_service import SHANGHAI, TIERS, balances, new_member

RULES = OrderRules(payload_key=b"k" * 32, provider_token="test-token", referral_points=30)
RATE = Decimal("0.01")
WINDOW = timedelta(days=7)


async def new_product(uow: UnitOfWork, price: int = 10_000, stock: int = 5) -> int:
    return await orders.add_product(uow, ProductSpec(unique("商品"), unique("item"), price, stock))


async def new_coupon(uow: UnitOfWork, member_id: int, **fields: object) -> int:
    values: dict = {"code": unique("c"), "name_zh": "满100减10", "name_en": "10 off 100", "kind": "amount_off",
                    "amount_off": 1_000, "min_spend": 10_000, "valid_days": 30, "channel": "staff", **fields}
    campaign_id = await coupons.create_campaign(uow, CampaignSpec(**values))
    return (await coupons.issue(uow, campaign_id, member_id)).id


async def refused(code: str, call: object) -> None:
    with pytest.raises(DomainError) as error:
        await call
    assert error.value.code == code


async def stock(probe: Probe, product_id: int) -> int:
    return await probe.scalar(select(Product.stock).where(Product.id == product_id))


async def coupon_status(probe: Probe, coupon_id: int) -> str:
    return await probe.scalar(select(Coupon.status).where(Coupon.id == coupon_id))


def charge(order: orders.OrderView, telegram_id: int, charge_id: str | None = None) -> Charge:
    payload = sign_payload(RULES.payload_key, order.id)
    return Charge(telegram_id, charge_id or unique("ch"), None, order.currency, order.total, payload)


async def bind_telegram(probe: Probe, member_id: int) -> int:
    telegram_id = int(unique("").replace("u", "")[:8], 16)
    await probe.write(update(Member).where(Member.id == member_id).values(telegram_id=telegram_id))
    return telegram_id


def test_points_rules_round_to_no_waste_and_cap() -> None:
    assert RULES.points_discount(150) == 150 and RULES.max_points(10_000, 9_999) == 5_000
    assert RULES.max_points(10_000, 1_200) == 1_200 and RULES.max_points(1, 500) == 0
    stars = OrderRules(points_per_unit=100, minor_per_unit=1)
    assert stars.checked_points(250, 100, 1_000) == (200, 2)  # 250 points take 2 stars off; 200 are charged
    with pytest.raises(DomainError):
        RULES.checked_points(6_000, 10_000, 9_999)


def test_payload_names_the_order_and_is_signed() -> None:
    payload = sign_payload(RULES.payload_key, 42)
    assert len(payload.encode()) <= 128
    assert order_of_payload(RULES.payload_key, payload) == 42
    assert order_of_payload(RULES.payload_key, payload.replace(":42:", ":43:")) is None
    assert order_of_payload(b"other" * 8, payload) is None
    assert order_of_payload(RULES.payload_key, "o:42:nonsense") is None


async def test_place_pay_twice_then_deliver_releases_points_after_the_window(uow: UnitOfWork, probe: Probe) -> None:
    referrer = await new_member(uow)
    member_id = await new_member(uow, available=2_000, now=utcnow())
    await probe.write(update(Member).where(Member.id == member_id).values(referrer_id=referrer))
    telegram_id = await bind_telegram(probe, member_id)
    product_id = await new_product(uow, price=6_000, stock=3)
    coupon_id = await new_coupon(uow, member_id)
    await orders.add_to_cart(uow, member_id, product_id, 2)
    quote = await orders.quote(uow, member_id, RULES, coupon_id=coupon_id, points=1_000)
    assert (quote.subtotal, quote.coupon_discount, quote.points_discount, quote.total) == (12_000, 1_000, 1_000, 10_000)
    assert [offer.coupon.id for offer in quote.offers] == [coupon_id]
    order = await orders.place_order(uow, member_id, RULES, "CNY", coupon_id=coupon_id, points=1_000,
                                     expected_total=10_000)
    assert await stock(probe, product_id) == 1 and await coupon_status(probe, coupon_id) == "locked"
    assert await balances(probe, member_id) == (1_000, 0)
    assert (await orders.cart(uow, member_id)).lines == []
    invoice = orders.invoice_for(order, RULES)
    assert await orders.pre_checkout(uow, telegram_id, invoice.payload, 10_000, "CNY", RULES) == order.id
    await refused("payment-amount-changed", orders.pre_checkout(uow, telegram_id, invoice.payload, 9_000, "CNY", RULES))
    await refused("payment-invalid", orders.pre_checkout(uow, telegram_id + 1, invoice.payload, 10_000, "CNY", RULES))
    paid = charge(order, telegram_id)
    first = await orders.record_payment(uow, paid, RULES, earn_rate=RATE, tiers=TIERS, tz=SHANGHAI)
    again = await orders.record_payment(uow, paid, RULES, earn_rate=RATE, tiers=TIERS, tz=SHANGHAI)
    assert first.recorded and not again.recorded and first.points_earned == 100 == again.points_earned
    assert first.order.status == "paid" and await coupon_status(probe, coupon_id) == "used"
    assert await balances(probe, member_id) == (1_000, 100)
    assert await balances(probe, referrer) == (30, 0)
    await refused("cart-empty", orders.place_order(uow, member_id, RULES, "CNY"))
    await refused("order-illegal-transition", orders.deliver(uow, order.id, "api", return_window=WINDOW))
    await orders.ship(uow, order.id, "api", return_window=WINDOW, tracking="SF123")
    delivered_at = utcnow()
    await orders.deliver(uow, order.id, "api", return_window=WINDOW, now=delivered_at)
    release = await probe.scalar(select(PointsLot.release_at).where(PointsLot.pending > 0,
                                                                      PointsLot.member_id == member_id))
    assert release == delivered_at + WINDOW
    assert await points.release_due(uow, now=delivered_at + WINDOW + timedelta(minutes=1), member_id=member_id) == 100
    assert await balances(probe, member_id) == (1_100, 0)
    notices = await orders.claim_notices(uow)
    mine = [notice.event.to_status for notice in notices if notice.event.order_id == order.id]
    assert mine == ["shipped", "delivered"]
    assert all(notice.event.order_id != order.id for notice in await orders.claim_notices(uow))
    assert await points.audit(uow) == []


async def test_cancel_and_expiry_give_everything_back_once(uow: UnitOfWork, probe: Probe) -> None:
    member_id = await new_member(uow, available=3_000, now=utcnow())
    product_id = await new_product(uow, price=20_000, stock=2)
    coupon_id = await new_coupon(uow, member_id)
    await orders.add_to_cart(uow, member_id, product_id, 1)
    order = await orders.place_order(uow, member_id, RULES, "CNY", coupon_id=coupon_id, points=2_000)
    assert await balances(probe, member_id) == (1_000, 0) and await stock(probe, product_id) == 1
    other = await new_member(uow)
    await refused("order-not-found", orders.cancel(uow, other, order.id, SHANGHAI))
    cancelled = await orders.cancel(uow, member_id, order.id, SHANGHAI)
    assert cancelled.status == "cancelled"
    assert await balances(probe, member_id) == (3_000, 0) and await stock(probe, product_id) == 2
    assert await coupon_status(probe, coupon_id) == "available"
    await refused("order-illegal-transition", orders.cancel(uow, member_id, order.id, SHANGHAI))
    await orders.add_to_cart(uow, member_id, product_id, 1)
    order = await orders.place_order(uow, member_id, RULES, "CNY", coupon_id=coupon_id, points=2_000)
    late = order.expires_at + timedelta(minutes=10)
    assert await orders.expire_due(uow, SHANGHAI, now=order.expires_at) == 0  # within the payment grace
    assert await orders.expire_due(uow, SHANGHAI, now=late) >= 1
    assert await orders.expire_due(uow, SHANGHAI, now=late) == 0
    assert await probe.scalar(select(Order.status).where(Order.id == order.id)) == "expired"
    assert await balances(probe, member_id) == (3_000, 0) and await stock(probe, product_id) == 2
    assert await coupon_status(probe, coupon_id) == "available"
    events = await probe.scalars(select(OrderEvent.to_status).where(OrderEvent.order_id == order.id)
                                 .order_by(OrderEvent.id))
    assert events == ["pending_payment", "expired"]
    assert await points.audit(uow) == []


async def test_a_free_order_is_paid_at_once_and_the_referrer_is_paid_once(uow: UnitOfWork, probe: Probe) -> None:
    referrer = await new_member(uow)
    member_id = await new_member(uow)
    await probe.write(update(Member).where(Member.id == member_id).values(referrer_id=referrer))
    telegram_id = await bind_telegram(probe, member_id)
    product_id = await new_product(uow, price=1_000, stock=5)
    coupon_id = await new_coupon(uow, member_id, min_spend=0, amount_off=5_000)
    await orders.add_to_cart(uow, member_id, product_id)
    quote = await orders.quote(uow, member_id, RULES, coupon_id=coupon_id)
    assert (quote.coupon_discount, quote.max_points, quote.total) == (1_000, 0, 0)
    order = await orders.place_order(uow, member_id, RULES, "CNY", coupon_id=coupon_id)
    free = await orders.settle_free(uow, order, telegram_id, RULES, earn_rate=RATE, tiers=TIERS, tz=SHANGHAI)
    again = await orders.settle_free(uow, order, telegram_id, RULES, earn_rate=RATE, tiers=TIERS, tz=SHANGHAI)
    assert free.recorded and free.order.status == "paid" and not again.recorded
    assert await coupon_status(probe, coupon_id) == "used"
    await orders.add_to_cart(uow, member_id, product_id)
    second = await orders.place_order(uow, member_id, RULES, "CNY")
    paid = await orders.record_payment(uow, charge(second, telegram_id), RULES, earn_rate=RATE, tiers=TIERS,
                                       tz=SHANGHAI)
    assert paid.order.status == "paid" and paid.points_earned == 10
    assert await balances(probe, referrer) == (30, 0)  # the first paid order only
    assert await points.audit(uow) == []


async def test_a_payment_for_an_order_no_longer_payable_is_kept_and_flagged(uow: UnitOfWork, probe: Probe) -> None:
    member_id = await new_member(uow)
    telegram_id = await bind_telegram(probe, member_id)
    product_id = await new_product(uow)
    await orders.add_to_cart(uow, member_id, product_id)
    order = await orders.place_order(uow, member_id, RULES, "CNY")
    await orders.cancel(uow, member_id, order.id, SHANGHAI)
    late = await orders.record_payment(uow, charge(order, telegram_id), RULES, earn_rate=RATE, tiers=TIERS,
                                       tz=SHANGHAI)
    assert late.late and late.order.status == "cancelled" and late.points_earned == 0
    assert await probe.scalar(select(Order.status).where(Order.id == order.id)) == "cancelled"
    assert await stock(probe, product_id) == 5


def test_the_expiry_and_notice_jobs_are_scheduled() -> None:
    from unittest.mock import MagicMock

    from bot.scheduler import BackgroundJobs, announce_order_changes, expire_orders
    from services.policy import ShopPolicy

    jobs = BackgroundJobs(MagicMock(), MagicMock(), ShopPolicy(), "zh")
    assert jobs.scheduler.get_job("orders-expire").func is expire_orders
    assert jobs.scheduler.get_job("orders-announce").func is announce_order_changes


async def test_seed_demo_adds_the_demo_catalog_once(db_url: str, database: object, probe: Probe) -> None:
    import io

    from services.orders.demo import DEMO_PRODUCTS, run_seed

    first, second = io.StringIO(), io.StringIO()
    assert await run_seed(db_url, first) == 0 and await run_seed(db_url, second) == 0
    assert "seed-demo: 5 " in first.getvalue() and "seed-demo: 0 " in second.getvalue()
    skus = await probe.scalars(select(Product.sku).where(Product.sku.like("demo-%")))
    assert sorted(skus) == sorted(spec.sku for spec in DEMO_PRODUCTS)
