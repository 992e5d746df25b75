"""Members' return and refund requests (退货/退款) and the staff decision on them.

A member asks from an order's detail while it may still be given back: paid but not yet
delivered (a refund), or delivered and within the return window (a return or a refund). The
database keeps one open request per order. Admins approve (the refund runs in the same
transaction, once per request) or reject with a reason; both write the audit log, and the
member is told by the caller with what `Decision` carries.
"""

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from models.base import utcnow
from models.repositories.admin import Approval
from models.repositories.aftersale import RequestView
from models.repositories.orders import OrderView
from services.errors import Conflict, InvalidInput, NotAllowed, NotFound
from services.orders.refunds import RefundDone, RefundRequest, line_amount, refund_in_open_uow
from services.orders.rules import returnable
from services.paging import Page, clamp
from services.policy import ShopPolicy
from services.staff import approvals, audit
from services.staff.roles import Actor, Role, require
from services.unit_of_work import UnitOfWork

KINDS = ("refund", "return")
REASONS = ("damaged", "wrong_item", "not_as_described", "late", "changed_mind", "other")
TEXT_MAX = 1000
PHOTOS_MAX = 5
REJECT_REASON_MAX = 500


@dataclass(slots=True)
class ReturnForm:
    """What the member filled in; `lines` maps order line id → quantity (empty: the whole order)."""

    order_id: int
    kind: str
    reason_code: str
    text: str | None = None
    lines: dict[int, int] = field(default_factory=dict)
    photos: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Decision:
    request: RequestView
    order: OrderView
    refund: RefundDone | None
    telegram_id: int | None  # the member's chat, to tell them
    language: str | None
    approval_id: int | None = None  # above the threshold: waiting for a second admin, nothing refunded yet


def _checked(form: ReturnForm) -> ReturnForm:
    if form.kind not in KINDS or form.reason_code not in REASONS:
        raise InvalidInput("return-invalid")
    form.text = (form.text or "").strip() or None
    if form.text and len(form.text) > TEXT_MAX:
        raise InvalidInput("return-text-too-long", "text", max=TEXT_MAX)
    if len(form.photos) > PHOTOS_MAX:
        raise InvalidInput("return-too-many-photos", "photos", max=PHOTOS_MAX)
    return form


async def open_request(uow: UnitOfWork, member_id: int, form: ReturnForm, now: datetime | None = None) -> RequestView:
    """The member's own order only; refused outside the window or while another request is open."""
    form, now = _checked(form), now or utcnow()
    async with uow.write():
        order = await uow.orders.order(form.order_id)
        if order is None or order.member_id != member_id:
            raise NotFound("order-not-found")
        if not returnable(order, now):
            raise NotAllowed("return-window-closed")
        if form.kind == "return" and order.delivered_at is None:
            raise InvalidInput("return-not-delivered")
        left = {line.id: line.quantity - line.refunded_quantity for line in await uow.orders.lines(order.id)}
        if any(line_id not in left or not 0 < quantity <= left[line_id] for line_id, quantity in form.lines.items()):
            raise InvalidInput("return-lines-invalid")
        request_id = await uow.aftersale.add_request(
            order_id=order.id, member_id=member_id, kind=form.kind, reason_code=form.reason_code,
            text=form.text, status="open", created_at=now,
        )
        if request_id is None:
            raise Conflict("return-already-open")
        await uow.aftersale.add_request_parts(request_id, form.lines, form.photos, now)
        request = await uow.aftersale.request(request_id)
        await uow.commit()
    return request


async def approve(
    uow: UnitOfWork, policy: ShopPolicy, staff_id: int, request_id: int, now: datetime | None = None,
) -> Decision:
    """An admin approves: the request closes and its refund runs, in one transaction, once.

    A refund above APPROVAL_REFUND_THRESHOLD becomes a two-person approval request instead
    (`Decision.approval_id`); the request stays open until another admin or an owner approves it,
    and then the refund runs in the approving transaction (`_execute_refund`).
    """
    now = now or utcnow()
    async with uow.write():
        actor = await require(uow, policy, staff_id, Role.admin)
        request = await _open_request(uow, request_id)
        amount = await _refund_amount(uow, request)
        if approvals.needs_approval(policy, "order.refund", amount):
            approval_id = await approvals.open_in_uow(
                uow, actor, "order.refund", request.member_id, amount, f"return #{request_id}", policy, now,
                {"request_id": request_id}, target_id=f"return:{request_id}",
            )
            decision = await _decision(uow, request_id, await uow.orders.order(request.order_id), None, approval_id)
            await uow.commit()
            return decision
        done = await _approve_in_uow(uow, actor.telegram_id, request, policy.tz, now, notified=True)
        decision = await _decision(uow, request_id, done.order, done)
        await uow.commit()
    return decision


async def _refund_amount(uow: UnitOfWork, request: RequestView) -> int:
    order = await uow.orders.order(request.order_id)
    chosen = await uow.aftersale.request_lines(request.id)
    if not chosen:
        return order.total - order.refunded_amount
    return line_amount(order, await uow.orders.lines(order.id), chosen)[0]


async def _approve_in_uow(
    uow: UnitOfWork, staff_id: int, request: RequestView, tz: ZoneInfo, now: datetime, *, notified: bool,
) -> RefundDone:
    """Close the open request and run its refund (once: the refund's key is the request)."""
    if not await uow.aftersale.decide(request.id, "approved", staff_id, now, None):
        raise Conflict("return-already-decided")
    status_before = (await uow.orders.order(request.order_id)).status
    lines = await uow.aftersale.request_lines(request.id)
    done = await refund_in_open_uow(uow, RefundRequest(
        request.order_id, f"return:{request.id}", f"staff:{staff_id}", lines or None,
        reason=request.reason_code, request_id=request.id,
    ), tz, now, notified=notified)
    await audit.record(
        uow, staff_id, "return.approve", "return_request", request.id, member_id=request.member_id,
        before={"status": "open", "order_status": status_before},
        after={"status": "approved", "refund": done.refund.amount, "order_status": done.order.status}, now=now,
    )
    return done


async def _execute_refund(uow: UnitOfWork, approval: Approval, actor: Actor, now: datetime,
                          policy: ShopPolicy) -> dict[str, object]:
    """The second admin approved: the refund runs now; the member hears of it from the status notice."""
    request = await _open_request(uow, int((approval.payload or {})["request_id"]))
    done = await _approve_in_uow(uow, approval.requested_by, request, policy.tz, now, notified=False)
    return {"refund": done.refund.amount, "order_status": done.order.status}


approvals.EXECUTORS["order.refund"] = _execute_refund


async def reject(
    uow: UnitOfWork, policy: ShopPolicy, staff_id: int, request_id: int, reason: str, now: datetime | None = None,
) -> Decision:
    """An admin rejects with a reason the member is told."""
    reason, now = (reason or "").strip(), now or utcnow()
    if not reason or len(reason) > REJECT_REASON_MAX:
        raise InvalidInput("return-reject-reason", "reason", max=REJECT_REASON_MAX)
    async with uow.write():
        actor = await require(uow, policy, staff_id, Role.admin)
        request = await _open_request(uow, request_id)
        await uow.aftersale.decide(request_id, "rejected", actor.telegram_id, now, reason)
        await audit.record(
            uow, actor.telegram_id, "return.reject", "return_request", request_id, member_id=request.member_id,
            before={"status": "open"}, after={"status": "rejected"}, reason=reason, now=now,
        )
        decision = await _decision(uow, request_id, await uow.orders.order(request.order_id), None)
        await uow.commit()
    return decision


async def _open_request(uow: UnitOfWork, request_id: int) -> RequestView:
    request = await uow.aftersale.request(request_id)
    if request is None:
        raise NotFound("return-not-found")
    if request.status != "open":
        raise Conflict("return-already-decided")
    return request


async def _decision(uow: UnitOfWork, request_id: int, order: OrderView, done: RefundDone | None,
                    approval_id: int | None = None) -> Decision:
    request = await uow.aftersale.request(request_id)
    telegram_id, language = await uow.aftersale.member_chat(request.member_id)
    return Decision(request, order, done, telegram_id, language, approval_id)


@dataclass(frozen=True, slots=True)
class RequestDetail:
    request: RequestView
    order: OrderView
    lines: dict[int, int]
    photos: list[str]


async def detail(uow: UnitOfWork, request_id: int) -> RequestDetail:
    """One request for staff (the caller has checked the role)."""
    async with uow.read():
        request = await uow.aftersale.request(request_id)
        if request is None:
            raise NotFound("return-not-found")
        order = await uow.orders.order(request.order_id)
        lines = await uow.aftersale.request_lines(request_id)
        photos = await uow.aftersale.request_photos(request_id)
    return RequestDetail(request, order, lines, photos)


async def latest_of(uow: UnitOfWork, member_id: int, order_id: int) -> RequestView | None:
    """The member's latest request on their own order (for the order's detail)."""
    async with uow.read():
        request = await uow.aftersale.latest_request(order_id)
    return request if request is not None and request.member_id == member_id else None


async def queue(uow: UnitOfWork, page: int, size: int) -> Page[RequestView]:
    """Open requests, oldest first (the caller has checked the role)."""
    async with uow.read():
        page, pages = clamp(page, await uow.aftersale.count_open(), size)
        items = await uow.aftersale.open_queue(page * size, size)
    return Page(items, page, pages)
