"""A lean Bot API client for broadcast sends: one JSON POST per message, no response models.

aiogram builds a pydantic model for every request and every returned Message; for a broadcast that
is most of the sender's CPU, taken from the same process that answers members. A broadcast needs only
to know whether Telegram took the message, and if not, why: this client sends sendMessage / sendPhoto
as JSON and reads just `ok`, `error_code`, `description` and `retry_after`.
"""

import asyncio
import json
from dataclasses import dataclass
from typing import Any

import aiohttp

from bot.broadcast_render import Outgoing

DEFAULT_BASE = "https://api.telegram.org"


@dataclass(frozen=True, slots=True)
class Answer:
    ok: bool
    error_code: int = 0
    description: str = ""
    retry_after: float | None = None


class NetworkTrouble(Exception):
    """No answer (connection refused or reset, timeout): the message may or may not have arrived."""


class LeanBotApi:
    def __init__(self, token: str, base: str | None = None, timeout: float = 30.0) -> None:
        self._url = f"{(base or DEFAULT_BASE).rstrip('/')}/bot{token}/"
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    async def send(self, chat_id: int, message: Outgoing) -> Answer:
        """sendPhoto or sendMessage with parse_mode HTML; an HTTP error answer is an Answer, not raised."""
        method = "sendPhoto" if message.photo else "sendMessage"
        body: dict[str, Any] = {"chat_id": chat_id, "parse_mode": "HTML",
                                "reply_markup": message.markup_data}
        if message.photo:
            body.update(photo=message.photo, caption=message.text)
        else:
            body["text"] = message.text
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout, json_serialize=json.dumps)
        try:
            async with self._session.post(self._url + method, json=body) as response:
                answer = await response.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            raise NetworkTrouble(repr(error)) from error
        if answer.get("ok"):
            return Answer(True)
        retry_after = (answer.get("parameters") or {}).get("retry_after")
        return Answer(False, int(answer.get("error_code") or 0), str(answer.get("description") or ""), retry_after)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
