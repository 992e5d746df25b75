"""Built-in segments (PRODUCT.md 6): a name and its parameters; the SQL is in the repository.

Every segment counts only members who may receive marketing (opted in, active, reachable).
"spent" is typed as `spent <amount> <days>` (the amount in the shop's currency), "rfm" as
`rfm champions|loyal|new|at_risk|hibernating` (the groups: models/repositories/broadcasts._rfm).
"""

import json
from decimal import Decimal
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from models.base import utcnow
from models.repositories.broadcasts import RFM_GROUPS
from services.errors import InvalidInput
from services.unit_of_work import UnitOfWork

MAX_DAYS = 3650


@dataclass(frozen=True, slots=True)
class SegmentKind:
    name: str
    param: str | None  # "days", "tier", "spent", "group" or None
    default: Any = None


SEGMENTS: dict[str, SegmentKind] = {
    kind.name: kind
    for kind in (
        SegmentKind("all", None),
        SegmentKind("tier", "tier"),
        SegmentKind("new", "days", 30),
        SegmentKind("inactive", "days", 60),
        SegmentKind("birthday", None),
        SegmentKind("expiring", "days", 30),
        SegmentKind("coupons", None),
        SegmentKind("spent", "spent"),
        SegmentKind("rfm", "group"),
    )
}


@dataclass(frozen=True, slots=True)
class Segment:
    name: str
    params: dict[str, Any]

    def to_json(self) -> str:
        return json.dumps(self.params, sort_keys=True)

    @classmethod
    def load(cls, name: str, params: str) -> "Segment":
        return cls(name, json.loads(params or "{}"))


def segment(name: str, value: str | int | None = None, tiers: tuple[str, ...] = (), minor_units: int = 100) -> Segment:
    """A segment from a name and its parameter (typed by staff or from a button); validated.

    `minor_units`: minor units per currency unit (100 for yuan), for the amount of "spent"."""
    kind = SEGMENTS.get(name)
    if kind is None:
        raise InvalidInput("broadcast-segment-unknown", "segment")
    if kind.param is None:
        return Segment(name, {})
    if kind.param == "group":
        if value not in RFM_GROUPS:
            raise InvalidInput("broadcast-segment-rfm", "segment", groups=", ".join(RFM_GROUPS))
        return Segment(name, {"group": value})
    if kind.param == "spent":
        return _spent(str(value or ""), minor_units)
    if kind.param == "tier":
        if value not in tiers:
            raise InvalidInput("broadcast-segment-tier", "segment", tiers=", ".join(tiers))
        return Segment(name, {"tier": value})
    raw = kind.default if value in (None, "") else value
    try:
        days = int(str(raw).strip())
    except ValueError:
        days = 0
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput("broadcast-segment-days", "segment", max=MAX_DAYS)
    return Segment(name, {"days": days})


def _spent(value: str, minor_units: int) -> Segment:
    parts = value.split()
    try:
        amount, days = Decimal(parts[0]), int(parts[1])
    except (IndexError, ValueError, ArithmeticError):
        raise InvalidInput("broadcast-segment-spent", "segment", max=MAX_DAYS) from None
    if amount <= 0 or not 1 <= days <= MAX_DAYS or len(parts) != 2:
        raise InvalidInput("broadcast-segment-spent", "segment", max=MAX_DAYS)
    return Segment("spent", {"amount": int(amount * minor_units), "days": days})


async def size(uow: UnitOfWork, chosen: Segment, tz: ZoneInfo, now: datetime | None = None) -> int:
    """How many members the segment reaches right now (one COUNT over the segment's query)."""
    now = now or utcnow()
    async with uow.read():
        return await uow.broadcasts.segment_size(chosen.name, chosen.params, now, now.astimezone(tz).date())
