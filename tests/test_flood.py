"""Flood control: a member who sends 30 messages at once is told once; another member is not slowed."""

import asyncio
import statistics
import time

from bot.dispatcher import shop_policy
from sandbox.emulator import SimUser
from services import orders
from services.orders import ProductSpec
from tests.conftest import BotEnv
from tests.texts import ANY, says, shown, t

BURST = 5
BOT_SETTINGS = {"flood_burst": BURST, "flood_rate": 1.0, "payment_provider_token": "test-provider"}
BOT_DATABASES = ("sqlite",)  # flood control runs before any database work


async def latencies(user: SimUser, count: int) -> list[float]:
    results = []
    for _ in range(count):
        started = time.perf_counter()
        await user.send("/help")
        await user.expect_message()
        results.append(time.perf_counter() - started)
        await asyncio.sleep(1.0)  # a person's pace: within the limit
    return results


async def test_thirty_messages_at_once_get_one_notice_and_the_rest_is_dropped(bot_env: BotEnv, member: SimUser) -> None:
    flooder = bot_env.new_user()
    before = await latencies(member, 5)
    for i in range(30):
        await flooder.send(f"/help {i}")
    during = await latencies(member, 5)
    texts = [message.text for message in flooder.messages]
    assert texts.count(shown("flood-slow-down")) == 1, texts
    answered = [text for text in texts if text == shown("help")]
    assert BURST <= len(answered) <= BURST + 4, texts  # the burst, plus what refilled meanwhile
    assert len(flooder.messages) == len(answered) + 1  # nothing else: the excess is dropped
    # The other member was never throttled and stays quick (a loose bound: the machine is shared).
    assert all(message.text == shown("help") for message in member.messages)
    assert statistics.median(during) <= 3 * statistics.median(before) + 0.5, (before, during)


async def test_a_dropped_button_press_is_still_answered(bot_env: BotEnv, member: SimUser) -> None:
    await member.send("/start")
    home = await member.expect_message()
    await asyncio.sleep(BURST)  # a full bucket
    presses = (member.press(home, t("btn-checkin")) for _ in range(BURST + 3))  # a toast each, no edit
    toasts = await asyncio.gather(*presses)
    assert toasts.count(shown("flood-slow-down")) == 1  # every press answered, one of them with the notice


async def test_a_payment_is_never_dropped_by_flood_control(bot_env: BotEnv, member: SimUser) -> None:
    """A member who floods the bot and then pays: the pre-checkout is answered and the payment recorded."""
    policy = shop_policy(bot_env.settings)
    product_id = await orders.add_product(bot_env.uow(), ProductSpec("茶", "Tea", 1_000, 5))
    await orders.add_to_cart(bot_env.uow(), member.member_id, product_id)
    order = await orders.place_order(bot_env.uow(), member.member_id, policy.orders, policy.currency)
    await asyncio.sleep(BURST)  # a full bucket for the steps to the invoice
    await member.send("/orders")
    listing = await member.expect_message()
    await member.press(listing, f"{order.number} · {t('order-status-pending_payment')}")
    await member.press(listing, t("orders-btn-pay"))
    invoice = await member.expect_message()
    for i in range(30):
        await member.send(f"/help {i}")
    paid = await member.pay(invoice)
    assert paid["ok"], paid
    await member.wait_for(lambda: any(says(m.text, "order-paid", number=order.number, points=ANY)
                                      for m in member.messages))
