"""What a member sees of their points: the overview and a page of history (plain data)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from models.base import utcnow
from models.repositories.points_reads import LedgerLine
from services.errors import NotFound
from services.points.tiers import Progress, Tiers, progress, window_start
from services.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class Overview:
    available: int
    frozen: int
    expiring: int
    expiring_first: datetime | None
    progress: Progress


@dataclass(frozen=True, slots=True)
class HistoryPage:
    entries: list[LedgerLine]
    page: int
    pages: int

    @property
    def has_prev(self) -> bool:
        return self.page > 0

    @property
    def has_next(self) -> bool:
        return self.page + 1 < self.pages


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
        total = await uow.points.count(member_id)
        pages = max((total + size - 1) // size, 1)
        page = min(max(page, 0), pages - 1)
        entries = await uow.points.lines(member_id, page * size, size)
    return HistoryPage(entries, page, pages)
