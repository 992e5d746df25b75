"""Broadcasts in SQL: segments as queries, recipients materialised by INSERT … SELECT, and the
delivery rows moved only by conditional updates (a row is claimed by one sender, sent at most once).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, exists, extract, func, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.broadcasts import Broadcast, BroadcastDelivery
from models.coupons import Coupon
from models.database import insert_for
from models.members import Member, TelegramUser
from models.orders import Order
from models.points import PointsCheckin, PointsLot

BROADCASTS = Broadcast.__table__
DELIVERIES = BroadcastDelivery.__table__
MEMBERS = Member.__table__


@dataclass(frozen=True, slots=True)
class BroadcastView:
    id: int
    composer_id: int
    composer_language: str
    kind: str
    text: str
    photo_file_id: str | None
    button_text: str | None
    button_url: str | None
    campaign_id: int | None
    segment: str
    segment_params: str
    status: str
    scheduled_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    total: int
    progress_message_id: int | None
    text_key: str | None = None
    button_key: str | None = None
    button_data: str | None = None


@dataclass(frozen=True, slots=True)
class Recipient:
    """A claimed delivery row: who gets the message, in which language."""

    id: int
    member_id: int
    telegram_id: int
    language: str | None


_VIEW_COLUMNS = [BROADCASTS.c[name] for name in BroadcastView.__slots__]


def segment_query(segment: str, params: dict[str, Any], now: datetime, today: date) -> Select:
    """Members of a segment who may receive marketing: opted in, active, reachable, with a chat.

    Columns: member id, Telegram id, language. Raises KeyError for an unknown segment.
    """
    m = MEMBERS.c
    language = func.coalesce(TelegramUser.language, TelegramUser.client_language)
    query = (
        select(m.id, m.telegram_id, language)
        .select_from(MEMBERS.outerjoin(TelegramUser.__table__, TelegramUser.id == m.telegram_id))
        .where(m.marketing_opt_in.is_(True), m.status == "active", m.unreachable_at.is_(None),
               m.telegram_id.is_not(None))
    )
    return query.where(*_SEGMENTS[segment](params, now, today))


def _all(params: dict[str, Any], now: datetime, today: date) -> list[Any]:
    return []


def _tier(params: dict[str, Any], now: datetime, today: date) -> list[Any]:
    return [MEMBERS.c.tier == params["tier"]]


def _new(params: dict[str, Any], now: datetime, today: date) -> list[Any]:
    return [MEMBERS.c.created_at >= now - timedelta(days=params["days"])]


def _inactive(params: dict[str, Any], now: datetime, today: date) -> list[Any]:
    """Joined more than N days ago, and neither an order nor a check-in in the last N days."""
    since = today - timedelta(days=params["days"])
    checked_in = exists().where(PointsCheckin.member_id == MEMBERS.c.id, PointsCheckin.day > since)
    ordered = exists().where(Order.member_id == MEMBERS.c.id, Order.created_at > now - timedelta(days=params["days"]))
    return [MEMBERS.c.created_at < now - timedelta(days=params["days"]), ~checked_in, ~ordered]


def _spent(params: dict[str, Any], now: datetime, today: date) -> list[Any]:
    """Paid at least `amount` (minor units, net of refunds) for orders paid in the last N days."""
    net = (
        select(func.coalesce(func.sum(Order.total - Order.refunded_amount), 0))
        .where(Order.member_id == MEMBERS.c.id, Order.paid_at.is_not(None),
               Order.paid_at > now - timedelta(days=params["days"]))
        .scalar_subquery()
    )
    return [net >= params["amount"]]


RFM_GROUPS = ("champions", "loyal", "new", "at_risk", "hibernating")


def _rfm(params: dict[str, Any], now: datetime, today: date) -> list[Any]:
    """RFM groups over the paid orders of the last 365 days: recency (latest payment), frequency
    (orders) and monetary (net paid) each scored 1-5 by quintile (NTILE), 5 the best, then

        champions    R ≥ 4, F ≥ 4, M ≥ 3        loyal        R ≥ 3, F ≥ 3, 2+ orders, not champions
        new          one order, R ≥ 4           at_risk      R ≤ 2, F ≥ 3
        hibernating  R ≤ 2, F ≤ 2
    """
    paid = (
        select(Order.member_id.label("member_id"), func.max(Order.paid_at).label("last"),
               func.count().label("orders"), func.sum(Order.total - Order.refunded_amount).label("spent"))
        .where(Order.paid_at.is_not(None), Order.paid_at > now - timedelta(days=365))
        .group_by(Order.member_id).subquery()
    )
    scored = select(
        paid.c.member_id, paid.c.orders,
        func.ntile(5).over(order_by=(paid.c.last, paid.c.member_id)).label("r"),
        func.ntile(5).over(order_by=(paid.c.orders, paid.c.member_id)).label("f"),
        func.ntile(5).over(order_by=(paid.c.spent, paid.c.member_id)).label("m"),
    ).subquery()
    r, f, m, orders = scored.c.r, scored.c.f, scored.c.m, scored.c.orders
    champion = and_(r >= 4, f >= 4, m >= 3)
    rule = {
        "champions": champion,
        "loyal": and_(r >= 3, f >= 3, orders >= 2, ~champion),
        "new": and_(orders == 1, r >= 4),
        "at_risk": and_(r <= 2, f >= 3),
        "hibernating": and_(r <= 2, f <= 2),
    }[params["group"]]
    return [MEMBERS.c.id.in_(select(scored.c.member_id).where(rule))]


def _birthday(params: dict[str, Any], now: datetime, today: date) -> list[Any]:
    return [MEMBERS.c.birthday.is_not(None), extract("month", MEMBERS.c.birthday) == today.month]


def _expiring(params: dict[str, Any], now: datetime, today: date) -> list[Any]:
    lots = exists().where(
        PointsLot.member_id == MEMBERS.c.id, PointsLot.available > 0,
        PointsLot.expires_at > now, PointsLot.expires_at <= now + timedelta(days=params["days"]),
    )
    return [lots]


def _unused_coupons(params: dict[str, Any], now: datetime, today: date) -> list[Any]:
    held = exists().where(Coupon.member_id == MEMBERS.c.id, Coupon.status == "available", Coupon.valid_until > now)
    return [held]


_SEGMENTS = {
    "all": _all, "tier": _tier, "new": _new, "inactive": _inactive,
    "birthday": _birthday, "expiring": _expiring, "coupons": _unused_coupons, "spent": _spent, "rfm": _rfm,
}


class BroadcastRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._insert = insert_for(session.bind.dialect.name)

    # --- segments --------------------------------------------------------------------------

    async def segment_size(self, segment: str, params: dict[str, Any], now: datetime, today: date) -> int:
        query = segment_query(segment, params, now, today).subquery()
        return int(await self.session.scalar(select(func.count()).select_from(query)) or 0)

    async def materialise(self, broadcast_id: int, segment: str, params: dict[str, Any], now: datetime, today: date) -> int:
        """One delivery row per recipient, by one INSERT … SELECT; returns how many."""
        source = segment_query(segment, params, now, today).add_columns(
            literal(broadcast_id), literal("pending"), literal(0)
        )
        statement = (
            self._insert(DELIVERIES)
            .from_select(["member_id", "telegram_id", "language", "broadcast_id", "status", "attempts"], source)
            .on_conflict_do_nothing(index_elements=["broadcast_id", "member_id"])
        )
        result = await self.session.execute(statement)
        return int(result.rowcount or 0)

    # --- broadcasts ------------------------------------------------------------------------

    async def add(self, **values: Any) -> int:
        return int(await self.session.scalar(BROADCASTS.insert().values(**values).returning(BROADCASTS.c.id)))

    async def get(self, broadcast_id: int) -> BroadcastView | None:
        row = (await self.session.execute(select(*_VIEW_COLUMNS).where(BROADCASTS.c.id == broadcast_id))).first()
        return BroadcastView(*row) if row else None

    async def move(self, broadcast_id: int, expected: tuple[str, ...], values: dict[str, Any]) -> bool:
        """Change the status (and more) only from one of the expected statuses."""
        result = await self.session.execute(
            update(BROADCASTS).where(BROADCASTS.c.id == broadcast_id, BROADCASTS.c.status.in_(expected)).values(**values)
        )
        return result.rowcount == 1

    async def due(self, now: datetime, limit: int) -> list[int]:
        rows = await self.session.scalars(
            select(BROADCASTS.c.id).where(BROADCASTS.c.status == "scheduled", BROADCASTS.c.scheduled_at <= now)
            .order_by(BROADCASTS.c.scheduled_at, BROADCASTS.c.id).limit(limit)
        )
        return list(rows)

    async def running(self, limit: int = 10) -> list[int]:
        """Running broadcasts, oldest first: they queue, one sender works on the first."""
        rows = await self.session.scalars(
            select(BROADCASTS.c.id).where(BROADCASTS.c.status == "running")
            .order_by(BROADCASTS.c.started_at, BROADCASTS.c.id).limit(limit)
        )
        return list(rows)

    async def stalled(self, before: datetime) -> list[int]:
        """Running broadcasts no sender has touched since `before` (a worker died)."""
        rows = await self.session.scalars(
            select(BROADCASTS.c.id).where(
                BROADCASTS.c.status == "running",
                or_(BROADCASTS.c.heartbeat_at.is_(None), BROADCASTS.c.heartbeat_at < before),
            )
        )
        return list(rows)

    async def set_progress_message(self, broadcast_id: int, message_id: int) -> None:
        await self.session.execute(
            update(BROADCASTS).where(BROADCASTS.c.id == broadcast_id)
            .values(progress_message_id=message_id)
        )

    async def claim_progress(self, broadcast_id: int, digest: str, now: datetime, every: timedelta | None) -> bool:
        """The right to edit the progress message now: not within `every` of the last edit, and
        only into something new (`digest` of the text), so no edit is refused as "not modified"."""
        c = BROADCASTS.c
        conditions = [c.id == broadcast_id, or_(c.progress_shown.is_(None), c.progress_shown != digest)]
        if every is not None:
            conditions.append(or_(c.progress_at.is_(None), c.progress_at <= now - every))
        result = await self.session.execute(
            update(BROADCASTS).where(*conditions).values(progress_at=now, progress_shown=digest)
        )
        return result.rowcount == 1

    async def heartbeat(self, broadcast_id: int, now: datetime) -> None:
        await self.session.execute(update(BROADCASTS).where(BROADCASTS.c.id == broadcast_id).values(heartbeat_at=now))

    # --- deliveries ------------------------------------------------------------------------

    async def claim(self, broadcast_id: int, token: str, limit: int, now: datetime) -> list[Recipient]:
        """Take up to `limit` pending rows (pending → sending); SKIP LOCKED lets PostgreSQL senders
        pass each other, and the status condition makes a row claimable once on both databases."""
        d = DELIVERIES.c
        # Two statements, not UPDATE … IN (SELECT … LIMIT): PostgreSQL may run such a subquery more
        # than once and so update more than `limit` rows. The SELECT locks what it returns.
        ids = list(await self.session.scalars(
            select(d.id).where(d.broadcast_id == broadcast_id, d.status == "pending")
            .order_by(d.id).limit(limit).with_for_update(skip_locked=True)
        ))
        if not ids:
            return []
        statement = (
            update(DELIVERIES).where(d.id.in_(ids), d.status == "pending")
            .values(status="sending", claim_token=token, claimed_at=now, attempts=d.attempts + 1)
            .returning(d.id, d.member_id, d.telegram_id, d.language)
        )
        rows = (await self.session.execute(statement)).all()
        return sorted((Recipient(*row) for row in rows), key=lambda r: r.id)

    async def set_coupon(self, delivery_id: int, coupon_id: int) -> None:
        await self.session.execute(update(DELIVERIES).where(DELIVERIES.c.id == delivery_id).values(coupon_id=coupon_id))

    async def finish_rows(self, ids: list[int], token: str, status: str, now: datetime, error: str | None) -> int:
        """sending → an outcome, for rows this sender still holds (the token)."""
        if not ids:
            return 0
        d = DELIVERIES.c
        result = await self.session.execute(
            update(DELIVERIES).where(d.id.in_(ids), d.status == "sending", d.claim_token == token)
            .values(status=status, sent_at=now if status == "sent" else None, error=error)
        )
        return int(result.rowcount or 0)

    async def release(self, ids: list[int], token: str) -> int:
        """Rows claimed but never attempted go back to pending (a stopped sender gives them back)."""
        if not ids:
            return 0
        d = DELIVERIES.c
        result = await self.session.execute(
            update(DELIVERIES).where(d.id.in_(ids), d.status == "sending", d.claim_token == token)
            .values(status="pending", claim_token=None, claimed_at=None)
        )
        return int(result.rowcount or 0)

    async def expire_sending(self, broadcast_id: int, before: datetime) -> int:
        """Rows left mid-send by a sender that died: unknown, never resent."""
        d = DELIVERIES.c
        result = await self.session.execute(
            update(DELIVERIES).where(d.broadcast_id == broadcast_id, d.status == "sending", d.claimed_at < before)
            .values(status="unknown", error="left mid-send")
        )
        return int(result.rowcount or 0)

    async def counts(self, broadcast_id: int) -> dict[str, int]:
        d = DELIVERIES.c
        rows = await self.session.execute(
            select(d.status, func.count()).where(d.broadcast_id == broadcast_id).group_by(d.status)
        )
        return {status: int(count) for status, count in rows}

    async def sent_since(self, broadcast_id: int, since: datetime) -> int:
        d = DELIVERIES.c
        return int(await self.session.scalar(
            select(func.count()).where(d.broadcast_id == broadcast_id, d.status == "sent", d.sent_at >= since)
        ) or 0)

    async def complete(self, broadcast_id: int, counts: dict[str, int], now: datetime) -> bool:
        """running → done once nothing is pending or in flight; the final counters are kept."""
        c = DELIVERIES.c
        open_rows = exists().where(c.broadcast_id == broadcast_id, c.status.in_(("pending", "sending")))
        result = await self.session.execute(
            update(BROADCASTS).where(BROADCASTS.c.id == broadcast_id, BROADCASTS.c.status == "running", ~open_rows)
            .values(status="done", finished_at=now, sent=counts.get("sent", 0), failed=counts.get("failed", 0),
                    blocked=counts.get("blocked", 0), unknown=counts.get("unknown", 0))
        )
        return result.rowcount == 1

    # --- members ---------------------------------------------------------------------------

    async def mark_unreachable(self, member_ids: list[int], now: datetime) -> int:
        if not member_ids:
            return 0
        result = await self.session.execute(
            update(MEMBERS).where(MEMBERS.c.id.in_(member_ids), MEMBERS.c.unreachable_at.is_(None))
            .values(unreachable_at=now)
        )
        return int(result.rowcount or 0)

    async def set_reachable(self, telegram_id: int, reachable: bool, now: datetime) -> bool:
        """The member blocked (False) or unblocked (True) the bot; False when nothing changed."""
        m = MEMBERS.c
        condition = m.unreachable_at.is_not(None) if reachable else m.unreachable_at.is_(None)
        result = await self.session.execute(
            update(MEMBERS).where(m.telegram_id == telegram_id, condition)
            .values(unreachable_at=None if reachable else now)
        )
        return result.rowcount == 1

    async def opt_out(self, telegram_id: int) -> bool:
        """Marketing off for the member bound to this chat; False when it already was."""
        m = MEMBERS.c
        result = await self.session.execute(
            update(MEMBERS).where(m.telegram_id == telegram_id, m.marketing_opt_in.is_(True))
            .values(marketing_opt_in=False)
        )
        return result.rowcount == 1


__all__ = ["BroadcastRepository", "BroadcastView", "Recipient", "segment_query"]
