"""Checkout: what the order would cost with each choice (a quote), and placing it in one transaction.

Placing reserves stock (`stock >= qty` conditional UPDATEs, in product id order so two carts
never deadlock), locks the coupon to the order (`status = 'available'` conditional UPDATE) and
takes the points with a ledger `spend` keyed by the order — all in one write transaction, so a
refusal at any step leaves nothing behind. Cancel or expiry gives all three back (lifecycle.py):
the points as a `refund` credit keyed `order-points:<id>:back`, a new lot with a fresh expiry.
"""

from dataclasses import dataclass
from datetime import datetime

from models.base import utcnow
from models.coupons import Coupon
from models.repositories.catalog import CartLine
from models.repositories.coupons import CouponView
from models.repositories.ledger import Entry
from models.repositories.orders import OrderView
from services.coupons.rules import best_first, discount
from services.coupons.views import terms
from services.errors import NotAllowed
from services.orders.rules import OrderRules
from services.points import postings
from services.unit_of_work import UnitOfWork

WALLET_SCAN = 200


class CartEmpty(NotAllowed):
    code = "cart-empty"


class OutOfStock(NotAllowed):
    """Fewer left than the cart asks for; `name_zh` / `name_en` say which product."""

    code = "order-out-of-stock"


@dataclass(frozen=True, slots=True)
class CouponOffer:
    coupon: CouponView
    discount: int


@dataclass(frozen=True, slots=True)
class Quote:
    """An order as it would be placed now: lines, the usable coupons best first, the chosen discounts."""

    lines: list[CartLine]
    subtotal: int
    offers: list[CouponOffer]
    coupon: CouponOffer | None
    available_points: int
    max_points: int
    points: int
    points_discount: int

    @property
    def coupon_discount(self) -> int:
        return self.coupon.discount if self.coupon else 0

    @property
    def total(self) -> int:
        return self.subtotal - self.coupon_discount - self.points_discount


def usable(coupons: list[CouponView], subtotal: int, now: datetime) -> list[CouponOffer]:
    """The coupons that take something off this subtotal now, biggest discount first."""
    offers = {
        coupon.id: CouponOffer(coupon, discount(terms(coupon.campaign), subtotal))
        for coupon in coupons
        if coupon.status == "available" and coupon.valid_from <= now < coupon.valid_until
    }
    ranked = best_first((offer.discount, offer.coupon.valid_until, offer.coupon.id) for offer in offers.values())
    return [offers[coupon_id] for amount, _, coupon_id in ranked if amount > 0]


async def _quote_open(uow: UnitOfWork, member_id: int, rules: OrderRules, coupon_id: int, points: int,
                      now: datetime) -> Quote:
    """The quote inside an open unit of work (placing re-quotes in its own transaction)."""
    lines = await uow.catalog.cart(member_id)
    if not lines:
        raise CartEmpty()
    subtotal = sum(line.amount for line in lines)
    offers = usable(await uow.coupons.wallet(member_id, ("available",), 0, WALLET_SCAN), subtotal, now)
    chosen = None
    if coupon_id:
        chosen = next((offer for offer in offers if offer.coupon.id == coupon_id), None)
        if chosen is None:
            raise NotAllowed("coupon-not-usable")
    available = await uow.ledger.run(lambda ledger: ledger.available(member_id)) or 0
    after_coupon = subtotal - (chosen.discount if chosen else 0)
    charged, points_off = rules.checked_points(points, after_coupon, available)
    return Quote(lines, subtotal, offers, chosen, available, rules.max_points(after_coupon, available),
                 charged, points_off)


async def quote(uow: UnitOfWork, member_id: int, rules: OrderRules, coupon_id: int = 0, points: int = 0,
                now: datetime | None = None) -> Quote:
    """What checking out the cart costs with this coupon (0: none) and these points; refused choices raise."""
    async with uow.read():
        return await _quote_open(uow, member_id, rules, coupon_id, points, now or utcnow())


async def place_order(
    uow: UnitOfWork, member_id: int, rules: OrderRules, currency: str, *, coupon_id: int = 0, points: int = 0,
    expected_total: int | None = None, now: datetime | None = None,
) -> OrderView:
    """Turn the cart into an unpaid order: stock reserved, coupon locked, points spent, cart emptied."""
    now = now or utcnow()
    async with uow.write():
        chosen = await _quote_open(uow, member_id, rules, coupon_id, points, now)
        if expected_total is not None and chosen.total != expected_total:
            raise NotAllowed("order-total-changed")
        for line in sorted(chosen.lines, key=lambda line: line.product.id):
            if not await uow.catalog.take_stock(line.product.id, line.quantity, now):
                raise OutOfStock(name_zh=line.product.name_zh, name_en=line.product.name_en)
        order_id = await uow.orders.add(
            member_id=member_id, status="pending_payment", subtotal=chosen.subtotal,
            coupon_discount=chosen.coupon_discount, points_used=chosen.points, points_discount=chosen.points_discount,
            total=chosen.total, refunded_amount=0, currency=currency, coupon_id=chosen.coupon.coupon.id if chosen.coupon
            else None, points_earned=0, source="bot", created_at=now, expires_at=now + rules.expiry, version=1,
            updated_at=now,
        )
        await _hold(uow, member_id, order_id, chosen, now)
        await uow.orders.add_lines(order_id, [
            {"product_id": line.product.id, "name_zh": line.product.name_zh, "name_en": line.product.name_en,
             "unit_price": line.product.price, "quantity": line.quantity, "refunded_quantity": 0}
            for line in chosen.lines
        ])
        await uow.orders.add_event(order_id, None, "pending_payment", "member", now, notified=True)
        await uow.catalog.cart_clear(member_id)
        order = await uow.orders.order(order_id)
        await uow.commit()
    return order


async def _hold(uow: UnitOfWork, member_id: int, order_id: int, chosen: Quote, now: datetime) -> None:
    """Lock the coupon to the order and take its points, inside the placing transaction."""
    if chosen.coupon is not None:
        locked = await uow.coupons.move(
            chosen.coupon.coupon.id, "available", {"status": "locked", "locked_order_id": str(order_id)},
            Coupon.member_id == member_id, Coupon.valid_from <= now, Coupon.valid_until > now,
        )
        if not locked:
            raise NotAllowed("coupon-not-usable")
    if chosen.points:
        entry = Entry(member_id, "spend", 0, 0, points_key(order_id), ref_type="order", ref_id=str(order_id))
        await uow.ledger.run(lambda ledger: postings.debit(ledger, entry, chosen.points, now))


def points_key(order_id: int) -> str:
    return f"order-points:{order_id}"
