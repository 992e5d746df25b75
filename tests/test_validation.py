"""Field rules of PRODUCT.md 1.1, each with the reason it gives."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services import validation
from services.errors import InvalidInput


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("ab", "username-too-short"),
        ("a" * 21, "username-too-long"),
        ("bad name", "username-bad-chars"),
        ("名字名字", "username-bad-chars"),
        ("<b>x</b>", "username-bad-chars"),
    ],
)
def test_username_rules_say_which_failed(value: str, code: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        validation.username(value)
    assert raised.value.code == code


def test_username_accepts_letters_digits_underscore() -> None:
    assert validation.username("  Alice_2024 ") == "Alice_2024"


@pytest.mark.parametrize(
    ("value", "username", "code"),
    [
        ("short1", None, "password-too-short"),
        ("x" * 65, None, "password-too-long"),
        ("1234567890", None, "password-all-digits"),
        ("AliceSmith", "alicesmith", "password-is-username"),
    ],
)
def test_password_rules(value: str, username: str | None, code: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        validation.password(value, username)
    assert raised.value.code == code


def test_email_is_normalised_without_dns() -> None:
    assert validation.email(" Alice@Example.COM ") == "Alice@example.com"
    with pytest.raises(InvalidInput):
        validation.email("not-an-email")


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("13800138000", "+8613800138000"),
        ("+86 138 0013 8000", "+8613800138000"),
        ("8613800138000", "+8613800138000"),
        ("+44 20 7946 0958", "+442079460958"),
    ],
)
def test_phone_normalised_to_e164(raw: str, e164: str) -> None:
    assert validation.phone(raw) == e164


@pytest.mark.parametrize("raw", ["12345", "abc", "+1", "1" * 40])
def test_bad_phone(raw: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        validation.phone(raw)
    assert raised.value.code == "phone-invalid"


def test_birthday_format_and_range() -> None:
    today = date(2026, 11, 25)
    assert validation.birthday("1990-05-20", today) == date(1990, 5, 20)
    assert validation.birthday("2026-11-24", today) == date(2026, 11, 24)
    for raw, code in [("20-05-1990", "birthday-format"), ("1990-02-30", "birthday-no-such-date"),
                      ("2030-01-01", "birthday-range"), ("1800-01-01", "birthday-range"),
                      ("2026-11-25", "birthday-range")]:  # today is not a birthday yet
        with pytest.raises(InvalidInput) as raised:
            validation.birthday(raw, today)
        assert raised.value.code == code


@pytest.mark.parametrize("raw", ["\u200b" * 10, "\u200b\u200c\u200d\u2060\ufeff" * 3, "ab\u200b\u200b\u200bc", "\u202e" * 6])
def test_address_counts_visible_characters(raw: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        validation.address(raw)
    assert raised.value.code == "address-too-short"
    assert validation.address("上海市浦东\u200b新区") == "上海市浦东\u200b新区"


def test_masks_hide_the_middle() -> None:
    assert validation.mask_phone("+8613812345678") == "+86138****5678"
    assert validation.mask_email("alice@example.com") == "a***e@example.com"


@given(st.text(max_size=300))
def test_validators_never_crash_on_junk(text: str) -> None:
    """Any input either passes or raises the domain error the bot turns into a message."""
    for check in (validation.username, validation.email, validation.phone, validation.address):
        try:
            check(text)
        except InvalidInput:
            pass
    try:
        validation.birthday(text, date(2026, 1, 1))
    except InvalidInput:
        pass
