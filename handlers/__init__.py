"""One aiogram Router per feature; `create_routers()` builds them, in the order they must be included.

Routers are built afresh for every dispatcher (a router can belong to one parent only), so each
feature module registers its module-level handlers in its own `create_router()`.
"""

from aiogram import Router


def create_routers() -> list[Router]:
    from handlers import (
        admin,
        admin_campaigns,
        admin_catalog,
        admin_orders,
        admin_points,
        aftersale,
        audit,
        automation,
        blocked,
        broadcast,
        broadcast_controls,
        checkout,
        coupon_gifts,
        coupons,
        fallback,
        feedback,
        language,
        login,
        orders,
        points,
        privacy,
        profile,
        profile_setup,
        registration,
        reviews,
        shop,
        staff,
        staff_returns,
        start,
        stats,
        support_desk,
    )

    # Dialog routers first so their state filters win; the catch-all fallback is last.
    # A blocked member's updates stop at `blocked`; the staff routers check the role last on each
    # handler, so member updates pay no query; the catch-all fallback is last.
    features = (
        blocked, coupon_gifts, start, registration, login, profile, profile_setup, language, points, coupons,
        privacy, checkout, shop, orders, aftersale, reviews, feedback,  # member features
        staff_returns, support_desk, stats, admin, admin_points, admin_campaigns, admin_catalog, admin_orders,
        staff, audit,  # staff features
        broadcast, broadcast_controls,  # the admins' /broadcast dialog; progress buttons, unsubscribe
        automation,  # /automation: the marketing automations' switches and parameters
        fallback,
    )
    return [feature.create_router() for feature in features]
