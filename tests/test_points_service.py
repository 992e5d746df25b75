"""Points use cases through the service layer, on SQLite and PostgreSQL."""

import asyncio
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import Member, PointsLedger
from models.db import begin_write, create_engine, create_sessionmaker
from models.migrate import upgrade_to_head
from models.points import PointsLot, TierChange
from services import checkin, points, tiers
from services.errors import InvalidInput, NotAllowed
from tests.conftest import _create_postgres_database, service_unavailable, unique

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2025, 3, 15, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
TIERS = tiers.Tiers()
RATE = Decimal("0.01")


async def new_member(session: AsyncSession, available: int = 0, now: datetime = T0) -> int:
    """A member with `available` points credited as one adjustment lot."""
    await begin_write(session)
    name = unique("p")
    member = Member(username=name, username_key=name, password_hash="x")
    session.add(member)
    await session.commit()
    if available:
        await points.adjust(session, member.id, available, unique("seed"), reason="seed", now=now, tz=SHANGHAI)
    return member.id


async def balances(session: AsyncSession, member_id: int) -> tuple[int, int]:
    row = (
        await session.execute(
            select(Member.points_available, Member.points_frozen).where(Member.id == member_id).execution_options(
                populate_existing=True
            )
        )
    ).one()
    return int(row[0]), int(row[1])


async def lots(session: AsyncSession, member_id: int) -> list[tuple[int, int, int]]:
    """(available, pending, held) of every lot, oldest first."""
    rows = await session.execute(
        select(PointsLot.available, PointsLot.pending, PointsLot.held)
        .where(PointsLot.member_id == member_id)
        .order_by(PointsLot.id)
    )
    return [tuple(row) for row in rows]


async def ledger(session: AsyncSession, member_id: int) -> list[tuple[str, int, int, int, int]]:
    rows = await session.execute(
        select(
            PointsLedger.kind, PointsLedger.amount, PointsLedger.frozen_delta,
            PointsLedger.available_after, PointsLedger.frozen_after,
        )
        .where(PointsLedger.member_id == member_id)
        .order_by(PointsLedger.id)
    )
    return [tuple(row) for row in rows]


async def assert_reconciled(session: AsyncSession, member_id: int) -> None:
    differences = [diff for diff in await points.audit(session) if diff.member_id == member_id]
    assert differences == []


def test_expiry_is_the_end_of_the_twelfth_month_after_earning_in_the_shop_zone() -> None:
    assert points.expiry_for(T0, SHANGHAI) == datetime(2026, 4, 1, tzinfo=SHANGHAI)
    # 23:30 UTC on 31 January is already 1 February in Shanghai.
    late = datetime(2025, 1, 31, 23, 30, tzinfo=UTC)
    assert points.expiry_for(late, SHANGHAI) == datetime(2026, 3, 1, tzinfo=SHANGHAI)
    assert points.expiry_for(datetime(2025, 12, 5, tzinfo=UTC), SHANGHAI) == datetime(2027, 1, 1, tzinfo=SHANGHAI)


def test_earn_is_floored_in_exact_decimals() -> None:
    assert points.earn_points(12_999, RATE, Decimal(1)) == 129
    assert points.earn_points(10_000, RATE, Decimal("1.2")) == 120
    assert points.earn_points(9_999, Decimal("0.03"), Decimal("1.1")) == 329  # 329.967 → 329
    assert points.earn_points(0, RATE, Decimal(2)) == 0


async def test_order_earn_is_frozen_until_the_return_window_then_released_once(session: AsyncSession) -> None:
    member_id = await new_member(session)
    release_at = T0 + timedelta(days=7)
    key = f"earn:order:{unique()}"
    earned = await points.earn(session, member_id, 12_345, key, rate=RATE, tiers=TIERS, release_at=release_at,
                               tz=SHANGHAI, ref=("order", "42"), now=T0)
    assert earned.points == 123 and earned.posted.created
    again = await points.earn(session, member_id, 12_345, key, rate=RATE, tiers=TIERS, release_at=release_at,
                              tz=SHANGHAI, now=T0)
    assert not again.posted.created and again.posted.entry_id == earned.posted.entry_id
    assert await balances(session, member_id) == (0, 123)
    with pytest.raises(points.InsufficientPoints):
        await points.spend(session, member_id, 1, unique("spend"), now=T0 + timedelta(days=1))
    assert await points.release_due(session, T0 + timedelta(days=6), member_id=member_id) == 0
    assert await points.release_due(session, release_at, member_id=member_id) == 123
    await points.release_due(session, release_at + timedelta(hours=1))
    assert await balances(session, member_id) == (123, 0)
    assert await ledger(session, member_id) == [("earn", 123, 123, 0, 123), ("unfreeze", 0, -123, 123, 0)]
    await assert_reconciled(session, member_id)


async def test_spend_takes_the_oldest_points_first(session: AsyncSession) -> None:
    member_id = await new_member(session)
    for month in (1, 2, 3):
        await points.credit(session, member_id, "review", 100, unique("r"), tz=SHANGHAI,
                            now=datetime(2025, month, 10, tzinfo=UTC))
    now = datetime(2025, 4, 1, tzinfo=UTC)
    posted = await points.spend(session, member_id, 150, unique("spend"), reason="order", now=now)
    assert posted.created and (posted.available, posted.frozen) == (150, 0)
    assert await lots(session, member_id) == [(0, 0, 0), (50, 0, 0), (100, 0, 0)]
    await points.spend(session, member_id, 120, unique("spend"), now=now)
    assert await lots(session, member_id) == [(0, 0, 0), (0, 0, 0), (30, 0, 0)]
    await assert_reconciled(session, member_id)


async def test_spend_more_than_available_writes_nothing(session: AsyncSession) -> None:
    member_id = await new_member(session, available=50)
    before = await ledger(session, member_id)
    with pytest.raises(points.InsufficientPoints) as raised:
        await points.spend(session, member_id, 51, unique("spend"), now=T0)
    assert raised.value.params == {"available": 50, "needed": 51}
    assert await ledger(session, member_id) == before
    assert await balances(session, member_id) == (50, 0)
    with pytest.raises(InvalidInput):
        await points.spend(session, member_id, 0, unique("spend"), now=T0)


async def test_expiry_job_expires_each_lot_once_including_held_points(session: AsyncSession) -> None:
    member_id = await new_member(session)
    await points.credit(session, member_id, "birthday", 80, unique("b"), tz=SHANGHAI, now=T0)
    await points.credit(session, member_id, "review", 40, unique("r"), tz=SHANGHAI, now=T0 + timedelta(days=40))
    await points.freeze(session, member_id, 30, unique("f"), reason="dispute", now=T0)
    expires = points.expiry_for(T0, SHANGHAI)
    await points.expire_due(session, expires - timedelta(seconds=1))
    assert await balances(session, member_id) == (90, 30)
    await points.expire_due(session, expires)
    await points.expire_due(session, expires + timedelta(days=1))
    assert await balances(session, member_id) == (40, 0)
    rows = await ledger(session, member_id)
    assert [row for row in rows if row[0] == "expire"] == [("expire", -80, -30, 40, 0)]
    await assert_reconciled(session, member_id)


async def test_spend_expires_due_points_before_spending(session: AsyncSession) -> None:
    member_id = await new_member(session)
    await points.credit(session, member_id, "review", 100, unique("r"), tz=SHANGHAI, now=T0)
    await points.credit(session, member_id, "review", 30, unique("r"), tz=SHANGHAI, now=T0 + timedelta(days=60))
    after_expiry = points.expiry_for(T0, SHANGHAI) + timedelta(hours=1)
    with pytest.raises(points.InsufficientPoints):
        await points.spend(session, member_id, 50, unique("spend"), now=after_expiry)
    await points.spend(session, member_id, 20, unique("spend"), now=after_expiry)
    assert await balances(session, member_id) == (10, 0)
    assert [row[0] for row in await ledger(session, member_id)] == ["review", "review", "expire", "spend"]
    await assert_reconciled(session, member_id)


async def test_freeze_and_unfreeze_move_points_and_leave_order_points_alone(session: AsyncSession) -> None:
    member_id = await new_member(session, available=100)
    await points.earn(session, member_id, 5_000, unique("earn"), rate=RATE, tiers=TIERS,
                      release_at=T0 + timedelta(days=7), tz=SHANGHAI, now=T0)
    with pytest.raises(InvalidInput):
        await points.freeze(session, member_id, 10, unique("f"), reason=" ", now=T0)
    await points.freeze(session, member_id, 60, unique("f"), reason="dispute #7", staff_id=99, now=T0)
    assert await balances(session, member_id) == (40, 110)
    with pytest.raises(points.InsufficientPoints):
        await points.freeze(session, member_id, 41, unique("f"), reason="more", now=T0)
    with pytest.raises(points.InsufficientPoints):  # only 60 are held by staff; 50 wait for the order
        await points.unfreeze(session, member_id, 61, unique("u"), reason="resolved", now=T0)
    key = unique("u")
    await points.unfreeze(session, member_id, 60, key, reason="resolved", now=T0)
    assert not (await points.unfreeze(session, member_id, 60, key, reason="resolved", now=T0)).created
    assert await balances(session, member_id) == (100, 50)
    staff_row = await session.scalar(select(PointsLedger).where(PointsLedger.kind == "freeze",
                                                                PointsLedger.member_id == member_id))
    assert (staff_row.ref_type, staff_row.ref_id, staff_row.reason) == ("staff", "99", "dispute #7")
    await assert_reconciled(session, member_id)


async def test_revoke_reverses_a_credit_once_even_when_partly_spent(session: AsyncSession) -> None:
    member_id = await new_member(session)
    await points.credit(session, member_id, "review", 100, unique("r"), tz=SHANGHAI, now=T0)
    gift = await points.credit(session, member_id, "referral", 50, unique("r"), tz=SHANGHAI,
                               now=T0 + timedelta(days=40))
    await points.spend(session, member_id, 120, unique("spend"), now=T0 + timedelta(days=41))  # 100 + 20 of the gift
    await points.credit(session, member_id, "review", 40, unique("r"), tz=SHANGHAI, now=T0 + timedelta(days=42))
    revoked = await points.revoke(session, gift.entry_id, reason="fraudulent referral", staff_id=1, now=T0)
    assert revoked.created and await balances(session, member_id) == (20, 0)
    assert await lots(session, member_id) == [(0, 0, 0), (0, 0, 0), (20, 0, 0)]
    again = await points.revoke(session, gift.entry_id, reason="again", now=T0)
    assert not again.created and again.entry_id == revoked.entry_id
    with pytest.raises(NotAllowed):
        await points.revoke(session, revoked.entry_id, reason="revoke the revoke", now=T0)
    row = await session.get(PointsLedger, revoked.entry_id)
    assert (row.kind, row.amount, row.reverses_id) == ("revoke", -50, gift.entry_id)
    await assert_reconciled(session, member_id)


async def test_revoke_of_a_credit_needs_the_points_to_be_there(session: AsyncSession) -> None:
    member_id = await new_member(session)
    gift = await points.credit(session, member_id, "birthday", 50, unique("b"), tz=SHANGHAI, now=T0)
    await points.spend(session, member_id, 30, unique("spend"), now=T0)
    with pytest.raises(points.InsufficientPoints):
        await points.revoke(session, gift.entry_id, reason="mistake", now=T0)
    assert await balances(session, member_id) == (20, 0)


async def test_revoke_of_a_spend_gives_the_points_back_as_a_new_lot(session: AsyncSession) -> None:
    member_id = await new_member(session, available=100)
    spent = await points.spend(session, member_id, 70, unique("spend"), now=T0)
    await points.revoke(session, spent.entry_id, reason="order cancelled", now=T0 + timedelta(days=1))
    assert await balances(session, member_id) == (100, 0)
    assert await lots(session, member_id) == [(30, 0, 0), (70, 0, 0)]
    freeze = await points.freeze(session, member_id, 10, unique("f"), reason="x", now=T0)
    with pytest.raises(NotAllowed):
        await points.revoke(session, freeze.entry_id, reason="not a credit", now=T0)
    await assert_reconciled(session, member_id)


async def test_adjust_needs_a_reason_and_can_go_both_ways(session: AsyncSession) -> None:
    member_id = await new_member(session, available=10)
    with pytest.raises(InvalidInput) as raised:
        await points.adjust(session, member_id, 5, unique("a"), reason="", now=T0)
    assert raised.value.code == "points-reason-required"
    with pytest.raises(InvalidInput):
        await points.adjust(session, member_id, 5, unique("a"), reason="x" * 201, now=T0)
    await points.adjust(session, member_id, -4, unique("a"), reason="typo", now=T0)
    with pytest.raises(points.InsufficientPoints):
        await points.adjust(session, member_id, -7, unique("a"), reason="too much", now=T0)
    assert await balances(session, member_id) == (6, 0)
    await assert_reconciled(session, member_id)


async def test_award_keeps_working_for_registration(session: AsyncSession) -> None:
    member_id = await new_member(session)
    await begin_write(session)
    key = unique("welcome")
    assert await points.award(session, member_id, "welcome", 100, key=key, reason="welcome")
    assert not await points.award(session, member_id, "welcome", 100, key=key, reason="welcome")
    await session.commit()
    assert await balances(session, member_id) == (100, 0)
    assert await lots(session, member_id) == [(100, 0, 0)]


async def test_tier_upgrade_on_spend_crossing_threshold_is_queued_once(session: AsyncSession) -> None:
    member_id = await new_member(session)
    first = await points.earn(session, member_id, 60_000, unique("o"), rate=RATE, tiers=TIERS, release_at=None,
                              tz=SHANGHAI, now=T0)
    assert first.tier_change is None and first.points == 600
    second = await points.earn(session, member_id, 50_000, unique("o"), rate=RATE, tiers=TIERS, release_at=None,
                               tz=SHANGHAI, now=T0 + timedelta(days=1))
    assert second.points == 500  # earned at the old multiplier, then the tier moves
    assert (second.tier_change.from_tier, second.tier_change.to_tier) == ("normal", "silver")
    third = await points.earn(session, member_id, 10_000, unique("o"), rate=RATE, tiers=TIERS, release_at=None,
                              tz=SHANGHAI, now=T0 + timedelta(days=2))
    assert third.points == 120 and third.tier_change is None
    claimed = [a for a in await tiers.claim_announcements(session, T0) if a.member_id == member_id]
    assert [a.to_tier for a in claimed] == ["silver"]
    assert not [a for a in await tiers.claim_announcements(session, T0) if a.member_id == member_id]
    # A year later the spend has left the window: the daily review moves the member down quietly.
    await tiers.review_all(session, TIERS, T0 + timedelta(days=400))
    tier = await session.scalar(select(Member.tier).where(Member.id == member_id).execution_options(populate_existing=True))
    assert tier == "normal"
    downgrade = await session.scalar(select(TierChange).where(TierChange.member_id == member_id, ~TierChange.upgrade))
    assert downgrade.notified_at is not None


async def test_history_pages_newest_first(session: AsyncSession) -> None:
    member_id = await new_member(session)
    for day in range(23):
        await points.credit(session, member_id, "checkin", day + 1, unique("c"), tz=SHANGHAI,
                            now=T0 + timedelta(days=day))
    first = await points.history(session, member_id, 0, 10)
    assert (first.page, first.pages, first.has_prev, first.has_next) == (0, 3, False, True)
    assert [row.amount for row in first.entries] == list(range(23, 13, -1))
    last = await points.history(session, member_id, 7, 10)  # past the end shows the last page
    assert (last.page, [row.amount for row in last.entries], last.has_next) == (2, [3, 2, 1], False)


async def test_overview_shows_expiring_points_and_tier_progress(session: AsyncSession) -> None:
    member_id = await new_member(session)
    await points.credit(session, member_id, "review", 70, unique("r"), tz=SHANGHAI, now=T0)
    await points.credit(session, member_id, "review", 30, unique("r"), tz=SHANGHAI, now=T0 + timedelta(days=45))
    await points.earn(session, member_id, 40_000, unique("o"), rate=RATE, tiers=TIERS,
                      release_at=T0 + timedelta(days=400), tz=SHANGHAI, now=T0 + timedelta(days=30))
    now = points.expiry_for(T0, SHANGHAI) - timedelta(days=10)
    view = await points.overview(session, member_id, TIERS, now)
    assert (view.available, view.frozen, view.expiring) == (100, 400, 70)
    assert view.expiring_first == points.expiry_for(T0, SHANGHAI)
    assert view.progress.tier.code == "normal" and view.progress.next_tier.code == "silver"
    assert view.progress.spend == 40_000 and view.progress.to_next == 60_000


async def test_check_in_once_per_local_day_with_a_streak_bonus(session: AsyncSession) -> None:
    member_id = await new_member(session)
    rules = checkin.CheckinRules(points=5, streak_days=3, streak_bonus=10)
    day1 = datetime(2025, 5, 1, 15, 30, tzinfo=UTC)  # 23:30 on 1 May in Shanghai
    first = await checkin.check_in(session, member_id, rules, SHANGHAI, day1)
    assert (first.points, first.streak, first.bonus) == (5, 1, 0)
    with pytest.raises(checkin.AlreadyCheckedIn) as raised:
        await checkin.check_in(session, member_id, rules, SHANGHAI, day1 + timedelta(minutes=10))
    assert raised.value.params == {"hours": 1}
    second = await checkin.check_in(session, member_id, rules, SHANGHAI, day1 + timedelta(minutes=31))  # 2 May
    third = await checkin.check_in(session, member_id, rules, SHANGHAI, day1 + timedelta(days=1, hours=2))
    assert (second.streak, third.streak, third.points, third.bonus) == (2, 3, 15, 10)
    fifth = await checkin.check_in(session, member_id, rules, SHANGHAI, day1 + timedelta(days=3, hours=2))
    assert (fifth.streak, fifth.points) == (1, 5)  # a missed day starts over
    assert await balances(session, member_id) == (30, 0)
    assert await checkin.checked_in_today(session, member_id, SHANGHAI, day1 + timedelta(days=3, hours=3))


async def test_expiry_reminders_at_30_and_7_days_each_once(session: AsyncSession) -> None:
    member_id = await new_member(session)
    await session.execute(update(Member).where(Member.id == member_id).values(telegram_id=900_000_000 + member_id))
    await session.commit()
    await points.credit(session, member_id, "review", 25, unique("r"), tz=SHANGHAI, now=T0)
    expires = points.expiry_for(T0, SHANGHAI)

    async def mine(now: datetime) -> list[int]:
        return [r.days_before for r in await points.claim_reminders(session, now) if r.member_id == member_id]

    assert await mine(expires - timedelta(days=31)) == []
    assert await mine(expires - timedelta(days=29)) == [30]
    assert await mine(expires - timedelta(days=20)) == []
    assert await mine(expires - timedelta(days=6)) == [7]
    assert await mine(expires - timedelta(days=1)) == []


async def audit_command(db_url: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "services.points", "audit", "--database-url", db_url,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    return process.returncode, output.decode()


@pytest.fixture(params=["sqlite", "postgresql"])
async def own_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A fresh database migrated to head, for a test that checks the whole database: only its own rows count."""
    drop = None
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'own.sqlite3'}"
    else:
        try:
            url, drop = await _create_postgres_database()
        except Exception as error:  # noqa: BLE001 - any connection failure means "not available"
            service_unavailable("PostgreSQL", error)
    engine = create_engine(url)
    try:
        await upgrade_to_head(engine)
    finally:
        await engine.dispose()
    yield url
    if drop is not None:
        await drop()


async def test_audit_command_reports_a_tampered_balance(own_db_url: str) -> None:
    engine = create_engine(own_db_url)
    try:
        async with create_sessionmaker(engine)() as session:
            member_id = await new_member(session, available=40)
            code, output = await audit_command(own_db_url)
            assert code == 0, output
            await begin_write(session)
            await session.execute(update(Member).where(Member.id == member_id).values(points_available=41))
            await session.commit()
            code, output = await audit_command(own_db_url)
            assert code == 1
            assert f"member {member_id}: stored available/frozen (41, 0), ledger (40, 0)" in output
    finally:
        await engine.dispose()
