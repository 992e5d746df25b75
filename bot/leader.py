"""One leader across the bot's processes: it alone runs the background jobs and sets the webhook.

A lease in Redis (SET NX with a TTL, renewed at a third of it) when REDIS_URL is set; else a
PostgreSQL session advisory lock held on a dedicated connection; else (SQLite, one process) the
process leads alone. A leader that cannot renew steps down; a follower retries at the renewal
interval, so a lost leader (crash, stop, network) is replaced within about one TTL.
"""

import asyncio
import logging
import uuid
import zlib
from collections.abc import Awaitable, Callable
from typing import Protocol

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)
Callback = Callable[[], Awaitable[None]]


class LeaderLock(Protocol):
    async def acquire(self) -> bool: ...
    async def renew(self) -> bool: ...
    async def release(self) -> None: ...


class LocalLock:
    """A single process is always its own leader."""

    async def acquire(self) -> bool:
        return True

    async def renew(self) -> bool:
        return True

    async def release(self) -> None:
        return None


_RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0"
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"


class RedisLock:
    """A lease: the key holds this process's token and expires unless renewed."""

    def __init__(self, url: str, key: str, ttl: float) -> None:
        from redis.asyncio import Redis

        self.redis = Redis.from_url(url, socket_timeout=max(ttl / 3, 1))
        self.key, self.ttl_ms, self.token = key, int(ttl * 1000), uuid.uuid4().hex

    async def acquire(self) -> bool:
        return bool(await self.redis.set(self.key, self.token, nx=True, px=self.ttl_ms))

    async def renew(self) -> bool:
        return bool(await self.redis.eval(_RENEW, 1, self.key, self.token, self.ttl_ms))

    async def release(self) -> None:
        try:
            await self.redis.eval(_RELEASE, 1, self.key, self.token)
        finally:
            await self.redis.aclose()


class PostgresLock:
    """A session advisory lock on its own autocommit connection: it goes when the connection goes."""

    def __init__(self, engine: AsyncEngine, key: str) -> None:
        self.engine, self.key = engine, zlib.crc32(key.encode())
        self.connection: AsyncConnection | None = None

    async def acquire(self) -> bool:
        if self.connection is None:
            self.connection = await self.engine.connect()
            await self.connection.execution_options(isolation_level="AUTOCOMMIT")
        try:
            return bool(await self.connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}))
        except Exception:
            await self._drop()
            raise

    async def renew(self) -> bool:
        """Still held: the connection is alive and PostgreSQL lists the lock as ours."""
        if self.connection is None:
            return False
        query = text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() "
                     "AND classid = 0 AND CAST(objid AS bigint) = :key AND objsubid = 1 AND granted")
        try:
            return bool(await self.connection.scalar(query, {"key": self.key}))
        except Exception:
            await self._drop()
            raise

    async def release(self) -> None:
        if self.connection is not None:
            try:
                await self.connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
            finally:
                await self._drop()

    async def _drop(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            try:
                await connection.invalidate()
            except Exception:  # noqa: BLE001 - the connection is broken anyway
                log.debug("closing the leader connection failed", exc_info=True)


def create_lock(redis_url: str | None, engine: AsyncEngine, key: str, ttl: float) -> LeaderLock:
    if redis_url:
        return RedisLock(redis_url, key, ttl)
    if engine.dialect.name == "postgresql":
        return PostgresLock(engine, key)
    return LocalLock()


class Leadership:
    """Calls `on_elected` when this process becomes the leader and `on_lost` when it stops being it."""

    def __init__(self, lock: LeaderLock, on_elected: Callback, on_lost: Callback, ttl: float) -> None:
        self.lock, self.on_elected, self.on_lost, self.interval = lock, on_elected, on_lost, ttl / 3
        self.is_leader = False
        self._task: asyncio.Task | None = None

    async def start(self) -> None:
        """The first attempt runs now (a single process leads as soon as it has started)."""
        if await self.lock.acquire():
            self.is_leader = True
            await self.on_elected()
        self._task = asyncio.create_task(self._run(), name="leadership")

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            await self.tick()

    async def tick(self) -> None:
        try:
            held = await (self.lock.renew() if self.is_leader else self.lock.acquire())
        except Exception:  # noqa: BLE001 - an unreachable lock store means not leading
            log.warning("leader lock check failed", exc_info=True)
            held = False
        try:
            if held and not self.is_leader:
                self.is_leader = True
                log.info("this process is now the leader")
                await self.on_elected()
            elif not held and self.is_leader:
                self.is_leader = False
                log.warning("this process lost the leadership")
                await self.on_lost()
        except Exception:  # noqa: BLE001 - keep trying on the next tick
            log.exception("leadership change failed")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        if self.is_leader:
            self.is_leader = False
            await self.on_lost()
        try:
            await self.lock.release()
        except Exception:  # noqa: BLE001 - the lease expires on its own
            log.warning("releasing the leader lock failed", exc_info=True)
