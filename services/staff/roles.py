"""Who may do what: the role is read from the database on every staff call, never cached.

Owners come from configuration (`ShopPolicy.owners`); admins and operators are granted and
revoked by owners in the bot, so a revocation takes effect on the very next update.
"""

import logging
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from models.base import utcnow
from services.errors import InvalidInput, NotAllowed
from services.policy import ShopPolicy
from services.staff import audit
from services.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)


class Role(str, Enum):
    operator = "operator"
    admin = "admin"
    owner = "owner"

    @property
    def rank(self) -> int:
        return _RANKS[self]

    def covers(self, minimum: "Role") -> bool:
        """An owner may do what an admin may, an admin what an operator may."""
        return self.rank >= minimum.rank


_RANKS = {Role.operator: 1, Role.admin: 2, Role.owner: 3}
GRANTABLE = (Role.admin, Role.operator)


class StaffOnly(NotAllowed):
    """The caller lacks the role; handlers answer as for an unknown command."""

    code = "staff-only"


@dataclass(frozen=True, slots=True)
class Actor:
    """A staff user as checked in this transaction."""

    telegram_id: int
    role: Role


async def role_in_open_uow(uow: UnitOfWork, policy: ShopPolicy, telegram_id: int) -> Role | None:
    if telegram_id in policy.owners:
        return Role.owner
    stored = await uow.staff.role_of(telegram_id)
    return Role(stored) if stored else None


async def current_role(uow: UnitOfWork, policy: ShopPolicy, telegram_id: int) -> Role | None:
    """The caller's role now (owners without a query); for filters and menus."""
    if telegram_id in policy.owners:
        return Role.owner
    async with uow.read(snapshot=False):
        return await role_in_open_uow(uow, policy, telegram_id)


async def require(uow: UnitOfWork, policy: ShopPolicy, telegram_id: int, minimum: Role) -> Actor:
    """Inside the use case's open unit of work: the role is checked in the same transaction as the change."""
    role = await role_in_open_uow(uow, policy, telegram_id)
    if role is None or not role.covers(minimum):
        log.warning("staff action refused: user %s has %s, needs %s", telegram_id, role, minimum.value)
        raise StaffOnly()
    return Actor(telegram_id, role)


async def grant(
    uow: UnitOfWork, policy: ShopPolicy, owner_id: int, telegram_id: int, role: Role, now: datetime | None = None,
) -> Role | None:
    """An owner makes someone an admin or operator; returns the role held before."""
    if role not in GRANTABLE or telegram_id in policy.owners:
        raise InvalidInput("staff-role-invalid")
    now = now or utcnow()
    async with uow.write():
        actor = await require(uow, policy, owner_id, Role.owner)
        before = await uow.staff.grant(telegram_id, role.value, actor.telegram_id, now)
        await audit.record(
            uow, actor.telegram_id, "staff.grant", "telegram_user", telegram_id,
            before={"role": before}, after={"role": role.value}, now=now,
        )
        await uow.commit()
    return Role(before) if before else None


async def revoke(uow: UnitOfWork, policy: ShopPolicy, owner_id: int, telegram_id: int, now: datetime | None = None) -> Role | None:
    """An owner takes a role away; returns the role removed (None: there was none, nothing written)."""
    now = now or utcnow()
    async with uow.write():
        actor = await require(uow, policy, owner_id, Role.owner)
        removed = await uow.staff.revoke(telegram_id)
        if removed is None:
            return None
        await audit.record(
            uow, actor.telegram_id, "staff.revoke", "telegram_user", telegram_id,
            before={"role": removed}, after={"role": None}, now=now,
        )
        await uow.commit()
    return Role(removed)
