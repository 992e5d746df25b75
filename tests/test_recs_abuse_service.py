"""Anti-abuse claims under concurrency, on both databases: of members claiming the same hashed phone at
once, exactly one holds the claim and every other sees that member as the holder."""

import asyncio

from sqlalchemy import func, select

from models.abuse import RewardClaim
from models.base import utcnow
from services import abuse
from services.unit_of_work import UnitOfWork
from tests.conftest import Probe, unique
from tests.test_points_service import new_member


async def test_concurrent_claims_of_one_phone_leave_one_holder(uow: UnitOfWork, probe: Probe) -> None:
    members = [await new_member(uow) for _ in range(6)]
    key_hash = abuse.identity_hash(b"k" * 32, "phone", unique("+86"))

    async def claim(member_id: int) -> int:
        mine = UnitOfWork(uow.database)
        async with mine.write():
            holder = await mine.abuse.claim(key_hash, "referral", "", member_id, utcnow())
            await mine.commit()
        await mine.close()
        return holder

    holders = await asyncio.gather(*(claim(member_id) for member_id in members))
    assert len(set(holders)) == 1 and holders[0] in members
    assert holders.count(holders[0]) == len(members)  # the winner is told it holds it, the others who does
    rows = await probe.scalar(select(func.count()).select_from(RewardClaim).where(RewardClaim.key_hash == key_hash))
    assert rows == 1


def test_identity_hashes_are_keyed_and_never_the_number() -> None:
    one = abuse.identity_hash(abuse.identity_key(b"a" * 32), "phone", "+8613800000000")
    assert len(one) == 64 and "13800000000" not in one
    assert one != abuse.identity_hash(abuse.identity_key(b"b" * 32), "phone", "+8613800000000")
    assert one != abuse.identity_hash(abuse.identity_key(b"a" * 32), "telegram", "+8613800000000")
