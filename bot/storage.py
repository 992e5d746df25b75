"""FSM storage in the project's own database, so dialogs survive a restart without Redis."""

from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, KeyBuilder, StateType, StorageKey
from sqlalchemy import String, cast, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import FsmRecord


class SqlStorage(BaseStorage):
    """One row per FSM key; a row whose state and data are both empty is removed."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], key_builder: KeyBuilder | None = None) -> None:
        self._sessions = sessionmaker
        self._keys = key_builder or DefaultKeyBuilder(with_destiny=True)
        dialect = sessionmaker.kw["bind"].dialect.name
        self._insert = pg_insert if dialect == "postgresql" else sqlite_insert

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._upsert(self._keys.build(key), {"state": value})

    async def get_state(self, key: StorageKey) -> str | None:
        async with self._sessions() as session:
            return await session.scalar(select(FsmRecord.state).where(FsmRecord.key == self._keys.build(key)))

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._upsert(self._keys.build(key), {"data": dict(data)})

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        async with self._sessions() as session:
            data = await session.scalar(select(FsmRecord.data).where(FsmRecord.key == self._keys.build(key)))
        return dict(data or {})

    async def close(self) -> None:
        """The engine belongs to the application, which disposes it."""

    async def _upsert(self, key: str, values: dict[str, Any]) -> None:
        row = {"key": key, "state": None, "data": {}} | values
        statement = self._insert(FsmRecord).values(**row)
        statement = statement.on_conflict_do_update(index_elements=["key"], set_=values)
        async with self._sessions.begin() as session:
            await session.execute(statement)
            await session.execute(
                delete(FsmRecord).where(FsmRecord.key == key, FsmRecord.state.is_(None), cast(FsmRecord.data, String) == "{}")
            )
