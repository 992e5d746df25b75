"""Personal recommendations ("为你推荐 / For you", issue 15) and the personalised coupon target.

`for_member(uow, member_id, limit)` is the one entry point (the /shop first page uses it; a broadcast
can add it as a block): up to `limit` active products in stock, each with a reason code:

    "together"     often bought with `anchor`, a product the member bought (their latest purchases first)
    "tier"         popular with members of the member's tier (`tier`)
    "best-seller"  what sells most; the only reason for a member with no paid order yet

A product the member already paid for is never offered again unless it is `repeatable` (a consumable):
the issue says "never what they already bought", PRODUCT.md says "never already bought non-repeatables";
we read both together as: a non-repeatable bought once is never offered, a repeatable may be bought again.

Everything is SQL over orders bounded by indexes (see models/repositories/recommendations.py); Python
only merges a few dozen candidate rows.
"""

from dataclasses import dataclass
from statistics import median_low

from models.repositories.catalog import ProductView
from services.unit_of_work import UnitOfWork

ANCHORS = 3  # the member's latest bought products whose co-purchases are looked at
SAMPLE = 200  # latest paid orders holding an anchor product that are counted
WINDOW = 2000  # latest paid orders counted for "popular in your tier" and best sellers
FAVOURITE_SHARE = 0.5  # a category is the favourite with at least this share of the units bought
BASKETS = 50  # latest paid orders whose totals give the median basket


@dataclass(frozen=True, slots=True)
class Recommendation:
    product: ProductView
    reason: str  # together | tier | best-seller
    anchor: ProductView | None = None  # for "together"
    tier: str | None = None  # for "tier"


async def for_member(uow: UnitOfWork, member_id: int, limit: int = 3) -> list[Recommendation]:
    """Up to `limit` recommendations for a member, in one short read."""
    async with uow.read():
        return await recommend(uow, member_id, limit)


async def recommend(uow: UnitOfWork, member_id: int, limit: int) -> list[Recommendation]:
    """As for_member, inside an open unit of work (a broadcast building many messages)."""
    repo = uow.recommendations
    bought = await repo.bought(member_id)
    exclude = [product_id for product_id, repeatable in bought if not repeatable]
    picked: dict[int, tuple[str, int | None, str | None]] = {}  # product -> (reason, anchor, tier)
    if bought:
        scores: dict[int, tuple[int, int]] = {}
        for anchor, _ in bought[:ANCHORS]:  # latest purchase first: a tie keeps the more recent anchor
            for product_id, orders in await repo.together(anchor, exclude, SAMPLE, limit):
                if product_id not in scores or orders > scores[product_id][0]:
                    scores[product_id] = (orders, anchor)
        for product_id, (_, anchor) in sorted(scores.items(), key=lambda item: (-item[1][0], item[0]))[:limit]:
            picked[product_id] = ("together", anchor, None)
        tier = await repo.tier(member_id)
        if len(picked) < limit and tier is not None:
            for product_id, _ in await repo.popular(tier, exclude + list(picked), WINDOW, limit - len(picked)):
                picked[product_id] = ("tier", None, tier)
    if len(picked) < limit:
        for product_id, _ in await repo.popular(None, exclude + list(picked), WINDOW, limit - len(picked)):
            picked[product_id] = ("best-seller", None, None)
    views = await repo.products([*picked, *(anchor for _, anchor, _ in picked.values() if anchor)])
    return [
        Recommendation(views[product_id], reason, views.get(anchor) if anchor else None, tier)
        for product_id, (reason, anchor, tier) in picked.items()
    ]


# --- the personalised coupon (for the automation) ----------------------------------------------

@dataclass(frozen=True, slots=True)
class CouponTarget:
    """What a personalised coupon should be for: a favourite category, or a spend threshold."""

    kind: str  # category | threshold
    category: str | None = None
    min_spend: int | None = None  # minor units, for "threshold"


def next_round_above(amount: int) -> int:
    """The next round amount strictly above `amount` (minor units): 8,750 → 9,000; 12,000 → 15,000; 0 → 100."""
    step = max(100, 10 ** (len(str(max(amount, 0))) - 1) // 2)
    return (max(amount, 0) // step + 1) * step


def choose_target(categories: list[tuple[str, int]], totals: list[int]) -> CouponTarget | None:
    """The rule: a clear favourite category (≥ FAVOURITE_SHARE of the units, ahead of the next), else a
    threshold just above the median basket; None for a member who has paid for nothing."""
    if not totals:
        return None
    units = sum(count for _, count in categories)
    if categories and units > 0:
        top, top_units = categories[0]
        runner_up = categories[1][1] if len(categories) > 1 else 0
        if top_units >= FAVOURITE_SHARE * units and top_units > runner_up:
            return CouponTarget("category", category=top)
    return CouponTarget("threshold", min_spend=next_round_above(median_low(totals)))


async def coupon_target(uow: UnitOfWork, member_id: int) -> CouponTarget | None:
    """The personalised coupon for a member (two indexed queries over their own orders)."""
    async with uow.read():
        categories = await uow.recommendations.category_units(member_id)
        totals = await uow.recommendations.paid_totals(member_id, BASKETS)
    return choose_target(categories, totals)
