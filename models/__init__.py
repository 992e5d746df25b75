"""Database tables and the async repository layer."""

from models.approvals import ApprovalRequest
from models.base import Base
from models.coupons import Coupon, CouponCampaign, CouponClaim, CouponGift
from models.members import LinkToken, LoginFailure, LoginLock, Member, TelegramUser
from models.points import PointsLedger
from models.runtime import FsmRecord, ProcessedUpdate
from models.staff import AuditRecord, StaffRole

__all__ = [
    "ApprovalRequest",
    "AuditRecord",
    "Base",
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
