"""What a member sees of their points: the overview and a page of history (plain data)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from models.base import utcnow
from models.repositories.points_reads import LedgerLine
from services.errors import NotFound
from services.paging import Page, clamp
from services.points.tiers import Progress, Tiers, progress, window_start
from services.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class Overview:
    available: int
    frozen: int
    expiring: int
    expiring_first: datetime | None
    progress: Progress


HistoryPage = Page[LedgerLine]


async def overview(
    uow: UnitOfWork, member_id: int, tiers: Tiers, now: datetime | None = None, soon_days: int = 30
) -> Overview:
    now = now or utcnow()
    async with uow.read():
        balances = await uow.points.balances(member_id, now + timedelta(days=soon_days))
        if balances is None:
            raise NotFound("member-not-found")
        spend = await uow.tiers.spend_since(member_id, window_start(now))
    return Overview(balances.available, balances.frozen, balances.expiring, balances.expiring_first,
                    progress(tiers, balances.tier, spend))


async def history(uow: UnitOfWork, member_id: int, page: int = 0, size: int = 10) -> HistoryPage:
    """Newest first; a page number past the end shows the last page."""
    async with uow.read():
        page, pages = clamp(page, await uow.points.count(member_id), size)
        entries = await uow.points.lines(member_id, page * size, size)
    return Page(entries, page, pages)
