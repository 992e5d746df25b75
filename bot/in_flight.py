"""The dispatcher of the application: it counts the updates it is handling, so shutdown can wait."""

import asyncio
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.types import Update


class InFlight:
    """Updates being handled, so shutdown can let them finish before Redis and the database go."""

    def __init__(self) -> None:
        self._count = 0
        self._idle = asyncio.Event()
        self._idle.set()

    def enter(self) -> None:
        self._count += 1
        self._idle.clear()

    def leave(self) -> None:
        self._count -= 1
        if self._count == 0:
            self._idle.set()

    async def wait_idle(self) -> None:
        await self._idle.wait()


class TrackingDispatcher(Dispatcher):
    """`feed_update` is where polling and webhooks hand over every update: the whole of its handling,
    FSM locks included, is counted as in flight."""

    def __init__(self, *, in_flight: InFlight, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.in_flight = in_flight

    async def feed_update(self, bot: Bot, update: Update, **kwargs: Any) -> Any:
        self.in_flight.enter()
        try:
            return await super().feed_update(bot, update, **kwargs)
        finally:
            self.in_flight.leave()
