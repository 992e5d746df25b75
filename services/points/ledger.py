"""Points use cases: each is one transaction that writes ledger rows and moves lots, or nothing.

Earn, spend, adjust, freeze, unfreeze and revoke have no production caller yet: orders
(earn, spend) and the staff tools (adjust, freeze, unfreeze, revoke) will call them.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TypeVar
from zoneinfo import ZoneInfo

from models.base import utcnow
from models.repositories.ledger import Entry, Ledger, Posted
from services.errors import InvalidInput, NotAllowed, NotFound
from services.points import postings
from services.points.rules import REVOCABLE_CREDITS, REVOCABLE_DEBITS, earn_points, expiry_for
from services.points.tiers import Tiers, TierMove
from services.unit_of_work import UnitOfWork

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Earned:
    posted: Posted
    points: int
    tier_change: TierMove | None = None  # set when this earn lifted the member's tier


def _ref(ref: tuple[str, str] | None) -> dict[str, str | None]:
    ref_type, ref_id = ref or (None, None)
    return {"ref_type": ref_type, "ref_id": ref_id}


def _staff(staff_id: int | None) -> dict[str, str | None]:
    return {"ref_type": "staff", "ref_id": str(staff_id)} if staff_id is not None else {}


def _staff_entry(member_id: int, kind: str, key: str, reason: str, staff_id: int | None) -> Entry:
    """A staff change: the reason is mandatory (it is the audit trail), the staff member the reference."""
    return Entry(member_id, kind, 0, 0, key, reason=postings.checked_reason(reason), **_staff(staff_id))


async def _run(uow: UnitOfWork, work: Callable[[Ledger], T]) -> T:
    """One write transaction around one piece of ledger work."""
    async with uow.write():
        result = await uow.ledger.run(work)
        await uow.commit()
    return result


async def credit(
    uow: UnitOfWork, member_id: int, kind: str, amount: int, key: str, *, tz: ZoneInfo,
    reason: str | None = None, ref: tuple[str, str] | None = None, now: datetime | None = None,
) -> Posted:
    """Welcome, check-in, review, referral, birthday, profile or refund points, available at once."""
    if amount <= 0 or kind not in REVOCABLE_CREDITS:
        raise ValueError("credit takes a positive amount of a credit kind")
    now = now or utcnow()
    entry = Entry(member_id, kind, 0, 0, key, reason=reason, **_ref(ref))
    return await _run(uow, lambda ledger: postings.credit(ledger, entry, amount, now, expiry_for(now, tz)))


async def earn(
    uow: UnitOfWork, member_id: int, paid_amount: int, key: str, *, rate: Decimal, tiers: Tiers,
    release_at: datetime | None, tz: ZoneInfo, ref: tuple[str, str] | None = None, now: datetime | None = None,
) -> Earned:
    """Points for a payment: floor(paid × rate × tier multiplier), frozen until `release_at`.

    The paid amount is kept on the row (the tier's 12-month spend), so an upgrade is decided
    in the same transaction and queued for announcement.
    """
    now = now or utcnow()

    def work(ledger: Ledger) -> Earned:
        current = ledger.tier_of(member_id)
        if current is None:
            raise NotFound("member-not-found")
        points = earn_points(paid_amount, rate, tiers.get(current).multiplier)
        entry = Entry(member_id, "earn", 0, 0, key, paid_amount=paid_amount, **_ref(ref))
        posted, change = postings.earn(ledger, entry, points, tiers, current, now, expiry_for(now, tz), release_at)
        return Earned(posted, points, change)

    return await _run(uow, work)


async def spend(
    uow: UnitOfWork, member_id: int, amount: int, key: str, *,
    reason: str | None = None, ref: tuple[str, str] | None = None, now: datetime | None = None,
) -> Posted:
    """Use points (checkout discount, coupon redemption); raises InsufficientPoints."""
    postings.positive(amount)
    now = now or utcnow()
    entry = Entry(member_id, "spend", 0, 0, key, reason=reason, **_ref(ref))
    return await _run(uow, lambda ledger: postings.debit(ledger, entry, amount, now))


def adjust_work(
    member_id: int, amount: int, key: str, *, reason: str, tz: ZoneInfo, staff_id: int | None, now: datetime,
) -> Callable[[Ledger], Posted]:
    """The ledger work of a staff correction, for a use case that runs it in its own open unit of work."""
    if amount == 0:
        raise InvalidInput("points-amount-nonzero")
    entry = _staff_entry(member_id, "adjust", key, reason, staff_id)
    if amount > 0:
        return lambda ledger: postings.credit(ledger, entry, amount, now, expiry_for(now, tz))
    return lambda ledger: postings.debit(ledger, entry, -amount, now)


def freeze_work(member_id: int, amount: int, key: str, *, reason: str, staff_id: int | None,
                now: datetime) -> Callable[[Ledger], Posted]:
    entry = _staff_entry(member_id, "freeze", key, reason, staff_id)
    return lambda ledger: postings.hold(ledger, entry, postings.positive(amount), now)


def unfreeze_work(member_id: int, amount: int, key: str, *, reason: str, staff_id: int | None,
                  now: datetime) -> Callable[[Ledger], Posted]:
    entry = _staff_entry(member_id, "unfreeze", key, reason, staff_id)
    return lambda ledger: postings.release_hold(ledger, entry, postings.positive(amount), now)


def revoke_work(entry_id: int, *, reason: str, tz: ZoneInfo, staff_id: int | None, now: datetime,
                member_id: int | None = None) -> Callable[[Ledger], Posted]:
    """Reverse entry `entry_id`; with `member_id`, only an entry of that member (staff screens)."""
    reason = postings.checked_reason(reason)

    def work(ledger: Ledger) -> Posted:
        original = ledger.entry(entry_id)
        if original is None or (member_id is not None and original.member_id != member_id):
            raise NotFound("points-entry-not-found")
        entry = Entry(original.member_id, "revoke", 0, 0, f"revoke:{entry_id}", reason=reason,
                      reverses_id=entry_id, **_staff(staff_id))
        if original.kind in REVOCABLE_CREDITS and original.amount > 0:
            return postings.revoke_credit(ledger, original.id, original.amount, entry, now)
        if original.kind in REVOCABLE_DEBITS and original.amount < 0:
            return postings.credit(ledger, entry, -original.amount, now, expiry_for(now, tz))
        raise NotAllowed("points-not-revocable")

    return work


async def adjust(
    uow: UnitOfWork, member_id: int, amount: int, key: str, *, reason: str, tz: ZoneInfo,
    staff_id: int | None = None, now: datetime | None = None,
) -> Posted:
    """Staff correction by a signed amount; the reason is mandatory (it is the audit trail)."""
    work = adjust_work(member_id, amount, key, reason=reason, tz=tz, staff_id=staff_id, now=now or utcnow())
    return await _run(uow, work)


async def freeze(
    uow: UnitOfWork, member_id: int, amount: int, key: str, *, reason: str,
    staff_id: int | None = None, now: datetime | None = None,
) -> Posted:
    """Hold available points (e.g. during a dispute): soonest-expiring lots first."""
    return await _run(uow, freeze_work(member_id, amount, key, reason=reason, staff_id=staff_id, now=now or utcnow()))


async def unfreeze(
    uow: UnitOfWork, member_id: int, amount: int, key: str, *, reason: str,
    staff_id: int | None = None, now: datetime | None = None,
) -> Posted:
    """Give back points staff held; points waiting for an order's return window are not touched."""
    work = unfreeze_work(member_id, amount, key, reason=reason, staff_id=staff_id, now=now or utcnow())
    return await _run(uow, work)


async def revoke(
    uow: UnitOfWork, entry_id: int, *, reason: str, tz: ZoneInfo, staff_id: int | None = None,
    now: datetime | None = None,
) -> Posted:
    """Reverse a ledger entry with a new entry (never a delete); each entry at most once.

    A credit is taken back from what is left of its own lot first; a spend or negative
    adjustment is given back as a new lot.
    """
    return await _run(uow, revoke_work(entry_id, reason=reason, tz=tz, staff_id=staff_id, now=now or utcnow()))
