"""Last router: whatever no feature took gets a helpful answer, never silence."""

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message

from bot import screens
from bot.i18n import Translator
from models import Member

router = Router(name="fallback")


@router.message(F.text.startswith("/"))
async def unknown_command(message: Message, t: Translator, member: Member | None) -> None:
    if member is None:
        text, markup = screens.home(t, None, message.from_user.first_name if message.from_user else None)
        await message.answer(f"{t('need-account')}\n\n{text}", reply_markup=markup)
        return
    await message.answer(t("unknown-command"))


@router.message()
async def anything_else(message: Message, t: Translator, member: Member | None) -> None:
    text, markup = screens.home(t, member, message.from_user.first_name if message.from_user else None)
    await message.answer(f"{t('not-understood')}\n\n{text}", reply_markup=markup)


@router.callback_query()
async def stale_button(callback: CallbackQuery, t: Translator) -> None:
    """Old buttons of earlier messages, forged data, or a member-only button pressed by a guest."""
    await callback.answer(t("button-expired"), show_alert=False)
