"""Dispatcher factory and the application that runs it (long polling or webhook)."""

import asyncio
import logging
from dataclasses import dataclass, field

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.utils.callback_answer import CallbackAnswerMiddleware
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

import handlers
from bot.commands import setup_commands
from bot.config import Settings
from bot.errors import on_error
from bot.middlewares import ContextMiddleware
from bot.request_guards import IgnoreNotModified
from bot.scheduler import BackgroundJobs
from bot.storage import SqlStorage
from models.db import create_engine, create_sessionmaker
from models.migrate import upgrade_to_head
from services.update_log import UpdateLog

log = logging.getLogger(__name__)


def create_storage(settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]) -> BaseStorage:
    if settings.redis_url:
        from aiogram.fsm.storage.redis import RedisStorage

        return RedisStorage.from_url(settings.redis_url, key_builder=DefaultKeyBuilder(with_destiny=True))
    return SqlStorage(sessionmaker)


def build_dispatcher(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], storage: BaseStorage, update_log: UpdateLog
) -> Dispatcher:
    """One place that wires storage, middlewares, routers and the error handler."""
    isolation = storage.create_isolation() if hasattr(storage, "create_isolation") else SimpleEventIsolation()
    dispatcher = Dispatcher(storage=storage, events_isolation=isolation)
    # aiogram closes the storage on shutdown while updates may still be in flight;
    # BotApp.stop closes it itself once they have finished.
    dispatcher.shutdown.handlers[:] = [h for h in dispatcher.shutdown.handlers if h.callback != dispatcher.fsm.close]
    dispatcher.update.outer_middleware(ContextMiddleware(sessionmaker, settings, update_log))
    dispatcher.callback_query.middleware(CallbackAnswerMiddleware())
    dispatcher.include_routers(*handlers.routers())
    dispatcher.errors.register(on_error)
    return dispatcher


def _pin_response_models() -> list[type]:
    """Keep every `Response[T]` model aiogram builds per API call alive.

    pydantic caches parametrised generics weakly; under load the garbage collector frees them
    and aiogram rebuilds the schema on the next call, which cost about a third of the bot's CPU
    in benchmarks/updates.py. Building each once and holding it makes the cache hit every time.
    """
    from aiogram import methods
    from aiogram.client.session.base import Response

    returning_types = {getattr(getattr(methods, name), "__returning__", None) for name in methods.__all__}
    return [Response[kind] for kind in returning_types if kind is not None and not isinstance(kind, property)]


_PINNED_RESPONSE_MODELS = _pin_response_models()


def create_bot(settings: Settings) -> Bot:
    assert settings.bot_token is not None
    session = None
    if settings.telegram_api_base:
        session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_base))
    bot = Bot(
        settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )
    bot.session.middleware(IgnoreNotModified())
    return bot


@dataclass
class BotApp:
    """The whole bot in one object, so run_bot, the sandbox and the tests start it the same way."""

    settings: Settings
    engine: AsyncEngine = field(init=False)
    bot: Bot = field(init=False)
    dispatcher: Dispatcher = field(init=False)
    _task: asyncio.Task | None = field(default=None, init=False)
    _runner: web.AppRunner | None = field(default=None, init=False)
    update_log: UpdateLog = field(init=False)
    jobs: BackgroundJobs | None = field(default=None, init=False)

    async def start(self) -> None:
        self.engine = create_engine(self.settings.database_url)
        await upgrade_to_head(self.engine)
        sessionmaker = create_sessionmaker(self.engine)
        self.bot = create_bot(self.settings)
        self.update_log = UpdateLog(sessionmaker)
        await self.update_log.start()
        self.dispatcher = build_dispatcher(
            self.settings, sessionmaker, create_storage(self.settings, sessionmaker), self.update_log
        )
        await setup_commands(self.bot, self.settings.default_language)
        if self.settings.background_jobs:
            self.jobs = BackgroundJobs(self.bot, sessionmaker, self.settings)
            self.jobs.start()
        if self.settings.webhook_url:
            await self._start_webhook()
        else:
            await self.bot.delete_webhook()
            self._task = asyncio.create_task(self._poll(), name="polling")

    async def _poll(self) -> None:
        await self.dispatcher.start_polling(
            self.bot,
            handle_signals=False,
            close_bot_session=False,
            allowed_updates=self.dispatcher.resolve_used_update_types(),
            polling_timeout=10,
        )

    async def _start_webhook(self) -> None:
        from aiogram.webhook.aiohttp_server import (
            SimpleRequestHandler,
            setup_application,
        )

        secret = self.settings.webhook_secret.get_secret_value() if self.settings.webhook_secret else None
        app = web.Application()
        app.router.add_get("/healthz", _health)
        SimpleRequestHandler(self.dispatcher, self.bot, secret_token=secret).register(app, path=self.settings.webhook_path)
        setup_application(app, self.dispatcher, bot=self.bot)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.settings.webhook_host, self.settings.webhook_port).start()
        await self.bot.set_webhook(
            self.settings.webhook_url,
            secret_token=secret,
            allowed_updates=self.dispatcher.resolve_used_update_types(),
        )

    async def wait(self) -> None:
        if self._task is not None:
            await self._task
        else:
            await asyncio.Event().wait()

    async def stop(self) -> None:
        """Safe after a failed or partial start: stops whatever was started."""
        if self.jobs is not None:
            self.jobs.stop()
            self.jobs = None
        if self._task is not None:
            await self.dispatcher.stop_polling()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        if hasattr(self, "dispatcher"):
            # Updates already taken from Telegram finish before their storage and database go.
            in_flight = list(self.dispatcher._handle_update_tasks)  # noqa: SLF001
            await asyncio.gather(*in_flight, return_exceptions=True)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if hasattr(self, "update_log"):
            await self.update_log.stop()
        if hasattr(self, "dispatcher"):
            await self.dispatcher.storage.close()
            _detach_routers(self.dispatcher)
            del self.dispatcher
        if hasattr(self, "bot"):
            await self.bot.session.close()
        if hasattr(self, "engine"):
            await self.engine.dispose()


def _detach_routers(dispatcher: Dispatcher) -> None:
    """Feature routers are module-level singletons; free them so this process can start again."""
    for router in dispatcher.sub_routers:
        router._parent_router = None  # noqa: SLF001 - aiogram has no public detach
    dispatcher.sub_routers.clear()


async def _health(_: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})
