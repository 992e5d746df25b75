"""Update middlewares: one database session per update and who is writing."""

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update, User
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.i18n import pick_language, translator
from services.update_log import UpdateLog, load_sender

log = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class ContextMiddleware(BaseMiddleware):
    """Opens the update's session, drops duplicate updates, resolves member and language.

    Handlers receive `session`, `member` (or None), `t` (translator), `lang` and `settings`.
    """

    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, update_log: UpdateLog
    ) -> None:
        self.sessionmaker = sessionmaker
        self.settings = settings
        self.update_log = update_log

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        user: User | None = data.get("event_from_user")
        async with self.sessionmaker() as session:
            if not await self.update_log.claim(session, event.update_id):
                log.info("update %s delivered again; skipped", event.update_id)
                return None
            tg_user, member = await load_sender(session, user.id) if user else (None, None)
            lang = pick_language(
                tg_user.language if tg_user else None,
                user.language_code if user else None,
                self.settings.default_language,
            )
            data.update(session=session, member=member, lang=lang, t=translator(lang), settings=self.settings)
            return await handler(event, data)
