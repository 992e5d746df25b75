"""What a member sees of their points: the overview and a page of history (plain data)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

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


@dataclass(frozen=True, slots=True)
class PointsScreen:
    """Everything the /points screen shows."""

    overview: Overview
    history: HistoryPage
    checked_in_today: bool


async def screen(
    uow: UnitOfWork, member_id: int, tiers: Tiers, tz: ZoneInfo, page: int = 0, size: int = 10,
    now: datetime | None = None,
) -> PointsScreen:
    """The overview, a page of history and today's check-in, read in one go (one snapshot)."""
    now = now or utcnow()
    async with uow.read():
        return PointsScreen(
            await _overview(uow, member_id, tiers, now, 30),
            await _history(uow, member_id, page, size),
            await uow.checkins.done_on(member_id, now.astimezone(tz).date()),
        )


async def overview(
    uow: UnitOfWork, member_id: int, tiers: Tiers, now: datetime | None = None, soon_days: int = 30
) -> Overview:
    async with uow.read():
        return await _overview(uow, member_id, tiers, now or utcnow(), soon_days)


async def history(uow: UnitOfWork, member_id: int, page: int = 0, size: int = 10) -> HistoryPage:
    """Newest first; a page number past the end shows the last page."""
    async with uow.read():
        return await _history(uow, member_id, page, size)


async def _overview(uow: UnitOfWork, member_id: int, tiers: Tiers, now: datetime, soon_days: int) -> Overview:
    """Inside an open unit of work."""
    balances = await uow.points.balances(member_id, now + timedelta(days=soon_days))
    if balances is None:
        raise NotFound("member-not-found")
    spend = await uow.tiers.spend_since(member_id, window_start(now))
    return Overview(balances.available, balances.frozen, balances.expiring, balances.expiring_first,
                    progress(tiers, balances.tier, spend))


async def _history(uow: UnitOfWork, member_id: int, page: int, size: int) -> HistoryPage:
    """Inside an open unit of work."""
    page, pages = clamp(page, await uow.points.count(member_id), size)
    return Page(await uow.points.lines(member_id, page * size, size), page, pages)
