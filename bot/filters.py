"""Filters that read what the context middleware resolved for the update."""

from typing import Any

from aiogram.filters import BaseFilter
from aiogram.types import TelegramObject

from bot.i18n import Translator
from services.members import MemberView


class IsMember(BaseFilter):
    """The sender has an active member account bound to this Telegram user."""

    async def __call__(self, event: TelegramObject, member: MemberView | None = None) -> bool:
        return member is not None and member.active


class IsGuest(BaseFilter):
    async def __call__(self, event: TelegramObject, member: MemberView | None = None) -> bool:
        return member is None


class TextIs(BaseFilter):
    """Matches a reply-keyboard button by its text key, in the user's language."""

    def __init__(self, *keys: str) -> None:
        self.keys = keys

    async def __call__(self, event: TelegramObject, t: Translator, **_: Any) -> bool:
        text = getattr(event, "text", None)
        return text is not None and any(text == t(key) for key in self.keys)
