"""One way to show things: escaping, dates in the shop's zone, domain errors as texts."""

from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from services.errors import DomainError


def quote(value: object) -> str:
    """Escape anything user-supplied before it goes into an HTML message."""
    return escape(str(value), quote=False) if value is not None else "-"


def local_time(value: datetime, tz: ZoneInfo) -> str:
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def error_text(t: Translator, error: DomainError, tz: ZoneInfo) -> str:
    params = {
        name: local_time(value, tz) if isinstance(value, datetime) else value
        for name, value in error.params.items()
    }
    key = f"error-{error.code}"
    return t(key, **params) if t.has(key) else t("error-generic")
