"""An order after it is placed: cancel, expiry, ship / deliver / complete, and the status notices.

Every move is one conditional UPDATE on the status it expects (repositories/orders.py), written
with an order_events row in the same transaction. Changes made without the member in the chat
(expiry, staff, the shop API) are left unnotified in order_events, and `claim_notices` hands
each to exactly one process to send (bot/scheduler.py).
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from models.base import utcnow
from models.coupons import Coupon
from models.repositories.ledger import Entry
from models.repositories.orders import OrderView, StatusNotice
from services.errors import NotFound
from services.orders.checkout import points_key
from services.orders.rules import IllegalTransition, check_transition
from services.points import postings
from services.points.rules import expiry_for
from services.unit_of_work import UnitOfWork

# successful_payment follows an approved pre-checkout within seconds; the expiry job waits this
# long past `expires_at` so it never releases an order whose payment is on its way.
PAYMENT_GRACE = timedelta(minutes=5)


async def _release(uow: UnitOfWork, order: OrderView, now: datetime, tz: ZoneInfo) -> None:
    """Give back what an unpaid order held: stock, the coupon lock, the spent points (inside the move)."""
    lines = sorted(await uow.orders.lines(order.id), key=lambda line: line.product_id or 0)
    for line in lines:  # product id order, like placing: two transactions never wait on each other in a circle
        if line.product_id is not None:
            await uow.catalog.restock(line.product_id, line.quantity, now)
    if order.coupon_id is not None:
        await uow.coupons.move(order.coupon_id, "locked", {"status": "available", "locked_order_id": None},
                               Coupon.locked_order_id == str(order.id))
    if order.points_used:
        entry = Entry(order.member_id, "refund", 0, 0, f"{points_key(order.id)}:back", reason=None,
                      ref_type="order", ref_id=str(order.id))
        await uow.ledger.run(
            lambda ledger: postings.credit(ledger, entry, order.points_used, now, expiry_for(now, tz))
        )


async def cancel(uow: UnitOfWork, member_id: int, order_id: int, tz: ZoneInfo, now: datetime | None = None
                 ) -> OrderView:
    """The member cancels their own unpaid order; stock, coupon and points come back."""
    now = now or utcnow()
    async with uow.write():
        order = await uow.orders.order(order_id)
        if order is None or order.member_id != member_id:
            raise NotFound("order-not-found")
        check_transition(order.status, "cancelled")
        if not await uow.orders.move(order_id, "pending_payment", "cancelled", now, cancelled_at=now):
            raise IllegalTransition(status="paid", target="cancelled")  # paid or expired meanwhile
        await _release(uow, order, now, tz)
        await uow.orders.add_event(order_id, "pending_payment", "cancelled", "member", now, notified=True)
        order = await uow.orders.order(order_id)
        await uow.commit()
    return order


async def expire_due(uow: UnitOfWork, tz: ZoneInfo, now: datetime | None = None, limit: int = 500) -> int:
    """Unpaid orders past their time (and the payment grace) expire; each is won by one process."""
    now = now or utcnow()
    async with uow.read():
        due = await uow.orders.due_unpaid(now - PAYMENT_GRACE, limit)
    expired = 0
    for order_id in due:  # one short transaction each: few locks held, members' writes interleave
        async with uow.write():
            expired += await _expire_one(uow, order_id, tz, now)
            await uow.commit()
    return expired


async def _expire_one(uow: UnitOfWork, order_id: int, tz: ZoneInfo, now: datetime) -> int:
    order = await uow.orders.order(order_id)
    if order is None or not await uow.orders.move(order_id, "pending_payment", "expired", now, cancelled_at=now):
        return 0
    await _release(uow, order, now, tz)
    await uow.orders.add_event(order_id, "pending_payment", "expired", "system", now)
    return 1


async def advance(
    uow: UnitOfWork, order_id: int, target: str, actor: str, *, return_window: timedelta,
    note: str | None = None, tracking: str | None = None, now: datetime | None = None,
) -> OrderView:
    """Staff or the shop API move a paid order on: shipped, delivered or completed (IllegalTransition else).

    Delivery starts the return window: the order's earned points become available when it ends.
    """
    async with uow.write():
        order = await advance_in_open_uow(uow, order_id, target, actor, return_window=return_window, note=note,
                                          tracking=tracking, now=now or utcnow())
        await uow.commit()
    return order


async def advance_in_open_uow(
    uow: UnitOfWork, order_id: int, target: str, actor: str, *, return_window: timedelta, now: datetime,
    note: str | None = None, tracking: str | None = None,
) -> OrderView:
    """`advance` inside the caller's transaction (staff tools add their role check and audit row to it)."""
    if target not in ("shipped", "delivered", "completed"):
        raise ValueError(f"advance moves to shipped, delivered or completed, not {target!r}")
    order = await uow.orders.order_for_update(order_id)
    if order is None:
        raise NotFound("order-not-found")
    check_transition(order.status, target)
    values: dict = {f"{target}_at": now}
    if target == "shipped" and tracking:
        values["tracking"] = tracking[:100]
    if target == "delivered":
        values["return_window_ends_at"] = now + return_window
    if not await uow.orders.move(order_id, order.status, target, now, **values):
        raise NotFound("order-not-found")
    if target == "delivered" and order.earn_entry_id is not None:
        await uow.orders.release_earned_at(order.earn_entry_id, now + return_window)
    await uow.orders.add_event(order_id, order.status, target, actor, now, note=note)
    return await uow.orders.order(order_id)


async def ship(uow: UnitOfWork, order_id: int, actor: str, *, return_window: timedelta, tracking: str | None = None,
               now: datetime | None = None) -> OrderView:
    return await advance(uow, order_id, "shipped", actor, return_window=return_window, tracking=tracking, now=now)


async def deliver(uow: UnitOfWork, order_id: int, actor: str, *, return_window: timedelta,
                  now: datetime | None = None) -> OrderView:
    return await advance(uow, order_id, "delivered", actor, return_window=return_window, now=now)


async def complete(uow: UnitOfWork, order_id: int, actor: str, *, return_window: timedelta,
                   now: datetime | None = None) -> OrderView:
    return await advance(uow, order_id, "completed", actor, return_window=return_window, now=now)


async def claim_notices(uow: UnitOfWork, now: datetime | None = None, limit: int = 200) -> list[StatusNotice]:
    """Status changes the member has not been told of, claimed so that one process sends each."""
    async with uow.write():
        notices = await uow.orders.claim_notices(now or utcnow(), limit)
        await uow.commit()
    return notices
