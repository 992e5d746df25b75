"""One aiogram Router per feature; `create_routers()` builds them, in the order they must be included.

Routers are built afresh for every dispatcher (a router can belong to one parent only), so each
feature module registers its module-level handlers in its own `create_router()`.
"""

from aiogram import Router


def create_routers() -> list[Router]:
    from handlers import (
        admin,
        admin_campaigns,
        admin_points,
        aftersale,
        audit,
        blocked,
        checkout,
        coupon_gifts,
        coupons,
        fallback,
        language,
        login,
        orders,
        points,
        profile,
        profile_setup,
        registration,
        reviews,
        shop,
        staff,
        staff_returns,
        start,
    )

    # Dialog routers first so their state filters win; the catch-all fallback is last.
    features = (coupon_gifts, start, registration, login, profile, profile_setup, language, points, coupons, fallback)
    features = (*features[:-1], checkout, shop, orders, aftersale, reviews, staff_returns, features[-1])
    # A blocked member's updates stop at `blocked`; the staff routers (each handler checks the role
    # last, so member updates pay no query) come just before the fallback.
    features = (blocked, *features[:-1], admin, admin_points, admin_campaigns, staff, audit, features[-1])
    return [feature.create_router() for feature in features]
