"""Seen update ids, so an update Telegram delivers twice is handled once (delivery plumbing)."""

import asyncio
import contextlib
import logging
from collections import OrderedDict
from dataclasses import dataclass
from datetime import timedelta

from aiogram.types import User

from models.base import utcnow
from models.database import Database
from services import members
from services.members import Sender
from services.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Admission:
    fresh: bool
    sender: Sender | None


def _short(language_code: str | None) -> str | None:
    return language_code[:8] if language_code else None


class UpdateLog:
    """Decides whether an update is new, and remembers it in `processed_updates`.

    PostgreSQL (several bot processes behind a load balancer): the conditional insert decides,
    so a webhook retry that reaches another process is still skipped.
    SQLite (the embedded set-up, one bot process): the decision is made in memory and the ids
    are written behind in small batches; on start the recent ids are loaded back, so updates
    that long polling delivers again after a restart are skipped too. This keeps a database
    write off every update's path (see benchmarks/updates.py).
    """

    def __init__(self, database: Database, flush_interval: float = 0.2) -> None:
        self._database = database
        self._in_memory = database.is_sqlite
        self._interval = flush_interval
        self._seen: OrderedDict[int, None] = OrderedDict()
        self._pending: list[int] = []
        self._flusher: asyncio.Task[None] | None = None

    async def start(self, remember: int = 50_000) -> None:
        if not self._in_memory:
            return
        uow = UnitOfWork(self._database)
        async with uow.read():
            for update_id in await uow.updates.recent(remember):
                self._seen[update_id] = None
        self._flusher = asyncio.create_task(self._flush_forever(), name="update-log")

    async def stop(self) -> None:
        if self._flusher is not None:
            self._flusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._flusher
            self._flusher = None
        await self.flush()

    async def admit(self, uow: UnitOfWork, update_id: int, user: User | None) -> Admission:
        """Is the update new, and who sent it (a first-time user is remembered on the way)."""
        client_language = _short(user.language_code) if user else None
        if not self._in_memory:
            async with uow.write():
                if user is None:
                    fresh, sender = await uow.updates.claim(update_id, utcnow()), None
                else:
                    sender = await uow.updates.admit(update_id, user.id, client_language, utcnow())
                    fresh = sender is not None
                await uow.commit()
            return Admission(fresh, sender)
        if not self._claim_in_memory(update_id):
            return Admission(False, None)
        sender = await members.identify(uow, user.id, client_language) if user else None
        return Admission(True, sender)

    def _claim_in_memory(self, update_id: int) -> bool:
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
        uow = UnitOfWork(self._database)
        async with uow.write():
            await uow.updates.record(pending, utcnow())
            await uow.commit()

    async def _flush_forever(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            try:
                await self.flush()
            except Exception:  # noqa: BLE001 - keep remembering; the next flush retries
                log.exception("could not write the update log")


async def prune(database: Database, older_than: timedelta = timedelta(days=2)) -> int:
    """Ids older than any redelivery are forgotten (housekeeping)."""
    uow = UnitOfWork(database)
    async with uow.write():
        pruned = await uow.updates.prune(utcnow() - older_than)
        await uow.commit()
    return pruned
