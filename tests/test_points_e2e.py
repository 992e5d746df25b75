"""Points through the fake Telegram: /points pages, check-in, expiry reminders, tier upgrades."""

from datetime import timedelta
from decimal import Decimal

from bot import scheduler
from bot.dispatcher import shop_policy
from models.base import utcnow
from sandbox.emulator import SimUser
from services import points
from tests.conftest import BotEnv, unique

# Jobs are called directly with an explicit `now`; the in-process schedule would race them.
BOT_SETTINGS = {"background_jobs": False}


async def seed_entries(bot_env: BotEnv, member_id: int, count: int) -> None:
    tz = bot_env.settings.tz
    for day in range(count):
        await points.credit(bot_env.uow(), member_id, "review", day + 1, unique("seed"), tz=tz,
                            now=utcnow() - timedelta(days=count - day))


async def test_points_history_pages_edit_one_message(bot_env: BotEnv, member: SimUser) -> None:
    await seed_entries(bot_env, member.member_id, 23)
    await member.send("/points")
    screen = await member.expect_message()
    assert "可用积分：276" in screen.text and "第 1/3 页" in screen.text
    assert "评价奖励 · +23" in screen.text
    assert "较早 ➡️" in screen.button_texts and "⬅️ 较新" not in screen.button_texts
    await member.press(screen, "较早 ➡️")
    assert "第 2/3 页" in screen.text and screen.edit_count == 1
    assert {"⬅️ 较新", "较早 ➡️"} <= set(screen.button_texts)
    await member.press(screen, "较早 ➡️")
    assert "第 3/3 页" in screen.text and "较早 ➡️" not in screen.button_texts
    assert "评价奖励 · +1 · — · 余额 1" in screen.text
    await member.press(screen, "⬅️ 较新")
    assert "第 2/3 页" in screen.text and screen.edit_count == 3
    assert len(member.messages) == 1  # every page was the same message


async def test_points_screen_from_the_main_menu_shows_tier_and_progress(member: SimUser) -> None:
    await member.send("/start")
    menu = await member.expect_message()
    await member.press(menu, "我的积分")
    assert "会员等级：<b>" not in menu.text  # HTML is rendered, not shown
    assert "会员等级：普通会员" in menu.text and "再消费 ¥1,000.00 即可升级为银卡会员" in menu.text
    assert "暂无积分记录" in menu.text and menu.edit_count == 1


async def test_check_in_twice_in_a_day(member: SimUser) -> None:
    await member.send("/checkin")
    assert "签到成功：+5 积分，已连续签到 1 天" in (await member.expect_message()).text
    await member.send("/checkin")
    again = await member.expect_message()
    assert "今天已经签到过了" in again.text and "小时后再来" in again.text
    await member.send("/points")
    screen = await member.expect_message()
    toast = await member.press(screen, "签到")
    assert toast is not None and "今天已经签到过了" in toast
    assert screen.edit_count == 0 and "可用积分：5" in screen.text


async def test_check_in_from_the_points_screen_updates_it(member: SimUser) -> None:
    await member.send("/points")
    screen = await member.expect_message()
    toast = await member.press(screen, "签到")
    assert toast is not None and "签到成功" in toast
    assert "可用积分：5" in screen.text and "签到 · +5" in screen.text and screen.edit_count == 1


async def test_expiry_reminders_are_delivered_once_each(bot_env: BotEnv, member: SimUser) -> None:
    tz = bot_env.settings.tz
    earned_at = utcnow()
    await points.credit(bot_env.uow(), member.member_id, "birthday", 88, unique("bday"), tz=tz, now=earned_at)
    expires = points.expiry_for(earned_at, tz)
    args = (bot_env.app.bot, bot_env.database, shop_policy(bot_env.settings), bot_env.settings.default_language)
    await scheduler.send_expiry_reminders(*args, now=expires - timedelta(days=20))
    reminder = await member.expect_message()
    assert "88 积分将于" in reminder.text and expires.astimezone(tz).strftime("%Y-%m-%d") in reminder.text
    assert "还剩 20 天" in reminder.text
    await scheduler.send_expiry_reminders(*args, now=expires - timedelta(days=19))
    await scheduler.send_expiry_reminders(*args, now=expires - timedelta(days=10))
    assert len(member.messages) == 1  # the sends are awaited, so nothing else is on its way
    await scheduler.send_expiry_reminders(*args, now=expires - timedelta(days=3))
    assert "还剩 3 天" in (await member.expect_message()).text
    await scheduler.send_expiry_reminders(*args, now=expires - timedelta(days=2))
    assert len(member.messages) == 2


async def test_tier_upgrade_is_announced_once(bot_env: BotEnv, member: SimUser) -> None:
    settings, policy = bot_env.settings, shop_policy(bot_env.settings)
    earned = await points.earn(bot_env.uow(), member.member_id, 120_000, unique("order"), rate=Decimal("0.01"),
                               tiers=policy.tiers, release_at=utcnow() + timedelta(days=7), tz=policy.tz)
    assert earned.tier_change is not None
    args = (bot_env.app.bot, bot_env.database, policy, settings.default_language)
    await scheduler.announce_tier_changes(*args)
    message = await member.expect_message()
    assert "恭喜！您已升级为银卡会员，购物积分 ×1.2" in message.text
    await scheduler.announce_tier_changes(*args)
    assert len(member.messages) == 1
    await member.send("/points")
    screen = await member.expect_message()
    assert "会员等级：银卡会员" in screen.text and "冻结积分：1,200" in screen.text


async def test_guest_is_asked_to_register_first(user: SimUser) -> None:
    await user.send("/points")
    assert "请先注册或登录" in (await user.expect_message()).text
