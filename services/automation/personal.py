"""The personalised coupon automation (issue 15): a "满X减Y" coupon just above the member's median basket.

Every `days` days (the period is the day number // `days`, and nothing within the last `days` days, so
once per member per period: the UNIQUE (kind, member, period) of `automation_sends` decides), each
marketing-audience member with at least `orders` paid orders gets a coupon whose minimum spend is the
next round amount above the median of their latest paid baskets (recommendations.next_round_above) and
whose discount is `percent` % of it, rounded to a whole currency unit. Coupons in this shop have no
category restriction, so recommendations.choose_target's favourite-category variant is not a coupon:
everyone gets the threshold coupon, and a clear favourite category is named in the message.

Who is due is SQL (a batch of BATCH, lowest member id first); their baskets and categories are two
queries per batch, read before the write. Each threshold has its own staff-channel campaign, created
once by its deterministic code `auto-basket-<min spend>-<percent>-<valid days>`; each (threshold,
category) group is one system broadcast whose recipients are exactly the sends this run claimed, and
the broadcast senders give each recipient one coupon from the group's campaign.
"""

import json
import logging
from datetime import datetime
from statistics import median_low

from babel.numbers import get_currency_precision

from models.repositories.automation import Due
from services.automation.rules import Rule
from services.orders.recommendations import BASKETS, choose_target, next_round_above
from services.policy import ShopPolicy
from services.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

KIND = "personal_coupon"
SYSTEM_COMPOSER = 0  # as services.automation.jobs: a system broadcast
BATCH = 200  # due members handled per transaction
MAX_BATCHES = 50  # per run; the rest wait for the next run (every 10 minutes)
TEXT_KEY = "automation-msg-personal_coupon"
FAVOURITE_KEY = "automation-msg-personal_coupon-favourite"

Group = tuple[int, str | None]  # (minimum spend, favourite category or None)


def coupon_amounts(totals: list[int], percent: int, currency: str) -> tuple[int, int]:
    """(min_spend, amount_off) in minor units: the next round amount above the median basket, and
    `percent` % of it rounded half up to a whole currency unit (at least one unit)."""
    min_spend = next_round_above(median_low(totals))
    return min_spend, discount(min_spend, percent, currency)


def discount(min_spend: int, percent: int, currency: str) -> int:
    """`percent` % of the minimum spend, rounded half up to a whole currency unit (at least one unit)."""
    unit = 10 ** get_currency_precision(currency)
    return max(unit, (min_spend * percent + 50 * unit) // (100 * unit) * unit)


def period_of(now: datetime, policy: ShopPolicy, every_days: int) -> str:
    """The period key: which block of `every_days` shop days `now` falls in."""
    return f"{every_days}d:{now.astimezone(policy.tz).date().toordinal() // every_days}"


async def run(uow: UnitOfWork, policy: ShopPolicy, rule: Rule, now: datetime) -> int:
    """Batches of due members, each one read and one write transaction; returns the messages queued."""
    total, after_id = 0, 0
    for _ in range(MAX_BATCHES):
        groups, due = await _targets(uow, policy, rule, now, after_id)
        if groups:
            total += await _queue(uow, policy, rule, groups, now)
        if len(due) < BATCH:
            break
        after_id = due[-1]  # a member given nothing (a basket under one currency unit) is not read again this run
    if total:
        log.info("automation %s: %s messages queued", KIND, total)
    return total


async def _targets(uow: UnitOfWork, policy: ShopPolicy, rule: Rule, now: datetime,
                   after_id: int) -> tuple[dict[Group, list[int]], list[int]]:
    """The next batch of due members (ids above `after_id`) grouped by (threshold, favourite); and their ids."""
    every, percent = int(rule.params["days"]), int(rule.params["percent"])
    async with uow.read():
        due = await uow.automation.basket_due(int(rule.params["orders"]), every, period_of(now, policy, every), now,
                                              after_id, BATCH)
        ids = [d.member_id for d in due]
        baskets = await uow.automation.baskets(ids, BASKETS) if ids else {}
        categories = await uow.automation.category_units(ids) if ids else {}
    groups: dict[Group, list[int]] = {}
    for member_id in ids:
        totals = baskets.get(member_id, [])
        if not totals:
            continue
        target = choose_target(categories.get(member_id, []), totals)
        favourite = target.category if target is not None and target.kind == "category" else None
        min_spend, amount_off = coupon_amounts(totals, percent, policy.currency)
        if amount_off >= min_spend:
            continue  # a median basket under one currency unit: no free-order coupon
        groups.setdefault((min_spend, favourite), []).append(member_id)
    return groups, ids


async def _queue(uow: UnitOfWork, policy: ShopPolicy, rule: Rule, groups: dict[Group, list[int]], now: datetime) -> int:
    """One write: per group, its campaign (created once), a system broadcast, the claimed sends, its rows."""
    every, percent, valid = int(rule.params["days"]), int(rule.params["percent"]), int(rule.params["valid"])
    period = period_of(now, policy, every)
    total = 0
    async with uow.write():
        for (min_spend, favourite), members in sorted(groups.items(), key=lambda g: (g[0][0], g[0][1] or "")):
            amount_off = discount(min_spend, percent, policy.currency)
            campaign_id = await uow.automation.ensure_campaign(
                f"auto-basket-{min_spend}-{percent}-{valid}",
                _campaign_values(min_spend, amount_off, valid, policy.currency, now))
            params = dict(min_spend=min_spend, amount_off=amount_off, currency=policy.currency, valid=valid,
                          category=favourite)
            total += await _broadcast(uow, campaign_id, params, [(m, period) for m in sorted(members)], now)
        await uow.commit()
    return total


async def _broadcast(uow: UnitOfWork, campaign_id: int, params: dict, due: list[tuple[int, str]], now: datetime) -> int:
    broadcast_id = await uow.broadcasts.add(
        composer_id=SYSTEM_COMPOSER, composer_language="zh", kind="text", text="",
        text_key=FAVOURITE_KEY if params["category"] else TEXT_KEY, button_key=None, button_data=None,
        campaign_id=campaign_id, segment=f"auto:{KIND}", segment_params=json.dumps(params, sort_keys=True),
        status="draft", total=0, sent=0, failed=0, blocked=0, unknown=0, created_at=now,
    )
    won = await uow.automation.claim(KIND, [Due(member_id, period) for member_id, period in due], broadcast_id, now)
    total = await uow.automation.materialise(broadcast_id) if won else 0
    if total:
        await uow.broadcasts.move(broadcast_id, ("draft",), {"status": "running", "started_at": now, "total": total})
    else:
        await uow.automation.drop_broadcast(broadcast_id)
    return total


def _campaign_values(min_spend: int, amount_off: int, valid: int, currency: str, now: datetime) -> dict:
    """A staff-channel "满X减Y" campaign (named in whole currency units for the staff's lists)."""
    unit = 10 ** get_currency_precision(currency)
    return dict(name_zh=f"专属满减券 满{min_spend // unit}减{amount_off // unit}",
                name_en=f"Personal coupon {amount_off // unit} off {min_spend // unit}",
                kind="amount_off", amount_off=amount_off, min_spend=min_spend, valid_days=valid, stock=None,
                claimed=0, per_member_limit=1, channel="staff", giftable=False, active=True, created_at=now)
