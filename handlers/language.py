"""/language: pick Chinese or English; remembered for the Telegram user, member or not."""

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot import keyboards, replies
from bot.callbacks import LangCb, MenuAction, MenuCb
from bot.commands import set_chat_language
from bot.i18n import LANGUAGES, Translator, translator
from services import members
from services.policy import ShopPolicy
from services.staff.roles import current_role
from services.unit_of_work import UnitOfWork


async def language_command(message: Message, t: Translator, lang: str) -> None:
    await message.answer(t("language-pick"), reply_markup=keyboards.languages(t, lang))


async def language_button(callback: CallbackQuery, t: Translator, lang: str) -> None:
    await replies.show(callback, t("language-pick"), keyboards.languages(t, lang))


async def language_chosen(
    callback: CallbackQuery, callback_data: LangCb, uow: UnitOfWork, bot: Bot, policy: ShopPolicy,
) -> None:
    await members.set_language(uow, callback.from_user.id, callback_data.code)
    role = await current_role(uow, policy, callback.from_user.id)  # a staff chat keeps its staff commands
    await set_chat_language(bot, callback.from_user.id, callback_data.code, role.value if role else None)
    t = translator(callback_data.code)
    await replies.show(callback, t("language-set"), keyboards.home_button(t))


def create_router() -> Router:
    router = Router(name="language")
    router.message.register(language_command, Command("language"))
    router.callback_query.register(language_button, MenuCb.filter(F.action == MenuAction.language))
    router.callback_query.register(language_chosen, LangCb.filter(F.code.in_(set(LANGUAGES))))
    return router
