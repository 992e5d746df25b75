"""Background jobs in the bot process: points release, expiry, reminders, tiers, housekeeping.

Every job claims its work in the database (ledger idempotency keys, reminder keys, conditional
updates), so several bot processes can run the same schedule without doubling anything.
Tests call the job functions directly with an explicit `now`.
"""

import asyncio
import logging
import math
from datetime import UTC, datetime
from decimal import Decimal

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramForbiddenError,
    TelegramRetryAfter,
)
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.i18n import pick_language, translator
from bot.render import quote
from models.base import utcnow
from services import accounts, members, points, tiers, update_log

log = logging.getLogger(__name__)

Sessions = async_sessionmaker[AsyncSession]


async def release_points(sessionmaker: Sessions, now: datetime | None = None) -> int:
    async with sessionmaker() as session:
        return await points.release_due(session, now or utcnow())


async def expire_points(sessionmaker: Sessions, now: datetime | None = None) -> int:
    async with sessionmaker() as session:
        return await points.expire_due(session, now or utcnow())


async def review_tiers(sessionmaker: Sessions, settings: Settings, now: datetime | None = None) -> int:
    async with sessionmaker() as session:
        return await tiers.review_all(session, settings.tiers, now or utcnow())


async def send_expiry_reminders(
    bot: Bot, sessionmaker: Sessions, settings: Settings, now: datetime | None = None
) -> int:
    """Claim due reminders, then send each; a reminder is claimed once, so it is sent at most once."""
    now = now or utcnow()
    async with sessionmaker() as session:
        reminders = await points.claim_reminders(session, now, tuple(settings.points_reminder_days))
        sent = 0
        for reminder in reminders:
            t = translator(pick_language(reminder.language, None, settings.default_language))
            text = t(
                "points-expiry-reminder",
                points=reminder.points,
                date=reminder.expires_at.astimezone(settings.tz).strftime("%Y-%m-%d"),
                days=max(math.ceil((reminder.expires_at - now).total_seconds() / 86400), 1),
            )
            if await _deliver(bot, reminder.telegram_id, text):
                await points.mark_reminder_sent(session, reminder, now)
                sent += 1
        return sent


async def announce_tier_changes(
    bot: Bot, sessionmaker: Sessions, settings: Settings, now: datetime | None = None
) -> int:
    """Tell members about upgrades queued by any process (earn, tier review, the shop API)."""
    rules = settings.tiers
    async with sessionmaker() as session:
        announcements = await tiers.claim_announcements(session, now or utcnow())
        for announcement in announcements:
            if announcement.telegram_id is None:
                continue
            language = await _language_of(session, announcement.telegram_id, settings)
            tier = rules.get(announcement.to_tier)
            t = translator(language)
            text = t("tier-upgraded", tier=quote(tier.name(language)), multiplier=_plain(tier.multiplier))
            await _deliver(bot, announcement.telegram_id, text)
        return len(announcements)


async def _language_of(session: AsyncSession, telegram_id: int, settings: Settings) -> str:
    tg_user, _ = await members.load_context(session, telegram_id)
    return pick_language(tg_user.language if tg_user else None, None, settings.default_language)


def _plain(value: Decimal) -> str:
    """1.50 → "1.5", 2 → "2" (no exponent)."""
    return format(value.normalize(), "f")


async def _deliver(bot: Bot, chat_id: int, text: str) -> bool:
    """Send once, waiting out one 429; a blocked bot or missing chat is final (logged, not raised)."""
    for attempt in range(2):
        try:
            await bot.send_message(chat_id, text)
            return True
        except TelegramRetryAfter as error:
            if attempt:
                break
            log.info("rate limited; waiting %s s", error.retry_after)
            await asyncio.sleep(error.retry_after)
        except TelegramForbiddenError:
            log.info("chat %s blocked the bot; points message dropped", chat_id)
            return False
        except TelegramAPIError as error:
            log.warning("points message to %s failed: %s", chat_id, error)
            return False
    return False


async def housekeeping(sessionmaker: Sessions) -> int:
    """Drop update ids older than any redelivery and login records that no longer count."""
    async with sessionmaker() as session:
        return await update_log.prune(session) + await accounts.prune_login_records(session)


class BackgroundJobs:
    """APScheduler in the bot's event loop; each job runs one instance at a time per process."""

    def __init__(self, bot: Bot, sessionmaker: Sessions, settings: Settings) -> None:
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        options = {"max_instances": 1, "coalesce": True, "misfire_grace_time": 300}
        self.scheduler.add_job(release_points, IntervalTrigger(minutes=10), args=[sessionmaker],
                               id="points-release", **options)
        self.scheduler.add_job(expire_points, IntervalTrigger(hours=1), args=[sessionmaker],
                               id="points-expire", **options)
        self.scheduler.add_job(send_expiry_reminders, IntervalTrigger(hours=1), args=[bot, sessionmaker, settings],
                               id="points-reminders", **options)
        self.scheduler.add_job(review_tiers, CronTrigger(hour=3, minute=30, timezone=settings.tz),
                               args=[sessionmaker, settings], id="tiers-review", **options)
        self.scheduler.add_job(announce_tier_changes, IntervalTrigger(minutes=1),
                               args=[bot, sessionmaker, settings], id="tiers-announce", **options)
        self.scheduler.add_job(housekeeping, IntervalTrigger(hours=6), args=[sessionmaker],
                               id="housekeeping", **options)

    def start(self) -> None:
        self.scheduler.start()

    def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
