"""What a member sees of coupons: the wallet, a page of past coupons, one coupon, the coupon centre."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from models.base import utcnow
from models.repositories.coupons import Campaign, CouponView
from services.coupons.rules import MEMBER_CHANNELS, Terms
from services.errors import NotFound
from services.paging import Page, clamp
from services.unit_of_work import UnitOfWork

CURRENT = ("available", "locked")
PAST = ("used", "expired", "revoked")
SOON = timedelta(days=3)
WALLET_MAX = 30





@dataclass(frozen=True, slots=True)
class Offer:
    """A campaign in the coupon centre and how many of it the member already holds."""

    campaign: Campaign
    mine: int


def terms(campaign: Campaign) -> Terms:
    return Terms(campaign.kind, campaign.amount_off, campaign.percent_off, campaign.max_discount, campaign.min_spend)


def expiring_soon(coupon: CouponView, now: datetime) -> bool:
    return coupon.status == "available" and coupon.valid_until - now <= SOON


async def wallet(uow: UnitOfWork, member_id: int) -> tuple[list[CouponView], int]:
    """Usable coupons (soonest end first) and how many past ones there are."""
    async with uow.read():
        current = await uow.coupons.wallet(member_id, CURRENT, 0, WALLET_MAX)
        past = await uow.coupons.count(member_id, PAST)
    current.sort(key=lambda coupon: (coupon.status != "available", coupon.valid_until, coupon.id))
    return current, past


async def past(uow: UnitOfWork, member_id: int, page: int = 0, size: int = 5) -> Page[CouponView]:
    """Used, expired and revoked coupons, newest first; a page past the end shows the last one."""
    async with uow.read():
        page, pages = clamp(page, await uow.coupons.count(member_id, PAST), size)
        items = await uow.coupons.wallet(member_id, PAST, page * size, size)
    return Page(items, page, pages)


async def coupon_of(uow: UnitOfWork, member_id: int, coupon_id: int) -> CouponView:
    """One coupon, only for its owner (a forged button shows nothing of anyone else's)."""
    async with uow.read():
        coupon = await uow.coupons.coupon(coupon_id)
    if coupon is None or coupon.member_id != member_id:
        raise NotFound("coupon-not-found")
    return coupon


async def centre(uow: UnitOfWork, member_id: int, now: datetime | None = None) -> list[Offer]:
    now = now or utcnow()
    async with uow.read():
        campaigns = await uow.coupons.open_campaigns(MEMBER_CHANNELS, now)
        return [Offer(campaign, await uow.coupons.claims_of(campaign.id, member_id)) for campaign in campaigns]


async def campaign(uow: UnitOfWork, campaign_id: int) -> Campaign:
    """A campaign a member may see (claimable or for points)."""
    async with uow.read():
        found = await uow.coupons.campaign(campaign_id)
    if found is None or found.channel not in MEMBER_CHANNELS:
        raise NotFound("coupon-not-claimable")
    return found
