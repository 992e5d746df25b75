"""Flood control: a member who sends too much, too fast, is told once to slow down; the rest is dropped.

A token bucket per Telegram user: `burst` updates at once, refilled at `rate` per second.
In this process by default; in Redis when REDIS_URL is set, so the limit holds across processes.
The first update over the limit is answered with a polite notice, the following ones silently
dropped until the bucket has a token again; the notice is given once per flood, until the member has
been quiet long enough for the bucket to fill up. Staff are exempt (checked only when over the limit).
"""

import enum
import time
from collections import OrderedDict
from typing import Protocol


class Verdict(enum.Enum):
    allow = "allow"
    warn = "warn"  # over the limit: tell them once
    drop = "drop"  # over the limit and already told


class FloodControl(Protocol):
    async def hit(self, user_id: int) -> Verdict: ...


class LocalFloodControl:
    """Buckets in memory, the least recently seen users forgotten past `capacity`."""

    def __init__(self, rate: float, burst: int, capacity: int = 100_000) -> None:
        self.rate, self.burst, self.capacity = rate, burst, capacity
        self._buckets: OrderedDict[int, tuple[float, float, bool]] = OrderedDict()

    async def hit(self, user_id: int) -> Verdict:
        now = time.monotonic()
        tokens, seen, warned = self._buckets.pop(user_id, (float(self.burst), now, False))
        tokens = min(float(self.burst), tokens + (now - seen) * self.rate)
        if tokens >= self.burst:
            warned = False  # quiet long enough: a new flood gets a new notice
        if tokens >= 1:
            verdict, tokens = Verdict.allow, tokens - 1
        else:
            verdict, warned = (Verdict.drop if warned else Verdict.warn), True
        self._buckets[user_id] = (tokens, now, warned)
        if len(self._buckets) > self.capacity:
            self._buckets.popitem(last=False)
        return verdict


# KEYS[1] the user's bucket; ARGV: rate per second, burst, now (seconds), ttl (seconds).
# Returns 0 allow, 1 warn, 2 drop. The bucket is a hash: tokens, seen, warned.
_BUCKET = """
local rate, burst, now, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'seen', 'warned')
local tokens, seen, warned = tonumber(state[1]) or burst, tonumber(state[2]) or now, tonumber(state[3]) or 0
tokens = math.min(burst, tokens + math.max(0, now - seen) * rate)
if tokens >= burst then
  warned = 0
end
local verdict = 0
if tokens >= 1 then
  tokens = tokens - 1
elseif warned == 1 then
  verdict = 2
else
  verdict, warned = 1, 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'seen', tostring(now), 'warned', warned)
redis.call('EXPIRE', KEYS[1], ttl)
return verdict
"""


class RedisFloodControl:
    """The same bucket in Redis, updated atomically by a Lua script (one round trip per update)."""

    def __init__(self, redis: object, rate: float, burst: int, prefix: str = "member-bot:flood") -> None:
        self.rate, self.burst, self.prefix = rate, burst, prefix
        self._script = redis.register_script(_BUCKET)  # type: ignore[attr-defined]
        self._ttl = max(int(burst / rate) + 2, 2) if rate > 0 else 3600

    async def hit(self, user_id: int) -> Verdict:
        code = await self._script(keys=[f"{self.prefix}:{user_id}"],
                                  args=[self.rate, self.burst, f"{time.time():.6f}", self._ttl])
        return (Verdict.allow, Verdict.warn, Verdict.drop)[int(code)]
