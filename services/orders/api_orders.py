"""What the shop's own system may do through the signed HTTP API (bot/shop_api.py), as use cases.

The shop creates an order for a member by member number (idempotent on its own reference:
sending the same `external_ref` again returns the first order), moves paid orders on (shipped,
delivered) and reads a member's points. An API order waits for payment in the bot like any
other: the member is told of it (the status-notice outbox) and pays it from /orders.
"""

from dataclasses import dataclass
from datetime import datetime

from models.base import utcnow
from models.members import parse_member_no
from models.repositories.orders import OrderView
from services.errors import Conflict, InvalidInput, NotFound
from services.orders.checkout import OutOfStock
from services.orders.rules import MAX_QUANTITY, OrderRules
from services.unit_of_work import UnitOfWork

MAX_LINES = 50
REF_MAX = 64


@dataclass(frozen=True, slots=True)
class ApiLine:
    sku: str
    quantity: int


@dataclass(frozen=True, slots=True)
class Created:
    order: OrderView
    created: bool  # False: this external_ref was used before; the first order is returned


@dataclass(frozen=True, slots=True)
class MemberPoints:
    member_no: str
    available: int
    frozen: int
    tier: str


def checked(member_no: str, lines: list[ApiLine], external_ref: str) -> int:
    member_id = parse_member_no(member_no or "")
    if member_id is None:
        raise InvalidInput("api-member-no", "member_no")
    if not external_ref or len(external_ref) > REF_MAX:
        raise InvalidInput("api-external-ref", "external_ref")
    if not 0 < len(lines) <= MAX_LINES or len({line.sku for line in lines}) != len(lines):
        raise InvalidInput("api-lines", "lines")
    if any(not 0 < line.quantity <= MAX_QUANTITY for line in lines):
        raise InvalidInput("api-quantity", "lines")
    return member_id


async def create_order(
    uow: UnitOfWork, member_no: str, lines: list[ApiLine], external_ref: str, rules: OrderRules, currency: str,
    now: datetime | None = None,
) -> Created:
    """Reserve stock and write an unpaid order for the member, in one transaction, once per reference."""
    member_id, now = checked(member_no, lines, external_ref), now or utcnow()
    async with uow.write():
        earlier = await uow.orders.by_external_ref(external_ref)
        if earlier is not None:
            if earlier.member_id != member_id:
                raise Conflict("api-external-ref-taken", "external_ref")
            return Created(earlier, False)
        if await uow.members.active_id(member_id) is None:
            raise NotFound("member-not-found")
        products = []
        for line in sorted(lines, key=lambda line: line.sku):
            product = await uow.catalog.product_by_sku(line.sku)
            if product is None or not product.active:
                raise NotFound("product-not-found", sku=line.sku)
            if not await uow.catalog.take_stock(product.id, line.quantity, now):
                raise OutOfStock(name_zh=product.name_zh, name_en=product.name_en)
            products.append((product, line.quantity))
        subtotal = sum(product.price * quantity for product, quantity in products)
        order_id = await uow.orders.add(
            member_id=member_id, status="pending_payment", subtotal=subtotal, coupon_discount=0, points_used=0,
            points_discount=0, total=subtotal, refunded_amount=0, currency=currency, points_earned=0, source="api",
            external_ref=external_ref, created_at=now, expires_at=now + rules.expiry, version=1, updated_at=now,
        )
        await uow.orders.add_lines(order_id, [
            {"product_id": product.id, "name_zh": product.name_zh, "name_en": product.name_en,
             "unit_price": product.price, "quantity": quantity, "refunded_quantity": 0}
            for product, quantity in products
        ])
        await uow.orders.add_event(order_id, None, "pending_payment", "api", now)  # the member is told
        order = await uow.orders.order(order_id)
        await uow.commit()
    return Created(order, True)


async def member_points(uow: UnitOfWork, member_no: str) -> MemberPoints:
    member_id = parse_member_no(member_no or "")
    async with uow.read():
        found = await uow.members.view(member_id) if member_id is not None else None
    if found is None or found.status != "active":
        raise NotFound("member-not-found")
    return MemberPoints(found.member_no, found.points_available, found.points_frozen, found.tier)
