"""Last line of defence: log the failure, tell the user in their language, never a traceback."""

import logging

from aiogram.exceptions import TelegramAPIError
from aiogram.types import ErrorEvent

from bot.i18n import translator

log = logging.getLogger(__name__)


async def on_error(event: ErrorEvent, **data: object) -> bool:
    log.exception("update %s failed", event.update.update_id, exc_info=event.exception)
    t = data.get("t") or translator("zh")
    update = event.update
    try:
        # A callback query was already answered by CallbackAnswerMiddleware; say it in the chat.
        if update.callback_query is not None and update.callback_query.message is not None:
            await update.callback_query.message.answer(t("error-generic"))
        elif update.message is not None:
            await update.message.answer(t("error-generic"))
    except TelegramAPIError:
        log.warning("could not report the failure to the user")
    return True
