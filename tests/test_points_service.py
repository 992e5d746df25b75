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

from models import Member, PointsLedger
from models.database import Database
from models.migrate import upgrade_to_head
from models.points import PointsLot, TierChange
from services import points
from services.errors import InvalidInput, NotAllowed
from services.points import CheckinRules, Tiers
from services.unit_of_work import UnitOfWork
from tests.conftest import Probe, _create_postgres_database, service_unavailable, unique

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2025, 3, 15, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
TIERS = Tiers()
RATE = Decimal("0.01")


async def new_member(uow: UnitOfWork, available: int = 0, now: datetime = T0) -> int:
    """A member with `available` points credited as one adjustment lot."""
    name = unique("p")
    async with uow.write():
        member_id = await uow.members.add(username=name, username_key=name, password_hash="x")
        await uow.commit()
    if available:
        await points.adjust(uow, member_id, available, unique("seed"), reason="seed", now=now, tz=SHANGHAI)
    return member_id


async def balances(probe: Probe, member_id: int) -> tuple[int, int]:
    (row,) = await probe.rows(select(Member.points_available, Member.points_frozen).where(Member.id == member_id))
    return int(row[0]), int(row[1])


async def lots(probe: Probe, member_id: int) -> list[tuple[int, int, int]]:
    """(available, pending, held) of every lot, oldest first."""
    return await probe.rows(
        select(PointsLot.available, PointsLot.pending, PointsLot.held)
        .where(PointsLot.member_id == member_id)
        .order_by(PointsLot.id)
    )


async def ledger(probe: Probe, member_id: int) -> list[tuple[str, int, int, int, int]]:
    return await probe.rows(
        select(
            PointsLedger.kind, PointsLedger.amount, PointsLedger.frozen_delta,
            PointsLedger.available_after, PointsLedger.frozen_after,
        )
        .where(PointsLedger.member_id == member_id)
        .order_by(PointsLedger.id)
    )


async def assert_reconciled(uow: UnitOfWork, member_id: int) -> None:
    differences = [diff for diff in await points.audit(uow) if diff.member_id == member_id]
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


async def test_order_earn_is_frozen_until_the_return_window_then_released_once(uow: UnitOfWork, probe: Probe) -> None:
    member_id = await new_member(uow)
    release_at = T0 + timedelta(days=7)
    key = f"earn:order:{unique()}"
    earned = await points.earn(uow, member_id, 12_345, key, rate=RATE, tiers=TIERS, release_at=release_at,
                               tz=SHANGHAI, ref=("order", "42"), now=T0)
    assert earned.points == 123 and earned.posted.created
    again = await points.earn(uow, member_id, 12_345, key, rate=RATE, tiers=TIERS, release_at=release_at,
                              tz=SHANGHAI, now=T0)
    assert not again.posted.created and again.posted.entry_id == earned.posted.entry_id
    assert await balances(probe, member_id) == (0, 123)
    with pytest.raises(points.InsufficientPoints):
        await points.spend(uow, member_id, 1, unique("spend"), now=T0 + timedelta(days=1))
    assert await points.release_due(uow, T0 + timedelta(days=6), member_id=member_id) == 0
    assert await points.release_due(uow, release_at, member_id=member_id) == 123
    await points.release_due(uow, release_at + timedelta(hours=1))
    assert await balances(probe, member_id) == (123, 0)
    assert await ledger(probe, member_id) == [("earn", 123, 123, 0, 123), ("unfreeze", 0, -123, 123, 0)]
    await assert_reconciled(uow, member_id)


async def test_spend_takes_the_oldest_points_first(uow: UnitOfWork, probe: Probe) -> None:
    member_id = await new_member(uow)
    for month in (1, 2, 3):
        await points.credit(uow, member_id, "review", 100, unique("r"), tz=SHANGHAI,
                            now=datetime(2025, month, 10, tzinfo=UTC))
    now = datetime(2025, 4, 1, tzinfo=UTC)
    posted = await points.spend(uow, member_id, 150, unique("spend"), reason="order", now=now)
    assert posted.created and (posted.available, posted.frozen) == (150, 0)
    assert await lots(probe, member_id) == [(0, 0, 0), (50, 0, 0), (100, 0, 0)]
    await points.spend(uow, member_id, 120, unique("spend"), now=now)
    assert await lots(probe, member_id) == [(0, 0, 0), (0, 0, 0), (30, 0, 0)]
    await assert_reconciled(uow, member_id)


async def test_spend_more_than_available_writes_nothing(uow: UnitOfWork, probe: Probe) -> None:
    member_id = await new_member(uow, available=50)
    before = await ledger(probe, member_id)
    with pytest.raises(points.InsufficientPoints) as raised:
        await points.spend(uow, member_id, 51, unique("spend"), now=T0)
    assert raised.value.params == {"available": 50, "needed": 51}
    assert await ledger(probe, member_id) == before
    assert await balances(probe, member_id) == (50, 0)
    with pytest.raises(InvalidInput):
        await points.spend(uow, member_id, 0, unique("spend"), now=T0)


async def test_expiry_job_expires_each_lot_once_including_held_points(uow: UnitOfWork, probe: Probe) -> None:
    member_id = await new_member(uow)
    await points.credit(uow, member_id, "birthday", 80, unique("b"), tz=SHANGHAI, now=T0)
    await points.credit(uow, member_id, "review", 40, unique("r"), tz=SHANGHAI, now=T0 + timedelta(days=40))
    await points.freeze(uow, member_id, 30, unique("f"), reason="dispute", now=T0)
    expires = points.expiry_for(T0, SHANGHAI)
    await points.expire_due(uow, expires - timedelta(seconds=1))
    assert await balances(probe, member_id) == (90, 30)
    await points.expire_due(uow, expires)
    await points.expire_due(uow, expires + timedelta(days=1))
    assert await balances(probe, member_id) == (40, 0)
    rows = await ledger(probe, member_id)
    assert [row for row in rows if row[0] == "expire"] == [("expire", -80, -30, 40, 0)]
    await assert_reconciled(uow, member_id)


async def test_spend_expires_due_points_before_spending(uow: UnitOfWork, probe: Probe) -> None:
    member_id = await new_member(uow)
    await points.credit(uow, member_id, "review", 100, unique("r"), tz=SHANGHAI, now=T0)
    await points.credit(uow, member_id, "review", 30, unique("r"), tz=SHANGHAI, now=T0 + timedelta(days=60))
    after_expiry = points.expiry_for(T0, SHANGHAI) + timedelta(hours=1)
    with pytest.raises(points.InsufficientPoints):
        await points.spend(uow, member_id, 50, unique("spend"), now=after_expiry)
    await points.spend(uow, member_id, 20, unique("spend"), now=after_expiry)
    assert await balances(probe, member_id) == (10, 0)
    assert [row[0] for row in await ledger(probe, member_id)] == ["review", "review", "expire", "spend"]
    await assert_reconciled(uow, member_id)


async def test_freeze_and_unfreeze_move_points_and_leave_order_points_alone(uow: UnitOfWork, probe: Probe) -> None:
    member_id = await new_member(uow, available=100)
    await points.earn(uow, member_id, 5_000, unique("earn"), rate=RATE, tiers=TIERS,
                      release_at=T0 + timedelta(days=7), tz=SHANGHAI, now=T0)
    with pytest.raises(InvalidInput):
        await points.freeze(uow, member_id, 10, unique("f"), reason=" ", now=T0)
    await points.freeze(uow, member_id, 60, unique("f"), reason="dispute #7", staff_id=99, now=T0)
    assert await balances(probe, member_id) == (40, 110)
    with pytest.raises(points.InsufficientPoints):
        await points.freeze(uow, member_id, 41, unique("f"), reason="more", now=T0)
    with pytest.raises(points.InsufficientPoints):  # only 60 are held by staff; 50 wait for the order
        await points.unfreeze(uow, member_id, 61, unique("u"), reason="resolved", now=T0)
    key = unique("u")
    await points.unfreeze(uow, member_id, 60, key, reason="resolved", now=T0)
    assert not (await points.unfreeze(uow, member_id, 60, key, reason="resolved", now=T0)).created
    assert await balances(probe, member_id) == (100, 50)
    staff_row = await probe.rows(select(PointsLedger.ref_type, PointsLedger.ref_id, PointsLedger.reason)
                                 .where(PointsLedger.kind == "freeze", PointsLedger.member_id == member_id))
    assert staff_row == [("staff", "99", "dispute #7")]
    await assert_reconciled(uow, member_id)


async def test_revoke_reverses_a_credit_once_even_when_partly_spent(uow: UnitOfWork, probe: Probe) -> None:
    member_id = await new_member(uow)
    await points.credit(uow, member_id, "review", 100, unique("r"), tz=SHANGHAI, now=T0)
    gift = await points.credit(uow, member_id, "referral", 50, unique("r"), tz=SHANGHAI,
                               now=T0 + timedelta(days=40))
    await points.spend(uow, member_id, 120, unique("spend"), now=T0 + timedelta(days=41))  # 100 + 20 of the gift
    await points.credit(uow, member_id, "review", 40, unique("r"), tz=SHANGHAI, now=T0 + timedelta(days=42))
    revoked = await points.revoke(uow, gift.entry_id, reason="fraudulent referral", staff_id=1, now=T0, tz=SHANGHAI)
    assert revoked.created and await balances(probe, member_id) == (20, 0)
    assert await lots(probe, member_id) == [(0, 0, 0), (0, 0, 0), (20, 0, 0)]
    again = await points.revoke(uow, gift.entry_id, reason="again", now=T0, tz=SHANGHAI)
    assert not again.created and again.entry_id == revoked.entry_id
    with pytest.raises(NotAllowed):
        await points.revoke(uow, revoked.entry_id, reason="revoke the revoke", now=T0, tz=SHANGHAI)
    row = await probe.rows(select(PointsLedger.kind, PointsLedger.amount, PointsLedger.reverses_id)
                           .where(PointsLedger.id == revoked.entry_id))
    assert row == [("revoke", -50, gift.entry_id)]
    await assert_reconciled(uow, member_id)


async def test_revoke_of_a_credit_needs_the_points_to_be_there(uow: UnitOfWork, probe: Probe) -> None:
    member_id = await new_member(uow)
    gift = await points.credit(uow, member_id, "birthday", 50, unique("b"), tz=SHANGHAI, now=T0)
    await points.spend(uow, member_id, 30, unique("spend"), now=T0)
    with pytest.raises(points.InsufficientPoints):
        await points.revoke(uow, gift.entry_id, reason="mistake", now=T0, tz=SHANGHAI)
    assert await balances(probe, member_id) == (20, 0)


async def test_revoke_of_a_spend_gives_the_points_back_as_a_new_lot(uow: UnitOfWork, probe: Probe) -> None:
    member_id = await new_member(uow, available=100)
    spent = await points.spend(uow, member_id, 70, unique("spend"), now=T0)
    await points.revoke(uow, spent.entry_id, reason="order cancelled", now=T0 + timedelta(days=1), tz=SHANGHAI)
    assert await balances(probe, member_id) == (100, 0)
    assert await lots(probe, member_id) == [(30, 0, 0), (70, 0, 0)]
    freeze = await points.freeze(uow, member_id, 10, unique("f"), reason="x", now=T0)
    with pytest.raises(NotAllowed):
        await points.revoke(uow, freeze.entry_id, reason="not a credit", now=T0, tz=SHANGHAI)
    await assert_reconciled(uow, member_id)


async def test_adjust_needs_a_reason_and_can_go_both_ways(uow: UnitOfWork, probe: Probe) -> None:
    member_id = await new_member(uow, available=10)
    with pytest.raises(InvalidInput) as raised:
        await points.adjust(uow, member_id, 5, unique("a"), reason="", now=T0, tz=SHANGHAI)
    assert raised.value.code == "points-reason-required"
    with pytest.raises(InvalidInput):
        await points.adjust(uow, member_id, 5, unique("a"), reason="x" * 201, now=T0, tz=SHANGHAI)
    await points.adjust(uow, member_id, -4, unique("a"), reason="typo", now=T0, tz=SHANGHAI)
    with pytest.raises(points.InsufficientPoints):
        await points.adjust(uow, member_id, -7, unique("a"), reason="too much", now=T0, tz=SHANGHAI)
    assert await balances(probe, member_id) == (6, 0)
    await assert_reconciled(uow, member_id)


async def test_a_repeated_credit_key_credits_once(uow: UnitOfWork, probe: Probe) -> None:
    member_id = await new_member(uow)
    key = unique("welcome")
    first = await points.credit(uow, member_id, "welcome", 100, key, reason="welcome", tz=SHANGHAI)
    again = await points.credit(uow, member_id, "welcome", 100, key, reason="welcome", tz=SHANGHAI)
    assert first.created and not again.created and again.entry_id == first.entry_id
    assert await balances(probe, member_id) == (100, 0)
    assert await lots(probe, member_id) == [(100, 0, 0)]


async def test_tier_upgrade_on_spend_crossing_threshold_is_queued_once(uow: UnitOfWork, probe: Probe) -> None:
    member_id = await new_member(uow)
    first = await points.earn(uow, member_id, 60_000, unique("o"), rate=RATE, tiers=TIERS, release_at=None,
                              tz=SHANGHAI, now=T0)
    assert first.tier_change is None and first.points == 600
    second = await points.earn(uow, member_id, 50_000, unique("o"), rate=RATE, tiers=TIERS, release_at=None,
                               tz=SHANGHAI, now=T0 + timedelta(days=1))
    assert second.points == 500  # earned at the old multiplier, then the tier moves
    assert (second.tier_change.from_tier, second.tier_change.to_tier) == ("normal", "silver")
    third = await points.earn(uow, member_id, 10_000, unique("o"), rate=RATE, tiers=TIERS, release_at=None,
                              tz=SHANGHAI, now=T0 + timedelta(days=2))
    assert third.points == 120 and third.tier_change is None
    claimed = [a for a in await points.claim_announcements(uow, T0) if a.member_id == member_id]
    assert [a.to_tier for a in claimed] == ["silver"]
    assert not [a for a in await points.claim_announcements(uow, T0) if a.member_id == member_id]
    # A year later the spend has left the window: the daily review moves the member down quietly.
    await points.review_tiers(uow, TIERS, T0 + timedelta(days=400))
    tier = await probe.scalar(select(Member.tier).where(Member.id == member_id))
    assert tier == "normal"
    downgrade = await probe.scalars(
        select(TierChange.notified_at).where(TierChange.member_id == member_id, ~TierChange.upgrade)
    )
    assert len(downgrade) == 1 and downgrade[0] is not None


async def test_history_pages_newest_first(uow: UnitOfWork, probe: Probe) -> None:
    member_id = await new_member(uow)
    for day in range(23):
        await points.credit(uow, member_id, "checkin", day + 1, unique("c"), tz=SHANGHAI,
                            now=T0 + timedelta(days=day))
    first = await points.history(uow, member_id, 0, 10)
    assert (first.page, first.pages, first.has_prev, first.has_next) == (0, 3, False, True)
    assert [row.amount for row in first.items] == list(range(23, 13, -1))
    last = await points.history(uow, member_id, 7, 10)  # past the end shows the last page
    assert (last.page, [row.amount for row in last.items], last.has_next) == (2, [3, 2, 1], False)


async def test_overview_shows_expiring_points_and_tier_progress(uow: UnitOfWork, probe: Probe) -> None:
    member_id = await new_member(uow)
    await points.credit(uow, member_id, "review", 70, unique("r"), tz=SHANGHAI, now=T0)
    await points.credit(uow, member_id, "review", 30, unique("r"), tz=SHANGHAI, now=T0 + timedelta(days=45))
    await points.earn(uow, member_id, 40_000, unique("o"), rate=RATE, tiers=TIERS,
                      release_at=T0 + timedelta(days=400), tz=SHANGHAI, now=T0 + timedelta(days=30))
    now = points.expiry_for(T0, SHANGHAI) - timedelta(days=10)
    view = await points.overview(uow, member_id, TIERS, now)
    assert (view.available, view.frozen, view.expiring) == (100, 400, 70)
    assert view.expiring_first == points.expiry_for(T0, SHANGHAI)
    assert view.progress.tier.code == "normal" and view.progress.next_tier.code == "silver"
    assert view.progress.spend == 40_000 and view.progress.to_next == 60_000


async def test_check_in_once_per_local_day_with_a_streak_bonus(uow: UnitOfWork, probe: Probe) -> None:
    member_id = await new_member(uow)
    rules = CheckinRules(points=5, streak_days=3, streak_bonus=10)
    day1 = datetime(2025, 5, 1, 15, 30, tzinfo=UTC)  # 23:30 on 1 May in Shanghai
    first = await points.check_in(uow, member_id, rules, SHANGHAI, day1)
    assert (first.points, first.streak, first.bonus) == (5, 1, 0)
    with pytest.raises(points.AlreadyCheckedIn) as raised:
        await points.check_in(uow, member_id, rules, SHANGHAI, day1 + timedelta(minutes=10))
    assert raised.value.params == {"hours": 1}
    second = await points.check_in(uow, member_id, rules, SHANGHAI, day1 + timedelta(minutes=31))  # 2 May
    third = await points.check_in(uow, member_id, rules, SHANGHAI, day1 + timedelta(days=1, hours=2))
    assert (second.streak, third.streak, third.points, third.bonus) == (2, 3, 15, 10)
    fifth = await points.check_in(uow, member_id, rules, SHANGHAI, day1 + timedelta(days=3, hours=2))
    assert (fifth.streak, fifth.points) == (1, 5)  # a missed day starts over
    assert await balances(probe, member_id) == (30, 0)
    assert await points.checked_in_today(uow, member_id, SHANGHAI, day1 + timedelta(days=3, hours=3))


async def test_expiry_reminders_at_30_and_7_days_each_once(uow: UnitOfWork, probe: Probe) -> None:
    member_id = await new_member(uow)
    await probe.write(update(Member).where(Member.id == member_id).values(telegram_id=900_000_000 + member_id))
    await points.credit(uow, member_id, "review", 25, unique("r"), tz=SHANGHAI, now=T0)
    expires = points.expiry_for(T0, SHANGHAI)

    async def mine(now: datetime) -> list[int]:
        return [r.days_before for r in await points.claim_reminders(uow, now) if r.member_id == member_id]

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
    database = Database(url)
    try:
        await upgrade_to_head(database.engine)
    finally:
        await database.dispose()
    yield url
    if drop is not None:
        await drop()


async def test_audit_command_reports_a_tampered_balance(own_db_url: str) -> None:
    database = Database(own_db_url)
    try:
        member_id = await new_member(UnitOfWork(database), available=40)
        code, output = await audit_command(own_db_url)
        assert code == 0, output
        await Probe(database).write(update(Member).where(Member.id == member_id).values(points_available=41))
        code, output = await audit_command(own_db_url)
        assert code == 1
        assert f"member {member_id}: stored available/frozen (41, 0), ledger (40, 0)" in output
    finally:
        await database.dispose()
