"""After a payment, through the fake Telegram: a member asks for a refund of some items with text and a
photo, staff approve it in /returns (the refund runs, the member is told); a rejected request tells the
member why; a completed order is reviewed once for points; forged buttons change nothing."""

import io
from datetime import timedelta

from PIL import Image
from sqlalchemy import select

from bot.callbacks import AftersaleAction, AftersaleCb, StaffReturnAction, StaffReturnCb
from models.aftersale import Refund, ReturnRequest, ReturnRequestPhoto, Review
from models.orders import Order
from sandbox.emulator import SimUser
from services import orders
from tests.conftest import OWNER_ID, BotEnv
from tests.test_e2e_registration import press_data
from tests.test_orders_e2e import balances, product, to_invoice
from tests.texts import ANY, says, shown, t

BOT_SETTINGS = {"background_jobs": False, "payment_provider_token": "test-provider", "review_points": 25}


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 80, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


async def paid_order(bot_env: BotEnv, member: SimUser, *prices: int) -> int:
    """The member pays one order of one of each product (checkout through the chat)."""
    names = []
    for price in prices[1:]:
        product_id, name = await product(bot_env, price=price)
        await orders.add_to_cart(bot_env.uow(), member.member_id, product_id)
        names.append(name)
    product_id, _ = await product(bot_env, price=prices[0])
    total = sum(prices)
    invoice = await to_invoice(bot_env, member, product_id, f"¥{total / 100:,.2f}")
    assert (await member.pay(invoice))["ok"]
    assert says((await member.expect_message()).text, "order-paid", number=ANY, points=ANY)
    return await bot_env.probe.scalar(
        select(Order.id).where(Order.member_id == member.member_id).order_by(Order.id.desc()).limit(1))


async def open_detail(member: SimUser, order_id: int):
    await member.send("/orders")
    listing = await member.expect_message()
    number = orders.order_number(order_id)
    status = next(b["text"] for row in listing.inline_buttons for b in row if b["text"].startswith(number))
    await member.press(listing, status)
    return listing


def staff(bot_env: BotEnv) -> SimUser:
    owner = bot_env.emulator.user(user_id=OWNER_ID, first_name="Owner", language_code="en")
    owner.open_chat()
    return owner


async def test_a_partial_refund_request_is_approved_in_returns_and_the_member_is_told(
    bot_env: BotEnv, member: SimUser,
) -> None:
    order_id = await paid_order(bot_env, member, 5_000, 3_000)
    detail = await open_detail(member, order_id)
    await member.press(detail, t("aftersale-btn-request"))
    assert says(detail.text, "aftersale-choose-scope")  # not delivered yet: a refund, no kind to choose
    await member.press(detail, t("aftersale-btn-pick"))
    first = next(b["text"] for row in detail.inline_buttons for b in row if "▫️" in b["text"])
    await member.press(detail, first)
    assert any("✅" in b["text"] for row in detail.inline_buttons for b in row)
    await member.press(detail, t("aftersale-btn-picked"))
    await member.press(detail, t("return-reason-damaged"))
    assert says(detail.text, "aftersale-ask-text")
    await member.send("盒子压坏了 <b>")
    assert says((await member.expect_message()).text, "aftersale-ask-photos", max=5)
    await member.send_photo(jpeg())
    received = await member.expect_message()
    assert says(received.text, "aftersale-photo-received", count=1, max=5)
    await member.press(received, t("aftersale-btn-done"))
    assert "盒子压坏了 &lt;b&gt;" in received.html or "盒子压坏了 <b>" in received.text
    await member.press(received, t("aftersale-btn-submit"))
    assert says(received.text, "aftersale-submitted", number=orders.order_number(order_id), kind=ANY)
    request_id = await bot_env.probe.scalar(select(ReturnRequest.id).where(ReturnRequest.order_id == order_id))
    assert await bot_env.probe.scalar(select(ReturnRequestPhoto.file_id).where(ReturnRequestPhoto.request_id == request_id))
    # A member cannot act as staff, even with a forged button: the stale-button answer, nothing changes.
    forged = StaffReturnCb(action=StaffReturnAction.confirm, id=request_id).pack()
    assert await press_data(bot_env, member, received, forged) == t("button-expired")
    assert await bot_env.probe.scalar(select(ReturnRequest.status).where(ReturnRequest.id == request_id)) == "open"
    before = await balances(bot_env, member.member_id)
    owner = staff(bot_env)
    await owner.send("/returns")
    queue = await owner.expect_message()
    await owner.press(queue, data=StaffReturnCb(action=StaffReturnAction.show, id=request_id).pack())
    assert says(queue.text, "staff-return-detail", id=request_id, number=ANY, status=ANY, member=ANY, kind=ANY,
                reason=ANY, total=ANY, refunded=ANY, at=ANY, details=ANY, scope=ANY, photos=1, lang="en")
    await owner.press(queue, t("staff-return-btn-photos", lang="en"))
    assert (await owner.expect_message()).kind == "photo"
    await owner.press(queue, t("staff-return-btn-approve", lang="en"))
    await owner.press(queue, t("staff-return-btn-confirm", lang="en"))
    assert says(queue.text, "staff-return-approved", id=request_id, amount=ANY, status=ANY, lang="en")
    told = await member.expect_message()
    assert says(told.text.split("\n")[0], "aftersale-approved", number=ANY, kind=ANY, amount=ANY)
    refund = (await bot_env.probe.rows(select(Refund.amount, Refund.full).where(Refund.order_id == order_id)))[0]
    assert refund[1] is False and 0 < refund[0] < 8_000
    assert await bot_env.probe.scalar(select(Order.status).where(Order.id == order_id)) == "partially_refunded"
    assert (await balances(bot_env, member.member_id))[1] < before[1]  # earned points taken back in part


async def test_a_rejected_request_tells_the_member_why(bot_env: BotEnv, member: SimUser) -> None:
    order_id = await paid_order(bot_env, member, 4_000)
    detail = await open_detail(member, order_id)
    await member.press(detail, t("aftersale-btn-request"))
    await member.press(detail, t("aftersale-btn-whole"))
    await member.press(detail, t("return-reason-changed_mind"))
    await member.press(detail, t("aftersale-btn-skip"))
    await member.press(detail, t("aftersale-btn-done"))
    await member.press(detail, t("aftersale-btn-submit"))
    request_id = await bot_env.probe.scalar(select(ReturnRequest.id).where(ReturnRequest.order_id == order_id))
    again = await open_detail(member, order_id)
    assert t("aftersale-btn-request") not in str(again.inline_buttons)  # one open request per order
    owner = staff(bot_env)
    await owner.send("/returns")
    queue = await owner.expect_message()
    await owner.press(queue, data=StaffReturnCb(action=StaffReturnAction.show, id=request_id).pack())
    await owner.press(queue, t("staff-return-btn-reject", lang="en"))
    await owner.send("已经发货，无法退款 <i>")
    assert says((await owner.expect_message()).text, "staff-return-rejected", id=request_id, lang="en")
    told = await member.expect_message()
    assert says(told.text, "aftersale-rejected", number=ANY, kind=ANY, reason="已经发货，无法退款 <i>")
    assert await bot_env.probe.scalar(select(Order.status).where(Order.id == order_id)) == "paid"


async def test_a_completed_order_is_reviewed_once_for_points(bot_env: BotEnv, member: SimUser) -> None:
    order_id = await paid_order(bot_env, member, 2_000)
    for step in (orders.ship, orders.deliver, orders.complete):
        await step(bot_env.uow(), order_id, "api", return_window=timedelta(days=7))
    detail = await open_detail(member, order_id)
    before = await balances(bot_env, member.member_id)
    await member.press(detail, t("aftersale-btn-review"))
    await member.press(detail, "★★★★☆")
    assert says(detail.text, "review-ask-text", stars="★★★★☆")
    await member.send("很好用")
    assert says((await member.expect_message()).text, "review-thanks-points", points=25)
    after = await balances(bot_env, member.member_id)
    assert after[0] == before[0] + 25
    assert await bot_env.probe.scalar(select(Review.stars).where(Review.order_id == order_id)) == 4
    forged = AftersaleCb(action=AftersaleAction.review, id=order_id).pack()
    assert await press_data(bot_env, member, detail, forged) == t("error-review-exists")
    assert await balances(bot_env, member.member_id) == after
