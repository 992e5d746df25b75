"""Telegram's sending limits, as options of the emulator (off by default, so other tests are unaffected).

    emulator.limits = TelegramLimits(global_rate=30, chat_rate=1, time_scale=10, server_error_every=97)

- a global rate: more than `global_rate` sends in any sliding second → 429 "retry after N";
- per chat: more than `chat_burst` sends to one chat within 1/chat_rate seconds → 429 (Telegram
  tolerates short bursts, then refuses);
- every Nth send answers 502 Bad Gateway (a transient server error);
- `time_scale` N allows N times the rates (and a "retry after 1" then means 1/N s), so benchmarks
  and tests can send many messages quickly and still be held to the same shape of limits.

Blocked users are SimUser.block() (403), and chats never opened are "chat not found" (400).
Every send that reaches the check is timed in `sends`, so a test can look at any 1-second window.
"""

from __future__ import annotations

import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

from sandbox.api_schema import BotApiError

SENDING = frozenset({
    "sendMessage", "sendPhoto", "sendDocument", "sendInvoice", "sendChatAction",
    "editMessageText", "editMessageCaption", "editMessageReplyMarkup",
})


@dataclass
class TelegramLimits:
    global_rate: float | None = 30.0
    chat_rate: float | None = 1.0
    chat_burst: int = 3
    time_scale: float = 1.0
    retry_after: int = 1
    server_error_every: int = 0
    sends: list[float] = field(default_factory=list)  # monotonic time of every send checked
    refused_global: int = 0
    refused_chat: int = 0
    server_errors: int = 0
    _window: deque[float] = field(default_factory=deque)
    _chats: dict[Any, deque[float]] = field(default_factory=lambda: defaultdict(deque))
    _count: int = 0

    def check(self, method: str, params: dict[str, Any]) -> None:
        """Raise the error Telegram would answer with, or count the send as accepted."""
        if method not in SENDING:
            return
        now = time.monotonic()
        self.sends.append(now)
        self._count += 1
        if self.server_error_every and self._count % self.server_error_every == 0:
            self.server_errors += 1
            raise BotApiError(502, "Bad Gateway", injected=True)
        if self.global_rate is not None:
            window = self._window
            while window and window[0] <= now - 1.0:
                window.popleft()
            if len(window) >= self.global_rate * self.time_scale:
                self.refused_global += 1
                raise self._too_many()
        if self.chat_rate is not None and method != "sendChatAction":
            chat = self._chats[params.get("chat_id")]
            span = 1.0 / (self.chat_rate * self.time_scale)
            while chat and chat[0] <= now - span * self.chat_burst:
                chat.popleft()
            if len(chat) >= self.chat_burst:
                self.refused_chat += 1
                raise self._too_many()
            chat.append(now)
        if self.global_rate is not None:
            self._window.append(now)

    def _too_many(self) -> BotApiError:
        return BotApiError(429, f"Too Many Requests: retry after {self.retry_after}", self.retry_after, injected=True)

    def busiest_second(self, since: float = 0.0) -> int:
        """The most sends checked in any 1-second window (sliding) since `since` (monotonic)."""
        times = [moment for moment in self.sends if moment >= since]
        best = start = 0
        for end, moment in enumerate(times):
            while times[start] <= moment - 1.0:
                start += 1
            best = max(best, end - start + 1)
        return best
