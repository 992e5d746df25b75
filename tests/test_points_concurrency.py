"""Races on both databases: spends against one balance, repeated keys, jobs in several processes."""

import asyncio
import subprocess
import sys
import textwrap
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Member, PointsLedger
from models.db import begin_write
from models.points import PointsCheckin, PointsReminder
from services import checkin, points, tiers
from tests.conftest import unique
from tests.test_points_service import SHANGHAI, T0, balances, new_member


async def test_fifty_concurrent_spends_of_ten_against_two_hundred_exactly_twenty_succeed(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        member_id = await new_member(session, available=200)

    async def spend(i: int) -> bool:
        async with sessionmaker() as session:
            try:
                await points.spend(session, member_id, 10, f"race:{member_id}:{i}", now=T0)
            except points.InsufficientPoints:
                return False
            return True

    results = await asyncio.gather(*(spend(i) for i in range(50)))
    assert results.count(True) == 20
    async with sessionmaker() as session:
        assert await balances(session, member_id) == (0, 0)
        spends = await session.scalar(
            select(func.count()).where(PointsLedger.member_id == member_id, PointsLedger.kind == "spend")
        )
        assert spends == 20
        assert [d for d in await points.audit(session) if d.member_id == member_id] == []


async def test_the_same_earn_key_from_ten_tasks_is_credited_once(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        member_id = await new_member(session)
    key = f"earn:order:{unique()}"

    async def earn() -> bool:
        async with sessionmaker() as session:
            earned = await points.earn(session, member_id, 25_000, key, rate=Decimal("0.01"), tiers=tiers.Tiers(),
                                       release_at=None, tz=SHANGHAI, now=T0)
            return earned.posted.created

    results = await asyncio.gather(*(earn() for _ in range(10)))
    assert results.count(True) == 1
    async with sessionmaker() as session:
        assert await balances(session, member_id) == (250, 0)
        assert await session.scalar(select(func.count()).where(PointsLedger.idempotency_key == key)) == 1


async def test_mixed_concurrent_operations_on_one_member_stay_reconciled(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        member_id = await new_member(session, available=100)

    async def operation(i: int) -> None:
        async with sessionmaker() as session:
            key = f"mixed:{member_id}:{i}"
            try:
                match i % 4:
                    case 0:
                        await points.credit(session, member_id, "review", 7, key, tz=SHANGHAI, now=T0)
                    case 1:
                        await points.spend(session, member_id, 9, key, now=T0)
                    case 2:
                        await points.freeze(session, member_id, 5, key, reason="race", now=T0)
                    case _:
                        await points.unfreeze(session, member_id, 3, key, reason="race", now=T0)
            except points.InsufficientPoints:
                pass

    await asyncio.gather(*(operation(i) for i in range(60)))
    async with sessionmaker() as session:
        available, frozen = await balances(session, member_id)
        assert available >= 0 and frozen >= 0
        assert [d for d in await points.audit(session) if d.member_id == member_id] == []


async def test_two_check_ins_at_once_give_points_once(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with sessionmaker() as session:
        member_id = await new_member(session)

    async def attempt() -> bool:
        async with sessionmaker() as session:
            try:
                await checkin.check_in(session, member_id, checkin.CheckinRules(), SHANGHAI, T0)
            except checkin.AlreadyCheckedIn:
                return False
            return True

    assert (await asyncio.gather(*(attempt() for _ in range(8)))).count(True) == 1
    async with sessionmaker() as session:
        assert await balances(session, member_id) == (5, 0)
        assert await session.scalar(select(func.count()).where(PointsCheckin.member_id == member_id)) == 1


JOB_SCRIPT = textwrap.dedent(
    """
    import asyncio, json, sys
    from datetime import datetime
    from models.db import create_engine, create_sessionmaker
    from services import points

    async def main(url, now, member_ids):
        engine = create_engine(url)
        async with create_sessionmaker(engine)() as session:
            for member_id in member_ids:
                await points.expire_due(session, now, member_id=member_id)
            reminders = await points.claim_reminders(session, now)
        await engine.dispose()
        print(json.dumps([r.member_id for r in reminders if r.member_id in member_ids]))

    asyncio.run(main(sys.argv[1], datetime.fromisoformat(sys.argv[2]), json.loads(sys.argv[3])))
    """
)


async def test_jobs_in_three_processes_expire_and_remind_once(
    sessionmaker: async_sessionmaker[AsyncSession], db_url: str
) -> None:
    member_ids = []
    async with sessionmaker() as session:
        for _ in range(4):
            member_id = await new_member(session)
            await points.credit(session, member_id, "review", 30, unique("old"), tz=SHANGHAI, now=T0)
            await points.credit(session, member_id, "review", 20, unique("new"), tz=SHANGHAI,
                                now=T0 + timedelta(days=35))
            await begin_write(session)
            await session.execute(update(Member).where(Member.id == member_id).values(telegram_id=800_000_000 + member_id))
            await session.commit()
            member_ids.append(member_id)
    # At this moment the older lots expire and the newer ones are 30 days or less from expiry.
    now = points.expiry_for(T0 + timedelta(days=35), SHANGHAI) - timedelta(days=20)
    assert now >= points.expiry_for(T0, SHANGHAI)
    args = [sys.executable, "-c", JOB_SCRIPT, db_url, now.isoformat(), str(member_ids)]
    processes = [
        await asyncio.create_subprocess_exec(*args, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(3)
    ]
    outputs = [await process.communicate() for process in processes]
    assert all(process.returncode == 0 for process in processes), [err.decode()[-2000:] for _, err in outputs]
    reminded = sorted(member for out, _ in outputs for member in eval(out.decode()))
    assert reminded == sorted(member_ids)  # each member exactly once across the three processes
    async with sessionmaker() as session:
        for member_id in member_ids:
            assert await balances(session, member_id) == (20, 0)
            expiries = await session.scalar(
                select(func.count()).where(PointsLedger.member_id == member_id, PointsLedger.kind == "expire")
            )
            assert expiries == 1
            assert await session.scalar(
                select(func.count()).where(PointsReminder.member_id == member_id)
            ) == 1
