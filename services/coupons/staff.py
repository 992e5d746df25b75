"""Staff operations on campaigns (no commands yet): create, pause, resume. Issue/revoke: claims, lifecycle."""

from dataclasses import asdict, dataclass
from datetime import datetime

from models.base import utcnow
from services.coupons.rules import CHANNELS, KINDS, normalise_code
from services.errors import Conflict, InvalidInput, NotFound
from services.unit_of_work import UnitOfWork


@dataclass(slots=True)
class CampaignSpec:
    code: str
    name_zh: str
    name_en: str
    kind: str
    channel: str = "claimable"
    amount_off: int | None = None
    percent_off: int | None = None
    max_discount: int | None = None
    min_spend: int = 0
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    valid_days: int | None = None
    stock: int | None = None
    per_member_limit: int = 1
    points_price: int | None = None
    redeem_code: str | None = None
    min_tier: str | None = None
    giftable: bool = True


def checked(spec: CampaignSpec) -> CampaignSpec:
    """Each kind has its numbers, each channel its price or code, and a coupon always has an end."""
    problems = [
        spec.kind not in KINDS or spec.channel not in CHANNELS,
        spec.kind == "amount_off" and not (spec.amount_off and spec.amount_off > 0),
        spec.kind == "percent_off" and not (spec.percent_off and 0 < spec.percent_off <= 100),
        spec.channel == "points" and not (spec.points_price and spec.points_price > 0),
        spec.channel == "code" and not spec.redeem_code,
        spec.valid_days is None and spec.ends_at is None,
        spec.valid_days is not None and spec.valid_days <= 0,
        spec.stock is not None and spec.stock < 0,
        spec.per_member_limit < 1, spec.min_spend < 0,
    ]
    if any(problems):
        raise InvalidInput("coupon-campaign-invalid")
    if spec.redeem_code:
        spec.redeem_code = normalise_code(spec.redeem_code)
    return spec


async def create_campaign(uow: UnitOfWork, spec: CampaignSpec, now: datetime | None = None) -> int:
    spec = checked(spec)
    async with uow.write():
        campaign_id = await create_in_open_uow(uow, spec, now or utcnow())
        await uow.commit()
    return campaign_id


async def create_in_open_uow(uow: UnitOfWork, spec: CampaignSpec, now: datetime) -> int:
    """Add a checked campaign inside the caller's open unit of work (the staff tool audits it there)."""
    if await uow.coupons.campaign_by(code=spec.code) is not None:
        raise Conflict("coupon-campaign-exists", "code")
    if spec.redeem_code and await uow.coupons.campaign_by(redeem_code=spec.redeem_code) is not None:
        raise Conflict("coupon-redeem-code-exists", "redeem_code")
    return await uow.coupons.add_campaign(**asdict(spec), claimed=0, active=True, created_at=now)


async def set_active(uow: UnitOfWork, campaign_id: int, active: bool) -> bool:
    """Pause (False) or resume (True); False when it already was so."""
    async with uow.write():
        changed = await set_active_in_open_uow(uow, campaign_id, active)
        await uow.commit()
    return changed


async def set_active_in_open_uow(uow: UnitOfWork, campaign_id: int, active: bool) -> bool:
    if await uow.coupons.campaign(campaign_id) is None:
        raise NotFound("coupon-campaign-not-found")
    return await uow.coupons.set_active(campaign_id, active)


async def pause(uow: UnitOfWork, campaign_id: int) -> bool:
    return await set_active(uow, campaign_id, False)


async def resume(uow: UnitOfWork, campaign_id: int) -> bool:
    return await set_active(uow, campaign_id, True)
