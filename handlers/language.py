"""/language: pick Chinese or English; remembered for the Telegram user, member or not."""

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot import keyboards
from bot.commands import set_chat_language
from bot.i18n import LANGUAGES, Translator, translator
from bot.keyboards import LangCb, MenuCb
from services import members

router = Router(name="language")


@router.message(Command("language"))
async def language_command(message: Message, t: Translator, lang: str) -> None:
    await message.answer(t("language-pick"), reply_markup=keyboards.languages(t, lang))


@router.callback_query(MenuCb.filter(F.action == "language"))
async def language_button(callback: CallbackQuery, t: Translator, lang: str) -> None:
    await callback.message.edit_text(t("language-pick"), reply_markup=keyboards.languages(t, lang))


@router.callback_query(LangCb.filter(F.code.in_(set(LANGUAGES))))
async def language_chosen(callback: CallbackQuery, callback_data: LangCb, session: AsyncSession, bot: Bot) -> None:
    await members.set_language(session, callback.from_user.id, callback_data.code)
    await set_chat_language(bot, callback.from_user.id, callback_data.code)
    t = translator(callback_data.code)
    await callback.message.edit_text(
        t("language-set"), reply_markup=keyboards.inline([[(t("btn-home"), MenuCb(action="home"))]])
    )
