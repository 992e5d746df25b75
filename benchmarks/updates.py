"""Update throughput of the full bot against a bare echo dispatcher, through the fake Telegram.

N members each send a stream of updates (the /start menu command, then two button presses
that edit the menu message) to the bot over loopback HTTP. The fake Telegram and the simulated
members run in this process; the bot under test runs in its own process, as it would against
real Telegram, so its CPU time and peak memory are its own. The same load then runs against a
bare aiogram dispatcher that only echoes. Prints a table and a final `RESULT ...` line.

    .venv/bin/python benchmarks/updates.py [--members 20] [--rounds 10]
"""

import argparse
import asyncio
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sandbox.emulator import SimUser, TelegramEmulator  # noqa: E402

TOKEN = "123456:BENCH"


# --- the bot process ----------------------------------------------------------------------------

def serve_full(api_base: str, database_url: str) -> None:
    from bot.app import BotApp
    from bot.config import Settings

    settings = Settings(_env_file=None, bot_token=TOKEN, telegram_api_base=api_base, database_url=database_url,
                        log_level="WARNING")
    asyncio.run(_serve(BotApp(settings)))


async def _serve(app: object) -> None:
    await app.start()
    await app.wait()


def serve_bare(api_base: str) -> None:
    """The smallest aiogram bot that answers the same updates: echo text, edit on a press."""
    from aiogram import Bot, Dispatcher, F, Router
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.types import (
        CallbackQuery,
        InlineKeyboardButton,
        InlineKeyboardMarkup,
        Message,
    )

    router = Router()
    keyboard = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="profile", callback_data="p")],
                                                     [InlineKeyboardButton(text="home", callback_data="h")]])

    @router.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(message.text, reply_markup=keyboard)

    @router.callback_query()
    async def edit(callback: CallbackQuery) -> None:
        await callback.message.edit_text(f"page {callback.data}", reply_markup=keyboard)
        await callback.answer()

    async def main() -> None:
        bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(api_base)))
        dispatcher = Dispatcher()
        dispatcher.include_router(router)
        await dispatcher.start_polling(bot, handle_signals=False, polling_timeout=10)

    asyncio.run(main())


# --- the load -----------------------------------------------------------------------------------

@dataclass
class Run:
    name: str
    latencies: list[float] = field(default_factory=list)
    throughput: float = 0.0
    cpu_ms_per_update: float = 0.0
    peak_rss_mib: float = 0.0

    def row(self) -> str:
        ordered = sorted(self.latencies)
        return (f"| {self.name:<11} | {len(ordered):>7} | {self.throughput:>9.1f} | {self.p50:>6.1f} | {self.p99:>6.1f} "
                f"| {self.cpu_ms_per_update:>11.2f} | {self.peak_rss_mib:>12.1f} |")

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) * 1000

    @property
    def p99(self) -> float:
        ordered = sorted(self.latencies)
        return ordered[max(int(len(ordered) * 0.99) - 1, 0)] * 1000


def _proc_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _proc_peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def _timed(run: Run, action: Callable[[], Awaitable[object]]) -> None:
    started = time.perf_counter()
    await action()
    run.latencies.append(time.perf_counter() - started)


async def _stream(run: Run, user: SimUser, rounds: int, buttons: tuple[str, str]) -> None:
    for _ in range(rounds):
        await _timed(run, lambda: _send_and_wait(user, "/start"))
        menu = user.messages[-1]
        for button in buttons:
            await _timed(run, lambda: user.press(menu, button, timeout=60))


async def _send_and_wait(user: SimUser, text: str) -> None:
    await user.send(text)
    await user.expect_message(timeout=60)


async def _wait_until_polling(emulator: TelegramEmulator, process: multiprocessing.Process) -> None:
    """The bot is ready once it asks for updates (start-up only; the load itself waits on events)."""
    started = await emulator.changes.wait_for(lambda: any(r.method == "getUpdates" for r in emulator.requests), 120)
    if not started or not process.is_alive():
        raise RuntimeError("the bot process did not start polling")


@dataclass
class Contender:
    """One bot process under test, its fake Telegram and its members."""

    run: Run
    emulator: TelegramEmulator
    process: multiprocessing.Process
    users: list[SimUser]
    buttons: tuple[str, str]
    throughputs: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    async def start(self) -> None:
        self.process.start()
        await _wait_until_polling(self.emulator, self.process)

    async def block(self, rounds: int) -> None:
        """One block of load; blocks of the two contenders alternate so machine noise hits both."""
        before, count = _proc_cpu_seconds(self.process.pid), len(self.run.latencies)
        started = time.perf_counter()
        await asyncio.gather(*(_stream(self.run, user, rounds, self.buttons) for user in self.users))
        done = len(self.run.latencies) - count
        self.throughputs.append(done / (time.perf_counter() - started))
        self.cpu.append((_proc_cpu_seconds(self.process.pid) - before) * 1000 / done)

    async def stop(self) -> None:
        if self.throughputs:
            self.run.throughput = statistics.median(self.throughputs)
            self.run.cpu_ms_per_update = statistics.median(self.cpu)
        if self.process.pid is not None:
            self.run.peak_rss_mib = _proc_peak_rss_mib(self.process.pid)
            self.process.terminate()
            self.process.join(10)
        await self.emulator.stop()


async def prepare_members(database_url: str, emulator: TelegramEmulator, count: int) -> list[SimUser]:
    from models.database import Database
    from models.migrate import upgrade_to_head
    from services import accounts
    from services.unit_of_work import UnitOfWork

    database = Database(database_url)
    await upgrade_to_head(database.engine)
    uow = UnitOfWork(database)
    users = []
    for i in range(count):
        user = emulator.user(user_id=800_000 + i, first_name="Member", language_code="zh")
        await accounts.create_account(uow, f"bench{i}", "bench-pass-1", f"bench{i}@example.com", None, rounds=4)
        await accounts.login(uow, f"bench{i}", "bench-pass-1", user.id)
        user.open_chat()
        users.append(user)
    await database.dispose()
    return users


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=4, help="rounds per member in each block")
    parser.add_argument("--blocks", type=int, default=5)
    args = parser.parse_args()
    spawn = multiprocessing.get_context("spawn")
    full_telegram = TelegramEmulator(token=TOKEN, validate=False)
    bare_telegram = TelegramEmulator(token=TOKEN, validate=False)
    await full_telegram.start()
    await bare_telegram.start()
    with tempfile.TemporaryDirectory() as folder:
        database_url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}"
        members = await prepare_members(database_url, full_telegram, args.members)
        echo_users = [bare_telegram.user(user_id=900_000 + i, first_name="Bare", language_code="zh")
                      for i in range(args.members)]
        full = Contender(Run("member-bot"), full_telegram,
                         spawn.Process(target=serve_full, args=(full_telegram.api_base, database_url)),
                         members, ("个人资料", "主菜单"))
        bare = Contender(Run("bare echo"), bare_telegram,
                         spawn.Process(target=serve_bare, args=(bare_telegram.api_base,)),
                         echo_users, ("profile", "home"))
        try:
            await asyncio.gather(full.start(), bare.start())
            for _ in range(args.blocks):
                await full.block(args.rounds)
                await bare.block(args.rounds)
        finally:
            await full.stop()
            await bare.stop()
    ratios = [f / b for f, b in zip(full.throughputs, bare.throughputs, strict=True)]
    print(f"{args.members} members; {args.blocks} alternating blocks of {args.rounds} rounds x 3 updates; SQLite; "
          "each bot in its own process; loopback HTTP; throughput and CPU are medians over blocks")
    print("| bot         | updates | updates/s | p50 ms | p99 ms | CPU ms/upd. | peak RSS MiB |")
    print("|-------------|---------|-----------|--------|--------|-------------|--------------|")
    print(full.run.row())
    print(bare.run.row())
    print(f"RESULT updates_per_s={full.run.throughput:.1f} bare_updates_per_s={bare.run.throughput:.1f} "
          f"ratio_vs_bare={statistics.median(ratios):.2f} p99_ms={full.run.p99:.1f}")


if __name__ == "__main__":
    asyncio.run(main())
