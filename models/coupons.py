"""Coupon campaigns (templates), the coupons members hold, and the claim slots that cap each member."""

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, UtcDateTime, utcnow


class CouponCampaign(Base):
    """What a coupon gives, how long it is valid, how many exist and who may obtain one.

    `claimed` only ever moves by a conditional update (`claimed < stock`), so stock holds
    under any concurrency; `stock` NULL means unlimited.
    """

    __tablename__ = "coupon_campaigns"
    __table_args__ = (
        CheckConstraint("claimed >= 0", name="claimed_nonneg"),
        CheckConstraint("stock IS NULL OR claimed <= stock", name="claimed_within_stock"),
        CheckConstraint("per_member_limit >= 1", name="per_member_limit_positive"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)  # staff's name for it (settings, tools)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))  # amount_off | percent_off | free_shipping
    amount_off: Mapped[int | None] = mapped_column(BigInteger)  # minor units
    percent_off: Mapped[int | None] = mapped_column(Integer)  # 1..100
    max_discount: Mapped[int | None] = mapped_column(BigInteger)  # cap of percent_off, minor units
    min_spend: Mapped[int] = mapped_column(BigInteger, default=0)  # order subtotal, minor units
    starts_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    valid_days: Mapped[int | None] = mapped_column(Integer)  # N days from claim instead of the window
    stock: Mapped[int | None] = mapped_column(Integer)
    claimed: Mapped[int] = mapped_column(Integer, default=0)
    per_member_limit: Mapped[int] = mapped_column(Integer, default=1)
    channel: Mapped[str] = mapped_column(String(16))  # claimable | points | staff | code
    points_price: Mapped[int | None] = mapped_column(Integer)
    redeem_code: Mapped[str | None] = mapped_column(String(32), unique=True)  # normalised, channel "code"
    min_tier: Mapped[str | None] = mapped_column(String(16))
    giftable: Mapped[bool] = mapped_column(Boolean, default=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Coupon(Base):
    """One member's coupon; every status change is one conditional UPDATE on the expected status."""

    __tablename__ = "coupons"
    __table_args__ = (
        Index("ix_coupons_member_status", "member_id", "status"),
        Index("ix_coupons_status_valid_until", "status", "valid_until"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("coupon_campaigns.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    status: Mapped[str] = mapped_column(String(16), default="available")
    locked_order_id: Mapped[str | None] = mapped_column(String(64))
    valid_from: Mapped[datetime] = mapped_column(UtcDateTime)
    valid_until: Mapped[datetime] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Set when the coupon came as a gift: a received coupon is not gifted on again.
    received_from: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    # The "expires in 3 days" message was claimed (set once by a conditional update, so sent once).
    nudged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class CouponClaim(Base):
    """Claim slot n of a member in a campaign: the primary key makes the per-member limit hold."""

    __tablename__ = "coupon_claims"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("coupon_campaigns.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CouponGift(Base):
    """A gift link for one coupon: only the token's hash is stored; `open` until taken or taken back."""

    __tablename__ = "coupon_gifts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    coupon_id: Mapped[int] = mapped_column(ForeignKey("coupons.id"), index=True)
    giver_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | accepted | cancelled
    receiver_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
