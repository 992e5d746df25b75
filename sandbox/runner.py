"""`python run_bot.py --sandbox`: the real bot, the Bot API emulator and the chat page in one process."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import signal
import sys
import time

from pydantic import SecretStr
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from bot.app import BotApp
from bot.config import Settings
from models.database import create_engine
from models.runtime import ProcessedUpdate
from sandbox.emulator import TelegramEmulator
from sandbox.web import ChatPage, SandboxUser
from services import orders
from services.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

SANDBOX_TOKEN = "123456:SANDBOX"
# The emulator plays the payment provider: invoices in a real currency need some provider token.
SANDBOX_PROVIDER_TOKEN = "sandbox-test-provider"  # the emulator's bot; never a real token, so nothing can reach Telegram
DEFAULT_OWNER_ID = 10000
ALICE_ID, BOB_ID = 10001, 10002
SANDBOX_EPOCH = 1_735_689_600  # 2025-01-01 UTC


class PortInUse(Exception):
    """The chat page's port cannot be bound; run_sandbox turns this into a message and exit code 2."""

    def __init__(self, host: str, port: int, reason: str) -> None:
        super().__init__(f"{host}:{port}: {reason}")
        self.host, self.port, self.reason = host, port, reason


def owner_id(settings: Settings) -> int:
    return settings.owner_ids[0] if settings.owner_ids else DEFAULT_OWNER_ID


def sandbox_users(settings: Settings) -> list[SandboxUser]:
    """Two members and the shop owner; fixed ids, so the SQLite data still matches after a restart."""
    owner = owner_id(settings)
    users = [
        SandboxUser(ALICE_ID, "Alice", "zh-hans", "alice_sandbox", role="owner" if owner == ALICE_ID else "member"),
        SandboxUser(BOB_ID, "Bob", "en", "bob_sandbox", role="owner" if owner == BOB_ID else "member"),
    ]
    if owner not in (ALICE_ID, BOB_ID):
        language = "zh-hans" if settings.default_language == "zh" else "en"
        users.append(SandboxUser(owner, "Owner", language, "shop_owner", role="owner"))
    return users


def bot_settings(settings: Settings, api_base: str) -> Settings:
    """The operator's settings pointed at the emulator; the owner user is staff even when OWNER_IDS is unset."""
    return settings.model_copy(
        update={
            "bot_token": SecretStr(SANDBOX_TOKEN),
            "telegram_api_base": api_base,
            "webhook_url": None,  # long polling: the emulator cannot reach a public webhook anyway
            "owner_ids": settings.owner_ids or [DEFAULT_OWNER_ID],
            "payment_provider_token": settings.payment_provider_token or SecretStr(SANDBOX_PROVIDER_TOKEN),
        }
    )


class Sandbox:
    """The emulator, the bot and the chat page, started and stopped together (run_sandbox and the tests)."""

    def __init__(
        self, settings: Settings, port: int, host: str = "127.0.0.1", users: list[SandboxUser] | None = None
    ) -> None:
        self.settings = settings
        self.host = host
        self.requested_port = port
        self.users = users if users is not None else sandbox_users(settings)
        self.emulator = TelegramEmulator(token=SANDBOX_TOKEN, validate=True)
        self.page = ChatPage(self.emulator, self.users)
        self.app: BotApp | None = None

    @property
    def url(self) -> str:
        return self.page.url

    async def start(self) -> None:
        """Emulator, then the page (a taken port fails before the bot starts), then the bot."""
        await self.emulator.start()
        try:
            # the bot skips update ids it has recorded, so a restarted sandbox must not reuse them
            self.emulator.continue_numbering(await seen_update_id(self.settings.database_url), _time_based_id())
            try:
                await self.page.start(self.host, self.requested_port)
            except OSError as error:
                raise PortInUse(self.host, self.requested_port, _reason(error)) from None
            for user in self.emulator.users.values():
                user.open_chat()  # these users pressed Start in an earlier run; the bot may write to them
            app = BotApp(bot_settings(self.settings, self.emulator.api_base))
            try:
                await app.start()
            except BaseException:
                with contextlib.suppress(Exception):  # best effort: free what start() got to before failing
                    await app.stop()
                raise
            self.app = app
            # A few products so a person trying the bot can buy something (added once, by SKU).
            await orders.seed_demo(UnitOfWork(app.database))
        except BaseException:
            await self.stop()
            raise

    async def wait(self, stop: asyncio.Event) -> bool:
        """Until stop is set (True) or the bot's polling ends by itself (False)."""
        assert self.app is not None
        stopping = asyncio.create_task(stop.wait())
        # shielded: cancelling this wait must not cancel the polling itself; stop() ends that cleanly
        polling = asyncio.shield(self.app.wait())
        await asyncio.wait({stopping, polling}, return_when=asyncio.FIRST_COMPLETED)
        for task in (stopping, polling):
            task.cancel()
        await asyncio.gather(stopping, polling, return_exceptions=True)
        return stop.is_set()

    async def stop(self) -> None:
        """Bot first (its last calls still reach the emulator), then the page, then the emulator."""
        try:
            if self.app is not None:
                app, self.app = self.app, None
                await app.stop()
        finally:
            try:
                await self.page.stop()
            finally:
                await self.emulator.stop()


async def seen_update_id(database_url: str) -> int:
    """The highest update id the bot has recorded in this database (0 for a new one)."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            return await connection.scalar(select(func.max(ProcessedUpdate.update_id))) or 0
    except DBAPIError:
        return 0  # no table yet: BotApp.start() migrates; a database that is down fails loudly there
    finally:
        await engine.dispose()


def _time_based_id() -> int:
    """Message ids above any earlier run's (tenths of a second since 2025), so a dialog's stored
    message id never names a different message after a restart; fits in 32 bits until 2031."""
    return int((time.time() - SANDBOX_EPOCH) * 10)


def _reason(error: OSError) -> str:
    if error.errno == errno.EADDRINUSE:
        return "the port is already in use"
    if error.errno == errno.EACCES:
        return "permission denied (ports below 1024 need root)"
    return error.strerror or str(error)


async def serve(settings: Settings, port: int) -> bool:
    """Run the sandbox until Ctrl-C or SIGTERM; False if the bot stopped on its own."""
    sandbox = Sandbox(settings, port)
    await sandbox.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # Windows: Ctrl-C raises instead
            loop.add_signal_handler(signum, stop.set)
    print(f"Open {sandbox.url}", flush=True)
    names = ", ".join(f"{user.first_name} ({user.id}{', owner' if user.role == 'owner' else ''})" for user in sandbox.users)
    log.info("sandbox users: %s; Ctrl-C stops", names)
    try:
        return await sandbox.wait(stop)
    finally:
        await sandbox.stop()


def run_sandbox(settings: Settings, port: int | None = None) -> int:
    """Exit code: 0 after Ctrl-C/SIGTERM, 2 if the page's port cannot be used, 1 if the bot died."""
    port = settings.sandbox_port if port is None else port
    try:
        clean = asyncio.run(serve(settings, port))
    except PortInUse as error:
        print(
            f"Cannot open the sandbox page on {error.host}:{error.port}: {error.reason}.\n"
            f"  Pick another port: python run_bot.py --sandbox --port {error.port + 1}  (or set SANDBOX_PORT)",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        return 0
    if not clean:
        log.error("the bot stopped polling; the sandbox shut down")
        return 1
    return 0
