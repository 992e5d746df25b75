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
        audit,
        blocked,
        coupon_gifts,
        coupons,
        fallback,
        language,
        login,
        points,
        profile,
        profile_setup,
        registration,
        staff,
        start,
    )

    # Dialog routers first so their state filters win; the catch-all fallback is last.
    # A blocked member's updates stop at `blocked`; the staff routers (each handler checks the role
    # last, so member updates pay no query) come just before the fallback.
    features = (blocked, coupon_gifts, start, registration, login, profile, profile_setup, language, points, coupons,
                admin, admin_points, admin_campaigns, staff, audit, fallback)
    return [feature.create_router() for feature in features]
