"""The staff desk for support tickets: the queue, a ticket's thread, reply, close (operators and up).

The role is checked inside each use case's transaction (services.staff.roles.require) and every
change writes its audit row there too. The first staff reply stores how long the member waited.
"""

from datetime import datetime

from models.base import utcnow
from models.repositories.support import TicketView
from services.errors import NotAllowed, NotFound
from services.paging import Page, clamp
from services.policy import ShopPolicy
from services.staff import audit
from services.staff.roles import Role, require
from services.support.tickets import THREAD_SHOWN, Thread, clean
from services.unit_of_work import UnitOfWork


async def queue(
    uow: UnitOfWork, policy: ShopPolicy, staff_id: int, page: int, size: int,
) -> tuple[Page[TicketView], int]:
    """Tickets not closed yet, oldest first: one page and how many there are in all."""
    async with uow.read():
        await require(uow, policy, staff_id, Role.operator)
        total = await uow.tickets.queue_count()
        page, pages = clamp(page, total, size)
        items = await uow.tickets.queue_page(page * size, size)
    return Page(items, page, pages), total


async def thread(uow: UnitOfWork, policy: ShopPolicy, staff_id: int, ticket_id: int, last: int = THREAD_SHOWN) -> Thread:
    async with uow.read():
        await require(uow, policy, staff_id, Role.operator)
        ticket = await uow.tickets.get(ticket_id)
        if ticket is None:
            raise NotFound("ticket-not-found")
        lines, total = await uow.tickets.thread(ticket_id, last)
    return Thread(ticket, lines, total)


async def photos(uow: UnitOfWork, policy: ShopPolicy, staff_id: int, ticket_id: int) -> list[str]:
    """Every photo of the thread (Telegram file ids), oldest first."""
    async with uow.read():
        await require(uow, policy, staff_id, Role.operator)
        return await uow.tickets.photos(ticket_id)


async def reply(
    uow: UnitOfWork, policy: ShopPolicy, staff_id: int, ticket_id: int, text: str | None, photos: list[str],
    now: datetime | None = None,
) -> TicketView:
    """A staff answer: stored in the thread, the ticket waits for the member; the caller relays it."""
    text = clean(text, photos)
    now = now or utcnow()
    async with uow.write():
        actor = await require(uow, policy, staff_id, Role.operator)
        ticket = await uow.tickets.get(ticket_id)
        if ticket is None:
            raise NotFound("ticket-not-found")
        waited = max(int((now - ticket.created_at).total_seconds()), 0)
        if not await uow.tickets.staff_replied(ticket_id, actor.telegram_id, now, waited):
            raise NotAllowed("ticket-closed")
        await uow.tickets.add_message(ticket_id, "staff", actor.telegram_id, text, photos, now)
        await audit.record(uow, actor.telegram_id, "ticket.reply", "ticket", ticket_id, member_id=ticket.member_id,
                           before={"status": ticket.status}, after={"status": "answered"}, now=now)
        ticket = await uow.tickets.get(ticket_id)
        await uow.commit()
    assert ticket is not None
    return ticket


async def close(uow: UnitOfWork, policy: ShopPolicy, staff_id: int, ticket_id: int, now: datetime | None = None) -> TicketView:
    """Closes the ticket once; the caller asks the member for a rating."""
    now = now or utcnow()
    async with uow.write():
        actor = await require(uow, policy, staff_id, Role.operator)
        before = await uow.tickets.close(ticket_id, now)
        if before is None:
            raise NotFound("ticket-not-found") if await uow.tickets.get(ticket_id) is None else NotAllowed("ticket-closed")
        ticket = await uow.tickets.get(ticket_id)
        assert ticket is not None
        await audit.record(uow, actor.telegram_id, "ticket.close", "ticket", ticket_id, member_id=ticket.member_id,
                           before={"status": before}, after={"status": "closed"}, now=now)
        await uow.commit()
    return ticket
