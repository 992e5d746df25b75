"""Coupons (PRODUCT.md 3): rules, claiming, a coupon's life, staff operations, what members see.

    rules.py      codes, validity, the discount of a coupon on an order (pure)
    claims.py     claim, redeem with points, add by code, staff issue, welcome issue
    lifecycle.py  lock / unlock / consume / restore / revoke, and the expiry job
    staff.py      create, pause, resume a campaign
    views.py      wallet, past coupons (paged), one coupon, the coupon centre
    gifts.py      gift links: offer, take back, accept
"""

from models.repositories.coupons import Campaign, CouponView
from services.coupons import gifts
from services.coupons.claims import (
    Claimed,
    LimitReached,
    SoldOut,
    claim,
    issue,
    issue_in_open_uow,
    redeem_code,
)
from services.coupons.lifecycle import (
    claim_nudges,
    consume,
    expire_due,
    lock,
    restore,
    revoke,
    unlock,
)
from services.coupons.rules import (
    Terms,
    best_first,
    discount,
    discount_of_lines,
    normalise_code,
    show_code,
)
from services.coupons.staff import CampaignSpec, create_campaign, pause, resume
from services.coupons.views import (
    Offer,
    Page,
    campaign,
    centre,
    coupon_of,
    expiring_soon,
    past,
    terms,
    wallet,
)

__all__ = [
    "Campaign",
    "CampaignSpec",
    "Claimed",
    "CouponView",
    "LimitReached",
    "Offer",
    "Page",
    "SoldOut",
    "Terms",
    "best_first",
    "campaign",
    "centre",
    "claim",
    "claim_nudges",
    "consume",
    "coupon_of",
    "create_campaign",
    "discount",
    "discount_of_lines",
    "expire_due",
    "expiring_soon",
    "gifts",
    "issue",
    "issue_in_open_uow",
    "lock",
    "normalise_code",
    "past",
    "pause",
    "redeem_code",
    "restore",
    "resume",
    "revoke",
    "show_code",
    "terms",
    "unlock",
    "wallet",
]
