"""Feedback tickets and their threads in SQL; every status change is one conditional UPDATE."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.members import Member, format_member_no
from models.support import Ticket, TicketMessage, format_ticket_no


@dataclass(frozen=True, slots=True)
class TicketView:
    id: int
    number: str
    member_id: int
    member_no: str
    member_telegram_id: int | None
    kind: str
    order_id: int | None
    status: str
    staff_id: int | None
    rating: int | None
    created_at: datetime
    updated_at: datetime
    first_response_at: datetime | None
    closed_at: datetime | None


@dataclass(frozen=True, slots=True)
class TicketLine:
    """One message of a thread."""

    id: int
    author: str  # member | staff
    staff_id: int | None
    text: str
    photos: tuple[str, ...]
    created_at: datetime


_VIEW_COLUMNS = (
    Ticket.id, Ticket.number, Ticket.member_id, Member.telegram_id, Ticket.kind, Ticket.order_id, Ticket.status,
    Ticket.staff_id, Ticket.rating, Ticket.created_at, Ticket.updated_at, Ticket.first_response_at, Ticket.closed_at,
)


def _view(row: Any) -> TicketView:
    (ticket_id, number, member_id, telegram_id, kind, order_id, status, staff_id, rating, created_at, updated_at,
     first_response_at, closed_at) = row
    return TicketView(
        ticket_id, number or format_ticket_no(ticket_id), member_id, format_member_no(member_id), telegram_id, kind,
        order_id, status, staff_id, rating, created_at, updated_at, first_response_at, closed_at,
    )


class TicketRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def _views(self) -> Any:
        return select(*_VIEW_COLUMNS).join(Member, Member.id == Ticket.member_id)

    async def add(self, member_id: int, kind: str, order_id: int | None, now: datetime) -> int:
        ticket_id = int(await self.session.scalar(
            Ticket.__table__.insert().values(
                member_id=member_id, kind=kind, order_id=order_id, status="open", created_at=now, updated_at=now,
            ).returning(Ticket.id)
        ))
        await self.session.execute(update(Ticket).where(Ticket.id == ticket_id).values(number=format_ticket_no(ticket_id)))
        return ticket_id

    async def add_message(
        self, ticket_id: int, author: str, staff_id: int | None, text: str, photos: list[str], now: datetime,
    ) -> int:
        return int(await self.session.scalar(
            TicketMessage.__table__.insert().values(
                ticket_id=ticket_id, author=author, staff_id=staff_id, text=text, photos=list(photos), created_at=now,
            ).returning(TicketMessage.id)
        ))

    async def get(self, ticket_id: int) -> TicketView | None:
        row = (await self.session.execute(self._views().where(Ticket.id == ticket_id))).one_or_none()
        return _view(row) if row else None

    async def of_member(self, member_id: int, ticket_id: int) -> TicketView | None:
        """The ticket only when it is this member's: a forged id finds nothing."""
        row = (await self.session.execute(
            self._views().where(Ticket.id == ticket_id, Ticket.member_id == member_id)
        )).one_or_none()
        return _view(row) if row else None

    async def member_count(self, member_id: int) -> int:
        return int(await self.session.scalar(select(func.count()).where(Ticket.member_id == member_id)) or 0)

    async def member_page(self, member_id: int, offset: int, limit: int) -> list[TicketView]:
        """Newest first."""
        rows = await self.session.execute(
            self._views().where(Ticket.member_id == member_id).order_by(Ticket.id.desc()).offset(offset).limit(limit)
        )
        return [_view(row) for row in rows]

    async def queue_count(self) -> int:
        return int(await self.session.scalar(select(func.count()).where(Ticket.status != "closed")) or 0)

    async def queue_page(self, offset: int, limit: int) -> list[TicketView]:
        """Tickets not closed, oldest first."""
        rows = await self.session.execute(
            self._views().where(Ticket.status != "closed")
            .order_by(Ticket.created_at, Ticket.id).offset(offset).limit(limit)
        )
        return [_view(row) for row in rows]

    async def thread(self, ticket_id: int, last: int) -> tuple[list[TicketLine], int]:
        """The last `last` messages, oldest first, and how many there are in all."""
        total = int(await self.session.scalar(
            select(func.count()).where(TicketMessage.ticket_id == ticket_id)
        ) or 0)
        rows = await self.session.execute(
            select(TicketMessage).where(TicketMessage.ticket_id == ticket_id)
            .order_by(TicketMessage.id.desc()).limit(last)
        )
        lines = [
            TicketLine(m.id, m.author, m.staff_id, m.text, tuple(m.photos or ()), m.created_at) for m in rows.scalars()
        ]
        return lines[::-1], total

    async def photos(self, ticket_id: int) -> list[str]:
        rows = await self.session.scalars(
            select(TicketMessage.photos).where(TicketMessage.ticket_id == ticket_id).order_by(TicketMessage.id)
        )
        return [file_id for photos in rows for file_id in (photos or ())]

    async def member_answered(self, ticket_id: int, member_id: int, now: datetime) -> bool:
        """Back to the staff queue; False when the ticket is not this member's or is closed."""
        found = await self.session.scalar(
            update(Ticket)
            .where(Ticket.id == ticket_id, Ticket.member_id == member_id, Ticket.status != "closed")
            .values(status="open", updated_at=now).returning(Ticket.id)
        )
        return found is not None

    async def staff_replied(self, ticket_id: int, staff_id: int, now: datetime, waited_seconds: int) -> bool:
        """Waiting for the member now; the first reply's time is kept (COALESCE), later ones leave it."""
        found = await self.session.scalar(
            update(Ticket).where(Ticket.id == ticket_id, Ticket.status != "closed")
            .values(
                status="answered", staff_id=staff_id, updated_at=now,
                first_response_at=func.coalesce(Ticket.first_response_at, now),
                first_response_seconds=func.coalesce(Ticket.first_response_seconds, waited_seconds),
            ).returning(Ticket.id)
        )
        return found is not None

    async def close(self, ticket_id: int, now: datetime) -> str | None:
        """Closes a ticket that is not closed yet; returns the status it had (None: nothing changed)."""
        before = await self.session.scalar(select(Ticket.status).where(Ticket.id == ticket_id))
        found = await self.session.scalar(
            update(Ticket).where(Ticket.id == ticket_id, Ticket.status != "closed")
            .values(status="closed", closed_at=now, updated_at=now).returning(Ticket.id)
        )
        return before if found is not None else None

    async def rate(self, ticket_id: int, member_id: int, rating: int) -> bool:
        """Once, by the ticket's member, after closing."""
        found = await self.session.scalar(
            update(Ticket)
            .where(Ticket.id == ticket_id, Ticket.member_id == member_id, Ticket.status == "closed",
                   Ticket.rating.is_(None))
            .values(rating=rating).returning(Ticket.id)
        )
        return found is not None
