"""Recommendations at scale: 100,000 members and 1,000,000 order lines, then `for_member` and the /shop
first page (the catalog page with its "For you" block, rendered by the handler) for a sample of members.

Set-up (not timed): a fresh database migrated to head, bulk-inserted products (a skewed popularity so
co-purchases and best sellers are realistic), members across the tiers, and orders of 1-5 distinct
products (90% paid). Then a warm-up of 20 members, not counted, and `--sample` members timed one by one,
each on its own unit of work as a handler would. Prints a final line per database:

    RESULT db=sqlite scenario=recommendations members=100000 order_lines=1000000 p50_ms=... p99_ms=... shop_p50_ms=... shop_p99_ms=...

    .venv/bin/python benchmarks/recommendations.py [--db sqlite|postgresql|both] [--members 100000] [--lines 1000000]
"""

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.updates import POSTGRES_ADMIN_URL, TOKEN, create_postgres_database  # noqa: E402

TIERS = (("normal", 70), ("silver", 20), ("gold", 8), ("diamond", 2))
BATCH = 10_000


def plan(members: int, lines: int, products: int, seed: int = 15) -> tuple[list[dict], list[dict], list[dict], list[dict]]:
    """Rows of products, members, orders and order lines (explicit ids, so lines can name their order)."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    product_rows = [dict(id=i, name_zh=f"商品{i}", name_en=f"Item {i}", price=rng.randrange(500, 50_000, 100),
                         stock=0 if i % 50 == 0 else 1_000, category=f"c{i % 20}", repeatable=i % 3 != 0,
                         active=i % 97 != 0, created_at=now, updated_at=now) for i in range(1, products + 1)]
    tiers = [name for name, _ in TIERS]
    member_tiers = rng.choices(tiers, weights=[weight for _, weight in TIERS], k=members)
    member_rows = [dict(id=i, username=f"b{i}", username_key=f"b{i}", tier=member_tiers[i - 1], created_at=now)
                   for i in range(1, members + 1)]
    weights = [1 / (rank + 1) ** 0.9 for rank in range(products)]
    cumulative = [sum(weights[: i + 1]) for i in range(products)]
    order_rows, line_rows = [], []
    order_id = 0
    while len(line_rows) < lines:
        order_id += 1
        chosen = set(rng.choices(range(1, products + 1), cum_weights=cumulative, k=rng.randint(1, 5)))
        paid = rng.random() < 0.9
        at = now - timedelta(minutes=lines - len(line_rows))
        total = 0
        for product_id in chosen:
            price = product_rows[product_id - 1]["price"]
            total += price
            line_rows.append(dict(id=len(line_rows) + 1, order_id=order_id, product_id=product_id, name_zh="x",
                                  name_en="x", unit_price=price, quantity=1, refunded_quantity=0))
        order_rows.append(dict(id=order_id, member_id=rng.randint(1, members), status="paid" if paid else "cancelled",
                               subtotal=total, total=total, currency="CNY", created_at=at, updated_at=at,
                               paid_at=at if paid else None))
    return product_rows, member_rows, order_rows, line_rows[:lines]


async def seed(database: object, rows: tuple[list[dict], ...]) -> None:
    from models.members import Member
    from models.orders import Order, OrderLine, Product

    for table, values in zip((Product, Member, Order, OrderLine), rows, strict=True):
        for start in range(0, len(values), BATCH):
            async with database.engine.begin() as connection:
                await connection.execute(table.__table__.insert(), values[start: start + BATCH])
    if database.engine.dialect.name == "postgresql":
        async with database.engine.begin() as connection:
            for table in ("products", "members", "orders", "order_lines"):
                await connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
                await connection.exec_driver_sql(f"ANALYZE {table}")
    else:
        async with database.engine.begin() as connection:
            await connection.exec_driver_sql("ANALYZE")


async def measure(url: str, args: argparse.Namespace, rows: tuple[list[dict], ...]) -> str:
    from bot.config import Settings
    from bot.dispatcher import shop_policy
    from bot.i18n import translator
    from handlers.shop import catalog_view
    from models.database import Database
    from models.migrate import upgrade_to_head
    from services.orders import recommendations
    from services.unit_of_work import UnitOfWork

    database = Database(url)
    await upgrade_to_head(database.engine)
    started = time.perf_counter()
    await seed(database, rows)
    print(f"{database.engine.dialect.name}: seeded in {time.perf_counter() - started:.0f} s", flush=True)
    settings = Settings(bot_token=TOKEN, database_url=url, webhook_url=None, redis_url=None)
    policy, t = shop_policy(settings), translator("zh")
    sample = random.Random(7).sample(range(1, args.members + 1), args.sample + 20)
    timings, pages = [], []
    for index, member_id in enumerate(sample):
        uow = UnitOfWork(database)
        began = time.perf_counter()
        picks = await recommendations.for_member(uow, member_id, 3)
        middle = time.perf_counter()
        async with uow.read():
            member = await uow.members.view(member_id)
        page_began = time.perf_counter()
        await catalog_view(uow, member, t, "zh", settings, policy, 0)
        ended = time.perf_counter()
        await uow.close()
        assert len(picks) <= 3
        if index >= 20:  # warm-up not counted
            timings.append((middle - began) * 1000)
            pages.append((ended - page_began) * 1000)
    await database.dispose()

    def p99(values: list[float]) -> float:
        return statistics.quantiles(values, n=100)[98]

    name = database.engine.dialect.name
    return (f"RESULT db={name} scenario=recommendations members={args.members} order_lines={args.lines} "
            f"p50_ms={statistics.median(timings):.1f} p99_ms={p99(timings):.1f} "
            f"shop_p50_ms={statistics.median(pages):.1f} shop_p99_ms={p99(pages):.1f} sample={args.sample}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--products", type=int, default=500)
    parser.add_argument("--sample", type=int, default=200)
    args = parser.parse_args()
    started = time.perf_counter()
    rows = plan(args.members, args.lines, args.products)
    print(f"planned {len(rows[2])} orders, {len(rows[3])} lines in {time.perf_counter() - started:.0f} s", flush=True)
    results = []
    if args.db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as folder:
            results.append(await measure(f"sqlite+aiosqlite:///{Path(folder) / 'recs.sqlite3'}", args, rows))
            print(results[-1], flush=True)
    if args.db in ("postgresql", "both"):
        try:
            url, drop = await create_postgres_database()
        except Exception as error:  # noqa: BLE001 - any failure means "not reachable"
            print(f"postgres: skipped (not reachable at {POSTGRES_ADMIN_URL}: {type(error).__name__})")
        else:
            try:
                results.append(await measure(url, args, rows))
                print(results[-1], flush=True)
            finally:
                await drop()
    for line in results:
        print(line)


if __name__ == "__main__":
    asyncio.run(main())
