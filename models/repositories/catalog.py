"""Products and carts in SQL: stock moves only by conditional UPDATEs, so it never goes below zero."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.database import insert_for
from models.orders import CartItem, Product

PRODUCTS = Product.__table__
CART = CartItem.__table__


@dataclass(frozen=True, slots=True)
class ProductView:
    id: int
    sku: str | None
    name_zh: str
    name_en: str
    description_zh: str
    description_en: str
    price: int
    stock: int
    photo: str | None
    category: str
    active: bool

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_zh

    def description(self, language: str) -> str:
        return self.description_en if language == "en" else self.description_zh


@dataclass(frozen=True, slots=True)
class CartLine:
    product: ProductView
    quantity: int

    @property
    def amount(self) -> int:
        return self.product.price * self.quantity


_PRODUCT_COLUMNS = (
    PRODUCTS.c.id, PRODUCTS.c.sku, PRODUCTS.c.name_zh, PRODUCTS.c.name_en, PRODUCTS.c.description_zh,
    PRODUCTS.c.description_en, PRODUCTS.c.price, PRODUCTS.c.stock, PRODUCTS.c.photo, PRODUCTS.c.category,
    PRODUCTS.c.active,
)


class CatalogRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_product(self, **values: Any) -> int:
        return await self.session.scalar(PRODUCTS.insert().values(**values).returning(PRODUCTS.c.id))

    async def product(self, product_id: int) -> ProductView | None:
        row = (await self.session.execute(select(*_PRODUCT_COLUMNS).where(PRODUCTS.c.id == product_id))).first()
        return ProductView(*row) if row else None

    async def product_by_sku(self, sku: str) -> ProductView | None:
        row = (await self.session.execute(select(*_PRODUCT_COLUMNS).where(PRODUCTS.c.sku == sku))).first()
        return ProductView(*row) if row else None

    async def count_active(self) -> int:
        return await self.session.scalar(select(func.count()).where(PRODUCTS.c.active.is_(True)))

    async def active_products(self, offset: int, limit: int) -> list[ProductView]:
        query = (
            select(*_PRODUCT_COLUMNS).where(PRODUCTS.c.active.is_(True))
            .order_by(PRODUCTS.c.id).offset(offset).limit(limit)
        )
        return [ProductView(*row) for row in await self.session.execute(query)]

    async def count_all(self) -> int:
        return await self.session.scalar(select(func.count()).select_from(PRODUCTS))

    async def all_products(self, offset: int, limit: int) -> list[ProductView]:
        """Active and inactive products, newest first (the staff catalog)."""
        query = select(*_PRODUCT_COLUMNS).order_by(PRODUCTS.c.id.desc()).offset(offset).limit(limit)
        return [ProductView(*row) for row in await self.session.execute(query)]

    async def product_for_update(self, product_id: int) -> ProductView | None:
        query = select(*_PRODUCT_COLUMNS).where(PRODUCTS.c.id == product_id).with_for_update()
        row = (await self.session.execute(query)).first()
        return ProductView(*row) if row else None

    async def update_product(self, product_id: int, now: datetime, **values: Any) -> bool:
        result = await self.session.execute(
            update(PRODUCTS).where(PRODUCTS.c.id == product_id).values(updated_at=now, **values)
        )
        return result.rowcount == 1

    async def take_stock(self, product_id: int, quantity: int, now: datetime) -> bool:
        """Reserve `quantity` of an active product if that many are left (the row stays locked until commit)."""
        result = await self.session.execute(
            update(PRODUCTS)
            .where(PRODUCTS.c.id == product_id, PRODUCTS.c.active.is_(True), PRODUCTS.c.stock >= quantity)
            .values(stock=PRODUCTS.c.stock - quantity, updated_at=now)
        )
        return result.rowcount == 1

    async def restock(self, product_id: int, quantity: int, now: datetime) -> None:
        await self.session.execute(
            update(PRODUCTS).where(PRODUCTS.c.id == product_id)
            .values(stock=PRODUCTS.c.stock + quantity, updated_at=now)
        )

    # --- carts --------------------------------------------------------------------------------

    async def cart(self, member_id: int) -> list[CartLine]:
        query = (
            select(*_PRODUCT_COLUMNS, CART.c.quantity)
            .join(CART, CART.c.product_id == PRODUCTS.c.id)
            .where(CART.c.member_id == member_id)
            .order_by(CART.c.created_at, PRODUCTS.c.id)
        )
        return [CartLine(ProductView(*row[:-1]), row[-1]) for row in await self.session.execute(query)]

    async def cart_quantity(self, member_id: int, product_id: int) -> int:
        found = await self.session.scalar(
            select(CART.c.quantity).where(CART.c.member_id == member_id, CART.c.product_id == product_id)
        )
        return found or 0

    async def cart_add(self, member_id: int, product_id: int, quantity: int, limit: int, now: datetime) -> int | None:
        """Add to the line (created if missing) while it stays within `limit`; the new quantity, or None."""
        insert = insert_for(self.session.bind.dialect.name)(CART).values(
            member_id=member_id, product_id=product_id, quantity=quantity, created_at=now, updated_at=now
        )
        upsert = insert.on_conflict_do_update(
            index_elements=[CART.c.member_id, CART.c.product_id],
            set_={"quantity": CART.c.quantity + quantity, "updated_at": now},
            where=CART.c.quantity + quantity <= limit,
        ).returning(CART.c.quantity)
        return await self.session.scalar(upsert)

    async def cart_set(self, member_id: int, product_id: int, quantity: int, now: datetime) -> bool:
        result = await self.session.execute(
            update(CART).where(CART.c.member_id == member_id, CART.c.product_id == product_id)
            .values(quantity=quantity, updated_at=now)
        )
        return result.rowcount == 1

    async def cart_remove(self, member_id: int, product_id: int) -> bool:
        result = await self.session.execute(
            delete(CART).where(CART.c.member_id == member_id, CART.c.product_id == product_id)
        )
        return result.rowcount == 1

    async def cart_clear(self, member_id: int) -> None:
        await self.session.execute(delete(CART).where(CART.c.member_id == member_id))

    async def cart_count(self, member_id: int) -> int:
        total = await self.session.scalar(select(func.sum(CART.c.quantity)).where(CART.c.member_id == member_id))
        return int(total or 0)
