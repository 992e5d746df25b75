"""Recommendation queries: a member's purchases, co-purchases of a product, what sells (in a tier).

Every query is bounded by an index, never a scan of all orders: co-purchases look at the most recent
`sample` paid orders holding the product (ix_order_lines_product_order), popularity at the most recent
`window` paid orders (the orders primary key, newest first). Only active products in stock come back.
"""

from collections.abc import Sequence

from sqlalchemy import Select, and_, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.members import Member
from models.repositories.catalog import _PRODUCT_COLUMNS, ProductView
from models.orders import Order, OrderLine, Product

ORDERS = Order.__table__
LINES = OrderLine.__table__
PRODUCTS = Product.__table__
MEMBERS = Member.__table__


def _offerable(query: Select, product_column: object, exclude: Sequence[int]) -> Select:
    """Keep active products in stock that are not excluded."""
    query = query.join(PRODUCTS, PRODUCTS.c.id == product_column).where(
        PRODUCTS.c.active.is_(True), PRODUCTS.c.stock > 0)
    return query.where(PRODUCTS.c.id.not_in(list(exclude))) if exclude else query


class RecommendationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def tier(self, member_id: int) -> str | None:
        return await self.session.scalar(select(MEMBERS.c.tier).where(MEMBERS.c.id == member_id))

    async def bought(self, member_id: int) -> list[tuple[int, bool]]:
        """(product id, repeatable) of everything the member paid for, most recently bought first."""
        last = func.max(ORDERS.c.id)
        query = (
            select(LINES.c.product_id, PRODUCTS.c.repeatable)
            .select_from(ORDERS.join(LINES, LINES.c.order_id == ORDERS.c.id)
                         .join(PRODUCTS, PRODUCTS.c.id == LINES.c.product_id))
            .where(ORDERS.c.member_id == member_id, ORDERS.c.paid_at.is_not(None))
            .group_by(LINES.c.product_id, PRODUCTS.c.repeatable).order_by(last.desc(), LINES.c.product_id)
        )
        return [(product_id, bool(repeatable)) for product_id, repeatable in await self.session.execute(query)]

    async def together(self, anchor: int, exclude: Sequence[int], sample: int, limit: int) -> list[tuple[int, int]]:
        """(product id, orders) bought in the same order as `anchor`, among its `sample` latest paid orders."""
        recent = (
            select(LINES.c.order_id).join(ORDERS, ORDERS.c.id == LINES.c.order_id)
            .where(LINES.c.product_id == anchor, ORDERS.c.paid_at.is_not(None))
            .order_by(LINES.c.order_id.desc()).limit(sample).scalar_subquery()
        )
        orders = func.count(distinct(LINES.c.order_id))
        query = _offerable(select(LINES.c.product_id, orders).select_from(LINES), LINES.c.product_id, exclude)
        query = (
            query.where(LINES.c.order_id.in_(recent), LINES.c.product_id != anchor)
            .group_by(LINES.c.product_id).order_by(orders.desc(), LINES.c.product_id).limit(limit)
        )
        return [(product_id, count) for product_id, count in await self.session.execute(query)]

    async def popular(self, tier: str | None, exclude: Sequence[int], window: int, limit: int) -> list[tuple[int, int]]:
        """(product id, units kept) in the `window` latest paid orders, of buyers now in `tier` (None: everyone)."""
        recent = (
            select(ORDERS.c.id, ORDERS.c.member_id).where(ORDERS.c.paid_at.is_not(None))
            .order_by(ORDERS.c.id.desc()).limit(window).subquery()
        )
        units = func.sum(LINES.c.quantity - LINES.c.refunded_quantity)
        source = recent.join(LINES, LINES.c.order_id == recent.c.id)
        if tier is not None:
            source = source.join(MEMBERS, and_(MEMBERS.c.id == recent.c.member_id, MEMBERS.c.tier == tier))
        query = _offerable(select(LINES.c.product_id, units).select_from(source), LINES.c.product_id, exclude)
        query = (
            query.group_by(LINES.c.product_id).having(units > 0)
            .order_by(units.desc(), LINES.c.product_id).limit(limit)
        )
        return [(product_id, count) for product_id, count in await self.session.execute(query)]

    async def category_units(self, member_id: int) -> list[tuple[str, int]]:
        """(category, units kept) of the member's paid orders, most bought first."""
        units = func.sum(LINES.c.quantity - LINES.c.refunded_quantity)
        query = (
            select(PRODUCTS.c.category, units)
            .select_from(ORDERS.join(LINES, LINES.c.order_id == ORDERS.c.id)
                         .join(PRODUCTS, PRODUCTS.c.id == LINES.c.product_id))
            .where(ORDERS.c.member_id == member_id, ORDERS.c.paid_at.is_not(None))
            .group_by(PRODUCTS.c.category).having(units > 0).order_by(units.desc(), PRODUCTS.c.category)
        )
        return [(category, int(count)) for category, count in await self.session.execute(query)]

    async def paid_totals(self, member_id: int, limit: int) -> list[int]:
        """The totals of the member's latest paid orders (what was paid, minus refunds)."""
        query = (
            select(ORDERS.c.total - ORDERS.c.refunded_amount)
            .where(ORDERS.c.member_id == member_id, ORDERS.c.paid_at.is_not(None))
            .order_by(ORDERS.c.id.desc()).limit(limit)
        )
        return [int(total) for total in await self.session.scalars(query)]

    async def products(self, ids: Sequence[int]) -> dict[int, ProductView]:
        if not ids:
            return {}
        rows = await self.session.execute(select(*_PRODUCT_COLUMNS).where(PRODUCTS.c.id.in_(list(ids))))
        return {row[0]: ProductView(*row) for row in rows}
