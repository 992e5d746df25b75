"""Telegram's sending limits for broadcasts: a global rate shared by every sender, and 1/s per chat.

The global limiter hands out evenly spaced slots (one every 1/rate seconds, reserved in order),
so no 1-second window holds more than `rate` sends, however many senders share it. In one
process the slots live in memory; with Redis a Lua script reserves them on the server's clock,
so several worker processes together keep one rate. A 429 pushes every sender's next slot past
its retry_after (`pause`), and the sender that saw it also slows down for a while.
"""

import asyncio
import time
from collections import OrderedDict
from typing import Protocol

from redis.asyncio import Redis

MIN_RATE = 1.0
SLOWDOWN = 0.8  # rate factor after a 429
RECOVERY_SECONDS = 30.0  # back to the full rate after this long without a 429


class GlobalLimiter(Protocol):
    pace: "Pace"

    async def acquire(self) -> None: ...
    async def pause(self, seconds: float) -> None: ...


class ChatPacer(Protocol):
    async def wait(self, chat_id: int) -> None: ...


class Pace:
    """The rate a sender asks for: the configured rate, lowered after a 429, recovering with time."""

    def __init__(self, rate: float) -> None:
        self.full = rate
        self.rate = rate
        self._slowed_at = 0.0

    def slow_down(self) -> None:
        self.rate = max(self.rate * SLOWDOWN, MIN_RATE)
        self._slowed_at = time.monotonic()

    @property
    def interval(self) -> float:
        if self.rate < self.full and time.monotonic() - self._slowed_at > RECOVERY_SECONDS:
            self.rate = min(self.rate / SLOWDOWN, self.full)
            self._slowed_at = time.monotonic()
        return 1.0 / self.rate


class LocalLimiter:
    """Evenly spaced slots in this process (no Redis)."""

    def __init__(self, pace: Pace) -> None:
        self.pace = pace
        self._next = 0.0

    async def acquire(self) -> None:
        now = time.monotonic()
        slot = max(self._next, now)
        self._next = slot + self.pace.interval
        if slot > now:
            await asyncio.sleep(slot - now)

    async def pause(self, seconds: float) -> None:
        self._next = max(self._next, time.monotonic() + seconds)


# KEYS[1]: the next free slot (µs, the server's clock); ARGV[1]: interval µs. Returns the wait in µs.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(nxt, now)
redis.call('SET', KEYS[1], tostring(slot + tonumber(ARGV[1])), 'PX', 600000)
return slot - now
"""
# ARGV[1]: pause µs: nobody's next slot comes before now + pause.
_PAUSE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
redis.call('SET', KEYS[1], tostring(math.max(nxt, now + tonumber(ARGV[1]))), 'PX', 600000)
return 0
"""


class RedisLimiter:
    """The same slots, reserved in Redis: every worker process shares one global rate."""

    def __init__(self, redis: Redis, key: str, pace: Pace) -> None:
        self.redis = redis
        self.key = key
        self.pace = pace
        self._reserve = redis.register_script(_RESERVE)
        self._pause = redis.register_script(_PAUSE)

    async def acquire(self) -> None:
        wait = int(await self._reserve(keys=[self.key], args=[int(self.pace.interval * 1_000_000)]))
        if wait > 0:
            await asyncio.sleep(wait / 1_000_000)

    async def pause(self, seconds: float) -> None:
        await self._pause(keys=[self.key], args=[int(seconds * 1_000_000)])


class ChatLimiter:
    """At most one message per `interval` to one chat. Only chats written to within the last
    interval are remembered, so memory follows the rate, not the number of recipients."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._last: OrderedDict[int, float] = OrderedDict()  # oldest slot first

    async def wait(self, chat_id: int) -> None:
        now = time.monotonic()
        while self._last and next(iter(self._last.values())) <= now - self.interval:
            self._last.popitem(last=False)
        slot = max(self._last.get(chat_id, now - self.interval) + self.interval, now)
        self._last[chat_id] = slot
        self._last.move_to_end(chat_id)
        if slot > now:
            await asyncio.sleep(slot - now)


class RedisChatLimiter:
    """One message per interval to one chat across processes: SET NX PX claims the chat's slot."""

    def __init__(self, redis: Redis, prefix: str, interval: float) -> None:
        self.redis = redis
        self.prefix = prefix
        self.interval_ms = max(int(interval * 1000), 1)

    async def wait(self, chat_id: int) -> None:
        key = f"{self.prefix}:{chat_id}"
        while not await self.redis.set(key, b"1", nx=True, px=self.interval_ms):
            ttl = await self.redis.pttl(key)
            await asyncio.sleep(max(ttl, 1) / 1000)
