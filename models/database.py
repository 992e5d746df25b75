"""The application's database: engine, sessions, and SQLite's single writer slot."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.util import await_only

# Execution option of a write transaction: SQLite takes its write lock at BEGIN.
IMMEDIATE = "member_bot_begin_immediate"
# Execution option of independent statements: on SQLite no BEGIN, each statement is atomic.
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


class Database:
    """One per process: the engine, its session factory and, on SQLite, the writer queue.

    SQLite allows one writer at a time. Writers of this process queue on an asyncio lock
    *before* they take a connection (fair, no sleeping in SQLite's busy handler, and no pooled
    connection held while waiting); other processes are kept out by BEGIN IMMEDIATE.
    """

    def __init__(self, url: str, **engine_options: Any) -> None:
        self.url = url
        self.engine = create_engine(url, **engine_options)
        self.dialect = self.engine.dialect.name
        self.is_sqlite = self.dialect == "sqlite"
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False, autoflush=False)
        self._writer = asyncio.Lock() if self.is_sqlite else None

    @asynccontextmanager
    async def writer_slot(self, write: bool) -> AsyncIterator[None]:
        """SQLite: writers of this process take turns here, before they take a pooled connection."""
        if write and self._writer is not None:
            async with self._writer:
                yield
        else:
            yield

    async def begin(self, session: AsyncSession, *, write: bool, snapshot: bool = True) -> None:
        """Start the session's transaction the right way for what it will do.

        `write`: SQLite takes its lock at BEGIN (IMMEDIATE). A read is one snapshot, or with
        `snapshot=False` (independent single statements) no BEGIN at all on SQLite.
        """
        if self.is_sqlite and (write or not snapshot):
            await session.connection(execution_options={IMMEDIATE: True} if write else {STATEMENTS: True})

    @asynccontextmanager
    async def session(self, *, write: bool, snapshot: bool = True) -> AsyncIterator[AsyncSession]:
        """A session of its own, begun for `write` or reading (for tools and tests)."""
        async with self.writer_slot(write):
            async with self.sessionmaker() as session:
                await self.begin(session, write=write, snapshot=snapshot)
                yield session

    def insert(self, table: Any) -> Any:
        """An INSERT that supports ON CONFLICT (SQLite and PostgreSQL both have it)."""
        return insert_for(self.dialect)(table)

    async def dispose(self) -> None:
        await self.engine.dispose()


def insert_for(dialect: str) -> Any:
    return pg_insert if dialect == "postgresql" else sqlite_insert
