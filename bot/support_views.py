"""Support tickets as the chat shows them (for the member and for staff), and the relays between them.

A relay is a message to a chat other than the one being answered: the member gets staff replies
and the rating question, the replying staff member gets the member's answer. It is sent after the
use case committed, and a chat that cannot be reached is logged, never an error for the sender.
"""

import logging
from contextlib import suppress

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import InlineKeyboardMarkup

from bot import keyboards
from bot.callbacks import DeskAction, DeskCb, TicketAction, TicketCb
from bot.delivery import deliver
from bot.i18n import Translator, pick_language, translator
from bot.keyboards import Button
from bot.render import local_time, quote
from services import members
from services.policy import ShopPolicy
from services.support import CLIP, Thread, TicketLine, TicketView
from services.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)


def kind_name(t: Translator, kind: str) -> str:
    return t(f"ticket-kind-{kind}")


def status_name(t: Translator, status: str) -> str:
    return t(f"ticket-status-{status}")


def stars(rating: int) -> str:
    return "★" * rating + "☆" * (5 - rating)


def clipped(text: str, limit: int = CLIP) -> str:
    """User text for a thread screen: cut to `limit` characters, then escaped."""
    return quote(text if len(text) <= limit else text[: limit - 1] + "…")


def thread_lines(t: Translator, thread: Thread, policy: ShopPolicy, prefix: str) -> list[str]:
    """The newest messages of a thread; `prefix` is "ticket" (the member's view) or "desk" (staff)."""
    lines = [t("ticket-earlier", count=thread.total - len(thread.lines))] if thread.total > len(thread.lines) else []
    for line in thread.lines:
        lines.append(message_text(t, line, policy, prefix))
    return lines


def message_text(t: Translator, line: TicketLine, policy: ShopPolicy, prefix: str) -> str:
    head = t(f"{prefix}-line-{line.author}", time=local_time(line.created_at, policy.tz))
    body = [clipped(line.text)] if line.text else []
    if line.photos:
        body.append(t("ticket-line-photos", count=len(line.photos)))
    return "\n".join([head, *body])


def rating_row(t: Translator, ticket_id: int) -> list[Button]:
    return [(str(n) + "★", TicketCb(action=TicketAction.rate, id=ticket_id, value=str(n))) for n in range(1, 6)]


def member_ticket_screen(t: Translator, thread: Thread, policy: ShopPolicy) -> tuple[str, InlineKeyboardMarkup]:
    ticket = thread.ticket
    head = t("ticket-detail", number=ticket.number, kind=kind_name(t, ticket.kind),
             status=status_name(t, ticket.status), time=local_time(ticket.created_at, policy.tz))
    parts = [head, *thread_lines(t, thread, policy, "ticket")]
    rows: list[list[Button]] = []
    if ticket.status != "closed":
        rows.append([(t("ticket-btn-answer"), TicketCb(action=TicketAction.answer, id=ticket.id))])
    elif ticket.rating is None:
        parts.append(t("ticket-rate-ask"))
        rows.append(rating_row(t, ticket.id))
    else:
        parts.append(t("ticket-rating-shown", stars=stars(ticket.rating)))
    rows.append([(t("feedback-btn-mine"), TicketCb(action=TicketAction.list))])
    return "\n\n".join(parts), keyboards.inline(rows)


async def language_for(uow: UnitOfWork, telegram_id: int, default: str) -> Translator:
    return translator(pick_language(await members.language_of(uow, telegram_id), None, default))


async def send_photos(bot: Bot, chat_id: int, photos: list[str] | tuple[str, ...]) -> None:
    """Photos that came with a relayed message, by file id (Telegram keeps them; nothing is uploaded)."""
    for file_id in photos:
        with suppress(TelegramAPIError):
            await bot.send_photo(chat_id, file_id)


async def relay_staff_reply(
    bot: Bot, uow: UnitOfWork, default: str, ticket: TicketView, text: str, photos: list[str],
) -> bool:
    """The member sees the staff answer in their chat, with buttons to reply or open the ticket."""
    if ticket.member_telegram_id is None:
        return False
    t = await language_for(uow, ticket.member_telegram_id, default)
    markup = keyboards.inline([[(t("ticket-btn-answer"), TicketCb(action=TicketAction.answer, id=ticket.id)),
                                (t("ticket-btn-view"), TicketCb(action=TicketAction.show, id=ticket.id))]])
    body = quote(text) if text else t("ticket-line-photos", count=len(photos))
    delivered = await deliver(bot, ticket.member_telegram_id, t("ticket-staff-replied", number=ticket.number, text=body),
                              markup)
    if delivered:
        await send_photos(bot, ticket.member_telegram_id, photos)
    return delivered


async def relay_closed(bot: Bot, uow: UnitOfWork, default: str, ticket: TicketView) -> bool:
    """The member is told the ticket is resolved and asked for 1-5 stars."""
    if ticket.member_telegram_id is None:
        return False
    t = await language_for(uow, ticket.member_telegram_id, default)
    markup = keyboards.inline([rating_row(t, ticket.id)])
    return await deliver(bot, ticket.member_telegram_id, t("ticket-closed-rate", number=ticket.number), markup)


async def relay_member_answer(
    bot: Bot, uow: UnitOfWork, default: str, ticket: TicketView, text: str, photos: list[str],
) -> bool:
    """The staff member who last replied sees the answer; unanswered tickets simply wait in the queue."""
    if ticket.staff_id is None:
        return False
    t = await language_for(uow, ticket.staff_id, default)
    markup = keyboards.inline([[(t("desk-btn-reply"), DeskCb(action=DeskAction.reply, id=ticket.id)),
                                (t("ticket-btn-view"), DeskCb(action=DeskAction.show, id=ticket.id))]])
    body = quote(text) if text else t("ticket-line-photos", count=len(photos))
    delivered = await deliver(bot, ticket.staff_id, t("desk-member-answered", number=ticket.number, text=body), markup)
    if delivered:
        await send_photos(bot, ticket.staff_id, photos)
    log.info("ticket %s: member answer relayed to staff %s: %s", ticket.id, ticket.staff_id, delivered)
    return delivered
