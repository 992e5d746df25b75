"""Refunds: money back for a whole order or some of its lines, with points and coupon put right.

A refund runs in one transaction, once per idempotency key (a repeated call returns the first
result). On a partial refund the order's discounts are shared out proportionally: lines worth
`v` of a subtotal `s` give back `v × total / s`. Points move by cumulative shares, so rounding
never drifts: after refunding `r` of `total`, `floor(earned × r / total)` of the earned points
have been taken back and `floor(used × r / total)` of the spent ones given back; a full refund
settles both exactly. Earned points are taken back from their own lot first (frozen for the
return window or available), then from other available points; what the member no longer has
is not taken (balances never go below zero) and the shortfall shows as fewer points revoked.

Telegram Stars can only be refunded whole (refundStarPayment), so a Stars refund is full and
stays `pending` until `bot/refunds.py` has called Telegram; the coupon comes back and the goods
are restocked on a full refund only.
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from models.base import utcnow
from models.coupons import Coupon
from models.repositories.aftersale import RefundView, StarRefund
from models.repositories.ledger import Entry, Ledger
from models.repositories.orders import LineView, OrderView
from services.errors import InvalidInput, NotAllowed, NotFound
from services.orders.rules import REFUNDABLE, check_transition
from services.points import postings
from services.points.rules import expiry_for
from services.unit_of_work import UnitOfWork

REASON_MAX = 200


@dataclass(frozen=True, slots=True)
class RefundRequest:
    """What to refund: `lines` maps order line id → quantity; None means everything left."""

    order_id: int
    key: str  # idempotency key: "return:<request id>", "staff:<uuid>", "api:<ref>"
    actor: str  # "staff:<telegram id>", "api", "system"
    lines: dict[int, int] | None = None
    reason: str | None = None
    request_id: int | None = None


@dataclass(frozen=True, slots=True)
class RefundDone:
    refund: RefundView
    created: bool  # False: this key was refunded before, nothing changed now
    order: OrderView


def share(part: int, whole: int, of: int) -> int:
    """floor(of × part / whole) in integers; 0 when there is no whole."""
    return of * part // whole if whole > 0 else 0


def line_amount(order: OrderView, lines: list[LineView], chosen: dict[int, int]) -> tuple[int, bool]:
    """(money for the chosen lines, whether they are everything not yet refunded); refuses bad choices."""
    by_id = {line.id: line for line in lines}
    value = 0
    for line_id, quantity in chosen.items():
        line = by_id.get(line_id)
        if line is None or quantity <= 0 or quantity > line.quantity - line.refunded_quantity:
            raise InvalidInput("refund-lines-invalid")
        value += line.unit_price * quantity
    everything = all(chosen.get(line.id, 0) == line.quantity - line.refunded_quantity for line in lines)
    remaining = order.total - order.refunded_amount
    return (remaining if everything else min(share(value, order.subtotal, order.total), remaining)), everything


async def refund(uow: UnitOfWork, request: RefundRequest, tz: ZoneInfo, now: datetime | None = None) -> RefundDone:
    """Refund inside its own unit of work (see `refund_in_open_uow`)."""
    async with uow.write():
        done = await refund_in_open_uow(uow, request, tz, now)
        await uow.commit()
    return done


async def refund_in_open_uow(
    uow: UnitOfWork, request: RefundRequest, tz: ZoneInfo, now: datetime | None = None, *, notified: bool = False,
) -> RefundDone:
    """Give money back for an order: amounts, lines, points, coupon, stock and status, once per key.

    `notified`: the caller tells the member itself; otherwise the status notice job does.
    """
    now = now or utcnow()
    earlier = await uow.aftersale.refund_by_key(request.key)
    if earlier is not None:
        return RefundDone(earlier, False, await uow.orders.order(earlier.order_id))
    order = await uow.orders.order_for_update(request.order_id)
    if order is None:
        raise NotFound("order-not-found")
    if order.status not in REFUNDABLE or order.refunded_amount >= order.total:
        raise NotAllowed("refund-not-refundable", status=order.status)
    lines = await uow.orders.lines(order.id)
    chosen = request.lines or {line.id: line.quantity - line.refunded_quantity for line in lines
                               if line.quantity > line.refunded_quantity}
    amount, full = line_amount(order, lines, chosen) if request.lines else (order.total - order.refunded_amount, True)
    payment = await uow.orders.payment_of(order.id)
    stars = payment is not None and payment[2] == "XTR"
    if stars and (not full or order.refunded_amount):
        raise NotAllowed("refund-stars-whole-only")
    target = "refunded" if full else "partially_refunded"
    check_transition(order.status, target)
    refund_id = await uow.aftersale.add_refund(
        order_id=order.id, request_id=request.request_id, full=full, amount=amount,
        reason=(request.reason or "")[:REASON_MAX] or None, idempotency_key=request.key,
        status="pending" if stars else "done", actor=request.actor, created_at=now,
        completed_at=None if stars else now,
    )
    await _give_back_lines(uow, order, refund_id, chosen, amount, full, now)
    revoked, returned = await _points_back(uow, order, order.refunded_amount + amount, full, refund_id, tz, now)
    restored = full and order.coupon_id is not None and await uow.coupons.move(
        order.coupon_id, "used", {"status": "available", "locked_order_id": None, "used_at": None},
        Coupon.locked_order_id == str(order.id),
    )
    await uow.aftersale.set_refund(refund_id, points_revoked=revoked, points_returned=returned,
                                   coupon_restored=bool(restored), restocked=full)
    if not await uow.orders.move(order.id, order.status, target, now):
        raise NotAllowed("refund-not-refundable", status=order.status)
    await uow.orders.add_event(order.id, order.status, target, request.actor, now, note=f"refund:{amount}",
                               notified=notified)
    return RefundDone(await uow.aftersale.refund_by_key(request.key), True, await uow.orders.order(order.id))


async def _give_back_lines(
    uow: UnitOfWork, order: OrderView, refund_id: int, chosen: dict[int, int], amount: int, full: bool,
    now: datetime,
) -> None:
    """Count the lines as refunded (and restock them on a full refund) and the money against the total."""
    lines = {line.id: line for line in await uow.orders.lines(order.id)}
    parts = []
    for line_id, quantity in chosen.items():
        if not await uow.aftersale.take_line(line_id, quantity):
            raise InvalidInput("refund-lines-invalid")
        parts.append({"order_line_id": line_id, "quantity": quantity,
                      "amount": share(lines[line_id].unit_price * quantity, order.subtotal, order.total)})
        if full and lines[line_id].product_id is not None:
            await uow.catalog.restock(lines[line_id].product_id, quantity, now)
    await uow.aftersale.add_refund_lines(refund_id, parts)
    if not await uow.aftersale.add_refunded(order.id, amount):
        raise NotAllowed("refund-too-much")


async def _points_back(
    uow: UnitOfWork, order: OrderView, refunded: int, full: bool, refund_id: int, tz: ZoneInfo, now: datetime,
) -> tuple[int, int]:
    """Revoke the earned share and return the spent share due after `refunded` of the total is back."""
    revoked_before, returned_before = await uow.aftersale.refunded_so_far(order.id)
    earned_due = (order.points_earned if full else share(refunded, order.total, order.points_earned)) - revoked_before
    spent_due = (order.points_used if full else share(refunded, order.total, order.points_used)) - returned_before

    def post(ledger: Ledger) -> tuple[int, int]:
        revoked = _revoke_earned(ledger, order, max(earned_due, 0), refund_id, now)
        if spent_due > 0:
            entry = Entry(order.member_id, "refund", 0, 0, f"refund-points:{refund_id}",
                          ref_type="order", ref_id=str(order.id))
            postings.credit(ledger, entry, spent_due, now, expiry_for(now, tz))
        return revoked, max(spent_due, 0)

    return await uow.ledger.run(post)


def _revoke_earned(ledger: Ledger, order: OrderView, wanted: int, refund_id: int, now: datetime) -> int:
    """Take back up to `wanted` earned points: what is left of the order's lot, then other available points."""
    if wanted <= 0 or order.earn_entry_id is None:
        return 0
    if not ledger.lock_member(order.member_id):
        raise NotFound("member-not-found")
    lot = ledger.lot_of_entry(order.earn_entry_id)
    reachable = (ledger.available(order.member_id) or 0) + (lot.pending + lot.held if lot else 0)
    take = min(wanted, reachable)
    if take <= 0:
        return 0
    entry = Entry(order.member_id, "revoke", 0, 0, f"refund-earn:{refund_id}", ref_type="order", ref_id=str(order.id))
    postings.revoke_credit(ledger, order.earn_entry_id, take, entry, now)
    return take


async def due_star_refunds(uow: UnitOfWork, limit: int = 20) -> list[StarRefund]:
    async with uow.read():
        return await uow.aftersale.due_star_refunds(limit)


async def claim_star_refund(uow: UnitOfWork, refund_id: int) -> bool:
    """Take a pending Stars refund to call Telegram for it; False when another process took it."""
    async with uow.write():
        claimed = await uow.aftersale.move_refund(refund_id, "pending", "sending")
        await uow.commit()
    return claimed


async def finish_star_refund(uow: UnitOfWork, refund_id: int, ok: bool, now: datetime | None = None) -> None:
    """Telegram answered: done, or back to pending for the next try."""
    async with uow.write():
        if ok:
            await uow.aftersale.move_refund(refund_id, "sending", "done", star_refund_done=True,
                                            completed_at=now or utcnow())
        else:
            await uow.aftersale.move_refund(refund_id, "sending", "pending")
        await uow.commit()
