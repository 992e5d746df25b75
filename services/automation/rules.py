"""The automation rules (issue 15): which kinds exist, their parameters, defaults and validation.

    birthday  a coupon on the birthday morning (shop time), once a year      marketing
    winback   a coupon after N days with no order and no check-in, once per inactivity period   marketing
    review    "how was your order?" N days after it completed, once per order                    marketing
    personal_coupon  a "满X减Y" coupon just above the member's median basket, every N days (personal.py)  marketing
    expiry    points-expiry reminders N days before (service: goes to everyone, PRODUCT.md 6)
    tier      tier-upgrade congratulations (service: goes to everyone)

A kind without a row in `automation_rules` has its defaults: the two service messages on (as they
were before automation existed), the three marketing ones off until an admin sets them up. Every
change checks the admin role in its transaction and is audited with the rule before and after.
"""

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from models.base import utcnow
from services.errors import InvalidInput, NotFound
from services.policy import ShopPolicy
from services.staff import audit
from services.staff.roles import Role, require
from services.unit_of_work import UnitOfWork

AUTOMATION_ROLE = Role.admin
CONVERSION_DAYS = 14  # a coupon used / a review written within this many days of the message counts
MARKETING = ("birthday", "winback", "review", "personal_coupon")
SERVICE = ("expiry", "tier")
KINDS = MARKETING + SERVICE

# kind → (on by default, default parameters)
DEFAULTS: dict[str, tuple[bool, dict[str, Any]]] = {
    "birthday": (False, {"campaign": "", "hour": 9}),
    "winback": (False, {"campaign": "", "days": 60}),
    "review": (False, {"days": 3}),
    "personal_coupon": (False, {"days": 30, "orders": 2, "percent": 10, "valid": 14}),
    "expiry": (True, {"days": []}),  # [] = the POINTS_REMINDER_DAYS setting
    "tier": (True, {}),
}
# parameter → (minimum, maximum) for numbers
RANGES = {("birthday", "hour"): (0, 23), ("winback", "days"): (7, 3650), ("review", "days"): (1, 60),
          ("expiry", "days"): (1, 365), ("personal_coupon", "days"): (7, 365),
          ("personal_coupon", "orders"): (1, 100), ("personal_coupon", "percent"): (1, 50),
          ("personal_coupon", "valid"): (1, 365)}
MAX_REMINDERS = 3


@dataclass(frozen=True, slots=True)
class Rule:
    kind: str
    enabled: bool
    params: dict[str, Any]

    def to_json(self) -> str:
        return json.dumps(self.params, sort_keys=True)


async def load(uow: UnitOfWork) -> dict[str, Rule]:
    """Every kind's rule, defaults filled in (inside the caller's open unit of work)."""
    stored = {row.kind: row for row in await uow.automation.rules()}
    rules = {}
    for kind, (enabled, params) in DEFAULTS.items():
        row = stored.get(kind)
        if row is None:
            rules[kind] = Rule(kind, enabled, dict(params))
        else:
            rules[kind] = Rule(kind, row.enabled, {**params, **json.loads(row.params or "{}")})
    return rules


async def overview(uow: UnitOfWork, policy: ShopPolicy, actor_id: int) -> list[Rule]:
    async with uow.read():
        await require(uow, policy, actor_id, AUTOMATION_ROLE)
        rules = await load(uow)
    return [rules[kind] for kind in KINDS]


async def toggle(uow: UnitOfWork, policy: ShopPolicy, actor_id: int, kind: str, now: datetime | None = None) -> Rule:
    """On ↔ off. Switching on a coupon automation whose campaign is not set is refused."""
    return await _change(uow, policy, actor_id, kind, None, None, now or utcnow())


async def set_param(uow: UnitOfWork, policy: ShopPolicy, actor_id: int, kind: str, name: str, raw: str,
                    now: datetime | None = None) -> Rule:
    """One parameter, typed by an admin: validated (a clear error code otherwise), saved, audited."""
    if kind not in DEFAULTS or name not in DEFAULTS[kind][1]:
        raise NotFound("automation-not-found")
    return await _change(uow, policy, actor_id, kind, name, raw, now or utcnow())


async def _change(uow: UnitOfWork, policy: ShopPolicy, actor_id: int, kind: str, name: str | None, raw: str | None,
                  now: datetime) -> Rule:
    if kind not in DEFAULTS:
        raise NotFound("automation-not-found")
    async with uow.write():
        await require(uow, policy, actor_id, AUTOMATION_ROLE)
        before = (await load(uow))[kind]
        if name is None:
            after = Rule(kind, not before.enabled, before.params)
        else:
            after = Rule(kind, before.enabled, {**before.params, name: await _parse(uow, kind, name, raw or "")})
        if after.enabled and after.params.get("campaign") == "" and kind in ("birthday", "winback"):
            raise InvalidInput("automation-needs-campaign", "campaign")
        await uow.automation.save_rule(kind, after.enabled, after.to_json(), now)
        await audit.record(uow, actor_id, "automation.change", "automation", kind, now=now,
                           before={"enabled": before.enabled, **before.params},
                           after={"enabled": after.enabled, **after.params})
        await uow.commit()
    return after


async def _parse(uow: UnitOfWork, kind: str, name: str, raw: str) -> Any:
    raw = raw.strip()
    if name == "campaign":
        if raw in ("", "-"):
            return ""
        if await uow.coupons.campaign_by(code=raw) is None:
            raise InvalidInput("automation-campaign-unknown", "campaign")
        return raw
    low, high = RANGES[(kind, name)]
    parts = [part for part in re.split(r"[\s,，]+", raw) if part]
    try:
        numbers = [int(part) for part in parts]
    except ValueError:
        numbers = []
    many = kind == "expiry"
    if not numbers or (len(numbers) > (MAX_REMINDERS if many else 1)) or not all(low <= n <= high for n in numbers):
        raise InvalidInput("automation-number", name, low=low, high=high, count=MAX_REMINDERS if many else 1)
    return sorted(set(numbers), reverse=True) if many else numbers[0]
