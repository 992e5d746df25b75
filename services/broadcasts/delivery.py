"""The senders' side of a broadcast, in the database: claim a batch, record outcomes, finish.

At most once per member per broadcast: a row is taken by one conditional UPDATE (pending →
sending, with the sender's token); its outcome is written only while that token still holds it;
a row left in `sending` longer than the lease (its sender died mid-send) becomes `unknown` and
is never sent again. Rows a stopped sender never attempted go back to pending.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from models.base import utcnow
from models.repositories.broadcasts import BroadcastView, Recipient
from services.coupons import issue_in_open_uow
from services.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

OUTCOMES = ("sent", "failed", "blocked")


@dataclass(frozen=True, slots=True)
class Batch:
    broadcast: BroadcastView
    recipients: list[Recipient]
    coupons: dict[int, str]  # delivery id → coupon code


@dataclass(slots=True)
class Outcomes:
    """What happened to each row of a batch, written in one transaction."""

    rows: dict[str, list[int]] = field(default_factory=lambda: {name: [] for name in OUTCOMES})
    errors: dict[int, str] = field(default_factory=dict)
    unreachable: list[int] = field(default_factory=list)  # member ids

    def add(self, recipient: Recipient, status: str, error: str | None = None) -> None:
        self.rows[status].append(recipient.id)
        if error:
            self.errors[recipient.id] = error[:200]
        if status == "blocked":
            self.unreachable.append(recipient.member_id)

    def __len__(self) -> int:
        return sum(len(ids) for ids in self.rows.values())


async def next_running(uow: UnitOfWork) -> int | None:
    """The broadcast senders work on now: the oldest running one (broadcasts queue)."""
    async with uow.read(snapshot=False):
        running = await uow.broadcasts.running(limit=1)
    return running[0] if running else None


async def is_running(uow: UnitOfWork, broadcast_id: int) -> bool:
    async with uow.read(snapshot=False):
        view = await uow.broadcasts.get(broadcast_id)
    return view is not None and view.status == "running"


async def stalled(uow: UnitOfWork, before: datetime) -> list[int]:
    async with uow.read(snapshot=False):
        return await uow.broadcasts.stalled(before)


async def claim(uow: UnitOfWork, broadcast_id: int, token: str, limit: int, now: datetime, lease: timedelta) -> Batch | None:
    """Up to `limit` recipients for this sender, with a coupon each when the broadcast carries one
    (stock permitting); None when the broadcast is not running. Rows left mid-send by a dead
    sender are written off as unknown first."""
    async with uow.write():
        broadcast = await uow.broadcasts.get(broadcast_id)
        if broadcast is None or broadcast.status != "running":
            return None
        lost = await uow.broadcasts.expire_sending(broadcast_id, now - lease)
        if lost:
            log.warning("broadcast %s: %s deliveries left mid-send are counted unknown", broadcast_id, lost)
        await uow.broadcasts.heartbeat(broadcast_id, now)
        recipients = await uow.broadcasts.claim(broadcast_id, token, limit, now)
        coupons = await _issue_coupons(uow, broadcast, recipients, now)
        await uow.commit()
    return Batch(broadcast, recipients, coupons)


async def _issue_coupons(uow: UnitOfWork, broadcast: BroadcastView, recipients: list[Recipient], now: datetime) -> dict[int, str]:
    if broadcast.campaign_id is None or not recipients:
        return {}
    campaign = await uow.coupons.campaign(broadcast.campaign_id)
    if campaign is None or not campaign.active:
        return {}
    issued: dict[int, str] = {}
    for recipient in recipients:
        coupon = await issue_in_open_uow(uow, campaign.code, recipient.member_id, now)
        if coupon is None:
            break  # sold out: the rest get the message without a coupon
        await uow.broadcasts.set_coupon(recipient.id, coupon.id)
        issued[recipient.id] = coupon.code
    return issued


async def record(uow: UnitOfWork, token: str, outcomes: Outcomes, now: datetime) -> None:
    """Write a batch's outcomes (only for rows this sender's token still holds); blocked → unreachable."""
    if not len(outcomes):
        return
    async with uow.write():
        for status, ids in outcomes.rows.items():
            with_error = [i for i in ids if i in outcomes.errors]
            plain = [i for i in ids if i not in outcomes.errors]
            await uow.broadcasts.finish_rows(plain, token, status, now, None)
            for delivery_id in with_error:
                await uow.broadcasts.finish_rows([delivery_id], token, status, now, outcomes.errors[delivery_id])
        await uow.broadcasts.mark_unreachable(outcomes.unreachable, now)
        await uow.commit()


async def release(uow: UnitOfWork, token: str, ids: list[int]) -> int:
    """Give back rows this sender claimed but never attempted."""
    if not ids:
        return 0
    async with uow.write():
        released = await uow.broadcasts.release(ids, token)
        await uow.commit()
    return released


@dataclass(frozen=True, slots=True)
class Progress:
    broadcast: BroadcastView
    counts: dict[str, int]
    rate: float  # messages per second over the last window

    @property
    def left(self) -> int:
        return self.counts.get("pending", 0) + self.counts.get("sending", 0)


async def progress(uow: UnitOfWork, broadcast_id: int, now: datetime | None = None,
                   window: timedelta = timedelta(seconds=10)) -> Progress | None:
    now = now or utcnow()
    async with uow.read():
        broadcast = await uow.broadcasts.get(broadcast_id)
        if broadcast is None:
            return None
        counts = await uow.broadcasts.counts(broadcast_id)
        recent = await uow.broadcasts.sent_since(broadcast_id, now - window)
    return Progress(broadcast, counts, recent / window.total_seconds())


async def finish_if_done(uow: UnitOfWork, broadcast_id: int, now: datetime) -> bool:
    """running → done when no row is pending or in flight (one conditional update)."""
    async with uow.write():
        counts = await uow.broadcasts.counts(broadcast_id)
        done = await uow.broadcasts.complete(broadcast_id, counts, now)
        await uow.commit()
    return done


async def claim_progress(
    uow: UnitOfWork, broadcast_id: int, digest: str, now: datetime | None = None, every: timedelta | None = None,
) -> bool:
    """Whether this process edits the progress message now (see BroadcastRepository.claim_progress)."""
    now = now or utcnow()
    async with uow.write():
        claimed = await uow.broadcasts.claim_progress(broadcast_id, digest, now, every)
        await uow.commit()
    return claimed


async def set_progress_message(uow: UnitOfWork, broadcast_id: int, message_id: int) -> None:
    async with uow.write():
        await uow.broadcasts.set_progress_message(broadcast_id, message_id)
        await uow.commit()
