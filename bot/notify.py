"""Service messages to a chat other than the one being answered (security notices)."""

from aiogram import Bot

from bot import keyboards
from bot.callbacks import MenuAction, MenuCb
from bot.delivery import deliver
from bot.i18n import pick_language, translator
from bot.render import quote
from services import members
from services.unit_of_work import UnitOfWork


async def account_moved_away(
    bot: Bot, uow: UnitOfWork, default_language: str, telegram_id: int | None, username: str
) -> None:
    """Tell the chat that just lost its binding; a failure to deliver is logged, not raised."""
    if telegram_id is None:
        return
    language = pick_language(await members.language_of(uow, telegram_id), None, default_language)
    t = translator(language)
    again = keyboards.inline([[(t("btn-login-again"), MenuCb(action=MenuAction.login))]])
    await deliver(bot, telegram_id, t("login-moved-away", name=quote(username)), again)
