"""Engine and session factory for SQLite (embedded) and PostgreSQL."""

import asyncio
import weakref
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.util import await_only
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session, SessionTransaction

# Execution option a write use case sets so SQLite takes its write lock at BEGIN.
IMMEDIATE = "member_bot_begin_immediate"
# Execution option for single-statement work on SQLite: no BEGIN, each statement is atomic.
STATEMENTS = "member_bot_autocommit_statements"


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    if not is_sqlite(url):
        # No pre-ping: it costs three round trips per checkout (see benchmarks/ledger.py);
        # connections are recycled instead, and a connection lost to a server restart fails
        # one update, whose user gets the generic "try again" answer.
        kwargs.setdefault("pool_recycle", 1800)
        return create_async_engine(url, **kwargs)
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    kwargs.setdefault("connect_args", {"timeout": 30})
    # Sessions always end their transaction themselves; the pool's extra ROLLBACK would be
    # one more trip to aiosqlite's thread for every session.
    kwargs.setdefault("pool_reset_on_return", None)
    engine = create_async_engine(url, **kwargs)
    _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: AsyncEngine) -> None:
    """WAL for concurrent readers; our own BEGIN so writers can ask for BEGIN IMMEDIATE.

    A deferred transaction that reads and then writes fails at once with SQLITE_BUSY when
    another writer committed meanwhile; taking the lock up front makes writers queue instead.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        options = conn.get_execution_options()
        if options.get(STATEMENTS):
            return
        # Straight to aiosqlite: skips SQLAlchemy's statement machinery on every transaction.
        driver = conn.connection.driver_connection
        await_only(driver.execute("BEGIN IMMEDIATE" if options.get(IMMEDIATE) else "BEGIN"))


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


async def begin_write(session: AsyncSession) -> None:
    """Open the write transaction of one use case.

    Ends the read-only transaction the update may have started (so SQLite's snapshot is
    fresh) and, on SQLite, queues for the single writer slot: in-process on an asyncio lock
    (fair, no sleeping), across processes with BEGIN IMMEDIATE and the busy timeout. The slot
    is released when the transaction ends (commit, rollback or close). PostgreSQL needs none of it.
    """
    if session.in_transaction():
        await session.commit()
    engine = session.bind
    if engine.dialect.name != "sqlite":
        return
    lock = _WRITE_LOCKS.setdefault(engine.sync_engine, asyncio.Lock())
    await lock.acquire()
    session.sync_session.info[_HELD] = lock
    try:
        await session.connection(execution_options={IMMEDIATE: True})
    except BaseException:
        _release(session.sync_session)
        raise


async def begin_statements(session: AsyncSession) -> None:
    """Run the next statements each on its own (SQLite autocommit) until the next commit.

    For hot paths made of independent atomic statements (the per-update bookkeeping): no
    transaction round trips and no wait for the writer slot. On PostgreSQL a normal transaction.
    """
    if session.in_transaction():
        await session.commit()
    if session.bind.dialect.name == "sqlite":
        await session.connection(execution_options={STATEMENTS: True})


_HELD = "member_bot_write_lock"
_WRITE_LOCKS: "weakref.WeakKeyDictionary[Engine, asyncio.Lock]" = weakref.WeakKeyDictionary()


def _release(session: Session) -> None:
    lock = session.info.pop(_HELD, None)
    if lock is not None:
        lock.release()


@event.listens_for(Session, "after_transaction_end")
def _release_write_lock(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        _release(session)


def upsert(session: AsyncSession, table: Any) -> Any:
    """A dialect-specific INSERT that supports ON CONFLICT (both SQLite and PostgreSQL have it)."""
    return insert_for(session.bind.dialect.name)(table)


def insert_for(dialect: str) -> Any:
    from sqlalchemy.dialects.postgresql import insert as pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return pg_insert if dialect == "postgresql" else sqlite_insert
