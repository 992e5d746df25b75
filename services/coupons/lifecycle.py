"""A coupon's life after it is issued: lock to an order, unlock, consume, restore, revoke, expire.

Each change is one conditional UPDATE on the status it expects (and, for order operations,
on the order it is locked to), so two processes can never both move the same coupon.
"""

from datetime import datetime, timedelta

from models.base import utcnow
from models.coupons import Coupon
from models.repositories.coupons import Nudge
from services.errors import NotAllowed, NotFound
from services.unit_of_work import UnitOfWork

EXPIRY_BATCH = 200
NUDGE_BEFORE = timedelta(days=3)


async def _move(uow: UnitOfWork, coupon_id: int, expected: str, values: dict, *conditions: object) -> bool:
    async with uow.write():
        moved = await uow.coupons.move(coupon_id, expected, values, *conditions)
        await uow.commit()
    return moved


async def lock(uow: UnitOfWork, coupon_id: int, member_id: int, order_id: str, now: datetime | None = None) -> None:
    """Hold the member's valid coupon for an unpaid order; refused if it is not theirs or not usable now."""
    now = now or utcnow()
    moved = await _move(
        uow, coupon_id, "available", {"status": "locked", "locked_order_id": order_id},
        Coupon.member_id == member_id, Coupon.valid_from <= now, Coupon.valid_until > now,
    )
    if not moved:
        raise NotAllowed("coupon-not-usable")


async def unlock(uow: UnitOfWork, coupon_id: int, order_id: str) -> bool:
    """The order was cancelled or expired unpaid: the coupon is available again."""
    return await _move(uow, coupon_id, "locked", {"status": "available", "locked_order_id": None},
                       Coupon.locked_order_id == order_id)


async def consume(uow: UnitOfWork, coupon_id: int, order_id: str, now: datetime | None = None) -> bool:
    """The order was paid: the coupon is used (it keeps the order id, for a refund)."""
    return await _move(uow, coupon_id, "locked", {"status": "used", "used_at": now or utcnow()},
                       Coupon.locked_order_id == order_id)


async def restore(uow: UnitOfWork, coupon_id: int, order_id: str) -> bool:
    """A full refund gives the coupon back (the expiry job expires it if its time has passed)."""
    return await _move(uow, coupon_id, "used", {"status": "available", "locked_order_id": None, "used_at": None},
                       Coupon.locked_order_id == order_id)


async def revoke(uow: UnitOfWork, coupon_id: int) -> None:
    """Staff take back an available coupon; a locked or used one is left to its order."""
    if not await _move(uow, coupon_id, "available", {"status": "revoked"}):
        raise NotFound("coupon-not-revocable")


async def expire_due(uow: UnitOfWork, now: datetime | None = None, batch: int = EXPIRY_BATCH) -> int:
    """Mark available coupons past their end as expired, one short transaction per batch."""
    now = now or utcnow()
    total = 0
    while True:
        async with uow.write():
            done = await uow.coupons.expire_batch(now, batch)
            await uow.commit()
        total += done
        if done < batch:
            return total


async def claim_nudges(uow: UnitOfWork, now: datetime | None = None, limit: int = 500) -> list[Nudge]:
    """Coupons ending within 3 days whose owner was not told yet; claimed here, so each goes out once."""
    now = now or utcnow()
    async with uow.write():
        nudges = await uow.coupons.claim_nudges(now, now + NUDGE_BEFORE, limit)
        await uow.commit()
    return nudges
