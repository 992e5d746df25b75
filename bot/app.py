"""The application: database, bot, dispatcher, jobs, and long polling or a webhook server."""

import asyncio
from dataclasses import dataclass, field

from aiogram import Bot, Dispatcher
from aiogram.fsm.storage.base import BaseStorage
from aiohttp import web

from bot.commands import setup_commands
from bot.config import Settings
from bot.dispatcher import build_dispatcher, create_bot, create_storage, shop_policy
from bot.middlewares import InFlight
from bot.scheduler import BackgroundJobs
from bot.update_log import UpdateLog
from models.database import Database
from models.migrate import upgrade_to_head


@dataclass
class BotApp:
    """The whole bot in one object, so run_bot, the sandbox and the tests start it the same way."""

    settings: Settings
    database: Database | None = field(default=None, init=False)
    bot: Bot | None = field(default=None, init=False)
    dispatcher: Dispatcher | None = field(default=None, init=False)
    storage: BaseStorage | None = field(default=None, init=False)
    update_log: UpdateLog | None = field(default=None, init=False)
    jobs: BackgroundJobs | None = field(default=None, init=False)
    in_flight: InFlight = field(default_factory=InFlight, init=False)
    _task: asyncio.Task | None = field(default=None, init=False)
    _runner: web.AppRunner | None = field(default=None, init=False)

    async def start(self) -> None:
        settings = self.settings
        self.database = Database(settings.database_url)
        await upgrade_to_head(self.database.engine)
        self.bot = create_bot(settings)
        self.update_log = UpdateLog(self.database)
        await self.update_log.start()
        self.storage = create_storage(settings, self.database)
        self.dispatcher = build_dispatcher(settings, self.database, self.storage, self.update_log, self.in_flight)
        await setup_commands(self.bot, settings.default_language)
        if settings.background_jobs:
            self.jobs = BackgroundJobs(self.bot, self.database, shop_policy(settings), settings.default_language)
            self.jobs.start()
        if settings.webhook_url:
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
        from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application

        settings = self.settings
        secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
        app = web.Application()
        app.router.add_get("/healthz", _health)
        SimpleRequestHandler(self.dispatcher, self.bot, secret_token=secret).register(app, path=settings.webhook_path)
        setup_application(app, self.dispatcher, bot=self.bot)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, settings.webhook_host, settings.webhook_port).start()
        await self.bot.set_webhook(
            settings.webhook_url, secret_token=secret, allowed_updates=self.dispatcher.resolve_used_update_types()
        )

    async def wait(self) -> None:
        """Until polling ends. Ctrl-C cancels the waiter, not polling itself: `stop` ends that in order
        (a cancelled polling task would leave its getUpdates request to fail noisily on the closed session)."""
        if self._task is not None:
            await asyncio.shield(self._task)
        else:
            await asyncio.Event().wait()

    async def stop(self) -> None:
        """Safe after a failed or partial start, or after Ctrl-C cancelled polling: stops what runs."""
        if self.jobs is not None:
            self.jobs.stop()
            self.jobs = None
        if self._task is not None:
            if not self._task.done():
                await self.dispatcher.stop_polling()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        # Updates already taken from Telegram finish before their storage and database go.
        await self.in_flight.wait_idle()
        await self._close_resources()

    async def _close_resources(self) -> None:
        if self.update_log is not None:
            await self.update_log.stop()
            self.update_log = None
        if self.storage is not None:
            await self.storage.dispose()
            self.storage = None
        self.dispatcher = None
        if self.bot is not None:
            await self.bot.session.close()
            self.bot = None
        if self.database is not None:
            await self.database.dispose()
            self.database = None


async def _health(_: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})
