"""Sends a running broadcast: claims batches of delivery rows and sends each within Telegram's limits.

One `BroadcastSender` per process, used by the in-process worker (no Redis) or by the task
queue's worker (`member-bot worker`); several senders can drain one broadcast together, since
rows are claimed by conditional updates. The sender uses a Bot session of its own and a bounded
number of sends in flight, so the bot's answers to members never queue behind a broadcast.

Per recipient: 429 → every sender waits out retry_after (scaled) and this one slows down, then
tries again; network errors and 5xx → bounded retries with back-off; 403 (blocked, deactivated)
and 400 "chat not found" → blocked, and the member is marked unreachable; any other 400 → failed.
"""

import asyncio
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter

from bot.bot_api import Answer, LeanBotApi, NetworkTrouble
from bot.broadcast_render import Outgoing, digest, marketing_message, progress_screen
from bot.i18n import pick_language, translator
from bot.rate_limit import ChatPacer, GlobalLimiter
from models.base import utcnow
from models.database import Database
from services.broadcasts import Recipient, delivery
from services.broadcasts.delivery import Batch, Outcomes
from services.coupons import show_code
from services.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

MAX_RATE_LIMITED = 10  # 429s one recipient may meet before the row counts failed
STATUS_SECONDS = 0.1  # how often a sender looks whether its broadcast was paused or cancelled
FINAL_CHAT_ERRORS = ("chat not found", "user is deactivated", "bot was blocked")


@dataclass(frozen=True, slots=True)
class SenderOptions:
    batch: int = 50
    concurrency: int = 8
    max_attempts: int = 3
    lease: timedelta = timedelta(seconds=120)
    progress_every: timedelta = timedelta(seconds=3)
    time_scale: float = 1.0
    default_language: str = "zh"


class BroadcastSender:
    def __init__(self, bot: Bot, database: Database, limiter: GlobalLimiter, chats: ChatPacer,
                 options: SenderOptions, base: str | None = None) -> None:
        self.bot = bot
        self.database = database
        self.limiter = limiter
        self.chats = chats
        self.options = options
        self.sent = 0  # messages this sender delivered (for logs and benchmarks)
        # Marketing messages go through the lean client (no pydantic models per message); the progress
        # message through aiogram's Bot, which this sender owns (a session apart from the bot's answers).
        self.api = LeanBotApi(bot.token, base)
        self._templates: dict[tuple[int, str], Outgoing] = {}
        self._in_flight = asyncio.Semaphore(options.concurrency)
        self._status_at = 0.0
        self._running = True
        self._progress_checked = 0.0

    async def drain(self, broadcast_id: int) -> int:
        """Send until no row is left to claim, or the broadcast is paused or cancelled; returns how
        many rows this call claimed (0: nothing to do now, e.g. other senders hold the last rows).

        The next batch is claimed while the last sends of the previous one are still under way, so
        the rate does not dip at every batch boundary."""
        token = secrets.token_hex(8)
        uow = UnitOfWork(self.database)
        claimed = 0
        batches: set[asyncio.Task] = set()
        try:
            while True:
                batch = await delivery.claim(uow, broadcast_id, token, self.options.batch, utcnow(), self.options.lease)
                if batch is not None and batch.recipients:
                    claimed += len(batch.recipients)
                    log.info("broadcast %s: %s deliveries claimed", broadcast_id, len(batch.recipients))
                    batches.add(await self._start_batch(batch, token))
                    batches = {task for task in batches if not task.done()}
                    await self.show_progress(broadcast_id)
                    continue
                await asyncio.gather(*batches)
                done = batch is not None and await delivery.finish_if_done(uow, broadcast_id, utcnow())
                await self.show_progress(broadcast_id, final=batch is None or done)
                return claimed
        except asyncio.CancelledError:
            for task in batches:
                task.cancel()
            await asyncio.gather(*batches, return_exceptions=True)
            raise

    async def _start_batch(self, batch: Batch, token: str) -> asyncio.Task:
        """Start every send of the batch (at most `concurrency` in flight for this sender); returns a
        task that ends when they have all ended and their outcomes are written.

        Each row is sent at most once; when stopped, rows never attempted go back to pending and a
        row whose request was under way stays `sending` (later unknown): it may have arrived."""
        outcomes = Outcomes()
        untouched = {recipient.id: recipient for recipient in batch.recipients}
        tasks: list[asyncio.Task] = []

        async def one(recipient: Recipient) -> None:
            try:
                status, error = await self._deliver(batch, recipient)
                outcomes.add(recipient, status, error)
            finally:
                self._in_flight.release()

        try:
            for recipient in batch.recipients:
                await self._in_flight.acquire()
                if not await self._still_running(batch.broadcast.id):
                    self._in_flight.release()
                    break  # paused or cancelled: the rest goes back to pending
                del untouched[recipient.id]
                tasks.append(asyncio.create_task(one(recipient)))
        except asyncio.CancelledError:
            for task in tasks:
                task.cancel()
            await asyncio.shield(self._settle(token, outcomes, list(untouched)))
            raise
        return asyncio.create_task(self._finish_batch(tasks, token, outcomes, list(untouched)))

    async def _still_running(self, broadcast_id: int) -> bool:
        """Whether staff paused or cancelled meanwhile: read at most every STATUS_SECONDS."""
        now = time.monotonic()
        if now - self._status_at >= STATUS_SECONDS:
            self._status_at = now
            self._running = await delivery.is_running(UnitOfWork(self.database), broadcast_id)
        return self._running

    async def _finish_batch(self, tasks: list[asyncio.Task], token: str, outcomes: Outcomes, untouched: list[int]) -> None:
        try:
            await asyncio.gather(*tasks)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.shield(self._settle(token, outcomes, untouched))

    async def _settle(self, token: str, outcomes: Outcomes, untouched: list[int]) -> None:
        self.sent += len(outcomes.rows["sent"])
        await delivery.record(UnitOfWork(self.database), token, outcomes, utcnow())
        await delivery.release(UnitOfWork(self.database), token, untouched)

    def _message(self, batch: Batch, recipient: Recipient) -> Outgoing:
        """The recipient's message; built once per broadcast and language (a coupon line is per recipient)."""
        language = pick_language(recipient.language, None, self.options.default_language)
        coupon = batch.coupons.get(recipient.id)
        if coupon:
            return marketing_message(batch.broadcast, translator(language), show_code(coupon))
        key = (batch.broadcast.id, language)
        if key not in self._templates:
            if len(self._templates) > 64:
                self._templates.clear()
            self._templates[key] = marketing_message(batch.broadcast, translator(language))
        return self._templates[key]

    async def _deliver(self, batch: Batch, recipient: Recipient) -> tuple[str, str | None]:
        """One recipient's message: (status, error)."""
        message = self._message(batch, recipient)
        attempts = limited = 0
        scale = self.options.time_scale
        while True:
            await self.chats.wait(recipient.telegram_id)
            await self.limiter.acquire()
            try:
                answer = await self.api.send(recipient.telegram_id, message)
            except NetworkTrouble as error:
                answer = Answer(False, 0, str(error))
            if answer.ok:
                return "sent", None
            if answer.error_code == 429:
                limited += 1
                if limited > MAX_RATE_LIMITED:
                    return "failed", "rate limited"
                self.limiter.pace.slow_down()
                await self.limiter.pause((answer.retry_after or 1) / scale)
            elif answer.error_code == 403 or any(text in answer.description for text in FINAL_CHAT_ERRORS):
                return "blocked", answer.description
            elif answer.error_code and answer.error_code < 500:
                return "failed", answer.description  # Telegram refused this message: trying again changes nothing
            else:  # 5xx or no answer: transient
                attempts += 1
                if attempts >= self.options.max_attempts:
                    return "failed", answer.description[:200] or "no answer"
                await asyncio.sleep(0.5 * 2 ** attempts / scale)

    async def close(self) -> None:
        await self.api.close()
        await self.bot.session.close()

    async def show_progress(self, broadcast_id: int, final: bool = False) -> None:
        """Edit the composer's progress message: at most every few seconds (any process may, one at
        a time, by a conditional update), never into what it already shows; the final report always."""
        now_mono = time.monotonic()
        every = self.options.progress_every.total_seconds()  # for people's eyes: never time-scaled
        if not final and now_mono - self._progress_checked < every:
            return
        self._progress_checked = now_mono
        uow = UnitOfWork(self.database)
        progress = await delivery.progress(uow, broadcast_id, utcnow())
        broadcast = progress.broadcast if progress else None
        if broadcast is None or broadcast.progress_message_id is None:
            return
        t = translator(broadcast.composer_language)
        text, markup = progress_screen(t, progress)
        throttle = None if final else timedelta(seconds=every)
        if not await delivery.claim_progress(uow, broadcast_id, digest(text, markup), utcnow(), throttle):
            return
        await self.limiter.acquire()
        try:
            await self.bot.edit_message_text(text=text, chat_id=broadcast.composer_id,
                                             message_id=broadcast.progress_message_id, reply_markup=markup)
        except (TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter) as error:
            log.info("progress of broadcast %s not shown: %s", broadcast_id, error)
