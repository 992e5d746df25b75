"""The audit log: every staff change (and refused reward) writes a row in its own transaction.

`record` runs inside the use case's open unit of work, so the row commits or rolls back with
the change. `page` is the owners' browser, newest first, filtered by staff, member or action.
"""

from datetime import datetime
from typing import TYPE_CHECKING, Any

from models.base import utcnow
from models.repositories.staff import AuditEntry, AuditFilter
from services.paging import Page, clamp
from services.unit_of_work import UnitOfWork

if TYPE_CHECKING:  # policy imports the orders rules, which write through this module
    from services.policy import ShopPolicy

__all__ = ["AuditEntry", "AuditFilter", "page", "record"]


async def record(
    uow: UnitOfWork, actor_id: int | None, action: str, target_type: str | None = None,
    target_id: object = None, *, member_id: int | None = None, before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None, reason: str | None = None, now: datetime | None = None,
) -> int:
    """Append one row; `action` is a dotted name ("points.adjust", "order.refund", ...)."""
    return await uow.staff.record(dict(
        at=now or utcnow(), actor_id=actor_id, action=action, target_type=target_type,
        target_id=None if target_id is None else str(target_id), member_id=member_id,
        before=before, after=after, reason=reason[:500] if reason else None,
    ))


async def page(
    uow: UnitOfWork, where: AuditFilter, number: int, size: int = 10, *, owner: "tuple[ShopPolicy, int] | None" = None,
) -> Page[AuditEntry]:
    """One page of the log; with `owner` (policy, Telegram id) the owner role is checked in the same read."""
    from services.staff.roles import Role, require  # roles writes through this module: imported here, not above

    async with uow.read():
        if owner is not None:
            await require(uow, owner[0], owner[1], Role.owner)
        number, pages = clamp(number, await uow.staff.audit_count(where), size)
        rows = await uow.staff.audit_rows(where, number * size, size)
    return Page(rows, number, pages)
