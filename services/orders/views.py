"""What a member sees of their orders: a page of them (newest first) and one order in full."""

from dataclasses import dataclass

from models.base import utcnow
from models.repositories.aftersale import RequestView
from models.repositories.orders import EventView, LineView, OrderView
from services.errors import NotFound
from services.orders.rules import REVIEWABLE, returnable
from services.paging import Page, clamp
from services.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class OrderDetail:
    order: OrderView
    lines: list[LineView]
    events: list[EventView]
    coupon_code: str | None
    request: RequestView | None = None  # the latest return/refund request
    review_stars: int | None = None
    returnable: bool = False  # a new request may be made now
    reviewable: bool = False


async def orders_of(uow: UnitOfWork, member_id: int, page: int, size: int) -> Page[OrderView]:
    async with uow.read():
        page, pages = clamp(page, await uow.orders.count_of(member_id), size)
        items = await uow.orders.page_of(member_id, page * size, size)
    return Page(items, page, pages)


async def order_of(uow: UnitOfWork, member_id: int, order_id: int) -> OrderDetail:
    """One of the member's own orders; anyone else's is not found (a forged button shows nothing)."""
    async with uow.read():
        order = await uow.orders.order(order_id)
        if order is None or order.member_id != member_id:
            raise NotFound("order-not-found")
        coupon = await uow.coupons.coupon(order.coupon_id) if order.coupon_id else None
        request = await uow.aftersale.latest_request(order_id)
        review = await uow.aftersale.review_of(order_id)
        return OrderDetail(
            order, await uow.orders.lines(order_id), await uow.orders.events(order_id),
            coupon.code if coupon else None, request, review[0] if review else None,
            returnable=returnable(order, utcnow()) and (request is None or request.status != "open"),
            reviewable=order.status in REVIEWABLE and review is None,
        )


