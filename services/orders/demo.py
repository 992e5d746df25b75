"""A few demo products so a person trying the sandbox can buy something (never run in production startup)."""

from typing import TextIO

from models.database import Database
from models.migrate import upgrade_to_head
from services.orders.catalog import ProductSpec, add_product
from services.unit_of_work import UnitOfWork

DEMO_PRODUCTS = (
    ProductSpec("经典白T恤", "Classic white T-shirt", 9_900, 50, "纯棉，四季百搭。", "Pure cotton, goes with anything.",
                category="apparel", sku="demo-tshirt", repeatable=True),
    ProductSpec("保温咖啡杯", "Insulated coffee mug", 6_800, 20, "双层不锈钢，保温 6 小时。",
                "Double-wall steel, keeps warm for 6 hours.", category="home", sku="demo-mug"),
    ProductSpec("帆布托特包", "Canvas tote bag", 12_900, 10, "结实耐用，可装 14 寸电脑。",
                "Sturdy; fits a 14-inch laptop.", category="apparel", sku="demo-tote"),
    ProductSpec("挂耳咖啡（10 包）", "Drip coffee (10 bags)", 4_500, 100, "中度烘焙。", "Medium roast.",
                category="food", sku="demo-coffee"),
    ProductSpec("限量版徽章", "Limited-edition pin", 1_900, 1, "仅此一枚。", "Only one left.",
                category="gifts", sku="demo-pin", repeatable=False),
)


async def seed_demo(uow: UnitOfWork) -> int:
    """Add the demo products that are not there yet (by SKU); how many were added."""
    added = 0
    for spec in DEMO_PRODUCTS:
        async with uow.read():
            exists = await uow.catalog.product_by_sku(spec.sku) is not None
        if not exists:
            await add_product(uow, spec)
            added += 1
    return added


async def run_seed(database_url: str, out: TextIO) -> int:
    """The `member-bot seed-demo` command: migrate, add the demo products missing, say how many."""
    database = Database(database_url)
    try:
        await upgrade_to_head(database.engine)
        added = await seed_demo(UnitOfWork(database))
    finally:
        await database.dispose()
    print(f"seed-demo: {added} demo product(s) added", file=out)
    return 0
