"""The bot's update queue: handed out by long polling (getUpdates) or pushed to a webhook."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from sandbox.api_schema import BotApiError
from sandbox.chat_state import Changes

# What Telegram delivers when allowed_updates was never given (or given as []).
DEFAULT_ALLOWED = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)
MAX_POLL_TIMEOUT = 50
WEBHOOK_ATTEMPTS = 3
WEBHOOK_RETRY_DELAY = 0.05  # seconds, doubled per attempt: Telegram backs off too, only slower
WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
)
POLL_CONFLICT = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"

ReplyHandler = Callable[[aiohttp.ClientResponse], Awaitable[None]]
FailureHandler = Callable[[str], None]


@dataclass
class Webhook:
    url: str
    secret_token: str | None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None
    task: asyncio.Task[None] | None = field(default=None, repr=False)


class UpdateFeed:
    """Keeps updates until the bot confirms them (getUpdates offset) or a webhook accepts them."""

    def __init__(self, changes: Changes, on_reply: ReplyHandler, on_failure: FailureHandler) -> None:
        self._changes = changes
        self._on_reply = on_reply  # a webhook may answer with a method call to execute
        self._on_failure = on_failure
        self._pending: list[dict[str, Any]] = []
        self._ids = itertools.count(1)
        self._last_id = 0
        self._handed_out: set[int] = set()  # id() of updates a getUpdates call has returned
        self._allowed: frozenset[str] = DEFAULT_ALLOWED
        self._poll_generation = 0
        self._session: aiohttp.ClientSession | None = None
        self.webhook: Webhook | None = None
        self._closed = False

    @property
    def pending(self) -> list[dict[str, Any]]:
        return list(self._pending)

    @property
    def last_update_id(self) -> int:
        return self._last_id

    def push(self, payload: dict[str, Any], update_id: int | None = None) -> dict[str, Any] | None:
        """Queue an update (payload: {update_type: object}); None if the bot did not ask for that type.

        Passing an earlier update_id re-sends that update, as Telegram does after a restart or a
        failed webhook answer: the bot must cope with seeing it twice.
        """
        update_type = next(iter(payload))
        if update_type not in self._allowed:
            return None
        if update_id is None:
            self._last_id = update_id = next(self._ids)
        update = {"update_id": update_id, **payload}
        self._pending.append(update)
        self._changes.notify()
        return update

    def start_after(self, update_id: int) -> None:
        """Number new updates after update_id: a bot restarted on its old database has seen the earlier ones."""
        self._ids = itertools.count(max(update_id, self._last_id) + 1)

    def _set_allowed(self, allowed_updates: list[str] | None) -> None:
        """Telegram keeps the last allowed_updates given; an empty list restores the default."""
        if allowed_updates is not None:
            self._allowed = frozenset(allowed_updates) or DEFAULT_ALLOWED

    # --- long polling -------------------------------------------------------------------------

    async def get_updates(
        self, offset: int | None, limit: int, timeout: int, allowed_updates: list[str] | None
    ) -> list[dict[str, Any]]:
        if self.webhook is not None:
            raise BotApiError(409, WEBHOOK_CONFLICT)
        self._confirm(offset)
        self._set_allowed(allowed_updates)
        self._poll_generation += 1
        generation = self._poll_generation
        self._changes.notify()  # an older poll still waiting is now superseded
        await self._changes.wait_for(
            lambda: self._pending or self._poll_generation != generation or self.webhook or self._closed,
            max(0, min(timeout, MAX_POLL_TIMEOUT)),
        )
        if self._poll_generation != generation:
            raise BotApiError(409, POLL_CONFLICT)
        if self.webhook is not None:
            raise BotApiError(409, WEBHOOK_CONFLICT)
        batch = self._pending[: max(1, min(limit, 100))]
        self._handed_out.update(id(update) for update in batch)
        return batch

    def _confirm(self, offset: int | None) -> None:
        """Forget updates the offset confirms; a negative offset keeps only the last -offset.

        Only updates already handed out are confirmed, so a re-sent update (see push) is delivered
        even when its update_id is below the offset.
        """
        if not offset:
            return
        if offset < 0:
            self._pending = self._pending[offset:]
        else:
            self._pending = [u for u in self._pending if u["update_id"] >= offset or id(u) not in self._handed_out]
        self._handed_out &= {id(update) for update in self._pending}

    # --- webhook ------------------------------------------------------------------------------

    def set_webhook(
        self,
        url: str,
        secret_token: str | None,
        allowed_updates: list[str] | None,
        drop_pending: bool,
        max_connections: int = 40,
    ) -> None:
        self._stop_webhook()
        if drop_pending:
            self._drop_pending()
        self._set_allowed(allowed_updates)
        self.webhook = Webhook(url, secret_token, max_connections)
        self.webhook.task = asyncio.create_task(self._deliver(self.webhook))
        self._changes.notify()

    def delete_webhook(self, drop_pending: bool) -> None:
        self._stop_webhook()
        if drop_pending:
            self._drop_pending()
        self._changes.notify()

    def _drop_pending(self) -> None:
        self._pending.clear()
        self._handed_out.clear()

    def webhook_info(self) -> dict[str, Any]:
        hook = self.webhook
        info: dict[str, Any] = {
            "url": hook.url if hook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }
        if hook:
            info["max_connections"] = hook.max_connections
            info["allowed_updates"] = sorted(self._allowed)
            if hook.last_error_date:
                info["last_error_date"] = hook.last_error_date
                info["last_error_message"] = hook.last_error_message
        return info

    def _stop_webhook(self) -> None:
        if self.webhook and self.webhook.task:
            self.webhook.task.cancel()
        self.webhook = None

    async def _deliver(self, hook: Webhook) -> None:
        """Push updates one by one, in order; an update is dropped after WEBHOOK_ATTEMPTS failures."""
        while True:
            await self._changes.wait_for(lambda: self._pending, None)
            update = self._pending[0]
            await self._post_with_retries(hook, update)
            if self._pending and self._pending[0] is update:
                self._pending.pop(0)
            self._changes.notify()

    async def _post_with_retries(self, hook: Webhook, update: dict[str, Any]) -> None:
        for attempt in range(WEBHOOK_ATTEMPTS):
            error = await self._post(hook, update)
            if error is None:
                return
            hook.last_error_date, hook.last_error_message = int(time.time()), error
            if attempt + 1 < WEBHOOK_ATTEMPTS:
                await asyncio.sleep(WEBHOOK_RETRY_DELAY * 2**attempt)
        self._on_failure(f"update {update['update_id']} dropped after {WEBHOOK_ATTEMPTS} attempts: {error}")

    async def _post(self, hook: Webhook, update: dict[str, Any]) -> str | None:
        """Deliver once; the error Telegram would show in getWebhookInfo, or None on success."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        headers = {"X-Telegram-Bot-Api-Secret-Token": hook.secret_token} if hook.secret_token else {}
        try:
            async with self._session.post(
                hook.url, json=update, headers=headers, timeout=aiohttp.ClientTimeout(total=60)
            ) as response:
                if not 200 <= response.status < 300:
                    return f"Wrong response from the webhook: {response.status} {response.reason}"
                await self._on_reply(response)
                return None
        except (aiohttp.ClientError, TimeoutError) as error:
            return f"Connection failed: {error!r}"

    async def close(self) -> None:
        """Stop the webhook and release waiting polls, so the server can shut down at once."""
        self._closed = True
        self._stop_webhook()
        self._changes.notify()
        if self._session is not None:
            await self._session.close()
