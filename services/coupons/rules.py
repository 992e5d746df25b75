"""Coupon rules in plain Python: codes, validity, and what a coupon takes off an order (integer minor units)."""

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from services.errors import InvalidInput

KINDS = ("amount_off", "percent_off", "free_shipping")
CHANNELS = ("claimable", "points", "staff", "code")
# Members claim from these themselves; "staff" coupons come from staff or automation only.
MEMBER_CHANNELS = ("claimable", "points")
# No 0/O, 1/I/L: a code read aloud or typed from paper is never ambiguous.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
REDEEM_CODE_MAX = 32
_SEPARATORS = re.compile(r"[\s\-_]+")
_TYPABLE = re.compile(r"^[0-9A-Z]+$")


@dataclass(frozen=True, slots=True)
class Terms:
    """What a coupon gives (a campaign's kind and numbers)."""

    kind: str
    amount_off: int | None = None
    percent_off: int | None = None
    max_discount: int | None = None
    min_spend: int = 0


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def show_code(code: str) -> str:
    """ABCD2345 → ABCD-2345, easier to read and type; typing it either way works."""
    return f"{code[:4]}-{code[4:]}" if len(code) == CODE_LENGTH else code


def normalise_code(raw: str) -> str:
    """Case-insensitive; spaces, dashes and underscores ignored. Raises on anything else."""
    code = _SEPARATORS.sub("", raw or "").upper()
    if not code or len(code) > REDEEM_CODE_MAX or not _TYPABLE.match(code):
        raise InvalidInput("coupon-code-invalid", "code", max=REDEEM_CODE_MAX)
    return code


def validity(
    now: datetime, starts_at: datetime | None, ends_at: datetime | None, valid_days: int | None
) -> tuple[datetime, datetime]:
    """(valid_from, valid_until) of a coupon obtained now: N days from now, or the campaign's window."""
    if valid_days is not None:
        return now, now + timedelta(days=valid_days)
    if ends_at is None:
        raise ValueError("a campaign needs either valid_days or ends_at")
    return (max(starts_at, now) if starts_at else now), ends_at


def discount(terms: Terms, subtotal: int, shipping: int = 0) -> int:
    """Minor units a coupon takes off an order of `subtotal` goods plus `shipping`.

    Nothing below the minimum spend (on goods); percent off rounds down and stops at its cap;
    never negative and never more than the order amount.
    """
    subtotal, shipping = max(subtotal, 0), max(shipping, 0)
    if subtotal < terms.min_spend:
        return 0
    if terms.kind == "amount_off":
        value = terms.amount_off or 0
    elif terms.kind == "percent_off":
        value = subtotal * (terms.percent_off or 0) // 100
        if terms.max_discount is not None:
            value = min(value, terms.max_discount)
    elif terms.kind == "free_shipping":
        value = shipping
    else:
        raise ValueError(f"unknown coupon kind {terms.kind!r}")
    return max(0, min(value, subtotal + shipping))


def discount_of_lines(terms: Terms, lines: Iterable[tuple[int, int]], shipping: int = 0) -> int:
    """The same from order lines given as (unit price, quantity) in minor units."""
    return discount(terms, sum(price * quantity for price, quantity in lines), shipping)


def best_first(
    offers: Iterable[tuple[int, datetime, int]],
) -> list[tuple[int, datetime, int]]:
    """(discount, valid_until, coupon id): biggest discount first, then the one expiring soonest."""
    return sorted(offers, key=lambda offer: (-offer[0], offer[1], offer[2]))
