"""Bot runtime state: seen update ids and FSM dialogs."""

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.database import insert_for
from models.runtime import FsmRecord, ProcessedUpdate


class UpdateLogRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._insert = insert_for(session.bind.dialect.name)

    async def claim(self, update_id: int, now: datetime) -> bool:
        """One conditional insert: of two processes given the same update, one wins."""
        fresh = await self.session.scalar(
            self._insert(ProcessedUpdate)
            .values(update_id=update_id, created_at=now)
            .on_conflict_do_nothing(index_elements=["update_id"])
            .returning(ProcessedUpdate.update_id)
        )
        return fresh is not None

    async def record(self, update_ids: list[int], now: datetime) -> None:
        await self.session.execute(
            self._insert(ProcessedUpdate)
            .values([{"update_id": update_id, "created_at": now} for update_id in update_ids])
            .on_conflict_do_nothing(index_elements=["update_id"])
        )

    async def recent(self, limit: int) -> list[int]:
        """The newest ids, oldest first."""
        ids = await self.session.scalars(
            select(ProcessedUpdate.update_id).order_by(ProcessedUpdate.update_id.desc()).limit(limit)
        )
        return list(reversed(list(ids)))

    async def prune(self, before: datetime) -> int:
        result = await self.session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.created_at < before))
        return result.rowcount


class FsmRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._insert = insert_for(session.bind.dialect.name)

    async def load(self, key: str) -> tuple[str | None, dict[str, Any]]:
        row = (await self.session.execute(select(FsmRecord.state, FsmRecord.data).where(FsmRecord.key == key))).first()
        return (row[0], dict(row[1] or {})) if row else (None, {})

    async def save(self, key: str, state: str | None, data: dict[str, Any]) -> None:
        """Upsert the record; an empty one (no state, no data) is removed instead."""
        if state is None and not data:
            await self.session.execute(delete(FsmRecord).where(FsmRecord.key == key))
            return
        await self.session.execute(
            self._insert(FsmRecord)
            .values(key=key, state=state, data=data)
            .on_conflict_do_update(index_elements=["key"], set_={"state": state, "data": data})
        )
