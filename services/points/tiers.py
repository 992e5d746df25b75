"""Member tiers: 12-month spend thresholds and earn multipliers, as configured (pure rules)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

WINDOW_MONTHS = 12


@dataclass(frozen=True, slots=True)
class Tier:
    """One tier: `threshold` is minor units spent over the last 12 months."""

    code: str
    names: Mapping[str, str] = field(hash=False)
    threshold: int
    multiplier: Decimal = Decimal(1)

    def name(self, language: str) -> str:
        return self.names.get(language) or next(iter(self.names.values()), self.code)


DEFAULT_TIERS: tuple[Tier, ...] = (
    Tier("normal", {"zh": "普通会员", "en": "Member"}, 0, Decimal(1)),
    Tier("silver", {"zh": "银卡会员", "en": "Silver"}, 100_000, Decimal("1.2")),
    Tier("gold", {"zh": "金卡会员", "en": "Gold"}, 500_000, Decimal("1.5")),
    Tier("diamond", {"zh": "钻石会员", "en": "Diamond"}, 2_000_000, Decimal(2)),
)


class Tiers:
    """The configured tiers, lowest first; a member's tier is the highest threshold reached."""

    def __init__(self, tiers: Iterable[Tier] = DEFAULT_TIERS) -> None:
        ordered = sorted(tiers, key=lambda tier: tier.threshold)
        if not ordered or ordered[0].threshold != 0:
            raise ValueError("the lowest tier must have threshold 0")
        self.ordered: tuple[Tier, ...] = tuple(ordered)
        self._rank = {tier.code: index for index, tier in enumerate(ordered)}

    def get(self, code: str) -> Tier:
        """Unknown codes (a tier removed from the configuration) count as the lowest tier."""
        return self.ordered[self._rank.get(code, 0)]

    def rank(self, code: str) -> int:
        return self._rank.get(code, 0)

    def for_spend(self, spend: int) -> Tier:
        reached = [tier for tier in self.ordered if spend >= tier.threshold]
        return reached[-1] if reached else self.ordered[0]

    def next_after(self, code: str) -> Tier | None:
        rank = self.rank(code)
        return self.ordered[rank + 1] if rank + 1 < len(self.ordered) else None

    def move_for(self, current: str, spend: int, *, allow_downgrade: bool) -> Tier | None:
        """The tier to move to for this spend, or None to stay (downgrades only when allowed)."""
        target = self.for_spend(spend)
        if target.code == current:
            return None
        if self.rank(target.code) > self.rank(current) or allow_downgrade:
            return target
        return None


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a member stands: their tier, 12-month spend and what the next tier needs."""

    tier: Tier
    spend: int
    next_tier: Tier | None
    to_next: int


def progress(tiers: Tiers, current: str, spend: int) -> Progress:
    tier = tiers.get(current)
    following = tiers.next_after(tier.code)
    to_next = max(following.threshold - spend, 0) if following else 0
    return Progress(tier=tier, spend=spend, next_tier=following, to_next=to_next)


@dataclass(frozen=True, slots=True)
class TierMove:
    """A tier change that was just made (and, for an upgrade, queued for announcement)."""

    member_id: int
    from_tier: str
    to_tier: str
    spend: int
    upgrade: bool


def months_before(moment: datetime, months: int) -> datetime:
    """The same instant `months` calendar months earlier (day clamped to the month's length)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, _days_in_month(year, month + 1))
    return moment.replace(year=year, month=month + 1, day=day)


def _days_in_month(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (datetime(year, month + 1, 1) - datetime(year, month, 1)).days


def window_start(now: datetime) -> datetime:
    return months_before(now, WINDOW_MONTHS)
