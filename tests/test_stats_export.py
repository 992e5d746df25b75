"""/stats figures, charts and CSV exports: exact figures over a known shop on a fresh database (SQLite
and PostgreSQL), valid PNG charts with CJK glyphs, and exports that parse and match the database."""

import csv
import io
from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal

import pytest
from fontTools.ttLib import TTFont
from PIL import Image
from sqlalchemy import func, select

from models.base import utcnow
from models.coupons import Coupon, CouponCampaign
from models.database import Database
from models.aftersale import Refund
from models.members import Member
from models.orders import Order
from models.points import PointsCheckin, PointsLedger
from models.support import Ticket, TicketMessage
from services import charts, export, stats
from services.errors import InvalidInput
from services.orders import OrderRules
from services.policy import ShopPolicy
from services.staff.roles import StaffOnly
from services.unit_of_work import UnitOfWork
from tests.conftest import next_telegram_id, own_database

OWNER = 9_001
POLICY = ShopPolicy(owners=frozenset({OWNER}), orders=OrderRules(points_per_unit=200, minor_per_unit=300))
NOW = utcnow()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
async def shop(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Database]:
    """A fresh database holding a small, known shop (so every figure is exact)."""
    async with own_database(request.param, tmp_path_factory.mktemp("shop")) as database:
        await seed(database)
        yield database


def ago(**delta: float):
    return NOW - timedelta(**delta)


async def seed(database: Database) -> None:
    """Three members (joined 1, 10 and 60 days ago), their points, a campaign and three tickets."""
    async with database.session(write=True) as session:
        first = Member(username="alice", password_hash="$2b$04$secret-hash-never-exported", email="a@example.com",
                       telegram_id=next_telegram_id(), points_available=50, created_at=ago(days=1),
                       address="=HYPERLINK(\"http://evil\")")
        second = Member(username="bob", points_available=200, points_frozen=10, created_at=ago(days=10))
        third = Member(username="carol", created_at=ago(days=60))
        session.add_all([first, second, third])
        await session.flush()
        entries = [(first, "welcome", 100, 1), (first, "spend", -50, 2), (second, "adjust", 200, 20),
                   (third, "expire", -30, 40)]
        for member, kind, amount, days in entries:
            session.add(PointsLedger(member_id=member.id, kind=kind, amount=amount, available_after=0, frozen_after=0,
                                     created_at=ago(days=days)))
        session.add(PointsCheckin(member_id=third.id, day=ago(days=3).date(), streak=1, points=0, created_at=ago(days=3)))
        campaign = CouponCampaign(code="spring", name_zh="春季券", name_en="Spring", kind="amount_off", amount_off=500,
                                  stock=10, claimed=4, channel="claimable")
        session.add(campaign)
        await session.flush()
        for n in range(4):
            session.add(Coupon(code=f"CODE{n}", campaign_id=campaign.id, member_id=first.id,
                               status="used" if n == 0 else "available", valid_from=NOW, valid_until=NOW))
        for status, rating, response in (("closed", 4, 600), ("closed", 2, 1800), ("open", None, None)):
            ticket = Ticket(member_id=first.id, kind="question", status=status, rating=rating,
                            first_response_seconds=response, created_at=ago(hours=5), updated_at=ago(hours=5))
            session.add(ticket)
            await session.flush()
            session.add(TicketMessage(ticket_id=ticket.id, author="member", text="hi", photos=[], created_at=ago(hours=5)))
        await seed_orders(session, first, second, third)
        await session.commit()


async def seed_orders(session: object, first: Member, second: Member, third: Member) -> None:
    """Paid 10 days ago (20.00 of 100.00 refunded since), paid 40 days ago, and one never paid."""
    refunded = Order(member_id=first.id, status="partially_refunded", subtotal=10_000, total=10_000,
                     refunded_amount=2_000, currency="CNY", created_at=ago(days=10), paid_at=ago(days=10))
    session.add_all([refunded,
                     Order(member_id=second.id, status="completed", subtotal=5_000, total=5_000, currency="CNY",
                           created_at=ago(days=40), paid_at=ago(days=40)),
                     Order(member_id=third.id, status="pending_payment", subtotal=3_000, total=3_000, currency="CNY",
                           created_at=ago(days=1))])
    await session.flush()
    session.add(Refund(order_id=refunded.id, amount=2_000, idempotency_key="seed-refund", created_at=ago(days=9)))


async def test_the_figures_of_a_known_shop(shop: Database) -> None:
    sections = {s.key: s for s in await stats.report(UnitOfWork(shop), POLICY, OWNER, now=NOW)}
    assert list(sections) == ["members", "points", "coupons", "orders", "tickets", "automation"]
    assert sections["automation"].rows == []  # nothing automated in this shop (figures: test_automation_service.py)
    assert sections["orders"].values == dict(
        orders=2, orders_7=0, orders_30=1, revenue_money=13_000, revenue_30_money=8_000, average_30_money=10_000,
        refunds_30=1, refunded_30_money=2_000,
    )
    assert sections["members"].values == dict(total=3, new7=1, new30=2, active7=2, active30=3)
    assert sections["points"].values == dict(
        issued=300, spent=50, expired=30, issued_30=300, spent_30=50, expired_30=0, outstanding=260,
        liability_money=390,  # 260 points at 200 points per 300 minor units
    )
    assert sections["coupons"].rows == [dict(name_zh="春季券", name_en="Spring", claimed=4, stock=10, issued=4, used=1,
                                             claim_percent="40.0", use_percent="25.0")]
    assert sections["tickets"].values == dict(open=1, total=3, rated=2, rating="3.0", response_seconds=1200)


async def test_only_admins_read_stats_or_export(shop: Database) -> None:
    stranger = next_telegram_id()
    for call in (stats.report(UnitOfWork(shop), POLICY, stranger), charts.daily(UnitOfWork(shop), POLICY, stranger, 7),
                 export.export(UnitOfWork(shop), POLICY, stranger, "members")):
        with pytest.raises(StaffOnly):
            await call
    with pytest.raises(InvalidInput):
        await export.export(UnitOfWork(shop), POLICY, OWNER, "passwords")


async def test_daily_series_and_the_chart_image(shop: Database) -> None:
    daily = await charts.daily(UnitOfWork(shop), POLICY, OWNER, 30, now=NOW)
    today = NOW.astimezone(POLICY.tz).date()
    assert len(daily.days) == 30 and daily.days[-1] == today
    joined = {day: n for day, n in zip(daily.days, daily.new_members) if n}
    assert joined == {ago(days=1).astimezone(POLICY.tz).date(): 1, ago(days=10).astimezone(POLICY.tz).date(): 1}
    assert sum(daily.points_issued) == 300 and sum(daily.points_spent) == 50
    assert {day: amount for day, amount in zip(daily.days, daily.revenue) if amount} == {
        ago(days=10).astimezone(POLICY.tz).date(): 8_000}
    title = "每日积分发放与使用"
    png = await charts.render(charts.ChartSpec(title, daily.days, [("发放", daily.points_issued), ("使用", daily.points_spent)]))
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG" and image.size == charts.SIZE_PX
        assert len(image.getcolors(maxcolors=1 << 16) or range(1 << 16)) > 10  # something was drawn
    from matplotlib import font_manager

    used = font_manager.findfont(font_manager.FontProperties(family=charts.font_name()), fallback_to_default=False)
    cmap = TTFont(used, fontNumber=0).getBestCmap()
    assert all(ord(char) in cmap for char in title + "发放使用新会员")


async def read_csv(made: export.ExportFile) -> list[dict[str, str]]:
    with made.path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.DictReader(file))


async def test_members_export_parses_matches_and_holds_no_secrets(shop: Database) -> None:
    made = await export.export(UnitOfWork(shop), POLICY, OWNER, "members", batch=2)  # several keyset pages
    try:
        raw = made.path.read_bytes()
        rows = await read_csv(made)
    finally:
        made.remove()
    assert not made.path.exists()
    assert b"secret-hash" not in raw and "password_hash" not in rows[0]
    async with shop.sessionmaker() as session:
        members = (await session.scalars(select(Member).order_by(Member.id))).all()
    assert [(r["member_no"], r["username"], int(r["points_available"])) for r in rows] == [
        (m.member_no, m.username, m.points_available) for m in members]
    assert made.rows == len(members) and rows[0]["address"] == "'=HYPERLINK(\"http://evil\")"
    assert rows[0]["created_at"].endswith("+08:00")


async def test_ledger_export_matches_the_ledger(shop: Database) -> None:
    made = await export.export(UnitOfWork(shop), POLICY, OWNER, "ledger", batch=3)
    try:
        rows = await read_csv(made)
    finally:
        made.remove()
    async with shop.sessionmaker() as session:
        total = await session.scalar(select(func.sum(PointsLedger.amount)))
        count = await session.scalar(select(func.count()).select_from(PointsLedger))
    assert len(rows) == count == made.rows and sum(int(r["amount"]) for r in rows) == total
    assert [r["kind"] for r in rows] == ["welcome", "spend", "adjust", "expire"]


async def test_orders_export_names_orders_and_members(shop: Database) -> None:
    made = await export.export(UnitOfWork(shop), POLICY, OWNER, "orders", batch=2)
    try:
        rows = await read_csv(made)
    finally:
        made.remove()
    assert [(row["status"], row["total"], row["refunded_amount"]) for row in rows] == [
        ("partially_refunded", "10000", "2000"), ("completed", "5000", "0"), ("pending_payment", "3000", "0")]
    assert all(row["order_no"].startswith("O") and row["member_no"].startswith("M") for row in rows)
    assert rows[2]["paid_at"] == "" and made.rows == 3
