"""Aggregates for /stats and the keyset-paged reads of /export: every figure is computed in SQL.

Nothing here loops over members in Python: counts, sums and per-day series are GROUP BY queries;
the median first-response time reads at most two rows (ORDER BY ... OFFSET the middle).
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from models.coupons import Coupon, CouponCampaign
from models.members import Member
from models.points import PointsCheckin, PointsLedger
from models.aftersale import Refund
from models.orders import Order
from models.support import Ticket, TicketMessage

# Member columns an export may carry: no password hash, no tokens.
MEMBER_EXPORT_COLUMNS = (
    Member.id, Member.username, Member.email, Member.phone, Member.address, Member.birthday, Member.tier,
    Member.points_available, Member.points_frozen, Member.marketing_opt_in, Member.status, Member.telegram_id,
    Member.referrer_id, Member.created_at,
)
ORDER_EXPORT_COLUMNS = (
    Order.id, Order.member_id, Order.status, Order.source, Order.currency, Order.subtotal, Order.coupon_discount,
    Order.points_used, Order.points_discount, Order.total, Order.refunded_amount, Order.points_earned,
    Order.created_at, Order.paid_at, Order.shipped_at, Order.delivered_at, Order.completed_at, Order.cancelled_at,
)
LEDGER_EXPORT_COLUMNS = (
    PointsLedger.id, PointsLedger.member_id, PointsLedger.kind, PointsLedger.amount, PointsLedger.frozen_delta,
    PointsLedger.available_after, PointsLedger.frozen_after, PointsLedger.reason, PointsLedger.ref_type,
    PointsLedger.ref_id, PointsLedger.paid_amount, PointsLedger.reverses_id, PointsLedger.expires_at,
    PointsLedger.created_at,
)


@dataclass(frozen=True, slots=True)
class CampaignUse:
    id: int
    name_zh: str
    name_en: str
    stock: int | None
    claimed: int  # the campaign's claim counter (stock taken)
    issued: int  # coupons that exist
    used: int


@dataclass(frozen=True, slots=True)
class TicketFigures:
    open: int
    total: int
    rated: int
    rating_mean: float | None
    median_response_seconds: int | None


class StatsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.dialect = session.bind.dialect.name

    def local_day(self, column: Any, tz: ZoneInfo, at: datetime) -> Any:
        """The shop-local calendar day of a UTC timestamp column, in SQL.

        PostgreSQL converts with the zone's rules; SQLite (no zone database) shifts by the zone's
        offset at `at`, which is exact for zones without daylight saving (Asia/Shanghai) and off by an
        hour around a DST change otherwise.
        """
        if self.dialect == "postgresql":
            return func.date(func.timezone(tz.key, column))
        offset = int(at.astimezone(tz).utcoffset().total_seconds())
        return func.date(column, f"{offset:+d} seconds")

    async def members(self, since7: datetime, since30: datetime) -> tuple[int, int, int]:
        """(total, new in 7 days, new in 30 days); anonymised (deleted) members are not counted."""
        row = (await self.session.execute(
            select(
                func.count(),
                func.count(case((Member.created_at >= since7, 1))),
                func.count(case((Member.created_at >= since30, 1))),
            ).where(Member.status != "deleted")
        )).one()
        return int(row[0]), int(row[1]), int(row[2])

    async def active_members(self, since7: datetime, since30: datetime) -> tuple[int, int]:
        """Distinct members with a ledger entry, a check-in or a ticket message since each date."""
        events = union_all(
            select(PointsLedger.member_id.label("member_id"), PointsLedger.created_at.label("at"))
            .where(PointsLedger.created_at >= since30),
            select(PointsCheckin.member_id, PointsCheckin.created_at).where(PointsCheckin.created_at >= since30),
            select(Ticket.member_id, TicketMessage.created_at)
            .join(Ticket, Ticket.id == TicketMessage.ticket_id)
            .where(TicketMessage.author == "member", TicketMessage.created_at >= since30),
        ).subquery()
        row = (await self.session.execute(
            select(
                func.count(func.distinct(case((events.c.at >= since7, events.c.member_id)))),
                func.count(func.distinct(events.c.member_id)),
            )
        )).one()
        return int(row[0]), int(row[1])

    async def points(self, since30: datetime) -> dict[str, int]:
        """Issued (every credit), spent, expired: all time and the last 30 days; outstanding balances."""
        recent = PointsLedger.created_at >= since30

        def total(condition: Any, sign: int = 1) -> Any:
            return func.coalesce(func.sum(case((condition, PointsLedger.amount * sign), else_=0)), 0)

        issued, spent, expired = PointsLedger.amount > 0, PointsLedger.kind == "spend", PointsLedger.kind == "expire"
        row = (await self.session.execute(select(
            total(issued), total(spent, -1), total(expired, -1),
            total(issued & recent), total(spent & recent, -1), total(expired & recent, -1),
        ))).one()
        outstanding = await self.session.scalar(
            select(func.coalesce(func.sum(Member.points_available + Member.points_frozen), 0))
        )
        keys = ("issued", "spent", "expired", "issued_30", "spent_30", "expired_30")
        return {**dict(zip(keys, (int(value) for value in row))), "outstanding": int(outstanding or 0)}

    async def campaigns(self, limit: int) -> list[CampaignUse]:
        """The newest campaigns with how many coupons exist and how many were used."""
        used = func.count(case((Coupon.status == "used", 1)))
        rows = await self.session.execute(
            select(CouponCampaign.id, CouponCampaign.name_zh, CouponCampaign.name_en, CouponCampaign.stock,
                   CouponCampaign.claimed, func.count(Coupon.id), used)
            .outerjoin(Coupon, Coupon.campaign_id == CouponCampaign.id)
            .group_by(CouponCampaign.id).order_by(CouponCampaign.id.desc()).limit(limit)
        )
        return [CampaignUse(*(row[:4]), int(row[4]), int(row[5]), int(row[6])) for row in rows]

    async def tickets(self) -> TicketFigures:
        row = (await self.session.execute(select(
            func.count(case((Ticket.status != "closed", 1))), func.count(), func.count(Ticket.rating),
            func.avg(Ticket.rating), func.count(Ticket.first_response_seconds),
        ))).one()
        return TicketFigures(int(row[0]), int(row[1]), int(row[2]),
                             float(row[3]) if row[3] is not None else None, await self._median_response(int(row[4])))

    async def _median_response(self, responded: int) -> int | None:
        if responded == 0:
            return None
        middle = await self.session.scalars(
            select(Ticket.first_response_seconds).where(Ticket.first_response_seconds.is_not(None))
            .order_by(Ticket.first_response_seconds).offset((responded - 1) // 2).limit(2 - responded % 2)
        )
        values = list(middle)
        return sum(values) // len(values)

    async def orders(self, since7: datetime, since30: datetime) -> dict[str, int]:
        """Paid orders (refunded ones included), revenue net of refunds, and refunds, all time and recent."""
        paid = Order.paid_at.is_not(None)
        net = Order.total - Order.refunded_amount

        def count(since: datetime | None = None) -> Any:
            return func.count().filter(paid, *([Order.paid_at >= since] if since else []))

        def money(value: Any, since: datetime | None = None) -> Any:
            return func.coalesce(func.sum(value).filter(paid, *([Order.paid_at >= since] if since else [])), 0)

        row = (await self.session.execute(select(
            count(), count(since7), count(since30), money(net), money(net, since30), money(Order.total, since30),
        ))).one()
        refunds = (await self.session.execute(select(
            func.count(), func.coalesce(func.sum(Refund.amount), 0),
        ).where(Refund.created_at >= since30))).one()
        keys = ("orders", "orders_7", "orders_30", "revenue", "revenue_30", "gross_30")
        return {**dict(zip(keys, (int(value) for value in row))), "refunds_30": int(refunds[0]),
                "refunded_30": int(refunds[1])}

    async def revenue_per_day(self, since: datetime, tz: ZoneInfo) -> dict[date, int]:
        """Per local day of payment: money taken, net of what was refunded since."""
        day = self.local_day(Order.paid_at, tz, since).label("day")
        rows = await self.session.execute(
            select(day, func.sum(Order.total - Order.refunded_amount)).where(Order.paid_at >= since).group_by(day)
        )
        return {_as_date(found): int(amount) for found, amount in rows}

    async def new_members_per_day(self, since: datetime, tz: ZoneInfo) -> dict[date, int]:
        day = self.local_day(Member.created_at, tz, since).label("day")
        rows = await self.session.execute(
            select(day, func.count()).where(Member.created_at >= since).group_by(day)
        )
        return {_as_date(found): int(count) for found, count in rows}

    async def points_per_day(self, since: datetime, tz: ZoneInfo) -> dict[date, tuple[int, int]]:
        """Per local day: (points issued, points spent)."""
        day = self.local_day(PointsLedger.created_at, tz, since).label("day")
        issued = func.coalesce(func.sum(case((PointsLedger.amount > 0, PointsLedger.amount), else_=0)), 0)
        spent = func.coalesce(func.sum(case((PointsLedger.kind == "spend", -PointsLedger.amount), else_=0)), 0)
        rows = await self.session.execute(
            select(day, issued, spent).where(PointsLedger.created_at >= since).group_by(day)
        )
        return {_as_date(found): (int(a), int(b)) for found, a, b in rows}

    # --- exports: keyset pages (WHERE id > last ORDER BY id LIMIT n), never the whole table at once ------

    async def member_rows(self, after_id: int, limit: int) -> list[tuple]:
        rows = await self.session.execute(
            select(*MEMBER_EXPORT_COLUMNS).where(Member.id > after_id).order_by(Member.id).limit(limit)
        )
        return [tuple(row) for row in rows]

    async def ledger_rows(self, after_id: int, limit: int) -> list[tuple]:
        rows = await self.session.execute(
            select(*LEDGER_EXPORT_COLUMNS).where(PointsLedger.id > after_id).order_by(PointsLedger.id).limit(limit)
        )
        return [tuple(row) for row in rows]

    async def order_rows(self, after_id: int, limit: int) -> list[tuple]:
        rows = await self.session.execute(
            select(*ORDER_EXPORT_COLUMNS).where(Order.id > after_id).order_by(Order.id).limit(limit)
        )
        return [tuple(row) for row in rows]

    async def count_rows(self, table: str) -> int:
        model = {"members": Member, "ledger": PointsLedger, "orders": Order}[table]
        return int(await self.session.scalar(select(func.count()).select_from(model)) or 0)


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


__all__ = ["CampaignUse", "LEDGER_EXPORT_COLUMNS", "MEMBER_EXPORT_COLUMNS", "ORDER_EXPORT_COLUMNS", "StatsRepository", "TicketFigures"]
