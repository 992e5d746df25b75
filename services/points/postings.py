"""Ledger operations inside an open unit of work: the rules applied through the ledger statements.

Each function is synchronous and takes the `Ledger` of the current transaction (see
models/repositories/ledger.py for why); none of them commits. Use cases in `ledger.py`,
`checkin.py`, and other features (registration, orders, coupons) run them with
`await uow.ledger.run(lambda ledger: postings.credit(ledger, ...))` and commit themselves.
"""

from datetime import datetime

from models.repositories.ledger import Entry, Ledger, Posted
from services.errors import InvalidInput, NotAllowed, NotFound
from services.points.rules import DEBIT_KINDS, REASON_MAX, split_revocation
from services.points.tiers import Tiers, TierMove, window_start


class InsufficientPoints(NotAllowed):
    """Not enough available (or frozen) points for the change; nothing was written."""

    code = "points-insufficient"


class CorruptLots(RuntimeError):
    """A guarded lot update missed under the member lock: lots and balances disagree."""


def post(ledger: Ledger, entry: Entry, now: datetime, *, spend_since: datetime | None = None) -> Posted:
    """Write the entry, or tell why not: an earlier use of the key is success, a shortfall is not.

    A debit that finds lots past their expiry expires them first and tries again, so spending
    never uses expired points.
    """
    debit = entry.available_delta < 0 and entry.kind in DEBIT_KINDS
    posted = ledger.post(entry, now, debit=debit, spend_since=spend_since)
    if posted is not None:
        return posted
    existing = ledger.entry_by_key(entry.key)
    if existing is not None:
        return Posted(existing, False)
    if debit and ledger.has_due_lots(entry.member_id, now):
        for lot_id in ledger.due_lot_ids(entry.member_id, now):
            expire_lot(ledger, lot_id, now)
        return post(ledger, entry, now, spend_since=spend_since)
    available = ledger.available(entry.member_id)
    if available is None:
        raise NotFound("member-not-found")
    raise InsufficientPoints(available=available, needed=-entry.available_delta)


def credit(
    ledger: Ledger, entry: Entry, amount: int, now: datetime, expires_at: datetime,
    release_at: datetime | None = None, spend_since: datetime | None = None,
) -> Posted:
    """Add a lot of `amount`: available now, or pending until `release_at` (an order's return window)."""
    pending = release_at is not None and release_at > now
    entry.available_delta, entry.frozen_delta = (0, amount) if pending else (amount, 0)
    entry.earned_at, entry.expires_at = now, expires_at
    posted = post(ledger, entry, now, spend_since=spend_since)
    if posted.created and amount > 0:
        ledger.add_lot(entry.member_id, posted.entry_id, amount, now, expires_at, release_at if pending else None)
    return posted


def debit(ledger: Ledger, entry: Entry, amount: int, now: datetime) -> Posted:
    """Take available points, soonest-expiring first."""
    entry.available_delta, entry.frozen_delta = -amount, 0
    posted = post(ledger, entry, now)
    if posted.created:
        ledger.take_oldest_first(entry.member_id, amount, "available")
    return posted


def hold(ledger: Ledger, entry: Entry, amount: int, now: datetime) -> Posted:
    """Staff freeze: available points become held, soonest-expiring first."""
    entry.available_delta, entry.frozen_delta = -amount, amount
    posted = post(ledger, entry, now)
    if posted.created:
        ledger.take_oldest_first(entry.member_id, amount, "available", "held")
    return posted


def release_hold(ledger: Ledger, entry: Entry, amount: int, now: datetime) -> Posted:
    """Staff unfreeze: held points become available; points waiting for a return window stay."""
    if not ledger.lock_member(entry.member_id):
        raise NotFound("member-not-found")
    held = ledger.held(entry.member_id)
    if held < amount:
        existing = ledger.entry_by_key(entry.key)
        if existing is not None:
            return Posted(existing, False)
        raise InsufficientPoints(available=held, needed=amount)
    entry.available_delta, entry.frozen_delta = amount, -amount
    posted = post(ledger, entry, now)
    if posted.created:
        ledger.take_oldest_first(entry.member_id, amount, "held", "available")
    return posted


def earn(
    ledger: Ledger, entry: Entry, points: int, tiers: Tiers, current: str, now: datetime, expires_at: datetime,
    release_at: datetime | None,
) -> tuple[Posted, TierMove | None]:
    """Credit order points and move the member (now in tier `current`) up if this payment reached one."""
    posted = credit(ledger, entry, points, now, expires_at, release_at, spend_since=window_start(now))
    if not posted.created:
        return posted, None
    return posted, review_tier(ledger, entry.member_id, tiers, now, current=current, spend=posted.spend)


def review_tier(
    ledger: Ledger, member_id: int, tiers: Tiers, now: datetime, *,
    current: str | None = None, spend: int | None = None, allow_downgrade: bool = False,
) -> TierMove | None:
    current = current if current is not None else ledger.tiers.current(member_id)
    if current is None:
        return None
    spend = spend if spend is not None else ledger.tiers.spend_since(member_id, window_start(now))
    target = tiers.move_for(current, spend, allow_downgrade=allow_downgrade)
    if target is None:
        return None
    upgrade = tiers.rank(target.code) > tiers.rank(current)
    if not ledger.tiers.move(member_id, current, target.code, spend, upgrade, now):
        return None
    return TierMove(member_id, current, target.code, spend, upgrade)


def revoke_credit(ledger: Ledger, original_id: int, original_amount: int, entry: Entry, now: datetime) -> Posted:
    """Take a credit back from what is left of its own lot first, the rest from other available points."""
    if not ledger.lock_member(entry.member_id):
        raise NotFound("member-not-found")
    lot = ledger.lot_of_entry(original_id)
    parts = split_revocation(original_amount, lot.pending, lot.available, lot.held) if lot else (0, 0, 0, original_amount)
    from_pending, from_available, from_held, elsewhere = parts
    entry.available_delta = -(from_available + elsewhere)
    entry.frozen_delta = -(from_pending + from_held)
    posted = post(ledger, entry, now)
    if not posted.created:
        return posted
    if lot is not None and not ledger.change_lot(lot.id, pending=from_pending, available=from_available, held=from_held):
        raise CorruptLots(f"revoked lot {lot.id}")
    if elsewhere:
        ledger.take_oldest_first(entry.member_id, elsewhere, "available")
    return posted


def release_lot(ledger: Ledger, lot_id: int, now: datetime) -> int:
    """Move a lot's pending order points to available once its return window has passed."""
    lot = ledger.lot(lot_id)
    if lot is None or not ledger.lock_member(lot.member_id):
        return 0
    lot = ledger.lot(lot_id)
    if lot.pending <= 0 or lot.release_at is None or lot.release_at > now:
        return 0
    entry = Entry(lot.member_id, "unfreeze", lot.pending, -lot.pending, f"release:{lot_id}")
    if not post(ledger, entry, now).created:
        return 0
    if not ledger.change_lot(lot_id, pending=lot.pending, to_available=lot.pending):
        raise CorruptLots(f"released lot {lot_id}")
    return lot.pending


def expire_lot(ledger: Ledger, lot_id: int, now: datetime) -> int:
    """Expire whatever is left of a lot (available, pending or held) once; key `expire:<lot>`."""
    lot = ledger.lot(lot_id)
    if lot is None or not ledger.lock_member(lot.member_id):
        return 0
    lot = ledger.lot(lot_id)
    frozen = lot.pending + lot.held
    if lot.expires_at > now or lot.available + frozen == 0:
        return 0
    entry = Entry(lot.member_id, "expire", -lot.available, -frozen, f"expire:{lot_id}", expires_at=lot.expires_at)
    if not post(ledger, entry, now).created:
        return 0
    if not ledger.change_lot(lot_id, pending=lot.pending, available=lot.available, held=lot.held):
        raise CorruptLots(f"expired lot {lot_id}")
    return lot.available + frozen


def checked_reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise InvalidInput("points-reason-required", "reason")
    if len(text) > REASON_MAX:
        raise InvalidInput("points-reason-too-long", "reason", max=REASON_MAX)
    return text


def positive(amount: int) -> int:
    if amount <= 0:
        raise InvalidInput("points-amount-positive")
    return amount
