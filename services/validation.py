"""Field rules of registration and profile editing (PRODUCT.md 1.1), one function a field."""

import re
import unicodedata
from datetime import date

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from services.errors import InvalidInput

USERNAME_RE = re.compile(r"^[A-Za-z0-9_]+$")
DEFAULT_PHONE_REGION = "CN"


def username(value: str) -> str:
    value = value.strip()
    if len(value) < 3:
        raise InvalidInput("username-too-short", "username")
    if len(value) > 20:
        raise InvalidInput("username-too-long", "username")
    if not USERNAME_RE.match(value):
        raise InvalidInput("username-bad-chars", "username")
    return value


def password(value: str, username: str | None = None) -> str:
    if len(value) < 8:
        raise InvalidInput("password-too-short", "password")
    if len(value) > 64:
        raise InvalidInput("password-too-long", "password")
    if value.isdigit():
        raise InvalidInput("password-all-digits", "password")
    if username and value.casefold() == username.casefold():
        raise InvalidInput("password-is-username", "password")
    return value


def email(value: str) -> str:
    value = value.strip()
    if len(value) > 254:
        raise InvalidInput("email-invalid", "email")
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise InvalidInput("email-invalid", "email") from exc


def phone(value: str, region: str = DEFAULT_PHONE_REGION) -> str:
    """Normalise to E.164; a number without a country code is read in the default region.

    Shared contacts sometimes arrive without the plus sign (8613800138000), so a number that
    is not valid in the region is tried once more as international.
    """
    value = value.strip()
    if len(value) > 32:
        raise InvalidInput("phone-invalid", "phone")
    candidates = [value] if value.startswith("+") else [value, "+" + value]
    for candidate in candidates:
        try:
            number = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    raise InvalidInput("phone-invalid", "phone")


def shared_phone(phone_number: str, contact_user_id: int | None, sender_id: int) -> str:
    """A contact shared as a phone number must be the sender's own (request_contact), not a forward."""
    if contact_user_id != sender_id:
        raise InvalidInput("phone-not-own", "phone")
    return phone_number


def visible_length(value: str) -> int:
    """Characters a reader sees: zero-width and other format/control characters do not count."""
    return sum(1 for char in value if unicodedata.category(char) not in ("Cf", "Cc", "Zs", "Zl", "Zp"))


def address(value: str) -> str:
    value = " ".join(value.split())
    if visible_length(value.replace(" ", "")) < 5:
        raise InvalidInput("address-too-short", "address")
    if len(value) > 200:
        raise InvalidInput("address-too-long", "address")
    return value


def birthday(value: str, today: date) -> date:
    value = value.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise InvalidInput("birthday-format", "birthday")
    try:
        born = date.fromisoformat(value)
    except ValueError as exc:  # well-formed but impossible, like 1990-02-30
        raise InvalidInput("birthday-no-such-date", "birthday") from exc
    if born >= today or born.year < 1900:  # a birthday is before today (the shop's today)
        raise InvalidInput("birthday-range", "birthday")
    return born


def mask_phone(value: str | None) -> str:
    """+8613812345678 -> +86138****5678; for display and logs."""
    if not value:
        return "-"
    if len(value) <= 7:
        return value[:2] + "*" * (len(value) - 2)
    return value[:-8] + "****" + value[-4:]


def mask_email(value: str | None) -> str:
    """alice@example.com -> a***e@example.com"""
    if not value or "@" not in value:
        return "-"
    local, domain = value.rsplit("@", 1)
    shown = local[0] + "***" + (local[-1] if len(local) > 1 else "")
    return f"{shown}@{domain}"
