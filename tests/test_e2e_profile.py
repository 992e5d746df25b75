"""Profile view and editing, the member card and the language choice (PRODUCT.md 1.3)."""

import io

from PIL import Image

from models import Member, TelegramUser
from sandbox.emulator import SimUser
from tests.conftest import BotEnv
from tests.texts import ANY, says, shown, t

PROFILE_VALUES = ("member_no", "username", "tier", "email", "phone", "address", "birthday", "language", "marketing")


async def stored(bot_env: BotEnv, member: SimUser) -> Member:
    async with bot_env.sessionmaker() as session:
        return await session.get(Member, member.member_id)


async def test_profile_shows_masked_contacts_and_edits_email(bot_env: BotEnv, member: SimUser) -> None:
    await member.send("/profile")
    profile = await member.expect_message()
    assert f"M{member.member_id:06d}" in profile.text and f"{member.member_username[0]}***" in profile.text
    assert member.member_username + "@" not in profile.text  # e-mail masked
    await member.press(profile, t("field-email"))
    assert profile.text == shown("profile-ask-email")  # the same message became the prompt
    await member.send("broken@")
    refused = (await member.expect_message()).text
    assert shown("error-email-invalid") in refused and shown("profile-ask-email") in refused
    await member.send("New.Address@Example.org")
    assert (await member.expect_message()).text == shown("profile-saved")
    assert "N***s@example.org" in (await member.expect_message()).text
    assert (await stored(bot_env, member)).email_key == "new.address@example.org"


async def test_edit_phone_by_sharing_contact(bot_env: BotEnv, member: SimUser) -> None:
    await member.send("/profile")
    profile = await member.expect_message()
    await member.press(profile, t("field-phone"))
    await member.expect_message()
    assert member.reply_keyboard is not None
    await member.press_reply(t("btn-share-phone"))
    assert (await member.expect_message()).text == shown("profile-saved")
    assert member.reply_keyboard is None
    assert (await stored(bot_env, member)).phone == member.phone_number


async def test_address_with_html_specials_is_shown_as_typed(bot_env: BotEnv, member: SimUser) -> None:
    await member.send("/profile")
    profile = await member.expect_message()
    await member.press(profile, t("field-address"))
    await member.send("<i>Room 1 & 2</i> <script>")
    await member.expect_message()
    view = await member.expect_message()
    assert "<i>Room 1 & 2</i> <script>" in view.text


async def test_marketing_toggle_edits_the_message_in_place(bot_env: BotEnv, member: SimUser) -> None:
    await member.send("/profile")
    profile = await member.expect_message()
    await member.press(profile, t("btn-marketing-on"))
    assert t("btn-marketing-off") in profile.button_texts and profile.edit_count == 1
    assert (await stored(bot_env, member)).marketing_opt_in
    await member.press(profile, t("btn-marketing-off"))
    assert not (await stored(bot_env, member)).marketing_opt_in


async def test_card_is_a_png_with_the_member_number(bot_env: BotEnv, member: SimUser) -> None:
    await member.send("/card")
    card = await member.expect_message()
    assert card.photo is not None and f"M{member.member_id:06d}" in card.caption
    image = Image.open(io.BytesIO(card.photo))
    assert image.format == "PNG" and image.size == (856, 540)


async def test_language_choice_is_remembered_and_changes_commands(bot_env: BotEnv, member: SimUser) -> None:
    await member.send("/language")
    picker = await member.expect_message()
    await member.press(picker, t("language-name-en"))
    assert picker.text == shown("language-set", "en")
    await member.send("/profile")
    assert says((await member.expect_message()).text, "profile", "en", **dict.fromkeys(PROFILE_VALUES, ANY))
    commands = bot_env.emulator.commands_for(member.id, "zh-hans")
    assert {"command": "profile", "description": t("cmd-profile", "en")} in commands
    async with bot_env.sessionmaker() as session:
        assert (await session.get(TelegramUser, member.id)).language == "en"


async def test_commands_are_localised_by_client_language(bot_env: BotEnv) -> None:
    someone = bot_env.new_user(language_code="en")
    english = {c["command"]: c["description"] for c in bot_env.emulator.commands_for(someone.id, "en")}
    chinese = {c["command"]: c["description"] for c in bot_env.emulator.commands_for(someone.id, "zh")}
    assert english["profile"] == t("cmd-profile", "en") and chinese["profile"] == t("cmd-profile")
    assert {"start", "help", "cancel", "language", "profile", "logout", "password", "card"} <= set(english)


async def test_english_client_gets_english_without_choosing(bot_env: BotEnv) -> None:
    someone = bot_env.new_user(language_code="en-GB")
    await someone.send("/start")
    welcome = await someone.expect_message()
    assert welcome.text == shown("start-guest", "en", name=someone.first_name)
    assert t("btn-register", "en") in welcome.button_texts
    assert not bot_env.emulator.errors


async def test_main_menu_buttons_edit_the_same_message(member: SimUser) -> None:
    await member.send("/start")
    menu = await member.expect_message()
    await member.press(menu, t("btn-profile"))
    assert says(menu.text, "profile", **dict.fromkeys(PROFILE_VALUES, ANY))
    await member.press(menu, t("btn-home"))
    assert says(menu.text, "start-member", name=member.member_username, member_no=ANY, points=ANY)
    assert menu.edit_count == 2


async def test_help_button_edits_in_place_and_comes_back(user: SimUser) -> None:
    await user.send("/start")
    welcome = await user.expect_message()
    await user.press(welcome, t("btn-help"))
    assert welcome.text == shown("help")
    await user.press(welcome, t("btn-home"))
    assert t("btn-register") in welcome.button_texts and welcome.edit_count == 2
