"""A fake Telegram Bot API server on loopback: the real bot talks to it over HTTP while SimUsers play the users."""

from __future__ import annotations

import asyncio
import inspect
import itertools
import logging
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

import aiohttp
from aiohttp import web

from sandbox.api_schema import (
    NOT_FOUND,
    BotApiError,
    UploadedFile,
    canonical_method,
    coerce_params,
    validate_request,
)
from sandbox.bot_methods import BotMethods
from sandbox.chat_state import Changes, ChatMessage, FileStore, PendingAnswer
from sandbox.limits import TelegramLimits
from sandbox.sim_user import SimUser
from sandbox.updates import UpdateFeed

__all__ = ["ApiRequest", "BotApiError", "ChatMessage", "SimUser", "TelegramEmulator"]

logger = logging.getLogger(__name__)

Listener = Callable[[dict[str, Any]], Any]
MAX_UPLOAD = 60 * 2**20  # above the 50 MB document limit, so oversize uploads get Telegram's 413, not aiohttp's
ATTACH = "attach://"
SHUTDOWN_TIMEOUT = 2.0  # seconds stop() waits for requests still in flight
# A long sandbox session must not grow without bound: only the latest requests and errors are kept.
MAX_REQUESTS = 10_000
MAX_ERRORS = 1_000


@dataclass(eq=False)
class ApiRequest:
    """One Bot API call the bot made, and how the emulator answered it."""

    method: str
    params: dict[str, Any]
    time: float
    ok: bool = False
    result: Any = None
    error: str | None = None  # the error description sent back
    error_code: int | None = None
    injected: bool = False  # the error was asked for with inject_error()


@dataclass
class _Injection:
    method: str
    chat_id: int | str | None
    error_code: int
    description: str
    retry_after: int | None
    times: int

    def matches(self, method: str, params: dict[str, Any]) -> bool:
        same_chat = self.chat_id is None or str(params.get("chat_id")) == str(self.chat_id)
        return self.times > 0 and self.method.lower() == method.lower() and same_chat


class TelegramEmulator:
    """The Bot API server, the users and everything Telegram would remember about them.

    Every request is recorded in `requests`; the ones answered with an error (except errors a test
    injected on purpose) also land in `errors`, so a test can assert the bot broke no Telegram rule.
    Both keep only the latest `max_requests` / `max_errors` records.
    """

    def __init__(
        self,
        token: str = "123456:TEST",
        validate: bool = True,
        bot_username: str = "member_sandbox_bot",
        bot_name: str = "Member Bot",
        max_requests: int = MAX_REQUESTS,
        max_errors: int = MAX_ERRORS,
    ) -> None:
        self.token = token
        self.validate = validate
        self.bot_user: dict[str, Any] = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
        }
        self.changes = Changes()
        self.files = FileStore()
        self.updates = UpdateFeed(self.changes, self._execute_webhook_reply, self._record_webhook_failure)
        self.users: dict[int, SimUser] = {}
        self._requests: deque[ApiRequest] = deque(maxlen=max_requests)
        self._errors: deque[ApiRequest] = deque(maxlen=max_errors)
        self.commands: dict[tuple[tuple[Any, ...], str], list[dict[str, Any]]] = {}
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}
        self.callback_queries: dict[str, PendingAnswer] = {}
        self.pre_checkout_queries: dict[str, PendingAnswer] = {}
        self.payments: dict[str, dict[str, Any]] = {}
        self.host = "127.0.0.1"
        self.port = 0
        self._messages: dict[int, ChatMessage] = {}
        self._message_ids = itertools.count(1)  # one sequence for all chats: ids never repeat
        self._query_ids = itertools.count(1)
        self._injections: list[_Injection] = []
        self._listeners: list[Listener] = []
        self._listener_tasks: set[asyncio.Future[Any]] = set()
        self._handlers = BotMethods(self).handlers()
        self._runner: web.AppRunner | None = None
        # Telegram's rate limits and transient errors (sandbox/limits.py); None: no limits.
        self.limits: TelegramLimits | None = None

    # --- server lifecycle ---------------------------------------------------------------------

    @property
    def api_base(self) -> str:
        """Base URL for TelegramAPIServer.from_base()."""
        return f"http://{self.host}:{self.port}"

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        app = web.Application(client_max_size=MAX_UPLOAD)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        # handler_cancellation: a bot that hangs up a long poll must not leave a ghost poller behind
        self._runner = web.AppRunner(app, handler_cancellation=True, access_log=None, shutdown_timeout=SHUTDOWN_TIMEOUT)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self.host = host
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        await self.updates.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    # --- HTTP ---------------------------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        params = await read_request_params(request)
        status, body = await self.execute(request.match_info["method"], params)
        return web.json_response(body, status=status)

    async def _handle_file(self, request: web.Request) -> web.Response:
        stored = self.files.by_path(request.match_info["path"])
        if request.match_info["token"] != self.token or stored is None:
            return web.json_response({"ok": False, "error_code": 404, "description": NOT_FOUND}, status=404)
        return web.Response(body=stored.data, content_type=stored.mime_type)

    async def execute(self, method: str, raw_params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Run one Bot API call as Telegram would; returns the HTTP status and the JSON body."""
        canonical = canonical_method(method)
        record = ApiRequest(method=canonical or method, params=raw_params, time=time.time())
        self._requests.append(record)
        try:
            if canonical is None:
                raise BotApiError(404, NOT_FOUND)
            record.params = params = coerce_params(canonical, raw_params)
            problem = validate_request(canonical, params) if self.validate else None
            if problem:
                raise BotApiError(400, problem)
            self._raise_injected(canonical, params)
            if self.limits is not None:
                self.limits.check(canonical, params)
            handler = self._handlers.get(canonical, self._unsupported)
            record.result = await handler(params)
            record.ok = True
            return 200, {"ok": True, "result": record.result}
        except BotApiError as error:
            return self._answer_error(record, error)
        except asyncio.CancelledError:
            record.error = "cancelled: the client hung up"
            raise
        except Exception as error:  # an emulator bug must fail the test, not hang the bot
            logger.exception("emulator failed on %s", method)
            return self._answer_error(record, BotApiError(500, f"Internal Server Error: emulator: {error!r}"))

    def _answer_error(self, record: ApiRequest, error: BotApiError) -> tuple[int, dict[str, Any]]:
        record.error, record.error_code, record.injected = error.description, error.error_code, error.injected
        if not error.injected:
            self._errors.append(record)
            # the chat page shows it in the chat concerned: a developer sees the rule the bot broke
            chat_id = record.params.get("chat_id") if isinstance(record.params, dict) else None
            self.emit(
                {
                    "type": "api_error",
                    "chat_id": chat_id if isinstance(chat_id, int) else None,
                    "method": record.method,
                    "error_code": error.error_code,
                    "description": error.description,
                }
            )
        return error.error_code, error.to_response()

    async def _unsupported(self, params: dict[str, Any]) -> Any:
        raise BotApiError(400, "Bad Request: method not supported by the emulator")

    async def _execute_webhook_reply(self, response: aiohttp.ClientResponse) -> None:
        """A webhook may answer an update with a method call (aiogram does, as multipart or JSON)."""
        if response.content_type == "multipart/form-data":
            params = await read_multipart(aiohttp.MultipartReader(response.headers, response.content))
        elif response.content_type == "application/json":
            body = await response.json()
            params = body if isinstance(body, dict) else {}
        else:
            return
        method = params.pop("method", None)
        if isinstance(method, str):
            await self.execute(method, params)

    def _record_webhook_failure(self, description: str) -> None:
        failure = ApiRequest(method="(webhook delivery)", params={}, time=time.time(), error=description)
        self._errors.append(failure)

    # --- request log, errors and listeners ----------------------------------------------------

    @property
    def requests(self) -> list[ApiRequest]:
        """The latest Bot API calls, oldest first (a copy: the log itself drops the oldest when full)."""
        return list(self._requests)

    @property
    def errors(self) -> list[ApiRequest]:
        """The latest calls answered with an error that was not injected, oldest first (a copy)."""
        return list(self._errors)

    def clear_errors(self) -> None:
        self._errors.clear()

    def inject_error(
        self,
        method: str,
        chat_id: int | str | None = None,
        error_code: int = 429,
        description: str | None = None,
        retry_after: int | None = 1,
        times: int = 1,
    ) -> None:
        """Make the next `times` matching requests fail. retry_after is sent only with 429;
        the default description is Telegram's "Too Many Requests: retry after N". Injected
        errors are recorded in `requests` (injected=True) but not in `errors`."""
        if description is None:
            description = f"Too Many Requests: retry after {retry_after}" if error_code == 429 else "Bad Request"
        self._injections.append(
            _Injection(method, chat_id, error_code, description, retry_after if error_code == 429 else None, times)
        )

    def _raise_injected(self, method: str, params: dict[str, Any]) -> None:
        for injection in self._injections:
            if injection.matches(method, params):
                injection.times -= 1
                if not injection.times:
                    self._injections.remove(injection)
                raise BotApiError(injection.error_code, injection.description, injection.retry_after, injected=True)

    def add_listener(self, callback: Listener) -> None:
        """callback(event) on every change a chat UI shows; a coroutine function is scheduled."""
        self._listeners.append(callback)

    def remove_listener(self, callback: Listener) -> None:
        self._listeners.remove(callback)

    def emit(self, event: dict[str, Any]) -> None:
        for callback in list(self._listeners):
            try:
                result = callback(event)
            except Exception:
                logger.exception("sandbox listener failed on %s", event.get("type"))
                continue
            if inspect.isawaitable(result):
                task = asyncio.ensure_future(result)
                self._listener_tasks.add(task)
                task.add_done_callback(self._listener_tasks.discard)
        self.changes.notify()

    # --- users, messages, updates -------------------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str = "User",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        phone_number: str | None = None,
    ) -> SimUser:
        """The simulated user with this id, created on first use (their private chat id == user id)."""
        if user_id not in self.users:
            self.users[user_id] = SimUser(self, user_id, first_name, last_name, username, language_code, phone_number)
        return self.users[user_id]

    @staticmethod
    def now() -> int:
        return int(time.time())

    def enqueue_update(self, payload: dict[str, Any], update_id: int | None = None) -> dict[str, Any] | None:
        """Queue an update for the bot; pass an earlier update_id to deliver that update again."""
        return self.updates.push(payload, update_id)

    def continue_numbering(self, update_id: int, message_id: int) -> None:
        """Start ids after an earlier run's, as Telegram's keep growing while a bot restarts."""
        self.updates.start_after(update_id)
        self._message_ids = itertools.count(max(message_id, *self._messages.keys(), 0) + 1)

    @property
    def last_update_id(self) -> int:
        return self.updates.last_update_id

    def find_message(self, message_id: Any) -> ChatMessage | None:
        return self._messages.get(message_id) if isinstance(message_id, int) else None

    def add_message(self, user: SimUser, from_bot: bool, **content: Any) -> ChatMessage:
        """Append a message to a chat (ids are shared by both sides, as in private chats)."""
        message = ChatMessage(
            message_id=next(self._message_ids),
            chat_id=user.id,
            from_bot=from_bot,
            date=self.now(),
            sender=self.bot_user if from_bot else user.user_dict,
            chat=user.chat_dict,
            **content,
        )
        self._messages[message.message_id] = message
        user.history.append(message)
        markup = message.reply_markup or {}
        if from_bot and "keyboard" in markup:
            user.reply_keyboard = markup
        elif from_bot and markup.get("remove_keyboard"):
            user.reply_keyboard = None
        self.emit({"type": "message", "chat_id": user.id, "message": message.to_dict()})
        return message

    def record_edit(self, message: ChatMessage) -> None:
        message.edit_count += 1
        message.edit_date = self.now()
        self.emit({"type": "edit", "chat_id": message.chat_id, "message": message.to_dict()})

    def record_delete(self, message: ChatMessage) -> None:
        message.deleted = True
        self.emit({"type": "delete", "chat_id": message.chat_id, "message_id": message.message_id})

    def open_query(self, chat_id: int, pre_checkout: bool = False) -> tuple[str, PendingAnswer]:
        """A new callback (or pre-checkout) query id that the bot must answer."""
        query_id = f"{chat_id}{next(self._query_ids):08d}"
        pending = PendingAnswer(chat_id)
        (self.pre_checkout_queries if pre_checkout else self.callback_queries)[query_id] = pending
        return query_id, pending

    def record_payment(self, user_id: int, invoice: dict[str, Any]) -> dict[str, Any]:
        """A completed payment: the successful_payment object the bot will receive."""
        stars = invoice["currency"] == "XTR"
        charge_id = f"{'stx' if stars else 'tch'}{secrets.token_hex(12)}"
        payment = {
            "currency": invoice["currency"],
            "total_amount": invoice["total_amount"],
            "invoice_payload": invoice["payload"],
            "telegram_payment_charge_id": charge_id,
            "provider_payment_charge_id": f"prv{secrets.token_hex(8)}",
        }
        self.payments[charge_id] = {**payment, "user_id": user_id, "refunded": False}
        self.emit({"type": "payment", "chat_id": user_id, "charge_id": charge_id})
        return payment

    def file_bytes(self, file_id: str) -> bytes:
        stored = self.files.get(file_id)
        if stored is None:
            raise KeyError(f"no file with file_id {file_id!r}")
        return stored.data

    # --- commands -----------------------------------------------------------------------------

    def set_commands(self, key: tuple[tuple[Any, ...], str], commands: list[dict[str, Any]]) -> None:
        """An empty list deletes the entry, so the next broader scope shows again (as Telegram does)."""
        if commands:
            self.commands[key] = commands
        else:
            self.commands.pop(key, None)
        self.emit({"type": "commands"})

    def commands_for(self, user_id: int, language_code: str | None) -> list[dict[str, Any]]:
        """The command menu a user sees in their private chat with the bot.

        Telegram tries, in order: the chat scope, then all_private_chats, then default; within
        each, the user's language (full tag, then its primary subtag: "zh-hans" -> "zh"), then
        the language-less list.
        """
        full = (language_code or "").lower()
        languages = list(dict.fromkeys((full, full.split("-")[0], "")))
        for scope in (("chat", user_id), ("all_private_chats",), ("default",)):
            for language in languages:
                if (scope, language) in self.commands:
                    return [dict(command) for command in self.commands[(scope, language)]]
        return []


async def read_request_params(request: web.Request) -> dict[str, Any]:
    """Parameters from the query string and a JSON, urlencoded or multipart body, as Telegram accepts."""
    params: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json" and request.body_exists:
        body = await request.json()
        params.update(body if isinstance(body, dict) else {})
    elif request.content_type == "multipart/form-data":
        params.update(await read_multipart(await request.multipart()))
    elif request.body_exists:
        params.update(await request.post())
    return params


async def read_multipart(reader: aiohttp.MultipartReader) -> dict[str, Any]:
    """Form fields and files; a field "attach://name" is replaced by the file part called name."""
    values: dict[str, Any] = {}
    files: dict[str, UploadedFile] = {}
    while (part := await reader.next()) is not None:
        if not isinstance(part, aiohttp.BodyPartReader) or part.name is None:
            continue
        data = bytes(await part.read())
        if part.filename is not None:
            content_type = part.headers.get(aiohttp.hdrs.CONTENT_TYPE, "application/octet-stream")
            files[part.name] = UploadedFile(part.filename, data, content_type)
        else:
            values[part.name] = data.decode("utf-8")
    return resolve_attachments(values, files)


def resolve_attachments(values: dict[str, Any], files: dict[str, UploadedFile]) -> dict[str, Any]:
    resolved = dict(values)
    for name, value in values.items():
        if isinstance(value, str) and value.startswith(ATTACH) and value[len(ATTACH) :] in files:
            resolved[name] = files[value[len(ATTACH) :]]
    referenced = " ".join(value for value in values.values() if isinstance(value, str))
    for name, upload in files.items():
        if f"{ATTACH}{name}" not in referenced:
            resolved[name] = upload  # a file part named after the parameter itself
    return resolved
