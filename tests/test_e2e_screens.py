"""Buttons and screens: no refused edits, old messages answered at the bottom, no dead ends."""

import asyncio

from sandbox.emulator import ChatMessage, SimUser
from tests.conftest import BotEnv
from tests.texts import ANY, says, shown, t


async def double_tap(user: SimUser, message: ChatMessage, text: str) -> None:
    """Two taps before the first answer arrives: both queries carry the message as it was."""
    taps = [user.tap(message, text) for _ in range(2)]
    await user.wait_for(lambda: all(pending.answered for _, pending in taps))


async def test_double_taps_on_menu_buttons_make_no_refused_call(bot_env: BotEnv, member: SimUser) -> None:
    await member.send("/start")
    menu = await member.expect_message()
    for button in ("btn-profile", "btn-home", "btn-points", "btn-home", "btn-help", "btn-home", "btn-language"):
        await double_tap(member, menu, t(button))
        await asyncio.sleep(0)
    assert says(menu.text, "language-pick")
    assert not [record.error for record in bot_env.emulator.errors]
    await member.send("/help")
    assert (await member.expect_message()).text == shown("help")  # and the bot carries on


async def test_the_emulator_refuses_an_edit_that_changes_nothing(bot_env: BotEnv, user: SimUser) -> None:
    """What makes the test above able to fail: Telegram's "message is not modified"."""
    await user.send("/start")
    welcome = await user.expect_message()
    bot = bot_env.app.bot
    same = {"chat_id": user.id, "message_id": welcome.message_id, "text": welcome.html, "parse_mode": "HTML",
            "reply_markup": welcome.reply_markup}
    try:
        await bot.edit_message_text(**same)
    except Exception as error:  # noqa: BLE001 - any refusal will do
        assert "message is not modified" in str(error)
    else:
        raise AssertionError("the emulator accepted an edit that changes nothing")
    errors = [record.error for record in bot_env.emulator.errors]
    bot_env.emulator.clear_errors()
    assert errors and "message is not modified" in errors[0]


async def test_a_button_of_an_old_message_answers_at_the_bottom(bot_env: BotEnv, member: SimUser) -> None:
    await member.send("/start")
    menu = await member.expect_message()
    old = menu.to_telegram() | {"date": menu.date - 3600}  # an hour ago, far up the chat
    query_id, pending = bot_env.emulator.open_query(member.id)
    bot_env.emulator.enqueue_update(
        {"callback_query": {"id": query_id, "from": member.user_dict, "message": old, "chat_instance": "1",
                            "data": "m:profile"}}
    )
    await member.wait_for(lambda: pending.answered)
    screen = await member.expect_message()
    assert screen is not menu and says(screen.text, "profile", member_no=ANY, username=ANY, tier=ANY, email=ANY,
                                       phone=ANY, address=ANY, birthday=ANY, language=ANY, marketing=ANY)
    assert menu.edit_count == 0
