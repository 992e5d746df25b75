"""/admin → catalog (admins): every product paged, one product, add one, change one field at a time.

Each use case checks the admin role in its own transaction and writes an audit row (before/after)
with the change. Prices are typed in the currency's major unit ("12.50") and parsed by the one
money helper (services/staff/campaign_wizard.money) into integer minor units.
"""

from datetime import datetime
from typing import Any

from models.base import utcnow
from models.repositories.catalog import ProductView
from services.errors import InvalidInput, NotFound
from services.orders.catalog import ProductSpec, vars_of
from services.paging import Page, clamp
from services.policy import ShopPolicy
from services.staff import audit
from services.staff.campaign_wizard import money
from services.staff.roles import Role, require
from services.unit_of_work import UnitOfWork

__all__ = ["FIELDS", "ProductView", "add", "page", "parse_field", "product", "update"]

NAME_MAX = 100  # products.name_zh / name_en
CATEGORY_MAX = 32
SKU_MAX = 64
STOCK_MAX = 1_000_000
# the fields staff type, in the order the add dialog asks them; photo comes as a Telegram photo
FIELDS = ("name_zh", "name_en", "price", "stock", "category", "sku")
EDITABLE = (*FIELDS, "photo", "active")


def parse_field(name: str, text: str | None, currency: str) -> Any:
    """What staff typed for a field, checked: a clear InvalidInput (code `admin-product-<field>`) otherwise."""
    raw = (text or "").strip()
    if name == "price":
        try:
            return money(raw, currency)
        except InvalidInput:
            raise InvalidInput("admin-product-price", "price") from None
    if name == "stock":
        if not raw.isdigit() or int(raw) > STOCK_MAX:
            raise InvalidInput("admin-product-stock", "stock", max=STOCK_MAX)
        return int(raw)
    limit = {"name_zh": NAME_MAX, "name_en": NAME_MAX, "category": CATEGORY_MAX, "sku": SKU_MAX}.get(name)
    if limit is None:
        raise InvalidInput("admin-product-field", "field")
    if not raw or len(raw) > limit or "\n" in raw:
        raise InvalidInput(f"admin-product-{name.replace('_', '-')}", name, max=limit)
    return raw


def _snapshot(product: ProductView) -> dict[str, Any]:
    return {name: getattr(product, name) for name in EDITABLE}


async def page(uow: UnitOfWork, policy: ShopPolicy, staff_id: int, number: int, size: int) -> Page[ProductView]:
    async with uow.read():
        await require(uow, policy, staff_id, Role.admin)
        number, pages = clamp(number, await uow.catalog.count_all(), size)
        items = await uow.catalog.all_products(number * size, size)
    return Page(items, number, pages)


async def product(uow: UnitOfWork, policy: ShopPolicy, staff_id: int, product_id: int) -> ProductView:
    """Any product, active or not (admins only)."""
    async with uow.read():
        await require(uow, policy, staff_id, Role.admin)
        found = await uow.catalog.product(product_id)
    if found is None:
        raise NotFound("product-not-found")
    return found


async def add(uow: UnitOfWork, policy: ShopPolicy, staff_id: int, spec: ProductSpec,
              now: datetime | None = None) -> ProductView:
    if spec.price < 0 or spec.stock < 0 or not spec.name_zh.strip() or not spec.name_en.strip():
        raise InvalidInput("product-invalid")
    now = now or utcnow()
    async with uow.write():
        actor = await require(uow, policy, staff_id, Role.admin)
        if spec.sku and await uow.catalog.product_by_sku(spec.sku) is not None:
            raise InvalidInput("admin-product-sku-taken", "sku")
        product_id = await uow.catalog.add_product(**vars_of(spec), created_at=now, updated_at=now)
        created = await uow.catalog.product(product_id)
        await audit.record(uow, actor.telegram_id, "product.add", "product", product_id, after=_snapshot(created),
                           now=now)
        await uow.commit()
    return created


async def update(uow: UnitOfWork, policy: ShopPolicy, staff_id: int, product_id: int, field: str, value: Any,
                 now: datetime | None = None) -> tuple[ProductView, bool]:
    """Set one field; (the product now, whether it changed). No change writes nothing."""
    if field not in EDITABLE:
        raise InvalidInput("admin-product-field", "field")
    now = now or utcnow()
    async with uow.write():
        actor = await require(uow, policy, staff_id, Role.admin)
        before = await uow.catalog.product_for_update(product_id)
        if before is None:
            raise NotFound("product-not-found")
        if getattr(before, field) == value:
            return before, False
        if field == "sku" and await uow.catalog.product_by_sku(value) is not None:
            raise InvalidInput("admin-product-sku-taken", "sku")
        await uow.catalog.update_product(product_id, now, **{field: value})
        after = await uow.catalog.product(product_id)
        await audit.record(uow, actor.telegram_id, "product.edit", "product", product_id,
                           before={field: getattr(before, field)}, after={field: value}, now=now)
        await uow.commit()
    return after, True
