"""Staff tools on coupon campaigns: create (the wizard's result), a paged list with counts, pause/resume, issue.

The campaign work comes from services/coupons; here it runs with the admin role checked and the
audit row written in the same transaction.
"""

from dataclasses import asdict
from datetime import datetime

from models.base import utcnow
from models.repositories.admin import CampaignStats
from models.repositories.coupons import CouponView
from services.coupons import claims
from services.coupons.staff import CampaignSpec, checked, create_in_open_uow, set_active_in_open_uow
from services.paging import Page, clamp
from services.policy import ShopPolicy
from services.staff import audit
from services.staff.roles import Role, require
from services.unit_of_work import UnitOfWork


def _plain(spec: CampaignSpec) -> dict[str, object]:
    return {name: value.isoformat() if isinstance(value, datetime) else value for name, value in asdict(spec).items()}


async def create(uow: UnitOfWork, policy: ShopPolicy, staff_id: int, spec: CampaignSpec,
                 now: datetime | None = None) -> int:
    spec, now = checked(spec), now or utcnow()
    async with uow.write():
        actor = await require(uow, policy, staff_id, Role.admin)
        campaign_id = await create_in_open_uow(uow, spec, now)
        await audit.record(uow, actor.telegram_id, "campaign.create", "campaign", campaign_id,
                           after=_plain(spec), now=now)
        await uow.commit()
    return campaign_id


async def set_active(uow: UnitOfWork, policy: ShopPolicy, staff_id: int, campaign_id: int, active: bool) -> bool:
    """Pause or resume; False (and no audit row) when it already was so."""
    async with uow.write():
        actor = await require(uow, policy, staff_id, Role.admin)
        if not await set_active_in_open_uow(uow, campaign_id, active):
            return False
        await audit.record(uow, actor.telegram_id, "campaign.resume" if active else "campaign.pause", "campaign",
                           campaign_id, before={"active": not active}, after={"active": active})
        await uow.commit()
    return True


async def page(uow: UnitOfWork, policy: ShopPolicy, staff_id: int, number: int, size: int = 5) -> Page[CampaignStats]:
    async with uow.read():
        await require(uow, policy, staff_id, Role.admin)
        number, pages = clamp(number, await uow.admin.campaign_count(), size)
        return Page(await uow.admin.campaigns(number * size, size), number, pages)


async def issue(uow: UnitOfWork, policy: ShopPolicy, staff_id: int, campaign_id: int, member_id: int,
                now: datetime | None = None) -> CouponView:
    """Give a member a coupon of a campaign (any channel; it takes stock, not the member's limit)."""
    now = now or utcnow()
    async with uow.write():
        actor = await require(uow, policy, staff_id, Role.admin)
        coupon = await claims.issue_open(uow, campaign_id, member_id, now)
        await audit.record(uow, actor.telegram_id, "coupon.issue", "coupon", coupon.id, member_id=member_id,
                           after={"campaign_id": campaign_id, "code": coupon.code}, now=now)
        await uow.commit()
    return coupon
