"""Staff roles and the audit log in SQL."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.database import insert_for
from models.staff import AuditRecord, StaffRole


@dataclass(frozen=True, slots=True)
class StaffGrant:
    telegram_id: int
    role: str
    granted_by: int
    granted_at: datetime


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: datetime
    actor_id: int | None
    action: str
    target_type: str | None
    target_id: str | None
    member_id: int | None
    before: dict | None
    after: dict | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Optional filters of the audit browser; None means any."""

    actor_id: int | None = None
    member_id: int | None = None
    action: str | None = None

    def conditions(self) -> list[Any]:
        found = []
        if self.actor_id is not None:
            found.append(AuditRecord.actor_id == self.actor_id)
        if self.member_id is not None:
            found.append(AuditRecord.member_id == self.member_id)
        if self.action is not None:
            found.append(AuditRecord.action == self.action)
        return found


class StaffRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._insert = insert_for(session.bind.dialect.name)

    async def role_of(self, telegram_id: int) -> str | None:
        return await self.session.scalar(select(StaffRole.role).where(StaffRole.telegram_id == telegram_id))

    async def grants(self) -> list[StaffGrant]:
        rows = await self.session.execute(select(StaffRole).order_by(StaffRole.granted_at, StaffRole.telegram_id))
        return [StaffGrant(r.telegram_id, r.role, r.granted_by, r.granted_at) for r in rows.scalars()]

    async def grant(self, telegram_id: int, role: str, granted_by: int, now: datetime) -> str | None:
        """Set the role (insert or replace); returns the role held before."""
        before = await self.role_of(telegram_id)
        values = dict(telegram_id=telegram_id, role=role, granted_by=granted_by, granted_at=now)
        statement = self._insert(StaffRole).values(**values)
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["telegram_id"], set_=dict(role=role, granted_by=granted_by, granted_at=now)
            )
        )
        return before

    async def revoke(self, telegram_id: int) -> str | None:
        """Remove the role; returns the role removed (None: there was none)."""
        return await self.session.scalar(
            delete(StaffRole).where(StaffRole.telegram_id == telegram_id).returning(StaffRole.role)
        )

    async def record(self, entry: dict[str, Any]) -> int:
        """Append one audit row (keys as AuditRecord's columns)."""
        return int(await self.session.scalar(self._insert(AuditRecord).values(**entry).returning(AuditRecord.id)))

    async def audit_count(self, where: AuditFilter) -> int:
        return int(await self.session.scalar(select(func.count()).select_from(AuditRecord).where(*where.conditions())) or 0)

    async def audit_rows(self, where: AuditFilter, offset: int, limit: int) -> list[AuditEntry]:
        """Newest first."""
        rows = await self.session.execute(
            select(AuditRecord).where(*where.conditions())
            .order_by(AuditRecord.at.desc(), AuditRecord.id.desc()).offset(offset).limit(limit)
        )
        return [_entry(row) for row in rows.scalars()]

def _entry(row: AuditRecord) -> AuditEntry:
    return AuditEntry(
        row.id, row.at, row.actor_id, row.action, row.target_type, row.target_id, row.member_id,
        row.before, row.after, row.reason,
    )
