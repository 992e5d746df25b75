"""Staff-written Telegram HTML, checked before anything is sent so Telegram never refuses it.

Telegram accepts a small set of tags (b, strong, i, em, u, ins, s, strike, del, span class
"tg-spoiler", tg-spoiler, a href, tg-emoji emoji-id, code, pre, blockquote [expandable]),
properly nested, with `<`, `>` and `&` escaped in text. `check_html` returns the plain text a chat
would show, or raises `InvalidInput("html-<problem>", ...)` naming what is wrong and where.
"""

import re

from services.errors import InvalidInput

ALLOWED = {
    "b": set(), "strong": set(), "i": set(), "em": set(), "u": set(), "ins": set(), "s": set(), "strike": set(),
    "del": set(), "span": {"class"}, "tg-spoiler": set(), "a": {"href"}, "tg-emoji": {"emoji-id"},
    "code": {"class"}, "pre": set(), "blockquote": {"expandable"},
}
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s+[A-Za-z-]+(?:\s*=\s*(?:\"[^\"<>]*\"|'[^'<>]*'|[^\s\"'<>=]+))?)*)\s*(/?)>")
_ATTRIBUTE = re.compile(r"([A-Za-z-]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'<>=]+)))?")
_ENTITY = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|(lt|gt|amp|quot));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_LINK = re.compile(r"(https?://|tg://|mailto:)\S+")


def _refuse(problem: str, **params: object) -> InvalidInput:
    """The error names the problem (text key `error-html-<problem>`) and where it is."""
    return InvalidInput(f"html-{problem}", "text", **params)


def check_html(source: str) -> str:
    """The plain text of valid Telegram HTML; InvalidInput with the reason otherwise."""
    plain: list[str] = []
    open_tags: list[str] = []
    pos = 0
    while pos < len(source):
        char = source[pos]
        if char == "<":
            match = _TAG.match(source, pos)
            if match is None:
                raise _refuse("lt", at=pos + 1)
            _tag(match, open_tags, pos)
            pos = match.end()
        elif char == "&":
            match = _ENTITY.match(source, pos)
            if match is None:
                raise _refuse("amp", at=pos + 1)
            plain.append(_decode(match))
            pos = match.end()
        elif char == ">":
            raise _refuse("gt", at=pos + 1)
        else:
            plain.append(char)
            pos += 1
    if open_tags:
        raise _refuse("unclosed", tag=open_tags[-1])
    return "".join(plain).strip()


def _tag(match: re.Match[str], open_tags: list[str], pos: int) -> None:
    closing, name, attributes, self_closing = match.group(1), match.group(2).lower(), match.group(3), match.group(4)
    if name not in ALLOWED:
        raise _refuse("tag", tag=name)
    if self_closing:
        raise _refuse("tag", tag=name + "/")
    if closing:
        if attributes.strip():
            raise _refuse("attribute", key=_ATTRIBUTE.search(attributes).group(1), tag="/" + name)
        if not open_tags or open_tags[-1] != name:
            raise _refuse("close", tag=name, at=pos + 1, expected=open_tags[-1] if open_tags else "-")
        open_tags.pop()
        return
    values = _attributes(name, attributes)
    if name == "span" and values.get("class") != "tg-spoiler":
        raise _refuse("span")
    if name == "a" and not _LINK.fullmatch(values.get("href", "")):
        raise _refuse("href")
    if name == "tg-emoji" and not values.get("emoji-id", "").isdigit():
        raise _refuse("emoji")
    open_tags.append(name)


def _attributes(name: str, text: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for match in _ATTRIBUTE.finditer(text):
        key = match.group(1).lower()
        if key not in ALLOWED[name]:
            raise _refuse("attribute", key=key, tag=name)
        values[key] = next((group for group in match.groups()[1:] if group is not None), "")
    return values


def _decode(match: re.Match[str]) -> str:
    decimal, hexadecimal, named = match.groups()
    if named:
        return _NAMED[named]
    code = int(decimal) if decimal else int(hexadecimal, 16)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise _refuse("amp", at=match.start() + 1)
    return chr(code)
