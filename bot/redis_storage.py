"""aiogram's Redis FSM storage, closed by the application rather than by aiogram's shutdown."""

from aiogram.fsm.storage.redis import RedisStorage


class SharedRedisStorage(RedisStorage):
    """aiogram closes the storage on shutdown while updates may still be in flight.

    The application calls `dispose()` once they have finished instead.
    """

    async def close(self) -> None:
        return None

    async def dispose(self) -> None:
        await super().close()
