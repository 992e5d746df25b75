"""The shop's rules as plain data, built once from the settings and handed to every use case."""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from services.orders.rules import OrderRules
from services.points.checkin import CheckinRules
from services.points.tiers import Tiers


@dataclass(frozen=True, slots=True)
class LockoutPolicy:
    """Failed password checks within `window` that lock the guessing Telegram user (and the account)."""

    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class ShopPolicy:
    tz: ZoneInfo = ZoneInfo("Asia/Shanghai")
    currency: str = "CNY"
    welcome_points: int = 100
    profile_reward_points: int = 0
    bcrypt_rounds: int = 12
    lockout: LockoutPolicy = LockoutPolicy()
    link_token_ttl: timedelta = timedelta(hours=72)
    tiers: Tiers = field(default_factory=Tiers)
    checkin: CheckinRules = CheckinRules()
    earn_rate: Decimal = Decimal("0.01")
    return_window: timedelta = timedelta(days=7)
    reminder_days: tuple[int, ...] = (30, 7)
    welcome_coupon: str = ""  # campaign code issued on registration; empty: none
    orders: OrderRules = OrderRules()
    review_points: int = 20  # for reviewing a completed order, once
    owners: frozenset[int] = frozenset()  # OWNER_IDS: Telegram ids with every staff right
    # Two-person approval: a staff points adjustment (absolute) or a refund (minor units) above these.
    approval_points_threshold: int = 1_000
    approval_refund_threshold: int = 50_000
    approval_ttl: timedelta = timedelta(hours=24)
