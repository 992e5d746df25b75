"""Applies flood control to incoming updates: staff pass, the first excess update gets a notice."""

import logging
from collections.abc import Awaitable, Callable

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import Update, User

from bot.flood import FloodControl, Verdict
from bot.i18n import pick_language, translator

log = logging.getLogger(__name__)


class FloodGuard:
    def __init__(self, control: FloodControl, is_staff: Callable[[int], Awaitable[bool]], default_language: str) -> None:
        self.control = control
        self.is_staff = is_staff
        self.default_language = default_language

    async def admit(self, update: Update, user: User, bot: Bot) -> bool:
        """True: handle the update. False: dropped (the sender was told once, with no database work).

        Payments always pass: an unanswered pre-checkout query fails the payment, and a
        successful_payment means the money was taken and must be recorded.
        """
        if update.pre_checkout_query is not None or (
            update.message is not None and update.message.successful_payment is not None
        ):
            return True
        verdict = await self.control.hit(user.id)
        if verdict is Verdict.allow or await self.is_staff(user.id):
            return True
        log.info("flood control: update %s from user %s dropped", update.update_id, user.id)
        t = translator(pick_language(None, user.language_code, self.default_language))
        notice = t("flood-slow-down") if verdict is Verdict.warn else None
        try:
            if update.callback_query is not None:  # every press is answered, or its button keeps spinning
                await bot.answer_callback_query(update.callback_query.id, text=notice)
            elif notice and update.message is not None:
                await bot.send_message(update.message.chat.id, notice)
        except TelegramAPIError as error:
            log.info("could not answer a dropped update: %s", error)
        return False
