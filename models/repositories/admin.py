"""What the staff tools read and change beyond the members' own repositories: lookups, status, campaigns, approvals."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.approvals import ApprovalRequest
from models.coupons import Coupon, CouponCampaign
from models.members import Member
from models.repositories.coupons import Campaign

APPROVALS = ApprovalRequest.__table__
CAMPAIGNS = CouponCampaign.__table__
_CAMPAIGN_COLUMNS = [CAMPAIGNS.c[name] for name in Campaign.__slots__]


@dataclass(frozen=True, slots=True)
class CampaignStats:
    """A campaign with how many coupons were claimed (or issued) and used."""

    campaign: Campaign
    used: int


@dataclass(frozen=True, slots=True)
class Approval:
    id: int
    kind: str
    status: str
    requested_by: int
    member_id: int | None
    amount: int
    reason: str
    target_id: str | None
    payload: dict | None
    created_at: datetime
    expires_at: datetime
    decided_by: int | None
    decided_at: datetime | None


_APPROVAL_COLUMNS = tuple(APPROVALS.c[name] for name in Approval.__slots__)
# How a member is looked up: field name -> column (values are normalised by the caller).
LOOKUP_COLUMNS = {
    "id": Member.id, "username": Member.username_key, "phone": Member.phone, "telegram_id": Member.telegram_id,
}


class AdminRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- members -----------------------------------------------------------------------------

    async def member_id_by(self, field: str, value: object) -> int | None:
        return await self.session.scalar(select(Member.id).where(LOOKUP_COLUMNS[field] == value))

    async def set_status(self, member_id: int, expected: str, status: str) -> bool:
        """Move the member from `expected` to `status`; False when it was not in `expected`."""
        result = await self.session.execute(
            update(Member).where(Member.id == member_id, Member.status == expected).values(status=status)
        )
        return result.rowcount == 1

    # --- campaigns ---------------------------------------------------------------------------

    async def campaign_count(self) -> int:
        return int(await self.session.scalar(select(func.count()).select_from(CouponCampaign)) or 0)

    async def campaigns(self, offset: int, limit: int) -> list[CampaignStats]:
        """Newest first, each with its used coupons counted."""
        used = (
            select(func.count()).where(Coupon.campaign_id == CouponCampaign.id, Coupon.status == "used")
            .correlate(CouponCampaign).scalar_subquery()
        )
        rows = await self.session.execute(
            select(*_CAMPAIGN_COLUMNS, used).order_by(CouponCampaign.id.desc()).offset(offset).limit(limit)
        )
        return [CampaignStats(Campaign(*row[:-1]), int(row[-1])) for row in rows]

    # --- approval requests -------------------------------------------------------------------

    async def add_approval(self, **values: Any) -> int:
        return int(await self.session.scalar(APPROVALS.insert().values(**values).returning(APPROVALS.c.id)))

    async def approval(self, request_id: int) -> Approval | None:
        row = (await self.session.execute(select(*_APPROVAL_COLUMNS).where(APPROVALS.c.id == request_id))).first()
        return Approval(*row) if row else None

    async def decide(self, request_id: int, status: str, decided_by: int | None, now: datetime) -> bool:
        """pending -> `status` in one conditional UPDATE; an approval or rejection only before expiry."""
        conditions = [APPROVALS.c.id == request_id, APPROVALS.c.status == "pending"]
        if status == "expired":
            conditions.append(APPROVALS.c.expires_at <= now)
        else:
            conditions += [APPROVALS.c.expires_at > now, APPROVALS.c.requested_by != decided_by]
        result = await self.session.execute(
            update(APPROVALS).where(*conditions).values(status=status, decided_by=decided_by, decided_at=now)
        )
        return result.rowcount == 1

    async def pending_approvals(self, limit: int) -> list[Approval]:
        """Oldest first."""
        rows = await self.session.execute(
            select(*_APPROVAL_COLUMNS).where(APPROVALS.c.status == "pending")
            .order_by(APPROVALS.c.created_at, APPROVALS.c.id).limit(limit)
        )
        return [Approval(*row) for row in rows]

    async def pending_for(self, kind: str, target_id: str) -> int | None:
        """The open request of this kind for this target, if any (one change, one request)."""
        return await self.session.scalar(
            select(APPROVALS.c.id).where(APPROVALS.c.kind == kind, APPROVALS.c.target_id == target_id,
                                         APPROVALS.c.status == "pending").limit(1)
        )

    async def due_approvals(self, now: datetime, limit: int) -> list[int]:
        rows = await self.session.scalars(
            select(APPROVALS.c.id).where(APPROVALS.c.status == "pending", APPROVALS.c.expires_at <= now).limit(limit)
        )
        return list(rows)
