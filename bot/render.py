"""One way to show things: escaping, dates in the shop's zone, domain errors as texts."""

from datetime import datetime
from decimal import Decimal
from html import escape
from zoneinfo import ZoneInfo

from babel.numbers import format_currency, get_currency_precision

from bot.i18n import Translator
from services.errors import DomainError


def quote(value: object) -> str:
    """Escape anything user-supplied before it goes into an HTML message."""
    return escape(str(value), quote=False) if value is not None else "-"


def local_time(value: datetime, tz: ZoneInfo) -> str:
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def local_date(value: datetime, tz: ZoneInfo) -> str:
    return value.astimezone(tz).strftime("%Y-%m-%d")


BABEL_LOCALES = {"zh": "zh_CN", "en": "en_US"}


STARS = "XTR"  # Telegram Stars: whole stars, no minor unit


def minor_per_unit(currency: str) -> int:
    """Minor units in one unit of the currency (100 fen in a yuan; a star is a star)."""
    return 1 if currency == STARS else 10 ** get_currency_precision(currency)


def money(amount: int, currency: str, language: str) -> str:
    """Integer minor units, shown with the currency's own decimals; exact (Decimal), never float."""
    if currency == STARS:
        return f"{amount} ⭐"
    value = Decimal(amount).scaleb(-get_currency_precision(currency))
    return format_currency(value, currency, locale=BABEL_LOCALES.get(language, "zh_CN"))


def error_text(t: Translator, error: DomainError, tz: ZoneInfo) -> str:
    params = {
        name: local_time(value, tz) if isinstance(value, datetime) else value
        for name, value in error.params.items()
    }
    key = f"error-{error.code}"
    return t(key, **params) if t.has(key) else t("error-generic")
