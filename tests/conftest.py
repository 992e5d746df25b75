"""Shared fixtures: databases (SQLite and PostgreSQL), the fake Telegram, the running bot."""

import itertools
import os
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from models.database import Database
from models.migrate import upgrade_to_head
from services.unit_of_work import UnitOfWork

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


@asynccontextmanager
async def own_database(kind: str, directory: Path) -> AsyncIterator[Database]:
    """A migrated database for one module alone (SQLite file or a throwaway PostgreSQL database).

    For modules whose use cases read every row (segments, automations, stats): the shared
    session databases hold other modules' members.
    """
    from models.migrate import upgrade_to_head

    drop = None
    if kind == "sqlite":
        url = f"sqlite+aiosqlite:///{directory / 'own.sqlite3'}"
    else:
        try:
            url, drop = await _create_postgres_database()
        except Exception as error:  # noqa: BLE001 - any connection failure means "not available"
            service_unavailable("PostgreSQL", error)
    database = Database(url)
    await upgrade_to_head(database.engine)
    try:
        yield database
    finally:
        await database.dispose()
        if drop is not None:
            await drop()


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
async def database(db_url: str) -> AsyncIterator[Database]:
    database = Database(db_url)
    await upgrade_to_head(database.engine)
    yield database
    await database.dispose()


@pytest.fixture(scope="session")
def engine(database: Database) -> AsyncEngine:
    return database.engine


@pytest.fixture
def uow(database: Database) -> UnitOfWork:
    """What a use case receives; each concurrent task needs its own (`UnitOfWork(database)`)."""
    return UnitOfWork(database)


class Probe:
    """What tests read and tamper with directly, each call on a fresh session (the latest commit)."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def scalar(self, query: Any) -> Any:
        async with self.database.sessionmaker() as session:
            return await session.scalar(query)

    async def scalars(self, query: Any) -> list[Any]:
        async with self.database.sessionmaker() as session:
            return list(await session.scalars(query))

    async def rows(self, query: Any) -> list[tuple]:
        async with self.database.sessionmaker() as session:
            return [tuple(row) for row in await session.execute(query)]

    async def write(self, *statements: Any) -> Any:
        """Runs the statements in one write transaction; returns the last one's first scalar, if any."""
        async with self.database.session(write=True) as session:
            result = None
            for statement in statements:
                result = await session.execute(statement)
            value = result.scalar() if result is not None and result.returns_rows else None
            await session.commit()
        return value


@pytest.fixture
def probe(database: Database) -> Probe:
    return Probe(database)


# --- the running bot against the fake Telegram --------------------------------------------------

TEST_TOKEN = "123456:TEST-member-bot"
OWNER_ID = 4_242


class BotEnv:
    """The emulator and the real bot application on a fresh SQLite database (one per module)."""

    def __init__(self, emulator: "TelegramEmulator", settings: "Settings") -> None:
        self.emulator = emulator
        self.settings = settings
        self.app: BotApp | None = None
        self.database = Database(settings.database_url)
        self.sessionmaker = self.database.sessionmaker  # for reading what the bot stored
        self.probe = Probe(self.database)

    def uow(self) -> UnitOfWork:
        """For setting things up through the services, as the bot itself would."""
        return UnitOfWork(self.database)

    async def start(self) -> None:
        self.app = BotApp(self.settings)
        await self.app.start()

    async def stop(self) -> None:
        if self.app is not None:
            await self.app.stop()
            self.app = None

    async def restart(self) -> None:
        """Stop the bot process state entirely and start a new one on the same database."""
        await self.stop()
        await self.start()

    def new_user(self, language_code: str = "zh-hans", first_name: str = "Tester") -> "SimUser":
        return self.emulator.user(
            user_id=next_telegram_id(), first_name=first_name, language_code=language_code, username=unique("tg")
        )

    async def make_member(self, user: "SimUser", password: str = "pass-word-1") -> int:
        """A registered member bound to this user, made through the services (fast set-up)."""
        from services import accounts

        name = unique("m")
        uow = UnitOfWork(self.database)
        member = await accounts.create_account(uow, name, password, f"{name}@example.com", None, rounds=4)
        await accounts.login(uow, name, password, user.id)
        user.open_chat()
        user.member_id = member.id
        user.member_username = name
        return member.id


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
async def bot_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    """The end-to-end journeys run on both databases, each module's bot on a fresh one.

    A module may set BOT_DATABASES = ("sqlite",) when what it proves does not depend on the database.
    """
    if request.param not in getattr(request.module, "BOT_DATABASES", ("sqlite", "postgresql")):
        pytest.skip(f"this module runs on {', '.join(request.module.BOT_DATABASES)} only")
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{Path(tmp_path_factory.mktemp('bot')) / 'bot.sqlite3'}"
        return
    try:
        url, drop = await _create_postgres_database()
    except Exception as error:  # noqa: BLE001 - any connection failure means "not available"
        service_unavailable("PostgreSQL", error)
    yield url
    await drop()


@pytest.fixture(scope="module")
async def bot_env(request: pytest.FixtureRequest, bot_url: str) -> AsyncIterator[BotEnv]:
    """Modules may set BOT_SETTINGS = {...} to change settings for their bot."""
    from bot.config import Settings
    from sandbox.emulator import TelegramEmulator

    overrides = getattr(request.module, "BOT_SETTINGS", {})
    if overrides.get("redis_url"):
        await _require_redis(overrides["redis_url"])
    emulator = TelegramEmulator(token=TEST_TOKEN, validate=True)
    await emulator.start(host="127.0.0.1", port=0)
    values = {
        "bot_token": TEST_TOKEN,
        "telegram_api_base": emulator.api_base,
        "database_url": bot_url,
        "bcrypt_rounds": 4,
        "owner_ids": [OWNER_ID],
        "redis_url": None,
        "webhook_url": None,
        # Simulated users type faster than people; tests of flood control set their own limits.
        "flood_burst": 10_000,
        # Bots of concurrent test runs on one Redis must not compete for one leader lease.
        "leader_key": unique("leader"),
    }
    values.update(overrides)
    env = BotEnv(emulator, Settings(_env_file=None, **values))
    await env.start()
    yield env
    await env.stop()
    await env.database.dispose()
    await emulator.stop()


@pytest.fixture
async def user(bot_env: BotEnv) -> AsyncIterator["SimUser"]:
    """A Telegram user who never saw the bot; the test fails if the bot made a bad API call."""
    yield bot_env.new_user()
    _assert_no_api_errors(bot_env)


@pytest.fixture
async def member(bot_env: BotEnv) -> AsyncIterator["SimUser"]:
    """A Telegram user bound to a registered member (`.member_id`)."""
    sim = bot_env.new_user()
    await bot_env.make_member(sim)
    yield sim
    _assert_no_api_errors(bot_env)


async def _require_redis(url: str) -> None:
    from redis.asyncio import Redis

    client = Redis.from_url(url, socket_connect_timeout=2)
    try:
        await client.ping()
    except Exception as error:  # noqa: BLE001 - any failure means "not available"
        service_unavailable("Redis", error)
    finally:
        await client.aclose()


def _assert_no_api_errors(env: BotEnv) -> None:
    errors = [f"{record.method}: {record.error}" for record in env.emulator.errors]
    env.emulator.clear_errors()
    assert not errors, "the bot made Bot API calls that Telegram would reject:\n" + "\n".join(errors)


from bot.app import BotApp  # noqa: E402 - after the helpers, which the bot does not need
