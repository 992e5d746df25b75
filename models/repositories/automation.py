"""Automation in SQL: the rules, who is due for each kind, and the once-per-period send rows.

Who is due starts from the broadcasts' marketing audience (opted in, active, reachable, with a chat),
so no automation reaches an opted-out, deleted or blocked member. A send is claimed by INSERT … ON
CONFLICT DO NOTHING on (kind, member, period): two processes running a job claim each member once.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, extract, func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.aftersale import Review
from models.automation import AutomationRule, AutomationSend
from models.broadcasts import Broadcast, BroadcastDelivery
from models.coupons import Coupon, CouponCampaign
from models.database import insert_for
from models.members import Member, TelegramUser
from models.orders import Order, OrderLine, Product
from models.points import PointsCheckin
from models.repositories.broadcasts import segment_query

BROADCASTS = Broadcast.__table__
RULES = AutomationRule.__table__
SENDS = AutomationSend.__table__
DELIVERIES = BroadcastDelivery.__table__
MEMBERS = Member.__table__


@dataclass(frozen=True, slots=True)
class RuleRow:
    kind: str
    enabled: bool
    params: str


@dataclass(frozen=True, slots=True)
class Due:
    """A member due for an automation, and the period that makes it once (and the order asked about)."""

    member_id: int
    period: str
    order_id: int | None = None


@dataclass(frozen=True, slots=True)
class Figures:
    kind: str
    sent: int
    converted: int


def _audience() -> Any:
    """The marketing audience's member ids (the broadcasts' "all" segment, its rules in one place)."""
    return segment_query("all", {}, datetime.now(), date.today()).with_only_columns(MEMBERS.c.id)


class AutomationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._insert = insert_for(session.bind.dialect.name)

    # --- rules -----------------------------------------------------------------------------

    async def rules(self) -> list[RuleRow]:
        rows = await self.session.execute(select(RULES.c.kind, RULES.c.enabled, RULES.c.params))
        return [RuleRow(kind, bool(enabled), params) for kind, enabled, params in rows]

    async def save_rule(self, kind: str, enabled: bool, params: str, now: datetime) -> None:
        statement = self._insert(RULES).values(kind=kind, enabled=enabled, params=params, updated_at=now)
        await self.session.execute(statement.on_conflict_do_update(
            index_elements=["kind"], set_={"enabled": enabled, "params": params, "updated_at": now}))

    # --- who is due ------------------------------------------------------------------------

    async def birthdays(self, today: date) -> list[Due]:
        """Audience members whose birthday is today (29 February counts on 28 February in other years)."""
        m = MEMBERS.c
        days = [today.day] + ([29] if (today.month, today.day) == (2, 28) and not _leap(today.year) else [])
        query = _audience().where(m.birthday.is_not(None), extract("month", m.birthday) == today.month,
                                  extract("day", m.birthday).in_(days), ~_sent("birthday", str(today.year)))
        return [Due(member_id, str(today.year)) for member_id in await self.session.scalars(query)]

    async def inactive(self, days: int, now: datetime, today: date) -> list[Due]:
        """Audience members with neither an order nor a check-in (nor joining) in the last `days` days;
        the period is the day their inactivity began, so one win-back per inactivity period."""
        m = MEMBERS.c
        since = now - timedelta(days=days)
        last_order = select(func.max(Order.created_at)).where(Order.member_id == m.id).scalar_subquery()
        last_checkin = select(func.max(PointsCheckin.day)).where(PointsCheckin.member_id == m.id).scalar_subquery()
        query = (
            select(m.id, m.created_at, last_order, last_checkin)
            .where(m.id.in_(_audience()), m.created_at < since,
                   ~exists().where(Order.member_id == m.id, Order.created_at >= since),
                   ~exists().where(PointsCheckin.member_id == m.id, PointsCheckin.day > today - timedelta(days=days)),
                   ~_quiet_since_winback())
        )
        due = []
        for member_id, joined, ordered, checked in await self.session.execute(query):
            began = max(d for d in (_day(joined), _day(ordered), checked) if d is not None)
            due.append(Due(member_id, began.isoformat()))
        return due

    async def completed_orders(self, after_days: int, now: datetime, window_days: int = 14) -> list[Due]:
        """Completed, unreviewed orders of audience members completed `after_days` days ago (up to
        `window_days` more, so switching the rule on does not ask about old orders)."""
        o = Order.__table__.c
        latest = now - timedelta(days=after_days)
        query = select(o.member_id, o.id).where(
            o.status == "completed", o.completed_at <= latest, o.completed_at > latest - timedelta(days=window_days),
            o.member_id.in_(_audience()), ~exists().where(Review.order_id == o.id),
            ~exists().where(SENDS.c.kind == "review", SENDS.c.member_id == o.member_id, SENDS.c.order_id == o.id),
        )
        return [Due(member_id, f"order:{order_id}", order_id) for member_id, order_id in await self.session.execute(query)]

    # --- the personalised coupon (services/automation/personal.py) -----------------------------

    async def basket_due(self, min_orders: int, every_days: int, period: str, now: datetime, after_id: int,
                         limit: int) -> list[Due]:
        """Audience members with at least `min_orders` paid orders and no personalised coupon this period
        nor within the last `every_days` days (so changing N never sends twice), ids above `after_id`, lowest first."""
        o, s = Order.__table__.c, SENDS.c
        # per member through ix_orders_member_id_id, walking members by id: a batch stops at `limit` found
        paid = select(func.count()).where(o.member_id == MEMBERS.c.id, o.paid_at.is_not(None)).scalar_subquery()
        recent = exists().where(s.kind == "personal_coupon", s.member_id == MEMBERS.c.id,
                                s.created_at > now - timedelta(days=every_days))
        # the cheap unique-key checks first: a later run in the period skips a member there
        query = (select(MEMBERS.c.id).where(MEMBERS.c.id > after_id, ~_sent("personal_coupon", period), ~recent,
                                            paid >= min_orders, MEMBERS.c.id.in_(_audience()))
                 .order_by(MEMBERS.c.id).limit(limit))
        return [Due(member_id, period) for member_id in await self.session.scalars(query)]

    async def baskets(self, member_ids: list[int], latest: int) -> dict[int, list[int]]:
        """Each member's latest `latest` paid order totals (paid minus refunded), one query for the batch."""
        o = Order.__table__.c
        rank = func.row_number().over(partition_by=o.member_id, order_by=o.id.desc()).label("rank")
        ranked = select(o.member_id, (o.total - o.refunded_amount).label("kept"), rank).where(
            o.member_id.in_(member_ids), o.paid_at.is_not(None)).subquery()
        totals: dict[int, list[int]] = {}
        for member_id, kept in await self.session.execute(
                select(ranked.c.member_id, ranked.c.kept).where(ranked.c.rank <= latest)):
            totals.setdefault(member_id, []).append(int(kept))
        return totals

    async def category_units(self, member_ids: list[int]) -> dict[int, list[tuple[str, int]]]:
        """Per member: (category, units kept) of their paid orders, most bought first (as
        RecommendationRepository.category_units, for a batch)."""
        o, lines, products = Order.__table__.c, OrderLine.__table__.c, Product.__table__.c
        units = func.sum(lines.quantity - lines.refunded_quantity)
        query = (
            select(o.member_id, products.category, units)
            .select_from(Order.__table__.join(OrderLine.__table__, lines.order_id == o.id)
                         .join(Product.__table__, products.id == lines.product_id))
            .where(o.member_id.in_(member_ids), o.paid_at.is_not(None))
            .group_by(o.member_id, products.category).having(units > 0)
            .order_by(o.member_id, units.desc(), products.category)
        )
        result: dict[int, list[tuple[str, int]]] = {}
        for member_id, category, count in await self.session.execute(query):
            result.setdefault(member_id, []).append((category, int(count)))
        return result

    async def ensure_campaign(self, code: str, values: dict[str, Any]) -> int:
        """The campaign with this code, created once (INSERT … ON CONFLICT DO NOTHING on the code)."""
        campaigns = CouponCampaign.__table__
        await self.session.execute(self._insert(campaigns).values(code=code, **values)
                                   .on_conflict_do_nothing(index_elements=["code"]))
        return int(await self.session.scalar(select(campaigns.c.id).where(campaigns.c.code == code)))

    # --- sends -----------------------------------------------------------------------------

    async def claim(self, kind: str, due: list[Due], broadcast_id: int, now: datetime) -> list[Due]:
        """Insert the send rows this run wins (ON CONFLICT DO NOTHING); returns those it won."""
        if not due:
            return []
        rows = [dict(kind=kind, member_id=d.member_id, period=d.period, order_id=d.order_id, status="queued",
                     broadcast_id=broadcast_id, created_at=now) for d in due]
        await self.session.execute(self._insert(SENDS).values(rows).on_conflict_do_nothing(
            index_elements=["kind", "member_id", "period"]))
        won = await self.session.execute(
            select(SENDS.c.member_id, SENDS.c.period, SENDS.c.order_id).where(SENDS.c.broadcast_id == broadcast_id))
        return [Due(*row) for row in won]

    async def refuse(self, broadcast_id: int, member_id: int) -> None:
        """The send stays (so the period is used up) but carries no message."""
        await self.session.execute(update(SENDS).where(SENDS.c.broadcast_id == broadcast_id, SENDS.c.member_id == member_id)
                                   .values(status="refused", broadcast_id=None))

    async def drop_broadcast(self, broadcast_id: int) -> None:
        """A run that won no one leaves no broadcast behind (nor a refused send pointing at it)."""
        await self.session.execute(update(SENDS).where(SENDS.c.broadcast_id == broadcast_id).values(broadcast_id=None))
        await self.session.execute(BROADCASTS.delete().where(BROADCASTS.c.id == broadcast_id))

    async def materialise(self, broadcast_id: int) -> int:
        """The broadcast's delivery rows: its queued sends' members, still in the audience."""
        m = MEMBERS.c
        language = func.coalesce(TelegramUser.language, TelegramUser.client_language)
        source = (
            select(m.id, m.telegram_id, language, literal(broadcast_id), literal("pending"), literal(0))
            .select_from(SENDS.join(MEMBERS, m.id == SENDS.c.member_id)
                         .outerjoin(TelegramUser.__table__, TelegramUser.id == m.telegram_id))
            .where(SENDS.c.broadcast_id == broadcast_id, SENDS.c.status == "queued", m.id.in_(_audience()))
        )
        statement = self._insert(DELIVERIES).from_select(
            ["member_id", "telegram_id", "language", "broadcast_id", "status", "attempts"], source
        ).on_conflict_do_nothing(index_elements=["broadcast_id", "member_id"])
        return int((await self.session.execute(statement)).rowcount or 0)

    # --- figures ---------------------------------------------------------------------------

    async def figures(self, since: datetime, within: timedelta) -> list[Figures]:
        """Per kind, sends since `since` whose message was sent, and of those converted: the coupon it
        carried used, or the order reviewed, within `within` of the send (compared here, not in SQL,
        the same on both databases)."""
        s, d, c = SENDS.c, DELIVERIES.c, Coupon.__table__.c
        query = (
            select(s.kind, s.created_at, c.used_at, Review.created_at)
            .select_from(SENDS.join(DELIVERIES, and_(d.broadcast_id == s.broadcast_id, d.member_id == s.member_id))
                         .outerjoin(Coupon.__table__, and_(c.id == d.coupon_id, c.status == "used"))
                         .outerjoin(Review.__table__, Review.order_id == s.order_id))
            .where(s.created_at >= since, d.status == "sent")
        )
        sent: dict[str, int] = {}
        converted: dict[str, int] = {}
        for kind, at, used_at, reviewed_at in await self.session.execute(query):
            sent[kind] = sent.get(kind, 0) + 1
            done = used_at or reviewed_at
            converted[kind] = converted.get(kind, 0) + int(done is not None and done <= at + within)
        return [Figures(kind, sent[kind], converted[kind]) for kind in sorted(sent)]


def _sent(kind: str, period: str) -> Any:
    """The member already has this kind's send for this period (a filter only: the UNIQUE key decides)."""
    return exists().where(SENDS.c.kind == kind, SENDS.c.member_id == MEMBERS.c.id, SENDS.c.period == period)


def _quiet_since_winback() -> Any:
    """A win-back was sent and the member has neither ordered nor checked in since: same period."""
    s = SENDS.c
    return exists().where(
        s.kind == "winback", s.member_id == MEMBERS.c.id,
        ~exists().where(Order.member_id == MEMBERS.c.id, Order.created_at > s.created_at),
        ~exists().where(PointsCheckin.member_id == MEMBERS.c.id, PointsCheckin.created_at > s.created_at),
    )


def _day(value: datetime | date | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


__all__ = ["AutomationRepository", "Due", "Figures", "RuleRow"]
