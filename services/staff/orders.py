"""/admin → orders: every member's orders by status, one order in full, ship / deliver / complete, refunds.

Operators look orders up and move them on; admins refund. Each change checks the role, makes the
change (services/orders/lifecycle.py, services/orders/refunds.py) and writes the audit row in one
transaction. A refund above APPROVAL_REFUND_THRESHOLD becomes a two-person approval request of
kind "order.refund_direct"; the refund runs, with the key chosen at the confirmation, when
another admin or an owner approves it.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from models.base import utcnow
from models.orders import parse_order_no
from models.repositories.admin import Approval
from models.repositories.aftersale import RefundView
from models.repositories.orders import EventView, LineView, OrderView
from services.errors import InvalidInput, NotAllowed, NotFound
from services.orders.lifecycle import advance_in_open_uow
from services.orders.refunds import RefundDone, RefundRequest, line_amount, refund_in_open_uow
from services.orders.rules import REFUNDABLE, STATUSES
from services.paging import Page, clamp
from services.policy import ShopPolicy
from services.staff import approvals, audit
from services.staff.roles import Actor, Role, require
from services.unit_of_work import UnitOfWork

REFUND_KIND = "order.refund_direct"
TRACKING_MAX = 100


@dataclass(frozen=True, slots=True)
class StaffOrder:
    order: OrderView
    lines: list[LineView]
    events: list[EventView]
    refunds: list[RefundView]
    payment_currency: str | None  # None: not paid through Telegram (free or the shop API)

    @property
    def stars(self) -> bool:
        return self.payment_currency == "XTR"


@dataclass(frozen=True, slots=True)
class StaffRefund:
    amount: int
    done: RefundDone | None  # None: waiting for a second admin (approval_id)
    approval_id: int | None = None


async def page(uow: UnitOfWork, policy: ShopPolicy, staff_id: int, status: str | None, number: int,
               size: int) -> Page[OrderView]:
    """Orders newest first, all or of one status (operators up)."""
    if status and status not in STATUSES:
        raise InvalidInput("admin-order-status")
    async with uow.read():
        await require(uow, policy, staff_id, Role.operator)
        number, pages = clamp(number, await uow.orders.count_by_status(status or None), size)
        items = await uow.orders.page_by_status(status or None, number * size, size)
    return Page(items, number, pages)


async def detail(uow: UnitOfWork, policy: ShopPolicy, staff_id: int, order_id: int) -> StaffOrder:
    async with uow.read():
        await require(uow, policy, staff_id, Role.operator)
        order = await uow.orders.order(order_id)
        if order is None:
            raise NotFound("order-not-found")
        payment = await uow.orders.payment_of(order_id)
        return StaffOrder(order, await uow.orders.lines(order_id), await uow.orders.events(order_id),
                          await uow.aftersale.refunds_of(order_id), payment[2] if payment else None)


async def lookup(uow: UnitOfWork, policy: ShopPolicy, staff_id: int, text: str | None) -> StaffOrder:
    """An order by its number ("O00000012"); a bad number is explained."""
    order_id = parse_order_no(text or "")
    if order_id is None:
        raise InvalidInput("admin-order-number")
    return await detail(uow, policy, staff_id, order_id)


async def advance(uow: UnitOfWork, policy: ShopPolicy, staff_id: int, order_id: int, target: str,
                  tracking: str | None = None, now: datetime | None = None) -> OrderView:
    """Ship (with an optional tracking number), deliver or complete; the member hears from the notice job."""
    tracking = (tracking or "").strip() or None
    if tracking and (len(tracking) > TRACKING_MAX or "\n" in tracking):
        raise InvalidInput("admin-order-tracking", max=TRACKING_MAX)
    now = now or utcnow()
    async with uow.write():
        actor = await require(uow, policy, staff_id, Role.operator)
        before = await uow.orders.order(order_id)
        order = await advance_in_open_uow(uow, order_id, target, f"staff:{actor.telegram_id}",
                                          return_window=policy.return_window, tracking=tracking, now=now)
        await audit.record(uow, actor.telegram_id, f"order.{target}", "order", order_id, member_id=order.member_id,
                           before={"status": before.status}, after={"status": order.status, "tracking": tracking},
                           now=now)
        await uow.commit()
    return order


def _chosen(lines: dict[int, int] | None) -> dict[int, int] | None:
    if not lines:
        return None
    return {int(line_id): int(quantity) for line_id, quantity in lines.items() if int(quantity) > 0} or None


async def _amount(uow: UnitOfWork, order: OrderView, lines: dict[int, int] | None) -> int:
    """What this refund gives back; refuses what cannot be refunded (Stars in part included)."""
    if order.status not in REFUNDABLE or order.refunded_amount >= order.total:
        raise NotAllowed("refund-not-refundable", status=order.status)
    payment = await uow.orders.payment_of(order.id)
    if payment is not None and payment[2] == "XTR" and (lines or order.refunded_amount):
        raise NotAllowed("refund-stars-whole-only")
    if not lines:
        return order.total - order.refunded_amount
    return line_amount(order, await uow.orders.lines(order.id), lines)[0]


async def refund_quote(uow: UnitOfWork, policy: ShopPolicy, staff_id: int, order_id: int,
                       lines: dict[int, int] | None) -> int:
    """The amount the confirmation screen shows (admins); `lines` None: everything left."""
    async with uow.read():
        await require(uow, policy, staff_id, Role.admin)
        order = await uow.orders.order(order_id)
        if order is None:
            raise NotFound("order-not-found")
        return await _amount(uow, order, _chosen(lines))


async def refund(uow: UnitOfWork, policy: ShopPolicy, staff_id: int, order_id: int, lines: dict[int, int] | None,
                 key: str, now: datetime | None = None) -> StaffRefund:
    """Refund now, or above the threshold open a two-person request; once per `key` either way."""
    now, lines = now or utcnow(), _chosen(lines)
    async with uow.write():
        actor = await require(uow, policy, staff_id, Role.admin)
        order = await uow.orders.order_for_update(order_id)  # refunds of one order queue here
        if order is None:
            raise NotFound("order-not-found")
        earlier = await uow.aftersale.refund_by_key(key)
        if earlier is not None:  # a repeated confirmation: the first result, nothing new
            return StaffRefund(earlier.amount, RefundDone(earlier, False, order))
        amount = await _amount(uow, order, lines)
        if approvals.needs_approval(policy, "order.refund", amount):
            payload = {"order_id": order_id, "key": key, "lines": {str(k): v for k, v in (lines or {}).items()}}
            approval_id = await approvals.open_in_uow(
                uow, actor, REFUND_KIND, order.member_id, amount, f"refund {order.number}", policy, now, payload,
                target_id=key)
            await uow.commit()
            return StaffRefund(amount, None, approval_id)
        done = await _refund_in_uow(uow, actor.telegram_id, order, lines, key, policy, now)
        await uow.commit()
    return StaffRefund(amount, done)


async def _refund_in_uow(uow: UnitOfWork, staff_id: int, order: OrderView, lines: dict[int, int] | None, key: str,
                         policy: ShopPolicy, now: datetime) -> RefundDone:
    done = await refund_in_open_uow(uow, RefundRequest(order.id, key, f"staff:{staff_id}", lines, reason="staff"),
                                    policy.tz, now)
    if done.created:
        refund = done.refund
        await audit.record(
            uow, staff_id, "order.refund", "order", order.id, member_id=order.member_id, now=now,
            before={"status": order.status, "refunded": order.refunded_amount},
            after={"status": done.order.status, "refunded": done.order.refunded_amount, "amount": refund.amount,
                   "full": refund.full, "points_revoked": refund.points_revoked,
                   "points_returned": refund.points_returned, "lines": {str(k): v for k, v in (lines or {}).items()}},
        )
    return done


async def _execute_refund(uow: UnitOfWork, approval: Approval, actor: Actor, now: datetime,
                          policy: ShopPolicy) -> dict[str, Any]:
    """A second admin approved: the refund runs in the approving transaction (the member hears from the
    status notice job; a Stars refund is sent by the refunds job)."""
    payload = approval.payload or {}
    order = await uow.orders.order_for_update(int(payload["order_id"]))
    if order is None:
        raise NotFound("order-not-found")
    lines = _chosen(payload.get("lines"))
    done = await _refund_in_uow(uow, approval.requested_by, order, lines, str(payload["key"]), policy, now)
    return {"refund": done.refund.amount, "order_status": done.order.status}


approvals.EXECUTORS[REFUND_KIND] = _execute_refund
