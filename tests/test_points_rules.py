"""The points rules in plain Python: expiry, earning, FIFO lots, revocation, tiers, check-in streaks."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from services.points.checkin import CheckinRules, hours_until_tomorrow
from services.points.rules import earn_points, expiry_for, split_revocation
from services.points.tiers import Tier, Tiers, months_before, progress
from services.points.wallet import Lot, Refused, Wallet, take_oldest_first

SHANGHAI = ZoneInfo("Asia/Shanghai")
JAN, FEB, MAR = (datetime(2025, month, 1, tzinfo=UTC) for month in (1, 2, 3))


def test_points_expire_at_the_end_of_the_twelfth_month_in_the_shop_zone() -> None:
    assert expiry_for(datetime(2025, 3, 15, 2, tzinfo=UTC), SHANGHAI) == datetime(2026, 4, 1, tzinfo=SHANGHAI)
    assert expiry_for(datetime(2025, 1, 31, 23, 30, tzinfo=UTC), SHANGHAI) == datetime(2026, 3, 1, tzinfo=SHANGHAI)


def test_earning_rounds_down_exactly() -> None:
    assert earn_points(12_999, Decimal("0.01"), Decimal(1)) == 129
    assert earn_points(9_999, Decimal("0.03"), Decimal("1.1")) == 329
    assert earn_points(-5, Decimal("0.01"), Decimal(1)) == 0


def test_spending_takes_the_soonest_expiring_lot_first_and_ties_go_to_the_older() -> None:
    lots = [Lot(MAR, 10), Lot(JAN, 10), Lot(MAR, 10)]
    take_oldest_first(lots, "available", 15)
    assert [lot.available for lot in lots] == [5, 0, 10]


def test_taking_more_than_there_is_changes_nothing() -> None:
    lots = [Lot(JAN, 10)]
    with pytest.raises(Refused):
        take_oldest_first(lots, "available", 11)
    assert lots[0].available == 10


def test_a_spend_first_expires_what_is_past_its_date() -> None:
    wallet = Wallet([Lot(JAN, 50), Lot(MAR, 30)])
    with pytest.raises(Refused):
        wallet.spend(40, now=FEB)
    assert wallet.balances == (80, 0)  # a refused spend changes nothing, not even the expiry
    wallet.spend(20, now=FEB)
    assert wallet.balances == (10, 0)


def test_freeze_holds_and_unfreeze_gives_back_and_release_frees_order_points() -> None:
    wallet = Wallet([Lot(MAR, 40), Lot(MAR, 0, pending=25, release_at=FEB)])
    wallet.freeze(30)
    assert wallet.balances == (10, 55)
    wallet.unfreeze(30)
    wallet.release(now=JAN)
    assert wallet.balances == (40, 25)
    wallet.release(now=FEB)
    assert wallet.balances == (65, 0)


def test_a_revoked_credit_comes_from_its_own_lot_first_then_from_other_points() -> None:
    assert split_revocation(50, pending=0, available=30, held=0) == (0, 30, 0, 20)
    assert split_revocation(50, pending=10, available=30, held=20) == (10, 30, 10, 0)
    wallet = Wallet([Lot(JAN, 100), Lot(MAR, 30)])
    wallet.revoke_credit(1, 50)
    assert [lot.available for lot in wallet.lots] == [80, 0]
    with pytest.raises(Refused):
        wallet.revoke_credit(0, 500)


def test_tiers_follow_the_twelve_month_spend_and_only_go_down_when_allowed() -> None:
    tiers = Tiers([Tier("a", {"en": "A"}, 0), Tier("b", {"en": "B"}, 100, Decimal("1.5"))])
    assert tiers.move_for("a", 150, allow_downgrade=False).code == "b"
    assert tiers.move_for("b", 10, allow_downgrade=False) is None
    assert tiers.move_for("b", 10, allow_downgrade=True).code == "a"
    assert tiers.get("removed-tier").code == "a"
    assert progress(tiers, "a", 40).to_next == 60
    with pytest.raises(ValueError):
        Tiers([Tier("x", {}, 5)])


def test_months_before_clamps_to_the_shorter_month() -> None:
    assert months_before(datetime(2025, 3, 31, tzinfo=UTC), 1) == datetime(2025, 2, 28, tzinfo=UTC)


def test_every_seventh_day_in_a_row_earns_the_streak_bonus() -> None:
    rules = CheckinRules(points=5, streak_days=7, streak_bonus=20)
    assert [rules.bonus_for(day) for day in (1, 6, 7, 8, 14)] == [0, 0, 20, 0, 20]
    assert CheckinRules(streak_days=0).bonus_for(7) == 0


def test_hours_until_the_next_local_day() -> None:
    late = datetime(2025, 5, 1, 15, 30, tzinfo=UTC)  # 23:30 in Shanghai
    assert hours_until_tomorrow(late, SHANGHAI) == 1
    assert hours_until_tomorrow(late + timedelta(minutes=31), SHANGHAI) == 24
