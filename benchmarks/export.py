"""Peak memory and time of the /export CSV writer at 10,000 and 100,000 members (and a naive baseline).

For each size a fresh database is seeded with bulk inserts (members and one ledger entry each),
then the export runs in a child process of its own, so the child's peak RSS (ru_maxrss) is the
export's and nothing of the seeding. `export` is services.export (keyset pages through a
temporary file); `naive` reads every row at once and builds the CSV in memory, what the streamed
export avoids. Same framework setup for both (same engine, same SQL, same csv module); the
imports are warmed up before the base RSS is taken and are not counted in the seconds.

    .venv/bin/python benchmarks/export.py [--sizes 10000 100000] [--db sqlite postgresql]

Prints one `RESULT db=... scenario=export|naive members=N peak_rss_mib=... seconds=...` line per run.
"""

import argparse
import asyncio
import csv
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from models.database import Database  # noqa: E402
from models.members import Member  # noqa: E402
from models.migrate import upgrade_to_head  # noqa: E402
from models.points import PointsLedger  # noqa: E402
from models.repositories.stats import MEMBER_EXPORT_COLUMNS  # noqa: E402
from services import export  # noqa: E402
from services.export import MEMBER_HEADER, member_row  # noqa: E402
from services.policy import ShopPolicy  # noqa: E402
from services.unit_of_work import UnitOfWork  # noqa: E402

POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
OWNER = 1
POLICY = ShopPolicy(owners=frozenset({OWNER}))
SEED_BATCH = 10_000


def rss_mib() -> float:
    """This process's peak resident set so far (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def seed(url: str, members: int) -> None:
    database = Database(url)
    await upgrade_to_head(database.engine)
    now = datetime.now(UTC)
    async with database.session(write=True) as session:
        for start in range(1, members + 1, SEED_BATCH):
            ids = range(start, min(start + SEED_BATCH, members + 1))
            await session.execute(insert(Member), [
                dict(id=i, username=f"user{i}", email=f"user{i}@example.com", phone=f"+86138{i:08d}",
                     address=f"上海市浦东新区 {i} 号", password_hash="$2b$12$" + "x" * 53, telegram_id=10**9 + i,
                     points_available=100, tier="normal", status="active", marketing_opt_in=i % 2 == 0,
                     created_at=now) for i in ids])
            await session.execute(insert(PointsLedger), [
                dict(member_id=i, kind="welcome", amount=100, frozen_delta=0, available_after=100, frozen_after=0,
                     reason="welcome", created_at=now) for i in ids])
        await session.commit()
    await database.dispose()


async def child(url: str, scenario: str) -> dict:
    """Runs in its own process: one export, measured."""
    database = Database(url)
    uow = UnitOfWork(database)
    async with uow.read():  # warm up: connection, dialect, first statements
        await uow.stats.member_rows(0, 10)
    base = rss_mib()
    started = time.perf_counter()
    if scenario == "export":
        made = await export.export(uow, POLICY, OWNER, "members")
        rows, size = made.rows, made.size
        made.remove()
    else:
        async with database.sessionmaker() as session:
            everything = (await session.execute(select(*MEMBER_EXPORT_COLUMNS).order_by(Member.id))).all()
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(MEMBER_HEADER)
        writer.writerows(member_row(tuple(row), POLICY.tz) for row in everything)
        data = buffer.getvalue().encode("utf-8-sig")
        rows, size = len(everything), len(data)
    seconds = time.perf_counter() - started
    await database.dispose()
    return dict(rows=rows, file_mib=round(size / 2**20, 1), base_rss_mib=round(base, 1),
                peak_rss_mib=round(rss_mib(), 1), seconds=round(seconds, 2))


async def postgres_database() -> tuple[str, str] | None:
    import asyncpg

    admin = make_url(POSTGRES_ADMIN_URL)
    dsn = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"memberbot_bench_{uuid.uuid4().hex[:8]}"
    try:
        connection = await asyncpg.connect(dsn, timeout=5)
    except Exception as error:  # noqa: BLE001
        print(f"PostgreSQL skipped: {error!r}")
        return None
    await connection.execute(f'CREATE DATABASE "{name}"')
    await connection.close()
    return admin.set(database=name).render_as_string(hide_password=False), dsn


async def drop_postgres(name: str, dsn: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(dsn, timeout=5)
    await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await connection.close()


def run_child(url: str, scenario: str) -> dict:
    found = subprocess.run([sys.executable, __file__, "--child", url, scenario], capture_output=True, text=True,
                           check=True, cwd=ROOT)
    return json.loads(found.stdout.strip().splitlines()[-1])


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--db", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--child", nargs=2, metavar=("URL", "SCENARIO"))
    args = parser.parse_args()
    if args.child:
        print(json.dumps(await child(*args.child)))
        return
    for db in args.db:
        for size in args.sizes:
            with tempfile.TemporaryDirectory() as directory:
                cleanup = None
                if db == "sqlite":
                    url = f"sqlite+aiosqlite:///{directory}/export.sqlite3"
                else:
                    created = await postgres_database()
                    if created is None:
                        break
                    url, dsn = created
                    cleanup = (make_url(url).database, dsn)
                seed_started = time.perf_counter()
                await seed(url, size)
                print(f"{db}: seeded {size} members and ledger rows in {time.perf_counter() - seed_started:.1f} s")
                for scenario in ("export", "naive"):
                    result = run_child(url, scenario)
                    fields = " ".join(f"{key}={value}" for key, value in result.items())
                    print(f"RESULT db={db} scenario={scenario} members={size} {fields}")
                if cleanup:
                    await drop_postgres(*cleanup)


if __name__ == "__main__":
    asyncio.run(main())
