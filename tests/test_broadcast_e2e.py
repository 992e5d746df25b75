"""Broadcasts through the fake Telegram with Telegram's limits on (time-scaled): 2,000 recipients all
accounted for, nobody twice, never over the global rate; 429s, 5xx, blocked users and missing chats;
the sender stopped mid-broadcast and restarted; the /broadcast dialog, preview, HTML refused with the
reason, pause / resume / cancel from the progress message, and the unsubscribe button."""

import asyncio
import itertools
import time
from collections import Counter
from datetime import timedelta

from sqlalchemy import insert, select, update

from bot.dispatcher import shop_policy
from models.base import utcnow
from models.broadcasts import Broadcast, BroadcastDelivery
from models.members import Member, TelegramUser
from sandbox.emulator import SimUser
from sandbox.limits import TelegramLimits
from services.staff import roles
from tests.conftest import OWNER_ID, BotEnv, unique
from tests.texts import ANY, says, shown, t

SCALE = 10
# In one process on SQLite; PostgreSQL with two task-queue worker processes: test_broadcast_workers.py
# (claims racing on both databases: test_broadcast_service.py).
BOT_DATABASES = ("sqlite",)
BOT_SETTINGS = {
    "broadcast_time_scale": SCALE, "broadcast_lease_seconds": 3.0, "broadcast_progress_seconds": 5.0,
    "broadcast_batch": 100, "broadcast_concurrency": 16,
}
_ids = itertools.count(60_000_000)


def limits(bot_env: BotEnv, server_error_every: int = 0) -> TelegramLimits:
    """Telegram's limits, SCALE times faster; short bursts to one chat are tolerated (the dialog's answers)."""
    bot_env.emulator.limits = TelegramLimits(global_rate=30, chat_rate=1, chat_burst=10, time_scale=SCALE,
                                             server_error_every=server_error_every)
    return bot_env.emulator.limits


async def recipients(bot_env: BotEnv, count: int, tier: str = "normal", blocked: int = 0, no_chat: int = 0) -> list[SimUser]:
    """`count` opted-in members with chats (the first `blocked` have blocked the bot without the bot
    hearing of it; the next `no_chat` never opened a chat), inserted in one statement."""
    users = [bot_env.emulator.user(next(_ids), first_name="R", language_code="en") for _ in range(count)]
    for n, user in enumerate(users):
        user.has_chat = n >= blocked + no_chat or n < blocked
        user.blocked = n < blocked
    rows = [dict(username_key=unique("b"), marketing_opt_in=True, telegram_id=user.id, tier=tier, points_available=0,
                 points_frozen=0, status="active", created_at=utcnow() - timedelta(days=40)) for user in users]
    async with bot_env.database.session(write=True) as session:
        await session.execute(insert(Member.__table__), rows)
        await session.execute(insert(TelegramUser.__table__), [
            dict(id=user.id, client_language="en", created_at=utcnow()) for user in users])
        await session.commit()
    return users


async def admin(bot_env: BotEnv) -> SimUser:
    """A new admin (granted by the owner), so each test reads its own chat."""
    user = bot_env.new_user(language_code="en", first_name="Admin")
    user.open_chat()
    await roles.grant(bot_env.uow(), shop_policy(bot_env.settings), OWNER_ID, user.id, roles.Role.admin)
    return user


async def compose(owner: SimUser, text: str, segment: str) -> SimUser:
    """The dialog up to the confirm screen: text, no button, no coupon, a typed segment."""
    await owner.send("/broadcast")
    assert shown("broadcast-ask-content", "en") in (await owner.expect_message()).text
    await owner.send(text)
    await owner.press(await owner.expect_message(), t("broadcast-btn-skip", "en"))
    await owner.press(await owner.expect_message(), t("broadcast-btn-no-coupon", "en"))
    await owner.send(segment)
    await owner.wait_for(lambda: says(owner.last_message.text, "broadcast-confirm", "en", segment=ANY, size=ANY))
    return owner


async def status_of(bot_env: BotEnv, broadcast_id: int) -> str:
    return await bot_env.probe.scalar(select(Broadcast.status).where(Broadcast.id == broadcast_id))


async def wait_status(bot_env: BotEnv, broadcast_id: int, *statuses: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while await status_of(bot_env, broadcast_id) not in statuses:
        assert time.monotonic() < deadline, f"broadcast {broadcast_id} is still {await status_of(bot_env, broadcast_id)}"
        await asyncio.sleep(0.1)


async def delivery_counts(bot_env: BotEnv, broadcast_id: int) -> Counter:
    rows = await bot_env.probe.scalars(select(BroadcastDelivery.status).where(BroadcastDelivery.broadcast_id == broadcast_id))
    return Counter(rows)


async def settled(bot_env: BotEnv, broadcast_id: int) -> Counter:
    """The delivery counts once they stop changing (sends under way have ended)."""
    before = await delivery_counts(bot_env, broadcast_id)
    for _ in range(30):
        await asyncio.sleep(0.3)
        now = await delivery_counts(bot_env, broadcast_id)
        if now == before:
            return now
        before = now
    raise AssertionError(f"broadcast {broadcast_id} did not stop: {before}")


def bot_mistakes(bot_env: BotEnv) -> list[str]:
    """Calls Telegram refused other than sends to members who blocked the bot or never started it
    (only Telegram can tell those; the bot marks them and goes on). Clears the record."""
    expected = ("bot was blocked by the user", "chat not found")
    found = [f"{r.method}: {r.error}" for r in bot_env.emulator.errors if not any(e in (r.error or "") for e in expected)]
    bot_env.emulator.clear_errors()
    return found


def received(users: list[SimUser], marker: str) -> Counter:
    """How many copies of the broadcast (by its marker text) each user got."""
    return Counter({user.id: sum(marker in (m.text or "") for m in user.messages) for user in users})


async def start(owner: SimUser, bot_env: BotEnv) -> tuple[int, object]:
    confirm = owner.last_message
    shown_before = len(owner.messages)
    await owner.press(confirm, t("broadcast-btn-start", "en"))
    await owner.wait_for(lambda: len(owner.messages) > shown_before)
    progress = owner.messages[shown_before]
    assert "#" in progress.text and progress.inline_buttons
    broadcast_id = await bot_env.probe.scalar(select(Broadcast.id).order_by(Broadcast.id.desc()).limit(1))
    return broadcast_id, progress


async def test_two_thousand_recipients_all_accounted_for_none_twice_never_over_the_rate(bot_env: BotEnv) -> None:
    owner = await admin(bot_env)
    users = await recipients(bot_env, 2000, blocked=30, no_chat=10)
    marker = unique("sale")
    await compose(owner, f"<b>{marker}</b> today only", "all")
    caps = limits(bot_env, server_error_every=97)
    bot_env.emulator.inject_error("sendMessage", chat_id=users[100].id, error_code=429, retry_after=1, times=2)
    assert says(owner.messages[-3].text, "broadcast-preview-above", "en")
    since = time.monotonic()
    broadcast_id, progress = await start(owner, bot_env)
    await wait_status(bot_env, broadcast_id, "done")
    counts = await delivery_counts(bot_env, broadcast_id)
    assert counts["sent"] + counts["blocked"] + counts["failed"] == 2000 and counts["unknown"] == 0
    assert (counts["sent"], counts["blocked"], counts["failed"]) == (1960, 40, 0)
    copies = received(users, marker)
    assert max(copies.values()) == 1 and sum(copies.values()) == 1960
    assert caps.busiest_second(since) <= 30 * SCALE and caps.refused_global == 0
    assert caps.server_errors > 0  # retried: nobody failed
    unreachable = await bot_env.probe.scalar(
        select(Member.id).where(Member.telegram_id == users[0].id, Member.unreachable_at.is_not(None)))
    assert unreachable is not None
    await owner.wait_for(lambda: "Final report" in (progress.text or ""))
    assert says(progress.text, "broadcast-progress", "en", id=broadcast_id, status=t("broadcast-status-done", "en"),
                total=2000, sent=1960, failed=0, blocked=40, unknown=0, left=0, rate=ANY, eta="—")
    bot_env.emulator.limits = None
    assert not bot_mistakes(bot_env)




async def test_stopping_the_sender_mid_broadcast_then_restarting_sends_nobody_twice(bot_env: BotEnv) -> None:
    owner = await admin(bot_env)
    users = await recipients(bot_env, 400, tier="silver")
    marker = unique("restart")
    await compose(owner, f"{marker}", "tier silver")
    limits(bot_env)
    broadcast_id, _ = await start(owner, bot_env)
    while (await delivery_counts(bot_env, broadcast_id))["sent"] < 100:
        await asyncio.sleep(0.05)
    await bot_env.app.broadcasts.stop()  # the in-process sender is cancelled mid-batch
    stopped = await delivery_counts(bot_env, broadcast_id)
    assert stopped["pending"] > 0 and stopped["sending"] <= BOT_SETTINGS["broadcast_concurrency"]
    await bot_env.restart()
    await wait_status(bot_env, broadcast_id, "done")
    counts = await delivery_counts(bot_env, broadcast_id)
    copies = received(users, marker)
    assert max(copies.values()) == 1
    assert counts["sent"] + counts["unknown"] == 400 and counts["unknown"] == stopped["sending"]
    assert sum(copies.values()) >= counts["sent"]  # an unknown row may or may not have arrived, never twice
    bot_env.emulator.limits = None
    assert not bot_mistakes(bot_env)


async def test_html_telegram_would_refuse_is_refused_at_compose_time_with_the_reason(bot_env: BotEnv) -> None:
    owner = await admin(bot_env)
    await owner.send("/broadcast")
    await owner.expect_message()
    await owner.send("Big <div>sale</div>")
    assert says((await owner.expect_message()).text, "error-html-tag", "en", tag="div")
    await owner.send("Fish & chips")
    assert says((await owner.expect_message()).text, "error-html-amp", "en", at=6)
    await owner.send("Fish &amp; <i>chips</i>")  # the dialog goes on
    assert shown("broadcast-ask-button", "en") in (await owner.expect_message()).text
    await owner.send("Shop | javascript:alert(1)")
    assert says((await owner.expect_message()).text, "error-broadcast-button-url", "en")
    await owner.press(owner.last_message, t("btn-cancel", "en"))
    assert not bot_mistakes(bot_env)


async def test_pause_resume_cancel_from_the_progress_message(bot_env: BotEnv) -> None:
    owner = await admin(bot_env)
    users = await recipients(bot_env, 1500, tier="gold")
    marker = unique("pause")
    await compose(owner, marker, "tier gold")
    limits(bot_env)
    broadcast_id, progress = await start(owner, bot_env)
    assert await owner.press(progress, t("broadcast-btn-pause", "en")) == t("broadcast-done-pause", "en")
    assert says(progress.text, "broadcast-progress", "en", id=broadcast_id, status=t("broadcast-status-paused", "en"),
                total=1500, sent=ANY, failed=0, blocked=0, unknown=0, left=ANY, rate=ANY, eta=ANY)
    paused = await settled(bot_env, broadcast_id)  # the sends already under way end
    await asyncio.sleep(0.5)
    assert await delivery_counts(bot_env, broadcast_id) == paused and paused["pending"] > 0
    assert await owner.press(progress, t("broadcast-btn-resume", "en")) == t("broadcast-done-resume", "en")
    while (await delivery_counts(bot_env, broadcast_id))["sent"] <= paused["sent"] + 50:
        await asyncio.sleep(0.05)
    assert await owner.press(progress, t("broadcast-btn-cancel", "en")) == t("broadcast-done-cancel", "en")
    assert "Final report" in progress.text and not progress.inline_buttons
    await asyncio.sleep(0.5)
    cancelled = await delivery_counts(bot_env, broadcast_id)
    assert cancelled["pending"] > 0 and max(received(users, marker).values()) == 1
    assert await status_of(bot_env, broadcast_id) == "cancelled"
    bot_env.emulator.limits = None
    assert not bot_mistakes(bot_env)


async def test_the_unsubscribe_button_works_at_once_and_keeps_the_message(bot_env: BotEnv) -> None:
    owner = await admin(bot_env)
    [member] = await recipients(bot_env, 1, tier="diamond")
    marker = unique("unsub")
    await compose(owner, marker, "tier diamond")
    broadcast_id, _ = await start(owner, bot_env)
    await wait_status(bot_env, broadcast_id, "done")
    message = member.last_message
    assert marker in message.text
    before = (message.text, message.edit_count)
    assert await member.press(message, t("broadcast-btn-unsubscribe", "en")) == t("broadcast-unsubscribed", "en")
    assert (message.text, message.edit_count) == before
    assert not await bot_env.probe.scalar(select(Member.marketing_opt_in).where(Member.telegram_id == member.id))
    assert await member.press(message, t("broadcast-btn-unsubscribe", "en")) == t("broadcast-already-unsubscribed", "en")
    assert not bot_mistakes(bot_env)


async def test_a_photo_with_a_button_and_a_coupon_for_each_recipient_while_stock_lasts(bot_env: BotEnv) -> None:
    from services import coupons
    from services.coupons import CampaignSpec
    from tests.test_emulator import png

    name = unique("券")
    await coupons.create_campaign(bot_env.uow(), CampaignSpec(
        code=unique("c"), name_zh=name, name_en=name, kind="amount_off", amount_off=500, valid_days=7,
        stock=3, channel="staff"))
    owner = await admin(bot_env)
    users = await recipients(bot_env, 5, tier="silver", no_chat=0)
    await bot_env.probe.write(update(Member).where(Member.tier == "silver", Member.telegram_id.not_in([u.id for u in users]))
                              .values(tier="normal"))
    marker = unique("photo")
    await owner.send("/broadcast")
    await owner.expect_message()
    await owner.send_photo(png(), caption=f"<i>{marker}</i>")
    assert shown("broadcast-ask-button", "en") in (await owner.expect_message()).text
    await owner.send("Shop now | https://shop.example/sale")
    await owner.press(await owner.expect_message(), name)
    await owner.send("tier silver")
    await owner.wait_for(lambda: says(owner.last_message.text, "broadcast-confirm", "en", segment=ANY, size=5))
    preview = owner.messages[-2]
    assert preview.kind == "photo" and marker in preview.text and "PREVIEW" in preview.text
    broadcast_id, _ = await start(owner, bot_env)
    await wait_status(bot_env, broadcast_id, "done")
    got = [user.last_message for user in users]
    assert all(m.kind == "photo" and marker in m.text for m in got)
    assert [b["text"] for row in got[0].inline_buttons for b in row] == ["Shop now", t("broadcast-btn-unsubscribe", "en")]
    with_coupon = [m for m in got if says(m.text, "broadcast-coupon-line", "en", code=ANY)]
    assert len(with_coupon) == 3  # the stock
    issued = await bot_env.probe.scalars(select(BroadcastDelivery.coupon_id).where(
        BroadcastDelivery.broadcast_id == broadcast_id, BroadcastDelivery.coupon_id.is_not(None)))
    assert len(set(issued)) == 3
    assert not bot_mistakes(bot_env)


async def test_a_member_who_blocks_the_bot_is_unreachable_until_they_come_back(bot_env: BotEnv) -> None:
    [member] = await recipients(bot_env, 1, tier="diamond")

    async def unreachable() -> bool:
        return await bot_env.probe.scalar(
            select(Member.unreachable_at.is_not(None)).where(Member.telegram_id == member.id))

    member.block()  # Telegram tells the bot with a my_chat_member update
    deadline = time.monotonic() + 5
    while not await unreachable():
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)
    await member.send("/start")  # pressing Start again unblocks
    await member.expect_message()
    deadline = time.monotonic() + 5
    while await unreachable():
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)
    assert not bot_mistakes(bot_env)
