"""Races on both databases: spends against one balance, repeated keys, jobs in several processes."""

import asyncio
import subprocess
import sys
import textwrap
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select, update

from models import Member, PointsLedger
from models.database import Database
from models.points import PointsCheckin, PointsReminder
from services import points
from services.points import CheckinRules, Tiers
from services.unit_of_work import UnitOfWork
from tests.conftest import Probe, unique
from tests.test_points_service import SHANGHAI, T0, balances, new_member


async def test_fifty_concurrent_spends_of_ten_against_two_hundred_exactly_twenty_succeed(
    database: Database, probe: Probe,
) -> None:
    member_id = await new_member(UnitOfWork(database), available=200)

    async def spend(i: int) -> bool:
        try:
            await points.spend(UnitOfWork(database), member_id, 10, f"race:{member_id}:{i}", now=T0)
        except points.InsufficientPoints:
            return False
        return True

    results = await asyncio.gather(*(spend(i) for i in range(50)))
    assert results.count(True) == 20
    assert await balances(probe, member_id) == (0, 0)
    spends = await probe.scalar(
        select(func.count()).where(PointsLedger.member_id == member_id, PointsLedger.kind == "spend")
    )
    assert spends == 20
    assert [d for d in await points.audit(UnitOfWork(database)) if d.member_id == member_id] == []


async def test_the_same_earn_key_from_ten_tasks_is_credited_once(
    database: Database, probe: Probe,
) -> None:
    member_id = await new_member(UnitOfWork(database))
    key = f"earn:order:{unique()}"

    async def earn() -> bool:
        earned = await points.earn(UnitOfWork(database), member_id, 25_000, key, rate=Decimal("0.01"),
                                   tiers=Tiers(), release_at=None, tz=SHANGHAI, now=T0)
        return earned.posted.created

    results = await asyncio.gather(*(earn() for _ in range(10)))
    assert results.count(True) == 1
    assert await balances(probe, member_id) == (250, 0)
    assert await probe.scalar(select(func.count()).where(PointsLedger.idempotency_key == key)) == 1


async def test_mixed_concurrent_operations_on_one_member_stay_reconciled(
    database: Database, probe: Probe,
) -> None:
    member_id = await new_member(UnitOfWork(database), available=100)

    async def operation(i: int) -> None:
        uow, key = UnitOfWork(database), f"mixed:{member_id}:{i}"
        try:
            match i % 4:
                case 0:
                    await points.credit(uow, member_id, "review", 7, key, tz=SHANGHAI, now=T0)
                case 1:
                    await points.spend(uow, member_id, 9, key, now=T0)
                case 2:
                    await points.freeze(uow, member_id, 5, key, reason="race", now=T0)
                case _:
                    await points.unfreeze(uow, member_id, 3, key, reason="race", now=T0)
        except points.InsufficientPoints:
            pass

    await asyncio.gather(*(operation(i) for i in range(60)))
    available, frozen = await balances(probe, member_id)
    assert available >= 0 and frozen >= 0
    assert [d for d in await points.audit(UnitOfWork(database)) if d.member_id == member_id] == []


async def test_two_check_ins_at_once_give_points_once(database: Database, probe: Probe) -> None:
    member_id = await new_member(UnitOfWork(database))

    async def attempt() -> bool:
        try:
            await points.check_in(UnitOfWork(database), member_id, CheckinRules(), SHANGHAI, T0)
        except points.AlreadyCheckedIn:
            return False
        return True

    assert (await asyncio.gather(*(attempt() for _ in range(8)))).count(True) == 1
    assert await balances(probe, member_id) == (5, 0)
    assert await probe.scalar(select(func.count()).where(PointsCheckin.member_id == member_id)) == 1


JOB_SCRIPT = textwrap.dedent(
    """
    import asyncio, json, sys
    from datetime import datetime
    from models.database import Database
    from services import points
    from services.unit_of_work import UnitOfWork

    async def main(url, now, member_ids):
        database = Database(url)
        uow = UnitOfWork(database)
        for member_id in member_ids:
            await points.expire_due(uow, now, member_id=member_id)
        reminders = await points.claim_reminders(uow, now)
        await database.dispose()
        print(json.dumps([r.member_id for r in reminders if r.member_id in member_ids]))

    asyncio.run(main(sys.argv[1], datetime.fromisoformat(sys.argv[2]), json.loads(sys.argv[3])))
    """
)


async def test_jobs_in_three_processes_expire_and_remind_once(
    uow: UnitOfWork, probe: Probe, db_url: str
) -> None:
    member_ids = []
    for _ in range(4):
        member_id = await new_member(uow)
        await points.credit(uow, member_id, "review", 30, unique("old"), tz=SHANGHAI, now=T0)
        await points.credit(uow, member_id, "review", 20, unique("new"), tz=SHANGHAI, now=T0 + timedelta(days=35))
        await probe.write(update(Member).where(Member.id == member_id).values(telegram_id=800_000_000 + member_id))
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
    for member_id in member_ids:
        assert await balances(probe, member_id) == (20, 0)
        expiries = await probe.scalar(
            select(func.count()).where(PointsLedger.member_id == member_id, PointsLedger.kind == "expire")
        )
        assert expiries == 1
        assert await probe.scalar(select(func.count()).where(PointsReminder.member_id == member_id)) == 1
