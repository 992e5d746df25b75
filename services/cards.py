"""The membership card: a PNG in the member's language with the member number as a QR code.

Text is set in Noto Sans SC, shipped by the `pylopdf-fonts-zh-cn` dependency (SIL OFL), so Chinese
shop names, tier names and labels draw on any machine. The QR code keeps the standard 4-module
quiet zone and is scaled by a whole factor (no resampling blur), so any reader decodes it.
"""

import asyncio
import io
from dataclasses import dataclass
from functools import lru_cache

import qrcode
from PIL import Image, ImageDraw, ImageFont
from pylopdf_fonts_zh_cn import sans_path

CARD_SIZE = (856, 540)  # ISO/IEC 7810 ID-1 proportions
MARGIN = 48
QR_QUIET_MODULES = 4
QR_MAX_SIDE = 280
# Tier colours (top, bottom of the gradient); all dark enough for white text (contrast >= 4.5:1).
TIER_COLOURS = {
    "normal": ((38, 52, 72), (62, 86, 116)),
    "silver": ((70, 76, 86), (90, 97, 108)),
    "gold": ((106, 74, 10), (128, 92, 16)),
    "diamond": ((22, 48, 100), (40, 86, 150)),
}
TEXT = (255, 255, 255)
SOFT_TEXT = (244, 245, 248)


@dataclass(frozen=True, slots=True)
class CardText:
    """What the card says, already in the member's language (the caller translates)."""

    shop: str
    title: str  # "会员卡" / "MEMBER CARD"
    name: str  # username or Telegram first name
    member_no: str
    tier: str  # the tier's localised name
    points: str | None = None  # e.g. "积分 1,234"


@lru_cache(maxsize=16)
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(sans_path()), size)


def qr_image(data: str) -> Image.Image:
    """Black modules on white, 4 modules of quiet zone, each module a whole number of pixels."""
    qr = qrcode.QRCode(border=QR_QUIET_MODULES, box_size=1, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(data)
    qr.make(fit=True)
    modules = qr.modules_count + 2 * QR_QUIET_MODULES
    qr.box_size = max(1, QR_MAX_SIDE // modules)
    return qr.make_image(fill_color="black", back_color="white").convert("RGB")


def relative_luminance(colour: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    high, low = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _fit(draw: ImageDraw.ImageDraw, text: str, size: int, width: int) -> ImageFont.FreeTypeFont:
    """The largest font up to `size` in which `text` fits `width` pixels."""
    while size > 12 and draw.textlength(text, font=_font(size)) > width:
        size -= 2
    return _font(size)


def _render(text: CardText, tier_code: str) -> bytes:
    top, bottom = TIER_COLOURS.get(tier_code, TIER_COLOURS["normal"])
    card = Image.new("RGB", CARD_SIZE, top)
    draw = ImageDraw.Draw(card)
    for y in range(CARD_SIZE[1]):  # vertical gradient
        mix = y / CARD_SIZE[1]
        draw.line([(0, y), (CARD_SIZE[0], y)], fill=tuple(int(t + (b - t) * mix) for t, b in zip(top, bottom, strict=True)))
    code = qr_image(text.member_no)
    left_width = CARD_SIZE[0] - code.width - 3 * MARGIN
    draw.text((MARGIN, 36), text.shop, font=_fit(draw, text.shop, 40, left_width), fill=TEXT)
    draw.text((MARGIN, 96), text.title, font=_font(26), fill=SOFT_TEXT)
    draw.text((MARGIN, 250), text.name, font=_fit(draw, text.name, 36, left_width), fill=TEXT)
    draw.text((MARGIN, 305), text.member_no, font=_font(46), fill=TEXT)
    draw.text((MARGIN, 380), text.tier, font=_fit(draw, text.tier, 30, left_width), fill=TEXT)
    if text.points:
        draw.text((MARGIN, 430), text.points, font=_fit(draw, text.points, 26, left_width), fill=SOFT_TEXT)
    card.paste(code, (CARD_SIZE[0] - code.width - MARGIN, (CARD_SIZE[1] - code.height) // 2))
    out = io.BytesIO()
    card.save(out, format="PNG", optimize=True)
    return out.getvalue()


async def render_card(text: CardText, tier_code: str) -> bytes:
    """Rendering takes tens of milliseconds: done in a thread, off the event loop."""
    return await asyncio.to_thread(_render, text, tier_code)
