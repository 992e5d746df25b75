"""Reviewing a completed order: 1-5 stars (buttons), then optional words; points once per order."""

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot import keyboards, replies
from bot.callbacks import AftersaleAction as Act
from bot.callbacks import AftersaleCb, OrderAction, OrderCb
from bot.filters import IsMember
from bot.i18n import Translator
from bot.render import error_text
from handlers.aftersale import stars
from services import orders
from services.errors import DomainError
from services.members import MemberView
from services.orders import reviews
from services.policy import ShopPolicy
from services.unit_of_work import UnitOfWork


class ReviewDialog(StatesGroup):
    text = State()


def _skip_or_cancel(t: Translator, order_id: int) -> InlineKeyboardMarkup:
    return keyboards.inline([[(t("aftersale-btn-skip"), AftersaleCb(action=Act.skip, id=order_id)),
                              (t("btn-cancel"), AftersaleCb(action=Act.cancel, id=order_id))]])


def _thanks(t: Translator, reviewed: reviews.Reviewed) -> str:
    return t("review-thanks-points", points=reviewed.points) if reviewed.points else t("review-thanks")


async def ask_stars(callback: CallbackQuery, callback_data: AftersaleCb, uow: UnitOfWork, member: MemberView,
                    t: Translator, state: FSMContext, policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    try:
        detail = await orders.order_of(uow, member.id, callback_data.id)
    except DomainError as error:
        callback_answer.text, callback_answer.show_alert = error_text(t, error, policy.tz), True
        return
    if not detail.reviewable:
        done = detail.review_stars is not None
        callback_answer.text = t("error-review-exists" if done else "error-review-not-completed")
        callback_answer.show_alert = True
        return
    await state.set_state(None)
    rows = [[(stars(n), AftersaleCb(action=Act.stars, id=detail.order.id, value=str(n)))] for n in range(5, 0, -1)]
    rows.append([(t("btn-cancel"), AftersaleCb(action=Act.cancel, id=detail.order.id))])
    await replies.show(callback, t("review-choose-stars", number=detail.order.number), keyboards.inline(rows))


async def stars_chosen(callback: CallbackQuery, callback_data: AftersaleCb, t: Translator, state: FSMContext) -> None:
    count = int(callback_data.value) if callback_data.value in {"1", "2", "3", "4", "5"} else 0
    if not count:
        return
    await state.set_state(ReviewDialog.text)
    await state.update_data(rv_order=callback_data.id, rv_stars=count)
    shown = await replies.show(callback, t("review-ask-text", stars=stars(count)), _skip_or_cancel(t, callback_data.id))
    await replies.remember_prompt(state, shown)


async def _save(uow: UnitOfWork, member: MemberView, state: FSMContext, policy: ShopPolicy,
                text: str | None) -> reviews.Reviewed:
    data = await state.get_data()
    return await reviews.review(uow, member.id, int(data["rv_order"]), int(data["rv_stars"]), text,
                                policy.review_points, policy.tz)


async def text_typed(message: Message, uow: UnitOfWork, member: MemberView, t: Translator, state: FSMContext,
                     policy: ShopPolicy) -> None:
    data = await state.get_data()
    try:
        reviewed = await _save(uow, member, state, policy, message.text)
    except DomainError as error:
        again = _skip_or_cancel(t, int(data["rv_order"]))
        if error.code == "review-text-too-long":
            await replies.prompt(message, state, error_text(t, error, policy.tz), again)
            return
        await replies.close_prompt(message, state)
        await state.set_state(None)
        await message.answer(error_text(t, error, policy.tz))
        return
    await replies.close_prompt(message, state)
    await state.set_state(None)
    view = keyboards.inline([[(t("orders-btn-show"), OrderCb(action=OrderAction.show, id=int(data["rv_order"])))]])
    await message.answer(_thanks(t, reviewed), reply_markup=view)


async def text_skipped(callback: CallbackQuery, callback_data: AftersaleCb, uow: UnitOfWork, member: MemberView,
                       t: Translator, state: FSMContext, policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    if (await state.get_data()).get("rv_order") != callback_data.id:
        callback_answer.text = t("button-expired")
        return
    await state.set_state(None)
    view = keyboards.inline([[(t("orders-btn-show"), OrderCb(action=OrderAction.show, id=callback_data.id))]])
    try:
        reviewed = await _save(uow, member, state, policy, None)
    except DomainError as error:
        await replies.show(callback, error_text(t, error, policy.tz), view)
        return
    await replies.show(callback, _thanks(t, reviewed), view)


async def not_text(message: Message, state: FSMContext, t: Translator) -> None:
    data = await state.get_data()
    await replies.prompt(message, state, t("review-ask-text", stars=stars(int(data["rv_stars"]))),
                         _skip_or_cancel(t, int(data["rv_order"])))


def create_router() -> Router:
    router = Router(name="reviews")
    router.message.filter(IsMember())
    router.callback_query.filter(IsMember())
    router.callback_query.register(ask_stars, AftersaleCb.filter(F.action == Act.review))
    router.callback_query.register(stars_chosen, AftersaleCb.filter(F.action == Act.stars))
    router.callback_query.register(text_skipped, AftersaleCb.filter(F.action == Act.skip), ReviewDialog.text)
    router.message.register(text_typed, ReviewDialog.text, F.text, ~F.text.startswith("/"))
    router.message.register(not_text, ReviewDialog.text, ~F.text.startswith("/"))
    return router
