"""Orders, their lines, status events and payments in SQL.

A status moves only by `UPDATE orders SET status = :to ... WHERE id = :id AND status = :from`,
so of two processes moving one order (expiry job and payment, two expiry jobs) exactly one wins.
A payment row is claimed by its UNIQUE Telegram charge id (INSERT ... ON CONFLICT DO NOTHING).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.database import insert_for
from models.members import Member, TelegramUser
from models.orders import Order, OrderEvent, OrderLine, Payment, format_order_no
from models.points import PointsLot

ORDERS = Order.__table__
LINES = OrderLine.__table__
EVENTS = OrderEvent.__table__
PAYMENTS = Payment.__table__
MEMBERS = Member.__table__
LOTS = PointsLot.__table__


@dataclass(frozen=True, slots=True)
class OrderView:
    id: int
    member_id: int
    status: str
    subtotal: int
    coupon_discount: int
    points_used: int
    points_discount: int
    total: int
    refunded_amount: int
    currency: str
    coupon_id: int | None
    points_earned: int
    earn_entry_id: int | None
    source: str
    external_ref: str | None
    tracking: str | None
    created_at: datetime
    expires_at: datetime | None
    paid_at: datetime | None
    shipped_at: datetime | None
    delivered_at: datetime | None
    completed_at: datetime | None
    cancelled_at: datetime | None
    return_window_ends_at: datetime | None
    version: int

    @property
    def number(self) -> str:
        return format_order_no(self.id)


@dataclass(frozen=True, slots=True)
class LineView:
    id: int
    product_id: int | None
    name_zh: str
    name_en: str
    unit_price: int
    quantity: int
    refunded_quantity: int

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_zh


@dataclass(frozen=True, slots=True)
class EventView:
    id: int
    order_id: int
    from_status: str | None
    to_status: str
    actor: str
    note: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class StatusNotice:
    """A claimed status change to tell the member about."""

    event: EventView
    telegram_id: int | None
    language: str | None


_ORDER_COLUMNS = tuple(ORDERS.c[name] for name in OrderView.__slots__)
_LINE_COLUMNS = tuple(LINES.c[name] for name in LineView.__slots__)
_EVENT_COLUMNS = tuple(EVENTS.c[name] for name in EventView.__slots__)


class OrderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, **values: Any) -> int:
        return await self.session.scalar(ORDERS.insert().values(**values).returning(ORDERS.c.id))

    async def add_lines(self, order_id: int, lines: list[dict[str, Any]]) -> None:
        await self.session.execute(LINES.insert(), [{"order_id": order_id, **line} for line in lines])

    async def set(self, order_id: int, **values: Any) -> None:
        await self.session.execute(update(ORDERS).where(ORDERS.c.id == order_id).values(**values))

    async def move(self, order_id: int, expected: str, to: str, now: datetime, *conditions: Any,
                   **values: Any) -> bool:
        """Move the order from `expected` to `to` (and set `values`); False when it was not in `expected`."""
        result = await self.session.execute(
            update(ORDERS)
            .where(ORDERS.c.id == order_id, ORDERS.c.status == expected, *conditions)
            .values(status=to, version=ORDERS.c.version + 1, updated_at=now, **values)
        )
        return result.rowcount == 1

    async def add_event(self, order_id: int, from_status: str | None, to_status: str, actor: str, now: datetime,
                        note: str | None = None, notified: bool = False) -> None:
        await self.session.execute(
            EVENTS.insert().values(order_id=order_id, from_status=from_status, to_status=to_status, actor=actor,
                                   note=note, created_at=now, notified_at=now if notified else None)
        )

    async def order(self, order_id: int) -> OrderView | None:
        row = (await self.session.execute(select(*_ORDER_COLUMNS).where(ORDERS.c.id == order_id))).first()
        return OrderView(*row) if row else None

    async def by_external_ref(self, external_ref: str) -> OrderView | None:
        row = (await self.session.execute(select(*_ORDER_COLUMNS).where(ORDERS.c.external_ref == external_ref))).first()
        return OrderView(*row) if row else None

    async def order_for_update(self, order_id: int) -> OrderView | None:
        query = select(*_ORDER_COLUMNS).where(ORDERS.c.id == order_id).with_for_update()
        row = (await self.session.execute(query)).first()
        return OrderView(*row) if row else None

    async def lines(self, order_id: int) -> list[LineView]:
        query = select(*_LINE_COLUMNS).where(LINES.c.order_id == order_id).order_by(LINES.c.id)
        return [LineView(*row) for row in await self.session.execute(query)]

    async def events(self, order_id: int) -> list[EventView]:
        query = select(*_EVENT_COLUMNS).where(EVENTS.c.order_id == order_id).order_by(EVENTS.c.id)
        return [EventView(*row) for row in await self.session.execute(query)]

    async def count_of(self, member_id: int) -> int:
        return await self.session.scalar(select(func.count()).where(ORDERS.c.member_id == member_id))

    async def page_of(self, member_id: int, offset: int, limit: int) -> list[OrderView]:
        query = (
            select(*_ORDER_COLUMNS).where(ORDERS.c.member_id == member_id)
            .order_by(ORDERS.c.id.desc()).offset(offset).limit(limit)
        )
        return [OrderView(*row) for row in await self.session.execute(query)]

    async def count_by_status(self, status: str | None) -> int:
        query = select(func.count()).select_from(ORDERS)
        return await self.session.scalar(query.where(ORDERS.c.status == status) if status else query)

    async def page_by_status(self, status: str | None, offset: int, limit: int) -> list[OrderView]:
        """All members' orders (staff), newest first, optionally of one status."""
        query = select(*_ORDER_COLUMNS).order_by(ORDERS.c.id.desc()).offset(offset).limit(limit)
        if status:
            query = query.where(ORDERS.c.status == status)
        return [OrderView(*row) for row in await self.session.execute(query)]

    async def due_unpaid(self, before: datetime, limit: int) -> list[int]:
        query = (
            select(ORDERS.c.id)
            .where(ORDERS.c.status == "pending_payment", ORDERS.c.expires_at < before)
            .order_by(ORDERS.c.expires_at).limit(limit)
        )
        return list(await self.session.scalars(query))

    async def paid_orders_of(self, member_id: int) -> int:
        return await self.session.scalar(
            select(func.count()).where(ORDERS.c.member_id == member_id, ORDERS.c.paid_at.is_not(None))
        )

    async def payer(self, order_id: int) -> tuple[int | None, int | None]:
        """(the member's Telegram id, the member's referrer) of an order."""
        row = (await self.session.execute(
            select(MEMBERS.c.telegram_id, MEMBERS.c.referrer_id)
            .join(ORDERS, ORDERS.c.member_id == MEMBERS.c.id).where(ORDERS.c.id == order_id)
        )).first()
        return (row[0], row[1]) if row else (None, None)

    # --- payments -----------------------------------------------------------------------------

    async def add_payment(self, **values: Any) -> int | None:
        """The new payment's id, or None when this charge id was recorded before."""
        statement = (
            insert_for(self.session.bind.dialect.name)(PAYMENTS).values(**values)
            .on_conflict_do_nothing(index_elements=["telegram_payment_charge_id"])
            .returning(PAYMENTS.c.id)
        )
        return await self.session.scalar(statement)

    async def payment_order(self, charge_id: str) -> int | None:
        return await self.session.scalar(
            select(PAYMENTS.c.order_id).where(PAYMENTS.c.telegram_payment_charge_id == charge_id)
        )

    async def payment_of(self, order_id: int) -> tuple[str, int, str] | None:
        """(charge id, Telegram user id, currency) of the order's payment."""
        row = (await self.session.execute(
            select(PAYMENTS.c.telegram_payment_charge_id, PAYMENTS.c.telegram_user_id, PAYMENTS.c.currency)
            .where(PAYMENTS.c.order_id == order_id).order_by(PAYMENTS.c.id).limit(1)
        )).first()
        return (row[0], row[1], row[2]) if row else None

    # --- points frozen by an order ------------------------------------------------------------

    async def release_earned_at(self, entry_id: int, release_at: datetime) -> None:
        """Points earned by the order stay frozen until `release_at` (its return window's end)."""
        await self.session.execute(
            update(LOTS).where(LOTS.c.entry_id == entry_id, LOTS.c.pending > 0).values(release_at=release_at)
        )

    # --- status notices (an outbox: any process or the shop API may move an order) ---------------

    async def claim_notices(self, now: datetime, limit: int) -> list[StatusNotice]:
        ids = list(await self.session.scalars(
            select(EVENTS.c.id).where(EVENTS.c.notified_at.is_(None)).order_by(EVENTS.c.id).limit(limit)
        ))
        if not ids:
            return []
        claimed = list(await self.session.scalars(
            update(EVENTS).where(EVENTS.c.id.in_(ids), EVENTS.c.notified_at.is_(None))
            .values(notified_at=now).returning(EVENTS.c.id)
        ))
        if not claimed:
            return []
        query = (
            select(*_EVENT_COLUMNS, MEMBERS.c.telegram_id, TelegramUser.__table__.c.language)
            .join(ORDERS, ORDERS.c.id == EVENTS.c.order_id)
            .join(MEMBERS, MEMBERS.c.id == ORDERS.c.member_id)
            .outerjoin(TelegramUser.__table__, TelegramUser.__table__.c.id == MEMBERS.c.telegram_id)
            .where(EVENTS.c.id.in_(claimed)).order_by(EVENTS.c.id)
        )
        return [StatusNotice(EventView(*row[:7]), row[7], row[8]) for row in await self.session.execute(query)]
