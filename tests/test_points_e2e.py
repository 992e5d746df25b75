"""Points through the fake Telegram: /points pages, check-in, expiry reminders, tier upgrades."""

from datetime import timedelta
from decimal import Decimal

from bot import scheduler
from bot.dispatcher import shop_policy
from models.base import utcnow
from sandbox.emulator import SimUser
from services import points
from tests.conftest import BotEnv, unique
from tests.texts import ANY, says, shown, t

# Jobs are called directly with an explicit `now`; the in-process schedule would race them.
BOT_SETTINGS = {"background_jobs": False}


def overview(text: str | None, **params: object) -> bool:
    """The points screen's overview with the given values (the others may be anything)."""
    values = {"available": ANY, "frozen": ANY, "expiring": ANY, "tier": ANY, "progress": ANY, **params}
    return says(text, "points-overview", **values)


def history_row(text: str | None, kind: str, amount: str, **params: object) -> bool:
    """A history row of that kind and amount (date, reason and balance as given, else anything)."""
    values = {"date": ANY, "reason": ANY, "balance": ANY, **params}
    return says(text, "points-row", kind=t(f"points-kind-{kind}"), amount=amount, **values)


async def seed_entries(bot_env: BotEnv, member_id: int, count: int) -> None:
    tz = bot_env.settings.tz
    for day in range(count):
        await points.credit(bot_env.uow(), member_id, "review", day + 1, unique("seed"), tz=tz,
                            now=utcnow() - timedelta(days=count - day))


async def test_points_history_pages_edit_one_message(bot_env: BotEnv, member: SimUser) -> None:
    await seed_entries(bot_env, member.member_id, 23)
    await member.send("/points")
    screen = await member.expect_message()
    assert overview(screen.text, available=276) and shown("points-history", page=1, pages=3) in screen.text
    assert history_row(screen.text, "review", "+23")
    older, newer = t("points-btn-next"), t("points-btn-prev")
    assert older in screen.button_texts and newer not in screen.button_texts
    await member.press(screen, older)
    assert shown("points-history", page=2, pages=3) in screen.text and screen.edit_count == 1
    assert {newer, older} <= set(screen.button_texts)
    await member.press(screen, older)
    assert shown("points-history", page=3, pages=3) in screen.text and older not in screen.button_texts
    assert history_row(screen.text, "review", "+1", balance=1) and "—" not in screen.text
    await member.press(screen, newer)
    assert shown("points-history", page=2, pages=3) in screen.text and screen.edit_count == 3
    assert len(member.messages) == 1  # every page was the same message


async def test_points_screen_from_the_main_menu_shows_tier_and_progress(bot_env: BotEnv, member: SimUser) -> None:
    tiers = shop_policy(bot_env.settings).tiers
    await member.send("/start")
    menu = await member.expect_message()
    await member.press(menu, t("btn-points"))
    assert "<b>" not in menu.text  # HTML is rendered, not shown
    progress = shown("points-progress-next", amount="¥1,000.00", tier=tiers.get("silver").name("zh"))
    assert overview(menu.text, tier=tiers.get("normal").name("zh"), progress=progress)
    assert shown("points-history-empty") in menu.text and menu.edit_count == 1


async def test_check_in_twice_in_a_day(member: SimUser) -> None:
    await member.send("/checkin")
    assert shown("checkin-done", points=5, streak=1) in (await member.expect_message()).text
    await member.send("/checkin")
    again = await member.expect_message()
    assert says(again.text, "error-checkin-already", hours=ANY)
    await member.send("/points")
    screen = await member.expect_message()
    assert t("btn-checkin") not in screen.button_texts  # no button that can only say "already"
    assert overview(screen.text, available=5)


async def test_check_in_from_the_points_screen_updates_it(member: SimUser) -> None:
    await member.send("/points")
    screen = await member.expect_message()
    toast = await member.press(screen, t("btn-checkin"))
    assert toast is not None and shown("checkin-done", points=5, streak=1) in toast
    assert overview(screen.text, available=5) and history_row(screen.text, "checkin", "+5") and screen.edit_count == 1
    assert t("btn-checkin") not in screen.button_texts and t("btn-home") in screen.button_texts


async def test_expiry_reminders_are_delivered_once_each(bot_env: BotEnv, member: SimUser) -> None:
    tz = bot_env.settings.tz
    earned_at = utcnow()
    await points.credit(bot_env.uow(), member.member_id, "birthday", 88, unique("bday"), tz=tz, now=earned_at)
    expires = points.expiry_for(earned_at, tz)
    args = (bot_env.app.bot, bot_env.database, shop_policy(bot_env.settings), bot_env.settings.default_language)
    await scheduler.send_expiry_reminders(*args, now=expires - timedelta(days=20))
    expiry_date = expires.astimezone(tz).strftime("%Y-%m-%d")
    reminder = await member.expect_message()
    assert reminder.text == shown("points-expiry-reminder", points=88, date=expiry_date, days=20)
    await scheduler.send_expiry_reminders(*args, now=expires - timedelta(days=19))
    await scheduler.send_expiry_reminders(*args, now=expires - timedelta(days=10))
    assert len(member.messages) == 1  # the sends are awaited, so nothing else is on its way
    await scheduler.send_expiry_reminders(*args, now=expires - timedelta(days=3))
    assert (await member.expect_message()).text == shown("points-expiry-reminder", points=88, date=expiry_date, days=3)
    await scheduler.send_expiry_reminders(*args, now=expires - timedelta(days=2))
    assert len(member.messages) == 2


async def test_tier_upgrade_is_announced_once(bot_env: BotEnv, member: SimUser) -> None:
    settings, policy = bot_env.settings, shop_policy(bot_env.settings)
    earned = await points.earn(bot_env.uow(), member.member_id, 120_000, unique("order"), rate=Decimal("0.01"),
                               tiers=policy.tiers, release_at=utcnow() + timedelta(days=7), tz=policy.tz)
    assert earned.tier_change is not None
    args = (bot_env.app.bot, bot_env.database, policy, settings.default_language)
    await scheduler.announce_tier_changes(*args)
    silver = policy.tiers.get("silver").name("zh")
    message = await member.expect_message()
    assert shown("tier-upgraded", tier=silver, multiplier="1.2") in message.text
    await scheduler.announce_tier_changes(*args)
    assert len(member.messages) == 1
    await member.send("/points")
    screen = await member.expect_message()
    assert overview(screen.text, tier=silver, frozen=1_200)


async def test_guest_is_asked_to_register_first(user: SimUser) -> None:
    await user.send("/points")
    assert shown("need-account") in (await user.expect_message()).text
