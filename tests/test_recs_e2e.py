"""Personal recommendations (issue 15) on a hand-computed fixture of orders, and "For you" under /shop.

The fixture (every product has stock 10 unless said; A, D and F are not repeatable):

    o1: A B F      o2: A C      o3: A B G        (buyers in the normal tier)
    g1: E×3        g2: D E                       (buyers in the gold tier; g2's basket 8,750)
    o1 also has an unpaid order of D×10, which counts for nothing.
    F is out of stock, G inactive: neither is ever offered.

Units kept in paid orders: E 4, A 3, B 2, C 1, D 1 (F 1, G 1): the best sellers are E, A, B.
"""

import pytest
from sqlalchemy import delete, func, insert, select, update

from models.base import utcnow
from models.members import Member
from models.orders import Order, OrderLine
from sandbox.emulator import SimUser
from services import orders
from services.orders import ProductSpec, recommendations
from services.orders.recommendations import CouponTarget, choose_target, next_round_above
from tests.conftest import BotEnv, unique
from tests.texts import shown, t

BOT_SETTINGS = {"background_jobs": False, "shop_page_size": 20}


class Shop:
    """The fixture's product ids by letter, and a way to add paid orders."""

    def __init__(self, bot_env: BotEnv) -> None:
        self.bot_env = bot_env
        self.ids: dict[str, int] = {}
        self.names: dict[str, str] = {}
        self.added: list[int] = []  # orders a test added, removed after it so every test sees the fixture

    async def add(self, letter: str, category: str, repeatable: bool = True, stock: int = 10,
                  active: bool = True) -> None:
        name = unique(f"P{letter}-")
        spec = ProductSpec(name, name, 1_000, stock, category=category, repeatable=repeatable, active=active)
        self.ids[letter] = await orders.add_product(self.bot_env.uow(), spec)
        self.names[letter] = name

    async def order(self, member_id: int, lines: dict[str, int], paid: bool = True, total: int = 1_000) -> int:
        now = utcnow()
        await self.bot_env.probe.write(insert(Order).values(
            member_id=member_id, status="paid" if paid else "pending_payment", subtotal=total, total=total,
            currency="CNY", paid_at=now if paid else None, created_at=now, updated_at=now))
        order_id = await self.bot_env.probe.scalar(select(func.max(Order.id)).where(Order.member_id == member_id))
        for letter, quantity in lines.items():
            await self.bot_env.probe.write(insert(OrderLine).values(
                order_id=order_id, product_id=self.ids[letter], name_zh=self.names[letter],
                name_en=self.names[letter], unit_price=1_000, quantity=quantity))
        self.added.append(order_id)
        return order_id

    async def reset(self) -> None:
        if self.added:
            await self.bot_env.probe.write(delete(OrderLine).where(OrderLine.order_id.in_(self.added)))
            await self.bot_env.probe.write(delete(Order).where(Order.id.in_(self.added)))
        self.added = []

    def reasons(self, picks: list[recommendations.Recommendation]) -> list[tuple[str, str, str | None]]:
        letter = {product_id: name for name, product_id in self.ids.items()}
        return [(letter[pick.product.id], pick.reason, letter[pick.anchor.id] if pick.anchor else pick.tier)
                for pick in picks]


async def buyer(bot_env: BotEnv, tier: str = "normal") -> int:
    member_id = await bot_env.make_member(bot_env.new_user())
    await bot_env.probe.write(update(Member).where(Member.id == member_id).values(tier=tier))
    return member_id


async def seeded(bot_env: BotEnv) -> Shop:
    """The fixture, built once per database."""
    if getattr(bot_env, "recs_shop", None) is not None:
        return bot_env.recs_shop
    shop = Shop(bot_env)
    for letter, category, repeatable in (("A", "kitchen", False), ("B", "food", True), ("C", "kitchen", True),
                                         ("D", "kitchen", False), ("E", "food", True)):
        await shop.add(letter, category, repeatable)
    await shop.add("F", "kitchen", repeatable=False, stock=0)
    await shop.add("G", "kitchen", active=False)
    o1, o2, o3 = await buyer(bot_env), await buyer(bot_env), await buyer(bot_env)
    g1, g2 = await buyer(bot_env, "gold"), await buyer(bot_env, "gold")
    await shop.order(o1, {"A": 1, "B": 1, "F": 1}, total=3_000)
    await shop.order(o2, {"A": 1, "C": 1})
    await shop.order(o3, {"A": 1, "B": 1, "G": 1})
    await shop.order(g1, {"E": 3})
    await shop.order(g2, {"D": 1, "E": 1}, total=8_750)
    await shop.order(o1, {"D": 10}, paid=False)
    shop.o1, shop.g2, shop.added = o1, g2, []
    bot_env.recs_shop = shop
    return shop


@pytest.fixture
async def shop(bot_env: BotEnv) -> Shop:
    seeded_shop = await seeded(bot_env)
    yield seeded_shop
    await seeded_shop.reset()


async def test_bought_together_then_best_sellers_and_never_a_bought_non_repeatable(bot_env: BotEnv, shop: Shop) -> None:
    x = await buyer(bot_env)
    await shop.order(x, {"A": 1})
    picks = await recommendations.for_member(bot_env.uow(), x, 3)
    # A's orders o1, o2, o3 hold B twice and C once (F sold out, G inactive); no normal-tier buyer bought
    # anything else offerable, so the last place is the best seller E. A itself (not repeatable) never.
    assert shop.reasons(picks) == [("B", "together", "A"), ("C", "together", "A"), ("E", "best-seller", None)]
    many = await recommendations.for_member(bot_env.uow(), x, 10)
    assert [letter for letter, _, _ in shop.reasons(many)] == ["B", "C", "E", "D"]  # A, F, G never


async def test_popular_in_the_tier_and_a_repeatable_may_come_back(bot_env: BotEnv, shop: Shop) -> None:
    y = await buyer(bot_env, "gold")
    await shop.order(y, {"B": 1})
    picks = await recommendations.for_member(bot_env.uow(), y, 3)
    # B's orders o1, o3 hold A twice; gold buyers (g1, g2, y) bought E 4, B 1, D 1 (ties by product id)
    assert shop.reasons(picks) == [("A", "together", "B"), ("E", "tier", "gold"), ("B", "tier", "gold")]


async def test_a_member_with_no_paid_order_gets_the_best_sellers(bot_env: BotEnv, shop: Shop) -> None:
    z = await buyer(bot_env, "gold")
    await shop.order(z, {"D": 1}, paid=False)
    picks = await recommendations.for_member(bot_env.uow(), z, 3)
    assert shop.reasons(picks) == [("E", "best-seller", None), ("A", "best-seller", None), ("B", "best-seller", None)]


async def test_the_personalised_coupon_target(bot_env: BotEnv, shop: Shop) -> None:
    assert await recommendations.coupon_target(bot_env.uow(), shop.o1) == CouponTarget("category", category="kitchen")
    # g2 bought one kitchen and one food item: no favourite, so a threshold above the median basket 8,750
    assert await recommendations.coupon_target(bot_env.uow(), shop.g2) == CouponTarget("threshold", min_spend=9_000)
    assert await recommendations.coupon_target(bot_env.uow(), await buyer(bot_env)) is None


def test_the_coupon_target_rule() -> None:
    assert [next_round_above(n) for n in (0, 99, 100, 8_750, 9_000, 12_000, 123_456)] == \
        [100, 100, 200, 9_000, 9_500, 15_000, 150_000]
    assert choose_target([("tea", 3), ("cups", 3)], [1_000, 5_000, 20_000]) == CouponTarget("threshold", min_spend=5_500)
    assert choose_target([("tea", 4), ("cups", 3)], [1_000]) == CouponTarget("category", category="tea")
    assert choose_target([("tea", 2), ("cups", 1), ("pots", 2)], [1_000]).kind == "threshold"  # 2 of 5: no favourite
    assert choose_target([], []) is None


async def test_for_you_under_the_first_shop_page_in_both_languages(bot_env: BotEnv, shop: Shop, member: SimUser) -> None:
    await shop.order(member.member_id, {"A": 1})
    await member.send("/shop")
    page = await member.expect_message()
    assert shown("recs-title") in page.text
    assert shown("recs-reason-together", anchor=shop.names["A"]) in page.text
    assert shown("recs-reason-best-seller") in page.text
    assert t("recs-btn", name=shop.names["B"]) in page.button_texts
    await member.press(page, t("recs-btn", name=shop.names["B"]))
    assert shop.names["B"] in page.text and t("shop-btn-add") in page.button_texts

    english = bot_env.new_user(language_code="en")
    await bot_env.make_member(english)
    await bot_env.probe.write(update(Member).where(Member.id == english.member_id).values(tier="gold"))
    await shop.order(english.member_id, {"B": 1})
    await english.send("/shop")
    page = await english.expect_message()
    assert shown("recs-title", "en") in page.text
    assert shown("recs-reason-tier", "en", tier="Gold") in page.text
    assert t("recs-btn", "en", name=shop.names["A"]) in page.button_texts
