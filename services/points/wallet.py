"""The lot arithmetic of the points rules, written the slow, obvious way.

A member's points are lots, one per credit, each with what is left available, pending
(waiting for an order's return window) and held (frozen by staff). Spending takes from the
soonest-expiring lots first (ties: the older lot); expired lots are emptied before a spend.
The database does the same in SQL; the property test (tests/test_points_property.py) plays
random histories through both and compares them, and tests/test_points_rules.py pins this model.
"""

import copy
from dataclasses import dataclass, field
from datetime import datetime

from services.points.rules import split_revocation


class Refused(Exception):
    """Not enough points for the operation; nothing changes."""


@dataclass
class Lot:
    expires: datetime
    available: int
    pending: int = 0
    held: int = 0
    release_at: datetime | None = None

    @property
    def total(self) -> int:
        return self.available + self.pending + self.held


def take_oldest_first(lots: list[Lot], source: str, amount: int, target: str | None = None) -> None:
    """Move `amount` out of the lots' `source` part (into `target`), soonest expiry first."""
    if sum(getattr(lot, source) for lot in lots) < amount:
        raise Refused
    for index in sorted(range(len(lots)), key=lambda i: (lots[i].expires, i)):
        lot = lots[index]
        taken = min(getattr(lot, source), amount)
        setattr(lot, source, getattr(lot, source) - taken)
        if target:
            setattr(lot, target, getattr(lot, target) + taken)
        amount -= taken


@dataclass
class Wallet:
    lots: list[Lot] = field(default_factory=list)

    @property
    def balances(self) -> tuple[int, int]:
        """(available, frozen): frozen is pending plus held."""
        return sum(lot.available for lot in self.lots), sum(lot.pending + lot.held for lot in self.lots)

    def credit(self, lot: Lot) -> int:
        self.lots.append(lot)
        return len(self.lots) - 1

    def expire(self, now: datetime) -> None:
        for lot in self.lots:
            if lot.expires <= now:
                lot.available = lot.pending = lot.held = 0

    def release(self, now: datetime) -> None:
        for lot in self.lots:
            if lot.pending and lot.release_at is not None and lot.release_at <= now:
                lot.available, lot.pending = lot.available + lot.pending, 0

    def spend(self, amount: int, now: datetime) -> None:
        """Expired points go first; then the oldest available. All or nothing."""
        trial = copy.deepcopy(self.lots)
        for lot in trial:
            if lot.expires <= now:
                lot.available = lot.pending = lot.held = 0
        take_oldest_first(trial, "available", amount)
        self.lots = trial

    def freeze(self, amount: int) -> None:
        take_oldest_first(self.lots, "available", amount, "held")

    def unfreeze(self, amount: int) -> None:
        take_oldest_first(self.lots, "held", amount, "available")

    def revoke_credit(self, lot_index: int, amount: int) -> None:
        """Take a credit back: from its own lot first, the rest from other available points."""
        lot = self.lots[lot_index]
        pending, available, held, elsewhere = split_revocation(amount, lot.pending, lot.available, lot.held)
        if self.balances[0] < available + elsewhere:
            raise Refused
        lot.pending, lot.available, lot.held = lot.pending - pending, lot.available - available, lot.held - held
        take_oldest_first(self.lots, "available", elsewhere)
