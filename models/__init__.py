"""Database tables and the async repository layer."""

from models.base import Base
from models.broadcasts import Broadcast, BroadcastDelivery
from models.coupons import Coupon, CouponCampaign, CouponClaim, CouponGift
from models.members import LinkToken, LoginFailure, LoginLock, Member, TelegramUser
from models.points import PointsLedger
from models.runtime import FsmRecord, ProcessedUpdate
from models.staff import AuditRecord, StaffRole

__all__ = [
    "AuditRecord",
    "Base",
    "Broadcast",
    "BroadcastDelivery",
    "Coupon",
    "CouponCampaign",
    "CouponClaim",
    "CouponGift",
    "FsmRecord",
    "LinkToken",
    "LoginFailure",
    "LoginLock",
    "Member",
    "PointsLedger",
    "ProcessedUpdate",
    "StaffRole",
    "TelegramUser",
]
