"""Update middleware: flood control, skip repeated updates, resolve who is writing."""

import logging
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager, nullcontext
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update, User

from bot.flood_guard import FloodGuard
from bot.i18n import pick_language, translator
from bot.update_log import UpdateLog
from models.database import Database
from services.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class ContextMiddleware(BaseMiddleware):
    """Drops duplicate updates and gives handlers `uow`, `member` (or None), `lang` and `t`.

    No database session stays open here: each use case a handler calls opens and closes its
    own unit of work, so nothing holds a connection while the bot talks to Telegram.
    """

    def __init__(
        self, database: Database, default_language: str, update_log: UpdateLog, flood: FloodGuard, fsm_batch: Callable[[], AbstractAsyncContextManager[None]] = nullcontext,
    ) -> None:
        self.flood = flood
        self.fsm_batch = fsm_batch
        self.database = database
        self.default_language = default_language
        self.update_log = update_log

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        user: User | None = data.get("event_from_user")
        if user is not None and not await self.flood.admit(event, user, data["bot"]):
            return None
        uow = UnitOfWork(self.database)
        admission = await self.update_log.admit(uow, event.update_id, user)
        if not admission.fresh:
            log.info("update %s delivered again; skipped", event.update_id)
            return None
        sender = admission.sender
        lang = pick_language(
            sender.language if sender else None, user.language_code if user else None, self.default_language
        )
        data.update(uow=uow, member=sender.member if sender else None, lang=lang, t=translator(lang))
        async with self.fsm_batch():
            return await handler(event, data)
