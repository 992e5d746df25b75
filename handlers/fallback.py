"""Last router: whatever no feature took gets a helpful answer, never silence."""

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot import screens
from bot.commands import MEMBER_COMMANDS
from bot.i18n import Translator
from services.members import MemberView


async def unknown_command(message: Message, t: Translator, member: MemberView | None) -> None:
    """A member command from a guest asks them to join first; anything else is unknown, with the menu."""
    command = message.text.split(maxsplit=1)[0].lstrip("/").split("@", 1)[0].lower()
    notice = "need-account" if member is None and command in MEMBER_COMMANDS else "unknown-command"
    text, markup = screens.home(t, member, message.from_user.first_name if message.from_user else None)
    await message.answer(f"{t(notice)}\n\n{text}", reply_markup=markup)


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
