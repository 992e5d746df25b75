"""The sandbox chat page: aiohttp serves the page, a small JSON API and a live event stream per user."""

from __future__ import annotations

import asyncio
import json
import logging
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiohttp import web

from sandbox.chat_state import ChatMessage
from sandbox.emulator import TelegramEmulator
from sandbox.sim_user import SimUser

logger = logging.getLogger(__name__)

STATIC = Path(__file__).with_name("static")
HEARTBEAT = 15.0  # seconds between SSE comments, so a closed tab is noticed and proxies keep the stream
PRESS_TIMEOUT = 5.0  # a tapped button spins this long at most waiting for answerCallbackQuery
MAX_TEXT = 4096
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# The page loads nothing from elsewhere and runs no inline script: a slip in escaping cannot run code.
PAGE_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
NO_CACHE = {"Cache-Control": "no-cache"}  # the page too: a developer's edits show on the next reload


@dataclass(frozen=True)
class SandboxUser:
    """A simulated Telegram user the switcher offers; ids stay fixed so the database keeps matching."""

    id: int
    first_name: str
    language_code: str
    username: str | None = None
    last_name: str | None = None
    role: str = "member"  # "member" | "owner": only a label in the switcher; the bot decides who is staff


class ChatPage:
    """The page's server side: turns clicks into SimUser actions and streams emulator events to open pages."""

    def __init__(self, emulator: TelegramEmulator, users: list[SandboxUser]) -> None:
        self.emulator = emulator
        self.profiles = {profile.id: profile for profile in users}
        for profile in users:
            emulator.user(
                profile.id, profile.first_name, profile.last_name, profile.username, profile.language_code
            )
        self._streams: dict[int, set[asyncio.Queue[dict[str, Any] | None]]] = defaultdict(set)
        self._runner: web.AppRunner | None = None
        self.host = "127.0.0.1"
        self.port = 0
        emulator.add_listener(self._on_event)
        self._listening = True

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # --- lifecycle ----------------------------------------------------------------------------

    def application(self) -> web.Application:
        app = web.Application(middlewares=[_local_only])
        app.on_response_prepare.append(_revalidate_assets)
        app.router.add_get("/", self._index)
        app.router.add_static("/static/", STATIC, append_version=False)
        app.router.add_get("/api/users", self._users)
        app.router.add_get("/api/users/{user_id}/messages", self._messages)
        app.router.add_get("/api/users/{user_id}/commands", self._commands)
        app.router.add_get("/api/users/{user_id}/events", self._events)
        app.router.add_post("/api/users/{user_id}/send", self._send)
        app.router.add_post("/api/users/{user_id}/press", self._press)
        app.router.add_post("/api/users/{user_id}/contact", self._contact)
        app.router.add_post("/api/users/{user_id}/pay", self._pay)
        app.router.add_get("/api/files/{file_id}", self._file)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Listen on host:port (0: any free port); OSError if the port is taken."""
        self._runner = web.AppRunner(self.application(), access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        try:
            await web.TCPSite(self._runner, host, port).start()
        except OSError:
            await self._runner.cleanup()
            self._runner = None
            raise
        self.host, self.port = host, self._runner.addresses[0][1]

    async def stop(self) -> None:
        """End every open event stream first, so shutdown does not wait for browsers to hang up."""
        if self._listening:  # stop() may run twice (a failed start, then the caller's clean-up)
            self.emulator.remove_listener(self._on_event)
            self._listening = False
        for queues in self._streams.values():
            for queue in queues:
                queue.put_nowait(None)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # --- views --------------------------------------------------------------------------------

    def chat_view(self, user: SimUser) -> dict[str, Any]:
        """Everything a page needs to draw one user's chat from scratch."""
        return {
            "user": self._user_json(user),
            "messages": [message.to_dict() for message in user.history if not message.deleted],
            "reply_keyboard": user.reply_keyboard,
            "commands": self.emulator.commands_for(user.id, user.language_code),
        }

    def _user_json(self, user: SimUser) -> dict[str, Any]:
        profile = self.profiles[user.id]
        return {**asdict(profile), "phone_number": user.phone_number}

    def _sim(self, request: web.Request) -> SimUser:
        try:
            user_id = int(request.match_info["user_id"])
        except ValueError:
            user_id = 0
        if user_id not in self.profiles:
            raise _error(404, "no such sandbox user")
        return self.emulator.users[user_id]

    def _chat_message(self, user: SimUser, message_id: Any) -> ChatMessage:
        message = self.emulator.find_message(message_id)
        if message is None or message.chat_id != user.id or message.deleted:
            raise _error(404, "message not found in this chat")
        return message

    # --- routes -------------------------------------------------------------------------------

    async def _index(self, _: web.Request) -> web.FileResponse:
        headers = {"Content-Security-Policy": PAGE_POLICY, **NO_CACHE}
        return web.FileResponse(STATIC / "index.html", headers=headers)

    async def _users(self, _: web.Request) -> web.Response:
        users = [self._user_json(self.emulator.users[user_id]) for user_id in self.profiles]
        return web.json_response({"bot": self.emulator.bot_user, "users": users})

    async def _messages(self, request: web.Request) -> web.Response:
        return web.json_response(self.chat_view(self._sim(request)))

    async def _commands(self, request: web.Request) -> web.Response:
        user = self._sim(request)
        return web.json_response({"commands": self.emulator.commands_for(user.id, user.language_code)})

    async def _send(self, request: web.Request) -> web.Response:
        user = self._sim(request)
        text = (await _json_body(request)).get("text")
        if not isinstance(text, str) or not text.strip():
            raise _error(400, "text must be a non-empty string")
        if len(text) > MAX_TEXT:
            raise _error(400, f"text is longer than {MAX_TEXT} characters")
        sent = await user.send(text)
        return web.json_response({"ok": True, "message_id": sent["message_id"]})

    async def _press(self, request: web.Request) -> web.Response:
        """Send the callback query, then wait like a Telegram client whose button spins until answered."""
        user = self._sim(request)
        body = await _json_body(request)
        message = self._chat_message(user, body.get("message_id"))
        data = body.get("callback_data")
        if not any(button.get("callback_data") == data for row in message.inline_buttons for button in row):
            raise _error(409, "that button is no longer under the message")
        _, pending = user.tap(message, data=data)
        if not await self.emulator.changes.wait_for(lambda: pending.answered, PRESS_TIMEOUT):
            pending.expired = True
            return web.json_response({"answered": False, "text": None, "show_alert": False})
        return web.json_response({"answered": True, "text": pending.text, "show_alert": pending.show_alert})

    async def _contact(self, request: web.Request) -> web.Response:
        """The request_contact button: Telegram sends the user's own number, never a typed one."""
        user = self._sim(request)
        sent = await user.share_contact(user.phone_number, own=True)
        return web.json_response({"ok": True, "message_id": sent["message_id"]})

    async def _pay(self, request: web.Request) -> web.Response:
        """Test payment: pre_checkout_query, then successful_payment if the bot approved in time."""
        user = self._sim(request)
        message = self._chat_message(user, (await _json_body(request)).get("message_id"))
        if message.invoice is None:
            raise _error(400, "that message is not an invoice")
        return web.json_response(await user.pay(message))

    async def _file(self, request: web.Request) -> web.Response:
        stored = self.emulator.files.get(request.match_info["file_id"])
        if stored is None:
            raise _error(404, "no such file")
        headers = {"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "sandbox"}
        inline_image = stored.kind == "photo" and stored.mime_type.startswith("image/")
        if not inline_image or "download" in request.query:
            # a bot's document is never rendered by the page's origin (an .html file could run script)
            headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(stored.file_name)}"
        return web.Response(body=stored.data, content_type=stored.mime_type, headers=headers)

    async def _events(self, request: web.Request) -> web.StreamResponse:
        """Server-sent events for one user's chat; the first event is the whole chat (a snapshot).

        The queue is registered and the snapshot taken in the same step of the event loop, so no
        change can fall between them; a reconnecting EventSource simply gets a fresh snapshot.
        """
        user = self._sim(request)
        queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        self._streams[user.id].add(queue)
        queue.put_nowait({"type": "snapshot", **self.chat_view(user)})
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
        )
        try:
            await response.prepare(request)
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), HEARTBEAT)
                except TimeoutError:
                    await response.write(b": ping\n\n")
                    continue
                if event is None:
                    break
                await response.write(f"data: {json.dumps(event, ensure_ascii=False)}\n\n".encode())
        except ConnectionResetError:
            pass  # the tab was closed
        finally:
            self._streams[user.id].discard(queue)
        return response

    # --- emulator events ----------------------------------------------------------------------

    def _on_event(self, event: dict[str, Any]) -> None:
        """Route an emulator change to the pages showing that chat (commands go to every page)."""
        if event.get("type") == "commands":
            for user_id, queues in self._streams.items():
                user = self.emulator.users[user_id]
                update = {"type": "commands", "commands": self.emulator.commands_for(user_id, user.language_code)}
                for queue in queues:
                    queue.put_nowait(update)
            return
        chat_id = event.get("chat_id")
        if chat_id not in self._streams:
            return
        if event.get("type") in ("message", "edit"):
            # the page always draws the keyboard the emulator holds, never one it guessed
            event = {**event, "reply_keyboard": self.emulator.users[chat_id].reply_keyboard}
        for queue in self._streams[chat_id]:
            queue.put_nowait(event)


@web.middleware
async def _local_only(request: web.Request, handler: Any) -> web.StreamResponse:
    """Loopback names only (no DNS rebinding), and JSON for every action (no cross-site form posts)."""
    if request.url.host not in LOCAL_HOSTS:
        raise _error(403, "the sandbox answers on 127.0.0.1 / localhost only")
    if request.method == "POST" and request.content_type != "application/json":
        raise _error(415, "send JSON (Content-Type: application/json)")
    return await handler(request)


async def _revalidate_assets(request: web.Request, response: web.StreamResponse) -> None:
    """A developer editing chat.js or chat.css sees the change on the next reload."""
    if request.path.startswith("/static/"):
        response.headers["Cache-Control"] = "no-cache"


async def _json_body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise _error(400, "the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise _error(400, "the body must be a JSON object")
    return body


def _error(status: int, description: str) -> web.HTTPException:
    """A JSON error the page can show as it is."""
    kinds = {
        400: web.HTTPBadRequest,
        403: web.HTTPForbidden,
        404: web.HTTPNotFound,
        409: web.HTTPConflict,
        415: web.HTTPUnsupportedMediaType,
    }
    return kinds[status](text=json.dumps({"ok": False, "error": description}), content_type="application/json")
