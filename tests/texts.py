"""The bot's wording as tests expect it, rendered from the same message keys the handlers send.

Tests never paste copy. `t("btn-accept")` is a text as the bot sends it (button labels, toasts,
command descriptions); `shown("reg-done", member_no=..., points=100)` is a message as the chat
shows it (the HTML markup turned into plain text, like `ChatMessage.text`); `says(text,
"error-locked", until=ANY)` checks a message whose parameter the test cannot know.
Parameters are given as the member sees them; `shown` escapes them the way the handlers quote them.
A key missing from the locales fails the test, even though the bot would show the bare key.
"""

import re
from html import escape
from typing import Any

from bot.i18n import translator
from sandbox.telegram_html import parse_text


class _Any:
    """A parameter the test cannot know: any text (on one line) may stand in its place."""

    def __repr__(self) -> str:
        return "ANY"


ANY = _Any()
_HOLE = "\ue000"  # private-use character: never part of a translation


def t(key: str, lang: str = "zh", **params: Any) -> str:
    """Text `key` in `lang`, rendered by the bot's translator."""
    translate = translator(lang)
    assert translate.has(key), f"no text {key!r} in {lang}"
    return translate(key, **params)


def shown(key: str, lang: str = "zh", **params: Any) -> str:
    """Message `key` in `lang` as the chat shows it."""
    html = t(key, lang, **{name: _quoted(value) for name, value in params.items()})
    return parse_text(html, "html").text


def pattern(key: str, lang: str = "zh", **params: Any) -> re.Pattern[str]:
    """Message `key` as a regular expression; parameters given as ANY match any text."""
    parts = shown(key, lang, **{name: _HOLE if value is ANY else value for name, value in params.items()})
    return re.compile(".+?".join(re.escape(part) for part in parts.split(_HOLE)))


def says(text: str | None, key: str, lang: str = "zh", **params: Any) -> bool:
    """True when `text` contains message `key`."""
    return pattern(key, lang, **params).search(text or "") is not None


def _quoted(value: Any) -> Any:
    return escape(value, quote=False) if isinstance(value, str) else value
