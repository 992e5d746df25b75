"""Staff command menus per chat (setMyCommands with a chat scope): at startup, on grant, on revocation."""

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError

from bot.commands import set_staff_commands
from bot.i18n import pick_language
from services import members
from services.policy import ShopPolicy
from services.staff import team
from services.staff.roles import Role
from services.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)


async def staff_menus(bot: Bot, uow: UnitOfWork, policy: ShopPolicy, default_language: str) -> None:
    """Every owner and granted staff user who has written to the bot gets their role's commands."""
    for telegram_id, role, language in await team.known_chats(uow, policy):
        await _set(bot, telegram_id, role, pick_language(language, None, default_language))


async def refresh_menu(bot: Bot, uow: UnitOfWork, telegram_id: int, role: Role | None, default_language: str) -> None:
    """After a grant (the role's commands) or a revocation (None: back to the member commands)."""
    language = pick_language(await members.language_of(uow, telegram_id), None, default_language)
    await _set(bot, telegram_id, role, language)


async def _set(bot: Bot, telegram_id: int, role: Role | None, language: str) -> None:
    try:
        await set_staff_commands(bot, telegram_id, role.value if role else None, language)
    except TelegramAPIError as error:  # the user blocked the bot or deleted the chat: nothing to show
        log.info("staff commands for %s not set: %s", telegram_id, error)
