"""Gift links on both databases: the first other member takes it, the giver can take it back, races."""

import asyncio

from sqlalchemy import select

from models.coupons import Coupon, CouponGift
from models.database import Database
from services import coupons
from services.coupons import gifts
from services.unit_of_work import UnitOfWork
from tests.conftest import Probe
from tests.test_coupons_concurrency import attempt
from tests.test_coupons_service import TIERS, new_campaign, refused
from tests.test_points_service import T0, new_member


async def owned(uow: UnitOfWork, **fields: object) -> tuple[int, int]:
    """(member id, coupon id) of a fresh member's freshly claimed coupon."""
    member_id = await new_member(uow)
    campaign_id = await new_campaign(uow, **fields)
    return member_id, (await coupons.claim(uow, member_id, campaign_id, TIERS, now=T0)).coupon.id


async def owner(probe: Probe, coupon_id: int) -> int:
    return await probe.scalar(select(Coupon.member_id).where(Coupon.id == coupon_id))


async def test_the_first_other_member_receives_it_and_cannot_pass_it_on(uow: UnitOfWork, probe: Probe) -> None:
    giver, coupon_id = await owned(uow)
    first, second = await new_member(uow), await new_member(uow)
    token = await gifts.offer(uow, giver, coupon_id, now=T0)
    assert await probe.scalar(select(CouponGift.token_hash).where(CouponGift.coupon_id == coupon_id)) != token
    await refused("coupon-gift-own", gifts.accept(uow, giver, token, now=T0))
    assert await gifts.accept(uow, first, token, now=T0) == coupon_id
    await refused("coupon-gift-gone", gifts.accept(uow, second, token, now=T0))
    assert await owner(probe, coupon_id) == first
    await refused("coupon-gift-not-allowed", gifts.offer(uow, first, coupon_id, now=T0))
    await refused("coupon-not-found", gifts.offer(uow, giver, coupon_id, now=T0))
    await refused("coupon-gift-unknown", gifts.accept(uow, second, "no-such-token", now=T0))


async def test_the_giver_takes_it_back_until_someone_took_it(uow: UnitOfWork, probe: Probe) -> None:
    giver, coupon_id = await owned(uow)
    receiver = await new_member(uow)
    token = await gifts.offer(uow, giver, coupon_id, now=T0)
    await gifts.take_back(uow, giver, coupon_id)
    await refused("coupon-gift-gone", gifts.accept(uow, receiver, token, now=T0))
    newer = await gifts.offer(uow, giver, coupon_id, now=T0)
    stale = await gifts.offer(uow, giver, coupon_id, now=T0)  # a new link cancels the one before
    await refused("coupon-gift-gone", gifts.accept(uow, receiver, newer, now=T0))
    await gifts.accept(uow, receiver, stale, now=T0)
    await refused("coupon-gift-gone", gifts.take_back(uow, giver, coupon_id))
    assert await owner(probe, coupon_id) == receiver


async def test_a_campaign_can_forbid_gifting_and_a_used_coupon_is_not_handed_over(uow: UnitOfWork) -> None:
    giver, coupon_id = await owned(uow, giftable=False)
    await refused("coupon-gift-not-allowed", gifts.offer(uow, giver, coupon_id, now=T0))
    giver, coupon_id = await owned(uow)
    token = await gifts.offer(uow, giver, coupon_id, now=T0)
    await coupons.lock(uow, coupon_id, giver, "order-9", now=T0)
    await refused("coupon-gift-gone", gifts.accept(uow, await new_member(uow), token, now=T0))


async def test_two_members_opening_the_same_link_at_once_one_gets_it(database: Database, probe: Probe) -> None:
    giver, coupon_id = await owned(UnitOfWork(database))
    takers = [await new_member(UnitOfWork(database)) for _ in range(8)]
    token = await gifts.offer(UnitOfWork(database), giver, coupon_id, now=T0)
    results = await asyncio.gather(*(attempt(gifts.accept(UnitOfWork(database), m, token, now=T0)) for m in takers))
    assert results.count("ok") == 1 and results.count("coupon-gift-gone") == 7
    assert await owner(probe, coupon_id) == takers[results.index("ok")]
