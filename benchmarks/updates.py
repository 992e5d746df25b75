"""Update throughput of the full bot against a bare aiogram bot, through the fake Telegram.

Each bot runs in its own process (long polling against the Bot API emulator over loopback HTTP),
as it would against real Telegram, so its CPU time and peak memory are its own. The simulated
members and the emulators run in this process. Numbers are indicative: the machine (2 cores) is
shared, and the load generator competes with the bot for the same cores.

Fairness. The bare bot gets every framework-level fix the full bot gets: the same pinned pydantic
`Response[T]` models (bot.dispatcher.pin_response_models) and the same HTML parse-mode default
properties. It answers each update the way the full bot does (a message, or an edit plus a
callback answer) with the same buttons, but with no database, FSM, i18n or middleware.

Method. For each scenario, a warm-up block that is not counted, then alternating measured blocks
(full, bare, full, bare ...) so machine noise hits both; throughput and CPU per update are medians
over blocks, p99 is over all measured updates.

Scenarios (each on SQLite and on PostgreSQL; PostgreSQL on a throwaway database, skipped with one
line when not reachable):
- read:  a member taps the menu (/start), the profile button, the points page (/points).
- write: a member checks in (/checkin, a fresh member per block: once a day each), opens /points
         and turns the history page (page size 2); a fresh guest opens /start, taps join and
         accepts the privacy consent (the first dialog step: an FSM write and the next question).
- burst: 200 guests, each at the consent step of joining, accept at the same moment; prints
         answered, errors (no answer within 60 s, or Bot API calls Telegram would refuse) and p99.

Flood control is set generous in the benchmark bot (FLOOD_BURST=10000): simulated members type
faster than people, and the benchmark measures handling, not the limiter.

    .venv/bin/python benchmarks/updates.py [--members 20] [--blocks 3] [--quick]

Prints one `RESULT db=... scenario=...` line per scenario and database.
"""

import argparse
import asyncio
import itertools
import multiprocessing
import os
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.i18n import translator  # noqa: E402
from sandbox.emulator import SimUser, TelegramEmulator  # noqa: E402

TOKEN = "123456:BENCH"
POSTGRES_ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
TIMEOUT = 60.0
BURST = 200
ZH = translator("zh")
# What the simulated people do: ("send", text) or ("press", button label).
READ = [("send", "/start"), ("press", ZH("btn-profile")), ("send", "/points")]
MEMBER_WRITE = [("send", "/checkin"), ("send", "/points"), ("press", ZH("points-btn-next"))]
# Joining starts with the privacy consent: accepting it is the dialog step (an FSM write, the next question).
GUEST_WRITE = [("send", "/start"), ("press", ZH("btn-register")), ("press", ZH("btn-accept"))]
LABELS = sorted({text for step, text in READ + MEMBER_WRITE + GUEST_WRITE if step == "press"})


def bot_settings(api_base: str, database_url: str, **extra: object) -> dict[str, object]:
    """The full bot's settings in every benchmark (scale.py too)."""
    return {
        "bot_token": TOKEN, "telegram_api_base": api_base, "database_url": database_url, "log_level": "WARNING",
        "flood_burst": 10_000, "points_history_page_size": 2, "bcrypt_rounds": 4, "webhook_url": None,
        "redis_url": None, **extra,
    }


# --- the bot processes --------------------------------------------------------------------------

def serve_full(api_base: str, database_url: str) -> None:
    from bot.app import BotApp
    from bot.config import Settings

    async def main() -> None:
        app = BotApp(Settings(_env_file=None, **bot_settings(api_base, database_url)))
        await app.start()
        await app.wait()

    asyncio.run(main())


def serve_bare(api_base: str, labels: list[str]) -> None:
    """The smallest aiogram bot that answers the same updates the same way, with the same fixes."""
    from aiogram import Bot, Dispatcher, F, Router
    from aiogram.client.default import DefaultBotProperties
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.enums import ParseMode
    from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

    from bot.dispatcher import pin_response_models

    pinned = pin_response_models()  # the same framework fix as the full bot (held for the process)
    router = Router()
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=label, callback_data=f"b{i}")] for i, label in enumerate(labels)]
    )

    @router.message(F.text)
    async def answer(message: Message) -> None:
        await message.answer(f"<b>echo</b> {len(message.text)}", reply_markup=keyboard)

    @router.callback_query()
    async def edit(callback: CallbackQuery) -> None:
        await callback.message.edit_text(f"<b>page</b> {callback.data}", reply_markup=keyboard)
        await callback.answer()

    async def main() -> None:
        bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(api_base)),
                  default=DefaultBotProperties(parse_mode=ParseMode.HTML))
        dispatcher = Dispatcher()
        dispatcher.include_router(router)
        await dispatcher.start_polling(bot, handle_signals=False, polling_timeout=10)

    assert pinned
    asyncio.run(main())


# --- measuring ----------------------------------------------------------------------------------

def proc_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def p99_ms(latencies: list[float]) -> float:
    if not latencies:
        return float("nan")
    ordered = sorted(latencies)
    return ordered[min(int(len(ordered) * 0.99), len(ordered) - 1)] * 1000


async def do(user: SimUser, step: tuple[str, str], **values: str) -> None:
    """One action, waiting for its answer: a new message, or the callback answer of a press."""
    kind, text = step
    if kind == "send":
        await user.send(text.format(**values))
        await user.expect_message(timeout=TIMEOUT)
    else:
        await user.press(user.messages[-1], text, timeout=TIMEOUT)


async def walk(user: SimUser, steps: list[tuple[str, str]], latencies: list[float], **values: str) -> None:
    for step in steps:
        started = time.perf_counter()
        await do(user, step, **values)
        latencies.append(time.perf_counter() - started)


@dataclass
class Contender:
    """One bot process under test, its fake Telegram, and what was measured per scenario."""

    name: str
    emulator: TelegramEmulator
    process: multiprocessing.Process
    throughputs: dict[str, list[float]] = field(default_factory=dict)
    cpu: dict[str, list[float]] = field(default_factory=dict)
    latencies: dict[str, list[float]] = field(default_factory=dict)

    async def start(self) -> None:
        self.process.start()
        polling = await self.emulator.changes.wait_for(
            lambda: any(r.method == "getUpdates" for r in self.emulator.requests), 120)
        if not polling or not self.process.is_alive():
            raise RuntimeError(f"the {self.name} bot process did not start polling")

    async def block(self, scenario: str, walks: list, measured: bool) -> None:
        """Run the walks at once; record updates/s, CPU ms per update and latencies if measured."""
        latencies: list[float] = []
        before = proc_cpu_seconds(self.process.pid)
        started = time.perf_counter()
        await asyncio.gather(*(walk(user, steps, latencies, **values) for user, steps, values in walks))
        elapsed = time.perf_counter() - started
        if measured:
            self.throughputs.setdefault(scenario, []).append(len(latencies) / elapsed)
            self.cpu.setdefault(scenario, []).append((proc_cpu_seconds(self.process.pid) - before) * 1000 / len(latencies))
            self.latencies.setdefault(scenario, []).extend(latencies)

    def summary(self, scenario: str) -> tuple[float, float, float, float]:
        """(updates/s, p99 ms, CPU ms per update, peak RSS MiB)."""
        return (statistics.median(self.throughputs[scenario]), p99_ms(self.latencies[scenario]),
                statistics.median(self.cpu[scenario]), proc_peak_rss_mib(self.process.pid))

    async def stop(self) -> None:
        if self.process.pid is not None:
            self.process.terminate()
            self.process.join(10)
        await self.emulator.stop()


# --- the load -----------------------------------------------------------------------------------

# Fresh Telegram ids each run: dialog state in a shared Redis outlives a run (benchmarks/scale.py).
_ids = itertools.count(10**9 + secrets.randbelow(10**6) * 10**4)


def new_user(emulator: TelegramEmulator) -> SimUser:
    return emulator.user(user_id=next(_ids), first_name="Member", language_code="zh")


async def make_members(database_url: str, emulator: TelegramEmulator, count: int) -> list[SimUser]:
    """Registered members bound to fresh users, each with two credits (so history has two pages)."""
    from zoneinfo import ZoneInfo

    from models.database import Database
    from models.migrate import upgrade_to_head
    from services import accounts, points
    from services.unit_of_work import UnitOfWork

    database = Database(database_url)
    await upgrade_to_head(database.engine)
    uow = UnitOfWork(database)
    users = []
    for _ in range(count):
        user = new_user(emulator)
        name = f"b{uuid.uuid4().hex[:12]}"
        member = await accounts.create_account(uow, name, "bench-pass-1", f"{name}@example.com", None, rounds=4)
        await accounts.login(uow, name, "bench-pass-1", user.id)
        for n in range(2):
            await points.credit(uow, member.id, "welcome", 5, f"bench-seed-{member.id}-{n}", tz=ZoneInfo("UTC"))
        user.open_chat()
        users.append(user)
    await database.dispose()
    return users


def bare_users(emulator: TelegramEmulator, count: int) -> list[SimUser]:
    users = [new_user(emulator) for _ in range(count)]
    for user in users:
        user.open_chat()
    return users


async def read_walks(members: list[SimUser], rounds: int) -> list:
    return [(user, READ * rounds, {}) for user in members]


def write_walks(members: list[SimUser], guests: list[SimUser]) -> list:
    walks = [(user, MEMBER_WRITE, {}) for user in members]
    walks += [(guest, GUEST_WRITE, {"username": f"g{guest.id}"}) for guest in guests]
    return walks


async def burst(contender: Contender, guests: list[SimUser]) -> tuple[int, int, float]:
    """Every guest at the consent step (not measured), then all accept at once: (answered, errors, p99)."""
    await asyncio.gather(*(walk(guest, GUEST_WRITE[:2], []) for guest in guests))
    contender.emulator.clear_errors()
    latencies: list[float] = []
    failures = 0

    async def answer(guest: SimUser) -> None:
        nonlocal failures
        started = time.perf_counter()
        try:
            await do(guest, GUEST_WRITE[2], username=f"g{guest.id}")
        except AssertionError:
            failures += 1
            return
        latencies.append(time.perf_counter() - started)

    await asyncio.gather(*(answer(guest) for guest in guests))
    return len(latencies), failures + len(contender.emulator.errors), p99_ms(latencies)


# --- one database -------------------------------------------------------------------------------

async def run_database(db: str, database_url: str, bare: Contender, args: argparse.Namespace) -> None:
    spawn = multiprocessing.get_context("spawn")
    emulator = TelegramEmulator(token=TOKEN, validate=False)
    await emulator.start()
    full = Contender("member-bot", emulator, spawn.Process(target=serve_full, args=(emulator.api_base, database_url)))
    blocks = 1 if args.quick else args.blocks
    members = args.members
    try:
        readers = await make_members(database_url, emulator, members)
        writers = await make_members(database_url, emulator, members * (blocks + 1))
        await full.start()
        bare_readers = bare_users(bare.emulator, members)
        for i in range(blocks + 1):  # block 0 warms up both bots and is not counted
            await full.block("read", await read_walks(readers, args.rounds), measured=i > 0)
            await bare.block("read", await read_walks(bare_readers, args.rounds), measured=i > 0)
        for i in range(blocks + 1):
            fresh = writers[i * members:(i + 1) * members]
            await full.block("write", write_walks(fresh, bare_users(emulator, members)), measured=i > 0)
            await bare.block("write", write_walks(bare_users(bare.emulator, members),
                                                   bare_users(bare.emulator, members)), measured=i > 0)
        for scenario in ("read", "write"):
            report(db, scenario, full, bare)
            for contender in (full, bare):
                contender.throughputs.pop(scenario), contender.cpu.pop(scenario), contender.latencies.pop(scenario)
        answered, errors, p99 = await burst(full, bare_users(emulator, BURST))
        bare_answered, bare_errors, bare_p99 = await burst(bare, bare_users(bare.emulator, BURST))
        print(f"RESULT db={db} scenario=burst members={BURST} answered={answered} errors={errors} p99_ms={p99:.1f} "
              f"bare_answered={bare_answered} bare_errors={bare_errors} bare_p99_ms={bare_p99:.1f}", flush=True)
    finally:
        await full.stop()


def report(db: str, scenario: str, full: Contender, bare: Contender) -> None:
    rate, p99, cpu, rss = full.summary(scenario)
    bare_rate, bare_p99, bare_cpu, bare_rss = bare.summary(scenario)
    ratios = [f / b for f, b in zip(full.throughputs[scenario], bare.throughputs[scenario], strict=True)]
    print(f"RESULT db={db} scenario={scenario} updates_per_s={rate:.1f} bare_updates_per_s={bare_rate:.1f} "
          f"ratio_vs_bare={statistics.median(ratios):.2f} p99_ms={p99:.1f} bare_p99_ms={bare_p99:.1f} "
          f"cpu_ms={cpu:.2f} bare_cpu_ms={bare_cpu:.2f} rss_mib={rss:.1f} bare_rss_mib={bare_rss:.1f}", flush=True)


async def create_postgres_database() -> tuple[str, object]:
    """A throwaway database (as tests/conftest.py makes them) and the coroutine function that drops it."""
    import asyncpg
    from sqlalchemy.engine import make_url

    admin = make_url(POSTGRES_ADMIN_URL)
    name = f"memberbot_bench_{uuid.uuid4().hex[:8]}"
    dsn = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn, timeout=5)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()

    async def drop() -> None:
        connection = await asyncpg.connect(dsn, timeout=5)
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await connection.close()

    return admin.set(database=name).render_as_string(hide_password=False), drop


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3, help="read rounds per member in each block")
    parser.add_argument("--blocks", type=int, default=3, help="measured blocks per bot and scenario")
    parser.add_argument("--quick", action="store_true", help="one measured block per scenario")
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    print(f"{args.members} members; warm-up + {1 if args.quick else args.blocks} alternating blocks per scenario; "
          f"each bot in its own process; loopback HTTP; {os.cpu_count()} cores shared with the load generator; "
          "indicative numbers on a shared machine", flush=True)
    spawn = multiprocessing.get_context("spawn")
    bare_emulator = TelegramEmulator(token=TOKEN, validate=False)
    await bare_emulator.start()
    bare = Contender("bare", bare_emulator, spawn.Process(target=serve_bare, args=(bare_emulator.api_base, LABELS)))
    try:
        await bare.start()
        with tempfile.TemporaryDirectory() as folder:
            if "sqlite" in args.databases:
                await run_database("sqlite", f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}", bare, args)
        if "postgresql" in args.databases:
            try:
                url, drop = await create_postgres_database()
            except Exception as error:  # noqa: BLE001 - any failure means "not reachable"
                print(f"postgres: skipped (not reachable at {POSTGRES_ADMIN_URL}: {type(error).__name__})")
                return
            try:
                await run_database("postgresql", url, bare, args)
            finally:
                await drop()
    finally:
        await bare.stop()


if __name__ == "__main__":
    asyncio.run(main())
