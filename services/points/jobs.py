"""Points jobs: release order points, expire old points, claim reminders, review and announce tiers.

Every job claims its work in the database (ledger idempotency keys, reminder keys,
conditional updates), so several bot processes can run the same schedule without doubling
anything. Each commits in small batches: on SQLite the writer slot is free between batches,
so members' own writes interleave with a long run.
"""

from collections.abc import Callable, Sequence
from datetime import datetime

from models.base import utcnow
from models.repositories.ledger import Ledger
from models.repositories.reminders import Reminder
from models.repositories.tiers import Announcement
from services.points import postings
from services.points.tiers import Tiers
from services.unit_of_work import UnitOfWork

BATCH = 20


async def _in_batches(uow: UnitOfWork, lot_ids: Sequence[int], work: Callable[[Ledger, int], int]) -> int:
    done = 0
    for start in range(0, len(lot_ids), BATCH):
        batch = lot_ids[start:start + BATCH]
        async with uow.write():
            done += await uow.ledger.run(lambda ledger: sum(work(ledger, lot_id) for lot_id in batch))
            await uow.commit()
    return done


async def release_due(
    uow: UnitOfWork, now: datetime | None = None, limit: int = 1000, member_id: int | None = None
) -> int:
    """Frozen order points whose return window passed become available (`member_id`: one member only)."""
    return await _lot_job(uow, now or utcnow(), limit, member_id, release=True)


async def expire_due(
    uow: UnitOfWork, now: datetime | None = None, limit: int = 1000, member_id: int | None = None
) -> int:
    """Lots past their end date are emptied by an `expire` entry, once each."""
    return await _lot_job(uow, now or utcnow(), limit, member_id, release=False)


async def _lot_job(uow: UnitOfWork, now: datetime, limit: int, member_id: int | None, *, release: bool) -> int:
    async with uow.read():
        find = uow.ledger.releasable_lot_ids if release else uow.ledger.due_lot_ids
        lot_ids = await find(now, limit, member_id)
    step = postings.release_lot if release else postings.expire_lot
    return await _in_batches(uow, lot_ids, lambda ledger, lot_id: step(ledger, lot_id, now))


async def claim_reminders(
    uow: UnitOfWork, now: datetime | None = None, days: Sequence[int] = (30, 7), limit: int = 1000
) -> list[Reminder]:
    """Claim the reminders due now; the (member, expiry, threshold) key makes each one go out once.

    A threshold covers expiries between it and the next smaller one, so a member never gets
    the 30-day and the 7-day reminder at the same time.
    """
    now = now or utcnow()
    thresholds = sorted({day for day in days if day > 0}, reverse=True)
    due: list[Reminder] = []
    async with uow.read():
        for index, threshold in enumerate(thresholds):
            lower = thresholds[index + 1] if index + 1 < len(thresholds) else 0
            due += await uow.reminders.expiring(now, lower, threshold, limit)
    claimed: list[Reminder] = []
    for start in range(0, len(due), BATCH):
        async with uow.write():
            claimed += [reminder for reminder in due[start:start + BATCH] if await uow.reminders.claim(reminder, now)]
            await uow.commit()
    return claimed


async def mark_reminder_sent(uow: UnitOfWork, reminder: Reminder, now: datetime | None = None) -> None:
    async with uow.write():
        await uow.reminders.mark_sent(reminder, now or utcnow())
        await uow.commit()


async def review_tiers(uow: UnitOfWork, tiers: Tiers, now: datetime | None = None) -> int:
    """Daily: upgrades and downgrades as spend enters and leaves the 12-month window."""
    now = now or utcnow()
    changed, after = 0, 0
    while True:
        async with uow.read():
            member_ids = await uow.tiers.active_member_ids(after, BATCH)
        if not member_ids:
            return changed
        async with uow.write():
            moves = await uow.ledger.run(
                lambda ledger: [postings.review_tier(ledger, m, tiers, now, allow_downgrade=True) for m in member_ids]
            )
            await uow.commit()
        changed += sum(move is not None for move in moves)
        after = member_ids[-1]


async def claim_announcements(uow: UnitOfWork, now: datetime | None = None, limit: int = 200) -> list[Announcement]:
    """Claim unannounced upgrades so that only one process tells each member (in small batches)."""
    claimed: list[Announcement] = []
    while len(claimed) < limit:
        async with uow.write():
            batch = await uow.tiers.claim_announcements(now or utcnow(), min(BATCH, limit - len(claimed)))
            await uow.commit()
        if not batch:
            break
        claimed += batch
    return claimed
