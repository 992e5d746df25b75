"""Earn+spend throughput of the points service layer against the same SQL written by hand.

Each round earns points for a payment (`services.points.earn`, its own transaction) and
spends them again (`services.points.spend`, its own transaction). The raw variant sends the
very same statements in the same transactions straight through the driver the service uses
(aiosqlite / asyncpg), so the ratio is the cost of the service layer and SQLAlchemy alone.
Prints a table and one `RESULT db=... scenario=earn_spend ...` line per database (PostgreSQL is
skipped with a one-line reason when it is not reachable).

    .venv/bin/python benchmarks/ledger.py [--rounds 1500] [--members 20]
"""

import argparse
import asyncio
import functools
import os
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import asyncpg
from sqlalchemy.engine import make_url

from models.database import Database
from models.migrate import upgrade_to_head
from services import points
from services.points.tiers import WINDOW_MONTHS, Tiers, months_before
from services.unit_of_work import UnitOfWork

POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
PAID = 1_000  # minor units → 10 points at the default rate, spent again right after
RATE = Decimal("0.01")
TIERS = Tiers()
TZ = ZoneInfo("Asia/Shanghai")

LEDGER_COLUMNS = (
    "member_id, kind, amount, frozen_delta, reason, ref_type, ref_id, paid_amount, reverses_id, earned_at, "
    "expires_at, idempotency_key, created_at, available_after, frozen_after"
)
# The statements the points use cases send (models/repositories/ledger.py), in its order, with the driver's placeholders ({n}).
SQL = {
    "tier": "SELECT members.tier FROM members WHERE members.id = {1}",
    "post": (
        f"INSERT INTO points_ledger ({LEDGER_COLUMNS}) SELECT {{1:BIGINT}}, {{2:VARCHAR}}, {{3:INTEGER}}, "
        "{4:INTEGER}, NULL, NULL, NULL, {5:BIGINT}, NULL, {6:TIMESTAMPTZ}, {7:TIMESTAMPTZ}, {8:VARCHAR}, "
        "{9:TIMESTAMPTZ}, members.points_available + {10:INTEGER}, members.points_frozen + {11:INTEGER} "
        "FROM members WHERE members.id = {1:BIGINT} AND members.points_available + {10:INTEGER} >= 0 "
        "AND members.points_frozen + {11:INTEGER} >= 0 {due} {lock} "
        "ON CONFLICT (idempotency_key) DO NOTHING RETURNING id"
    ),
    "spend": "",  # filled in below: "post" with the due-lots guard
    "balance": (
        "UPDATE members SET points_available = members.points_available + {2}, "
        "points_frozen = members.points_frozen + {3} WHERE members.id = {1} "
        "AND members.points_available + {2} >= 0 AND members.points_frozen + {3} >= 0 "
        "RETURNING points_available, points_frozen"
    ),
    "balance_spend": (
        "UPDATE members SET points_available = members.points_available + {2}, "
        "points_frozen = members.points_frozen + {3} WHERE members.id = {1} "
        "AND members.points_available + {2} >= 0 AND members.points_frozen + {3} >= 0 "
        "RETURNING points_available, points_frozen, (SELECT coalesce(sum(paid_amount), 0) FROM points_ledger "
        "WHERE member_id = {1} AND paid_amount IS NOT NULL AND created_at > {4:TIMESTAMPTZ})"
    ),
    "lot": (
        "INSERT INTO points_lots (member_id, entry_id, amount, available, pending, held, release_at, earned_at, "
        "expires_at) VALUES ({1}, {2}, {3}, {3}, 0, 0, NULL, {4}, {5})"
    ),
    "fifo": (
        'UPDATE points_lots SET available = points_lots.available - CASE WHEN ranked.have < {1} - ranked."before" '
        'THEN ranked.have ELSE {1} - ranked."before" END FROM (SELECT id AS lot_id, available AS have, '
        'sum(available) OVER (ORDER BY expires_at, id) - available AS "before" FROM points_lots '
        "WHERE member_id = {2} AND available > 0) AS ranked WHERE points_lots.id = ranked.lot_id "
        'AND ranked."before" < {1}'
    ),
}


# A debit must not see lots past expiry (services.points folds this check into the insert).
DUE_GUARD = (
    "AND NOT (EXISTS (SELECT points_lots.id FROM points_lots WHERE points_lots.expires_at <= {12:TIMESTAMPTZ} "
    "AND (points_lots.available > 0 OR points_lots.pending > 0 OR points_lots.held > 0) "
    "AND points_lots.member_id = {1:BIGINT}))"
)
SQL["spend"] = SQL["post"]

PLACEHOLDER = re.compile(r"\{(\d+)(?::(\w+))?\}")


@functools.cache
def render(name: str, dialect: str) -> tuple[str, tuple[int, ...]]:
    """The statement in the driver's style and the order its parameters go in.

    asyncpg gets `$n::type` (the casts SQLAlchemy's asyncpg dialect renders too); sqlite3 gets
    positional `?` in order of appearance.
    """
    text = SQL[name].replace("{lock}", "FOR UPDATE" if dialect == "postgresql" else "")
    text = text.replace("{due}", DUE_GUARD if name == "spend" else "")
    if dialect == "postgresql":
        rendered = PLACEHOLDER.sub(lambda m: f"${m[1]}" + (f"::{m[2]}" if m[2] else ""), text)
        return rendered, tuple(sorted({int(m[1]) for m in PLACEHOLDER.finditer(text)}))
    return PLACEHOLDER.sub("?", text), tuple(int(m[1]) for m in PLACEHOLDER.finditer(text))


class SqliteRaw:
    """aiosqlite with the pragmas and BEGIN IMMEDIATE the engine uses."""

    def __init__(self, path: str) -> None:
        self.path = path

    async def open(self) -> None:
        import aiosqlite

        self.db = await aiosqlite.connect(self.path, isolation_level=None, timeout=30)
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "busy_timeout=30000"):
            await self.db.execute(f"PRAGMA {pragma}")

    async def close(self) -> None:
        await self.db.close()

    async def one(self, name: str, values: dict[int, object]) -> tuple | None:
        text, order = render(name, "sqlite")
        async with self.db.execute(text, [values[n] for n in order]) as cursor:
            return await cursor.fetchone()


    async def run(self, body: Callable[[], Awaitable[None]]) -> None:
        await self.db.execute("BEGIN IMMEDIATE")
        await body()
        await self.db.execute("COMMIT")

    @staticmethod
    def time(value: datetime) -> str:
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")  # how SQLAlchemy stores it on SQLite


class PostgresRaw:
    """asyncpg, one connection, prepared statements cached by asyncpg itself."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn

    async def open(self) -> None:
        import asyncpg

        self.db = await asyncpg.connect(self.dsn)

    async def close(self) -> None:
        await self.db.close()

    async def one(self, name: str, values: dict[int, object]) -> tuple | None:
        text, order = render(name, "postgresql")
        row = await self.db.fetchrow(text, *(values[n] for n in order))
        return tuple(row) if row is not None else None


    async def run(self, body: Callable[[], Awaitable[None]]) -> None:
        async with self.db.transaction():
            await body()

    @staticmethod
    def time(value: datetime) -> datetime:
        return value


async def raw_round(db: SqliteRaw | PostgresRaw, member_id: int, tag: str) -> None:
    """earn then spend, statement for statement what the service layer sends."""
    now = datetime.now(UTC)
    earned = points.earn_points(PAID, RATE, TIERS.get("normal").multiplier)
    expires = points.expiry_for(now, TZ)

    async def earn() -> None:
        tier = (await db.one("tier", {1: member_id}))[0]
        multiplier = TIERS.get(tier).multiplier
        amount = points.earn_points(PAID, RATE, multiplier)
        entry = await db.one("post", {1: member_id, 2: "earn", 3: amount, 4: 0, 5: PAID, 6: db.time(now),
                                      7: db.time(expires), 8: f"raw-earn:{tag}", 9: db.time(now), 10: amount, 11: 0})
        since = db.time(months_before(now, WINDOW_MONTHS))
        spend = (await db.one("balance_spend", {1: member_id, 2: amount, 3: 0, 4: since}))[2]
        await db.one("lot", {1: member_id, 2: entry[0], 3: amount, 4: db.time(now), 5: db.time(expires)})
        TIERS.for_spend(int(spend))  # the service decides an upgrade here (none in this benchmark)

    async def spend() -> None:
        posted = await db.one("spend", {1: member_id, 2: "spend", 3: -earned, 4: 0, 5: None, 6: None, 7: None,
                                        8: f"raw-spend:{tag}", 9: db.time(now), 10: -earned, 11: 0, 12: db.time(now)})
        assert posted is not None, "nothing expires or runs short in the benchmark"
        await db.one("balance", {1: member_id, 2: -earned, 3: 0})
        await db.one("fifo", {1: earned, 2: member_id})

    await db.run(earn)
    await db.run(spend)


async def service_round(uow: UnitOfWork, member_id: int, tag: str) -> None:
    await points.earn(uow, member_id, PAID, f"svc-earn:{tag}", rate=RATE, tiers=TIERS, release_at=None, tz=TZ)
    earned = points.earn_points(PAID, RATE, TIERS.get("normal").multiplier)
    await points.spend(uow, member_id, earned, f"svc-spend:{tag}")


async def make_members(uow: UnitOfWork, count: int) -> list[int]:
    created = []
    async with uow.write():
        for _ in range(count):
            name = f"b{uuid.uuid4().hex[:12]}"[:20]
            created.append(await uow.members.add(username=name, username_key=name, password_hash="x"))
        await uow.commit()
    return created


async def _one_select_use_case(uow: UnitOfWork, member_id: int) -> None:
    """A write unit of work around one statement run through the ledger, committed."""
    async with uow.write():
        await uow.ledger.run(lambda ledger: ledger.tier_of(member_id))
        await uow.commit()


async def measure(
    url: str, raw: SqliteRaw | PostgresRaw, rounds: int, members: int, blocks: int, **engine_options: object
) -> tuple[float, float, float, float, float]:
    """(service tx/s, raw tx/s, ratio, service and raw µs of a one-statement transaction).

    Medians over alternating blocks, so load drift hits both variants alike.
    """
    database = Database(url, **engine_options)
    await upgrade_to_head(database.engine)
    uow = UnitOfWork(database)
    service_members = await make_members(uow, members)
    raw_members = await make_members(uow, members)
    run = uuid.uuid4().hex[:8]  # idempotency keys stay unique when a database is measured twice
    await raw.open()
    try:
        for i in range(min(rounds // 10, 100)):  # warm-up, not counted (statement cache, prepared statements)
            await service_round(uow, service_members[i % members], f"{run}warm{i}")
            await raw_round(raw, raw_members[i % members], f"{run}warm{i}")
        service, plain = [], []
        per_block = max(rounds // blocks, 1)
        for block in range(blocks):
            offset = block * per_block

            async def service_block(i: int, offset: int = offset) -> None:
                await service_round(uow, service_members[i % members], f"{run}{offset + i}")

            async def raw_block(i: int, offset: int = offset) -> None:
                await raw_round(raw, raw_members[i % members], f"{run}{offset + i}")

            service.append(await _timed(per_block, service_block))
            plain.append(await _timed(per_block, raw_block))
        member = service_members[0]
        empty_service = await _small_transaction_us(lambda: _one_select_use_case(uow, member))
        empty_raw = await _small_transaction_us(lambda: raw.run(lambda: raw.one("tier", {1: member})))
        differences = await points.audit(uow)
        if differences:
            raise SystemExit(f"ledger and balances disagree after the benchmark: {differences[:3]}")
    finally:
        await raw.close()
        await database.dispose()
    ratios = [s / r for s, r in zip(service, plain, strict=True)]
    return statistics.median(service), statistics.median(plain), statistics.median(ratios), empty_service, empty_raw


async def _small_transaction_us(transaction: Callable[[], Awaitable[object]], count: int = 200) -> float:
    """A one-SELECT write transaction (µs): what the session, pool and BEGIN/COMMIT cost around a statement."""
    started = time.perf_counter()
    for _ in range(count):
        await transaction()
    return (time.perf_counter() - started) / count * 1e6


async def _timed(rounds: int, one_round: Callable[[int], Awaitable[None]]) -> float:
    """Transactions per second (each round is two: earn, spend)."""
    started = time.perf_counter()
    for i in range(rounds):
        await one_round(i)
    return 2 * rounds / (time.perf_counter() - started)


async def _postgres_database() -> tuple[str, Callable[[], Awaitable[None]]]:
    admin = make_url(POSTGRES_ADMIN_URL)
    name = f"memberbot_bench_{uuid.uuid4().hex[:8]}"
    dsn = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn, timeout=5)
    await connection.execute(f'CREATE DATABASE "{name}"')
    await connection.close()

    async def drop() -> None:
        connection = await asyncpg.connect(dsn, timeout=5)
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.close()

    return admin.set(database=name).render_as_string(hide_password=False), drop


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1500, help="earn+spend rounds per variant")
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--blocks", type=int, default=6, help="alternating service/raw blocks")
    args = parser.parse_args()

    results: dict[str, tuple[float, float, float, float, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ledger.sqlite3"
        results["sqlite"] = await measure(
            f"sqlite+aiosqlite:///{path}", SqliteRaw(str(path)), args.rounds, args.members, args.blocks
        )
    try:
        url, drop = await _postgres_database()
    except (OSError, asyncpg.PostgresError) as error:
        print(f"postgres: skipped, not reachable at {POSTGRES_ADMIN_URL} ({error.__class__.__name__})")
    else:
        try:
            dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
            # The application's own engine settings (no pre-ping), against the same SQL sent raw.
            results["postgres"] = await measure(url, PostgresRaw(dsn), args.rounds, args.members, args.blocks)
        finally:
            await drop()

    print(f"{'database':<24} {'service tx/s':>13} {'raw SQL tx/s':>13} {'ratio':>7} {'1-stmt tx µs svc/raw':>21}")
    for name, (service, raw, ratio, empty_service, empty_raw) in results.items():
        empty = f"{empty_service:.0f}/{empty_raw:.0f}"
        print(f"{name:<24} {service:>13.0f} {raw:>13.0f} {ratio:>7.2f} {empty:>21}")
    print("(each transaction is one earn or one spend; medians of alternating blocks after an uncounted warm-up)")
    for name, (service, _, ratio, _, _) in results.items():
        print(f"RESULT db={name} scenario=earn_spend service_tps={service:.0f} ratio_vs_raw={ratio:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
