"""The personalised coupon automation at scale: one job run over every opted-in member (the fixture of
benchmarks/recommendations.py: members across the tiers, orders of 1-5 products, 90% paid), then a second
run (nobody is due any more: the cost of every later run in the period). Set-up is not timed.

    RESULT db=postgresql scenario=personal_coupon members=100000 order_lines=1000000 due=... first_run_s=... queued=... rerun_ms=...

    .venv/bin/python benchmarks/personal_coupon.py [--db sqlite|postgresql|both] [--members 100000] [--lines 1000000]

One run handles at most MAX_BATCHES x BATCH members (10,000); the rest are handled by the next runs
(every 10 minutes), so `first_run_s` is the time of one full run.
"""

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.recommendations import plan, seed  # noqa: E402
from benchmarks.updates import POSTGRES_ADMIN_URL, create_postgres_database  # noqa: E402


async def measure(url: str, args: argparse.Namespace, rows: tuple[list[dict], ...]) -> str:
    from models.database import Database
    from models.migrate import upgrade_to_head
    from services.automation import personal
    from services.automation.rules import DEFAULTS, Rule
    from services.policy import ShopPolicy
    from services.unit_of_work import UnitOfWork

    database = Database(url)
    await upgrade_to_head(database.engine)
    await seed(database, rows)
    policy, now = ShopPolicy(), datetime.now(UTC)
    rule = Rule(personal.KIND, True, dict(DEFAULTS[personal.KIND][1]))
    started = time.perf_counter()
    queued = await personal.run(UnitOfWork(database), policy, rule, now)
    first = time.perf_counter() - started
    while await personal.run(UnitOfWork(database), policy, rule, now):  # the rest of the members, not timed
        pass
    started = time.perf_counter()
    assert await personal.run(UnitOfWork(database), policy, rule, now) == 0
    rerun = (time.perf_counter() - started) * 1000
    async with database.engine.connect() as connection:
        due = (await connection.exec_driver_sql("SELECT count(*) FROM automation_sends")).scalar()
    await database.dispose()
    return (f"RESULT db={database.engine.dialect.name} scenario=personal_coupon members={args.members} "
            f"order_lines={args.lines} due={due} first_run_s={first:.1f} queued={queued} rerun_ms={rerun:.0f}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    args = parser.parse_args()
    products, members, orders, lines = plan(args.members, args.lines, 500)
    for index, member in enumerate(members):  # everyone opted in, with a chat
        member.update(marketing_opt_in=True, status="active", telegram_id=5_000_000_000 + index)
    rows = (products, members, orders, lines)
    results = []
    if args.db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as folder:
            results.append(await measure(f"sqlite+aiosqlite:///{Path(folder) / 'personal.sqlite3'}", args, rows))
            print(results[-1], flush=True)
    if args.db in ("postgresql", "both"):
        try:
            url, drop = await create_postgres_database()
        except Exception as error:  # noqa: BLE001 - any failure means "not reachable"
            print(f"postgres: skipped (not reachable at {POSTGRES_ADMIN_URL}: {type(error).__name__})")
        else:
            try:
                results.append(await measure(url, args, rows))
            finally:
                await drop()
    for line in results:
        print(line)


if __name__ == "__main__":
    asyncio.run(main())
