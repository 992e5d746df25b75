"""/stats: the shop's figures as a list of sections, each computed by SQL aggregates (admins and up).

A section is plain data: a text key and its values; the bot renders `stats-<key>` (and
`stats-<key>-row` for each row). Values named `*_money` are minor units, `*_seconds` durations,
`*_percent` ready-made percentages; None means "no data yet".

"Active" members: a points ledger entry (any earn, spend, check-in reward, adjustment...), a daily
check-in or a message in a support ticket within the period. Logging in leaves no record on this
branch, so it is not counted yet.

Orders: paid orders (refunded ones included) by the time of payment; revenue is what was paid less
what was refunded; the average order value is over the last 30 days' paid orders.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from decimal import Decimal
from typing import Any

from models.base import utcnow
from services.policy import ShopPolicy
from services.staff.roles import Role, require
from services.unit_of_work import UnitOfWork

CAMPAIGNS_SHOWN = 10


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    values: dict[str, Any]
    rows: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class StatsContext:
    now: datetime
    policy: ShopPolicy

    @property
    def since7(self) -> datetime:
        return self.now - timedelta(days=7)

    @property
    def since30(self) -> datetime:
        return self.now - timedelta(days=30)


SectionBuilder = Callable[[UnitOfWork, StatsContext], Awaitable[Section]]


def percent(part: int, whole: int | None) -> str | None:
    """"12.5" (one decimal), or None when there is nothing to divide by."""
    if not whole:
        return None
    return f"{Decimal(part * 100) / Decimal(whole):.1f}"


async def members_section(uow: UnitOfWork, ctx: StatsContext) -> Section:
    total, new7, new30 = await uow.stats.members(ctx.since7, ctx.since30)
    active7, active30 = await uow.stats.active_members(ctx.since7, ctx.since30)
    return Section("members", dict(total=total, new7=new7, new30=new30, active7=active7, active30=active30))


async def points_section(uow: UnitOfWork, ctx: StatsContext) -> Section:
    figures = await uow.stats.points(ctx.since30)
    liability = ctx.policy.orders.points_discount(figures["outstanding"])  # what they take off at checkout
    return Section("points", {**figures, "liability_money": liability})


async def coupons_section(uow: UnitOfWork, ctx: StatsContext) -> Section:
    """Per campaign (newest first): claim rate = stock taken, use rate = coupons used of those that exist."""
    rows = [
        dict(name_zh=c.name_zh, name_en=c.name_en, claimed=c.claimed, stock=c.stock, issued=c.issued, used=c.used,
             claim_percent=percent(c.claimed, c.stock), use_percent=percent(c.used, c.issued))
        for c in await uow.stats.campaigns(CAMPAIGNS_SHOWN)
    ]
    return Section("coupons", dict(count=len(rows)), rows)


async def tickets_section(uow: UnitOfWork, ctx: StatsContext) -> Section:
    figures = await uow.stats.tickets()
    mean = None if figures.rating_mean is None else f"{figures.rating_mean:.1f}"
    return Section("tickets", dict(open=figures.open, total=figures.total, rated=figures.rated, rating=mean,
                                   response_seconds=figures.median_response_seconds))


async def orders_section(uow: UnitOfWork, ctx: StatsContext) -> Section:
    figures = await uow.stats.orders(ctx.since7, ctx.since30)
    average = figures["gross_30"] // figures["orders_30"] if figures["orders_30"] else None
    return Section("orders", dict(
        orders=figures["orders"], orders_7=figures["orders_7"], orders_30=figures["orders_30"],
        revenue_money=figures["revenue"], revenue_30_money=figures["revenue_30"], average_30_money=average,
        refunds_30=figures["refunds_30"], refunded_30_money=figures["refunded_30"],
    ))


async def automation_section(uow: UnitOfWork, ctx: StatsContext) -> Section:
    """Per marketing automation over 30 days: messages sent, and converted (services.automation.rules)."""
    from services.automation.rules import CONVERSION_DAYS

    rows = [dict(kind=f.kind, sent=f.sent, converted=f.converted, converted_percent=percent(f.converted, f.sent))
            for f in await uow.automation.figures(ctx.since30, timedelta(days=CONVERSION_DAYS))]
    return Section("automation", dict(days=30, within=CONVERSION_DAYS), rows)


SECTIONS: list[SectionBuilder] = [members_section, points_section, coupons_section, orders_section, tickets_section,
                                  automation_section]


async def report(uow: UnitOfWork, policy: ShopPolicy, staff_id: int, now: datetime | None = None) -> list[Section]:
    """Every section, read in one snapshot after the admin role is checked."""
    ctx = StatsContext(now or utcnow(), policy)
    async with uow.read():
        await require(uow, policy, staff_id, Role.admin)
        return [await build(uow, ctx) for build in SECTIONS]
