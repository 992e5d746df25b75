"""Last router: whatever no feature took gets a helpful answer, never silence."""

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot import screens
from bot.i18n import Translator
from services.members import MemberView


async def unknown_command(message: Message, t: Translator, member: MemberView | None) -> None:
    if member is None:
        text, markup = screens.home(t, None, message.from_user.first_name if message.from_user else None)
        await message.answer(f"{t('need-account')}\n\n{text}", reply_markup=markup)
        return
    await message.answer(t("unknown-command"))


async def anything_else(message: Message, t: Translator, member: MemberView | None) -> None:
    text, markup = screens.home(t, member, message.from_user.first_name if message.from_user else None)
    await message.answer(f"{t('not-understood')}\n\n{text}", reply_markup=markup)


async def stale_button(callback: CallbackQuery, t: Translator, callback_answer: CallbackAnswer) -> None:
    """Old buttons of earlier messages, forged data, or a member-only button pressed by a guest."""
    callback_answer.text = t("button-expired")


def create_router() -> Router:
    router = Router(name="fallback")
    router.message.register(unknown_command, F.text.startswith("/"))
    router.message.register(anything_else)
    router.callback_query.register(stale_button)
    return router
