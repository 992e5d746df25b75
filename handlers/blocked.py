"""A member blocked by staff gets a polite refusal for everything they send or press; nothing of theirs runs.

This router comes first, so no feature handler sees their updates; the filter reads the member the
context middleware already loaded (no extra query). Payments: when orders answer pre_checkout_query,
register a refusal here too (not before: a registered pre-checkout observer makes the bot ask
Telegram for those updates, and nobody would answer a member's).
"""

from typing import Any

from aiogram import Router
from aiogram.filters import BaseFilter
from aiogram.types import CallbackQuery, Message, TelegramObject
from aiogram.utils.callback_answer import CallbackAnswer

from bot.i18n import Translator
from services.members import MemberView

BLOCKED = "blocked"


class IsBlocked(BaseFilter):
    async def __call__(self, event: TelegramObject, member: MemberView | None = None, **_: Any) -> bool:
        return member is not None and member.status == BLOCKED


async def refuse_message(message: Message, t: Translator) -> None:
    await message.answer(t("member-blocked"))


async def refuse_button(callback: CallbackQuery, t: Translator, callback_answer: CallbackAnswer) -> None:
    callback_answer.text, callback_answer.show_alert = t("member-blocked"), True


def create_router() -> Router:
    router = Router(name="blocked")
    router.message.register(refuse_message, IsBlocked())
    router.callback_query.register(refuse_button, IsBlocked())
    return router
