"""The membership card: a PNG with the member number as a QR code."""

import asyncio
import io

import qrcode
from PIL import Image, ImageDraw, ImageFont

CARD_SIZE = (856, 540)  # ISO/IEC 7810 ID-1 proportions
TIER_COLOURS = {
    "normal": ((46, 64, 87), (86, 115, 150)),
    "silver": ((110, 116, 125), (180, 186, 194)),
    "gold": ((140, 101, 20), (212, 175, 55)),
    "diamond": ((28, 60, 120), (90, 160, 220)),
}


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _render(shop: str, username: str, member_no: str, tier: str) -> bytes:
    dark, light = TIER_COLOURS.get(tier, TIER_COLOURS["normal"])
    card = Image.new("RGB", CARD_SIZE, dark)
    draw = ImageDraw.Draw(card)
    for y in range(CARD_SIZE[1]):  # vertical gradient
        mix = y / CARD_SIZE[1]
        colour = tuple(int(d + (li - d) * mix) for d, li in zip(dark, light, strict=True))
        draw.line([(0, y), (CARD_SIZE[0], y)], fill=colour)
    draw.text((48, 40), _ascii(shop) or "MEMBER", font=_font(40), fill="white")
    draw.text((48, 110), "MEMBER CARD", font=_font(26), fill=(235, 235, 235))
    draw.text((48, 330), username, font=_font(36), fill="white")
    draw.text((48, 385), member_no, font=_font(48), fill="white")
    draw.text((48, 455), tier.upper(), font=_font(28), fill=(250, 230, 170))
    qr = qrcode.QRCode(border=2, box_size=8)
    qr.add_data(member_no)
    qr.make(fit=True)
    code = qr.make_image(fill_color="black", back_color="white").convert("RGB").resize((260, 260))
    card.paste(code, (CARD_SIZE[0] - 260 - 48, CARD_SIZE[1] - 260 - 48))
    out = io.BytesIO()
    card.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _ascii(text: str) -> str:
    """The built-in font has no CJK glyphs; keep what it can draw."""
    return "".join(ch for ch in text if ch.isascii()).strip()


async def render_card(shop: str, username: str, member_no: str, tier: str) -> bytes:
    """Rendering takes tens of milliseconds: done in a thread, off the event loop."""
    return await asyncio.to_thread(_render, shop, username, member_no, tier)
