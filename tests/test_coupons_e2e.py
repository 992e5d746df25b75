"""Coupons through the fake Telegram: the centre, points redemption, codes, wallet pages, forged buttons."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from bot import scheduler
from bot.callbacks import CouponAction, CouponCb
from bot.dispatcher import shop_policy
from models.base import utcnow
from models.coupons import Coupon
from models.members import Member
from sandbox.emulator import SimUser
from services import coupons, points
from services.coupons import CampaignSpec
from tests.conftest import BotEnv, unique
from tests.test_e2e_registration import press_data
from tests.texts import ANY, says, shown, t

BOT_SETTINGS = {"background_jobs": False, "coupons_page_size": 5}


async def campaign(bot_env: BotEnv, **fields: object) -> tuple[int, str]:
    """A fresh campaign with a unique name (the centre of this module's bot lists every test's campaigns)."""
    name = unique("券")
    values: dict = {"code": unique("c"), "name_zh": name, "name_en": name, "kind": "amount_off",
                    "amount_off": 1_000, "min_spend": 10_000, "valid_days": 30, **fields}
    return await coupons.create_campaign(bot_env.uow(), CampaignSpec(**values)), name


async def held(bot_env: BotEnv, member_id: int) -> list[str]:
    return await bot_env.probe.scalars(select(Coupon.status).where(Coupon.member_id == member_id).order_by(Coupon.id))


async def available_points(bot_env: BotEnv, member_id: int) -> int:
    return await bot_env.probe.scalar(select(Member.points_available).where(Member.id == member_id))


async def open_centre(member: SimUser):
    """From the main menu: the coupons button, then the centre (both edit the menu message)."""
    await member.send("/start")
    screen = await member.expect_message()
    await member.press(screen, t("btn-coupons"))
    assert says(screen.text, "coupons-wallet", count=ANY)
    await member.press(screen, t("coupons-btn-centre"))
    assert shown("coupons-centre") in screen.text
    return screen


async def test_claim_from_the_centre_then_the_limit_and_sold_out(bot_env: BotEnv, member: SimUser) -> None:
    claimable, name = await campaign(bot_env, stock=5)
    _, gone_name = await campaign(bot_env, stock=0)
    centre = await open_centre(member)
    assert says(centre.text, "coupons-offer", name=name, benefit=ANY, left=shown("coupons-left", count=5),
                price=ANY, mine=0, limit=1)
    toast = await member.press(centre, t("coupons-btn-claim", name=name))
    assert toast == t("coupons-claimed-toast")
    claimed = await member.expect_message()
    assert shown("coupons-claimed") in claimed.text and says(claimed.text, "coupons-line", name=name, benefit=ANY,
                                                             start=ANY, end=ANY, code=ANY, status=ANY)
    assert says(centre.text, "coupons-offer", name=name, benefit=ANY, left=shown("coupons-left", count=4),
                price=ANY, mine=1, limit=1)
    toast = await member.press(centre, t("coupons-btn-claim", name=name))
    assert toast == t("error-coupon-limit-reached", limit=1)
    toast = await member.press(centre, t("coupons-btn-claim", name=gone_name))
    assert toast == t("error-coupon-sold-out")
    assert await held(bot_env, member.member_id) == ["available"]
    await member.press(claimed, t("coupons-btn-wallet"))
    assert shown("coupons-wallet", count=1) in claimed.text and name in claimed.text
    owned = await bot_env.probe.scalars(select(Coupon.campaign_id).where(Coupon.member_id == member.member_id))
    assert owned == [claimable]


async def test_redeem_with_points_cancel_then_confirm(bot_env: BotEnv, member: SimUser) -> None:
    await points.adjust(bot_env.uow(), member.member_id, 300, unique("seed"), reason="seed", tz=bot_env.settings.tz)
    _, name = await campaign(bot_env, channel="points", points_price=200, per_member_limit=5)
    centre = await open_centre(member)
    redeem = t("coupons-btn-redeem", name=name, points=200)
    await member.press(centre, redeem)
    ask = await member.expect_message()
    assert shown("coupons-redeem-confirm", name=name, points=200, balance=300) == ask.text
    await member.press(ask, t("btn-cancel"))
    assert ask.text == shown("coupons-redeem-cancelled")
    assert await available_points(bot_env, member.member_id) == 300 and await held(bot_env, member.member_id) == []
    await member.press(centre, redeem)
    ask = await member.expect_message()
    await member.press(ask, t("coupons-btn-confirm"))
    assert shown("coupons-redeemed", points=200) in ask.text
    assert await available_points(bot_env, member.member_id) == 100
    assert await held(bot_env, member.member_id) == ["available"]
    await member.press(centre, redeem)
    ask = await member.expect_message()
    await member.press(ask, t("coupons-btn-confirm"))
    assert says(ask.text, "error-points-insufficient", available=100)
    assert await available_points(bot_env, member.member_id) == 100
    assert await held(bot_env, member.member_id) == ["available"]


async def test_enter_a_code_each_case(bot_env: BotEnv, member: SimUser) -> None:
    code = unique("SPRING").upper().replace("_", "")
    await campaign(bot_env, channel="code", redeem_code=code, stock=10)
    old = unique("OLD").upper().replace("_", "")
    await campaign(bot_env, channel="code", redeem_code=old, valid_days=None, ends_at=utcnow() - timedelta(days=1))
    await member.send("/coupons")
    wallet = await member.expect_message()
    await member.press(wallet, t("coupons-btn-code"))
    assert (await member.expect_message()).text == shown("coupons-code-ask")
    again = shown("coupons-code-again")
    for typed, error in (("!!?", "error-coupon-code-invalid"), ("NOSUCH2", "error-coupon-code-unknown"),
                         (old.lower(), "error-coupon-code-expired")):
        await member.send(typed)
        reply = await member.expect_message()
        assert reply.text == f"{shown(error, max=32)}\n{again}", typed
    await member.send(f"{code[:4].lower()} - {code[4:]}")
    added = await member.expect_message()
    assert shown("coupons-code-added") in added.text
    assert await held(bot_env, member.member_id) == ["available"]
    await member.send("/coupons")
    wallet = await member.expect_message()
    await member.press(wallet, t("coupons-btn-code"))
    ask = await member.expect_message()
    await member.send(code)
    assert (await member.expect_message()).text == f"{shown('error-coupon-code-used')}\n{again}"
    await member.press(ask, t("btn-cancel"))
    assert ask.text == shown("cancelled")
    await member.press(wallet, t("coupons-btn-code"))
    await member.expect_message()
    await member.send("/cancel")
    assert (await member.expect_message()).text == shown("cancelled")
    await member.send(code)
    assert shown("error-coupon-code-used") not in (await member.expect_message()).text
    assert await held(bot_env, member.member_id) == ["available"]


async def test_wallet_shows_soon_expiring_and_pages_past_coupons(bot_env: BotEnv, member: SimUser) -> None:
    staff_id, name = await campaign(bot_env, channel="staff", valid_days=2)
    for _ in range(7):
        coupon = await coupons.issue(bot_env.uow(), staff_id, member.member_id)
        await coupons.revoke(bot_env.uow(), coupon.id)
    await coupons.issue(bot_env.uow(), staff_id, member.member_id)
    await member.send("/coupons")
    screen = await member.expect_message()
    assert shown("coupons-wallet", count=1) in screen.text
    assert says(screen.text, "coupons-line", name=name, benefit=ANY, start=ANY, end=ANY, code=ANY,
                status=t("coupons-status-soon"))
    await member.press(screen, t("coupons-btn-past", count=7))
    assert shown("coupons-past", page=1, pages=2) in screen.text and screen.edit_count == 1
    assert t("btn-page-prev") not in screen.button_texts
    await member.press(screen, t("btn-page-next"))
    assert shown("coupons-past", page=2, pages=2) in screen.text and t("btn-page-next") not in screen.button_texts
    assert screen.text.count(t("coupons-status-revoked")) == 2
    await member.press(screen, t("btn-page-prev"))
    assert shown("coupons-past", page=1, pages=2) in screen.text and screen.edit_count == 3
    assert len(member.messages) == 1  # one screen, edited in place


async def test_forged_buttons_are_refused_and_change_nothing(bot_env: BotEnv, member: SimUser) -> None:
    staff_id, _ = await campaign(bot_env, channel="staff", stock=10)
    other = bot_env.new_user()
    other_id = await bot_env.make_member(other)
    theirs = await coupons.issue(bot_env.uow(), staff_id, other_id)
    await member.send("/coupons")
    screen = await member.expect_message()
    toast = await press_data(bot_env, member, screen, CouponCb(action=CouponAction.claim, id=staff_id).pack())
    assert toast == t("error-coupon-not-claimable")
    await press_data(bot_env, member, screen, CouponCb(action=CouponAction.confirm, id=staff_id).pack())
    assert screen.text == shown("error-coupon-not-claimable")
    toast = await press_data(bot_env, member, screen, CouponCb(action=CouponAction.show, id=theirs.id).pack())
    assert toast == t("error-coupon-not-found") and theirs.code not in screen.text
    assert await held(bot_env, member.member_id) == []
    count = await bot_env.probe.scalar(select(func.count()).where(Coupon.campaign_id == staff_id))
    assert count == 1


async def gift_link(bot_env: BotEnv, member: SimUser, coupon: coupons.CouponView) -> tuple[object, str]:
    """The giver opens the coupon from the wallet and makes a link; returns the screen and the /start text."""
    await member.send("/coupons")
    screen = await member.expect_message()
    await member.press(screen, coupons.show_code(coupon.code))
    await member.press(screen, t("coupons-btn-gift"))
    assert says(screen.text, "coupons-gift-link", link=ANY)
    payload = re.search(r"start=(gift_[A-Za-z0-9_-]+)", screen.text).group(1)
    return screen, f"/start {payload}"


async def test_a_gift_link_goes_to_the_first_other_member_and_can_be_taken_back(
    bot_env: BotEnv, member: SimUser,
) -> None:
    staff_id, name = await campaign(bot_env, channel="staff", per_member_limit=1)
    first, second = bot_env.new_user(), bot_env.new_user()
    first_id, second_id = await bot_env.make_member(first), await bot_env.make_member(second)
    kept = await coupons.issue(bot_env.uow(), staff_id, member.member_id)
    screen, start = await gift_link(bot_env, member, kept)
    await member.press(screen, t("coupons-btn-ungift"))
    assert screen.text == shown("coupons-gift-taken-back")
    await first.send(start)
    assert (await first.expect_message()).text == shown("error-coupon-gift-gone")
    _, start = await gift_link(bot_env, member, kept)
    await member.send(start)
    assert (await member.expect_message()).text == shown("error-coupon-gift-own")
    await first.send(start)
    received = await first.expect_message()
    assert shown("coupons-gift-received") in received.text and name in received.text
    await second.send(start)
    assert (await second.expect_message()).text == shown("error-coupon-gift-gone")
    assert await held(bot_env, member.member_id) == [] and await held(bot_env, first_id) == ["available"]
    assert await held(bot_env, second_id) == []
    await first.send("/coupons")
    wallet = await first.expect_message()
    await first.press(wallet, coupons.show_code(kept.code))
    assert t("coupons-btn-gift") not in wallet.button_texts  # a received coupon is not gifted on
    toast = await press_data(bot_env, first, wallet, CouponCb(action=CouponAction.gift, id=kept.id).pack())
    assert toast == t("error-coupon-gift-not-allowed")


async def test_a_coupon_ending_within_three_days_is_nudged_once(bot_env: BotEnv, member: SimUser) -> None:
    staff_id, name = await campaign(bot_env, channel="staff", valid_days=10, per_member_limit=2)
    coupon = await coupons.issue(bot_env.uow(), staff_id, member.member_id)
    policy = shop_policy(bot_env.settings)
    args = (bot_env.app.bot, bot_env.database, policy, bot_env.settings.default_language)
    await scheduler.send_coupon_nudges(*args, now=coupon.valid_until - timedelta(days=4))
    assert member.messages == []
    await scheduler.send_coupon_nudges(*args, now=coupon.valid_until - timedelta(days=2))
    nudge = await member.expect_message()
    day = coupon.valid_until.astimezone(policy.tz).strftime("%Y-%m-%d")
    assert nudge.text == shown("coupons-expiry-nudge", name=name, date=day, code=coupons.show_code(coupon.code))
    await scheduler.send_coupon_nudges(*args, now=coupon.valid_until - timedelta(days=1))
    assert len(member.messages) == 1


async def test_a_paused_campaign_and_a_tier_restriction_are_explained(bot_env: BotEnv, member: SimUser) -> None:
    paused_id, paused = await campaign(bot_env)
    _, gold_only = await campaign(bot_env, min_tier="gold")
    centre = await open_centre(member)
    await coupons.pause(bot_env.uow(), paused_id)
    assert await member.press(centre, t("coupons-btn-claim", name=paused)) == t("error-coupon-paused")
    assert await member.press(centre, t("coupons-btn-claim", name=gold_only)) == t("error-coupon-tier-required")
    assert await held(bot_env, member.member_id) == []


async def test_a_guest_who_opens_a_gift_link_joins_first_and_then_receives_it(
    bot_env: BotEnv, member: SimUser,
) -> None:
    from tests.test_e2e_join import consent

    staff_id, name = await campaign(bot_env, channel="staff", per_member_limit=1)
    gift = await coupons.issue(bot_env.uow(), staff_id, member.member_id)
    _, start = await gift_link(bot_env, member, gift)
    guest = bot_env.new_user()
    await guest.send(start)
    assert (await guest.expect_message()).text == shown("coupons-gift-join-first")
    guest._cursor = len(guest.messages)  # noqa: SLF001 - the home screen follows; joining starts from it
    await consent(guest)
    await guest.press_reply(t("btn-share-phone"))
    await guest.wait_for(lambda: any(shown("coupons-gift-received") in (m.text or "") for m in guest.messages))
    received = next(m for m in guest.messages if shown("coupons-gift-received") in (m.text or ""))
    assert name in received.text
    guest_id = await bot_env.probe.scalar(select(Member.id).where(Member.telegram_id == guest.id))
    assert await held(bot_env, guest_id) == ["available"] and await held(bot_env, member.member_id) == []
