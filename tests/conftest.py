"""Shared fixtures: databases (SQLite and PostgreSQL), the fake Telegram, the running bot."""

import itertools
import os
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from models.db import create_engine, create_sessionmaker
from models.migrate import upgrade_to_head

# CI sets this so a missing PostgreSQL or Redis fails the run instead of skipping tests.
REQUIRE_SERVICES = os.environ.get("MEMBER_BOT_REQUIRE_SERVICES") == "1"
POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
REDIS_TEST_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

_ids = itertools.count(1)


def unique(prefix: str = "u") -> str:
    """A short unique name, so tests sharing one database never collide."""
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def next_telegram_id() -> int:
    return 7_000_000 + next(_ids) * 17 + os.getpid() % 1000 * 100_000


def service_unavailable(what: str, error: BaseException) -> None:
    message = f"{what} is not reachable: {error!r}"
    if REQUIRE_SERVICES:
        pytest.fail(message + " (MEMBER_BOT_REQUIRE_SERVICES=1)")
    pytest.skip(message)


async def _create_postgres_database() -> tuple[str, Callable]:
    import asyncpg

    admin = make_url(POSTGRES_ADMIN_URL)
    name = f"memberbot_test_{uuid.uuid4().hex[:8]}"
    dsn = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn, timeout=5)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()

    async def drop() -> None:
        connection = await asyncpg.connect(dsn, timeout=5)
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await connection.close()

    return admin.set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
async def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    """Every service test runs on both databases."""
    if request.param == "sqlite":
        path = Path(tmp_path_factory.mktemp("db")) / "service.sqlite3"
        yield f"sqlite+aiosqlite:///{path}"
        return
    try:
        url, drop = await _create_postgres_database()
    except Exception as error:  # noqa: BLE001 - any connection failure means "not available"
        service_unavailable("PostgreSQL", error)
    yield url
    await drop()


@pytest.fixture(scope="session")
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(db_url)
    await upgrade_to_head(engine)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engine)


@pytest.fixture
async def session(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with sessionmaker() as session:
        yield session
