"""Coupons in SQL: campaigns, claim slots, stock, and every coupon status change as one conditional UPDATE.

Lock order inside a claim is always: the member's claim slot (unique key), the campaign row
(stock), then the member row (points, through the ledger). SQLite serialises writers anyway.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.coupons import Coupon, CouponCampaign, CouponClaim, CouponGift
from models.database import insert_for
from models.members import Member, TelegramUser

CAMPAIGNS = CouponCampaign.__table__
COUPONS = Coupon.__table__
CLAIMS = CouponClaim.__table__
GIFTS = CouponGift.__table__


@dataclass(frozen=True, slots=True)
class Campaign:
    id: int
    code: str
    name_zh: str
    name_en: str
    kind: str
    amount_off: int | None
    percent_off: int | None
    max_discount: int | None
    min_spend: int
    starts_at: datetime | None
    ends_at: datetime | None
    valid_days: int | None
    stock: int | None
    claimed: int
    per_member_limit: int
    channel: str
    points_price: int | None
    redeem_code: str | None
    min_tier: str | None
    giftable: bool
    active: bool

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_zh

    @property
    def left(self) -> int | None:
        return None if self.stock is None else max(self.stock - self.claimed, 0)


@dataclass(frozen=True, slots=True)
class CouponView:
    """A coupon with the terms of its campaign (what the wallet and the discount need)."""

    id: int
    code: str
    member_id: int
    status: str
    locked_order_id: str | None
    valid_from: datetime
    valid_until: datetime
    used_at: datetime | None
    received_from: int | None
    campaign: Campaign


@dataclass(frozen=True, slots=True)
class Nudge:
    """A claimed "your coupon expires soon" message."""

    telegram_id: int
    language: str | None
    coupon: CouponView


_CAMPAIGN_COLUMNS = [CAMPAIGNS.c[name] for name in Campaign.__slots__]
_COUPON_COLUMNS = [COUPONS.c[name] for name in CouponView.__slots__ if name != "campaign"]
_COUPON_SELECT = select(*_COUPON_COLUMNS, *_CAMPAIGN_COLUMNS).join_from(COUPONS, CAMPAIGNS)


def _view(row: Any) -> CouponView:
    own = len(_COUPON_COLUMNS)
    return CouponView(*row[:own], campaign=Campaign(*row[own:]))


class CouponRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- campaigns ---------------------------------------------------------------------------

    async def add_campaign(self, **values: Any) -> int:
        return await self.session.scalar(CAMPAIGNS.insert().values(**values).returning(CAMPAIGNS.c.id))

    async def campaign(self, campaign_id: int) -> Campaign | None:
        row = (await self.session.execute(select(*_CAMPAIGN_COLUMNS).where(CAMPAIGNS.c.id == campaign_id))).first()
        return Campaign(*row) if row else None

    async def campaign_by(self, *, code: str | None = None, redeem_code: str | None = None) -> Campaign | None:
        column, value = (CAMPAIGNS.c.code, code) if code is not None else (CAMPAIGNS.c.redeem_code, redeem_code)
        row = (await self.session.execute(select(*_CAMPAIGN_COLUMNS).where(column == value))).first()
        return Campaign(*row) if row else None

    async def open_campaigns(self, channels: tuple[str, ...], now: datetime) -> list[Campaign]:
        query = (
            select(*_CAMPAIGN_COLUMNS)
            .where(
                CAMPAIGNS.c.channel.in_(channels), CAMPAIGNS.c.active.is_(True),
                or_(CAMPAIGNS.c.ends_at.is_(None), CAMPAIGNS.c.ends_at > now),
            )
            .order_by(CAMPAIGNS.c.id)
        )
        return [Campaign(*row) for row in await self.session.execute(query)]

    async def set_active(self, campaign_id: int, active: bool) -> bool:
        result = await self.session.execute(
            update(CAMPAIGNS).where(CAMPAIGNS.c.id == campaign_id, CAMPAIGNS.c.active.is_(not active))
            .values(active=active)
        )
        return result.rowcount == 1

    async def take_stock(self, campaign_id: int, now: datetime) -> bool:
        """One more coupon out of the stock, if the campaign is active, open and not sold out."""
        result = await self.session.execute(
            update(CAMPAIGNS)
            .where(
                CAMPAIGNS.c.id == campaign_id, CAMPAIGNS.c.active.is_(True),
                or_(CAMPAIGNS.c.stock.is_(None), CAMPAIGNS.c.claimed < CAMPAIGNS.c.stock),
                or_(CAMPAIGNS.c.ends_at.is_(None), CAMPAIGNS.c.ends_at > now),
            )
            .values(claimed=CAMPAIGNS.c.claimed + 1)
        )
        return result.rowcount == 1

    # --- per-member claim slots ---------------------------------------------------------------

    async def claims_of(self, campaign_id: int, member_id: int) -> int:
        return await self.session.scalar(
            select(func.count()).where(CLAIMS.c.campaign_id == campaign_id, CLAIMS.c.member_id == member_id)
        )

    async def take_slot(self, campaign_id: int, member_id: int, n: int, now: datetime) -> bool:
        """Claim slot n (1..limit); a concurrent claim of the same slot waits, then gets nothing."""
        statement = (
            insert_for(self.session.bind.dialect.name)(CLAIMS)
            .values(campaign_id=campaign_id, member_id=member_id, n=n, created_at=now)
            .on_conflict_do_nothing()
            .returning(CLAIMS.c.n)
        )
        return await self.session.scalar(statement) is not None

    # --- coupons ------------------------------------------------------------------------------

    async def add_coupon(
        self, code: str, campaign_id: int, member_id: int, valid_from: datetime, valid_until: datetime, now: datetime
    ) -> int | None:
        """The new coupon's id, or None when the code is already taken (the caller draws another)."""
        statement = (
            insert_for(self.session.bind.dialect.name)(COUPONS)
            .values(code=code, campaign_id=campaign_id, member_id=member_id, status="available",
                    valid_from=valid_from, valid_until=valid_until, created_at=now)
            .on_conflict_do_nothing(index_elements=["code"])
            .returning(COUPONS.c.id)
        )
        return await self.session.scalar(statement)

    async def coupon(self, coupon_id: int) -> CouponView | None:
        row = (await self.session.execute(_COUPON_SELECT.where(COUPONS.c.id == coupon_id))).first()
        return _view(row) if row else None

    async def wallet(self, member_id: int, statuses: tuple[str, ...], offset: int, limit: int) -> list[CouponView]:
        """Available/locked: soonest expiry first; history: newest first."""
        current = "available" in statuses
        order = (COUPONS.c.valid_until, COUPONS.c.id) if current else (COUPONS.c.id.desc(),)
        query = (
            _COUPON_SELECT.where(COUPONS.c.member_id == member_id, COUPONS.c.status.in_(statuses))
            .order_by(*order).offset(offset).limit(limit)
        )
        return [_view(row) for row in await self.session.execute(query)]

    async def count(self, member_id: int, statuses: tuple[str, ...]) -> int:
        return await self.session.scalar(
            select(func.count()).where(COUPONS.c.member_id == member_id, COUPONS.c.status.in_(statuses))
        )

    async def move(self, coupon_id: int, expected: str, values: dict[str, Any], *conditions: Any) -> bool:
        """The one way a coupon's status changes: UPDATE ... WHERE id AND status = expected (AND ...)."""
        result = await self.session.execute(
            update(COUPONS).where(COUPONS.c.id == coupon_id, COUPONS.c.status == expected, *conditions).values(values)
        )
        return result.rowcount == 1

    async def expire_batch(self, now: datetime, limit: int) -> int:
        """Mark up to `limit` available coupons past their end as expired (safe in several processes)."""
        due = (
            select(COUPONS.c.id).where(COUPONS.c.status == "available", COUPONS.c.valid_until <= now)
            .order_by(COUPONS.c.id).limit(limit)
        )
        ids = list(await self.session.scalars(due))
        if not ids:
            return 0
        result = await self.session.execute(
            update(COUPONS).where(COUPONS.c.id.in_(ids), COUPONS.c.status == "available").values(status="expired")
        )
        return result.rowcount

    async def claim_nudges(self, now: datetime, until: datetime, limit: int) -> list[Nudge]:
        """Claim "expires soon" messages for available coupons ending before `until`; each once, in any process."""
        due = (
            select(COUPONS.c.id).where(COUPONS.c.status == "available", COUPONS.c.nudged_at.is_(None),
                                       COUPONS.c.valid_until > now, COUPONS.c.valid_until <= until)
            .order_by(COUPONS.c.valid_until).limit(limit)
        )
        ids = list(await self.session.scalars(due))
        if not ids:
            return []
        claimed = list(await self.session.scalars(
            update(COUPONS).where(COUPONS.c.id.in_(ids), COUPONS.c.nudged_at.is_(None)).values(nudged_at=now)
            .returning(COUPONS.c.id)
        ))
        rows = await self.session.execute(
            select(Member.telegram_id, TelegramUser.language, *_COUPON_COLUMNS, *_CAMPAIGN_COLUMNS)
            .select_from(COUPONS.join(CAMPAIGNS).join(Member.__table__, Member.id == COUPONS.c.member_id))
            .outerjoin(TelegramUser, TelegramUser.id == Member.telegram_id)
            .where(COUPONS.c.id.in_(claimed), Member.telegram_id.is_not(None))
        )
        return [Nudge(row[0], row[1], _view(row[2:])) for row in rows]

    # --- gifts ---------------------------------------------------------------------------------

    async def open_gift(self, coupon_id: int, giver_id: int, token_hash: str, now: datetime) -> None:
        """A new link for the coupon; an earlier open link for it stops working."""
        await self.cancel_gifts(coupon_id, giver_id)
        await self.session.execute(
            GIFTS.insert().values(coupon_id=coupon_id, giver_id=giver_id, token_hash=token_hash, status="open",
                                  created_at=now)
        )

    async def cancel_gifts(self, coupon_id: int, giver_id: int) -> int:
        result = await self.session.execute(
            update(GIFTS).where(GIFTS.c.coupon_id == coupon_id, GIFTS.c.giver_id == giver_id, GIFTS.c.status == "open")
            .values(status="cancelled")
        )
        return result.rowcount

    async def gift_by_hash(self, token_hash: str) -> tuple[int, int, int, str] | None:
        """(gift id, coupon id, giver id, status)."""
        row = (
            await self.session.execute(
                select(GIFTS.c.id, GIFTS.c.coupon_id, GIFTS.c.giver_id, GIFTS.c.status)
                .where(GIFTS.c.token_hash == token_hash)
            )
        ).first()
        return tuple(row) if row else None

    async def accept_gift(self, gift_id: int, receiver_id: int, now: datetime) -> bool:
        """Only the first taker moves the gift out of `open`."""
        result = await self.session.execute(
            update(GIFTS).where(GIFTS.c.id == gift_id, GIFTS.c.status == "open")
            .values(status="accepted", receiver_id=receiver_id, accepted_at=now)
        )
        return result.rowcount == 1

    async def hand_over(self, coupon_id: int, giver_id: int, receiver_id: int, now: datetime) -> bool:
        """The coupon changes owner if the giver still holds it, unused and valid."""
        result = await self.session.execute(
            update(COUPONS)
            .where(COUPONS.c.id == coupon_id, COUPONS.c.member_id == giver_id, COUPONS.c.status == "available",
                   COUPONS.c.valid_until > now)
            .values(member_id=receiver_id, received_from=giver_id)
        )
        return result.rowcount == 1

    async def member_tier(self, member_id: int) -> str | None:
        return await self.session.scalar(select(Member.tier).where(Member.id == member_id))
