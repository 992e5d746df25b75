"""The marketing automations' job: who is due now, claimed once, sent through broadcast delivery.

One run of a kind is one transaction: find who is due (SQL over the marketing audience), create a
system broadcast (composer 0, its text a translation key), claim the sends by INSERT … ON CONFLICT
DO NOTHING on (kind, member, period) — the rows another process claimed first are skipped — and
materialise the broadcast's delivery rows from the sends this run won, then mark it running. The
broadcast senders do the rest: the global rate limit, a coupon per recipient from the rule's
campaign, at most once per member, the unsubscribe button.

A review request is a broadcast per order (its button opens that order's review screen).
"""

import logging
from collections.abc import Callable
from datetime import datetime

from models.base import utcnow
from models.repositories.automation import Due
from services import abuse
from services.automation import personal
from services.automation.rules import MARKETING, Rule, load
from services.policy import ShopPolicy
from services.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

SYSTEM_COMPOSER = 0
TEXT_KEYS = {"birthday": "automation-msg-birthday", "winback": "automation-msg-winback",
             "review": "automation-msg-review"}
REVIEW_BUTTON = "automation-btn-review"
ButtonData = Callable[[int], str]  # order id → the callback data of its review screen


async def run_due(uow: UnitOfWork, policy: ShopPolicy, review_button: ButtonData, now: datetime | None = None) -> dict[str, int]:
    """Every enabled marketing automation once; returns how many messages each queued."""
    now = now or utcnow()
    async with uow.read(snapshot=False):
        rules = await load(uow)
    queued = {}
    for kind in MARKETING:
        if rules[kind].enabled and kind == personal.KIND:
            queued[kind] = await personal.run(uow, policy, rules[kind], now)
        elif rules[kind].enabled:
            queued[kind] = await run(uow, policy, rules[kind], review_button, now)
    return queued


async def run(uow: UnitOfWork, policy: ShopPolicy, rule: Rule, review_button: ButtonData, now: datetime) -> int:
    """One kind, in one transaction; returns how many delivery rows it queued."""
    async with uow.write():
        due = sorted(await _due(uow, policy, rule, now), key=lambda d: (d.member_id, d.period))
        if not due:
            return 0
        campaign_id = await _campaign(uow, rule)
        groups = [[d] for d in due] if rule.kind == "review" else [due]
        total = 0
        for group in groups:
            total += await _queue(uow, policy, rule, group, campaign_id, review_button, now)
        await uow.commit()
    if total:
        log.info("automation %s: %s messages queued", rule.kind, total)
    return total


async def _due(uow: UnitOfWork, policy: ShopPolicy, rule: Rule, now: datetime) -> list[Due]:
    local = now.astimezone(policy.tz)
    if rule.kind == "birthday":
        return await uow.automation.birthdays(local.date()) if local.hour >= int(rule.params["hour"]) else []
    if rule.kind == "winback":
        return await uow.automation.inactive(int(rule.params["days"]), now, local.date())
    return await uow.automation.completed_orders(int(rule.params["days"]), now)


async def _campaign(uow: UnitOfWork, rule: Rule) -> int | None:
    code = rule.params.get("campaign")
    if not code:
        return None
    campaign = await uow.coupons.campaign_by(code=code)
    if campaign is None or not campaign.active:
        log.warning("automation %s: campaign %r is missing or inactive; messages go without a coupon", rule.kind, code)
        return None
    return campaign.id


async def _queue(uow: UnitOfWork, policy: ShopPolicy, rule: Rule, due: list[Due], campaign_id: int | None,
                 review_button: ButtonData, now: datetime) -> int:
    order_id = due[0].order_id if rule.kind == "review" else None
    broadcast_id = await uow.broadcasts.add(
        composer_id=SYSTEM_COMPOSER, composer_language="zh", kind="text", text="", text_key=TEXT_KEYS[rule.kind],
        button_key=REVIEW_BUTTON if order_id else None, button_data=review_button(order_id) if order_id else None,
        campaign_id=campaign_id, segment=f"auto:{rule.kind}", segment_params="{}", status="draft",
        total=0, sent=0, failed=0, blocked=0, unknown=0, created_at=now,
    )
    won = await uow.automation.claim(rule.kind, due, broadcast_id, now)
    if rule.kind == "birthday":
        key = abuse.identity_key(policy.orders.payload_key)
        for send in won:
            if not await abuse.claim_birthday_reward(uow, key, send.member_id, now, int(send.period)):
                await uow.automation.refuse(broadcast_id, send.member_id)
    total = await uow.automation.materialise(broadcast_id) if won else 0
    if total:
        await uow.broadcasts.move(broadcast_id, ("draft",), {"status": "running", "started_at": now, "total": total})
    else:
        await uow.automation.drop_broadcast(broadcast_id)
    return total
