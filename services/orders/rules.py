"""Order rules in plain Python: states, what points take off, the signed invoice payload (no I/O)."""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from services.errors import InvalidInput, NotAllowed

if TYPE_CHECKING:
    from models.repositories.orders import OrderView

# status -> the statuses it may move to (PRODUCT.md 4).
TRANSITIONS: dict[str, frozenset[str]] = {
    "pending_payment": frozenset({"paid", "cancelled", "expired"}),
    "paid": frozenset({"shipped", "refunded", "partially_refunded"}),
    "shipped": frozenset({"delivered", "refunded", "partially_refunded"}),
    "delivered": frozenset({"completed", "refunded", "partially_refunded"}),
    "completed": frozenset({"refunded", "partially_refunded"}),
    "partially_refunded": frozenset({"shipped", "delivered", "completed", "refunded", "partially_refunded"}),
    "cancelled": frozenset(),
    "expired": frozenset(),
    "refunded": frozenset(),
}
STATUSES = tuple(TRANSITIONS)
# Paid orders whose money may still be (partly) given back.
REFUNDABLE = frozenset({"paid", "shipped", "delivered", "completed", "partially_refunded"})
REVIEWABLE = frozenset({"completed"})
PAYLOAD_PREFIX = "o"
MAX_QUANTITY = 99  # per cart line


class IllegalTransition(NotAllowed):
    """The order is not in a status from which this change is allowed."""

    code = "order-illegal-transition"


def returnable(order: "OrderView", now: datetime) -> bool:
    """A return/refund request may be made: paid and not yet delivered, or delivered and inside the window."""
    if order.status not in REFUNDABLE or order.refunded_amount >= order.total:
        return False
    return order.return_window_ends_at is None or now < order.return_window_ends_at


def check_transition(current: str, target: str) -> None:
    if target not in TRANSITIONS.get(current, frozenset()):
        raise IllegalTransition(status=current, target=target)


@dataclass(frozen=True, slots=True)
class OrderRules:
    """Checkout and payment rules from the settings.

    Points pay `minor_per_unit` minor units per `points_per_unit` points (100 points = 1 yuan by
    default) and at most `max_points_percent` of what is left after the coupon.
    """

    points_per_unit: int = 100
    minor_per_unit: int = 100
    max_points_percent: int = 50
    expiry: timedelta = timedelta(minutes=30)
    referral_points: int = 100
    payload_key: bytes = b""
    provider_token: str = ""

    def points_discount(self, points: int) -> int:
        """Minor units `points` take off (rounded down)."""
        return max(points, 0) * self.minor_per_unit // self.points_per_unit

    def points_for(self, discount: int) -> int:
        """The fewest points that take `discount` off."""
        return -(-discount * self.points_per_unit // self.minor_per_unit)

    def max_points(self, after_coupon: int, available: int) -> int:
        """The most points usable on an order of `after_coupon`, given the member's available points."""
        cap = after_coupon * self.max_points_percent // 100
        if after_coupon - cap < 1:
            cap = after_coupon - 1  # points never make an order free: an invoice needs a positive amount
        best = min(cap, self.points_discount(available))
        return self.points_for(max(best, 0))

    def checked_points(self, points: int, after_coupon: int, available: int) -> tuple[int, int]:
        """(points charged, discount) for a requested amount: refused beyond the rules, rounded to no waste."""
        if points < 0:
            raise InvalidInput("order-points-negative", "points")
        most = self.max_points(after_coupon, available)
        if points > most:
            raise InvalidInput("order-points-too-many", "points", most=most)
        discount = self.points_discount(points)
        return (self.points_for(discount) if discount else 0), discount


def sign_payload(key: bytes, order_id: int) -> str:
    """`o:<order id>:<hmac>`, well under the 128-byte limit; the amount is checked against the order."""
    body = f"{PAYLOAD_PREFIX}:{order_id}"
    return f"{body}:{_mac(key, body)}"


def order_of_payload(key: bytes, payload: str) -> int | None:
    """The order id a payload names, if we signed it; else None (forged or mangled)."""
    parts = (payload or "").split(":")
    if len(parts) != 3 or parts[0] != PAYLOAD_PREFIX or not parts[1].isdigit() or len(parts[1]) > 18:
        return None
    body = f"{PAYLOAD_PREFIX}:{parts[1]}"
    if not hmac.compare_digest(parts[2], _mac(key, body)):
        return None
    return int(parts[1])


def _mac(key: bytes, body: str) -> str:
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()[:40]


def payload_key(secret: str) -> bytes:
    """A key for invoice payloads only, derived from PAYMENT_PAYLOAD_SECRET (or the bot token)."""
    return hashlib.sha256(b"member-bot invoice payload\x00" + secret.encode()).digest()
