"""Reviews: after an order is completed the member rates it 1-5 stars, with optional text; points once.

The UNIQUE order id makes the review (and so its points) happen once, however often the
member taps; the points use the idempotency key `review:<order id>` as well.
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from models.base import utcnow
from models.repositories.ledger import Entry
from services.errors import Conflict, InvalidInput, NotAllowed, NotFound
from services.orders.rules import REVIEWABLE
from services.points import postings
from services.points.rules import expiry_for
from services.unit_of_work import UnitOfWork

TEXT_MAX = 1000


@dataclass(frozen=True, slots=True)
class Reviewed:
    stars: int
    points: int


def checked(stars: int, text: str | None) -> tuple[int, str | None]:
    if not 1 <= stars <= 5:
        raise InvalidInput("review-stars", "stars")
    text = (text or "").strip() or None
    if text and len(text) > TEXT_MAX:
        raise InvalidInput("review-text-too-long", "text", max=TEXT_MAX)
    return stars, text


async def can_review(uow: UnitOfWork, member_id: int, order_id: int) -> bool:
    """The member's own completed order, not reviewed yet."""
    async with uow.read():
        order = await uow.orders.order(order_id)
        reviewed = await uow.aftersale.review_of(order_id) if order else None
    return order is not None and order.member_id == member_id and order.status in REVIEWABLE and reviewed is None


async def review(
    uow: UnitOfWork, member_id: int, order_id: int, stars: int, text: str | None, points: int, tz: ZoneInfo,
    now: datetime | None = None,
) -> Reviewed:
    """Record the review and credit `points` (available at once); a second review is refused."""
    stars, text = checked(stars, text)
    now = now or utcnow()
    async with uow.write():
        order = await uow.orders.order(order_id)
        if order is None or order.member_id != member_id:
            raise NotFound("order-not-found")
        if order.status not in REVIEWABLE:
            raise NotAllowed("review-not-completed")
        if await uow.aftersale.add_review(order_id=order_id, member_id=member_id, stars=stars, text=text,
                                          points_awarded=max(points, 0), created_at=now) is None:
            raise Conflict("review-exists")
        if points > 0:
            entry = Entry(member_id, "review", 0, 0, f"review:{order_id}", ref_type="order", ref_id=str(order_id))
            await uow.ledger.run(lambda ledger: postings.credit(ledger, entry, points, now, expiry_for(now, tz)))
        await uow.commit()
    return Reviewed(stars, max(points, 0))
