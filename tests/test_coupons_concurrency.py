"""Races on both databases, each task with its own unit of work: stock, per-member limit, points."""

import asyncio

from sqlalchemy import func, select

from models.coupons import Coupon, CouponCampaign
from models.database import Database
from services import coupons, points
from services.errors import DomainError
from services.unit_of_work import UnitOfWork
from tests.conftest import Probe
from tests.test_coupons_service import TIERS, new_campaign
from tests.test_points_service import T0, balances, new_member


async def attempt(call: object) -> str:
    try:
        await call
    except DomainError as error:
        return error.code
    return "ok"


async def issued(probe: Probe, campaign_id: int) -> int:
    return await probe.scalar(select(func.count()).where(Coupon.campaign_id == campaign_id))


async def test_two_hundred_members_race_for_fifty_coupons(database: Database, probe: Probe) -> None:
    campaign_id = await new_campaign(UnitOfWork(database), stock=50)
    members = [await new_member(UnitOfWork(database)) for _ in range(200)]
    results = await asyncio.gather(
        *(attempt(coupons.claim(UnitOfWork(database), member_id, campaign_id, TIERS, now=T0)) for member_id in members)
    )
    assert results.count("ok") == 50 and results.count("coupon-sold-out") == 150
    assert await issued(probe, campaign_id) == 50
    assert await probe.scalar(select(CouponCampaign.claimed).where(CouponCampaign.id == campaign_id)) == 50
    owners = await probe.scalars(select(Coupon.member_id).where(Coupon.campaign_id == campaign_id))
    assert len(set(owners)) == 50


async def test_one_member_claiming_ten_times_at_once_with_limit_one_gets_one(database: Database, probe: Probe) -> None:
    campaign_id = await new_campaign(UnitOfWork(database))
    member_id = await new_member(UnitOfWork(database))
    results = await asyncio.gather(
        *(attempt(coupons.claim(UnitOfWork(database), member_id, campaign_id, TIERS, now=T0)) for _ in range(10))
    )
    assert results.count("ok") == 1 and results.count("coupon-limit-reached") == 9
    assert await issued(probe, campaign_id) == 1
    assert await probe.scalar(select(CouponCampaign.claimed).where(CouponCampaign.id == campaign_id)) == 1


async def test_one_member_racing_a_limit_of_three_gets_three(database: Database, probe: Probe) -> None:
    campaign_id = await new_campaign(UnitOfWork(database), per_member_limit=3)
    member_id = await new_member(UnitOfWork(database))
    results = await asyncio.gather(
        *(attempt(coupons.claim(UnitOfWork(database), member_id, campaign_id, TIERS, now=T0)) for _ in range(10))
    )
    assert results.count("ok") == 3 and await issued(probe, campaign_id) == 3


async def test_points_redemptions_racing_points_spends_never_overdraw(database: Database, probe: Probe) -> None:
    member_id = await new_member(UnitOfWork(database), available=500)
    campaign_id = await new_campaign(UnitOfWork(database), channel="points", points_price=100, per_member_limit=10)

    async def spend(i: int) -> str:
        return await attempt(points.spend(UnitOfWork(database), member_id, 100, f"race-spend:{member_id}:{i}", now=T0))

    async def redeem() -> str:
        return await attempt(coupons.claim(UnitOfWork(database), member_id, campaign_id, TIERS, now=T0))

    results = await asyncio.gather(*(redeem() if i % 2 else spend(i) for i in range(20)))
    assert results.count("ok") == 5
    assert set(results) <= {"ok", "points-insufficient", "coupon-limit-reached"}
    assert await balances(probe, member_id) == (0, 0)
    redeemed = [r for i, r in enumerate(results) if i % 2 and r == "ok"]
    assert await issued(probe, campaign_id) == len(redeemed)
    assert await probe.scalar(select(CouponCampaign.claimed).where(CouponCampaign.id == campaign_id)) == len(redeemed)
    assert [d for d in await points.audit(UnitOfWork(database)) if d.member_id == member_id] == []


async def test_two_processes_claiming_nudges_at_once_never_both_get_a_coupon(database: Database) -> None:
    from tests.conftest import next_telegram_id

    campaign_id = await new_campaign(UnitOfWork(database), channel="staff", valid_days=2)
    uow = UnitOfWork(database)
    for _ in range(6):
        member_id = await new_member(uow)
        telegram_id = next_telegram_id()
        async with uow.write():
            await uow.members.remember_telegram_user(telegram_id, "en")
            await uow.members.update_fields(member_id, {"telegram_id": telegram_id})
            await uow.commit()
        await coupons.issue(uow, campaign_id, member_id, now=T0)
    batches = await asyncio.gather(*(coupons.claim_nudges(UnitOfWork(database), now=T0) for _ in range(4)))
    ids = [nudge.coupon.id for batch in batches for nudge in batch if nudge.coupon.campaign.id == campaign_id]
    assert len(ids) == len(set(ids)) == 6
