"""Service messages to a chat other than the one being answered (security notices)."""

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.i18n import pick_language, translator
from bot.render import quote
from services import members

log = logging.getLogger(__name__)


async def account_moved_away(
    bot: Bot, session: AsyncSession, settings: Settings, telegram_id: int | None, username: str
) -> None:
    """Tell the chat that just lost its binding; a failure to deliver is logged, not raised."""
    if telegram_id is None:
        return
    tg_user, _ = await members.load_context(session, telegram_id)
    t = translator(pick_language(tg_user.language if tg_user else None, None, settings.default_language))
    try:
        await bot.send_message(telegram_id, t("login-moved-away", name=quote(username)))
    except TelegramAPIError as exc:
        log.info("could not tell the previous chat %s: %s", telegram_id, exc)
