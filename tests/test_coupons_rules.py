"""Coupon rules without a database: the discount table, the property, codes, ordering."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.coupons import (
    Terms,
    best_first,
    discount,
    discount_of_lines,
    normalise_code,
    show_code,
)
from services.coupons.rules import ALPHABET, new_code, validity
from services.errors import InvalidInput

T0 = datetime(2025, 3, 15, 2, 0, tzinfo=UTC)
TEN_OFF_OVER_100 = Terms("amount_off", amount_off=1_000, min_spend=10_000)
FIFTEEN_PERCENT_CAP_20 = Terms("percent_off", percent_off=15, max_discount=2_000)
FREE_SHIPPING = Terms("free_shipping")


@pytest.mark.parametrize(
    ("terms", "subtotal", "shipping", "expected"),
    [
        (TEN_OFF_OVER_100, 9_999, 800, 0),  # one cent under the threshold
        (TEN_OFF_OVER_100, 10_000, 800, 1_000),  # exactly at it
        (Terms("amount_off", amount_off=5_000), 3_000, 0, 3_000),  # never more than the order
        (Terms("amount_off", amount_off=5_000), 3_000, 1_000, 4_000),
        (FIFTEEN_PERCENT_CAP_20, 10_000, 0, 1_500),
        (FIFTEEN_PERCENT_CAP_20, 13_333, 0, 1_999),  # 1999.95 rounds down
        (FIFTEEN_PERCENT_CAP_20, 20_000, 0, 2_000),  # at the cap
        (FIFTEEN_PERCENT_CAP_20, 100_000, 0, 2_000),  # capped
        (Terms("percent_off", percent_off=100), 4_321, 500, 4_321),  # goods only, not shipping
        (Terms("percent_off", percent_off=10, min_spend=5_000), 4_999, 0, 0),
        (FREE_SHIPPING, 5_000, 1_200, 1_200),
        (FREE_SHIPPING, 5_000, 0, 0),
        (Terms("free_shipping", min_spend=9_900), 9_800, 1_200, 0),
        (TEN_OFF_OVER_100, 0, 0, 0),
    ],
)
def test_discount_table(terms: Terms, subtotal: int, shipping: int, expected: int) -> None:
    assert discount(terms, subtotal, shipping) == expected


def test_order_lines_add_up_to_the_subtotal() -> None:
    assert discount_of_lines(TEN_OFF_OVER_100, [(4_000, 2), (2_000, 1)], 500) == 1_000
    assert discount_of_lines(TEN_OFF_OVER_100, [(4_000, 2), (1_999, 1)], 500) == 0


terms_strategy = st.builds(
    Terms,
    kind=st.sampled_from(["amount_off", "percent_off", "free_shipping"]),
    amount_off=st.one_of(st.none(), st.integers(-10, 10**9)),
    percent_off=st.one_of(st.none(), st.integers(0, 100)),
    max_discount=st.one_of(st.none(), st.integers(0, 10**9)),
    min_spend=st.integers(0, 10**7),
)


@given(terms_strategy, st.integers(-10, 10**9), st.integers(-10, 10**6))
def test_a_discount_is_never_negative_nor_above_the_order(terms: Terms, subtotal: int, shipping: int) -> None:
    value = discount(terms, subtotal, shipping)
    assert 0 <= value <= max(subtotal, 0) + max(shipping, 0)


def test_best_coupon_first_then_the_one_ending_soonest() -> None:
    late, soon = T0 + timedelta(days=9), T0 + timedelta(days=1)
    offers = [(500, late, 1), (1_000, late, 2), (1_000, soon, 3), (0, soon, 4)]
    assert [offer[2] for offer in best_first(offers)] == [3, 2, 1, 4]


def test_codes_use_an_unambiguous_alphabet_and_type_either_way() -> None:
    assert not set("01OIL") & set(ALPHABET)
    code = new_code()
    assert len(code) == 8 and set(code) <= set(ALPHABET)
    assert normalise_code(f" {show_code(code).lower()} ") == code
    assert normalise_code("spring - 2025_vip") == "SPRING2025VIP"


@pytest.mark.parametrize("raw", ["", "  - ", "优惠券", "ab!c", "x" * 33])
def test_bad_codes_are_refused_with_a_reason(raw: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        normalise_code(raw)
    assert refused.value.code == "coupon-code-invalid"


def test_validity_is_n_days_from_claim_or_the_campaign_window() -> None:
    assert validity(T0, None, None, 7) == (T0, T0 + timedelta(days=7))
    later = T0 + timedelta(days=2)
    assert validity(T0, later, later + timedelta(days=5), None) == (later, later + timedelta(days=5))
    assert validity(later, T0, later + timedelta(days=5), None) == (later, later + timedelta(days=5))
