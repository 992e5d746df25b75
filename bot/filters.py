"""Filters that read what the context middleware resolved for the update."""

import logging
from typing import Any

from aiogram.filters import BaseFilter
from aiogram.types import TelegramObject, User

from bot.i18n import Translator
from services.members import MemberView
from services.policy import ShopPolicy
from services.staff.roles import Role, current_role
from services.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)


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


class IsStaff(BaseFilter):
    """The sender holds at least `minimum`, read from the database for this very update.

    Anyone else falls through to the fallback router and gets exactly what an unknown command
    or a stale button gets; the attempt is logged (by Telegram id only).
    """

    def __init__(self, minimum: Role = Role.operator) -> None:
        self.minimum = minimum

    async def __call__(
        self, event: TelegramObject, uow: UnitOfWork, policy: ShopPolicy, event_from_user: User | None = None,
    ) -> bool | dict[str, Any]:
        if event_from_user is None:
            return False
        role = await current_role(uow, policy, event_from_user.id)
        if role is not None and role.covers(self.minimum):
            return {"staff_role": role}
        log.warning("staff-only update refused for user %s (role %s)", event_from_user.id, role)
        return False
