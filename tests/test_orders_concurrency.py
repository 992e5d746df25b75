"""Races on both databases, each task with its own unit of work: the last unit of stock, one coupon
in two orders, two expiry jobs at once."""

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from models.base import utcnow
from models.database import Database
from models.orders import Order
from services import orders, points
from services.unit_of_work import UnitOfWork
from tests.conftest import Probe
from tests.test_coupons_concurrency import attempt
from tests.test_orders_service import RULES, coupon_status, new_coupon, new_product, stock
from tests.test_points_service import SHANGHAI, balances, new_member


async def test_twenty_members_race_for_the_last_unit_one_order(database: Database, probe: Probe) -> None:
    product_id = await new_product(UnitOfWork(database), stock=1)
    members = [await new_member(UnitOfWork(database)) for _ in range(20)]
    for member_id in members:
        await orders.add_to_cart(UnitOfWork(database), member_id, product_id, 1)
    results = await asyncio.gather(
        *(attempt(orders.place_order(UnitOfWork(database), member_id, RULES, "CNY")) for member_id in members)
    )
    assert results.count("ok") == 1 and results.count("order-out-of-stock") == 19, results
    assert await stock(probe, product_id) == 0
    placed = await probe.scalar(select(func.count()).select_from(Order).where(Order.member_id.in_(members)))
    assert placed == 1


async def test_one_coupon_in_two_orders_at_once_goes_into_one(database: Database, probe: Probe) -> None:
    member_id = await new_member(UnitOfWork(database), available=1_000, now=utcnow())
    product_id = await new_product(UnitOfWork(database), stock=10)
    coupon_id = await new_coupon(UnitOfWork(database), member_id)
    await orders.add_to_cart(UnitOfWork(database), member_id, product_id, 1)
    results = await asyncio.gather(
        *(attempt(orders.place_order(UnitOfWork(database), member_id, RULES, "CNY", coupon_id=coupon_id, points=500))
          for _ in range(2))
    )
    assert results.count("ok") == 1 and set(results) - {"ok"} <= {"coupon-not-usable", "cart-empty"}, results
    with_coupon = await probe.scalar(select(func.count()).select_from(Order).where(Order.coupon_id == coupon_id))
    assert with_coupon == 1 and await coupon_status(probe, coupon_id) == "locked"
    assert await stock(probe, product_id) == 9 and await balances(probe, member_id) == (500, 0)


async def test_two_expiry_jobs_at_once_release_each_order_once(database: Database, probe: Probe) -> None:
    members = [await new_member(UnitOfWork(database), available=1_000, now=utcnow()) for _ in range(4)]
    product_id = await new_product(UnitOfWork(database), stock=4)
    coupon_ids = []
    for member_id in members:
        coupon_ids.append(await new_coupon(UnitOfWork(database), member_id))
        await orders.add_to_cart(UnitOfWork(database), member_id, product_id, 1)
        await orders.place_order(UnitOfWork(database), member_id, RULES, "CNY", coupon_id=coupon_ids[-1], points=300)
    assert await stock(probe, product_id) == 0
    later = utcnow() + RULES.expiry + timedelta(minutes=10)
    done = await asyncio.gather(*(orders.expire_due(UnitOfWork(database), SHANGHAI, now=later) for _ in range(2)))
    statuses = await probe.scalars(select(Order.status).where(Order.member_id.in_(members)))
    assert statuses == ["expired"] * 4 and sum(done) >= 4
    assert await stock(probe, product_id) == 4
    assert [await balances(probe, member_id) for member_id in members] == [(1_000, 0)] * 4
    assert [await coupon_status(probe, coupon_id) for coupon_id in coupon_ids] == ["available"] * 4
    assert await points.audit(UnitOfWork(database)) == []
