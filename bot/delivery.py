"""Messages the bot sends on its own (not as an answer): one send, a 429 waited out once."""

import asyncio
import logging

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramForbiddenError,
    TelegramRetryAfter,
)
from aiogram.types import InlineKeyboardMarkup

log = logging.getLogger(__name__)


async def deliver(bot: Bot, chat_id: int, text: str, reply_markup: InlineKeyboardMarkup | None = None) -> bool:
    """Send once, waiting out one 429; a blocked bot or missing chat is final (logged, not raised)."""
    for attempt in range(2):
        try:
            await bot.send_message(chat_id, text, reply_markup=reply_markup)
            return True
        except TelegramRetryAfter as error:
            if attempt:
                break
            log.info("rate limited; waiting %s s", error.retry_after)
            await asyncio.sleep(error.retry_after)
        except TelegramForbiddenError:
            log.info("chat %s blocked the bot; message dropped", chat_id)
            return False
        except TelegramAPIError as error:
            log.warning("message to %s failed: %s", chat_id, error)
            return False
    return False
