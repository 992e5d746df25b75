"""Coupon use cases on SQLite and PostgreSQL: claiming, codes, points, refusals, lifecycle, expiry, staff."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from models.coupons import Coupon, CouponCampaign
from services import coupons, members, points
from services.coupons import CampaignSpec
from services.errors import DomainError, InvalidInput
from services.points import Tiers
from services.policy import ShopPolicy
from services.unit_of_work import UnitOfWork
from tests.conftest import Probe, next_telegram_id, unique
from tests.test_accounts_service import form
from tests.test_points_service import T0, balances, new_member

TIERS = Tiers()


async def new_campaign(uow: UnitOfWork, **fields: object) -> int:
    values: dict = {"code": unique("c"), "name_zh": "满100减10", "name_en": "10 off 100", "kind": "amount_off",
                    "amount_off": 1_000, "min_spend": 10_000, "valid_days": 30, **fields}
    return await coupons.create_campaign(uow, CampaignSpec(**values), now=T0)


async def refused(code: str, call: object) -> None:
    with pytest.raises(DomainError) as error:
        await call
    assert error.value.code == code


async def statuses(probe: Probe, member_id: int) -> list[str]:
    return await probe.scalars(select(Coupon.status).where(Coupon.member_id == member_id).order_by(Coupon.id))


async def test_a_claim_gives_a_coupon_valid_n_days_and_counts_against_stock(uow: UnitOfWork, probe: Probe) -> None:
    member_id = await new_member(uow)
    campaign_id = await new_campaign(uow, stock=5, valid_days=7)
    claimed = await coupons.claim(uow, member_id, campaign_id, TIERS, now=T0)
    coupon = claimed.coupon
    assert (coupon.member_id, coupon.status, coupon.valid_from, coupon.valid_until) == (
        member_id, "available", T0, T0 + timedelta(days=7))
    assert len(coupon.code) == 8 and claimed.points_spent == 0
    assert await probe.scalar(select(CouponCampaign.claimed).where(CouponCampaign.id == campaign_id)) == 1
    await refused("coupon-limit-reached", coupons.claim(uow, member_id, campaign_id, TIERS, now=T0))
    assert await probe.scalar(select(CouponCampaign.claimed).where(CouponCampaign.id == campaign_id)) == 1


async def test_refusals_change_nothing(uow: UnitOfWork, probe: Probe) -> None:
    member_id = await new_member(uow)
    sold_out = await new_campaign(uow, stock=0)
    staff_only = await new_campaign(uow, channel="staff")
    gold_only = await new_campaign(uow, min_tier="gold")
    ended = await new_campaign(uow, valid_days=None, ends_at=T0 - timedelta(days=1))
    paused = await new_campaign(uow)
    await coupons.pause(uow, paused)
    await refused("coupon-sold-out", coupons.claim(uow, member_id, sold_out, TIERS, now=T0))
    await refused("coupon-not-claimable", coupons.claim(uow, member_id, staff_only, TIERS, now=T0))
    await refused("coupon-tier-required", coupons.claim(uow, member_id, gold_only, TIERS, now=T0))
    await refused("coupon-ended", coupons.claim(uow, member_id, ended, TIERS, now=T0))
    await refused("coupon-paused", coupons.claim(uow, member_id, paused, TIERS, now=T0))
    assert await statuses(probe, member_id) == []
    await coupons.resume(uow, paused)
    await coupons.claim(uow, member_id, paused, TIERS, now=T0)
    assert await statuses(probe, member_id) == ["available"]


async def test_redeeming_with_points_spends_them_in_the_same_transaction(uow: UnitOfWork, probe: Probe) -> None:
    member_id = await new_member(uow, available=150)
    campaign_id = await new_campaign(uow, channel="points", points_price=100, per_member_limit=3)
    claimed = await coupons.claim(uow, member_id, campaign_id, TIERS, now=T0)
    assert claimed.points_spent == 100 and await balances(probe, member_id) == (50, 0)
    await refused("points-insufficient", coupons.claim(uow, member_id, campaign_id, TIERS, now=T0))
    assert await balances(probe, member_id) == (50, 0)
    assert await statuses(probe, member_id) == ["available"]
    assert await probe.scalar(select(CouponCampaign.claimed).where(CouponCampaign.id == campaign_id)) == 1
    assert [d for d in await points.audit(UnitOfWork(uow.database)) if d.member_id == member_id] == []


async def test_a_printed_code_is_typed_any_way_and_each_refusal_has_its_reason(uow: UnitOfWork, probe: Probe) -> None:
    member_id, other_id = await new_member(uow), await new_member(uow)
    code = unique("SPRING").upper().replace("_", "")
    await new_campaign(uow, channel="code", redeem_code=code, stock=1)
    ended_code = unique("OLD").upper().replace("_", "")
    await new_campaign(uow, channel="code", redeem_code=ended_code, ends_at=T0, valid_days=None)
    claimed = await coupons.redeem_code(uow, member_id, f" {code[:3].lower()}-{code[3:]} ", TIERS, now=T0)
    assert claimed.coupon.member_id == member_id
    await refused("coupon-code-used", coupons.redeem_code(uow, member_id, code, TIERS, now=T0))
    await refused("coupon-sold-out", coupons.redeem_code(uow, other_id, code, TIERS, now=T0))
    await refused("coupon-code-expired", coupons.redeem_code(uow, other_id, ended_code, TIERS, now=T0))
    await refused("coupon-code-unknown", coupons.redeem_code(uow, other_id, "NOSUCHCODE", TIERS, now=T0))
    with pytest.raises(InvalidInput):
        await coupons.redeem_code(uow, other_id, "!!", TIERS, now=T0)
    assert await statuses(probe, other_id) == []


async def test_lock_unlock_consume_restore_are_conditional(uow: UnitOfWork) -> None:
    member_id, other_id = await new_member(uow), await new_member(uow)
    campaign_id = await new_campaign(uow)
    coupon = (await coupons.claim(uow, member_id, campaign_id, TIERS, now=T0)).coupon
    await refused("coupon-not-usable", coupons.lock(uow, coupon.id, other_id, "order-1", now=T0))
    await refused("coupon-not-usable", coupons.lock(uow, coupon.id, member_id, "o1", now=T0 + timedelta(days=31)))
    await coupons.lock(uow, coupon.id, member_id, "order-1", now=T0)
    await refused("coupon-not-usable", coupons.lock(uow, coupon.id, member_id, "order-2", now=T0))
    assert not await coupons.unlock(uow, coupon.id, "order-2")
    assert await coupons.unlock(uow, coupon.id, "order-1")
    await coupons.lock(uow, coupon.id, member_id, "order-3", now=T0)
    assert not await coupons.consume(uow, coupon.id, "order-1")
    assert await coupons.consume(uow, coupon.id, "order-3", now=T0)
    assert not await coupons.unlock(uow, coupon.id, "order-3")
    assert not await coupons.restore(uow, coupon.id, "order-1")
    assert await coupons.restore(uow, coupon.id, "order-3")
    assert (await coupons.coupon_of(uow, member_id, coupon.id)).status == "available"
    await refused("coupon-not-found", coupons.coupon_of(uow, other_id, coupon.id))
    await coupons.revoke(uow, coupon.id)
    await refused("coupon-not-revocable", coupons.revoke(uow, coupon.id))


async def test_expiry_job_marks_only_coupons_past_their_end(uow: UnitOfWork, probe: Probe) -> None:
    member_id = await new_member(uow)
    short = await new_campaign(uow, valid_days=1, per_member_limit=3)
    long = await new_campaign(uow, valid_days=10)
    for _ in range(3):
        await coupons.claim(uow, member_id, short, TIERS, now=T0)
    await coupons.claim(uow, member_id, long, TIERS, now=T0)
    assert await coupons.expire_due(uow, now=T0 + timedelta(days=2), batch=2) >= 3
    assert await statuses(probe, member_id) == ["expired", "expired", "expired", "available"]
    wallet, past = await coupons.wallet(uow, member_id)
    assert [c.campaign.id for c in wallet] == [long] and past == 3
    page = await coupons.past(uow, member_id, page=9, size=2)
    assert (page.page, page.pages, len(page.items), page.has_prev, page.has_next) == (1, 2, 1, True, False)


async def test_staff_issue_takes_stock_but_not_the_member_limit(uow: UnitOfWork, probe: Probe) -> None:
    member_id = await new_member(uow)
    campaign_id = await new_campaign(uow, channel="staff", stock=2)
    await coupons.issue(uow, campaign_id, member_id, now=T0)
    await coupons.issue(uow, campaign_id, member_id, now=T0)
    await refused("coupon-sold-out", coupons.issue(uow, campaign_id, member_id, now=T0))
    assert await statuses(probe, member_id) == ["available", "available"]
    await refused("coupon-campaign-invalid", new_campaign(uow, kind="percent_off", percent_off=0))
    await refused("coupon-campaign-invalid", new_campaign(uow, channel="points"))


async def test_the_centre_lists_member_campaigns_with_what_is_left(uow: UnitOfWork) -> None:
    member_id = await new_member(uow)
    shown_id = await new_campaign(uow, stock=3)
    hidden_id = await new_campaign(uow, channel="staff")
    await coupons.claim(uow, member_id, shown_id, TIERS, now=T0)
    offers = {offer.campaign.id: offer for offer in await coupons.centre(uow, member_id, now=T0)}
    assert hidden_id not in offers
    assert (offers[shown_id].campaign.left, offers[shown_id].mine) == (2, 1)



async def test_registration_issues_the_welcome_coupon_in_its_own_transaction(uow: UnitOfWork, probe: Probe) -> None:
    code = unique("welcome")
    campaign_id = await new_campaign(uow, code=code, stock=1, channel="staff")
    policy = ShopPolicy(welcome_coupon=code)
    first = await members.register(uow, form(), next_telegram_id(), policy)
    second = await members.register(uow, form(), next_telegram_id(), policy)  # sold out: joins anyway
    assert await statuses(probe, first.id) == ["available"] and await statuses(probe, second.id) == []
    assert await probe.scalar(select(CouponCampaign.claimed).where(CouponCampaign.id == campaign_id)) == 1
    assert await members.register(uow, form(), next_telegram_id(), ShopPolicy(welcome_coupon="no-such-campaign"))


def test_the_expiry_job_is_scheduled() -> None:
    from unittest.mock import MagicMock

    from bot.scheduler import BackgroundJobs, expire_coupons

    jobs = BackgroundJobs(MagicMock(), MagicMock(), ShopPolicy(), "zh")
    assert jobs.scheduler.get_job("coupons-expire").func is expire_coupons
