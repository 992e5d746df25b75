"""Where broadcasts are sent from: a task queue's workers with REDIS_URL, else a task in the bot.

- With REDIS_URL: taskiq with its Redis list broker. Starting (or resuming) a broadcast enqueues
  BROADCAST_WORKERS tasks for it; `member-bot worker` processes (as many as you like, on any
  machine) take them and drain the broadcast together, sharing one global rate in Redis.
- Without: the leader bot process runs one in-process worker on the same rows.

In both cases the leader runs a watchdog: it starts scheduled broadcasts when their time comes
and enqueues again a running broadcast no sender has touched for a while (a worker died).
"""

import asyncio
import logging
import os
import signal
from contextlib import suppress
from datetime import timedelta
from typing import Any

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import Response
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.types import Message
from redis.asyncio import Redis
from taskiq_redis import ListQueueBroker

from bot.broadcast_sender import BroadcastSender, SenderOptions
from bot.config import Settings
from bot.rate_limit import ChatLimiter, LocalLimiter, Pace, RedisChatLimiter, RedisLimiter
from models.base import utcnow
from models.database import Database
from services import broadcasts
from services.broadcasts import delivery
from services.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

TASK_NAME = "member_bot.broadcast.deliver"
WATCHDOG_SECONDS = 10.0
IDLE_SECONDS = 1.0  # the in-process worker looks for work this often when not kicked
STALLED_AFTER = timedelta(seconds=30)


def build_sender(settings: Settings, database: Database, redis: Redis | None) -> BroadcastSender:
    """A sender with a Bot session of its own and the limits shared the right way."""
    scale = settings.broadcast_time_scale
    pace = Pace(settings.broadcast_rate * scale)
    if redis is not None:
        limiter: Any = RedisLimiter(redis, f"{settings.broadcast_queue}:rate", pace)
        chats: Any = RedisChatLimiter(redis, f"{settings.broadcast_queue}:chat", 1.0 / scale)
    else:
        limiter, chats = LocalLimiter(pace), ChatLimiter(1.0 / scale)
    options = SenderOptions(
        batch=settings.broadcast_batch, concurrency=settings.broadcast_concurrency,
        max_attempts=settings.broadcast_max_attempts, lease=timedelta(seconds=settings.broadcast_lease_seconds),
        progress_every=timedelta(seconds=settings.broadcast_progress_seconds), time_scale=scale,
        default_language=settings.default_language,
    )
    return BroadcastSender(sender_bot(settings), database, limiter, chats, options, settings.telegram_api_base)


def sender_bot(settings: Settings) -> Bot:
    """A Bot with a session of its own (the bot's answers never wait behind a broadcast); without
    importing the dispatcher, so a worker process starts quickly. The two response models the
    sender meets are built once and kept (see bot.dispatcher.pin_response_models)."""
    assert settings.bot_token is not None
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_base)) if settings.telegram_api_base else None
    return Bot(settings.bot_token.get_secret_value(), session=session,
               default=DefaultBotProperties(parse_mode=ParseMode.HTML))


_PINNED = [Response[Message], Response[Message | bool]]


def create_broker(settings: Settings) -> ListQueueBroker:
    assert settings.redis_url
    return ListQueueBroker(settings.redis_url, queue_name=settings.broadcast_queue)


class BroadcastQueue:
    """What handlers and the watchdog use to get a broadcast sent (workflow data `broadcast_queue`)."""

    def __init__(self, broker: ListQueueBroker | None, copies: int) -> None:
        self.broker = broker
        self.copies = copies
        self.wake = asyncio.Event()  # the in-process worker waits on it

    async def kick(self, broadcast_id: int) -> None:
        if self.broker is None:
            self.wake.set()
            return
        task = self.broker.find_task(TASK_NAME) or self.broker.register_task(_not_here, task_name=TASK_NAME)
        for _ in range(self.copies):
            await task.kiq(broadcast_id)

    async def start(self) -> None:
        if self.broker is not None:
            await self.broker.startup()

    async def stop(self) -> None:
        if self.broker is not None:
            await self.broker.shutdown()


async def _not_here(broadcast_id: int) -> None:
    raise RuntimeError("broadcast tasks run in `member-bot worker`")


class BroadcastRuntime:
    """Leader-only: the watchdog, and without Redis the in-process worker."""

    def __init__(self, settings: Settings, database: Database, queue: BroadcastQueue) -> None:
        self.settings = settings
        self.database = database
        self.queue = queue
        self.sender = build_sender(settings, database, None) if queue.broker is None else None
        self._tasks: list[asyncio.Task] = []

    def start(self) -> None:
        self._tasks.append(asyncio.create_task(self._watchdog(), name="broadcast-watchdog"))
        if self.sender is not None:
            self._tasks.append(asyncio.create_task(self._work(), name="broadcast-worker"))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks = []
        if self.sender is not None:
            await self.sender.close()

    async def watch_once(self) -> None:
        uow = UnitOfWork(self.database)
        tz = self.settings.tz
        for broadcast_id in await broadcasts.start_due(uow, tz):
            await self.queue.kick(broadcast_id)
        stalled_after = STALLED_AFTER / self.settings.broadcast_time_scale
        for broadcast_id in await delivery.stalled(uow, utcnow() - stalled_after):
            await self.queue.kick(broadcast_id)

    async def _watchdog(self) -> None:
        while True:
            try:
                await self.watch_once()
            except Exception:  # the watchdog outlives a database hiccup
                log.exception("broadcast watchdog failed")
            await asyncio.sleep(WATCHDOG_SECONDS / self.settings.broadcast_time_scale)

    async def _work(self) -> None:
        """Drain running broadcasts oldest first; sleep until kicked (or a second) when none runs."""
        uow = UnitOfWork(self.database)
        while True:
            try:
                broadcast_id = await delivery.next_running(uow)
                if broadcast_id is not None and await self.sender.drain(broadcast_id):
                    continue
            except Exception:
                log.exception("broadcast worker failed; trying again")
            self.queue.wake.clear()
            with suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.queue.wake.wait(), timeout=IDLE_SECONDS / self.settings.broadcast_time_scale)


async def run_worker(settings: Settings, ready: asyncio.Event | None = None) -> None:
    """`member-bot worker`: take broadcast tasks from the Redis queue until stopped."""
    from taskiq.api import run_receiver_task

    from models.migrate import upgrade_to_head

    if not settings.redis_url:
        raise SystemExit("member-bot worker needs REDIS_URL (without it the bot sends broadcasts itself)")
    database = Database(settings.database_url)
    await upgrade_to_head(database.engine)
    redis = Redis.from_url(settings.redis_url)
    sender = build_sender(settings, database, redis)
    broker = create_broker(settings)

    async def deliver(broadcast_id: int) -> None:
        await sender.drain(broadcast_id)
        log.info("worker %s: broadcast %s drained (%s sent by this worker)", os.getpid(), broadcast_id, sender.sent)

    broker.register_task(deliver, task_name=TASK_NAME)
    await broker.startup()
    receiver = asyncio.create_task(run_receiver_task(broker, max_async_tasks=4, run_startup=False))
    with suppress(NotImplementedError, RuntimeError):  # SIGTERM: stop sending, give unsent rows back
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, receiver.cancel)
    log.info("broadcast worker %s listening on %s", os.getpid(), settings.broadcast_queue)
    if ready is not None:
        ready.set()
    try:
        await receiver
    finally:
        receiver.cancel()
        with suppress(asyncio.CancelledError, Exception):
            await receiver
        await broker.shutdown()
        await sender.close()
        await redis.aclose()
        await database.dispose()
