"""Getting a coupon: claim, redeem with points, add by code, staff issue, welcome issue; each one transaction.

A claim takes, in order and all inside one unit of work: a per-member claim slot (a unique
key, so a member racing themselves gets exactly their limit), one unit of stock (a
conditional UPDATE), the points (a ledger debit, idempotent on the slot) and the coupon row.
Any refusal raises before commit, so nothing of it stays.
"""

from dataclasses import dataclass
from datetime import datetime

from models.base import utcnow
from models.repositories.coupons import Campaign, CouponView
from models.repositories.ledger import Entry
from services.coupons.rules import MEMBER_CHANNELS, new_code, normalise_code, validity
from services.errors import NotAllowed, NotFound
from services.points import postings
from services.points.tiers import Tiers
from services.unit_of_work import UnitOfWork

CODE_ATTEMPTS = 5


class SoldOut(NotAllowed):
    code = "coupon-sold-out"


class LimitReached(NotAllowed):
    code = "coupon-limit-reached"


@dataclass(frozen=True, slots=True)
class Claimed:
    coupon: CouponView
    points_spent: int = 0


async def claim(
    uow: UnitOfWork, member_id: int, campaign_id: int, tiers: Tiers, now: datetime | None = None
) -> Claimed:
    """A member taps "claim" (or confirms a points redemption) in the coupon centre."""
    now = now or utcnow()
    async with uow.read():
        seen = await uow.coupons.campaign(campaign_id)
    _refuse_early(seen)
    async with uow.write():
        campaign = await uow.coupons.campaign(campaign_id)
        if campaign is None or campaign.channel not in MEMBER_CHANNELS:
            raise NotAllowed("coupon-not-claimable")
        claimed = await _obtain(uow, campaign, member_id, tiers, now)
        await uow.commit()
    return claimed


def _refuse_early(campaign: Campaign | None) -> None:
    """Refusals a snapshot read can make without queueing for a write: in a rush most claimers
    find the stock gone, and `claimed` only grows. The write re-checks everything."""
    if campaign is None or campaign.channel not in MEMBER_CHANNELS:
        raise NotAllowed("coupon-not-claimable")
    if campaign.left == 0:
        raise SoldOut()


async def redeem_code(uow: UnitOfWork, member_id: int, raw: str, tiers: Tiers, now: datetime | None = None) -> Claimed:
    """"Enter a code": a staff-printed code shared by everyone; counts against stock and the member's limit."""
    code = normalise_code(raw)
    now = now or utcnow()
    async with uow.write():
        campaign = await uow.coupons.campaign_by(redeem_code=code)
        if campaign is None or campaign.channel != "code":
            raise NotFound("coupon-code-unknown")
        if campaign.ends_at is not None and campaign.ends_at <= now:
            raise NotAllowed("coupon-code-expired")
        try:
            claimed = await _obtain(uow, campaign, member_id, tiers, now)
        except LimitReached as error:
            raise NotAllowed("coupon-code-used") from error
        await uow.commit()
    return claimed


async def issue(uow: UnitOfWork, campaign_id: int, member_id: int, now: datetime | None = None) -> CouponView:
    """Staff (or automation) give a member a coupon of any channel; it takes stock, not the member's limit."""
    now = now or utcnow()
    async with uow.write():
        coupon = await issue_open(uow, campaign_id, member_id, now)
        await uow.commit()
    return coupon


async def issue_open(uow: UnitOfWork, campaign_id: int, member_id: int, now: datetime) -> CouponView:
    """`issue` inside the caller's open unit of work (the staff tool adds its role check and audit row)."""
    campaign = await uow.coupons.campaign(campaign_id)
    if campaign is None:
        raise NotFound("coupon-campaign-not-found")
    if await uow.members.view(member_id) is None:
        raise NotFound("member-not-found")
    await _take_stock(uow, campaign, now)
    return await _add_coupon(uow, campaign, member_id, now)


async def issue_in_open_uow(uow: UnitOfWork, campaign_code: str, member_id: int, now: datetime) -> CouponView | None:
    """Inside a caller's open unit of work (registration's welcome coupon): issue one, or None.

    A missing, paused or sold-out campaign gives nothing and raises nothing, so the caller's
    transaction goes on (no statement here fails on either database).
    """
    campaign = await uow.coupons.campaign_by(code=campaign_code)
    if campaign is None or not await uow.coupons.take_stock(campaign.id, now):
        return None
    return await _add_coupon(uow, campaign, member_id, now)


async def _obtain(uow: UnitOfWork, campaign: Campaign, member_id: int, tiers: Tiers, now: datetime) -> Claimed:
    if not campaign.active:
        raise NotAllowed("coupon-paused")
    if campaign.min_tier is not None:
        tier = await uow.coupons.member_tier(member_id)
        if tier is None or tiers.rank(tier) < tiers.rank(campaign.min_tier):
            raise NotAllowed("coupon-tier-required")
    slot = await _take_slot(uow, campaign, member_id, now)
    await _take_stock(uow, campaign, now)
    coupon = await _add_coupon(uow, campaign, member_id, now)
    price = (campaign.points_price or 0) if campaign.channel == "points" else 0
    if price > 0:
        entry = Entry(member_id, "spend", 0, 0, f"coupon:{campaign.id}:{member_id}:{slot}",
                      reason="coupon", ref_type="coupon", ref_id=str(coupon.id))
        await uow.ledger.run(lambda ledger: postings.debit(ledger, entry, price, now))
    return Claimed(coupon, price)


async def _take_slot(uow: UnitOfWork, campaign: Campaign, member_id: int, now: datetime) -> int:
    """The member's next free slot 1..limit; a slot taken concurrently is simply not there to take."""
    start = await uow.coupons.claims_of(campaign.id, member_id) + 1
    for n in range(start, campaign.per_member_limit + 1):
        if await uow.coupons.take_slot(campaign.id, member_id, n, now):
            return n
    raise LimitReached(limit=campaign.per_member_limit)


async def _take_stock(uow: UnitOfWork, campaign: Campaign, now: datetime) -> None:
    if await uow.coupons.take_stock(campaign.id, now):
        return
    current = await uow.coupons.campaign(campaign.id)
    if not current.active:
        raise NotAllowed("coupon-paused")
    if current.ends_at is not None and current.ends_at <= now:
        raise NotAllowed("coupon-ended")
    raise SoldOut()


async def _add_coupon(uow: UnitOfWork, campaign: Campaign, member_id: int, now: datetime) -> CouponView:
    valid_from, valid_until = validity(now, campaign.starts_at, campaign.ends_at, campaign.valid_days)
    for _ in range(CODE_ATTEMPTS):
        coupon_id = await uow.coupons.add_coupon(new_code(), campaign.id, member_id, valid_from, valid_until, now)
        if coupon_id is not None:
            return await uow.coupons.coupon(coupon_id)
    raise RuntimeError("no free coupon code after several draws")
