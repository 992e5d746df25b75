"""One aiogram Router per feature; `create_routers()` builds them, in the order they must be included.

Routers are built afresh for every dispatcher (a router can belong to one parent only), so each
feature module registers its module-level handlers in its own `create_router()`.
"""

from aiogram import Router


def create_routers() -> list[Router]:
    from handlers import (
        aftersale,
        broadcast,
        broadcast_controls,
        coupon_gifts,
        coupons,
        fallback,
        feedback,
        language,
        checkout,
        login,
        orders,
        points,
        privacy,
        profile,
        profile_setup,
        registration,
        reviews,
        shop,
        staff_returns,
        start,
        stats,
        support_desk,
    )

    # Dialog routers first so their state filters win; the catch-all fallback is last.
    features = (
        coupon_gifts, start, registration, login, profile, profile_setup, language, points, coupons, privacy,
        checkout, shop, orders, aftersale, reviews, feedback,  # member features
        staff_returns, support_desk, stats,  # staff features (role checked per handler)
        broadcast, broadcast_controls,  # the admins' /broadcast dialog; progress buttons, unsubscribe, blocks
        fallback,
    )
    return [feature.create_router() for feature in features]
