"""Member tiers from configuration: 12-month spend thresholds, earn multipliers, upgrades."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import Connection, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import Member, PointsLedger
from models.db import begin_write
from models.points import TierChange

WINDOW_MONTHS = 12
MEMBERS = Member.__table__


class Tier(BaseModel):
    """One tier as configured: `threshold` is minor units spent over the last 12 months."""

    code: str = Field(pattern=r"^[a-z0-9_]{1,16}$")
    names: dict[str, str]
    threshold: int = Field(ge=0)
    multiplier: Decimal = Field(default=Decimal(1), gt=0)

    def name(self, language: str) -> str:
        return self.names.get(language) or next(iter(self.names.values()), self.code)


DEFAULT_TIERS: list[Tier] = [
    Tier(code="normal", names={"zh": "普通会员", "en": "Member"}, threshold=0, multiplier=Decimal(1)),
    Tier(code="silver", names={"zh": "银卡会员", "en": "Silver"}, threshold=100_000, multiplier=Decimal("1.2")),
    Tier(code="gold", names={"zh": "金卡会员", "en": "Gold"}, threshold=500_000, multiplier=Decimal("1.5")),
    Tier(code="diamond", names={"zh": "钻石会员", "en": "Diamond"}, threshold=2_000_000, multiplier=Decimal(2)),
]


class Tiers:
    """The configured tiers, lowest first; a member's tier is the highest threshold reached."""

    def __init__(self, tiers: Sequence[Tier] = DEFAULT_TIERS) -> None:
        ordered = sorted(tiers, key=lambda tier: tier.threshold)
        if not ordered or ordered[0].threshold != 0:
            raise ValueError("the lowest tier must have threshold 0")
        self.ordered: tuple[Tier, ...] = tuple(ordered)
        self._rank = {tier.code: index for index, tier in enumerate(ordered)}

    def get(self, code: str) -> Tier:
        """Unknown codes (a tier removed from the configuration) count as the lowest tier."""
        return self.ordered[self._rank.get(code, 0)]

    def rank(self, code: str) -> int:
        return self._rank.get(code, 0)

    def for_spend(self, spend: int) -> Tier:
        reached = [tier for tier in self.ordered if spend >= tier.threshold]
        return reached[-1] if reached else self.ordered[0]

    def next_after(self, code: str) -> Tier | None:
        rank = self.rank(code)
        return self.ordered[rank + 1] if rank + 1 < len(self.ordered) else None


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a member stands: their tier, 12-month spend and what the next tier needs."""

    tier: Tier
    spend: int
    next_tier: Tier | None
    to_next: int


def months_before(moment: datetime, months: int) -> datetime:
    """The same instant `months` calendar months earlier (day clamped to the month's length)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, _days_in_month(year, month + 1))
    return moment.replace(year=year, month=month + 1, day=day)


def _days_in_month(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (datetime(year, month + 1, 1) - datetime(year, month, 1)).days


def window_start(now: datetime) -> datetime:
    return months_before(now, WINDOW_MONTHS)


def spend_since(member_id: Any, since: Any) -> Any:
    """Minor units paid (less refunds) since `since`, from the earn/refund ledger rows (a SQL expression)."""
    return (
        select(func.coalesce(func.sum(PointsLedger.paid_amount), 0))
        .where(PointsLedger.member_id == member_id, PointsLedger.paid_amount.is_not(None),
               PointsLedger.created_at > since)
        .scalar_subquery()
    )


_SPEND = select(spend_since(bindparam("p_member"), bindparam("p_since", type_=PointsLedger.created_at.type)))


async def spend_in_window(session: AsyncSession, member_id: int, now: datetime) -> int:
    """Minor units paid (less refunds) over the last 12 months."""
    total = await session.scalar(_SPEND, {"p_member": member_id, "p_since": window_start(now)})
    return int(total or 0)


async def progress(session: AsyncSession, member: Member, tiers: Tiers, now: datetime) -> Progress:
    spend = await spend_in_window(session, member.id, now)
    tier = tiers.get(member.tier)
    following = tiers.next_after(tier.code)
    to_next = max(following.threshold - spend, 0) if following else 0
    return Progress(tier=tier, spend=spend, next_tier=following, to_next=to_next)


@dataclass(frozen=True, slots=True)
class TierMove:
    """A tier change that was just made (and, for an upgrade, queued for announcement)."""

    member_id: int
    from_tier: str
    to_tier: str
    spend: int
    upgrade: bool


def review_member(
    db: Connection, member_id: int, tiers: Tiers, now: datetime, *,
    current: str | None = None, spend: int | None = None, allow_downgrade: bool = False,
) -> TierMove | None:
    """Move the member to the tier their spend earns, inside the caller's (synchronous) transaction.

    The conditional update (`WHERE tier = old`) is the claim: of two processes reviewing the
    same member only one changes the tier and records the change to announce.
    """
    if current is None:
        current = db.scalar(select(MEMBERS.c.tier).where(MEMBERS.c.id == member_id))
    if current is None:
        return None
    if spend is None:
        spend = int(db.scalar(_SPEND, {"p_member": member_id, "p_since": window_start(now)}) or 0)
    target = tiers.for_spend(spend)
    upgrade = tiers.rank(target.code) > tiers.rank(current)
    if target.code == current or not (upgrade or allow_downgrade):
        return None
    moved = db.execute(
        update(MEMBERS).where(MEMBERS.c.id == member_id, MEMBERS.c.tier == current).values(tier=target.code)
    )
    if moved.rowcount != 1:
        return None
    db.execute(
        TierChange.__table__.insert().values(
            member_id=member_id, from_tier=current, to_tier=target.code, spend=spend, upgrade=upgrade,
            created_at=now, notified_at=None if upgrade else now,
        )
    )
    return TierMove(member_id, current, target.code, spend, upgrade)


async def review_all(session: AsyncSession, tiers: Tiers, now: datetime) -> int:
    """Daily job: upgrades and downgrades as spend enters and leaves the 12-month window."""
    member_ids = list(await session.scalars(select(Member.id).where(Member.status == "active").order_by(Member.id)))
    changed = 0
    for member_id in member_ids:
        await begin_write(session)
        change = await session.run_sync(
            lambda sync, member_id=member_id: review_member(sync.connection(), member_id, tiers, now, allow_downgrade=True)
        )
        changed += change is not None
        await session.commit()
    return changed


@dataclass(frozen=True, slots=True)
class Announcement:
    """A claimed tier upgrade to tell the member about."""

    member_id: int
    telegram_id: int | None
    to_tier: str


async def claim_announcements(session: AsyncSession, now: datetime, limit: int = 200) -> list[Announcement]:
    """Claim unannounced upgrades (one conditional update each) so only one process sends each."""
    pending = (
        await session.execute(
            select(TierChange.id, TierChange.member_id, TierChange.to_tier, Member.telegram_id)
            .join(Member, Member.id == TierChange.member_id)
            .where(TierChange.notified_at.is_(None))
            .order_by(TierChange.id)
            .limit(limit)
        )
    ).all()
    claimed: list[Announcement] = []
    await begin_write(session)
    for change_id, member_id, to_tier, telegram_id in pending:
        result = await session.execute(
            update(TierChange).where(TierChange.id == change_id, TierChange.notified_at.is_(None)).values(notified_at=now)
        )
        if result.rowcount == 1:
            claimed.append(Announcement(member_id, telegram_id, to_tier))
    await session.commit()
    return claimed
