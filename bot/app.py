"""The application: database, bot, dispatcher, jobs, and long polling or a webhook server.

In webhook mode the bot serves its own port, or (`serve_http=False`) only registers its routes on
an aiohttp app someone else serves: bot/webapp.py, for several gunicorn workers on one port.
"""

import asyncio
import os
from dataclasses import dataclass, field
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.fsm.storage.base import BaseStorage
from aiohttp import web

from bot.broadcast_worker import BroadcastQueue, BroadcastRuntime, create_broker
from bot.commands import setup_commands
from bot.staff_menus import staff_menus
from bot.config import Settings
from bot.dispatcher import build_dispatcher, create_bot, create_storage, shop_policy
from bot.leader import Leadership, create_lock
from bot.shop_api import MAX_BODY, ShopApi, json_errors
from bot.in_flight import InFlight
from bot.scheduler import BackgroundJobs
from bot.update_log import UpdateLog
from models.database import Database
from models.migrate import upgrade_to_head
from services.unit_of_work import UnitOfWork


@dataclass
class BotApp:
    """The whole bot in one object, so run_bot, the sandbox and the tests start it the same way."""

    settings: Settings
    serve_http: bool = True
    database: Database | None = field(default=None, init=False)
    bot: Bot | None = field(default=None, init=False)
    dispatcher: Dispatcher | None = field(default=None, init=False)
    storage: BaseStorage | None = field(default=None, init=False)
    update_log: UpdateLog | None = field(default=None, init=False)
    jobs: BackgroundJobs | None = field(default=None, init=False)
    leadership: Leadership | None = field(default=None, init=False)
    redis: Any = field(default=None, init=False)  # one Redis client: dialogs, flood control
    in_flight: InFlight = field(default_factory=InFlight, init=False)
    broadcast_queue: BroadcastQueue | None = field(default=None, init=False)
    broadcasts: BroadcastRuntime | None = field(default=None, init=False)  # the leader's
    _task: asyncio.Task | None = field(default=None, init=False)
    _runner: web.AppRunner | None = field(default=None, init=False)
    _webhook: object | None = field(default=None, init=False)  # aiogram's SimpleRequestHandler
    _api_runner: web.AppRunner | None = field(default=None, init=False)  # the shop API's own port

    async def start(self) -> None:
        settings = self.settings
        self.database = Database(settings.database_url)
        await upgrade_to_head(self.database.engine)
        self.bot = create_bot(settings)
        self.update_log = UpdateLog(self.database)
        await self.update_log.start()
        if settings.redis_url:
            from redis.asyncio import Redis

            self.redis = Redis.from_url(settings.redis_url)
        self.storage = create_storage(self.database, self.redis)
        self.dispatcher = build_dispatcher(
            settings, self.database, self.storage, self.update_log, self.in_flight, self.redis
        )
        broker = create_broker(settings) if settings.redis_url else None
        self.broadcast_queue = BroadcastQueue(broker, settings.broadcast_workers)
        await self.broadcast_queue.start()
        self.dispatcher["broadcast_queue"] = self.broadcast_queue
        if settings.webhook_url:
            await self._start_webhook()
        else:
            await self.bot.delete_webhook()
            self._task = asyncio.create_task(self._poll(), name="polling")
            await self._start_shop_api()
        lock = create_lock(settings.redis_url, self.database.engine, settings.leader_key, settings.leader_ttl_seconds)
        self.leadership = Leadership(lock, self._lead, self._step_down, settings.leader_ttl_seconds)
        await self.leadership.start()

    async def _lead(self) -> None:
        """Once per deployment: the leader sets the commands and the webhook, and runs the background jobs."""
        settings = self.settings
        await setup_commands(self.bot, settings.default_language)
        await staff_menus(self.bot, UnitOfWork(self.database), shop_policy(settings), settings.default_language)
        if settings.webhook_url:
            secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
            await self.bot.set_webhook(
                settings.webhook_url, secret_token=secret, allowed_updates=self.dispatcher.resolve_used_update_types()
            )
        if settings.background_jobs:
            self.jobs = BackgroundJobs(self.bot, self.database, shop_policy(settings), settings.default_language)
            self.jobs.start()
            self.broadcasts = BroadcastRuntime(settings, self.database, self.broadcast_queue)
            self.broadcasts.start()

    async def _step_down(self) -> None:
        if self.jobs is not None:
            self.jobs.stop()
            self.jobs = None
        if self.broadcasts is not None:
            await self.broadcasts.stop()
            self.broadcasts = None

    async def _poll(self) -> None:
        await self.dispatcher.start_polling(
            self.bot,
            handle_signals=False,
            close_bot_session=False,
            allowed_updates=self.dispatcher.resolve_used_update_types(),
            polling_timeout=10,
        )

    def add_routes(self, app: web.Application) -> None:
        """/healthz, the webhook route and the shop API; they answer 503 until the bot has started."""
        app.router.add_get("/healthz", self._health)
        app.router.add_post(self.settings.webhook_path, self._on_webhook)
        self._add_shop_api(app)

    def _add_shop_api(self, app: web.Application) -> bool:
        secret = self.settings.shop_api_secret
        if secret is None or not secret.get_secret_value():
            return False
        api = ShopApi(lambda: self.database, shop_policy(self.settings), secret.get_secret_value().encode(),
                      self.settings.shop_api_max_skew_seconds)
        api.add_routes(app)
        return True

    async def _start_shop_api(self) -> None:
        """Without webhooks there is no server: the API (when configured) gets a port of its own."""
        app = web.Application(client_max_size=MAX_BODY, middlewares=[json_errors])
        if self._add_shop_api(app):
            self._api_runner = web.AppRunner(app)
            await self._api_runner.setup()
            await web.TCPSite(self._api_runner, self.settings.shop_api_host, self.settings.shop_api_port).start()

    async def _start_webhook(self) -> None:
        from aiogram.webhook.aiohttp_server import SimpleRequestHandler

        settings = self.settings
        secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
        self._webhook = SimpleRequestHandler(self.dispatcher, self.bot, secret_token=secret)
        await self.dispatcher.emit_startup(**self._workflow_data())
        if self.serve_http:
            app = web.Application()
            self.add_routes(app)
            self._runner = web.AppRunner(app)
            await self._runner.setup()
            await web.TCPSite(self._runner, settings.webhook_host, settings.webhook_port).start()

    async def drain(self) -> None:
        """Wait until every update received so far is handled (a webhook answers before it is).

        The webhook hands each update to a task of its own; one loop turn lets the last ones start
        (the dispatcher counts an update from the moment `feed_update` starts).
        """
        await asyncio.sleep(0)
        await self.in_flight.wait_idle()

    def _workflow_data(self) -> dict:
        return {"dispatcher": self.dispatcher, **self.dispatcher.workflow_data, "bot": self.bot}

    async def _on_webhook(self, request: web.Request) -> web.StreamResponse:
        if self._webhook is None:
            return web.json_response({"status": "starting"}, status=503)
        return await self._webhook.handle(request)

    async def _health(self, _: web.Request) -> web.Response:
        if self._webhook is None and self._task is None:
            return web.json_response({"status": "starting"}, status=503)
        leader = bool(self.leadership and self.leadership.is_leader)
        return web.json_response({"status": "ok", "pid": os.getpid(), "leader": leader})

    async def wait(self) -> None:
        """Until polling ends. Ctrl-C cancels the waiter, not polling itself: `stop` ends that in order
        (a cancelled polling task would leave its getUpdates request to fail noisily on the closed session)."""
        if self._task is not None:
            await asyncio.shield(self._task)
        else:
            await asyncio.Event().wait()

    async def stop(self) -> None:
        """Safe after a failed or partial start, or after Ctrl-C cancelled polling: stops what runs."""
        if self.leadership is not None:
            await self.leadership.stop()
            self.leadership = None
        await self._step_down()
        if self._task is not None:
            if not self._task.done():
                await self.dispatcher.stop_polling()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        for runner in (self._runner, self._api_runner):
            if runner is not None:
                await runner.cleanup()
        self._runner = self._api_runner = None
        # Updates already taken from Telegram finish before their storage and database go.
        await self.drain()
        if self._webhook is not None:
            self._webhook = None
            await self.dispatcher.emit_shutdown(**self._workflow_data())
        await self._close_resources()

    async def _close_resources(self) -> None:
        if self.update_log is not None:
            await self.update_log.stop()
            self.update_log = None
        if self.broadcast_queue is not None:
            await self.broadcast_queue.stop()
            self.broadcast_queue = None
        if self.storage is not None:
            await self.storage.dispose()
            self.storage = None
        if self.redis is not None:
            await self.redis.aclose()
            self.redis = None
        self.dispatcher = None
        if self.bot is not None:
            await self.bot.session.close()
            self.bot = None
        if self.database is not None:
            await self.database.dispose()
            self.database = None
