"""Fluent translations: one folder of .ftl files per language under bot/locales/."""

import logging
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fluent.runtime import FluentBundle, FluentResource
from fluent.syntax import FluentParser, ast

LOCALES_DIR = Path(__file__).parent / "locales"
LANGUAGES = ("zh", "en")
FALLBACK = "zh"

log = logging.getLogger(__name__)


def _load_bundle(language: str) -> FluentBundle:
    # use_isolating=False: Telegram would show the Unicode isolation marks as junk.
    bundle = FluentBundle([language], use_isolating=False)
    for path in sorted((LOCALES_DIR / language).glob("*.ftl")):
        bundle.add_resource(FluentResource(path.read_text(encoding="utf-8")))
    return bundle


_BUNDLES: dict[str, FluentBundle] = {lang: _load_bundle(lang) for lang in LANGUAGES}


def pick_language(stored: str | None, telegram_code: str | None, default: str) -> str:
    """The member's choice wins; otherwise Telegram's language_code; otherwise the shop default."""
    if stored in LANGUAGES:
        return stored
    # `stored` may also be what the client reported at first contact ("en-US"), as members.language_of returns.
    for code in (stored, telegram_code):
        code = (code or "").lower()
        for language in LANGUAGES:
            if code.startswith(language):
                return language
    return default if default in LANGUAGES else FALLBACK


def message_ids(language: str) -> set[str]:
    """Every message id in a language's files (for the parity test)."""
    parser = FluentParser()
    return {
        entry.id.name
        for path in (LOCALES_DIR / language).glob("*.ftl")
        for entry in parser.parse(path.read_text(encoding="utf-8")).body
        if isinstance(entry, ast.Message)
    }


class Translator:
    """`t("key", name=value)` in one language; callable so handlers read naturally."""

    def __init__(self, language: str) -> None:
        self.language = language if language in _BUNDLES else FALLBACK
        self._bundle = _BUNDLES[self.language]

    def __call__(self, key: str, **params: Any) -> str:
        bundle = self._bundle
        if not bundle.has_message(key):
            log.warning("missing text %s in %s", key, self.language)
            bundle = _BUNDLES[FALLBACK]
            if not bundle.has_message(key):
                return key
        message = bundle.get_message(key)
        if message.value is None:
            return key
        text, errors = bundle.format_pattern(message.value, _plain(params))
        for error in errors:
            log.warning("text %s: %s", key, error)
        return text

    def has(self, key: str) -> bool:
        return self._bundle.has_message(key)


def _plain(params: Mapping[str, Any]) -> dict[str, Any]:
    """Fluent formats numbers and dates itself; pass strings through untouched."""
    out: dict[str, Any] = {}
    for name, value in params.items():
        if isinstance(value, (datetime, date)):
            value = value.isoformat()
        out[name] = value
    return out


def translator(language: str) -> Translator:
    return _TRANSLATORS.get(language) or _TRANSLATORS[FALLBACK]


_TRANSLATORS = {lang: Translator(lang) for lang in LANGUAGES}
