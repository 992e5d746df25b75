"""The catalog and the cart: products paged, one product, add / change / remove, the cart with its total."""

from dataclasses import dataclass

from models.base import utcnow
from models.repositories.catalog import CartLine, ProductView
from services.errors import InvalidInput, NotAllowed, NotFound
from services.orders.rules import MAX_QUANTITY
from services.paging import Page, clamp
from services.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class Cart:
    lines: list[CartLine]

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def count(self) -> int:
        return sum(line.quantity for line in self.lines)


@dataclass(frozen=True, slots=True)
class ProductSpec:
    """A product as staff (or the demo seed) enter it; prices in minor units."""

    name_zh: str
    name_en: str
    price: int
    stock: int
    description_zh: str = ""
    description_en: str = ""
    photo: str | None = None
    category: str = "general"
    sku: str | None = None
    repeatable: bool = True
    active: bool = True


async def products(uow: UnitOfWork, page: int, size: int) -> Page[ProductView]:
    async with uow.read():
        page, pages = clamp(page, await uow.catalog.count_active(), size)
        items = await uow.catalog.active_products(page * size, size)
    return Page(items, page, pages)


async def product(uow: UnitOfWork, product_id: int) -> ProductView:
    """An active product; an inactive or unknown one is not found (forged buttons show nothing)."""
    async with uow.read():
        found = await uow.catalog.product(product_id)
    if found is None or not found.active:
        raise NotFound("product-not-found")
    return found


async def add_product(uow: UnitOfWork, spec: ProductSpec) -> int:
    if spec.price < 0 or spec.stock < 0 or not spec.name_zh.strip() or not spec.name_en.strip():
        raise InvalidInput("product-invalid")
    now = utcnow()
    async with uow.write():
        product_id = await uow.catalog.add_product(**vars_of(spec), created_at=now, updated_at=now)
        await uow.commit()
    return product_id


def vars_of(spec: ProductSpec) -> dict:
    return {name: getattr(spec, name) for name in spec.__slots__}


async def cart(uow: UnitOfWork, member_id: int) -> Cart:
    async with uow.read():
        return Cart(await uow.catalog.cart(member_id))


async def add_to_cart(uow: UnitOfWork, member_id: int, product_id: int, quantity: int = 1) -> int:
    """Put `quantity` more in the cart; the line's new quantity. Refused past the stock or MAX_QUANTITY."""
    now = utcnow()
    async with uow.write():
        found = await uow.catalog.product(product_id)
        if found is None or not found.active:
            raise NotFound("product-not-found")
        limit = min(found.stock, MAX_QUANTITY)
        if limit <= 0:
            raise NotAllowed("product-sold-out")
        if quantity > limit:
            raise NotAllowed("cart-quantity-limit", limit=limit)
        result = await uow.catalog.cart_add(member_id, product_id, quantity, limit, now)
        if result is None or result > limit:
            raise NotAllowed("cart-quantity-limit", limit=limit)
        await uow.commit()
    return result


async def change_quantity(uow: UnitOfWork, member_id: int, product_id: int, delta: int) -> int:
    """+1 / -1 on a cart line; at 0 the line goes. The new quantity (0: removed)."""
    now = utcnow()
    async with uow.write():
        current = await uow.catalog.cart_quantity(member_id, product_id)
        if current == 0:
            raise NotFound("cart-line-not-found")
        wanted = current + delta
        if wanted <= 0:
            await uow.catalog.cart_remove(member_id, product_id)
            await uow.commit()
            return 0
        found = await uow.catalog.product(product_id)
        limit = min(found.stock, MAX_QUANTITY) if found and found.active else 0
        if delta > 0 and wanted > limit:
            raise NotAllowed("cart-quantity-limit", limit=limit)
        await uow.catalog.cart_set(member_id, product_id, wanted, now)
        await uow.commit()
    return wanted


async def remove_from_cart(uow: UnitOfWork, member_id: int, product_id: int) -> None:
    async with uow.write():
        await uow.catalog.cart_remove(member_id, product_id)
        await uow.commit()
