"""Seen update ids, so an update Telegram delivers twice is handled once."""

import asyncio
import contextlib
import logging
from collections import OrderedDict
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Member, ProcessedUpdate, TelegramUser
from models.base import utcnow
from models.db import begin_statements, begin_write, upsert
from services import members

log = logging.getLogger(__name__)

Context = tuple[TelegramUser | None, Member | None]


class UpdateLog:
    """Decides whether an update is new, and remembers it in `processed_updates`.

    PostgreSQL (several bot processes behind a load balancer): the conditional insert decides,
    so a webhook retry that reaches another process is still skipped.
    SQLite (the embedded set-up, one bot process): the decision is made in memory and the ids
    are written behind in small batches; on start the recent ids are loaded back, so updates
    that long polling delivers again after a restart are skipped too. This keeps a database
    write off every update's path (see benchmarks/updates.py).
    """

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], flush_interval: float = 0.2) -> None:
        self._sessions = sessionmaker
        self._in_memory = sessionmaker.kw["bind"].dialect.name == "sqlite"
        self._interval = flush_interval
        self._seen: OrderedDict[int, None] = OrderedDict()
        self._pending: list[int] = []
        self._flusher: asyncio.Task[None] | None = None

    async def start(self, remember: int = 50_000) -> None:
        if not self._in_memory:
            return
        async with self._sessions() as session:
            ids = await session.scalars(
                select(ProcessedUpdate.update_id).order_by(ProcessedUpdate.update_id.desc()).limit(remember)
            )
            for update_id in reversed(list(ids)):
                self._seen[update_id] = None
        self._flusher = asyncio.create_task(self._flush_forever(), name="update-log")

    async def stop(self) -> None:
        if self._flusher is not None:
            self._flusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._flusher
        await self.flush()

    async def claim(self, session: AsyncSession, update_id: int) -> bool:
        if not self._in_memory:
            return await claim_in_database(session, update_id)
        if update_id in self._seen:
            return False
        self._seen[update_id] = None
        if len(self._seen) > 100_000:
            self._seen.popitem(last=False)
        self._pending.append(update_id)
        return True

    async def flush(self) -> None:
        pending, self._pending = self._pending, []
        if not pending:
            return
        now = utcnow()
        async with self._sessions() as session:
            await begin_write(session)
            await session.execute(
                upsert(session, ProcessedUpdate)
                .values([{"update_id": update_id, "created_at": now} for update_id in pending])
                .on_conflict_do_nothing(index_elements=["update_id"])
            )
            await session.commit()

    async def _flush_forever(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            try:
                await self.flush()
            except Exception:  # noqa: BLE001 - keep remembering; the next flush retries
                log.exception("could not write the update log")


async def claim_in_database(session: AsyncSession, update_id: int) -> bool:
    """One conditional insert: of two processes given the same update, one wins."""
    fresh = await session.scalar(
        upsert(session, ProcessedUpdate)
        .values(update_id=update_id, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["update_id"])
        .returning(ProcessedUpdate.update_id)
    )
    await session.commit()
    return fresh is not None


async def load_sender(session: AsyncSession, telegram_id: int) -> Context:
    """Who is writing; a first-time Telegram user gets their row (an idempotent insert)."""
    await begin_statements(session)
    tg_user, member = await members.load_context(session, telegram_id)
    if tg_user is None:
        await session.execute(
            upsert(session, TelegramUser)
            .values(id=telegram_id, created_at=utcnow())
            .on_conflict_do_nothing(index_elements=["id"])
        )
    await session.commit()
    return tg_user, member


async def prune(session: AsyncSession, older_than: timedelta = timedelta(days=2)) -> int:
    await begin_write(session)
    result = await session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.created_at < utcnow() - older_than))
    await session.commit()
    return result.rowcount
