"""A shop that takes Telegram Stars: approving a refund request gives the Stars back with
refundStarPayment, exactly once, and the member is told."""

from sqlalchemy import select

from bot.callbacks import StaffReturnAction, StaffReturnCb
from models.aftersale import Refund, ReturnRequest
from models.orders import Order
from sandbox.emulator import SimUser
from tests.conftest import BotEnv
from tests.test_aftersale_e2e import open_detail, staff
from tests.test_e2e_registration import press_data
from tests.test_orders_e2e import product, to_invoice
from tests.texts import ANY, says, t

BOT_SETTINGS = {"background_jobs": False, "currency": "XTR"}
BOT_DATABASES = ("sqlite",)  # the Telegram side of a refund; the refund itself runs on both in the service tests


async def test_an_approved_request_refunds_the_stars_once(bot_env: BotEnv, member: SimUser) -> None:
    product_id, _ = await product(bot_env, price=150)
    invoice = await to_invoice(bot_env, member, product_id, "150 ⭐")
    assert invoice.invoice["currency"] == "XTR" and (await member.pay(invoice))["ok"]
    await member.expect_message()
    order_id = await bot_env.probe.scalar(select(Order.id).where(Order.member_id == member.member_id))
    detail = await open_detail(member, order_id)
    for button in ("aftersale-btn-request", "aftersale-btn-whole", "return-reason-late", "aftersale-btn-skip",
                   "aftersale-btn-done", "aftersale-btn-submit"):
        await member.press(detail, t(button))
    request_id = await bot_env.probe.scalar(select(ReturnRequest.id).where(ReturnRequest.order_id == order_id))
    owner = staff(bot_env)
    await owner.send("/returns")
    queue = await owner.expect_message()
    await owner.press(queue, data=StaffReturnCb(action=StaffReturnAction.show, id=request_id).pack())
    await owner.press(queue, t("staff-return-btn-approve", lang="en"))
    await owner.press(queue, t("staff-return-btn-confirm", lang="en"))
    assert says(queue.text, "staff-return-approved", id=request_id, amount="150 ⭐", status=ANY, lang="en")
    assert says((await member.expect_message()).text, "aftersale-approved", number=ANY, kind=ANY, amount="150 ⭐")
    charges = [payment for payment in bot_env.emulator.payments.values() if payment["user_id"] == member.id]
    assert len(charges) == 1 and charges[0]["refunded"]
    assert await bot_env.probe.rows(select(Refund.status, Refund.star_refund_done).where(Refund.order_id == order_id)) \
        == [("done", True)]
    replayed = StaffReturnCb(action=StaffReturnAction.confirm, id=request_id).pack()
    assert await press_data(bot_env, owner, queue, replayed) == t("error-return-already-decided", lang="en")
    assert len(await bot_env.probe.rows(select(Refund.id).where(Refund.order_id == order_id))) == 1
