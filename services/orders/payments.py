"""Telegram Payments: the signed invoice, the pre-checkout re-check, and recording a payment once.

Earned points are credited when the order is paid, frozen: their lot's `release_at` is first
set far ahead (`UNTIL_DELIVERED`), because the return window starts only at delivery
(PRODUCT.md 2); delivering the order moves `release_at` to delivery + window (lifecycle.py),
after which the points-release job makes them available. A refund before that takes them back
from the frozen lot (postings.revoke_credit). An order that is never delivered keeps them frozen
until the lot expires.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from models.base import utcnow
from models.coupons import Coupon
from models.repositories.ledger import Entry, Ledger
from models.repositories.orders import OrderView
from services import abuse
from services.errors import NotAllowed
from services.orders.rules import OrderRules, order_of_payload, sign_payload
from services.points import postings
from services.points.rules import earn_points, expiry_for
from services.points.tiers import Tiers, TierMove
from services.unit_of_work import UnitOfWork

UNTIL_DELIVERED = timedelta(days=3650)


class PaymentRefused(NotAllowed):
    """The pre-checkout check said no; the code names why (shown to the member by Telegram)."""


@dataclass(frozen=True, slots=True)
class Invoice:
    """What sendInvoice needs for an order (one price line: Telegram Stars take exactly one)."""

    order: OrderView
    payload: str
    currency: str
    amount: int
    provider_token: str


@dataclass(frozen=True, slots=True)
class PaidOrder:
    """The outcome of a successful_payment: `recorded` False when this charge was seen before."""

    order: OrderView
    recorded: bool
    points_earned: int
    late: bool = False  # the money came for an order that was no longer payable (staff must refund)
    tier_change: TierMove | None = None


def invoice_for(order: OrderView, rules: OrderRules) -> Invoice:
    """The invoice of an unpaid order: Stars need no provider token, a real currency does."""
    if order.status != "pending_payment":
        raise NotAllowed("order-not-payable")
    if order.currency != "XTR" and not rules.provider_token:
        raise NotAllowed("payments-unavailable")
    payload = sign_payload(rules.payload_key, order.id)
    token = "" if order.currency == "XTR" else rules.provider_token
    return Invoice(order, payload, order.currency, order.total, token)


async def pre_checkout(
    uow: UnitOfWork, telegram_id: int, payload: str, total: int, currency: str, rules: OrderRules,
    now: datetime | None = None,
) -> int:
    """Re-check everything before Telegram takes the money (one short read); the order id, or raise."""
    now = now or utcnow()
    order_id = order_of_payload(rules.payload_key, payload)
    if order_id is None:
        raise PaymentRefused("payment-invalid")
    async with uow.read():
        order = await uow.orders.order(order_id)
        payer, _ = await uow.orders.payer(order_id) if order else (None, None)
        coupon = await uow.coupons.coupon(order.coupon_id) if order and order.coupon_id else None
        spent = await uow.ledger.run(lambda ledger: ledger.entry_by_key(f"order-points:{order_id}")) \
            if order and order.points_used else None
    if order is None or payer != telegram_id:
        raise PaymentRefused("payment-invalid")
    if order.status != "pending_payment":
        raise PaymentRefused("payment-order-closed")
    if order.expires_at is not None and order.expires_at <= now:
        raise PaymentRefused("payment-order-expired")
    if order.total != total or order.currency != currency:
        raise PaymentRefused("payment-amount-changed")
    if order.coupon_id and (coupon is None or coupon.status != "locked" or coupon.locked_order_id != str(order.id)):
        raise PaymentRefused("payment-coupon-gone")
    if order.points_used and spent is None:
        raise PaymentRefused("payment-points-gone")
    return order.id


@dataclass(frozen=True, slots=True)
class Charge:
    """The successful_payment fields that matter."""

    telegram_id: int
    charge_id: str
    provider_charge_id: str | None
    currency: str
    total: int
    payload: str


async def record_payment(
    uow: UnitOfWork, charge: Charge, rules: OrderRules, *, earn_rate: Decimal, tiers: Tiers, tz: ZoneInfo,
    now: datetime | None = None,
) -> PaidOrder | None:
    """Mark the order paid once per charge id: coupon used, points earned (frozen), referral paid.

    None when the payload is not ours (Telegram would not have charged for it). A repeated
    successful_payment finds its charge id taken and changes nothing.
    """
    now = now or utcnow()
    order_id = order_of_payload(rules.payload_key, charge.payload)
    if order_id is None:
        return None
    async with uow.write():
        payment = await uow.orders.add_payment(
            order_id=order_id, telegram_user_id=charge.telegram_id, telegram_payment_charge_id=charge.charge_id,
            provider_payment_charge_id=charge.provider_charge_id, currency=charge.currency,
            total_amount=charge.total, payload=charge.payload, created_at=now,
        )
        if payment is None:
            order = await uow.orders.order(await uow.orders.payment_order(charge.charge_id) or order_id)
            return PaidOrder(order, False, order.points_earned if order else 0)
        if not await uow.orders.move(order_id, "pending_payment", "paid", now, paid_at=now):
            order = await uow.orders.order(order_id)
            await uow.commit()  # keep the payment row: the money came and staff must give it back
            return PaidOrder(order, True, 0, late=True)
        order = await uow.orders.order(order_id)
        earned, change = await _settle(uow, order, rules, earn_rate, tiers, tz, now)
        await uow.orders.add_event(order_id, "pending_payment", "paid", "member", now, notified=True)
        order = await uow.orders.order(order_id)
        await uow.commit()
    return PaidOrder(order, True, earned, tier_change=change)


async def settle_free(
    uow: UnitOfWork, order: OrderView, telegram_id: int, rules: OrderRules, *, earn_rate: Decimal, tiers: Tiers,
    tz: ZoneInfo, now: datetime | None = None,
) -> PaidOrder:
    """An order a coupon made free needs no invoice: it is paid at once, through the same path, once."""
    if order.total != 0:
        raise NotAllowed("order-not-payable")
    charge = Charge(telegram_id, f"free:{order.id}", None, order.currency, 0, sign_payload(rules.payload_key, order.id))
    return await record_payment(uow, charge, rules, earn_rate=earn_rate, tiers=tiers, tz=tz, now=now)


async def _settle(
    uow: UnitOfWork, order: OrderView, rules: OrderRules, earn_rate: Decimal, tiers: Tiers, tz: ZoneInfo,
    now: datetime,
) -> tuple[int, TierMove | None]:
    """Inside the paying transaction: consume the coupon, earn frozen points, pay the referrer once."""
    if order.coupon_id is not None:
        await uow.coupons.move(order.coupon_id, "locked", {"status": "used", "used_at": now},
                               Coupon.locked_order_id == str(order.id))
    member_id = order.member_id

    def earn(ledger: Ledger) -> tuple[int, int | None, TierMove | None]:
        current = ledger.tier_of(member_id)
        points = earn_points(order.total, earn_rate, tiers.get(current or "").multiplier)
        entry = Entry(member_id, "earn", 0, 0, f"order-earn:{order.id}", paid_amount=order.total,
                      ref_type="order", ref_id=str(order.id))
        posted, change = postings.earn(ledger, entry, points, tiers, current or "", now, expiry_for(now, tz),
                                       now + UNTIL_DELIVERED)
        return points, posted.entry_id if points else None, change

    points, entry_id, change = await uow.ledger.run(earn)
    await uow.orders.set(order.id, points_earned=points, earn_entry_id=entry_id)
    _, referrer = await uow.orders.payer(order.id)
    key = abuse.identity_key(rules.payload_key)
    await abuse.identities(uow, key, member_id, now)  # remember the phone and Telegram account that paid
    if referrer is not None and rules.referral_points > 0 and await abuse.referral_allowed(
            uow, key, member_id, referrer, now):
        entry = Entry(referrer, "referral", 0, 0, f"referral:{member_id}", ref_type="member", ref_id=str(member_id))
        await uow.ledger.run(
            lambda ledger: postings.credit(ledger, entry, rules.referral_points, now, expiry_for(now, tz))
        )
    return points, change
