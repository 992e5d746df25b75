"""PostgreSQL transactions per member action, counted with pg_stat_database (docs/SCALING.md).

For each action, the bot starts on a throwaway database, N members each do the action once,
and the bot stops (its connections close, so PostgreSQL has flushed their statistics); the
same start and stop with no action is subtracted. Counts commits and rollbacks. What leads up
to the action (e.g. opening the menu before pressing a button) runs in an earlier, uncounted
start of the bot.

    .venv/bin/python benchmarks/transactions.py [--members 20]
"""

import argparse
import asyncio
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.updates import (  # noqa: E402
    POSTGRES_ADMIN_URL,
    TOKEN,
    ZH,
    bare_users,
    bot_settings,
    create_postgres_database,
    do,
    make_members,
)
from sandbox.emulator import SimUser, TelegramEmulator  # noqa: E402

# In this order (the check-in makes the third history row, so the history has a second page).
# action: (set-up steps, not counted; the counted step); "{username}" is filled per user.
ACTIONS = {
    "menu /start": ([], ("send", "/start")),
    "profile button": ([("send", "/start")], ("press", ZH("btn-profile"))),
    "points page /points": ([], ("send", "/points")),
    "check-in /checkin": ([], ("send", "/checkin")),
    "history page turn": ([("send", "/points")], ("press", ZH("points-btn-next"))),
    "joining step (guest)": ([("send", "/start"), ("press", ZH("btn-register"))], ("press", ZH("btn-accept"))),
}


async def transactions(admin_dsn: str, name: str) -> int:
    import asyncpg

    connection = await asyncpg.connect(admin_dsn)
    try:
        return await connection.fetchval(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = $1", name)
    finally:
        await connection.close()


async def run_bot(url: str, emulator: TelegramEmulator, work) -> None:  # noqa: ANN001 - a coroutine function
    """Start the bot, do the work, stop it: its connections close, so PostgreSQL has its statistics."""
    from bot.app import BotApp
    from bot.config import Settings

    app = BotApp(Settings(_env_file=None, **bot_settings(emulator.api_base, url, background_jobs=False)))
    await app.start()
    try:
        await work()
        await app.in_flight.wait_idle()
    finally:
        await app.stop()
    await asyncio.sleep(1.0)


async def counted(admin_dsn: str, name: str, url: str, emulator: TelegramEmulator, work) -> int:  # noqa: ANN001
    before = await transactions(admin_dsn, name)
    await run_bot(url, emulator, work)
    return await transactions(admin_dsn, name) - before


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=20)
    args = parser.parse_args()
    from sqlalchemy.engine import make_url

    try:
        url, drop = await create_postgres_database()
    except Exception as error:  # noqa: BLE001 - any failure means "not reachable"
        print(f"postgres: skipped (not reachable at {POSTGRES_ADMIN_URL}: {type(error).__name__})")
        return
    name = make_url(url).database
    admin_dsn = make_url(POSTGRES_ADMIN_URL).set(drivername="postgresql").render_as_string(hide_password=False)
    emulator = TelegramEmulator(token=TOKEN, validate=False)
    await emulator.start()
    try:
        members = await make_members(url, emulator, args.members)
        await asyncio.sleep(1.0)  # the set-up's connections have closed and flushed their statistics
        print(f"PostgreSQL transactions per action ({args.members} members each, bot start/stop subtracted):")

        async def nothing() -> None:
            return None

        idle = await counted(admin_dsn, name, url, emulator, nothing)
        print(f"a bot start and stop alone: {idle} transactions")
        for label, (setup, step) in ACTIONS.items():
            users = bare_users(emulator, args.members) if "guest" in label else members

            async def prepare(users: list[SimUser] = users, setup: list = setup) -> None:
                for user in users:
                    for action in setup:
                        await do(user, action, username=f"g{user.id}")

            async def act(users: list[SimUser] = users, step: tuple = step) -> None:
                await asyncio.gather(*(do(user, step, username=f"g{user.id}") for user in users))

            await run_bot(url, emulator, prepare)
            spent = await counted(admin_dsn, name, url, emulator, act)
            print(f"RESULT action={label!r} transactions_per_action={(spent - idle) / len(users):.2f}", flush=True)
    finally:
        await emulator.stop()
        await drop()


if __name__ == "__main__":
    asyncio.run(main())
