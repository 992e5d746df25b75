"""/admin → catalog and orders through the fake Telegram, per role: an admin adds and edits a product (members
see it in /shop); an operator ships and delivers (the member is told); an admin refunds part of an order and
then the rest, once per confirmation; a large refund waits for a second admin; an operator cannot refund or
touch the catalog, a member cannot reach any of it (forged buttons included), and nothing changes."""

import io

from PIL import Image
from sqlalchemy import func, select

from bot import scheduler
from bot.callbacks import CatalogAction, CatalogCb, StaffOrderAction, StaffOrderCb
from bot.dispatcher import shop_policy
from models.aftersale import Refund
from models.approvals import ApprovalRequest
from models.orders import Order, Product
from models.staff import AuditRecord
from sandbox.emulator import SimUser
from services import orders
from services.staff import roles
from services.staff.roles import Role
from tests.conftest import OWNER_ID, BotEnv
from tests.test_aftersale_e2e import paid_order
from tests.test_e2e_registration import press_data
from tests.test_orders_e2e import balances
from tests.texts import ANY, says, shown, t

BOT_SETTINGS = {"background_jobs": False, "payment_provider_token": "test-provider",
                "approval_refund_threshold": 10_000}


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "teal").save(buffer, format="PNG")
    return buffer.getvalue()


async def staff_user(bot_env: BotEnv, role: Role) -> SimUser:
    person = bot_env.new_user()
    await person.send("/start")
    await person.expect_message()
    await roles.grant(bot_env.uow(), shop_policy(bot_env.settings), OWNER_ID, person.id, role)
    return person


async def section(person: SimUser, button: str):
    await person.send("/admin")
    menu = await person.expect_message()
    await person.press(menu, t(button))
    return menu


async def actions(bot_env: BotEnv, target_type: str, target_id: int) -> list[str]:
    rows = await bot_env.probe.rows(select(AuditRecord.action).where(
        AuditRecord.target_type == target_type, AuditRecord.target_id == str(target_id)).order_by(AuditRecord.id))
    return [row[0] for row in rows]


def member_of(detail) -> str:
    return detail.text.split(" M", 1)[1][:6]


async def newest_product(bot_env: BotEnv) -> int:
    return await bot_env.probe.scalar(select(func.max(Product.id)))


async def order_screen(person: SimUser, order_id: int):
    """/admin → Orders → Find an order → its number: the detail (a new message)."""
    listing = await section(person, "admin-btn-orders")
    await person.press(listing, t("admin-btn-order-find"))
    await person.send("order twelve")
    assert shown("error-admin-order-number") in (await person.expect_message()).text  # told, asked again
    await person.send(orders.order_number(order_id))
    detail = await person.expect_message()
    assert orders.order_number(order_id) in detail.text and f"M{member_of(detail)}" in detail.text
    return detail


async def test_an_admin_adds_a_product_with_a_photo_and_edits_it_and_members_see_it(
    bot_env: BotEnv, member: SimUser,
) -> None:
    admin = await staff_user(bot_env, Role.admin)
    screen = await section(admin, "admin-btn-catalog")
    await admin.press(screen, t("admin-btn-product-new"))
    assert shown("admin-product-ask-name-zh") in screen.text
    await admin.send("乌龙茶 <b>")
    await admin.expect_message()
    await admin.send("Oolong tea")
    assert shown("admin-product-ask-price", currency="CNY") in (await admin.expect_message()).text
    await admin.send("12.505")
    assert shown("error-admin-product-price") in (await admin.expect_message()).text
    await admin.send("12.50")
    await admin.expect_message()
    await admin.send("lots")
    assert shown("error-admin-product-stock", max=1_000_000) in (await admin.expect_message()).text
    await admin.send("5")
    await admin.expect_message()
    await admin.send("tea")
    sku = await admin.expect_message()
    await admin.press(sku, t("btn-skip"))
    assert shown("admin-product-ask-photo") in sku.text
    await admin.send("a photo, honest")
    assert shown("admin-product-photo-expected") in (await admin.expect_message()).text
    await admin.send_document(png(), "tea.png")  # a file is not a photo: asked again, the dialog goes on
    assert shown("admin-product-photo-expected") in (await admin.expect_message()).text
    sent = await admin.send_photo(png())
    card = await admin.expect_message()
    assert shown("admin-product-created") in card.text and "乌龙茶 <b>" in card.text
    (product_id, price, stock, photo), = await bot_env.probe.rows(
        select(Product.id, Product.price, Product.stock, Product.photo).where(Product.name_en == "Oolong tea"))
    assert (price, stock, photo) == (1_250, 5, sent["photo"][-1]["file_id"])
    for field, typed in (("price", "9.90"), ("stock", "7")):
        await admin.press(card, t(f"admin-product-field-{field}"))
        await admin.send(typed)
        card = await admin.expect_message()
        assert shown("admin-product-saved") in card.text
    assert await bot_env.probe.rows(select(Product.price, Product.stock).where(Product.id == product_id)) \
        == [(990, 7)]
    assert await actions(bot_env, "product", product_id) == ["product.add", "product.edit", "product.edit"]
    await member.send("/shop")
    shop = await member.expect_message()
    assert shown("shop-line", name="乌龙茶 <b>", price="¥9.90", stock=t("shop-stock", count=7)) in shop.text
    await admin.press(card, t("admin-btn-product-off"))  # off the shelf: gone from /shop
    await member.send("/shop")
    assert "乌龙茶" not in (await member.expect_message()).text


async def test_an_operator_ships_and_delivers_and_cannot_refund_or_edit_the_catalog(
    bot_env: BotEnv, member: SimUser,
) -> None:
    order_id = await paid_order(bot_env, member, 3_000)
    product_id = await newest_product(bot_env)
    operator = await staff_user(bot_env, Role.operator)
    menu = await section(operator, "admin-btn-orders")
    assert t("admin-btn-catalog") not in str(menu.inline_buttons)
    await operator.press(menu, next(b["text"] for row in menu.inline_buttons for b in row
                                    if b["text"].startswith(orders.order_number(order_id))))
    assert t("admin-btn-order-refund") not in str(menu.inline_buttons)
    await operator.press(menu, t("admin-btn-order-ship"))
    await operator.send("SF1234567")
    detail = await operator.expect_message()
    assert shown("admin-order-moved", status=t("order-status-shipped")) in detail.text
    await operator.press(detail, t("admin-btn-order-deliver"))
    assert shown("admin-order-moved", status=t("order-status-delivered")) in detail.text
    (status, tracking), = await bot_env.probe.rows(select(Order.status, Order.tracking).where(Order.id == order_id))
    assert (status, tracking) == ("delivered", "SF1234567")
    assert await actions(bot_env, "order", order_id) == ["order.shipped", "order.delivered"]
    policy = shop_policy(bot_env.settings)
    assert await scheduler.announce_order_changes(bot_env.app.bot, bot_env.database, policy, "zh") >= 2
    told = [(await member.expect_message()).text for _ in range(2)]
    assert told == [shown("order-status-changed", number=orders.order_number(order_id), status=t(f"order-status-{s}"))
                    for s in ("shipped", "delivered")]
    # Forged admin buttons: the stale-button answer, nothing changes.
    for data in (StaffOrderCb(action=StaffOrderAction.refund, id=order_id),
                 StaffOrderCb(action=StaffOrderAction.full, id=order_id),
                 StaffOrderCb(action=StaffOrderAction.confirm, id=order_id),
                 CatalogCb(action=CatalogAction.list), CatalogCb(action=CatalogAction.toggle, id=product_id, field="0")):
        assert await press_data(bot_env, operator, detail, data.pack()) == t("button-expired")
    assert await bot_env.probe.scalar(select(func.count()).select_from(Refund).where(Refund.order_id == order_id)) == 0
    assert await bot_env.probe.scalar(select(Product.active).where(Product.id == product_id)) is True
    # The same order moved twice: the second press is refused with a reason.
    toast = await press_data(bot_env, operator, detail,
                             StaffOrderCb(action=StaffOrderAction.deliver, id=order_id).pack())
    assert toast == t("error-order-illegal-transition")


async def test_an_admin_refunds_part_then_the_rest_once_per_confirmation(bot_env: BotEnv, member: SimUser) -> None:
    before = await balances(bot_env, member.member_id)
    order_id = await paid_order(bot_env, member, 5_000, 3_000)
    assert (await balances(bot_env, member.member_id))[1] > before[1]  # points earned, frozen
    admin = await staff_user(bot_env, Role.admin)
    detail = await order_screen(admin, order_id)
    await admin.press(detail, t("admin-btn-order-refund"))
    await admin.press(detail, t("admin-btn-refund-pick"))
    assert await admin.press(detail, t("admin-btn-refund-review")) == t("admin-refund-none-chosen")
    line = next(b["text"] for row in detail.inline_buttons for b in row if b["text"].endswith("0/1"))
    await admin.press(detail, line)
    await admin.press(detail, t("admin-btn-refund-review"))
    assert says(detail.text, "admin-refund-confirm", number=orders.order_number(order_id), amount=ANY,
                scope=t("admin-refund-scope-part"))
    await admin.press(detail, t("btn-confirm"))
    assert says(detail.text.split("\n")[0], "admin-refund-done", amount=ANY)
    confirm = StaffOrderCb(action=StaffOrderAction.confirm, id=order_id).pack()
    assert await press_data(bot_env, admin, detail, confirm) == t("button-expired")  # a double tap: once
    (first,) = await bot_env.probe.rows(select(Refund.amount, Refund.full).where(Refund.order_id == order_id))
    assert first[1] is False and first[0] in (3_000, 5_000)
    assert await bot_env.probe.scalar(select(Order.status).where(Order.id == order_id)) == "partially_refunded"
    await admin.press(detail, t("admin-btn-order-refund"))
    await admin.press(detail, t("admin-btn-refund-full"))
    assert says(detail.text, "admin-refund-confirm", number=ANY, amount=f"¥{(8_000 - first[0]) / 100:,.2f}",
                scope=t("admin-refund-scope-full"))
    await admin.press(detail, t("btn-confirm"))
    amounts = await bot_env.probe.rows(select(Refund.amount).where(Refund.order_id == order_id).order_by(Refund.id))
    assert sum(row[0] for row in amounts) == 8_000 and len(amounts) == 2
    assert await bot_env.probe.scalar(select(Order.status).where(Order.id == order_id)) == "refunded"
    assert await balances(bot_env, member.member_id) == before  # earned points all taken back
    assert await actions(bot_env, "order", order_id) == ["order.refund", "order.refund"]
    assert t("admin-btn-order-refund") not in str(detail.inline_buttons)


async def test_a_refund_above_the_threshold_waits_for_a_second_admin(bot_env: BotEnv, member: SimUser) -> None:
    order_id = await paid_order(bot_env, member, 12_000)
    first, second = await staff_user(bot_env, Role.admin), await staff_user(bot_env, Role.admin)
    detail = await order_screen(first, order_id)
    await first.press(detail, t("admin-btn-order-refund"))
    await first.press(detail, t("admin-btn-refund-full"))
    await first.press(detail, t("btn-confirm"))
    assert says(detail.text.split("\n")[0], "admin-refund-awaiting", id=ANY, amount="¥120.00")
    assert await bot_env.probe.scalar(select(func.count()).select_from(Refund).where(Refund.order_id == order_id)) == 0
    request_id = await bot_env.probe.scalar(select(func.max(ApprovalRequest.id))
                                            .where(ApprovalRequest.kind == "order.refund_direct"))
    asked = await second.expect_message()
    assert shown("admin-approval-new") in asked.text
    await second.press(asked, t("admin-btn-approve", id=str(request_id)))
    assert shown("admin-approval-approved", id=str(request_id)) in asked.text
    assert await bot_env.probe.rows(select(Refund.amount, Refund.full).where(Refund.order_id == order_id)) \
        == [(12_000, True)]
    assert await bot_env.probe.scalar(select(Order.status).where(Order.id == order_id)) == "refunded"
    assert "order.refund" in await actions(bot_env, "order", order_id)


async def test_a_member_cannot_reach_the_catalog_or_orders(bot_env: BotEnv, member: SimUser) -> None:
    order_id = await paid_order(bot_env, member, 2_000)
    product_id = await newest_product(bot_env)
    await member.send("/admin")
    reply = await member.expect_message()
    assert shown("unknown-command") in reply.text
    for data in (StaffOrderCb(action=StaffOrderAction.show, id=order_id),
                 StaffOrderCb(action=StaffOrderAction.ship_now, id=order_id),
                 StaffOrderCb(action=StaffOrderAction.confirm, id=order_id),
                 CatalogCb(action=CatalogAction.new), CatalogCb(action=CatalogAction.toggle, id=product_id, field="0")):
        assert await press_data(bot_env, member, reply, data.pack()) == t("button-expired")
    assert await bot_env.probe.scalar(select(Order.status).where(Order.id == order_id)) == "paid"
    assert await bot_env.probe.scalar(select(Product.active).where(Product.id == product_id)) is True
