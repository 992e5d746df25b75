"""The member's side of support: open a ticket, read the own tickets, answer staff, rate the resolution.

A member only ever reaches their own tickets: every query and every conditional update names the
member, so a forged ticket id finds nothing (the member is told "not found", nothing changes).
Member steps are written to the audit log too (actor NULL, the member in `member_id`).
"""

from dataclasses import dataclass
from datetime import datetime

from models.base import utcnow
from models.repositories.support import TicketLine, TicketView
from services.errors import InvalidInput, NotAllowed, NotFound
from services.paging import Page, clamp
from services.staff import audit
from services.unit_of_work import UnitOfWork

KINDS = ("suggestion", "complaint", "question")
TEXT_MAX = 2000
PHOTOS_MAX = 5
THREAD_SHOWN = 6  # messages a thread screen shows (the newest); with CLIP characters each it stays under 4096
CLIP = 500


@dataclass(frozen=True, slots=True)
class OrderChoice:
    """An order the member may attach to a ticket."""

    id: int
    label: str


@dataclass(frozen=True, slots=True)
class Thread:
    ticket: TicketView
    lines: list[TicketLine]
    total: int  # messages in the thread; `lines` are the newest of them


def clean(text: str | None, photos: list[str]) -> str:
    """The message as stored: trimmed text; text or a photo must be there."""
    text = (text or "").strip()
    if len(text) > TEXT_MAX:
        raise InvalidInput("ticket-text-too-long", max=TEXT_MAX)
    if len(photos) > PHOTOS_MAX:
        raise InvalidInput("ticket-too-many-photos", max=PHOTOS_MAX)
    if not text and not photos:
        raise InvalidInput("ticket-empty")
    return text


RECENT_ORDERS = 5


async def _choices(uow: UnitOfWork, member_id: int) -> list[OrderChoice]:
    return [OrderChoice(order.id, order.number) for order in await uow.orders.page_of(member_id, 0, RECENT_ORDERS)]


async def order_choices(uow: UnitOfWork, member_id: int) -> list[OrderChoice]:
    """The member's latest orders for the optional "which order?" step; none means the step is skipped."""
    async with uow.read():
        return await _choices(uow, member_id)


async def open_ticket(
    uow: UnitOfWork, member_id: int, kind: str, text: str | None, photos: list[str],
    order_id: int | None = None, now: datetime | None = None,
) -> TicketView:
    """A new ticket with its first message; the member gets its number."""
    if kind not in KINDS:
        raise InvalidInput("ticket-kind-unknown")
    text = clean(text, photos)
    now = now or utcnow()
    async with uow.write():
        if order_id is not None and order_id not in {c.id for c in await _choices(uow, member_id)}:
            raise NotFound("ticket-order-not-found")
        ticket_id = await uow.tickets.add(member_id, kind, order_id, now)
        await uow.tickets.add_message(ticket_id, "member", None, text, photos, now)
        await audit.record(uow, None, "ticket.open", "ticket", ticket_id, member_id=member_id,
                           after={"kind": kind, "status": "open", "order_id": order_id}, now=now)
        ticket = await uow.tickets.get(ticket_id)
        await uow.commit()
    assert ticket is not None
    return ticket


async def my_tickets(uow: UnitOfWork, member_id: int, page: int, size: int) -> Page[TicketView]:
    async with uow.read():
        page, pages = clamp(page, await uow.tickets.member_count(member_id), size)
        items = await uow.tickets.member_page(member_id, page * size, size)
    return Page(items, page, pages)


async def thread_of_member(uow: UnitOfWork, member_id: int, ticket_id: int, last: int = THREAD_SHOWN) -> Thread:
    async with uow.read():
        ticket = await uow.tickets.of_member(member_id, ticket_id)
        if ticket is None:
            raise NotFound("ticket-not-found")
        lines, total = await uow.tickets.thread(ticket_id, last)
    return Thread(ticket, lines, total)


async def answer(
    uow: UnitOfWork, member_id: int, ticket_id: int, text: str | None, photos: list[str], now: datetime | None = None,
) -> TicketView:
    """The member writes into their ticket; it goes back to the staff queue."""
    text = clean(text, photos)
    now = now or utcnow()
    async with uow.write():
        if not await uow.tickets.member_answered(ticket_id, member_id, now):
            ticket = await uow.tickets.of_member(member_id, ticket_id)
            raise NotFound("ticket-not-found") if ticket is None else NotAllowed("ticket-closed")
        await uow.tickets.add_message(ticket_id, "member", None, text, photos, now)
        await audit.record(uow, None, "ticket.member_reply", "ticket", ticket_id, member_id=member_id,
                           after={"status": "open"}, now=now)
        ticket = await uow.tickets.get(ticket_id)
        await uow.commit()
    assert ticket is not None
    return ticket


async def rate(uow: UnitOfWork, member_id: int, ticket_id: int, rating: int, now: datetime | None = None) -> None:
    """1-5, once, after the ticket is closed."""
    if not 1 <= rating <= 5:
        raise InvalidInput("ticket-rating-range")
    async with uow.write():
        if not await uow.tickets.rate(ticket_id, member_id, rating):
            ticket = await uow.tickets.of_member(member_id, ticket_id)
            if ticket is None:
                raise NotFound("ticket-not-found")
            raise NotAllowed("ticket-rated" if ticket.rating is not None else "ticket-not-closed")
        await audit.record(uow, None, "ticket.rate", "ticket", ticket_id, member_id=member_id,
                           after={"rating": rating}, now=now or utcnow())
        await uow.commit()
