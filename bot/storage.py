"""FSM storage in the project's own database, so dialogs survive a restart without Redis."""

from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import (
    BaseStorage,
    DefaultKeyBuilder,
    KeyBuilder,
    StateType,
    StorageKey,
)
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import FsmRecord
from models.db import begin_write, insert_for

_MISSING = object()


class SqlStorage(BaseStorage):
    """One row per FSM key; a row whose state and data are both empty is removed.

    Writes go to the database at once; reads are served from a bounded write-through cache,
    which is correct because this storage serves one bot process (the embedded set-up).
    Several processes share dialogs through Redis (`REDIS_URL`) instead.
    """

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        key_builder: KeyBuilder | None = None,
        cache_size: int = 10_000,
    ) -> None:
        self._sessions = sessionmaker
        self._keys = key_builder or DefaultKeyBuilder(with_destiny=True)
        self._insert = insert_for(sessionmaker.kw["bind"].dialect.name)
        self._cache: OrderedDict[str, tuple[str | None, dict[str, Any]]] = OrderedDict()
        self._cache_size = cache_size

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        record_key = self._keys.build(key)
        current = await self._load(record_key)
        if current[0] != value:
            await self._upsert(record_key, {"state": value}, (value, current[1]))

    async def get_state(self, key: StorageKey) -> str | None:
        return (await self._load(self._keys.build(key)))[0]

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        record_key = self._keys.build(key)
        current = await self._load(record_key)
        if current[1] != dict(data):
            await self._upsert(record_key, {"data": dict(data)}, (current[0], dict(data)))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        return dict((await self._load(self._keys.build(key)))[1])

    async def close(self) -> None:
        """The engine belongs to the application, which disposes it."""
        self._cache.clear()

    async def _load(self, key: str) -> tuple[str | None, dict[str, Any]]:
        cached = self._cache.get(key, _MISSING)
        if cached is not _MISSING:
            self._cache.move_to_end(key)
            return cached  # type: ignore[return-value]
        async with self._sessions() as session:
            row = (await session.execute(select(FsmRecord.state, FsmRecord.data).where(FsmRecord.key == key))).first()
        value = (row[0], dict(row[1] or {})) if row else (None, {})
        self._remember(key, value)
        return value

    def _remember(self, key: str, value: tuple[str | None, dict[str, Any]]) -> None:
        self._cache[key] = value
        self._cache.move_to_end(key)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)

    async def _upsert(self, key: str, values: dict[str, Any], new: tuple[str | None, dict[str, Any]]) -> None:
        row = {"key": key, "state": None, "data": {}} | values
        statement = self._insert(FsmRecord).values(**row)
        statement = statement.on_conflict_do_update(index_elements=["key"], set_=values)
        self._cache.pop(key, None)  # a failed write must not leave a cached value behind
        async with self._sessions() as session:
            await begin_write(session)
            if new == (None, {}):
                await session.execute(delete(FsmRecord).where(FsmRecord.key == key))
            else:
                await session.execute(statement)
            await session.commit()
        self._remember(key, new)
