"""Telegram Stars: CURRENCY=XTR needs no provider token; one price in whole stars; points at 100 per star."""

from sqlalchemy import select

from models.orders import Payment
from sandbox.emulator import SimUser
from tests.conftest import BotEnv
from tests.test_orders_e2e import balances, give_points, product
from tests.texts import ANY, says, t

BOT_SETTINGS = {"background_jobs": False, "currency": "XTR", "payment_provider_token": None}
BOT_DATABASES = ("sqlite",)  # what differs here is the invoice, not the database


async def test_pay_in_stars_with_points(bot_env: BotEnv, member: SimUser) -> None:
    product_id, name = await product(bot_env, price=50, stock=2)
    await give_points(bot_env, member.member_id, 1_050)
    await member.send("/shop")
    catalog = await member.expect_message()
    assert says(catalog.text, "shop-line", name=name, price="50 ⭐", stock=ANY)
    await member.press(catalog, name)
    await member.press(catalog, t("shop-btn-add"))
    await member.press(catalog, t("shop-btn-cart-plain"))
    await member.press(catalog, t("cart-btn-checkout"))
    await member.press(catalog, t("checkout-btn-max-points", points=1_000, amount="10 ⭐"))
    await member.press(catalog, t("checkout-btn-pay", amount="40 ⭐"))
    invoice = await member.expect_message()
    assert invoice.invoice["currency"] == "XTR" and invoice.invoice["total_amount"] == 40
    assert not invoice.invoice.get("provider_token") and len(invoice.invoice["prices"]) == 1
    assert (await member.pay(invoice))["ok"]
    assert says((await member.expect_message()).text, "order-paid", number=ANY, points=0)
    assert await balances(bot_env, member.member_id) == (50, 0)  # 1,050 less the 1,000 spent; 40 stars earn 0
    assert await bot_env.probe.scalar(select(Payment.currency).where(Payment.total_amount == 40)) == "XTR"
