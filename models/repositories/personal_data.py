"""A member's rows in every registered table (export), their erasure, and the /mydata rate limit."""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.coupons import Coupon, CouponGift
from models.database import insert_for
from models.personal_data import PersonalTable, Subject, table
from models.privacy import DataExport


class PersonalDataRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._insert = insert_for(session.bind.dialect.name)

    async def rows(self, entry: PersonalTable, who: Subject) -> list[dict[str, Any]]:
        """The member's rows of one table, every column, in primary-key order."""
        source = table(entry)
        result = await self.session.execute(
            select(source).where(entry.rows(source, who)).order_by(*source.primary_key.columns)
        )
        return [dict(row) for row in result.mappings()]

    async def erase(self, entry: PersonalTable, who: Subject, *conditions: Any) -> int:
        """Apply the entry's `on_delete` to the member's rows; returns how many rows it touched."""
        source = table(entry)
        where = (entry.rows(source, who), *conditions)
        if entry.on_delete == "delete":
            result = await self.session.execute(delete(source).where(*where))
        elif entry.on_delete == "anonymise":
            result = await self.session.execute(update(source).where(*where).values(**entry.erase))
        else:
            return 0
        return result.rowcount

    async def close_member(self, entry: PersonalTable, who: Subject) -> bool:
        """Anonymise the member row if it is still active and bound as read; False when it no longer is."""
        source = table(entry)
        return await self.erase(entry, who, source.c.status == "active", source.c.telegram_id == who.telegram_id
                                if who.telegram_id is not None else source.c.telegram_id.is_(None)) == 1

    async def revoke_available_coupons(self, member_id: int) -> int:
        """Coupons still usable are taken back (locked and used ones stay with their orders)."""
        result = await self.session.execute(
            update(Coupon).where(Coupon.member_id == member_id, Coupon.status == "available").values(status="revoked")
        )
        return result.rowcount

    async def cancel_open_gifts(self, member_id: int) -> int:
        result = await self.session.execute(
            update(CouponGift).where(CouponGift.giver_id == member_id, CouponGift.status == "open")
            .values(status="cancelled")
        )
        return result.rowcount

    async def claim_export(self, member_id: int, now: datetime, every: timedelta) -> bool:
        """One conditional upsert: True when the member's last export is at least `every` ago (or never)."""
        statement = self._insert(DataExport).values(member_id=member_id, last_at=now, count=1)
        claimed = await self.session.scalar(
            statement.on_conflict_do_update(
                index_elements=["member_id"],
                set_={"last_at": now, "count": DataExport.count + 1},
                where=DataExport.last_at <= now - every,
            ).returning(DataExport.member_id)
        )
        return claimed is not None

    async def last_export(self, member_id: int) -> datetime | None:
        return await self.session.scalar(select(DataExport.last_at).where(DataExport.member_id == member_id))
