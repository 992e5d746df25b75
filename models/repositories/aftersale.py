"""Refunds, return requests and reviews in SQL.

Every "at most once" here is the database's: a refund per idempotency key, one open return
request per order (UNIQUE open_key), one review per order (UNIQUE order_id); a request is
decided by `UPDATE ... WHERE status = 'open'`, so a replayed or concurrent decision does nothing.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.aftersale import Refund, RefundLine, ReturnRequest, ReturnRequestLine, ReturnRequestPhoto, Review
from models.database import insert_for
from models.members import Member, TelegramUser, format_member_no
from models.orders import Order, OrderLine, Payment

REFUNDS = Refund.__table__
REFUND_LINES = RefundLine.__table__
REQUESTS = ReturnRequest.__table__
REQUEST_LINES = ReturnRequestLine.__table__
PHOTOS = ReturnRequestPhoto.__table__
REVIEWS = Review.__table__
ORDERS = Order.__table__
LINES = OrderLine.__table__
PAYMENTS = Payment.__table__


@dataclass(frozen=True, slots=True)
class RefundView:
    id: int
    order_id: int
    request_id: int | None
    full: bool
    amount: int
    points_revoked: int
    points_returned: int
    coupon_restored: bool
    restocked: bool
    status: str
    star_refund_done: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class RequestView:
    id: int
    order_id: int
    member_id: int
    kind: str
    reason_code: str
    text: str | None
    status: str
    reject_reason: str | None
    staff_id: int | None
    created_at: datetime
    decided_at: datetime | None

    @property
    def member_no(self) -> str:
        return format_member_no(self.member_id)


@dataclass(frozen=True, slots=True)
class StarRefund:
    """A Stars payment to give back with refundStarPayment."""

    refund_id: int
    telegram_user_id: int
    charge_id: str


_REFUND_COLUMNS = tuple(REFUNDS.c[name] for name in RefundView.__slots__)
_REQUEST_COLUMNS = tuple(REQUESTS.c[name] for name in RequestView.__slots__)


class AftersaleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._insert = insert_for(session.bind.dialect.name)

    # --- refunds ------------------------------------------------------------------------------

    async def add_refund(self, **values: Any) -> int | None:
        """The new refund's id, or None when its idempotency key was used before."""
        statement = (
            self._insert(REFUNDS).values(**values)
            .on_conflict_do_nothing(index_elements=["idempotency_key"]).returning(REFUNDS.c.id)
        )
        return await self.session.scalar(statement)

    async def refund_by_key(self, key: str) -> RefundView | None:
        row = (await self.session.execute(select(*_REFUND_COLUMNS).where(REFUNDS.c.idempotency_key == key))).first()
        return RefundView(*row) if row else None

    async def refunds_of(self, order_id: int) -> list[RefundView]:
        rows = await self.session.execute(
            select(*_REFUND_COLUMNS).where(REFUNDS.c.order_id == order_id).order_by(REFUNDS.c.id)
        )
        return [RefundView(*row) for row in rows]

    async def refunded_so_far(self, order_id: int) -> tuple[int, int]:
        """(earned points revoked, spent points returned) by the order's earlier refunds."""
        row = (await self.session.execute(
            select(func.coalesce(func.sum(REFUNDS.c.points_revoked), 0),
                   func.coalesce(func.sum(REFUNDS.c.points_returned), 0)).where(REFUNDS.c.order_id == order_id)
        )).one()
        return int(row[0]), int(row[1])

    async def set_refund(self, refund_id: int, **values: Any) -> None:
        await self.session.execute(update(REFUNDS).where(REFUNDS.c.id == refund_id).values(**values))

    async def add_refund_lines(self, refund_id: int, lines: list[dict[str, Any]]) -> None:
        if lines:
            await self.session.execute(REFUND_LINES.insert(), [{"refund_id": refund_id, **line} for line in lines])

    async def take_line(self, line_id: int, quantity: int) -> bool:
        """Count `quantity` more of a line as refunded, if that many are left."""
        result = await self.session.execute(
            update(LINES).where(LINES.c.id == line_id, LINES.c.refunded_quantity + quantity <= LINES.c.quantity)
            .values(refunded_quantity=LINES.c.refunded_quantity + quantity)
        )
        return result.rowcount == 1

    async def add_refunded(self, order_id: int, amount: int) -> bool:
        """Add to the order's refunded amount, never past its total."""
        result = await self.session.execute(
            update(ORDERS).where(ORDERS.c.id == order_id, ORDERS.c.refunded_amount + amount <= ORDERS.c.total)
            .values(refunded_amount=ORDERS.c.refunded_amount + amount)
        )
        return result.rowcount == 1

    async def due_star_refunds(self, limit: int) -> list[StarRefund]:
        rows = await self.session.execute(
            select(REFUNDS.c.id, PAYMENTS.c.telegram_user_id, PAYMENTS.c.telegram_payment_charge_id)
            .join(PAYMENTS, PAYMENTS.c.order_id == REFUNDS.c.order_id)
            .where(REFUNDS.c.status == "pending", PAYMENTS.c.currency == "XTR")
            .order_by(REFUNDS.c.id).limit(limit)
        )
        return [StarRefund(*row) for row in rows]

    async def move_refund(self, refund_id: int, expected: str, to: str, **values: Any) -> bool:
        result = await self.session.execute(
            update(REFUNDS).where(REFUNDS.c.id == refund_id, REFUNDS.c.status == expected).values(status=to, **values)
        )
        return result.rowcount == 1

    # --- return requests ----------------------------------------------------------------------

    async def add_request(self, **values: Any) -> int | None:
        """The new request's id, or None when the order already has an open one."""
        statement = (
            self._insert(REQUESTS).values(open_key=values["order_id"], **values)
            .on_conflict_do_nothing(index_elements=["open_key"]).returning(REQUESTS.c.id)
        )
        return await self.session.scalar(statement)

    async def add_request_parts(self, request_id: int, lines: dict[int, int], photos: list[str], now: datetime) -> None:
        if lines:
            await self.session.execute(REQUEST_LINES.insert(), [
                {"request_id": request_id, "order_line_id": line_id, "quantity": quantity}
                for line_id, quantity in lines.items()
            ])
        if photos:
            await self.session.execute(PHOTOS.insert(), [
                {"request_id": request_id, "file_id": file_id, "created_at": now} for file_id in photos
            ])

    async def request(self, request_id: int) -> RequestView | None:
        row = (await self.session.execute(select(*_REQUEST_COLUMNS).where(REQUESTS.c.id == request_id))).first()
        return RequestView(*row) if row else None

    async def request_lines(self, request_id: int) -> dict[int, int]:
        rows = await self.session.execute(
            select(REQUEST_LINES.c.order_line_id, REQUEST_LINES.c.quantity).where(REQUEST_LINES.c.request_id == request_id)
        )
        return {line_id: quantity for line_id, quantity in rows}

    async def request_photos(self, request_id: int) -> list[str]:
        return list(await self.session.scalars(
            select(PHOTOS.c.file_id).where(PHOTOS.c.request_id == request_id).order_by(PHOTOS.c.id)
        ))

    async def latest_request(self, order_id: int) -> RequestView | None:
        row = (await self.session.execute(
            select(*_REQUEST_COLUMNS).where(REQUESTS.c.order_id == order_id).order_by(REQUESTS.c.id.desc()).limit(1)
        )).first()
        return RequestView(*row) if row else None

    async def count_open(self) -> int:
        return int(await self.session.scalar(select(func.count()).where(REQUESTS.c.status == "open")) or 0)

    async def open_queue(self, offset: int, limit: int) -> list[RequestView]:
        """Open requests, oldest first."""
        rows = await self.session.execute(
            select(*_REQUEST_COLUMNS).where(REQUESTS.c.status == "open")
            .order_by(REQUESTS.c.created_at, REQUESTS.c.id).offset(offset).limit(limit)
        )
        return [RequestView(*row) for row in rows]

    async def decide(self, request_id: int, to: str, staff_id: int, now: datetime, reject_reason: str | None) -> bool:
        """Close an open request; False when it was decided before (a replayed or concurrent decision)."""
        result = await self.session.execute(
            update(REQUESTS).where(REQUESTS.c.id == request_id, REQUESTS.c.status == "open")
            .values(status=to, open_key=None, staff_id=staff_id, decided_at=now, reject_reason=reject_reason)
        )
        return result.rowcount == 1

    async def member_chat(self, member_id: int) -> tuple[int | None, str | None]:
        """(Telegram id, chosen language) of a member, to tell them of a decision."""
        row = (await self.session.execute(
            select(Member.telegram_id, TelegramUser.language)
            .outerjoin(TelegramUser, TelegramUser.id == Member.telegram_id).where(Member.id == member_id)
        )).first()
        return (row[0], row[1]) if row else (None, None)

    # --- reviews ------------------------------------------------------------------------------

    async def add_review(self, **values: Any) -> int | None:
        """The new review's id, or None when the order was reviewed before."""
        statement = (
            self._insert(REVIEWS).values(**values)
            .on_conflict_do_nothing(index_elements=["order_id"]).returning(REVIEWS.c.id)
        )
        return await self.session.scalar(statement)

    async def review_of(self, order_id: int) -> tuple[int, str | None, int] | None:
        """(stars, text, points awarded) of the order's review."""
        row = (await self.session.execute(
            select(REVIEWS.c.stars, REVIEWS.c.text, REVIEWS.c.points_awarded).where(REVIEWS.c.order_id == order_id)
        )).first()
        return (row[0], row[1], row[2]) if row else None
