"""Points rules in plain Python: kinds of entries, when points expire, what a payment earns.

No database and no I/O here; the ledger statements (models/repositories/ledger.py) carry out
these rules in SQL, and `wallet.py` states the whole lot arithmetic the slow, obvious way.
"""

from datetime import UTC, datetime
from decimal import ROUND_FLOOR, Decimal
from zoneinfo import ZoneInfo

KINDS = (
    "welcome", "checkin", "earn", "spend", "freeze", "unfreeze", "expire",
    "revoke", "adjust", "refund", "review", "referral", "birthday", "profile",
)
# Credits that staff may take back with a reversing entry; debits that may be given back.
REVOCABLE_CREDITS = frozenset(
    {"welcome", "checkin", "earn", "adjust", "refund", "review", "referral", "birthday", "profile"}
)
REVOCABLE_DEBITS = frozenset({"spend", "adjust"})
# Debits that take from the soonest-expiring lots (and so must not see lots past expiry).
DEBIT_KINDS = frozenset({"spend", "adjust"})
EXPIRY_MONTHS = 12
REASON_MAX = 200


def expiry_for(earned_at: datetime, tz: ZoneInfo, months: int = EXPIRY_MONTHS) -> datetime:
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


def split_revocation(amount: int, pending: int, available: int, held: int) -> tuple[int, int, int, int]:
    """How a revoked credit of `amount` is taken back from what is left of its own lot.

    Frozen-for-return points first, then available, then points staff hold; the remainder
    (already spent from this lot) comes from the member's other available points.
    Returns (from_pending, from_available, from_held, from_elsewhere).
    """
    from_pending = min(pending, amount)
    from_available = min(available, amount - from_pending)
    from_held = min(held, amount - from_pending - from_available)
    return from_pending, from_available, from_held, amount - from_pending - from_available - from_held
