"""Telegram's parse modes: turns HTML (strictly) and Markdown (roughly) into plain text and entities."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

Entity = dict[str, Any]

_TAG_ENTITY = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "tg-emoji": "custom_emoji",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
_NAMED_REFS = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_CHAR_REF = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]+));")
_PLAIN = re.compile(r"[^<>&]+")
_SPACES = " \t\r\n"
_NAME_TOKEN = re.compile(r"[A-Za-z0-9.\-]*")
_MARKDOWN_V2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")


class FormattingError(ValueError):
    """Text Telegram refuses to format; str() is the full Bot API error description."""


class EntityParseError(FormattingError):
    """A parse error, worded as Telegram words it."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"Bad Request: can't parse entities: {detail}")


@dataclass(frozen=True)
class FormattedText:
    """Message text as Telegram stores it: plain text plus MessageEntity dicts (UTF-16 offsets)."""

    text: str
    entities: list[Entity] = field(default_factory=list)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def parse_text(text: str, parse_mode: str | None, entities: list[Entity] | None = None) -> FormattedText:
    """What Telegram makes of a text/caption parameter: explicit entities win over parse_mode,
    and leading/trailing whitespace is trimmed as Telegram does."""
    if entities is not None:
        parsed = FormattedText(text, list(entities))
    elif not parse_mode:
        parsed = FormattedText(text)
    elif parse_mode.lower() == "html":
        parsed = parse_html(text)
    elif parse_mode.lower() == "markdownv2":
        parsed = parse_markdown_v2(text)
    elif parse_mode.lower() == "markdown":
        parsed = parse_markdown(text)
    else:
        raise FormattingError("Bad Request: unsupported parse_mode")
    return _with_commands(_trim(parsed))


# Telegram marks /commands in a bot's text as bot_command entities, so clients make them tappable.
_COMMAND = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])")
_OPAQUE = frozenset({"code", "pre", "text_link", "url", "email", "bot_command"})


def _with_commands(parsed: FormattedText) -> FormattedText:
    taken = [(e["offset"], e["offset"] + e["length"]) for e in parsed.entities if e["type"] in _OPAQUE]
    found: list[Entity] = []
    for match in _COMMAND.finditer(parsed.text):
        start = utf16_len(parsed.text[: match.start()])
        stop = start + utf16_len(match.group())
        if not any(start < end and begin < stop for begin, end in taken):
            found.append({"type": "bot_command", "offset": start, "length": stop - start})
    if not found:
        return parsed
    return FormattedText(parsed.text, sorted([*parsed.entities, *found], key=lambda e: (e["offset"], -e["length"])))


def _trim(parsed: FormattedText) -> FormattedText:
    stripped = parsed.text.strip()
    if stripped == parsed.text:
        return parsed
    shift = utf16_len(parsed.text[: len(parsed.text) - len(parsed.text.lstrip())])
    end = shift + utf16_len(stripped)
    entities = []
    for entity in parsed.entities:
        start, stop = max(entity["offset"], shift), min(entity["offset"] + entity["length"], end)
        if stop > start:
            entities.append({**entity, "offset": start - shift, "length": stop - start})
    return FormattedText(stripped, entities)


def parse_html(source: str) -> FormattedText:
    """Parse Telegram HTML, raising EntityParseError with Telegram's wording on anything it rejects.

    Stricter than Telegram in one respect, on purpose: a bare "&" or ">" is rejected too, because
    a bot that leaves them unescaped also leaves "<" unescaped sooner or later.
    """
    return _HtmlParser(source).parse()


@dataclass
class _OpenTag:
    name: str
    attrs: dict[str, str]
    utf16_start: int
    char_start: int


class _HtmlParser:
    """A single left-to-right pass, following the rules of tdlib's parse_html."""

    def __init__(self, source: str) -> None:
        self.src = source
        self.pos = 0
        self.parts: list[str] = []
        self.utf16 = 0
        self.chars = 0
        self.open: list[_OpenTag] = []
        self.entities: list[Entity] = []

    def parse(self) -> FormattedText:
        while self.pos < len(self.src):
            plain = _PLAIN.match(self.src, self.pos)
            if plain:
                self._emit(plain.group())
                self.pos = plain.end()
            elif self.src[self.pos] == "&":
                self._char_ref()
            elif self.src.startswith("</", self.pos):
                self._end_tag()
            elif self.src[self.pos] == "<":
                self._start_tag()
            else:
                raise self._reserved(">", "&gt;")
        if self.open:
            raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{self.open[-1].name}"')
        for entity in self.entities:
            entity.pop("_language", None)
        return FormattedText("".join(self.parts), sorted(self.entities, key=lambda e: (e["offset"], -e["length"])))

    def _emit(self, text: str) -> None:
        self.parts.append(text)
        self.utf16 += utf16_len(text)
        self.chars += len(text)

    def _byte(self, pos: int) -> int:
        return len(self.src[:pos].encode("utf-8"))

    def _reserved(self, char: str, escape: str) -> EntityParseError:
        return EntityParseError(
            f"Character '{char}' is reserved and must be escaped as \"{escape}\" at byte offset {self._byte(self.pos)}"
        )

    def _char_ref(self) -> None:
        match = _CHAR_REF.match(self.src, self.pos)
        decoded = _decode_char_ref(match) if match else None
        if decoded is None:
            raise self._reserved("&", "&amp;")
        self._emit(decoded)
        self.pos = match.end()  # type: ignore[union-attr]

    def _start_tag(self) -> None:
        begin = self.pos
        end = self._scan_name(begin + 1)
        if end >= len(self.src):
            raise EntityParseError(f"Unclosed start tag at byte offset {self._byte(begin)}")
        name = self.src[begin + 1 : end].lower()
        if name not in _TAG_ENTITY:
            raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {self._byte(begin)}')
        attrs, close = self._attributes(name, end, begin)
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise EntityParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {self._byte(begin)}')
        self.open.append(_OpenTag(name, attrs, self.utf16, self.chars))
        self.pos = close + 1

    def _scan_name(self, i: int) -> int:
        while i < len(self.src) and self.src[i] not in _SPACES and self.src[i] != ">":
            i += 1
        return i

    def _skip_spaces(self, i: int) -> int:
        while i < len(self.src) and self.src[i] in _SPACES:
            i += 1
        return i

    def _attributes(self, tag: str, i: int, begin: int) -> tuple[dict[str, str], int]:
        """Attributes of a start tag and the index of its closing '>'."""
        attrs: dict[str, str] = {}
        while True:
            i = self._skip_spaces(i)
            if i >= len(self.src):
                raise EntityParseError(f'Unclosed start tag "{tag}" at byte offset {self._byte(begin)}')
            if self.src[i] == ">":
                return attrs, i
            name_start = i
            while i < len(self.src) and self.src[i] not in _SPACES and self.src[i] not in "=>":
                i += 1
            name = self.src[name_start:i].lower()
            if not name:
                raise EntityParseError(f'Empty attribute name in the tag "{tag}" at byte offset {self._byte(begin)}')
            i = self._skip_spaces(i)
            value = ""  # a bare attribute, such as blockquote's "expandable"
            if i < len(self.src) and self.src[i] == "=":
                value, i = self._attribute_value(tag, self._skip_spaces(i + 1), begin)
            attrs[name] = value

    def _attribute_value(self, tag: str, i: int, begin: int) -> tuple[str, int]:
        if i >= len(self.src):
            raise EntityParseError(f'Unclosed start tag "{tag}" at byte offset {self._byte(begin)}')
        quote = self.src[i]
        if quote in "'\"":
            end = self.src.find(quote, i + 1)
            if end < 0:
                raise EntityParseError(f"Unclosed start tag at byte offset {self._byte(begin)}")
            # Telegram is lenient inside attribute values: unknown references stay literal.
            raw = self.src[i + 1 : end]
            return _CHAR_REF.sub(lambda m: _decode_char_ref(m) or m.group(), raw), end + 1
        token = _NAME_TOKEN.match(self.src, i)
        end = token.end() if token else i
        if end < len(self.src) and self.src[end] not in _SPACES and self.src[end] != ">":
            raise EntityParseError(f"Unexpected end of name token at byte offset {self._byte(i)}")
        return self.src[i:end].lower(), end

    def _end_tag(self) -> None:
        begin = self.pos
        if not self.open:
            raise EntityParseError(f"Unexpected end tag at byte offset {self._byte(begin)}")
        end = self._scan_name(begin + 2)
        name = self.src[begin + 2 : end].lower()
        close = self._skip_spaces(end)
        if close >= len(self.src) or self.src[close] != ">":
            raise EntityParseError(f"Unclosed end tag at byte offset {self._byte(begin)}")
        top = self.open[-1]
        if name and name != top.name:
            raise EntityParseError(
                f'Unmatched end tag at byte offset {self._byte(begin)}, expected "</{top.name}>", found "</{name}>"'
            )
        self.open.pop()
        self.pos = close + 1
        self._close(top)

    def _close(self, tag: _OpenTag) -> None:
        length = self.utf16 - tag.utf16_start
        if length <= 0:
            return
        entity: Entity = {"type": _TAG_ENTITY[tag.name], "offset": tag.utf16_start, "length": length}
        previous = self.entities[-1] if self.entities else None
        same_range = previous is not None and (previous["offset"], previous["length"]) == (tag.utf16_start, length)
        if tag.name == "a":
            entity["url"] = tag.attrs.get("href") or "".join(self.parts)[tag.char_start :]
        elif tag.name == "tg-emoji":
            entity["custom_emoji_id"] = _custom_emoji_id(tag.attrs.get("emoji-id", ""))
        elif tag.name == "blockquote" and "expandable" in tag.attrs:
            entity["type"] = "expandable_blockquote"
        elif tag.name == "code":
            language = tag.attrs.get("class", "")
            entity["_language"] = language.removeprefix("language-") if language.startswith("language-") else ""
        elif tag.name == "pre" and same_range and previous is not None and previous["type"] == "code":
            # <pre><code class="language-x">...</code></pre> is one pre entity with a language
            language = previous.pop("_language", "")
            previous.update(type="pre", **({"language": language} if language else {}))
            return
        self.entities.append(entity)


def _decode_char_ref(match: re.Match[str]) -> str | None:
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        return _NAMED_REFS.get(name)
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if code == 0 or code >= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code)


def _custom_emoji_id(value: str) -> str:
    if not value.isdigit() or int(value) == 0:
        raise EntityParseError("Invalid custom emoji identifier specified")
    return value


def parse_markdown_v2(text: str) -> FormattedText:
    """An approximation of MarkdownV2: drops markers and escapes, and rejects an unescaped reserved
    character outside code with Telegram's wording. Entities are not reconstructed."""
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
        elif char == "`":
            i = _markdown_code(text, i, out)
        elif char in "*_~|[":
            i += 1
        elif char == "]" and text.startswith("(", i + 1):
            close = text.find(")", i)
            i = close + 1 if close > 0 else len(text)
        elif char == ">" and (i == 0 or text[i - 1] == "\n"):
            i += 1
        elif char in _MARKDOWN_V2_RESERVED:
            raise EntityParseError(f"Character '{char}' is reserved and must be escaped with the preceding '\\'")
        else:
            out.append(char)
            i += 1
    return FormattedText("".join(out))


def _markdown_code(text: str, i: int, out: list[str]) -> int:
    fence = "```" if text.startswith("```", i) else "`"
    end = text.find(fence, i + len(fence))
    if end < 0:
        raise EntityParseError(f"Can't find end of Code entity at byte offset {len(text[:i].encode())}")
    inner = text[i + len(fence) : end]
    if fence == "```" and "\n" in inner and " " not in inner.split("\n", 1)[0]:
        inner = inner.split("\n", 1)[1]  # drop the language line
    out.append(inner)
    return end + len(fence)


def parse_markdown(text: str) -> FormattedText:
    """Legacy Markdown: *bold*, _italic_, `code`, [text](url); an unclosed marker is the error
    Telegram gives (common with usernames containing "_")."""
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text) and text[i + 1] in "_*`[":
            out.append(text[i + 1])
            i += 2
        elif char in "_*`":
            end = text.find(char, i + 1)
            if end < 0:
                raise EntityParseError(f"Can't find end of the entity starting at byte offset {len(text[:i].encode())}")
            out.append(text[i + 1 : end])
            i = end + 1
        elif char == "[":
            link = re.compile(r"\[([^\]]*)\]\(([^)]*)\)").match(text, i)
            if link is None:
                raise EntityParseError(f"Can't find end of the entity starting at byte offset {len(text[:i].encode())}")
            out.append(link.group(1))
            i = link.end()
        else:
            out.append(char)
            i += 1
    return FormattedText("".join(out))
