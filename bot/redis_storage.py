"""aiogram's Redis FSM storage on the application's Redis client, which the application closes."""

from aiogram.fsm.storage.redis import RedisStorage


class SharedRedisStorage(RedisStorage):
    """The Redis client is shared (dialogs, flood control, locks) and outlives aiogram's shutdown.

    aiogram closes the storage on shutdown while updates may still be in flight; the application
    closes the client itself once they have finished (BotApp.stop).
    """

    async def close(self) -> None:
        return None

    async def dispose(self) -> None:
        return None
