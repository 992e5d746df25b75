"""Seen update ids, so an update Telegram delivers twice is handled once."""

from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from models import ProcessedUpdate, TelegramUser
from models.base import utcnow
from models.db import begin_write


def _insert(session: AsyncSession):  # noqa: ANN202 - dialect-specific Insert factory
    return pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert


async def claim(session: AsyncSession, update_id: int, new_telegram_id: int | None = None) -> bool:
    """Record the update (and a first-time Telegram user); False when it was seen before."""
    insert = _insert(session)
    now = utcnow()
    await begin_write(session)
    fresh = await session.scalar(
        insert(ProcessedUpdate)
        .values(update_id=update_id, created_at=now)
        .on_conflict_do_nothing(index_elements=["update_id"])
        .returning(ProcessedUpdate.update_id)
    )
    if fresh is not None and new_telegram_id is not None:
        await session.execute(
            insert(TelegramUser)
            .values(id=new_telegram_id, created_at=now)
            .on_conflict_do_nothing(index_elements=["id"])
        )
    await session.commit()
    return fresh is not None


async def prune(session: AsyncSession, older_than: timedelta = timedelta(days=2)) -> int:
    await begin_write(session)
    result = await session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.created_at < utcnow() - older_than))
    await session.commit()
    return result.rowcount
