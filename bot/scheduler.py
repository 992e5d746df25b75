"""Background jobs in the bot process: points release, expiry, reminders, tiers, housekeeping.

The jobs themselves (services.points.jobs) claim their work in the database, so several bot
processes can run this schedule without doubling anything; this module adds the messages.
Tests call the functions directly with an explicit `now`.
"""

import math
from datetime import UTC, datetime
from decimal import Decimal

from aiogram import Bot
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.automation import rule as automation_rule, run_automations
from bot.delivery import deliver
from bot.refunds import send_star_refunds
from bot.i18n import pick_language, translator
from bot.render import local_date, quote
from bot import update_log
from models.base import utcnow
from models.database import Database
from services import accounts, coupons, orders, points
from services.policy import ShopPolicy
from services.unit_of_work import UnitOfWork


async def send_expiry_reminders(
    bot: Bot, database: Database, policy: ShopPolicy, default_language: str, now: datetime | None = None
) -> int:
    """Claim due reminders, then send each; a reminder is claimed once, so it is sent at most once.

    A service message (to every member, opted in or not); /automation switches it and sets the days."""
    now = now or utcnow()
    switch = await automation_rule(database, "expiry")
    if not switch.enabled:
        return 0
    uow = UnitOfWork(database)
    sent = 0
    for reminder in await points.claim_reminders(uow, now, tuple(switch.params["days"] or policy.reminder_days)):
        t = translator(pick_language(reminder.language, None, default_language))
        text = t(
            "points-expiry-reminder",
            points=reminder.points,
            date=local_date(reminder.expires_at, policy.tz),
            days=max(math.ceil((reminder.expires_at - now).total_seconds() / 86400), 1),
        )
        if await deliver(bot, reminder.telegram_id, text):
            await points.mark_reminder_sent(uow, reminder, now)
            sent += 1
    return sent


async def announce_tier_changes(
    bot: Bot, database: Database, policy: ShopPolicy, default_language: str, now: datetime | None = None
) -> int:
    """Tell members about upgrades queued by any process (earn, tier review, the shop API).

    A service message; switched off in /automation, the upgrades are still claimed (and not told)."""
    announcements = await points.claim_announcements(UnitOfWork(database), now or utcnow())
    if not (await automation_rule(database, "tier")).enabled:
        return 0
    for announcement in announcements:
        if announcement.telegram_id is None:
            continue
        language = pick_language(announcement.language, None, default_language)
        tier = policy.tiers.get(announcement.to_tier)
        text = translator(language)("tier-upgraded", tier=quote(tier.name(language)), multiplier=_plain(tier.multiplier))
        await deliver(bot, announcement.telegram_id, text)
    return len(announcements)


def _plain(value: Decimal) -> str:
    """1.50 → "1.5", 2 → "2" (no exponent)."""
    return format(value.normalize(), "f")


async def housekeeping(database: Database, policy: ShopPolicy) -> int:
    """Drop update ids older than any redelivery and login records that no longer count."""
    return await update_log.prune(database) + await accounts.prune_login_records(UnitOfWork(database), policy.lockout)


async def release_points(database: Database) -> int:
    return await points.release_due(UnitOfWork(database))


async def expire_points(database: Database) -> int:
    return await points.expire_due(UnitOfWork(database))


async def expire_coupons(database: Database) -> int:
    return await coupons.expire_due(UnitOfWork(database))


async def send_coupon_nudges(
    bot: Bot, database: Database, policy: ShopPolicy, default_language: str, now: datetime | None = None
) -> int:
    """"Your coupon expires soon", once per coupon (claimed in the database before sending)."""
    sent = 0
    for nudge in await coupons.claim_nudges(UnitOfWork(database), now):
        language = pick_language(nudge.language, None, default_language)
        coupon = nudge.coupon
        text = translator(language)(
            "coupons-expiry-nudge", name=quote(coupon.campaign.name(language)),
            date=local_date(coupon.valid_until, policy.tz), code=coupons.show_code(coupon.code),
        )
        sent += bool(await deliver(bot, nudge.telegram_id, text))
    return sent


async def expire_approvals(database: Database) -> int:
    """Two-person approval requests older than their time to live (24 h) expire, each audited."""
    from services.staff import approvals

    return await approvals.expire_due(UnitOfWork(database))


async def review_tiers(database: Database, policy: ShopPolicy) -> int:
    return await points.review_tiers(UnitOfWork(database), policy.tiers)


async def expire_orders(database: Database, policy: ShopPolicy) -> int:
    """Unpaid orders past their time give back stock, coupon and points (each order won by one process)."""
    return await orders.expire_due(UnitOfWork(database), policy.tz)


async def announce_order_changes(
    bot: Bot, database: Database, policy: ShopPolicy, default_language: str, now: datetime | None = None
) -> int:
    """Tell members of status changes made by the expiry job, staff or the shop API (claimed, so sent once)."""
    notices = await orders.claim_notices(UnitOfWork(database), now)
    for notice in notices:
        if notice.telegram_id is None:
            continue
        t = translator(pick_language(notice.language, None, default_language))
        status = t(f"order-status-{notice.event.to_status}") if t.has(f"order-status-{notice.event.to_status}") \
            else quote(notice.event.to_status)
        text = t("order-status-changed", number=orders.order_number(notice.event.order_id), status=status)
        await deliver(bot, notice.telegram_id, text)
    return len(notices)


async def refund_stars(bot: Bot, database: Database) -> int:
    """Stars refunds that could not reach Telegram when staff decided (each claimed by one process)."""
    return await send_star_refunds(bot, UnitOfWork(database))


class BackgroundJobs:
    """APScheduler in the bot's event loop; each job runs one instance at a time per process."""

    def __init__(self, bot: Bot, database: Database, policy: ShopPolicy, default_language: str) -> None:
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        options = {"max_instances": 1, "coalesce": True, "misfire_grace_time": 300}
        messages = [bot, database, policy, default_language]
        self.scheduler.add_job(release_points, IntervalTrigger(minutes=10), args=[database],
                               id="points-release", **options)
        self.scheduler.add_job(expire_points, IntervalTrigger(hours=1), args=[database], id="points-expire", **options)
        self.scheduler.add_job(expire_coupons, IntervalTrigger(minutes=30), args=[database],
                               id="coupons-expire", **options)
        self.scheduler.add_job(send_coupon_nudges, IntervalTrigger(hours=1), args=messages,
                               id="coupons-nudge", **options)
        self.scheduler.add_job(send_expiry_reminders, IntervalTrigger(hours=1), args=messages,
                               id="points-reminders", **options)
        self.scheduler.add_job(review_tiers, CronTrigger(hour=3, minute=30, timezone=policy.tz),
                               args=[database, policy], id="tiers-review", **options)
        self.scheduler.add_job(announce_tier_changes, IntervalTrigger(minutes=1), args=messages,
                               id="tiers-announce", **options)
        self.scheduler.add_job(housekeeping, IntervalTrigger(hours=6), args=[database, policy],
                               id="housekeeping", **options)
        self.scheduler.add_job(expire_approvals, IntervalTrigger(minutes=15), args=[database],
                               id="approvals-expire", **options)

        self.scheduler.add_job(expire_orders, IntervalTrigger(minutes=1), args=[database, policy],
                               id="orders-expire", **options)
        self.scheduler.add_job(announce_order_changes, IntervalTrigger(seconds=30), args=messages,
                               id="orders-announce", **options)
        self.scheduler.add_job(run_automations, IntervalTrigger(minutes=10), args=[database, policy],
                               id="automation", **options)
        self.scheduler.add_job(refund_stars, IntervalTrigger(minutes=2), args=[bot, database],
                               id="orders-refund-stars", **options)

    def start(self) -> None:
        self.scheduler.start()

    def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
