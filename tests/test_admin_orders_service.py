"""The staff catalog and order use cases on both databases: concurrent refund confirmations (one key, or two
admins refunding the whole order at once) refund once; Stars are refunded whole only; price typing is exact;
every change checks the role in its own transaction."""

import asyncio

import pytest
from sqlalchemy import func, select, update

from models.aftersale import Refund
from models.orders import Order, Payment, Product
from models.staff import AuditRecord
from services import orders
from services.errors import DomainError, InvalidInput
from services.orders import ProductSpec
from services.policy import ShopPolicy
from services.staff import catalog as staff_catalog
from services.staff import orders as staff_orders
from services.staff import roles
from services.staff.roles import Role, StaffOnly
from services.unit_of_work import UnitOfWork
from tests.conftest import Probe, next_telegram_id, unique
from tests.test_orders_service import RATE, RULES, bind_telegram, charge, new_product
from tests.test_points_service import SHANGHAI, TIERS, new_member


async def staff(uow: UnitOfWork) -> tuple[ShopPolicy, int, int, int]:
    """A policy with an owner, two admins and an operator (Telegram ids)."""
    owner, first, second, operator = (next_telegram_id() for _ in range(4))
    policy = ShopPolicy(owners=frozenset({owner}), approval_refund_threshold=1_000_000)
    for person, role in ((first, Role.admin), (second, Role.admin), (operator, Role.operator)):
        await roles.grant(uow, policy, owner, person, role)
    return policy, first, second, operator


async def paid(uow: UnitOfWork, probe: Probe, *prices: int) -> int:
    member_id = await new_member(uow)
    telegram_id = await bind_telegram(probe, member_id)
    for price in prices:
        await orders.add_to_cart(uow, member_id, await new_product(uow, price=price))
    order = await orders.place_order(uow, member_id, RULES, "CNY")
    await orders.record_payment(uow, charge(order, telegram_id), RULES, earn_rate=RATE, tiers=TIERS, tz=SHANGHAI)
    return order.id


async def refunds(probe: Probe, order_id: int) -> list[int]:
    return await probe.scalars(select(Refund.amount).where(Refund.order_id == order_id).order_by(Refund.id))


async def test_one_confirmation_pressed_three_times_at_once_refunds_once(uow: UnitOfWork, probe: Probe,
                                                                          database) -> None:
    policy, admin, _, _ = await staff(uow)
    order_id = await paid(uow, probe, 4_000, 2_000)
    key = unique("staff:")

    async def press() -> int:
        return (await staff_orders.refund(UnitOfWork(database), policy, admin, order_id, None, key)).amount

    assert await asyncio.gather(press(), press(), press()) == [6_000] * 3
    assert await refunds(probe, order_id) == [6_000]
    audit = await probe.scalar(select(func.count()).select_from(AuditRecord).where(
        AuditRecord.action == "order.refund", AuditRecord.target_id == str(order_id)))
    assert audit == 1


async def test_two_admins_refunding_the_whole_order_at_once_refund_it_once(uow: UnitOfWork, probe: Probe,
                                                                           database) -> None:
    policy, first, second, _ = await staff(uow)
    order_id = await paid(uow, probe, 5_000)

    async def attempt(admin: int) -> str:
        try:
            await staff_orders.refund(UnitOfWork(database), policy, admin, order_id, None, unique("staff:"))
            return "done"
        except DomainError as error:
            return error.code

    outcomes = await asyncio.gather(attempt(first), attempt(second))
    assert sorted(outcomes) == ["done", "refund-not-refundable"]
    assert await refunds(probe, order_id) == [5_000]
    assert await probe.scalar(select(Order.status).where(Order.id == order_id)) == "refunded"


async def test_stars_are_refunded_whole_only_and_operators_cannot_refund(uow: UnitOfWork, probe: Probe) -> None:
    policy, admin, _, operator = await staff(uow)
    order_id = await paid(uow, probe, 300, 200)
    await probe.write(update(Payment).where(Payment.order_id == order_id).values(currency="XTR"))
    line_id = (await staff_orders.detail(uow, policy, operator, order_id)).lines[0].id
    with pytest.raises(DomainError) as error:
        await staff_orders.refund_quote(uow, policy, admin, order_id, {line_id: 1})
    assert error.value.code == "refund-stars-whole-only"
    with pytest.raises(StaffOnly):
        await staff_orders.refund(uow, policy, operator, order_id, None, unique("staff:"))
    with pytest.raises(StaffOnly):
        await staff_catalog.update(uow, policy, operator, 1, "price", 1)
    assert await refunds(probe, order_id) == []
    done = await staff_orders.refund(uow, policy, admin, order_id, None, unique("staff:"))
    assert done.amount == 500 and done.done.refund.status == "pending"  # bot/refunds.py calls Telegram


async def test_an_operator_moves_orders_on_and_a_wrong_move_is_refused(uow: UnitOfWork, probe: Probe) -> None:
    policy, _, _, operator = await staff(uow)
    order_id = await paid(uow, probe, 1_000)
    with pytest.raises(DomainError) as error:
        await staff_orders.advance(uow, policy, operator, order_id, "delivered")
    assert error.value.code == "order-illegal-transition"
    with pytest.raises(InvalidInput):
        await staff_orders.advance(uow, policy, operator, order_id, "shipped", "x" * 101)
    shipped = await staff_orders.advance(uow, policy, operator, order_id, "shipped", " SF1 ")
    assert (shipped.status, shipped.tracking) == ("shipped", "SF1")
    with pytest.raises(StaffOnly):
        await staff_orders.advance(uow, policy, next_telegram_id(), order_id, "delivered")
    assert await probe.scalar(select(Order.status).where(Order.id == order_id)) == "shipped"
    assert (await staff_orders.lookup(uow, policy, operator, orders.order_number(order_id))).order.id == order_id


@pytest.mark.parametrize(("typed", "minor"), [("12.50", 1_250), ("0", 0), ("1,234.5", 123_450), ("7", 700)])
def test_a_typed_price_becomes_exact_minor_units(typed: str, minor: int) -> None:
    assert staff_catalog.parse_field("price", typed, "CNY") == minor


@pytest.mark.parametrize("typed", ["12.505", "-1", "abc", "", "1e3x", "NaN"])
def test_a_bad_price_is_refused_with_its_own_message(typed: str) -> None:
    with pytest.raises(InvalidInput) as error:
        staff_catalog.parse_field("price", typed, "CNY")
    assert error.value.code == "admin-product-price"


async def test_a_catalog_change_writes_before_and_after_and_no_change_writes_nothing(uow: UnitOfWork,
                                                                                    probe: Probe) -> None:
    policy, admin, _, _ = await staff(uow)
    sku = unique("sku")
    product = await staff_catalog.add(uow, policy, admin, ProductSpec("茶", "Tea", 1_000, 3, sku=sku))
    with pytest.raises(InvalidInput) as error:
        await staff_catalog.add(uow, policy, admin, ProductSpec("茶2", "Tea 2", 1_000, 3, sku=sku))
    assert error.value.code == "admin-product-sku-taken"
    changed, did = await staff_catalog.update(uow, policy, admin, product.id, "stock", 9)
    again, did_again = await staff_catalog.update(uow, policy, admin, product.id, "stock", 9)
    assert (changed.stock, did, did_again) == (9, True, False)
    rows = await probe.rows(select(AuditRecord.action, AuditRecord.before, AuditRecord.after)
                            .where(AuditRecord.target_type == "product", AuditRecord.target_id == str(product.id))
                            .order_by(AuditRecord.id))
    assert [row[0] for row in rows] == ["product.add", "product.edit"]
    assert (rows[1][1], rows[1][2]) == ({"stock": 3}, {"stock": 9})
    assert await probe.scalar(select(Product.stock).where(Product.id == product.id)) == 9
