"""Bot runtime state: seen update ids and FSM dialogs."""

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, exists, literal, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from models.database import insert_for
from models.members import Member, TelegramUser
from models.repositories.members import SENDER_COLUMNS, Sender, sender_from
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

    async def admit(self, update_id: int, telegram_id: int, client_language: str | None, now: datetime) -> Sender | None:
        """PostgreSQL: claim the update, remember a first-time user and load the sender, in one statement.

        No row back means the update was claimed before. The main SELECT cannot see a row the
        same statement inserts, so a first-time user reads as a sender with no language and no member.
        """
        insert = insert_for("postgresql")
        claimed = (
            insert(ProcessedUpdate).values(update_id=update_id, created_at=now)
            .on_conflict_do_nothing(index_elements=["update_id"]).returning(ProcessedUpdate.update_id).cte("claimed")
        )
        user_id = bindparam("p_user", telegram_id, type_=TelegramUser.id.type)
        remembered = (
            insert(TelegramUser)
            .from_select(["id", "client_language", "created_at"],
                         select(user_id, literal(client_language, TelegramUser.client_language.type),
                                literal(now, TelegramUser.created_at.type))
                         .where(exists(select(claimed.c.update_id))))
            .on_conflict_do_nothing(index_elements=["id"]).returning(TelegramUser.id).cte("remembered")
        )
        statement = (
            select(*SENDER_COLUMNS)
            .select_from(claimed)
            .outerjoin(remembered, true())
            .outerjoin(TelegramUser, TelegramUser.id == user_id)
            .outerjoin(Member, Member.telegram_id == TelegramUser.id)
        )
        row = (await self.session.execute(statement)).first()
        return sender_from(row) if row is not None else None

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
