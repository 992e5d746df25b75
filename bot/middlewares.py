"""Update middlewares: one database session per update and who is writing."""

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update, User
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.i18n import pick_language, translator
from services import members, update_log

log = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class ContextMiddleware(BaseMiddleware):
    """Opens the update's session, drops duplicate updates, resolves member and language.

    Handlers receive `session`, `member` (or None), `t` (translator), `lang` and `settings`.
    """

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings) -> None:
        self.sessionmaker = sessionmaker
        self.settings = settings

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        user: User | None = data.get("event_from_user")
        async with self.sessionmaker() as session:
            tg_user, member = await members.load_context(session, user.id) if user else (None, None)
            new_id = user.id if user is not None and tg_user is None else None
            if not await update_log.claim(session, event.update_id, new_id):
                log.info("update %s delivered again; skipped", event.update_id)
                return None
            lang = pick_language(
                tg_user.language if tg_user else None,
                user.language_code if user else None,
                self.settings.default_language,
            )
            data.update(session=session, member=member, lang=lang, t=translator(lang), settings=self.settings)
            return await handler(event, data)
