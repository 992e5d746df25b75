"""/feedback: the member's feedback dialog and ticket thread (PRODUCT.md 8).

Pick a kind, (when the member has orders) an order, write text and photos, submit: a ticket number.
"My tickets" pages the member's own tickets; a ticket's screen shows the thread, a Reply button
while it is open and 1-5 stars once it is closed. Ticket ids in buttons are re-checked by the
services against the member on every press, so forged data finds nothing.
"""

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot import keyboards, replies, support_views
from bot.callbacks import TicketAction, TicketCb
from bot.config import Settings
from bot.filters import IsMember
from bot.i18n import Translator
from bot.keyboards import Button
from bot.render import error_text, local_date
from services import support
from services.errors import DomainError
from services.members import MemberView
from services.policy import ShopPolicy
from services.unit_of_work import UnitOfWork

PAGE_SIZE = 5


class FeedbackForm(StatesGroup):
    compose = State()  # collecting text and photos of a new ticket
    answer = State()  # the member's next message goes into ticket `ticket_id`


def cancel_row(t: Translator) -> list[Button]:
    return [(t("btn-cancel"), TicketCb(action=TicketAction.cancel))]


def start_screen(t: Translator) -> tuple[str, InlineKeyboardMarkup]:
    kinds = [(support_views.kind_name(t, kind), TicketCb(action=TicketAction.kind, value=kind))
             for kind in support.KINDS]
    return t("feedback-start"), keyboards.inline([kinds, [(t("feedback-btn-mine"), TicketCb(action=TicketAction.list))]])


async def list_screen(uow: UnitOfWork, member: MemberView, t: Translator, policy: ShopPolicy,
                      page: int) -> tuple[str, InlineKeyboardMarkup]:
    found = await support.my_tickets(uow, member.id, page, PAGE_SIZE)
    lines = [t("tickets-line", number=ticket.number, kind=support_views.kind_name(t, ticket.kind),
               status=support_views.status_name(t, ticket.status), date=local_date(ticket.created_at, policy.tz))
             for ticket in found.items]
    opens = [(ticket.number, TicketCb(action=TicketAction.show, id=ticket.id)) for ticket in found.items]
    paging = keyboards.pager(t, found.page, found.pages, lambda n: TicketCb(action=TicketAction.list, page=n))
    title = t("tickets-mine", page=found.page + 1, pages=found.pages)
    body = "\n".join(lines) if lines else t("tickets-mine-empty")
    rows = [opens[i:i + 3] for i in range(0, len(opens), 3)]
    return f"{title}\n\n{body}", keyboards.inline([*rows, paging, [(t("ticket-btn-new"), TicketCb(action=TicketAction.new))]])


# --- a new ticket ------------------------------------------------------------------------------------

async def feedback_command(message: Message, state: FSMContext, t: Translator) -> None:
    await state.clear()
    text, markup = start_screen(t)
    await message.answer(text, reply_markup=markup)


async def new_button(callback: CallbackQuery, state: FSMContext, t: Translator) -> None:
    await state.clear()
    await replies.show(callback, *start_screen(t))


async def kind_button(callback: CallbackQuery, callback_data: TicketCb, state: FSMContext, uow: UnitOfWork,
                      member: MemberView, t: Translator, callback_answer: CallbackAnswer) -> None:
    """The order step is offered only when the member has orders (support.order_choices)."""
    if callback_data.value not in support.KINDS:
        callback_answer.text = t("error-ticket-kind-unknown")
        return
    await state.set_state(FeedbackForm.compose)
    await state.set_data({"kind": callback_data.value, "order_id": None, "text": "", "photos": []})
    choices = await support.order_choices(uow, member.id)
    if choices:
        rows = [[(choice.label, TicketCb(action=TicketAction.order, id=choice.id))] for choice in choices]
        rows.append([(t("feedback-btn-no-order"), TicketCb(action=TicketAction.order, id=0))])
        shown = await replies.show(callback, t("feedback-order-ask"), keyboards.inline([*rows, cancel_row(t)]))
    else:
        shown = await replies.show(callback, compose_text(t, callback_data.value), keyboards.inline([cancel_row(t)]))
    await replies.remember_prompt(state, shown)


def compose_text(t: Translator, kind: str) -> str:
    return t("feedback-compose", kind=support_views.kind_name(t, kind), max=support.TEXT_MAX, photos=support.PHOTOS_MAX)


async def order_button(callback: CallbackQuery, callback_data: TicketCb, state: FSMContext, t: Translator) -> None:
    """The chosen order is checked against the member's own orders when the ticket is opened."""
    data = await state.get_data()
    await state.update_data(order_id=callback_data.id or None)
    shown = await replies.show(callback, compose_text(t, data["kind"]), keyboards.inline([cancel_row(t)]))
    await replies.remember_prompt(state, shown)


async def draft_added(message: Message, state: FSMContext, t: Translator, policy: ShopPolicy) -> None:
    """Text and photos gather in the draft until "Submit"; limits are checked on each addition."""
    data = await state.get_data()
    added = (message.text or message.caption or "").strip()
    text = "\n".join(part for part in (data.get("text", ""), added) if part)
    photos = [*data.get("photos", []), *([message.photo[-1].file_id] if message.photo else [])]
    try:
        support.clean(text, photos)
    except DomainError as error:
        await message.answer(error_text(t, error, policy.tz))
        return
    await state.update_data(text=text, photos=photos)
    markup = keyboards.inline([[(t("feedback-btn-send"), TicketCb(action=TicketAction.send))], cancel_row(t)])
    await replies.prompt(message, state, t("feedback-draft", chars=len(text), photos=len(photos)), markup)


async def send_button(callback: CallbackQuery, state: FSMContext, uow: UnitOfWork, member: MemberView,
                      t: Translator, policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    data = await state.get_data()
    if await state.get_state() != FeedbackForm.compose.state:
        callback_answer.text = t("button-expired")
        return
    try:
        ticket = await support.open_ticket(uow, member.id, data["kind"], data.get("text"), data.get("photos", []),
                                           data.get("order_id"))
    except DomainError as error:
        callback_answer.text, callback_answer.show_alert = error_text(t, error, policy.tz), True
        return
    await state.clear()
    markup = keyboards.inline([[(t("ticket-btn-view"), TicketCb(action=TicketAction.show, id=ticket.id)),
                                (t("feedback-btn-mine"), TicketCb(action=TicketAction.list))]])
    await replies.show(callback, t("feedback-created", number=ticket.number), markup)


async def cancel_button(callback: CallbackQuery, state: FSMContext, t: Translator) -> None:
    await state.clear()
    await replies.show(callback, t("cancelled"), keyboards.inline([[(t("feedback-btn-mine"), TicketCb(action=TicketAction.list))]]))


# --- the member's tickets ------------------------------------------------------------------------

async def list_button(callback: CallbackQuery, callback_data: TicketCb, uow: UnitOfWork, member: MemberView,
                      t: Translator, policy: ShopPolicy) -> None:
    await replies.show(callback, *await list_screen(uow, member, t, policy, callback_data.page))


async def show_button(callback: CallbackQuery, callback_data: TicketCb, uow: UnitOfWork, member: MemberView,
                      t: Translator, policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    try:
        thread = await support.thread_of_member(uow, member.id, callback_data.id)
    except DomainError as error:
        callback_answer.text, callback_answer.show_alert = error_text(t, error, policy.tz), True
        return
    await replies.show(callback, *support_views.member_ticket_screen(t, thread, policy))


async def answer_button(callback: CallbackQuery, callback_data: TicketCb, state: FSMContext, uow: UnitOfWork,
                        member: MemberView, t: Translator, policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    try:
        thread = await support.thread_of_member(uow, member.id, callback_data.id)
    except DomainError as error:
        callback_answer.text, callback_answer.show_alert = error_text(t, error, policy.tz), True
        return
    if thread.ticket.status == "closed":
        callback_answer.text, callback_answer.show_alert = t("error-ticket-closed"), True
        return
    await state.set_state(FeedbackForm.answer)
    await state.set_data({"ticket_id": thread.ticket.id})
    ask = t("ticket-answer-ask", number=thread.ticket.number)
    await replies.prompt(callback.message, state, ask, keyboards.inline([cancel_row(t)]))


async def answer_received(message: Message, state: FSMContext, bot: Bot, uow: UnitOfWork, member: MemberView,
                          t: Translator, settings: Settings, policy: ShopPolicy) -> None:
    ticket_id = (await state.get_data()).get("ticket_id", 0)
    text = message.text or message.caption
    photos = [message.photo[-1].file_id] if message.photo else []
    try:
        ticket = await support.answer(uow, member.id, ticket_id, text, photos)
    except DomainError as error:
        await message.answer(error_text(t, error, policy.tz))
        if error.code != "ticket-text-too-long":
            await state.clear()
        return
    await replies.close_prompt(message, state)
    await state.clear()
    view = keyboards.inline([[(t("ticket-btn-view"), TicketCb(action=TicketAction.show, id=ticket.id))]])
    await message.answer(t("ticket-answer-sent", number=ticket.number), reply_markup=view)
    await support_views.relay_member_answer(bot, uow, settings.default_language, ticket, (text or "").strip(), photos)


async def rate_button(callback: CallbackQuery, callback_data: TicketCb, uow: UnitOfWork, member: MemberView,
                      t: Translator, policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    rating = int(callback_data.value) if callback_data.value.isdigit() else 0
    try:
        await support.rate(uow, member.id, callback_data.id, rating)
    except DomainError as error:
        callback_answer.text, callback_answer.show_alert = error_text(t, error, policy.tz), True
        return
    markup = keyboards.inline([[(t("ticket-btn-view"), TicketCb(action=TicketAction.show, id=callback_data.id))]])
    await replies.show(callback, t("ticket-rated", stars=support_views.stars(rating)), markup)


async def not_text_or_photo(message: Message, t: Translator) -> None:
    await message.answer(t("feedback-send-text-or-photo"))


def create_router() -> Router:
    router = Router(name="feedback")
    router.message.filter(IsMember())
    router.callback_query.filter(IsMember())

    def on(action: TicketAction) -> object:
        return TicketCb.filter(F.action == action)

    router.message.register(feedback_command, Command("feedback"))
    for state, handler in ((FeedbackForm.compose, draft_added), (FeedbackForm.answer, answer_received)):
        router.message.register(replies.command_in_dialog, state, F.text.startswith("/"))
        router.message.register(handler, state, F.text | F.photo)
        router.message.register(not_text_or_photo, state)
    router.callback_query.register(new_button, on(TicketAction.new))
    router.callback_query.register(kind_button, on(TicketAction.kind))
    router.callback_query.register(order_button, on(TicketAction.order), FeedbackForm.compose)
    router.callback_query.register(send_button, on(TicketAction.send))
    router.callback_query.register(cancel_button, on(TicketAction.cancel))
    router.callback_query.register(list_button, on(TicketAction.list))
    router.callback_query.register(show_button, on(TicketAction.show))
    router.callback_query.register(answer_button, on(TicketAction.answer))
    router.callback_query.register(rate_button, on(TicketAction.rate))
    return router
