"""Built-in segments (PRODUCT.md 6): a name and its parameters; the SQL is in the repository.

Every segment counts only members who may receive marketing (opted in, active, reachable).
RFM groups and "spent over X" read orders, which do not exist yet (issue 12): they are not
offered until then.
"""

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from models.base import utcnow
from services.errors import InvalidInput
from services.unit_of_work import UnitOfWork

MAX_DAYS = 3650


@dataclass(frozen=True, slots=True)
class SegmentKind:
    name: str
    param: str | None  # "days", "tier" or None
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


def segment(name: str, value: str | int | None = None, tiers: tuple[str, ...] = ()) -> Segment:
    """A segment from a name and its one parameter (typed by staff or from a button); validated."""
    kind = SEGMENTS.get(name)
    if kind is None:
        raise InvalidInput("broadcast-segment-unknown", "segment")
    if kind.param is None:
        return Segment(name, {})
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


async def size(uow: UnitOfWork, chosen: Segment, tz: ZoneInfo, now: datetime | None = None) -> int:
    """How many members the segment reaches right now (one COUNT over the segment's query)."""
    now = now or utcnow()
    async with uow.read():
        return await uow.broadcasts.segment_size(chosen.name, chosen.params, now, now.astimezone(tz).date())
