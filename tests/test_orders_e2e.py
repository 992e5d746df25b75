"""Orders through the fake Telegram: browse, cart, checkout with coupon and points, invoice, pre-checkout,
payment (delivered twice), order detail, cancel, forged buttons and payloads, status notices."""

import dataclasses
import io

from PIL import Image
from sqlalchemy import func, select, update

from bot import scheduler
from bot.callbacks import CheckoutAction, CheckoutCb, OrderAction, OrderCb
from bot.dispatcher import shop_policy
from models.coupons import Coupon
from models.members import Member
from models.orders import Order, Payment, Product
from sandbox.emulator import SimUser
from services import coupons, orders, points
from services.coupons import CampaignSpec
from services.orders import ProductSpec
from tests.conftest import OWNER_ID, BotEnv, unique
from tests.test_e2e_registration import press_data
from tests.texts import ANY, says, shown, t

BOT_SETTINGS = {"background_jobs": False, "payment_provider_token": "test-provider", "shop_page_size": 20,
                "referral_points": 50}


async def product(bot_env: BotEnv, price: int = 12_000, stock: int = 5, photo: str | None = None) -> tuple[int, str]:
    name = unique("商品")
    spec = ProductSpec(name, name, price, stock, "好东西", "Good stuff", photo=photo)
    return await orders.add_product(bot_env.uow(), spec), name


async def coupon_for(bot_env: BotEnv, member_id: int, min_spend: int = 10_000) -> int:
    spec = CampaignSpec(code=unique("c"), name_zh="满100减10", name_en="10 off 100", kind="amount_off",
                        amount_off=1_000, min_spend=min_spend, valid_days=30, channel="staff")
    campaign_id = await coupons.create_campaign(bot_env.uow(), spec)
    return (await coupons.issue(bot_env.uow(), campaign_id, member_id)).id


async def give_points(bot_env: BotEnv, member_id: int, amount: int) -> None:
    await points.adjust(bot_env.uow(), member_id, amount, unique("seed"), reason="seed", tz=bot_env.settings.tz)


async def other_member(bot_env: BotEnv) -> int:
    other = bot_env.new_user()
    return await bot_env.make_member(other)


async def balances(bot_env: BotEnv, member_id: int) -> tuple[int, int]:
    (row,) = await bot_env.probe.rows(select(Member.points_available, Member.points_frozen).where(Member.id == member_id))
    return tuple(row)


async def stock(bot_env: BotEnv, product_id: int) -> int:
    return await bot_env.probe.scalar(select(Product.stock).where(Product.id == product_id))


async def coupon_status(bot_env: BotEnv, coupon_id: int) -> str:
    return await bot_env.probe.scalar(select(Coupon.status).where(Coupon.id == coupon_id))


async def to_invoice(bot_env: BotEnv, member: SimUser, product_id: int, amount: str):
    """One of the product in the cart, then checkout without coupon or points (paying `amount`): the invoice."""
    await orders.add_to_cart(bot_env.uow(), member.member_id, product_id)
    await member.send("/cart")
    cart = await member.expect_message()
    await member.press(cart, t("cart-btn-checkout"))
    if t("checkout-btn-no-coupon") in str(cart.inline_buttons):
        await member.press(cart, t("checkout-btn-no-coupon"))
    await member.press(cart, t("checkout-btn-no-points"))
    await member.press(cart, t("checkout-btn-pay", amount=amount))
    assert says(cart.text, "order-placed", number=ANY, until=ANY)
    invoice = await member.expect_message()
    assert invoice.kind == "invoice"
    return invoice


async def test_browse_cart_checkout_with_coupon_and_points_then_pay_twice(bot_env: BotEnv, member: SimUser) -> None:
    product_id, name = await product(bot_env)
    coupon_id = await coupon_for(bot_env, member.member_id)
    await give_points(bot_env, member.member_id, 2_000)
    await member.send("/shop")
    catalog = await member.expect_message()
    assert says(catalog.text, "shop-line", name=name, price="¥120.00", stock=shown("shop-stock", count=5))
    await member.press(catalog, name)
    assert says(catalog.text, "shop-product", name=name, description=ANY, price="¥120.00", stock=ANY)
    assert await member.press(catalog, t("shop-btn-add")) == t("shop-added", count=1)
    assert await member.press(catalog, t("shop-btn-add")) == t("shop-added", count=2)
    await member.press(catalog, t("shop-btn-cart-plain"))
    assert says(catalog.text, "cart-total", total="¥240.00")
    await member.press(catalog, f"➖ {name}")
    assert says(catalog.text, "cart-total", total="¥120.00")
    await member.press(catalog, t("cart-btn-checkout"))
    assert shown("checkout-choose-coupon") in catalog.text
    await member.press(catalog, t("checkout-btn-coupon", name="满100减10", amount="¥10.00"))
    assert shown("checkout-choose-points", available=2_000, most=2_000) in catalog.text
    await member.press(catalog, t("checkout-btn-max-points", points=2_000, amount="¥20.00"))
    assert says(catalog.text, "checkout-total", amount="¥90.00")
    await member.press(catalog, t("checkout-btn-pay", amount="¥90.00"))
    invoice = await member.expect_message()
    assert invoice.invoice["total_amount"] == 9_000 and invoice.invoice["currency"] == "CNY"
    assert await stock(bot_env, product_id) == 4 and await coupon_status(bot_env, coupon_id) == "locked"
    assert await balances(bot_env, member.member_id) == (0, 0)
    paid = await member.pay(invoice, duplicate=True)
    assert paid["ok"], paid
    thanks = await member.expect_message()
    assert says(thanks.text, "order-paid", number=ANY, points=90)
    order_id = await bot_env.probe.scalar(select(Order.id).where(Order.member_id == member.member_id))
    charges = await bot_env.probe.scalar(select(func.count()).select_from(Payment).where(Payment.order_id == order_id))
    assert charges == 1 and await coupon_status(bot_env, coupon_id) == "used"
    await member.send("/ping")  # both payments were handled before this message
    await member.expect_message()
    assert [m.message_id for m in member.messages if says(m.text, "order-paid", number=ANY, points=ANY)] == [
        thanks.message_id]
    assert await balances(bot_env, member.member_id) == (0, 90)
    await member.send("/orders")
    listing = await member.expect_message()
    number = orders.order_number(order_id)
    assert says(listing.text, "orders-line", number=number, status=shown("order-status-paid"), total="¥90.00", date=ANY)
    await member.press(listing, f"{number} · {t('order-status-paid')}")
    for key, params in (("checkout-coupon-line", {"code": ANY, "amount": "¥10.00"}),
                        ("checkout-points-line", {"points": 2_000, "amount": "¥20.00"}),
                        ("orders-points-earned", {"points": 90}), ("orders-event", {"at": ANY, "status": "已付款"})):
        assert says(listing.text, key, **params), key
    assert await points.audit(bot_env.uow()) == []


async def test_typed_points_bad_input_gets_a_message_and_the_dialog_goes_on(bot_env: BotEnv, member: SimUser) -> None:
    product_id, _ = await product(bot_env, price=5_000)
    await give_points(bot_env, member.member_id, 5_000)
    await orders.add_to_cart(bot_env.uow(), member.member_id, product_id)
    await member.send("/cart")
    cart = await member.expect_message()
    await member.press(cart, t("cart-btn-checkout"))
    assert shown("checkout-no-coupons") in cart.text
    await member.press(cart, t("checkout-btn-type-points"))
    assert (await member.expect_message()).text == shown("checkout-type-points")
    await member.send("lots")
    assert (await member.expect_message()).text.startswith(shown("checkout-points-not-number"))
    await member.send("4000")
    assert (await member.expect_message()).text.startswith(shown("error-order-points-too-many", most=2_500))
    await member.send("1,000")
    final = await member.expect_message()
    assert says(final.text, "checkout-total", amount="¥40.00")
    assert says(final.text, "checkout-points-line", points=1_000, amount="¥10.00")
    forged = {  # a modified client: more points than allowed, a total below the real one, someone's coupon
        CheckoutCb(action=CheckoutAction.pay, points=4_000, total=1_000).pack(): t("error-order-points-too-many",
                                                                                 most=2_500),
        CheckoutCb(action=CheckoutAction.pay, points=1_000, total=1).pack(): t("error-order-total-changed"),
        CheckoutCb(action=CheckoutAction.pay, coupon=await coupon_for(bot_env, await other_member(bot_env), 0)).pack():
            t("error-coupon-not-usable"),
    }
    for data, toast in forged.items():
        assert await press_data(bot_env, member, final, data) == toast
    assert await bot_env.probe.scalar(select(func.count()).select_from(Order).where(
        Order.member_id == member.member_id)) == 0


async def test_pre_checkout_refuses_forged_changed_and_expired(bot_env: BotEnv, member: SimUser) -> None:
    product_id, _ = await product(bot_env, price=3_000)
    invoice = await to_invoice(bot_env, member, product_id, "¥30.00")
    forged = dataclasses.replace(invoice, invoice={**invoice.invoice, "payload": "o:1:" + "0" * 40})
    assert (await member.pay(forged))["error_message"] == t("error-payment-invalid")
    changed = dataclasses.replace(invoice, invoice={**invoice.invoice, "total_amount": 1})
    assert (await member.pay(changed))["error_message"] == t("error-payment-amount-changed")
    other = bot_env.new_user()
    await bot_env.make_member(other)
    assert (await other.pay(invoice))["error_message"] == t("error-payment-invalid")  # not the payer's order
    order_id = await bot_env.probe.scalar(select(func.max(Order.id)).where(Order.member_id == member.member_id))
    await bot_env.probe.write(update(Order).where(Order.id == order_id).values(expires_at=Order.created_at))
    assert (await member.pay(invoice))["error_message"] == t("error-payment-order-expired")
    assert await bot_env.probe.scalar(select(Order.status).where(Order.id == order_id)) == "pending_payment"


async def test_a_blocked_member_cannot_pay_but_a_payment_made_before_is_recorded(
    bot_env: BotEnv, member: SimUser,
) -> None:
    from services.staff import members as staff_members

    product_id, _ = await product(bot_env, price=2_000)
    first = await to_invoice(bot_env, member, product_id, "¥20.00")
    second = await to_invoice(bot_env, member, product_id, "¥20.00")
    policy = shop_policy(bot_env.settings)
    await staff_members.set_blocked(bot_env.uow(), policy, OWNER_ID, member.member_id, True)
    assert (await member.pay(first))["error_message"] == t("member-blocked")  # no money is taken
    charge = bot_env.emulator.record_payment(member.id, second.invoice)  # paid just before the block took effect
    member.deliver_payment(charge)
    await member.wait_for(lambda: any(says(m.text, "order-paid", number=ANY, points=ANY) for m in member.messages))
    paid = await bot_env.probe.scalar(select(func.count()).select_from(Payment).where(
        Payment.telegram_payment_charge_id == charge["telegram_payment_charge_id"]))
    assert paid == 1


async def test_cancel_gives_back_stock_coupon_and_points(bot_env: BotEnv, member: SimUser) -> None:
    product_id, name = await product(bot_env, price=20_000, stock=3)
    coupon_id = await coupon_for(bot_env, member.member_id)
    await give_points(bot_env, member.member_id, 1_000)
    await orders.add_to_cart(bot_env.uow(), member.member_id, product_id)
    order = await orders.place_order(bot_env.uow(), member.member_id, shop_policy(bot_env.settings).orders, "CNY",
                                     coupon_id=coupon_id, points=1_000)
    assert await stock(bot_env, product_id) == 2 and await balances(bot_env, member.member_id) == (0, 0)
    await member.send("/orders")
    listing = await member.expect_message()
    await member.press(listing, f"{order.number} · {t('order-status-pending_payment')}")
    await member.press(listing, t("orders-btn-pay"))  # the invoice again, for the same order
    again = await member.expect_message()
    assert again.kind == "invoice" and again.invoice["total_amount"] == order.total == 18_000
    await member.press(listing, t("orders-btn-cancel"))
    assert listing.text == shown("orders-cancel-confirm", number=order.number)
    assert await member.press(listing, t("orders-btn-confirm-cancel")) == t("orders-cancelled")
    assert says(listing.text, "orders-detail", number=order.number, status=shown("order-status-cancelled"))
    assert await stock(bot_env, product_id) == 3 and await balances(bot_env, member.member_id) == (1_000, 0)
    assert await coupon_status(bot_env, coupon_id) == "available"


async def test_forged_buttons_show_nothing_of_another_members_order(bot_env: BotEnv, member: SimUser) -> None:
    other = bot_env.new_user()
    await bot_env.make_member(other)
    product_id, _ = await product(bot_env)
    await orders.add_to_cart(bot_env.uow(), other.member_id, product_id)
    theirs = await orders.place_order(bot_env.uow(), other.member_id, shop_policy(bot_env.settings).orders, "CNY")
    await member.send("/orders")
    listing = await member.expect_message()
    for action in (OrderAction.show, OrderAction.confirm, OrderAction.pay):
        toast = await press_data(bot_env, member, listing, OrderCb(action=action, id=theirs.id).pack())
        assert toast == t("error-order-not-found"), action
    assert theirs.number not in listing.text
    assert await bot_env.probe.scalar(select(Order.status).where(Order.id == theirs.id)) == "pending_payment"


async def test_photo_card_and_status_notice(bot_env: BotEnv, member: SimUser) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "teal").save(buffer, format="PNG")
    stored = bot_env.emulator.files.add(buffer.getvalue(), "photo", "p.png", (64, 48))
    product_id, name = await product(bot_env, price=1_000, photo=stored.file_id)
    await member.send("/shop")
    catalog = await member.expect_message()
    await member.press(catalog, name)
    card = await member.expect_message()
    assert card.kind == "photo" and name in card.text
    invoice = await to_invoice(bot_env, member, product_id, "¥10.00")
    assert (await member.pay(invoice))["ok"]
    await member.expect_message()
    order_id = await bot_env.probe.scalar(select(func.max(Order.id)).where(Order.member_id == member.member_id))
    window = shop_policy(bot_env.settings).return_window
    await orders.ship(bot_env.uow(), order_id, "api", return_window=window, tracking="SF1234")
    policy = shop_policy(bot_env.settings)
    assert await scheduler.announce_order_changes(bot_env.app.bot, bot_env.database, policy, "zh") >= 1
    notice = await member.expect_message()
    assert notice.text == shown("order-status-changed", number=orders.order_number(order_id),
                                status=t("order-status-shipped"))


async def test_a_big_cart_with_long_names_stays_within_telegram_limits(bot_env: BotEnv, member: SimUser) -> None:
    """Last in this module: its 25 products push later ones off the first catalog page."""
    for _ in range(25):
        name = unique("长") + "名" * 89  # 100 characters, the most a name may have
        spec = ProductSpec(name, name, 100, 5, "说明" * 500, "text " * 200)
        product_id = await orders.add_product(bot_env.uow(), spec)
        await orders.add_to_cart(bot_env.uow(), member.member_id, product_id)
    await member.send("/cart")
    cart = await member.expect_message()
    assert says(cart.text, "cart-more", count=5) and says(cart.text, "cart-total", total="¥25.00")
    await member.press(cart, t("cart-btn-checkout"))
    await member.press(cart, t("checkout-btn-no-points"))
    assert says(cart.text, "cart-more", count=5) and says(cart.text, "checkout-total", amount="¥25.00")
    await member.press(cart, t("checkout-btn-pay", amount="¥25.00"))
    assert (await member.expect_message()).kind == "invoice"
    await member.press(cart, t("orders-btn-show"))
    assert says(cart.text, "cart-more", count=5)
    await member.send("/shop")
    catalog = await member.expect_message()
    assert len(catalog.text) < 4096
