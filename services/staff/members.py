"""Staff tools on one member: find them, their card, block or unblock them, a one-time login link.

Each use case checks the caller's role in its own transaction (`roles.require`) and every
change writes its audit row in that same transaction.
"""

from dataclasses import dataclass
from datetime import datetime

from models.base import utcnow
from models.members import parse_member_no
from models.repositories.coupons import CouponView
from models.repositories.members import MemberView
from models.repositories.orders import OrderView
from models.repositories.points_reads import LedgerLine
from models.repositories.staff import AuditEntry, AuditFilter
from services import accounts, validation
from services.errors import InvalidInput, NotAllowed, NotFound
from services.policy import ShopPolicy
from services.staff import audit
from services.staff.roles import Role, require
from services.unit_of_work import UnitOfWork

CARD_COUPONS = 5
CARD_ENTRIES = 5
CARD_ORDERS = 3
CARD_REFUSED = 5  # refused rewards (anti-abuse audit rows), newest first
QUERY_MAX = 64


@dataclass(frozen=True, slots=True)
class MemberCard:
    """What staff see of a member: profile and balances, last orders, usable coupons, the latest ledger entries."""

    member: MemberView
    coupons: list[CouponView]
    coupon_count: int
    entries: list[LedgerLine]
    orders: list[OrderView]
    order_count: int
    refused: list[AuditEntry] | None = None  # rewards refused by services/abuse.py, newest first


def lookups(text: str) -> list[tuple[str, object]]:
    """The ways a typed query may name a member, most specific first: M000123, @name, +phone, an id."""
    text = (text or "").strip()
    if not text or len(text) > QUERY_MAX:
        raise InvalidInput("admin-query-invalid")
    found: list[tuple[str, object]] = []
    number = parse_member_no(text)
    if number is not None:  # "M12345678" is a member number, or else a username that looks like one
        return [("id", number), ("username", text.casefold())]
    if text.lstrip("+").isdigit():
        if not text.startswith("+"):
            found.append(("telegram_id", int(text)))
        try:
            found.append(("phone", validation.phone(text)))
        except InvalidInput:
            pass
        return found
    return [("username", text.lstrip("@").casefold())]


async def find(uow: UnitOfWork, policy: ShopPolicy, staff_id: int, text: str) -> MemberView:
    """The member a query names (operators and up); NotFound when nobody matches."""
    candidates = lookups(text)
    async with uow.read():
        await require(uow, policy, staff_id, Role.operator)
        for name, value in candidates:
            member_id = await uow.admin.member_id_by(name, value)
            if member_id is not None:
                return await uow.members.view(member_id)
    raise NotFound("admin-member-not-found")


async def card(uow: UnitOfWork, policy: ShopPolicy, staff_id: int, member_id: int) -> MemberCard:
    async with uow.read():
        await require(uow, policy, staff_id, Role.operator)
        member = await uow.members.view(member_id)
        if member is None:
            raise NotFound("admin-member-not-found")
        statuses = ("available", "locked")
        coupons = await uow.coupons.wallet(member_id, statuses, 0, CARD_COUPONS)
        count = await uow.coupons.count(member_id, statuses)
        entries = await uow.points.lines(member_id, 0, CARD_ENTRIES)
        orders = await uow.orders.page_of(member_id, 0, CARD_ORDERS)
        order_count = await uow.orders.count_of(member_id)
        refused = await uow.staff.audit_rows(AuditFilter(member_id=member_id, action="reward.refused"), 0, CARD_REFUSED)
    return MemberCard(member, coupons, count, entries, orders, order_count, refused)


async def set_blocked(
    uow: UnitOfWork, policy: ShopPolicy, staff_id: int, member_id: int, blocked: bool, now: datetime | None = None,
) -> bool:
    """Block (every action of theirs is refused politely) or unblock; False when it already was so."""
    expected, status = ("active", "blocked") if blocked else ("blocked", "active")
    async with uow.write():
        actor = await require(uow, policy, staff_id, Role.admin)
        if await uow.members.view(member_id) is None:
            raise NotFound("admin-member-not-found")
        if not await uow.admin.set_status(member_id, expected, status):
            return False
        await audit.record(uow, actor.telegram_id, "member.block" if blocked else "member.unblock", "member",
                           member_id, member_id=member_id, before={"status": expected}, after={"status": status},
                           now=now or utcnow())
        await uow.commit()
    return True


async def login_link(uow: UnitOfWork, policy: ShopPolicy, staff_id: int, member_id: int) -> str:
    """A one-time `link_<token>` that binds the member's account to whoever opens it (admins)."""
    async with uow.write():
        actor = await require(uow, policy, staff_id, Role.admin)
        member = await uow.members.view(member_id)
        if member is None:
            raise NotFound("admin-member-not-found")
        if not member.active:
            raise NotAllowed("admin-member-blocked")
        token = await accounts.link_token_in_open_uow(uow, member_id, policy.link_token_ttl)
        await audit.record(uow, actor.telegram_id, "member.link", "member", member_id, member_id=member_id,
                           after={"ttl_hours": int(policy.link_token_ttl.total_seconds() // 3600)})
        await uow.commit()
    return token
