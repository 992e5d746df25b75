"""Gifting a coupon by link (`/start gift_<token>`): only the token's hash is stored; the first other member wins."""

import hashlib
import secrets
from datetime import datetime

from models.base import utcnow
from services.coupons.views import coupon_of
from services.errors import NotAllowed, NotFound
from services.unit_of_work import UnitOfWork

PAYLOAD_PREFIX = "gift_"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def offer(uow: UnitOfWork, member_id: int, coupon_id: int, now: datetime | None = None) -> str:
    """A new gift link token for the member's own available coupon (an earlier link stops working)."""
    coupon = await coupon_of(uow, member_id, coupon_id)
    if not coupon.campaign.giftable or coupon.received_from is not None:
        raise NotAllowed("coupon-gift-not-allowed")
    if coupon.status != "available":
        raise NotAllowed("coupon-not-usable")
    token = secrets.token_urlsafe(16)
    async with uow.write():
        await uow.coupons.open_gift(coupon_id, member_id, token_hash(token), now or utcnow())
        await uow.commit()
    return token


async def take_back(uow: UnitOfWork, member_id: int, coupon_id: int) -> None:
    """The giver cancels the link; refused once someone has taken the coupon."""
    async with uow.write():
        cancelled = await uow.coupons.cancel_gifts(coupon_id, member_id)
        await uow.commit()
    if not cancelled:
        raise NotAllowed("coupon-gift-gone")


async def accept(uow: UnitOfWork, member_id: int, token: str, now: datetime | None = None) -> int:
    """Take the coupon behind a link; returns its id. Two members at once: one gets it, one is told it is gone."""
    now = now or utcnow()
    async with uow.write():
        gift = await uow.coupons.gift_by_hash(token_hash(token))
        if gift is None:
            raise NotFound("coupon-gift-unknown")
        gift_id, coupon_id, giver_id, status = gift
        if giver_id == member_id:
            raise NotAllowed("coupon-gift-own")
        if status != "open" or not await uow.coupons.accept_gift(gift_id, member_id, now):
            raise NotAllowed("coupon-gift-gone")
        if not await uow.coupons.hand_over(coupon_id, giver_id, member_id, now):
            raise NotAllowed("coupon-gift-gone")
        await uow.commit()
    return coupon_id
