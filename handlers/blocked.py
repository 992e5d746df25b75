"""A member blocked by staff gets a polite refusal for everything they send or press; nothing of theirs runs.

This router comes first, so no feature handler sees their updates; the filter reads the member the
context middleware already loaded (no extra query). Payments: a blocked member's pre-checkout is
refused here, so no money is taken; a successful_payment still passes on to be recorded (the money
was taken before the block).
"""

from typing import Any

from aiogram import F, Router
from aiogram.filters import BaseFilter
from aiogram.types import CallbackQuery, Message, PreCheckoutQuery, TelegramObject
from aiogram.utils.callback_answer import CallbackAnswer

from bot.i18n import Translator
from services.members import MemberView

BLOCKED = "blocked"


class IsBlocked(BaseFilter):
    async def __call__(self, event: TelegramObject, member: MemberView | None = None, **_: Any) -> bool:
        return member is not None and member.status == BLOCKED


async def refuse_message(message: Message, t: Translator) -> None:
    await message.answer(t("member-blocked"))


async def refuse_payment(query: PreCheckoutQuery, t: Translator) -> None:
    await query.answer(ok=False, error_message=t("member-blocked"))


async def refuse_button(callback: CallbackQuery, t: Translator, callback_answer: CallbackAnswer) -> None:
    callback_answer.text, callback_answer.show_alert = t("member-blocked"), True


def create_router() -> Router:
    router = Router(name="blocked")
    router.message.register(refuse_message, IsBlocked(), F.successful_payment.is_(None))
    router.pre_checkout_query.register(refuse_payment, IsBlocked())
    router.callback_query.register(refuse_button, IsBlocked())
    return router
