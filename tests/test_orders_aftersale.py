"""After a payment, on both databases: refunds (full, partial, Stars, repeated), return requests, reviews."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from models.aftersale import Refund
from models.base import utcnow
from models.orders import Order, OrderLine
from models.staff import AuditRecord
from services import orders, points
from services.orders import refunds, returns, reviews
from services.orders.refunds import RefundRequest
from services.orders.returns import ReturnForm
from services.policy import ShopPolicy
from services.staff.roles import Role, StaffOnly, grant
from services.unit_of_work import UnitOfWork
from tests.conftest import Probe, next_telegram_id
from tests.test_orders_service import (
    RATE, RULES, WINDOW, bind_telegram, charge, coupon_status, new_coupon, new_product, refused, stock,
)
from tests.test_points_service import SHANGHAI, TIERS, balances, new_member

OWNER = next_telegram_id()
POLICY = ShopPolicy(owners=frozenset({OWNER}), tz=SHANGHAI)


async def paid_order(uow: UnitOfWork, probe: Probe, *, quantities: tuple[int, ...] = (2,), points_used: int = 1_000,
                     with_coupon: bool = True, currency: str = "CNY") -> tuple[int, orders.OrderView, list[int]]:
    """A member with 2,000 points pays an order (coupon 10 off 100, 1,000 points = 10 off); (member, order, products)."""
    member_id = await new_member(uow, available=2_000, now=utcnow())
    telegram_id = await bind_telegram(probe, member_id)
    products = [await new_product(uow, price=6_000, stock=5) for _ in quantities]
    for product_id, quantity in zip(products, quantities):
        await orders.add_to_cart(uow, member_id, product_id, quantity)
    coupon_id = await new_coupon(uow, member_id) if with_coupon else 0
    order = await orders.place_order(uow, member_id, RULES, currency, coupon_id=coupon_id, points=points_used)
    paid = await orders.record_payment(uow, charge(order, telegram_id), RULES, earn_rate=RATE, tiers=TIERS, tz=SHANGHAI)
    return member_id, paid.order, products


async def test_a_full_refund_puts_everything_back_once(uow: UnitOfWork, probe: Probe) -> None:
    member_id, order, (product_id,) = await paid_order(uow, probe)
    assert (order.total, order.points_earned) == (10_000, 100) and await balances(probe, member_id) == (1_000, 100)
    request = RefundRequest(order.id, "staff:test-1", "staff:1", reason="damaged")
    done = await refunds.refund(uow, request, SHANGHAI)
    again = await refunds.refund(uow, request, SHANGHAI)
    assert done.created and not again.created and again.refund.id == done.refund.id
    assert (done.refund.amount, done.refund.points_revoked, done.refund.points_returned) == (10_000, 100, 1_000)
    assert done.order.status == "refunded" and done.refund.coupon_restored and done.refund.status == "done"
    assert await balances(probe, member_id) == (2_000, 0)
    assert await stock(probe, product_id) == 5 and await coupon_status(probe, order.coupon_id) == "available"
    await refused("refund-not-refundable", refunds.refund(uow, RefundRequest(order.id, "staff:test-2", "staff:1"), SHANGHAI))
    assert await points.audit(uow) == []


async def test_partial_refunds_share_discounts_and_points_without_drift(uow: UnitOfWork, probe: Probe) -> None:
    member_id, order, products = await paid_order(uow, probe, quantities=(1, 2))
    lines = await probe.rows(select(OrderLine.id, OrderLine.quantity).where(OrderLine.order_id == order.id)
                             .order_by(OrderLine.id))
    (first, _), (second, _) = lines
    assert (order.subtotal, order.total, order.points_earned) == (18_000, 16_000, 160)
    one = await refunds.refund(uow, RefundRequest(order.id, "p1", "staff:1", lines={second: 1}), SHANGHAI)
    assert (one.refund.amount, one.refund.points_revoked, one.refund.points_returned) == (5_333, 53, 333)
    assert one.order.status == "partially_refunded" and not one.refund.coupon_restored
    await refused("refund-lines-invalid", refunds.refund(uow, RefundRequest(order.id, "p2", "s", lines={second: 2}), SHANGHAI))
    rest = await refunds.refund(uow, RefundRequest(order.id, "p3", "staff:1", lines={first: 1, second: 1}), SHANGHAI)
    assert rest.order.status == "refunded" and rest.order.refunded_amount == order.total
    assert sum(r.points_revoked for r in (one.refund, rest.refund)) == 160
    assert sum(r.points_returned for r in (one.refund, rest.refund)) == 1_000
    assert await balances(probe, member_id) == (2_000, 0) and await points.audit(uow) == []


async def test_points_already_spent_are_not_taken_below_zero(uow: UnitOfWork, probe: Probe) -> None:
    member_id, order, _ = await paid_order(uow, probe, points_used=0, with_coupon=False)
    await orders.ship(uow, order.id, "api", return_window=WINDOW)
    delivered = utcnow()
    await orders.deliver(uow, order.id, "api", return_window=timedelta(0), now=delivered)
    await points.release_due(uow, now=delivered + timedelta(seconds=1), member_id=member_id)
    available, _ = await balances(probe, member_id)
    assert available == 2_000 + order.points_earned == 2_120
    await points.spend(uow, member_id, available - 20, f"spend-{member_id}")
    done = await refunds.refund(uow, RefundRequest(order.id, "s1", "staff:1"), SHANGHAI)
    assert done.order.status == "refunded" and done.refund.points_revoked == 20  # all the member still had
    assert await balances(probe, member_id) == (0, 0) and await points.audit(uow) == []


async def test_a_stars_refund_is_whole_and_waits_for_telegram(uow: UnitOfWork, probe: Probe) -> None:
    _, order, _ = await paid_order(uow, probe, points_used=0, with_coupon=False, currency="XTR")
    line = await probe.scalar(select(OrderLine.id).where(OrderLine.order_id == order.id))
    await refused("refund-stars-whole-only", refunds.refund(uow, RefundRequest(order.id, "x", "s", lines={line: 1}), SHANGHAI))
    done = await refunds.refund(uow, RefundRequest(order.id, "x2", "staff:1"), SHANGHAI)
    assert done.refund.status == "pending"
    due = [star for star in await refunds.due_star_refunds(uow) if star.refund_id == done.refund.id]
    assert len(due) == 1 and await refunds.claim_star_refund(uow, done.refund.id)
    assert not await refunds.claim_star_refund(uow, done.refund.id)  # another process took it
    await refunds.finish_star_refund(uow, done.refund.id, ok=True)
    assert await probe.scalar(select(Refund.status).where(Refund.id == done.refund.id)) == "done"


async def test_return_requests_window_one_open_approve_and_reject(uow: UnitOfWork, probe: Probe) -> None:
    admin = next_telegram_id()
    await grant(uow, POLICY, OWNER, admin, Role.admin)
    member_id, order, _ = await paid_order(uow, probe)
    await refused("order-not-found", returns.open_request(uow, member_id + 1, ReturnForm(order.id, "refund", "late")))
    await refused("return-not-delivered", returns.open_request(uow, member_id, ReturnForm(order.id, "return", "damaged")))
    first = await returns.open_request(uow, member_id, ReturnForm(order.id, "refund", "late", photos=["ph1"]))
    await refused("return-already-open", returns.open_request(uow, member_id, ReturnForm(order.id, "refund", "other")))
    with pytest.raises(StaffOnly):
        await returns.reject(uow, POLICY, next_telegram_id(), first.id, "no")
    rejected = await returns.reject(uow, POLICY, admin, first.id, "已发货 <b>")
    assert rejected.request.status == "rejected" and rejected.request.reject_reason == "已发货 <b>"
    await refused("return-already-decided", returns.approve(uow, POLICY, admin, first.id))
    second = await returns.open_request(uow, member_id, ReturnForm(order.id, "refund", "changed_mind"))
    approved = await returns.approve(uow, POLICY, admin, second.id)
    assert approved.order.status == "refunded" and approved.refund.refund.amount == order.total
    await refused("return-already-decided", returns.approve(uow, POLICY, admin, second.id))  # replayed
    assert await probe.scalar(select(Refund.id).where(Refund.order_id == order.id).order_by(Refund.id.desc())) \
        == approved.refund.refund.id
    actions = await probe.scalars(select(AuditRecord.action).where(AuditRecord.target_type == "return_request",
                                                                  AuditRecord.target_id.in_([str(first.id), str(second.id)]))
                                  .order_by(AuditRecord.id))
    assert actions == ["return.reject", "return.approve"]


async def test_no_return_after_the_window(uow: UnitOfWork, probe: Probe) -> None:
    member_id, order, _ = await paid_order(uow, probe)
    await orders.ship(uow, order.id, "api", return_window=WINDOW)
    delivered = utcnow() - WINDOW - timedelta(hours=1)
    await orders.deliver(uow, order.id, "api", return_window=WINDOW, now=delivered)
    await refused("return-window-closed", returns.open_request(uow, member_id, ReturnForm(order.id, "return", "damaged")))


async def test_a_review_earns_points_once_and_only_for_a_completed_own_order(uow: UnitOfWork, probe: Probe) -> None:
    member_id, order, _ = await paid_order(uow, probe, points_used=0, with_coupon=False)
    await refused("review-not-completed", reviews.review(uow, member_id, order.id, 5, None, 20, SHANGHAI))
    for step in (orders.ship, orders.deliver, orders.complete):
        await step(uow, order.id, "api", return_window=WINDOW)
    assert await reviews.can_review(uow, member_id, order.id) and not await reviews.can_review(uow, member_id + 1, order.id)
    await refused("review-stars", reviews.review(uow, member_id, order.id, 6, None, 20, SHANGHAI))
    await refused("order-not-found", reviews.review(uow, member_id + 1, order.id, 5, None, 20, SHANGHAI))
    before = await balances(probe, member_id)
    assert (await reviews.review(uow, member_id, order.id, 4, " 很好 ", 20, SHANGHAI)).points == 20
    await refused("review-exists", reviews.review(uow, member_id, order.id, 5, None, 20, SHANGHAI))
    after = await balances(probe, member_id)
    assert after[0] == before[0] + 20 and not await reviews.can_review(uow, member_id, order.id)
    assert await probe.scalar(select(Order.status).where(Order.id == order.id)) == "completed"


async def test_a_refund_above_the_limit_waits_for_a_second_admin(uow: UnitOfWork, probe: Probe) -> None:
    from services.staff import approvals

    policy = ShopPolicy(owners=frozenset({OWNER}), tz=SHANGHAI, approval_refund_threshold=5_000)
    first, second = next_telegram_id(), next_telegram_id()
    for admin in (first, second):
        await grant(uow, policy, OWNER, admin, Role.admin)
    member_id, order, _ = await paid_order(uow, probe)
    request = await returns.open_request(uow, member_id, ReturnForm(order.id, "refund", "late"))
    asked = await returns.approve(uow, policy, first, request.id)
    assert asked.approval_id is not None and asked.refund is None and asked.request.status == "open"
    assert await returns.approve(uow, policy, first, request.id) == asked  # pressed twice: one approval request
    assert await probe.scalar(select(Order.status).where(Order.id == order.id)) == "paid"
    await refused("approval-self", approvals.approve(uow, policy, first, asked.approval_id))
    decided = await approvals.approve(uow, policy, second, asked.approval_id)
    assert decided.result == {"refund": order.total, "order_status": "refunded"}
    assert await probe.scalar(select(Order.status).where(Order.id == order.id)) == "refunded"
    await refused("approval-decided", approvals.approve(uow, policy, OWNER, asked.approval_id))
    await refused("return-already-decided", returns.approve(uow, policy, second, request.id))
    assert len(await probe.scalars(select(Refund.id).where(Refund.order_id == order.id))) == 1
    assert await points.audit(uow) == []
