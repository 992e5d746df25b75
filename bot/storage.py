"""FSM storage in the project's own database, so dialogs survive a restart without Redis."""

from collections import OrderedDict
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import (
    BaseStorage,
    DefaultKeyBuilder,
    KeyBuilder,
    StateType,
    StorageKey,
)

from models.database import Database
from services.unit_of_work import UnitOfWork

Record = tuple[str | None, dict[str, Any]]
_MISSING = object()
# Writes of the update being handled, saved together when it is done (see SqlStorage.batch).
_PENDING: ContextVar[dict[str, Record] | None] = ContextVar("fsm_pending", default=None)


class SqlStorage(BaseStorage):
    """One row per FSM key; a row whose state and data are both empty is removed.

    Reads are served from a bounded write-through cache, which is correct because this storage
    serves one bot process (the embedded set-up); several processes share dialogs through Redis
    (`REDIS_URL`) instead. Inside `batch()` (one update), a dialog step's `set_state` and
    `set_data` calls become one database write when the update is done.
    """

    def __init__(self, database: Database, key_builder: KeyBuilder | None = None, cache_size: int = 10_000) -> None:
        self._database = database
        self._keys = key_builder or DefaultKeyBuilder(with_destiny=True)
        self._cache: OrderedDict[str, Record] = OrderedDict()
        self._cache_size = cache_size

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        record_key = self._keys.build(key)
        current = await self._load(record_key)
        if current[0] != value:
            await self._save(record_key, (value, current[1]))

    async def get_state(self, key: StorageKey) -> str | None:
        return (await self._load(self._keys.build(key)))[0]

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        record_key = self._keys.build(key)
        current = await self._load(record_key)
        if current[1] != dict(data):
            await self._save(record_key, (current[0], dict(data)))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        return dict((await self._load(self._keys.build(key)))[1])

    @asynccontextmanager
    async def batch(self) -> AsyncIterator[None]:
        """Collect this update's writes and save each changed key once at the end."""
        pending: dict[str, Record] = {}
        token = _PENDING.set(pending)
        try:
            yield
        finally:
            _PENDING.reset(token)
            if pending:
                await self._write(pending)

    async def close(self) -> None:
        """Nothing to close: the database belongs to the application (aiogram calls this on shutdown)."""

    async def dispose(self) -> None:
        self._cache.clear()

    async def _load(self, key: str) -> Record:
        cached = self._cache.get(key, _MISSING)
        if cached is not _MISSING:
            self._cache.move_to_end(key)
            return cached  # type: ignore[return-value]
        uow = UnitOfWork(self._database)
        async with uow.read():
            value = await uow.fsm.load(key)
        self._remember(key, value)
        return value

    def _remember(self, key: str, value: Record) -> None:
        self._cache[key] = value
        self._cache.move_to_end(key)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)

    async def _save(self, key: str, record: Record) -> None:
        pending = _PENDING.get()
        if pending is None:
            await self._write({key: record})
            return
        pending[key] = record
        self._remember(key, record)

    async def _write(self, records: dict[str, Record]) -> None:
        for key in records:
            self._cache.pop(key, None)  # a failed write must not leave a cached value behind
        uow = UnitOfWork(self._database)
        async with uow.write():
            for key, record in records.items():
                await uow.fsm.save(key, *record)
            await uow.commit()
        for key, record in records.items():
            self._remember(key, record)
