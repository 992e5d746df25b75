"""Points ledger use cases: every change is a ledger row plus an atomic conditional update.

How a change is written (the same on SQLite and PostgreSQL):

1. `INSERT INTO points_ledger ... SELECT ... FROM members WHERE id = :member AND balances
   stay >= 0 FOR UPDATE ON CONFLICT (idempotency_key) DO NOTHING RETURNING id` locks the
   member row, computes the balances after the change in SQL, and claims the idempotency
   key; no row back means "seen before" or "not enough points".
2. `UPDATE members SET points_available = points_available + :da ... WHERE ... >= 0`.
3. The lots (what is left of each credit) change by conditional updates too: a credit adds
   a lot; a debit takes from the lots in expiry order with one windowed `UPDATE ... FROM`.

Lock order is always member row, then ledger key, then lots, so concurrent use cases queue
on the member row instead of deadlocking. SQLite serialises writers with BEGIN IMMEDIATE.
"""

import argparse
import asyncio
import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_FLOOR, Decimal
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Connection,
    Integer,
    Row,
    bindparam,
    case,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from models import Member, PointsLedger, TelegramUser
from models.base import utcnow
from models.db import begin_write, insert_for, upsert
from models.points import PointsLot, PointsReminder
from services import tiers as tier_rules
from services.errors import InvalidInput, NotAllowed, NotFound

KINDS = (
    "welcome", "checkin", "earn", "spend", "freeze", "unfreeze", "expire",
    "revoke", "adjust", "refund", "review", "referral", "birthday",
)
# Credits that staff may take back with a reversing entry; debits that may be given back.
REVOCABLE_CREDITS = frozenset({"welcome", "checkin", "earn", "adjust", "refund", "review", "referral", "birthday"})
REVOCABLE_DEBITS = frozenset({"spend", "adjust"})
# Debits that take from the soonest-expiring lots (and so must not see lots past expiry).
DEBIT_KINDS = frozenset({"spend", "adjust"})
EXPIRY_MONTHS = 12
# Settings.timezone's default, for callers (registration) that do not pass the shop's zone yet.
DEFAULT_TZ = ZoneInfo("Asia/Shanghai")
REASON_MAX = 200

LEDGER = PointsLedger.__table__
LOTS = PointsLot.__table__
MEMBERS = Member.__table__

T = TypeVar("T")


class InsufficientPoints(NotAllowed):
    """Not enough available (or frozen) points for the change; nothing was written."""

    code = "points-insufficient"


@dataclass(slots=True)
class Entry:
    """One ledger row to write; the balances after it are computed by the database."""

    member_id: int
    kind: str
    available_delta: int
    frozen_delta: int
    key: str
    reason: str | None = None
    ref_type: str | None = None
    ref_id: str | None = None
    paid_amount: int | None = None
    reverses_id: int | None = None
    earned_at: datetime | None = None
    expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Posted:
    """The outcome of a use case: the ledger row, and False in `created` for a repeated key."""

    entry_id: int
    created: bool
    available: int | None = None
    frozen: int | None = None
    spend: int | None = None  # 12-month spend, when asked for (earn)


@dataclass(frozen=True, slots=True)
class Earned:
    posted: Posted
    points: int
    tier_change: tier_rules.TierMove | None = None  # set when this earn lifted the member's tier


def expiry_for(earned_at: datetime, tz: ZoneInfo = DEFAULT_TZ, months: int = EXPIRY_MONTHS) -> datetime:
    """End of the 12th month after the month of earning, in the shop's zone (as UTC)."""
    local = earned_at.astimezone(tz)
    index = local.year * 12 + local.month - 1 + months + 1
    year, month = divmod(index, 12)
    return datetime(year, month + 1, 1, tzinfo=tz).astimezone(UTC)


def earn_points(paid_amount: int, rate: Decimal, multiplier: Decimal) -> int:
    """floor(paid × rate × multiplier) in exact decimal arithmetic (rate: points per minor unit)."""
    if paid_amount <= 0:
        return 0
    return int((Decimal(paid_amount) * rate * multiplier).to_integral_value(rounding=ROUND_FLOOR))


# --- the three primitives every use case is made of -------------------------------------------
# Statements are built once with bound parameters: building SQLAlchemy constructs per call
# costs more than executing them (benchmarks/ledger.py measures this layer against raw SQL).

_FIXED = (
    "member_id", "kind", "amount", "frozen_delta", "reason", "ref_type", "ref_id", "paid_amount",
    "reverses_id", "earned_at", "expires_at", "idempotency_key", "created_at",
)
_MEMBER = bindparam("p_member", type_=MEMBERS.c.id.type)
_DA = bindparam("p_da", type_=Integer())
_DF = bindparam("p_df", type_=Integer())
_GUARD = (
    MEMBERS.c.id == _MEMBER,
    MEMBERS.c.points_available + _DA >= 0,
    MEMBERS.c.points_frozen + _DF >= 0,
)
_NOW = bindparam("p_now", type_=LOTS.c.expires_at.type)
_OPEN = or_(LOTS.c.available > 0, LOTS.c.pending > 0, LOTS.c.held > 0)
_BALANCE = (
    update(MEMBERS)
    .where(*_GUARD)
    .values(points_available=MEMBERS.c.points_available + _DA, points_frozen=MEMBERS.c.points_frozen + _DF)
    .returning(MEMBERS.c.points_available, MEMBERS.c.points_frozen)
)
# An earn also needs the member's 12-month spend (this payment included) for the tier review.
_BALANCE_AND_SPEND = _BALANCE.returning(
    tier_rules.spend_since(_MEMBER, bindparam("p_since", type_=LEDGER.c.created_at.type))
)
_ADD_LOT = LOTS.insert()
_BY_KEY = select(LEDGER.c.id).where(LEDGER.c.idempotency_key == bindparam("p_key"))
_TIER = select(MEMBERS.c.tier).where(MEMBERS.c.id == _MEMBER)
_LOCK = select(MEMBERS.c.id).where(MEMBERS.c.id == _MEMBER).with_for_update()
_DUE = select(LOTS.c.id).where(LOTS.c.expires_at <= _NOW, _OPEN)
_DUE_FOR_MEMBER = _DUE.where(LOTS.c.member_id == _MEMBER)


class _DueLots(Exception):
    """A debit found lots past their expiry: they are expired first, then the debit is retried."""


@functools.cache
def _post_statement(dialect: str, debit: bool) -> Any:
    """INSERT ... SELECT ... FOR UPDATE ON CONFLICT DO NOTHING RETURNING id, for one dialect.

    A debit also requires that none of the member's lots is past its expiry, so spending
    never uses expired points and needs no separate look-up in the common case.
    """
    guard = (*_GUARD, ~_DUE_FOR_MEMBER.exists()) if debit else _GUARD
    source = (
        select(
            _MEMBER,
            *(bindparam(f"p_{name}", type_=LEDGER.c[name].type) for name in _FIXED[1:]),
            MEMBERS.c.points_available + _DA,
            MEMBERS.c.points_frozen + _DF,
        )
        .where(*guard)
        .with_for_update()
    )
    return (
        insert_for(dialect)(LEDGER)
        .from_select([*_FIXED, "available_after", "frozen_after"], source)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(LEDGER.c.id)
    )


@functools.cache
def _fifo_statement(source: str, target: str | None) -> Any:
    """One UPDATE that takes `p_amount` from the lots' `source` column, soonest expiry first.

    A window sum gives each lot the total of the lots before it; a lot gives
    min(what it has, what is still needed). Runs under the member lock, and the CHECK
    constraints keep every lot column non-negative.
    """
    amount = bindparam("p_amount", type_=Integer())
    have = LOTS.c[source]
    before = func.sum(have).over(order_by=(LOTS.c.expires_at, LOTS.c.id)) - have
    ranked = (
        select(LOTS.c.id.label("lot_id"), have.label("have"), before.label("before"))
        .where(LOTS.c.member_id == _MEMBER, have > 0)
        .subquery("ranked")
    )
    needed = amount - ranked.c.before
    take = case((ranked.c.have < needed, ranked.c.have), else_=needed)
    values = {source: have - take}
    if target is not None:
        values[target] = LOTS.c[target] + take
    return update(LOTS).where(LOTS.c.id == ranked.c.lot_id, ranked.c.before < amount).values(values)


def _post(db: Connection, entry: Entry, now: datetime, *, spend_since: datetime | None = None) -> Posted:
    """Write the ledger row and move the member's balances, or report a repeat or a shortfall.

    With `spend_since`, the member's spend since then comes back too (for the tier review).
    """
    da, df = entry.available_delta, entry.frozen_delta
    debit = da < 0 and entry.kind in DEBIT_KINDS
    params = {
        "p_member": entry.member_id, "p_da": da, "p_df": df, "p_kind": entry.kind, "p_amount": da + df,
        "p_frozen_delta": df, "p_reason": entry.reason, "p_ref_type": entry.ref_type, "p_ref_id": entry.ref_id,
        "p_paid_amount": entry.paid_amount, "p_reverses_id": entry.reverses_id, "p_earned_at": entry.earned_at,
        "p_expires_at": entry.expires_at, "p_idempotency_key": entry.key, "p_created_at": now, "p_now": now,
    }
    entry_id = db.scalar(_post_statement(db.dialect.name, debit), params)
    if entry_id is None:
        return _not_posted(db, entry, now, debit)
    balance = {"p_member": entry.member_id, "p_da": da, "p_df": df}
    if spend_since is None:
        available, frozen = db.execute(_BALANCE, balance).one()
        return Posted(entry_id, True, available, frozen)
    available, frozen, spend = db.execute(_BALANCE_AND_SPEND, {**balance, "p_since": spend_since}).one()
    return Posted(entry_id, True, available, frozen, int(spend))


def _not_posted(db: Connection, entry: Entry, now: datetime, debit: bool) -> Posted:
    """No row was written: the key was used before (idempotent success), lots are due, or points are short."""
    existing = db.scalar(_BY_KEY, {"p_key": entry.key})
    if existing is not None:
        return Posted(existing, False)
    if debit and db.scalar(_DUE_FOR_MEMBER.limit(1), {"p_now": now, "p_member": entry.member_id}) is not None:
        raise _DueLots
    available = db.scalar(select(MEMBERS.c.points_available).where(MEMBERS.c.id == entry.member_id))
    if available is None:
        raise NotFound("member-not-found")
    raise InsufficientPoints(available=available, needed=-entry.available_delta)


def _add_lot(
    db: Connection, member_id: int, entry_id: int, amount: int, now: datetime,
    expires_at: datetime, release_at: datetime | None = None,
) -> None:
    pending = amount if release_at is not None else 0
    db.execute(
        _ADD_LOT,
        {
            "member_id": member_id, "entry_id": entry_id, "amount": amount, "available": amount - pending,
            "pending": pending, "held": 0, "release_at": release_at, "earned_at": now, "expires_at": expires_at,
        },
    )


def _fifo_take(db: Connection, member_id: int, amount: int, source: str, target: str | None = None) -> None:
    db.execute(_fifo_statement(source, target), {"p_member": member_id, "p_amount": amount})


def _lock_member(db: Connection, member_id: int) -> None:
    """Take the member row lock before reading lots (PostgreSQL; SQLite already holds its lock)."""
    found = db.scalar(_LOCK, {"p_member": member_id})
    if found is None:
        raise NotFound("member-not-found")


async def _use_case(session: AsyncSession, commit: bool, operation: Callable[[Connection], T]) -> T:
    """One transaction per use case; with commit=False the caller's transaction is used.

    The operation is synchronous and runs, with the commit, in one greenlet (`run_sync`): a use
    case is a handful of statements, and entering SQLAlchemy's async bridge once instead of per
    statement is a large part of what the service layer costs over raw SQL.
    """
    if commit:
        await begin_write(session)

    def run(sync: Session) -> T:
        try:
            result = operation(sync.connection())
        except Exception:
            if commit:
                sync.rollback()
            raise
        if commit:
            sync.commit()
        return result

    return await session.run_sync(run)


# --- credits --------------------------------------------------------------------------------


def _credit(
    db: Connection, entry: Entry, amount: int, now: datetime, expires_at: datetime,
    release_at: datetime | None = None, spend_since: datetime | None = None,
) -> Posted:
    frozen = release_at is not None and release_at > now
    entry.available_delta, entry.frozen_delta = (0, amount) if frozen else (amount, 0)
    entry.earned_at, entry.expires_at = now, expires_at
    posted = _post(db, entry, now, spend_since=spend_since)
    if posted.created and amount > 0:
        _add_lot(db, entry.member_id, posted.entry_id, amount, now, expires_at, release_at if frozen else None)
    return posted


async def award(
    session: AsyncSession,
    member_id: int,
    kind: str,
    amount: int,
    key: str,
    reason: str | None = None,
    expires_at: datetime | None = None,
    *,
    now: datetime | None = None,
    tz: ZoneInfo = DEFAULT_TZ,
) -> bool:
    """Credit available points once per idempotency key, inside the caller's transaction.

    Returns False when the key was already used (the credit happened before).
    """
    if amount <= 0:
        raise ValueError("award takes a positive amount")
    if kind not in KINDS:
        raise ValueError(f"unknown ledger kind {kind}")
    now = now or utcnow()
    entry = Entry(member_id, kind, 0, 0, key, reason=reason)
    expires = expires_at or expiry_for(now, tz)
    posted = await session.run_sync(lambda sync: _credit(sync.connection(), entry, amount, now, expires))
    return posted.created


async def earn(
    session: AsyncSession,
    member_id: int,
    paid_amount: int,
    key: str,
    *,
    rate: Decimal,
    tiers: tier_rules.Tiers,
    release_at: datetime | None,
    tz: ZoneInfo = DEFAULT_TZ,
    ref: tuple[str, str] | None = None,
    now: datetime | None = None,
    commit: bool = True,
) -> Earned:
    """Points for a payment: floor(paid × rate × tier multiplier), frozen until `release_at`.

    The paid amount is kept on the row (the tier's 12-month spend), so an upgrade is decided
    in the same transaction and queued for announcement.
    """
    now = now or utcnow()

    def operation(db: Connection) -> Earned:
        tier_code = db.scalar(_TIER, {"p_member": member_id})
        if tier_code is None:
            raise NotFound("member-not-found")
        points = earn_points(paid_amount, rate, tiers.get(tier_code).multiplier)
        ref_type, ref_id = ref or (None, None)
        entry = Entry(member_id, "earn", 0, 0, key, ref_type=ref_type, ref_id=ref_id, paid_amount=paid_amount)
        since = tier_rules.window_start(now)
        posted = _credit(db, entry, points, now, expiry_for(now, tz), release_at, spend_since=since)
        change = None
        if posted.created:
            change = tier_rules.review_member(db, member_id, tiers, now, current=tier_code, spend=posted.spend)
        return Earned(posted, points, change)

    return await _use_case(session, commit, operation)


async def credit(
    session: AsyncSession,
    member_id: int,
    kind: str,
    amount: int,
    key: str,
    *,
    reason: str | None = None,
    ref: tuple[str, str] | None = None,
    tz: ZoneInfo = DEFAULT_TZ,
    now: datetime | None = None,
    commit: bool = True,
) -> Posted:
    """Welcome, check-in, review, referral, birthday or refund points, available at once."""
    if amount <= 0 or kind not in REVOCABLE_CREDITS:
        raise ValueError("credit takes a positive amount of a credit kind")
    now = now or utcnow()
    ref_type, ref_id = ref or (None, None)
    entry = Entry(member_id, kind, 0, 0, key, reason=reason, ref_type=ref_type, ref_id=ref_id)
    return await _use_case(session, commit, lambda db: _credit(db, entry, amount, now, expiry_for(now, tz)))


# --- debits and moves -----------------------------------------------------------------------


def _debit(db: Connection, entry: Entry, amount: int, now: datetime) -> Posted:
    """Take available points, soonest-expiring first; lots already due are expired before."""
    entry.available_delta, entry.frozen_delta = -amount, 0
    try:
        posted = _post(db, entry, now)
    except _DueLots:
        _expire_due_for_member(db, entry.member_id, now)
        posted = _post(db, entry, now)
    if posted.created:
        _fifo_take(db, entry.member_id, amount, "available")
    return posted


async def spend(
    session: AsyncSession,
    member_id: int,
    amount: int,
    key: str,
    *,
    reason: str | None = None,
    ref: tuple[str, str] | None = None,
    now: datetime | None = None,
    commit: bool = True,
) -> Posted:
    """Use points (checkout discount, coupon redemption); raises InsufficientPoints."""
    if amount <= 0:
        raise InvalidInput("points-amount-positive")
    now = now or utcnow()
    ref_type, ref_id = ref or (None, None)
    entry = Entry(member_id, "spend", 0, 0, key, reason=reason, ref_type=ref_type, ref_id=ref_id)
    return await _use_case(session, commit, lambda db: _debit(db, entry, amount, now))


async def adjust(
    session: AsyncSession,
    member_id: int,
    amount: int,
    key: str,
    *,
    reason: str,
    staff_id: int | None = None,
    tz: ZoneInfo = DEFAULT_TZ,
    now: datetime | None = None,
    commit: bool = True,
) -> Posted:
    """Staff correction by a signed amount; the reason is mandatory (it is the audit trail)."""
    if amount == 0:
        raise InvalidInput("points-amount-nonzero")
    entry = _staff_entry(member_id, "adjust", 0, 0, key, reason, staff_id)
    now = now or utcnow()
    if amount > 0:
        return await _use_case(session, commit, lambda db: _credit(db, entry, amount, now, expiry_for(now, tz)))
    return await _use_case(session, commit, lambda db: _debit(db, entry, -amount, now))


async def freeze(
    session: AsyncSession, member_id: int, amount: int, key: str, *, reason: str,
    staff_id: int | None = None, now: datetime | None = None, commit: bool = True,
) -> Posted:
    """Hold available points (e.g. during a dispute): soonest-expiring lots first."""
    entry = _staff_entry(member_id, "freeze", -_positive(amount), amount, key, reason, staff_id)
    now = now or utcnow()

    def operation(db: Connection) -> Posted:
        posted = _post(db, entry, now)
        if posted.created:
            _fifo_take(db, member_id, amount, "available", "held")
        return posted

    return await _use_case(session, commit, operation)


async def unfreeze(
    session: AsyncSession, member_id: int, amount: int, key: str, *, reason: str,
    staff_id: int | None = None, now: datetime | None = None, commit: bool = True,
) -> Posted:
    """Give back points staff held; points waiting for an order's return window are not touched."""
    entry = _staff_entry(member_id, "unfreeze", _positive(amount), -amount, key, reason, staff_id)
    now = now or utcnow()

    def operation(db: Connection) -> Posted:
        _lock_member(db, member_id)
        held = db.scalar(select(func.coalesce(func.sum(LOTS.c.held), 0)).where(LOTS.c.member_id == member_id))
        if int(held) < amount:
            existing = db.scalar(select(PointsLedger.id).where(PointsLedger.idempotency_key == key))
            if existing is not None:
                return Posted(existing, False)
            raise InsufficientPoints(available=int(held), needed=amount)
        posted = _post(db, entry, now)
        if posted.created:
            _fifo_take(db, member_id, amount, "held", "available")
        return posted

    return await _use_case(session, commit, operation)


async def revoke(
    session: AsyncSession, entry_id: int, *, reason: str, staff_id: int | None = None,
    tz: ZoneInfo = DEFAULT_TZ, now: datetime | None = None, commit: bool = True,
) -> Posted:
    """Reverse a ledger entry with a new entry (never a delete); each entry at most once.

    A credit is taken back from what is left of its own lot first (frozen, then available,
    then held), the rest from the member's other available points; a spend or negative
    adjustment is given back as a new lot.
    """
    reason = _checked_reason(reason)
    now = now or utcnow()

    def operation(db: Connection) -> Posted:
        original = db.execute(
            select(LEDGER.c.id, LEDGER.c.member_id, LEDGER.c.kind, LEDGER.c.amount).where(LEDGER.c.id == entry_id)
        ).one_or_none()
        if original is None:
            raise NotFound("points-entry-not-found")
        entry = Entry(original.member_id, "revoke", 0, 0, f"revoke:{entry_id}", reason=reason,
                      reverses_id=entry_id, **_staff_ref(staff_id))
        if original.kind in REVOCABLE_CREDITS and original.amount > 0:
            return _revoke_credit(db, original, entry, now)
        if original.kind in REVOCABLE_DEBITS and original.amount < 0:
            return _credit(db, entry, -original.amount, now, expiry_for(now, tz))
        raise NotAllowed("points-not-revocable")

    return await _use_case(session, commit, operation)


def _revoke_credit(db: Connection, original: Row[Any], entry: Entry, now: datetime) -> Posted:
    _lock_member(db, original.member_id)
    lot = (db.execute(select(LOTS).where(LOTS.c.entry_id == original.id))).one_or_none()
    left = original.amount
    from_pending = min(lot.pending, left) if lot else 0
    left -= from_pending
    from_available = min(lot.available, left) if lot else 0
    left -= from_available
    from_held = min(lot.held, left) if lot else 0
    left -= from_held
    entry.available_delta = -(from_available + left)
    entry.frozen_delta = -(from_pending + from_held)
    posted = _post(db, entry, now)
    if not posted.created:
        return posted
    if lot is not None:
        taken = db.execute(
            update(LOTS)
            .where(LOTS.c.id == lot.id, LOTS.c.pending >= from_pending, LOTS.c.available >= from_available,
                   LOTS.c.held >= from_held)
            .values(pending=LOTS.c.pending - from_pending, available=LOTS.c.available - from_available,
                    held=LOTS.c.held - from_held)
        )
        _expect_one(taken.rowcount, "revoked lot")
    if left:
        _fifo_take(db, original.member_id, left, "available")
    return posted


def _checked_reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise InvalidInput("points-reason-required", "reason")
    if len(text) > REASON_MAX:
        raise InvalidInput("points-reason-too-long", "reason", max=REASON_MAX)
    return text


def _positive(amount: int) -> int:
    if amount <= 0:
        raise InvalidInput("points-amount-positive")
    return amount


def _staff_entry(
    member_id: int, kind: str, available_delta: int, frozen_delta: int, key: str, reason: str | None,
    staff_id: int | None,
) -> Entry:
    """A staff operation's ledger entry: the reason is mandatory, the staff member is the reference."""
    return Entry(member_id, kind, available_delta, frozen_delta, key, reason=_checked_reason(reason),
                 **_staff_ref(staff_id))


def _staff_ref(staff_id: int | None) -> dict[str, str | None]:
    return {"ref_type": "staff", "ref_id": str(staff_id)} if staff_id is not None else {}


def _expect_one(rowcount: int, what: str) -> None:
    """A guarded update that must match under the member lock; a miss means corrupted lots."""
    if rowcount != 1:
        raise RuntimeError(f"{what}: conditional update matched {rowcount} rows")


# --- release and expiry of lots (jobs, and inline before a spend) ----------------------------


def _release_lot(db: Connection, lot_id: int, now: datetime) -> int:
    """Move a lot's frozen order points to available once its return window has passed."""
    member_id = db.scalar(select(LOTS.c.member_id).where(LOTS.c.id == lot_id))
    if member_id is None:
        return 0
    _lock_member(db, member_id)
    lot = (db.execute(select(LOTS.c.pending, LOTS.c.release_at).where(LOTS.c.id == lot_id))).one()
    if lot.pending <= 0 or lot.release_at is None or lot.release_at > now:
        return 0
    entry = Entry(member_id, "unfreeze", lot.pending, -lot.pending, f"release:{lot_id}")
    if not (_post(db, entry, now)).created:
        return 0
    moved = db.execute(
        update(LOTS)
        .where(LOTS.c.id == lot_id, LOTS.c.pending >= lot.pending)
        .values(pending=LOTS.c.pending - lot.pending, available=LOTS.c.available + lot.pending)
    )
    _expect_one(moved.rowcount, "released lot")
    return int(lot.pending)


def _expire_lot(db: Connection, lot_id: int, now: datetime) -> int:
    """Expire whatever is left of a lot (available, frozen or held) once; key `expire:<lot>`."""
    member_id = db.scalar(select(LOTS.c.member_id).where(LOTS.c.id == lot_id))
    if member_id is None:
        return 0
    _lock_member(db, member_id)
    lot = (
        db.execute(
            select(LOTS.c.available, LOTS.c.pending, LOTS.c.held, LOTS.c.expires_at).where(LOTS.c.id == lot_id)
        )
    ).one()
    frozen = lot.pending + lot.held
    if lot.expires_at > now or lot.available + frozen == 0:
        return 0
    entry = Entry(member_id, "expire", -lot.available, -frozen, f"expire:{lot_id}", expires_at=lot.expires_at)
    if not (_post(db, entry, now)).created:
        return 0
    emptied = db.execute(
        update(LOTS)
        .where(LOTS.c.id == lot_id, LOTS.c.available == lot.available, LOTS.c.pending == lot.pending,
               LOTS.c.held == lot.held)
        .values(available=0, pending=0, held=0)
    )
    _expect_one(emptied.rowcount, "expired lot")
    return int(lot.available + frozen)


def _expire_due_for_member(db: Connection, member_id: int, now: datetime) -> None:
    for lot_id in list(db.scalars(_DUE_FOR_MEMBER, {"p_now": now, "p_member": member_id})):
        _expire_lot(db, lot_id, now)


async def release_due(
    session: AsyncSession, now: datetime | None = None, limit: int = 1000, member_id: int | None = None
) -> int:
    """Job: release frozen order points whose return window passed; one transaction per lot.

    `member_id` limits the run to one member (staff tools and tests).
    """
    now = now or utcnow()
    query = select(LOTS.c.id).where(LOTS.c.pending > 0, LOTS.c.release_at <= now)
    if member_id is not None:
        query = query.where(LOTS.c.member_id == member_id)
    lot_ids = list(await session.scalars(query.order_by(LOTS.c.id).limit(limit)))
    released = 0
    for lot_id in lot_ids:
        released += await _use_case(session, True, lambda sync, lot_id=lot_id: _release_lot(sync, lot_id, now))
    return released


async def expire_due(
    session: AsyncSession, now: datetime | None = None, limit: int = 1000, member_id: int | None = None
) -> int:
    """Job: expire lots past their end date; safe in several processes (the key claims each lot)."""
    now = now or utcnow()
    query = _DUE_FOR_MEMBER if member_id is not None else _DUE
    params = {"p_now": now, "p_member": member_id}
    lot_ids = list(await session.scalars(query.order_by(LOTS.c.id).limit(limit), params))
    expired = 0
    for lot_id in lot_ids:
        expired += await _use_case(session, True, lambda sync, lot_id=lot_id: _expire_lot(sync, lot_id, now))
    return expired


# --- expiry reminders -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reminder:
    """A claimed "your points expire soon" message for one member and one expiry date."""

    member_id: int
    telegram_id: int
    language: str | None
    points: int
    expires_at: datetime
    days_before: int


async def claim_reminders(
    session: AsyncSession, now: datetime | None = None, days: tuple[int, ...] = (30, 7), limit: int = 1000
) -> list[Reminder]:
    """Claim the reminders due now; the (member, expiry, threshold) key makes each one go out once.

    A threshold covers expiries between it and the next smaller one, so a member never gets
    the 30-day and the 7-day reminder at the same time.
    """
    now = now or utcnow()
    thresholds = sorted({day for day in days if day > 0}, reverse=True)
    await begin_write(session)
    claimed: list[Reminder] = []
    for index, threshold in enumerate(thresholds):
        lower = thresholds[index + 1] if index + 1 < len(thresholds) else 0
        for row in await session.execute(_expiring(now, lower, threshold, limit)):
            if await _claim_reminder(session, row.member_id, row.expires_at, threshold, int(row.points), now):
                claimed.append(
                    Reminder(row.member_id, row.telegram_id, row.language, int(row.points), row.expires_at, threshold)
                )
    await session.commit()
    return claimed


def _expiring(now: datetime, lower_days: int, upper_days: int, limit: int) -> Any:
    remaining = func.sum(LOTS.c.available + LOTS.c.held)
    return (
        select(
            LOTS.c.member_id, LOTS.c.expires_at, remaining.label("points"), Member.telegram_id,
            TelegramUser.language,
        )
        .join(Member, Member.id == LOTS.c.member_id)
        .outerjoin(TelegramUser, TelegramUser.id == Member.telegram_id)
        .where(
            LOTS.c.expires_at > now + timedelta(days=lower_days),
            LOTS.c.expires_at <= now + timedelta(days=upper_days),
            LOTS.c.available + LOTS.c.held > 0,
            Member.telegram_id.is_not(None),
            Member.status == "active",
        )
        .group_by(LOTS.c.member_id, LOTS.c.expires_at, Member.telegram_id, TelegramUser.language)
        .order_by(LOTS.c.member_id, LOTS.c.expires_at)
        .limit(limit)
    )


async def _claim_reminder(
    session: AsyncSession, member_id: int, expires_at: datetime, days_before: int, amount: int, now: datetime
) -> bool:
    claimed = await session.scalar(
        upsert(session, PointsReminder)
        .values(member_id=member_id, expires_at=expires_at, days_before=days_before, points=amount, created_at=now)
        .on_conflict_do_nothing(index_elements=["member_id", "expires_at", "days_before"])
        .returning(PointsReminder.member_id)
    )
    return claimed is not None


async def mark_reminder_sent(session: AsyncSession, reminder: Reminder, now: datetime | None = None) -> None:
    await begin_write(session)
    await session.execute(
        update(PointsReminder)
        .where(
            PointsReminder.member_id == reminder.member_id,
            PointsReminder.expires_at == reminder.expires_at,
            PointsReminder.days_before == reminder.days_before,
        )
        .values(sent_at=now or utcnow())
    )
    await session.commit()


# --- what a member sees -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Overview:
    available: int
    frozen: int
    expiring: int
    expiring_first: datetime | None
    progress: tier_rules.Progress


@dataclass(frozen=True, slots=True)
class HistoryPage:
    entries: list[PointsLedger]
    page: int
    pages: int

    @property
    def has_prev(self) -> bool:
        return self.page > 0

    @property
    def has_next(self) -> bool:
        return self.page + 1 < self.pages


async def overview(
    session: AsyncSession, member_id: int, tiers: tier_rules.Tiers, now: datetime | None = None, soon_days: int = 30
) -> Overview:
    now = now or utcnow()
    member = await session.get(Member, member_id, populate_existing=True)
    if member is None:
        raise NotFound("member-not-found")
    expiring, first = (
        await session.execute(
            select(func.coalesce(func.sum(LOTS.c.available + LOTS.c.held), 0), func.min(LOTS.c.expires_at)).where(
                LOTS.c.member_id == member_id,
                LOTS.c.expires_at <= now + timedelta(days=soon_days),
                LOTS.c.available + LOTS.c.held > 0,
            )
        )
    ).one()
    progress = await tier_rules.progress(session, member, tiers, now)
    first_at = first.replace(tzinfo=UTC) if isinstance(first, datetime) and first.tzinfo is None else first
    return Overview(member.points_available, member.points_frozen, int(expiring), first_at, progress)


async def history(session: AsyncSession, member_id: int, page: int = 0, size: int = 10) -> HistoryPage:
    """Newest first; a page number past the end shows the last page."""
    total = int(await session.scalar(select(func.count()).where(PointsLedger.member_id == member_id)) or 0)
    pages = max((total + size - 1) // size, 1)
    page = min(max(page, 0), pages - 1)
    rows = await session.scalars(
        select(PointsLedger)
        .where(PointsLedger.member_id == member_id)
        .order_by(PointsLedger.id.desc())
        .offset(page * size)
        .limit(size)
    )
    return HistoryPage(list(rows), page, pages)


# --- reconciliation -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Difference:
    member_id: int
    stored: tuple[int, int]
    from_ledger: tuple[int, int]
    from_lots: tuple[int, int]


async def audit(session: AsyncSession) -> list[Difference]:
    """Recompute every member's balances from the ledger (and the lots) and list mismatches."""
    ledger = (
        select(
            PointsLedger.member_id.label("member_id"),
            func.sum(PointsLedger.amount - PointsLedger.frozen_delta).label("available"),
            func.sum(PointsLedger.frozen_delta).label("frozen"),
        )
        .group_by(PointsLedger.member_id)
        .subquery()
    )
    lots = (
        select(
            LOTS.c.member_id.label("member_id"),
            func.sum(LOTS.c.available).label("available"),
            func.sum(LOTS.c.pending + LOTS.c.held).label("frozen"),
        )
        .group_by(LOTS.c.member_id)
        .subquery()
    )
    rows = await session.execute(
        select(
            Member.id, Member.points_available, Member.points_frozen,
            func.coalesce(ledger.c.available, 0), func.coalesce(ledger.c.frozen, 0),
            func.coalesce(lots.c.available, 0), func.coalesce(lots.c.frozen, 0),
        )
        .outerjoin(ledger, ledger.c.member_id == Member.id)
        .outerjoin(lots, lots.c.member_id == Member.id)
        .order_by(Member.id)
    )
    differences = []
    for member_id, available, frozen, l_available, l_frozen, lot_available, lot_frozen in rows:
        stored = (int(available), int(frozen))
        from_ledger = (int(l_available), int(l_frozen))
        from_lots = (int(lot_available), int(lot_frozen))
        if stored != from_ledger or stored != from_lots:
            differences.append(Difference(member_id, stored, from_ledger, from_lots))
    return differences


async def _audit_command(database_url: str) -> int:
    from models.db import create_engine, create_sessionmaker

    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            differences = await audit(session)
    finally:
        await engine.dispose()
    for diff in differences:
        print(
            f"member {diff.member_id}: stored available/frozen {diff.stored}, "
            f"ledger {diff.from_ledger}, lots {diff.from_lots}"
        )
    print(f"audit: {len(differences)} member(s) with differences")
    return 1 if differences else 0


def main(argv: list[str] | None = None) -> int:
    """`python -m services.points audit [--database-url URL]`: exit code 1 when anything differs."""
    parser = argparse.ArgumentParser(prog="python -m services.points")
    parser.add_argument("command", choices=["audit"])
    parser.add_argument("--database-url", default=None, help="default: DATABASE_URL / .env")
    args = parser.parse_args(argv)
    url = args.database_url
    if url is None:
        from bot.config import Settings

        url = Settings().database_url
    return asyncio.run(_audit_command(url))


if __name__ == "__main__":
    sys.exit(main())

