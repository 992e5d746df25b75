"""Staff points tools on a member: adjust (two-person above the threshold), freeze, unfreeze, revoke.

The ledger work comes from services/points/ledger.py; here it runs in a transaction that also
checks the admin role and writes the audit row with the balances before and after.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from models.base import utcnow
from models.repositories.ledger import Ledger, Posted
from models.repositories.points_reads import LedgerLine
from services.errors import InvalidInput, NotFound
from services.points import ledger as points_ledger
from services.points import postings
from services.policy import ShopPolicy
from services.staff import approvals, audit
from services.staff.approvals import Approval
from services.staff.roles import Actor, Role, require
from services.unit_of_work import UnitOfWork

REVOCABLE_SHOWN = 8
POINTS_MAX = 10_000_000


@dataclass(frozen=True, slots=True)
class Adjusted:
    """Either the posted change, or the approval request it became."""

    posted: Posted | None = None
    request_id: int | None = None


def checked_amount(amount: int) -> int:
    if amount == 0:
        raise InvalidInput("points-amount-nonzero")
    if abs(amount) > POINTS_MAX:
        raise InvalidInput("admin-amount-too-large", max=POINTS_MAX)
    return amount


async def _balances(uow: UnitOfWork, member_id: int) -> dict[str, int]:
    member = await uow.members.view(member_id)
    if member is None:
        raise NotFound("admin-member-not-found")
    return {"available": member.points_available, "frozen": member.points_frozen}


async def _post(uow: UnitOfWork, actor_id: int, action: str, member_id: int, reason: str, now: datetime,
                work: Callable[[Ledger], Posted], **extra: object) -> Posted:
    """Run the ledger work; a new entry gets its audit row, a replayed key changes nothing."""
    before = await _balances(uow, member_id)
    posted = await uow.ledger.run(work)
    if posted.created:
        after = await _balances(uow, member_id)
        await audit.record(uow, actor_id, action, "points_entry", posted.entry_id, member_id=member_id,
                           before=before, after={**after, **extra}, reason=reason, now=now)
    return posted


async def adjust(
    uow: UnitOfWork, policy: ShopPolicy, staff_id: int, member_id: int, amount: int, reason: str, key: str,
    now: datetime | None = None,
) -> Adjusted:
    """Add or take points with a reason; above the threshold it becomes an approval request instead."""
    amount, reason, now = checked_amount(amount), postings.checked_reason(reason), now or utcnow()
    async with uow.write():
        actor = await require(uow, policy, staff_id, Role.admin)
        await _balances(uow, member_id)
        if approvals.needs_approval(policy, "points.adjust", amount):
            request_id = await approvals.open_in_uow(uow, actor, "points.adjust", member_id, amount, reason,
                                                     policy, now, {"key": key})
            await uow.commit()
            return Adjusted(request_id=request_id)
        work = points_ledger.adjust_work(member_id, amount, key, reason=reason, tz=policy.tz,
                                         staff_id=actor.telegram_id, now=now)
        posted = await _post(uow, actor.telegram_id, "points.adjust", member_id, reason, now, work, amount=amount)
        await uow.commit()
    return Adjusted(posted=posted)


async def _execute_adjust(uow: UnitOfWork, request: Approval, actor: Actor, now: datetime,
                          policy: ShopPolicy) -> dict[str, object]:
    """The approved adjustment, booked as the requester's with the approver named in the audit row."""
    key = f"approval:{request.id}"
    work = points_ledger.adjust_work(request.member_id, request.amount, key, reason=request.reason, tz=policy.tz,
                                     staff_id=request.requested_by, now=now)
    posted = await _post(uow, request.requested_by, "points.adjust", request.member_id, request.reason, now, work,
                         amount=request.amount, approved_by=actor.telegram_id, approval_id=request.id)
    return {"entry_id": posted.entry_id}


approvals.EXECUTORS["points.adjust"] = _execute_adjust


async def hold(
    uow: UnitOfWork, policy: ShopPolicy, staff_id: int, member_id: int, amount: int, reason: str, key: str,
    *, freeze: bool, now: datetime | None = None,
) -> Posted:
    """Freeze available points, or unfreeze points staff froze (admins)."""
    reason, now = postings.checked_reason(reason), now or utcnow()
    postings.positive(amount)
    async with uow.write():
        actor = await require(uow, policy, staff_id, Role.admin)
        build = points_ledger.freeze_work if freeze else points_ledger.unfreeze_work
        work = build(member_id, amount, key, reason=reason, staff_id=actor.telegram_id, now=now)
        action = "points.freeze" if freeze else "points.unfreeze"
        posted = await _post(uow, actor.telegram_id, action, member_id, reason, now, work, amount=amount)
        await uow.commit()
    return posted


async def revoke(
    uow: UnitOfWork, policy: ShopPolicy, staff_id: int, member_id: int, entry_id: int, reason: str,
    now: datetime | None = None,
) -> Posted:
    """Reverse one of this member's entries (never a delete; each entry at most once)."""
    reason, now = postings.checked_reason(reason), now or utcnow()
    async with uow.write():
        actor = await require(uow, policy, staff_id, Role.admin)
        work = points_ledger.revoke_work(entry_id, reason=reason, tz=policy.tz, staff_id=actor.telegram_id,
                                         now=now, member_id=member_id)
        posted = await _post(uow, actor.telegram_id, "points.revoke", member_id, reason, now, work,
                             reverses=entry_id)
        await uow.commit()
    return posted


async def recent_entries(uow: UnitOfWork, policy: ShopPolicy, staff_id: int, member_id: int) -> list[LedgerLine]:
    """The member's latest entries, to pick one to revoke."""
    async with uow.read():
        await require(uow, policy, staff_id, Role.admin)
        return await uow.points.lines(member_id, 0, REVOCABLE_SHOWN)
