"""Database tables and the async repository layer."""

from models.abuse import BirthdayChange, IdentityMark, RewardClaim
from models.aftersale import Refund, RefundLine, Review, ReturnRequest, ReturnRequestLine, ReturnRequestPhoto
from models.approvals import ApprovalRequest
from models.automation import AutomationRule, AutomationSend
from models.base import Base
from models.broadcasts import Broadcast, BroadcastDelivery
from models.coupons import Coupon, CouponCampaign, CouponClaim, CouponGift
from models.members import LinkToken, LoginFailure, LoginLock, Member, TelegramUser
from models.orders import CartItem, Order, OrderEvent, OrderLine, Payment, Product
from models.points import PointsLedger
from models.runtime import FsmRecord, ProcessedUpdate
from models.staff import AuditRecord, StaffRole
from models.support import Ticket, TicketMessage

__all__ = [
    "BirthdayChange",
    "IdentityMark",
    "RewardClaim",
    "ApprovalRequest",
    "AutomationRule",
    "AutomationSend",
    "AuditRecord",
    "Base",
    "Broadcast",
    "BroadcastDelivery",
    "CartItem",
    "Coupon",
    "CouponCampaign",
    "CouponClaim",
    "CouponGift",
    "FsmRecord",
    "LinkToken",
    "LoginFailure",
    "LoginLock",
    "Member",
    "Order",
    "OrderEvent",
    "OrderLine",
    "Payment",
    "PointsLedger",
    "Product",
    "Refund",
    "RefundLine",
    "ReturnRequest",
    "ReturnRequestLine",
    "ReturnRequestPhoto",
    "Review",
    "ProcessedUpdate",
    "StaffRole",
    "TelegramUser",
    "Ticket",
    "TicketMessage",
]
