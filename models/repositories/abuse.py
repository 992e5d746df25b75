"""Anti-abuse memory in SQL: identity marks, reward claims (UNIQUE per hashed phone) and birthday edits."""

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.abuse import BirthdayChange, IdentityMark, RewardClaim
from models.database import insert_for
from models.orders import Order

MARKS = IdentityMark.__table__
CLAIMS = RewardClaim.__table__
BIRTHDAYS = BirthdayChange.__table__
ORDERS = Order.__table__


class AbuseRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._insert = insert_for(session.bind.dialect.name)

    async def mark(self, member_id: int, kind: str, key_hash: str, now: datetime) -> None:
        """Remember that this account used this identity (once per member, kind and hash)."""
        await self.session.execute(
            self._insert(MARKS).values(member_id=member_id, kind=kind, key_hash=key_hash, created_at=now)
            .on_conflict_do_nothing(index_elements=["member_id", "kind", "key_hash"])
        )

    async def marks(self, member_id: int) -> set[tuple[str, str]]:
        rows = await self.session.execute(select(MARKS.c.kind, MARKS.c.key_hash).where(MARKS.c.member_id == member_id))
        return {(kind, key) for kind, key in rows}

    async def claim(self, key_hash: str, reward: str, period: str, member_id: int, now: datetime) -> int:
        """Claim a reward for an identity: the member holding the claim (the caller when it is new).

        The INSERT ... ON CONFLICT DO NOTHING is the claim, so of two concurrent claimants one holds it.
        """
        await self.session.execute(
            self._insert(CLAIMS).values(key_hash=key_hash, reward=reward, period=period, member_id=member_id,
                                        created_at=now)
            .on_conflict_do_nothing(index_elements=["key_hash", "reward", "period"])
        )
        return await self.session.scalar(select(CLAIMS.c.member_id).where(
            CLAIMS.c.key_hash == key_hash, CLAIMS.c.reward == reward, CLAIMS.c.period == period))

    async def paid_orders(self, member_id: int) -> int:
        return await self.session.scalar(
            select(func.count()).where(ORDERS.c.member_id == member_id, ORDERS.c.paid_at.is_not(None)))

    async def add_birthday_change(self, member_id: int, now: datetime) -> None:
        await self.session.execute(BIRTHDAYS.insert().values(member_id=member_id, changed_at=now))

    async def birthday_changed_since(self, member_id: int, since: datetime) -> bool:
        found = await self.session.scalar(select(BIRTHDAYS.c.id).where(
            BIRTHDAYS.c.member_id == member_id, BIRTHDAYS.c.changed_at > since).limit(1))
        return found is not None
