"""The member card (/card): the member's language, a CJK font, readable colours, a QR code any reader decodes."""

import io
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from services import cards
from tests.conftest import BotEnv
from tests.texts import t

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
BOT_DATABASES = ("sqlite",)  # the card is drawn from the member view; the database does not matter


def decode(png: bytes) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_card_is_in_the_members_language_and_its_qr_decodes(bot_env: BotEnv, language: str) -> None:
    user = bot_env.new_user(language_code=language)
    member_id = await bot_env.make_member(user)
    await user.send("/card")
    card = await user.expect_message()
    assert card.photo is not None and card.text == t("card-caption", language, member_no=f"M{member_id:06d}")
    assert t("btn-home", language) in card.button_texts  # the obvious next step
    assert decode(card.photo) == [f"M{member_id:06d}"]
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"member-card-{language}.png").write_bytes(card.photo)
    await user.press(card, t("btn-home", language))  # a photo cannot become the menu: a new message
    assert user.messages[-1] is not card and t("btn-points", language) in user.messages[-1].button_texts
    assert not bot_env.emulator.errors


def test_qr_code_has_the_quiet_zone_and_whole_pixel_modules() -> None:
    image = cards.qr_image("M000123")
    modules = 21 + 2 * cards.QR_QUIET_MODULES  # version 1
    assert image.width == image.height and image.width % modules == 0
    box = image.width // modules
    quiet = image.crop((0, 0, image.width, cards.QR_QUIET_MODULES * box))
    assert quiet.getextrema() == ((255, 255), (255, 255), (255, 255))  # all white
    assert {colour for _, colour in image.getcolors()} == {(0, 0, 0), (255, 255, 255)}  # no blur: only black and white


def test_every_tier_colour_is_readable_under_white_text() -> None:
    for tier, colours in cards.TIER_COLOURS.items():
        for colour in colours:
            assert cards.contrast(colour, cards.SOFT_TEXT) >= 4.5, tier


def test_the_font_draws_chinese() -> None:
    font = cards._font(30)  # noqa: SLF001 - the font the card uses
    assert "Noto Sans SC" in " ".join(font.getname())
    tofu = font.getmask("\uffff").getbbox()
    assert font.getmask("会员卡").getbbox() is not None and font.getmask("会").getbbox() != tofu
    assert all(name not in t("card-title", "zh") for name in ("NORMAL", "MEMBER"))
