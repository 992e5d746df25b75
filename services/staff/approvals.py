"""Two-person approval: a large staff change is a request that another admin or an owner decides.

The decision is one conditional UPDATE (pending -> approved/rejected, not by the requester, not
after expiry) in the same transaction as the approver's role check, the change itself and the
audit rows, so a replayed approval, self-approval, an expired request or a since-revoked admin
change nothing. Each kind of change registers how it is carried out (`EXECUTORS`): points
adjustments here (services/staff/points.py), refunds when orders land.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from models.base import utcnow
from models.repositories.admin import Approval
from services.errors import NotAllowed, NotFound
from services.policy import ShopPolicy
from services.staff import audit
from services.staff.roles import Actor, Role, require, role_in_open_uow
from services.unit_of_work import UnitOfWork

__all__ = ["Approval", "Decision", "approve", "expire_due", "needs_approval", "open_in_uow", "reject"]

# kind -> carries the approved change out inside the approving transaction; returns the audit "after".
Executor = Callable[[UnitOfWork, Approval, Actor, datetime, ShopPolicy], Awaitable[dict[str, Any]]]
EXECUTORS: dict[str, Executor] = {}


def needs_approval(policy: ShopPolicy, kind: str, amount: int) -> bool:
    """Above the configured amount a change of this kind waits for a second person."""
    thresholds = {"points.adjust": policy.approval_points_threshold, "order.refund": policy.approval_refund_threshold}
    return abs(amount) > thresholds[kind]


@dataclass(frozen=True, slots=True)
class Decision:
    request: Approval
    status: str
    result: dict[str, Any]


async def open_in_uow(
    uow: UnitOfWork, actor: Actor, kind: str, member_id: int | None, amount: int, reason: str,
    policy: ShopPolicy, now: datetime, payload: dict[str, Any] | None = None, target_id: str | None = None,
) -> int:
    """Inside the requesting use case's transaction: the request and its audit row.

    With `target_id` (e.g. a return request), a pending request for the same target is returned
    instead of a second one (press Approve twice: one request). Refunds above
    APPROVAL_REFUND_THRESHOLD: `needs_approval(policy, "order.refund", amount)`, then this with
    kind "order.refund", and an executor registered in EXECUTORS["order.refund"].
    """
    if target_id is not None and (open_id := await uow.admin.pending_for(kind, target_id)) is not None:
        return open_id
    request_id = await uow.admin.add_approval(
        kind=kind, status="pending", requested_by=actor.telegram_id, member_id=member_id, amount=amount,
        reason=reason, target_id=target_id, payload=payload, created_at=now, expires_at=now + policy.approval_ttl,
    )
    await audit.record(uow, actor.telegram_id, "approval.request", "approval", request_id, member_id=member_id,
                       after={"kind": kind, "amount": amount, "status": "pending"}, reason=reason, now=now)
    return request_id


async def approve(
    uow: UnitOfWork, policy: ShopPolicy, staff_id: int, request_id: int, now: datetime | None = None,
) -> Decision:
    """Another admin or an owner approves: the change runs now, in this transaction."""
    return await _decide(uow, policy, staff_id, request_id, "approved", now or utcnow())


async def reject(
    uow: UnitOfWork, policy: ShopPolicy, staff_id: int, request_id: int, now: datetime | None = None,
) -> Decision:
    return await _decide(uow, policy, staff_id, request_id, "rejected", now or utcnow())


async def _decide(uow: UnitOfWork, policy: ShopPolicy, staff_id: int, request_id: int, status: str,
                  now: datetime) -> Decision:
    _load_executors()
    async with uow.write():
        actor = await require(uow, policy, staff_id, Role.admin)
        request = await uow.admin.approval(request_id)
        if request is None:
            raise NotFound("approval-not-found")
        if request.requested_by == actor.telegram_id:
            raise NotAllowed("approval-self")
        if not await uow.admin.decide(request_id, status, actor.telegram_id, now):
            if request.status == "pending" and request.expires_at <= now:
                await _expire(uow, request, now)
                await uow.commit()
                raise NotAllowed("approval-expired")
            raise NotAllowed("approval-decided", status=request.status)
        if status == "approved" and not await _still_admin(uow, policy, request.requested_by):
            raise NotAllowed("approval-requester-revoked")  # the change was theirs to ask for; it stays unapproved
        result = await EXECUTORS[request.kind](uow, request, actor, now, policy) if status == "approved" else {}
        await audit.record(
            uow, actor.telegram_id, f"approval.{'approve' if status == 'approved' else 'reject'}", "approval",
            request_id, member_id=request.member_id, now=now,
            before={"status": "pending", "requested_by": request.requested_by},
            after={"status": status, "decided_by": actor.telegram_id, **result}, reason=request.reason,
        )
        await uow.commit()
    return Decision(request, status, result)


async def _still_admin(uow: UnitOfWork, policy: ShopPolicy, telegram_id: int) -> bool:
    role = await role_in_open_uow(uow, policy, telegram_id)
    return role is not None and role.covers(Role.admin)


async def _expire(uow: UnitOfWork, request: Approval, now: datetime) -> None:
    if await uow.admin.decide(request.id, "expired", None, now):
        await audit.record(uow, None, "approval.expire", "approval", request.id, member_id=request.member_id,
                           before={"status": "pending", "requested_by": request.requested_by},
                           after={"status": "expired"}, reason=request.reason, now=now)


async def expire_due(uow: UnitOfWork, now: datetime | None = None, limit: int = 200) -> int:
    """Background job: requests past their 24 hours become expired (each with its audit row)."""
    now = now or utcnow()
    async with uow.write():
        expired = 0
        for request_id in await uow.admin.due_approvals(now, limit):
            request = await uow.admin.approval(request_id)
            if request is not None:
                await _expire(uow, request, now)
                expired += 1
        await uow.commit()
    return expired


async def pending(uow: UnitOfWork, policy: ShopPolicy, staff_id: int, limit: int = 10) -> list[Approval]:
    async with uow.read():
        await require(uow, policy, staff_id, Role.admin)
        return await uow.admin.pending_approvals(limit)


async def request_of(uow: UnitOfWork, request_id: int) -> Approval:
    """One request as stored (for the notices sent after it was opened or decided)."""
    async with uow.read():
        request = await uow.admin.approval(request_id)
    if request is None:
        raise NotFound("approval-not-found")
    return request


async def approvers(uow: UnitOfWork, policy: ShopPolicy, requested_by: int) -> list[int]:
    """Who may decide a request and can be told: every admin and owner but the requester, among those
    who have written to the bot (Telegram refuses a message to anyone else)."""
    async with uow.read():
        admins = [grant.telegram_id for grant in await uow.staff.grants() if grant.role == Role.admin.value]
        people = sorted({*admins, *policy.owners} - {requested_by})
        return [telegram_id for telegram_id in people if await uow.members.sender(telegram_id) is not None]


def _load_executors() -> None:
    """The kinds register themselves on import; importing here makes sure they have."""
    from services.orders import returns  # noqa: F401 - registers "order.refund"
    from services.staff import orders, points  # noqa: F401 - register "order.refund_direct", "points.adjust"
