"""Gifting a coupon: make a link, take it back, and `/start gift_<token>` to receive it (PRODUCT.md 3).

Its router comes before /start's, so a member opening a gift link gets the coupon; anyone
else's /start passes through untouched.
"""

import re

from aiogram import Bot, F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot import keyboards, replies
from bot.callbacks import CouponAction, CouponCb
from bot.filters import IsMember
from bot.i18n import Translator
from bot.render import error_text, quote
from handlers.coupons import coupon_line, to_wallet, utcnow
from services import coupons
from services.coupons import gifts
from services.errors import DomainError
from services.members import MemberView
from services.policy import ShopPolicy
from services.unit_of_work import UnitOfWork

GIFT_PAYLOAD = re.compile(rf"^{gifts.PAYLOAD_PREFIX}([A-Za-z0-9_-]{{16,40}})$")


async def make_link(callback: CallbackQuery, callback_data: CouponCb, uow: UnitOfWork, member: MemberView,
                    t: Translator, policy: ShopPolicy, bot: Bot, callback_answer: CallbackAnswer) -> None:
    try:
        token = await gifts.offer(uow, member.id, callback_data.id)
    except DomainError as error:
        callback_answer.text, callback_answer.show_alert = error_text(t, error, policy.tz), True
        return
    me = await bot.me()
    link = f"https://t.me/{me.username}?start={gifts.PAYLOAD_PREFIX}{token}"
    back = [(t("coupons-btn-ungift"), CouponCb(action=CouponAction.ungift, id=callback_data.id)),
            (t("coupons-btn-wallet"), CouponCb(action=CouponAction.wallet))]
    await replies.show(callback, t("coupons-gift-link", link=quote(link)), keyboards.inline([back]))


async def take_back(callback: CallbackQuery, callback_data: CouponCb, uow: UnitOfWork, member: MemberView,
                    t: Translator, policy: ShopPolicy) -> None:
    try:
        await gifts.take_back(uow, member.id, callback_data.id)
    except DomainError as error:
        await replies.show(callback, error_text(t, error, policy.tz), to_wallet(t))
        return
    await replies.show(callback, t("coupons-gift-taken-back"), to_wallet(t))


async def receive(message: Message, command: CommandObject, uow: UnitOfWork, member: MemberView, t: Translator,
                  lang: str, policy: ShopPolicy) -> None:
    await accept_gift(message, GIFT_PAYLOAD.match(command.args or "").group(1), uow, member, t, lang, policy)


async def accept_gift(message: Message, token: str, uow: UnitOfWork, member: MemberView, t: Translator,
                      lang: str, policy: ShopPolicy) -> None:
    """The member takes the gift behind the link (also right after joining, for a guest who opened it)."""
    try:
        coupon_id = await gifts.accept(uow, member.id, token)
        coupon = await coupons.coupon_of(uow, member.id, coupon_id)
    except DomainError as error:
        await message.answer(error_text(t, error, policy.tz), reply_markup=to_wallet(t))
        return
    line = coupon_line(t, coupon, lang, policy, utcnow())
    await message.answer(f"{t('coupons-gift-received')}\n\n{line}", reply_markup=to_wallet(t))


def create_router() -> Router:
    router = Router(name="coupon-gifts")
    router.message.filter(IsMember())
    router.callback_query.filter(IsMember())
    router.message.register(receive, CommandStart(deep_link=True, magic=F.args.regexp(GIFT_PAYLOAD)))
    router.callback_query.register(make_link, CouponCb.filter(F.action == CouponAction.gift))
    router.callback_query.register(take_back, CouponCb.filter(F.action == CouponAction.ungift))
    return router
