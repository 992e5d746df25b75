"""/tickets: the staff desk for support tickets (operators and up; PRODUCT.md 8).

The queue (oldest first, complaints flagged), a ticket's thread with its photos, a reply that is
relayed to the member's chat, and closing, which asks the member for a rating. `queue_screen` is
what an /admin menu button shows. IsStaff reads the role for each update (anyone else falls
through to the unknown-command answer) and every use case checks it again in its transaction.
"""

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot import keyboards, replies, support_views
from bot.callbacks import DeskAction, DeskCb
from bot.config import Settings
from bot.filters import IsStaff
from bot.i18n import Translator
from bot.keyboards import Button
from bot.render import error_text, local_time
from services.errors import DomainError
from services.policy import ShopPolicy
from services.support import desk
from services.support.tickets import Thread
from services.unit_of_work import UnitOfWork

PAGE_SIZE = 8
PHOTOS_SENT = 10


class DeskForm(StatesGroup):
    reply = State()  # the staff member's next message answers ticket `ticket_id`


async def queue_screen(uow: UnitOfWork, policy: ShopPolicy, staff_id: int, t: Translator,
                       page: int = 0) -> tuple[str, InlineKeyboardMarkup]:
    """The open-ticket queue (raises StaffOnly for anyone below operator)."""
    found, total = await desk.queue(uow, policy, staff_id, page, PAGE_SIZE)
    lines, opens = [], []
    for ticket in found.items:
        flag = t("desk-flag-complaint") + " " if ticket.kind == "complaint" else ""
        lines.append(t("desk-line", flag=flag, number=ticket.number, kind=support_views.kind_name(t, ticket.kind),
                       member=ticket.member_no, status=support_views.status_name(t, ticket.status),
                       time=local_time(ticket.created_at, policy.tz)))
        opens.append((flag + ticket.number, DeskCb(action=DeskAction.show, id=ticket.id)))
    title = t("desk-queue", count=total, page=found.page + 1, pages=found.pages)
    body = "\n".join(lines) if lines else t("desk-queue-empty")
    paging = keyboards.pager(t, found.page, found.pages, lambda n: DeskCb(action=DeskAction.queue, page=n))
    return f"{title}\n\n{body}", keyboards.inline([*(opens[i:i + 2] for i in range(0, len(opens), 2)), paging])


def ticket_screen(t: Translator, thread: Thread, photos: int, policy: ShopPolicy) -> tuple[str, InlineKeyboardMarkup]:
    ticket = thread.ticket
    head = t("desk-ticket", number=ticket.number, kind=support_views.kind_name(t, ticket.kind),
             member=ticket.member_no, status=support_views.status_name(t, ticket.status),
             time=local_time(ticket.created_at, policy.tz))
    if ticket.order_id is not None:
        head += "\n" + t("ticket-order", order=ticket.order_id)
    if ticket.rating is not None:
        head += "\n" + t("ticket-rating-shown", stars=support_views.stars(ticket.rating))
    rows: list[list[Button]] = []
    if ticket.status != "closed":
        rows.append([(t("desk-btn-reply"), DeskCb(action=DeskAction.reply, id=ticket.id)),
                     (t("desk-btn-close"), DeskCb(action=DeskAction.close, id=ticket.id))])
    if photos:
        rows.append([(t("desk-btn-photos", count=photos), DeskCb(action=DeskAction.photos, id=ticket.id))])
    rows.append([(t("desk-btn-queue"), DeskCb(action=DeskAction.queue))])
    text = "\n\n".join([head, *support_views.thread_lines(t, thread, policy, "desk")])
    return text, keyboards.inline(rows)


async def ticket_view(uow: UnitOfWork, policy: ShopPolicy, staff_id: int, t: Translator,
                      ticket_id: int) -> tuple[str, InlineKeyboardMarkup]:
    thread = await desk.thread(uow, policy, staff_id, ticket_id)
    photos = await desk.photos(uow, policy, staff_id, ticket_id)
    return ticket_screen(t, thread, len(photos), policy)


# --- handlers ----------------------------------------------------------------------------------------

async def tickets_command(message: Message, state: FSMContext, uow: UnitOfWork, t: Translator,
                          policy: ShopPolicy) -> None:
    await state.clear()
    text, markup = await queue_screen(uow, policy, message.from_user.id, t)
    await message.answer(text, reply_markup=markup)


async def queue_button(callback: CallbackQuery, callback_data: DeskCb, state: FSMContext, uow: UnitOfWork,
                       t: Translator, policy: ShopPolicy) -> None:
    await state.clear()
    await replies.show(callback, *await queue_screen(uow, policy, callback.from_user.id, t, callback_data.page))


async def show_button(callback: CallbackQuery, callback_data: DeskCb, uow: UnitOfWork, t: Translator,
                      policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    try:
        text, markup = await ticket_view(uow, policy, callback.from_user.id, t, callback_data.id)
    except DomainError as error:
        callback_answer.text, callback_answer.show_alert = error_text(t, error, policy.tz), True
        return
    await replies.show(callback, text, markup)


async def photos_button(callback: CallbackQuery, callback_data: DeskCb, uow: UnitOfWork, t: Translator,
                        policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    """Each photo of the thread as a photo message (by file id), captioned with the ticket number."""
    try:
        thread = await desk.thread(uow, policy, callback.from_user.id, callback_data.id, last=0)
        photos = await desk.photos(uow, policy, callback.from_user.id, callback_data.id)
    except DomainError as error:
        callback_answer.text, callback_answer.show_alert = error_text(t, error, policy.tz), True
        return
    if not photos:
        callback_answer.text = t("desk-no-photos")
        return
    for n, file_id in enumerate(photos[:PHOTOS_SENT], start=1):
        caption = t("desk-photo-caption", number=thread.ticket.number, n=n, total=len(photos))
        await callback.message.answer_photo(file_id, caption=caption)


async def reply_button(callback: CallbackQuery, callback_data: DeskCb, state: FSMContext, uow: UnitOfWork,
                       t: Translator, policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    try:
        thread = await desk.thread(uow, policy, callback.from_user.id, callback_data.id, last=0)
    except DomainError as error:
        callback_answer.text, callback_answer.show_alert = error_text(t, error, policy.tz), True
        return
    if thread.ticket.status == "closed":
        callback_answer.text, callback_answer.show_alert = t("error-ticket-closed"), True
        return
    await state.set_state(DeskForm.reply)
    await state.set_data({"ticket_id": thread.ticket.id})
    cancel = keyboards.inline([[(t("btn-cancel"), DeskCb(action=DeskAction.cancel, id=thread.ticket.id))]])
    await replies.prompt(callback.message, state, t("desk-reply-ask", number=thread.ticket.number), cancel)


async def reply_received(message: Message, state: FSMContext, bot: Bot, uow: UnitOfWork, t: Translator,
                         settings: Settings, policy: ShopPolicy) -> None:
    ticket_id = (await state.get_data()).get("ticket_id", 0)
    text = (message.text or message.caption or "").strip()
    photos = [message.photo[-1].file_id] if message.photo else []
    try:
        ticket = await desk.reply(uow, policy, message.from_user.id, ticket_id, text, photos)
    except DomainError as error:
        await message.answer(error_text(t, error, policy.tz))
        return
    await replies.close_prompt(message, state)
    await state.clear()
    delivered = await support_views.relay_staff_reply(bot, uow, settings.default_language, ticket, text, photos)
    back = keyboards.inline([[(t("ticket-btn-view"), DeskCb(action=DeskAction.show, id=ticket.id)),
                              (t("desk-btn-queue"), DeskCb(action=DeskAction.queue))]])
    notice = "desk-reply-sent" if delivered else "desk-reply-undelivered"
    await message.answer(t(notice, number=ticket.number), reply_markup=back)


async def close_button(callback: CallbackQuery, callback_data: DeskCb, bot: Bot, uow: UnitOfWork, t: Translator,
                       settings: Settings, policy: ShopPolicy, callback_answer: CallbackAnswer) -> None:
    try:
        ticket = await desk.close(uow, policy, callback.from_user.id, callback_data.id)
    except DomainError as error:
        callback_answer.text, callback_answer.show_alert = error_text(t, error, policy.tz), True
        return
    callback_answer.text = t("desk-closed", number=ticket.number)
    await replies.show(callback, *await ticket_view(uow, policy, callback.from_user.id, t, ticket.id))
    await support_views.relay_closed(bot, uow, settings.default_language, ticket)


async def cancel_button(callback: CallbackQuery, callback_data: DeskCb, state: FSMContext, t: Translator) -> None:
    await state.clear()
    back = keyboards.inline([[(t("ticket-btn-view"), DeskCb(action=DeskAction.show, id=callback_data.id))]])
    await replies.show(callback, t("cancelled"), back)


async def not_text_or_photo(message: Message, t: Translator) -> None:
    await message.answer(t("desk-send-text-or-photo"))


def create_router() -> Router:
    """IsStaff comes after the cheap filters, so only staff commands and buttons cost a role query."""
    router = Router(name="support_desk")
    staff = IsStaff()

    def on(action: DeskAction) -> object:
        return DeskCb.filter(F.action == action)

    router.message.register(tickets_command, Command("tickets"), staff)
    router.message.register(replies.command_in_dialog, DeskForm.reply, F.text.startswith("/"), staff)
    router.message.register(reply_received, DeskForm.reply, F.text | F.photo, staff)
    router.message.register(not_text_or_photo, DeskForm.reply, staff)
    router.callback_query.register(queue_button, on(DeskAction.queue), staff)
    router.callback_query.register(show_button, on(DeskAction.show), staff)
    router.callback_query.register(photos_button, on(DeskAction.photos), staff)
    router.callback_query.register(reply_button, on(DeskAction.reply), staff)
    router.callback_query.register(close_button, on(DeskAction.close), staff)
    router.callback_query.register(cancel_button, on(DeskAction.cancel), staff)
    return router
