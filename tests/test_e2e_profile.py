"""Profile view and editing, the member card and the language choice (PRODUCT.md 1.3)."""

import io

from PIL import Image

from models import Member, TelegramUser
from sandbox.emulator import SimUser
from tests.conftest import BotEnv


async def stored(bot_env: BotEnv, member: SimUser) -> Member:
    async with bot_env.sessionmaker() as session:
        return await session.get(Member, member.member_id)


async def test_profile_shows_masked_contacts_and_edits_email(bot_env: BotEnv, member: SimUser) -> None:
    await member.send("/profile")
    profile = await member.expect_message()
    assert f"M{member.member_id:06d}" in profile.text and f"{member.member_username[0]}***" in profile.text
    assert member.member_username + "@" not in profile.text  # e-mail masked
    await member.press(profile, "邮箱")
    assert "新的邮箱" in profile.text  # the same message became the prompt
    await member.send("broken@")
    assert "邮箱格式不正确" in (await member.expect_message()).text
    await member.send("New.Address@Example.org")
    assert "已保存" in (await member.expect_message()).text
    assert "N***s@example.org" in (await member.expect_message()).text
    assert (await stored(bot_env, member)).email_key == "new.address@example.org"


async def test_edit_phone_by_sharing_contact(bot_env: BotEnv, member: SimUser) -> None:
    await member.send("/profile")
    profile = await member.expect_message()
    await member.press(profile, "手机号")
    await member.expect_message()
    assert member.reply_keyboard is not None
    await member.press_reply("分享我的手机号")
    assert "已保存" in (await member.expect_message()).text
    assert member.reply_keyboard is None
    assert (await stored(bot_env, member)).phone == member.phone_number


async def test_address_with_html_specials_is_shown_as_typed(bot_env: BotEnv, member: SimUser) -> None:
    await member.send("/profile")
    profile = await member.expect_message()
    await member.press(profile, "地址")
    await member.send("<i>Room 1 & 2</i> <script>")
    await member.expect_message()
    view = await member.expect_message()
    assert "<i>Room 1 & 2</i> <script>" in view.text


async def test_marketing_toggle_edits_the_message_in_place(bot_env: BotEnv, member: SimUser) -> None:
    await member.send("/profile")
    profile = await member.expect_message()
    await member.press(profile, "订阅优惠消息")
    assert "退订优惠消息" in " ".join(profile.button_texts) and profile.edit_count == 1
    assert (await stored(bot_env, member)).marketing_opt_in
    await member.press(profile, "退订优惠消息")
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
    await member.press(picker, "English")
    assert "Language set to English" in picker.text
    await member.send("/profile")
    assert "Your profile" in (await member.expect_message()).text
    commands = bot_env.emulator.commands_for(member.id, "zh-hans")
    assert {"command": "profile", "description": "Your profile"} in commands
    async with bot_env.sessionmaker() as session:
        assert (await session.get(TelegramUser, member.id)).language == "en"


async def test_commands_are_localised_by_client_language(bot_env: BotEnv) -> None:
    someone = bot_env.new_user(language_code="en")
    english = {c["command"]: c["description"] for c in bot_env.emulator.commands_for(someone.id, "en")}
    chinese = {c["command"]: c["description"] for c in bot_env.emulator.commands_for(someone.id, "zh")}
    assert english["profile"] == "Your profile" and chinese["profile"] == "个人资料"
    assert {"start", "help", "cancel", "language", "profile", "logout", "password", "card"} <= set(english)


async def test_english_client_gets_english_without_choosing(bot_env: BotEnv) -> None:
    someone = bot_env.new_user(language_code="en-GB")
    await someone.send("/start")
    welcome = await someone.expect_message()
    assert "welcome to the member centre" in welcome.text and "📝 Register" in welcome.button_texts
    assert not bot_env.emulator.errors


async def test_main_menu_buttons_edit_the_same_message(member: SimUser) -> None:
    await member.send("/start")
    menu = await member.expect_message()
    await member.press(menu, "个人资料")
    assert "个人资料" in menu.text
    await member.press(menu, "主菜单")
    assert "可用积分" in menu.text and menu.edit_count == 2


async def test_help_button_edits_in_place_and_comes_back(user: SimUser) -> None:
    await user.send("/start")
    welcome = await user.expect_message()
    await user.press(welcome, "帮助")
    assert "/profile" in welcome.text
    await user.press(welcome, "主菜单")
    assert "📝 注册" in welcome.button_texts and welcome.edit_count == 2


async def test_double_tap_does_not_surface_not_modified(bot_env: BotEnv, member: SimUser) -> None:
    from tests.test_e2e_registration import press_data

    await member.send("/start")
    menu = await member.expect_message()
    await member.press(menu, "个人资料")
    await press_data(bot_env, member, menu, "m:profile")  # the second tap of a double tap
    errors = [record.error for record in bot_env.emulator.errors]
    bot_env.emulator.clear_errors()
    assert errors and all("message is not modified" in error for error in errors)
    assert not any("出了点问题" in (m.text or "") for m in member.messages)
    await member.send("/help")
    assert "/profile" in (await member.expect_message()).text  # and the bot carries on
