"""Support tickets under concurrency on SQLite and PostgreSQL: closing and rating happen once, the first
response time is kept from the first reply, and every change has exactly one audit row."""

import asyncio

from sqlalchemy import func, select

from models.database import Database
from models.members import Member
from models.staff import AuditRecord
from models.support import Ticket, TicketMessage
from services import support
from services.errors import DomainError
from services.policy import ShopPolicy
from services.staff import roles
from services.staff.roles import Role
from services.support import desk
from services.unit_of_work import UnitOfWork
from tests.conftest import Probe, next_telegram_id, unique

OWNER = next_telegram_id()
POLICY = ShopPolicy(owners=frozenset({OWNER}))


async def new_ticket(database: Database, probe: Probe) -> tuple[int, int]:
    member_id = await probe.write(
        Member.__table__.insert().values(username=unique("m"), points_available=0, points_frozen=0, tier="normal",
                                         status="active", marketing_opt_in=False).returning(Member.id)
    )
    ticket = await support.open_ticket(UnitOfWork(database), member_id, "complaint", "broken", [])
    return member_id, ticket.id


async def outcomes(calls: list) -> list[str]:
    results = await asyncio.gather(*calls, return_exceptions=True)
    return sorted("ok" if not isinstance(r, BaseException) else r.code if isinstance(r, DomainError) else repr(r)
                  for r in results)


async def audit_count(probe: Probe, ticket_id: int, action: str) -> int:
    return await probe.scalar(select(func.count()).select_from(AuditRecord).where(
        AuditRecord.target_type == "ticket", AuditRecord.target_id == str(ticket_id), AuditRecord.action == action))


async def test_two_staff_close_at_once_and_the_member_rates_twice_at_once(database: Database, probe: Probe) -> None:
    first, second = next_telegram_id(), next_telegram_id()
    for staff in (first, second):
        await roles.grant(UnitOfWork(database), POLICY, OWNER, staff, Role.operator)
    member_id, ticket_id = await new_ticket(database, probe)
    closes = [desk.close(UnitOfWork(database), POLICY, staff, ticket_id) for staff in (first, second, first, second)]
    assert await outcomes(closes) == ["ok", "ticket-closed", "ticket-closed", "ticket-closed"]
    assert await audit_count(probe, ticket_id, "ticket.close") == 1
    rates = [support.rate(UnitOfWork(database), member_id, ticket_id, stars) for stars in (5, 1, 3, 2)]
    assert await outcomes(rates) == ["ok", "ticket-rated", "ticket-rated", "ticket-rated"]
    assert await audit_count(probe, ticket_id, "ticket.rate") == 1
    rating = await probe.scalar(select(Ticket.rating).where(Ticket.id == ticket_id))
    stored = await probe.scalars(select(AuditRecord.after).where(AuditRecord.action == "ticket.rate",
                                                                 AuditRecord.target_id == str(ticket_id)))
    assert stored == [{"rating": rating}]


async def test_concurrent_replies_all_land_and_the_first_response_is_kept(database: Database, probe: Probe) -> None:
    staff = [next_telegram_id() for _ in range(3)]
    for telegram_id in staff:
        await roles.grant(UnitOfWork(database), POLICY, OWNER, telegram_id, Role.operator)
    member_id, ticket_id = await new_ticket(database, probe)
    replies = [desk.reply(UnitOfWork(database), POLICY, s, ticket_id, f"answer {s}", []) for s in staff]
    replies.append(support.answer(UnitOfWork(database), member_id, ticket_id, "still here", []))
    assert await outcomes(replies) == ["ok"] * 4
    authors = await probe.scalars(select(TicketMessage.author).where(TicketMessage.ticket_id == ticket_id))
    assert sorted(authors) == ["member", "member", "staff", "staff", "staff"]
    opened, first_at, seconds = (await probe.rows(
        select(Ticket.created_at, Ticket.first_response_at, Ticket.first_response_seconds).where(Ticket.id == ticket_id)
    ))[0]
    staff_times = await probe.scalars(select(TicketMessage.created_at).where(
        TicketMessage.ticket_id == ticket_id, TicketMessage.author == "staff"))
    # One reply's time and wait are kept (the first to commit), not overwritten by the later ones.
    assert first_at in staff_times and seconds == int((first_at - opened).total_seconds())
    assert await audit_count(probe, ticket_id, "ticket.reply") == 3
