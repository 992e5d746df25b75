"""1,000 members tap "claim" on a stock-100 campaign at once: the full bot against a bare echo bot.

Set-up (not timed): the members exist and each has the coupon centre open (through the bot).
Then every member taps the claim button at the same moment; the fake Telegram records when
each tap is answered. The bot runs in its own process (benchmarks/updates.py), on SQLite.
The same taps then go to a bare aiogram bot that only edits the message. Prints the counts
and a final line:

    RESULT db=sqlite scenario=claim issued=... answered=... oversold=... claims_per_s=... ratio_vs_bare=... p99_ms=...

    .venv/bin/python benchmarks/coupons.py [--members 1000] [--stock 100]
"""

import argparse
import asyncio
import multiprocessing
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.updates import TOKEN, _wait_until_polling, serve_bare, serve_full
from sandbox.emulator import SimUser, TelegramEmulator

CAMPAIGN = "bench-claim"


async def prepare(database_url: str, emulator: TelegramEmulator, count: int, stock: int) -> list[SimUser]:
    """Members bound to simulated users (one transaction), and the campaign."""
    from models.database import Database
    from models.migrate import upgrade_to_head
    from services import coupons
    from services.unit_of_work import UnitOfWork

    database = Database(database_url)
    await upgrade_to_head(database.engine)
    uow = UnitOfWork(database)
    users = []
    async with uow.write():
        for i in range(count):
            user = emulator.user(user_id=700_000 + i, first_name="Member", language_code="zh")
            await uow.members.remember_telegram_user(user.id, "zh")
            await uow.members.add(username=f"c{i}", username_key=f"c{i}", telegram_id=user.id)
            user.open_chat()
            users.append(user)
        await uow.commit()
    spec = coupons.CampaignSpec(code=CAMPAIGN, name_zh="抢券", name_en="Rush", kind="amount_off", amount_off=500,
                                valid_days=7, stock=stock)
    await coupons.create_campaign(uow, spec)
    await database.dispose()
    return users


async def issued(database_url: str) -> int:
    from sqlalchemy import func, select

    from models.coupons import Coupon
    from models.database import Database

    database = Database(database_url)
    async with database.sessionmaker() as session:
        count = await session.scalar(select(func.count()).select_from(Coupon))
    await database.dispose()
    return count


async def open_centre(user: SimUser, wallet_text: str, centre_button: str) -> object:
    await user.send(wallet_text)
    screen = await user.expect_message(timeout=120)
    await user.press(screen, centre_button, timeout=120)
    return screen


async def rush(users: list[SimUser], screens: list[object], button: str) -> tuple[float, list[float], int]:
    """Everyone taps at once; (elapsed s, latencies s, taps answered)."""
    latencies: list[float] = []

    async def tap(user: SimUser, screen: object) -> None:
        started = time.perf_counter()
        await user.press(screen, button, timeout=300)
        latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    results = await asyncio.gather(*(tap(u, s) for u, s in zip(users, screens, strict=True)), return_exceptions=True)
    elapsed = time.perf_counter() - started
    return elapsed, latencies, sum(1 for result in results if result is None)


def p99(latencies: list[float]) -> float:
    ordered = sorted(latencies)
    return ordered[max(int(len(ordered) * 0.99) - 1, 0)] * 1000 if ordered else 0.0


async def main() -> None:
    from bot.i18n import translator

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--stock", type=int, default=100)
    args = parser.parse_args()
    t = translator("zh")
    spawn = multiprocessing.get_context("spawn")
    full_telegram, bare_telegram = TelegramEmulator(token=TOKEN, validate=False), TelegramEmulator(token=TOKEN)
    await full_telegram.start()
    await bare_telegram.start()
    with tempfile.TemporaryDirectory() as folder:
        database_url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}"
        users = await prepare(database_url, full_telegram, args.members, args.stock)
        full = spawn.Process(target=serve_full, args=(full_telegram.api_base, database_url))
        bare = spawn.Process(target=serve_bare, args=(bare_telegram.api_base,))
        try:
            full.start()
            bare.start()
            await asyncio.gather(_wait_until_polling(full_telegram, full), _wait_until_polling(bare_telegram, bare))
            screens = []
            for start in range(0, len(users), 50):  # set-up in waves, not timed
                wave = users[start:start + 50]
                screens += await asyncio.gather(*(open_centre(u, "/coupons", t("coupons-btn-centre")) for u in wave))
            elapsed, latencies, answered = await rush(users, screens, t("coupons-btn-claim", name="抢券"))
            count = await issued(database_url)
            bare_users = [bare_telegram.user(user_id=900_000 + i, first_name="Bare") for i in range(len(users))]
            bare_screens = []
            for start in range(0, len(bare_users), 50):
                wave = bare_users[start:start + 50]
                bare_screens += await asyncio.gather(*(_echo_screen(u) for u in wave))
            bare_elapsed, bare_latencies, bare_answered = await rush(bare_users, bare_screens, "profile")
        finally:
            for process in (full, bare):
                if process.pid is not None:
                    process.terminate()
                    process.join(10)
            await full_telegram.stop()
            await bare_telegram.stop()
    claims_per_s, bare_per_s = answered / elapsed, bare_answered / bare_elapsed
    print(f"{args.members} members tap claim at once; stock {args.stock}; SQLite; bot in its own process")
    print(f"member-bot: answered {answered} in {elapsed:.2f} s, p50 {statistics.median(latencies) * 1000:.0f} ms, "
          f"p99 {p99(latencies):.0f} ms; coupons issued {count}")
    print(f"bare echo:  answered {bare_answered} in {bare_elapsed:.2f} s, p99 {p99(bare_latencies):.0f} ms")
    print(f"RESULT db=sqlite scenario=claim issued={count} answered={answered} oversold={max(count - args.stock, 0)} "
          f"claims_per_s={claims_per_s:.1f} ratio_vs_bare={claims_per_s / bare_per_s:.2f} p99_ms={p99(latencies):.1f}")


async def _echo_screen(user: SimUser) -> object:
    await user.send("hello")
    return await user.expect_message(timeout=120)


if __name__ == "__main__":
    asyncio.run(main())
