"""Bot API request middleware for answers that mean "nothing to do" rather than failure."""

import logging
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import (
    EditMessageCaption,
    EditMessageReplyMarkup,
    EditMessageText,
    TelegramMethod,
)
from aiogram.methods.base import Response, TelegramType

log = logging.getLogger(__name__)

EDITS = (EditMessageText, EditMessageReplyMarkup, EditMessageCaption)


class IgnoreNotModified(BaseRequestMiddleware):
    """A double tap edits a message into what it already shows: Telegram says "not modified".

    The message already looks right, so the edit counts as done instead of as an error.
    """

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot, method: TelegramMethod[TelegramType]
    ) -> Response[TelegramType]:
        try:
            return await make_request(bot, method)
        except TelegramBadRequest as error:
            if isinstance(method, EDITS) and "message is not modified" in error.message:
                log.debug("edit skipped: %s", error.message)
                return Response[Any](ok=True, result=True)
            raise
