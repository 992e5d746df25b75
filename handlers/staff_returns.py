"""Staff: the queue of members' return/refund requests, a request in full, approve (refund) or reject.

Admins only: the router's filter reads the role from the database for every update (anyone
else falls through to the unknown-command answer), and each decision checks it again inside
its own transaction. The member is told of the decision right after it is committed.
"""

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, InputMediaPhoto, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot import keyboards, replies
from bot.callbacks import StaffReturnAction as Act
from bot.callbacks import StaffReturnCb
from bot.config import Settings
from bot.filters import IsStaff
from bot.i18n import Translator
from bot.keyboards import Button
from bot.refunds import send_star_refunds, tell_member
from handlers.admin_points import notify_approvers
from bot.render import error_text, local_time, money, quote
from handlers.orders import status
from services.errors import DomainError
from services.orders import returns
from services.orders.returns import Decision, RequestDetail
from services.policy import ShopPolicy
from services.staff.roles import Role
from services.unit_of_work import UnitOfWork

PAGE_SIZE = 8


class RejectDialog(StatesGroup):
    reason = State()


async def queue_view(uow: UnitOfWork, t: Translator, policy: ShopPolicy, page: int) -> tuple[str, InlineKeyboardMarkup]:
    found = await returns.queue(uow, page, PAGE_SIZE)
    rows: list[list[Button]] = [
        [(t("staff-returns-line", number=f"#{item.id}", kind=t(f"aftersale-btn-kind-{item.kind}"),
            reason=t(f"return-reason-{item.reason_code}"), at=local_time(item.created_at, policy.tz)),
          StaffReturnCb(action=Act.show, id=item.id, page=found.page))]
        for item in found.items
    ]
    rows.append(keyboards.pager(t, found.page, found.pages, lambda n: StaffReturnCb(action=Act.queue, page=n)))
    if not found.items:
        return t("staff-returns-empty"), keyboards.inline(rows)
    return t("staff-returns-title", page=found.page + 1, pages=found.pages), keyboards.inline(rows)


def detail_view(t: Translator, lang: str, policy: ShopPolicy, detail: RequestDetail,
                page: int) -> tuple[str, InlineKeyboardMarkup]:
    request, order = detail.request, detail.order
    scope = ", ".join(f"#{line_id} ×{quantity}" for line_id, quantity in detail.lines.items())
    text = t("staff-return-detail", id=request.id, number=order.number, status=status(t, order.status),
             member=request.member_no, kind=t(f"aftersale-btn-kind-{request.kind}"),
             reason=t(f"return-reason-{request.reason_code}"), total=money(order.total, order.currency, lang),
             refunded=money(order.refunded_amount, order.currency, lang), at=local_time(request.created_at, policy.tz),
             details=quote(request.text or t("aftersale-none")), scope=scope or t("aftersale-scope-whole"),
             photos=len(detail.photos))
    rows: list[list[Button]] = []
    if detail.photos:
        rows.append([(t("staff-return-btn-photos"), StaffReturnCb(action=Act.photos, id=request.id, page=page))])
    if request.status == "open":
        rows.append([(t("staff-return-btn-approve"), StaffReturnCb(action=Act.approve, id=request.id, page=page)),
                     (t("staff-return-btn-reject"), StaffReturnCb(action=Act.reject, id=request.id, page=page))])
    else:
        text += "\n\n" + t("aftersale-request-status", kind=t(f"aftersale-btn-kind-{request.kind}"),
                           status=t(f"aftersale-request-status-{request.status}"))
    rows.append([(t("staff-return-btn-queue"), StaffReturnCb(action=Act.queue, page=page))])
    return text, keyboards.inline(rows)


async def returns_command(message: Message, uow: UnitOfWork, t: Translator, policy: ShopPolicy) -> None:
    text, markup = await queue_view(uow, t, policy, 0)
    await message.answer(text, reply_markup=markup)


async def queue_page(callback: CallbackQuery, callback_data: StaffReturnCb, uow: UnitOfWork, t: Translator,
                     policy: ShopPolicy) -> None:
    await replies.show(callback, *await queue_view(uow, t, policy, callback_data.page))


async def _detail(callback_data: StaffReturnCb, uow: UnitOfWork, t: Translator, policy: ShopPolicy,
                  callback_answer: CallbackAnswer) -> RequestDetail | None:
    try:
        return await returns.detail(uow, callback_data.id)
    except DomainError as error:
        callback_answer.text, callback_answer.show_alert = error_text(t, error, policy.tz), True
        return None


async def show_request(callback: CallbackQuery, callback_data: StaffReturnCb, uow: UnitOfWork, t: Translator,
                       lang: str, policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    detail = await _detail(callback_data, uow, t, policy, callback_answer)
    if detail is not None:
        await replies.show(callback, *detail_view(t, lang, policy, detail, callback_data.page))


async def show_photos(callback: CallbackQuery, callback_data: StaffReturnCb, uow: UnitOfWork, t: Translator,
                      policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    """The member's photos as one album (one photo: a plain photo message)."""
    detail = await _detail(callback_data, uow, t, policy, callback_answer)
    if detail is None:
        return
    if not detail.photos:
        callback_answer.text = t("staff-return-no-photos")
        return
    chat_id, caption = callback.message.chat.id, f"#{detail.request.id} · {detail.order.number}"
    if len(detail.photos) == 1:
        await callback.bot.send_photo(chat_id, detail.photos[0], caption=caption)
        return
    album = [InputMediaPhoto(media=file_id, caption=caption if not index else None)
             for index, file_id in enumerate(detail.photos[:10])]
    await callback.bot.send_media_group(chat_id, album)


async def ask_approve(callback: CallbackQuery, callback_data: StaffReturnCb, uow: UnitOfWork, t: Translator,
                      policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    detail = await _detail(callback_data, uow, t, policy, callback_answer)
    if detail is None:
        return
    if detail.request.status != "open":
        callback_answer.text = t("staff-return-decided")
        return
    rows = [[(t("staff-return-btn-confirm"), StaffReturnCb(action=Act.confirm, id=detail.request.id,
                                                            page=callback_data.page)),
             (t("btn-back"), StaffReturnCb(action=Act.show, id=detail.request.id, page=callback_data.page))]]
    text = t("staff-return-confirm-approve", id=detail.request.id, number=detail.order.number)
    await replies.show(callback, text, keyboards.inline(rows))


async def _announce(bot: Bot, uow: UnitOfWork, decision: Decision, settings: Settings) -> None:
    """After the commit: Stars go back through Telegram, and the member hears of the decision."""
    if decision.refund is not None and decision.refund.refund.status == "pending":
        await send_star_refunds(bot, uow)
    await tell_member(bot, decision, settings.default_language)


async def approve(callback: CallbackQuery, callback_data: StaffReturnCb, uow: UnitOfWork, t: Translator,
                  lang: str, policy: ShopPolicy, settings: Settings, callback_answer: CallbackAnswer) -> None:
    try:
        decision = await returns.approve(uow, policy, callback.from_user.id, callback_data.id)
    except DomainError as error:
        callback_answer.text, callback_answer.show_alert = error_text(t, error, policy.tz), True
        return
    back = keyboards.inline([[(t("staff-return-btn-queue"), StaffReturnCb(action=Act.queue, page=callback_data.page))]])
    if decision.approval_id is not None:  # above the threshold: a second admin decides
        await notify_approvers(callback.bot, uow, policy, settings.default_language, decision.approval_id)
        await replies.show(callback, t("staff-return-awaiting-approval", id=decision.request.id,
                                       approval=decision.approval_id), back)
        return
    await _announce(callback.bot, uow, decision, settings)
    order = decision.order
    text = t("staff-return-approved", id=decision.request.id, status=status(t, order.status),
             amount=money(decision.refund.refund.amount, order.currency, lang))
    await replies.show(callback, text, back)


async def ask_reason(callback: CallbackQuery, callback_data: StaffReturnCb, t: Translator, state: FSMContext) -> None:
    await state.set_state(RejectDialog.reason)
    await state.update_data(sr_request=callback_data.id)
    cancel = keyboards.inline([[(t("btn-back"), StaffReturnCb(action=Act.show, id=callback_data.id))]])
    await replies.remember_prompt(state, await replies.show(callback, t("staff-return-ask-reason", id=callback_data.id),
                                                            cancel))


async def reason_typed(message: Message, uow: UnitOfWork, t: Translator, state: FSMContext, policy: ShopPolicy,
                       settings: Settings) -> None:
    request_id = int((await state.get_data()).get("sr_request") or 0)
    try:
        decision = await returns.reject(uow, policy, message.from_user.id, request_id, message.text or "")
    except DomainError as error:
        if error.code == "return-reject-reason":
            await replies.prompt(message, state, error_text(t, error, policy.tz), None)
            return
        await state.set_state(None)
        await message.answer(error_text(t, error, policy.tz))
        return
    await replies.close_prompt(message, state)
    await state.set_state(None)
    await _announce(message.bot, uow, decision, settings)
    back = keyboards.inline([[(t("staff-return-btn-queue"), StaffReturnCb(action=Act.queue))]])
    await message.answer(t("staff-return-rejected", id=request_id), reply_markup=back)


async def back_from_reason(callback: CallbackQuery, callback_data: StaffReturnCb, uow: UnitOfWork, t: Translator,
                           lang: str, state: FSMContext, policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    await state.set_state(None)
    await show_request(callback, callback_data, uow, t, lang, policy, callback_answer)


def create_router() -> Router:
    """The role filter goes last on each handler, so only staff commands and buttons cost a role query."""
    router = Router(name="staff_returns")
    admin = IsStaff(Role.admin)

    def on(action: Act) -> object:
        return StaffReturnCb.filter(F.action == action)

    router.message.register(returns_command, Command("returns"), admin)
    router.callback_query.register(back_from_reason, on(Act.show), RejectDialog.reason, admin)
    router.callback_query.register(queue_page, on(Act.queue), admin)
    router.callback_query.register(show_request, on(Act.show), admin)
    router.callback_query.register(show_photos, on(Act.photos), admin)
    router.callback_query.register(ask_approve, on(Act.approve), admin)
    router.callback_query.register(approve, on(Act.confirm), admin)
    router.callback_query.register(ask_reason, on(Act.reject), admin)
    router.message.register(reason_typed, RejectDialog.reason, F.text, ~F.text.startswith("/"), admin)
    return router
