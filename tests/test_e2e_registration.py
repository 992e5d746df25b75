"""Full registration (JOIN_MODE=full): every field up front, consent first (PRODUCT.md 1.1).

Quick join, the default, is in test_e2e_join.py; both share the validation and `members.register`.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from models import Member, PointsLedger
from sandbox.emulator import ChatMessage, SimUser
from tests.conftest import BotEnv, unique
from tests.texts import ANY, says, shown, t

BOT_SETTINGS = {"join_mode": "full"}
PASSWORD = "correct-horse-9"
STEPS = ["privacy", "marketing", "username", "password", "email", "phone", "address", "birthday", "confirm"]


async def open_registration(user: SimUser) -> ChatMessage:
    await user.send("/start")
    welcome = await user.expect_message()
    await user.press(welcome, t("btn-register"))
    return user.messages[-1]


async def fill_until(user: SimUser, step: str, name: str | None = None) -> str:
    """Answer the questions up to (not including) `step`; returns the username used."""
    name = name or unique("u")
    await open_registration(user)
    answers = {
        "privacy": lambda: user.press(user.messages[-1], t("btn-accept")),
        "marketing": lambda: user.press(user.messages[-1], t("btn-yes")),
        "username": lambda: user.send(name),
        "password": lambda: user.send(PASSWORD),
        "email": lambda: user.send(f"{name}@example.com"),
        "phone": lambda: user.press_reply(t("btn-share-phone")),
        "address": lambda: user.send("上海市浦东新区世纪大道 100 号"),
        "birthday": lambda: user.send("1990-05-20"),
    }
    for current, following in zip(STEPS, STEPS[1:]):
        if current == step:
            break
        before = len(user.messages)
        await answers[current]()
        key = "reg-summary" if following == "confirm" else f"reg-ask-{following}"
        await user.wait_for(
            lambda: len(user.messages) >= before and says(user.messages[-1].text, key, url=ANY, username=ANY,
                                                          email=ANY, phone=ANY, address=ANY, birthday=ANY, marketing=ANY)
        )
    user._cursor = len(user.messages)  # noqa: SLF001 - continue from the current question
    return name


async def test_new_user_is_offered_register_and_login(user: SimUser) -> None:
    await user.send("/start")
    welcome = await user.expect_message()
    assert welcome.text == shown("start-guest", name=user.first_name)
    assert {t("btn-register"), t("btn-login")} <= set(welcome.button_texts)


async def test_member_registers_with_shared_contact(bot_env: BotEnv, user: SimUser) -> None:
    name = unique("Reg")
    first = await open_registration(user)
    # consent comes first, on the welcome message turned into the question; accept and decline look different
    assert shown("reg-ask-privacy", url=bot_env.settings.privacy_policy_url) in first.text and first.edit_count == 1
    assert first.button_texts == [t("btn-accept"), t("btn-decline")]
    await user.press(first, t("btn-accept"))
    assert shown("reg-ask-marketing") in first.text
    await user.press(first, t("btn-yes"))
    assert shown("reg-ask-username") in first.text and shown("reg-progress", n=3, total=8) in first.text
    await user.send(name)
    assert shown("reg-ask-password") in (await user.expect_message()).text
    await user.send(PASSWORD)
    assert shown("reg-ask-email") in (await user.expect_message()).text
    await user.wait_for(lambda: user.user_messages[-1].deleted)  # the password left the chat
    await user.send(f"{name}@Example.com")
    phone_question = await user.expect_message()
    assert shown("reg-ask-phone") in phone_question.text and user.reply_keyboard is not None
    await user.press_reply(t("btn-share-phone"))
    saved = await user.expect_message()
    assert user.phone_number.lstrip("+") in saved.text and user.reply_keyboard is None
    address_question = await user.expect_message()
    assert shown("reg-ask-address") in address_question.text
    await user.press(address_question, t("btn-skip"))
    assert shown("reg-ask-birthday") in address_question.text  # edited in place
    await user.press(address_question, t("btn-skip"))
    summary = address_question
    # the member's own answers, unmasked
    assert name in summary.text and f"{name}@example.com" in summary.text and user.phone_number.lstrip("+") in summary.text
    await user.press(summary, t("btn-confirm"))
    assert says(summary.text, "reg-done", member_no=ANY, points=100)
    menu = await user.expect_message()
    assert says(menu.text, "start-member", name=name, member_no=ANY, points=100)
    assert t("btn-profile") in menu.button_texts

    async with bot_env.sessionmaker() as session:
        member = await session.scalar(select(Member).where(Member.username_key == name.casefold()))
        assert member is not None and member.telegram_id == user.id
        assert member.phone == user.phone_number and member.marketing_opt_in
        assert member.password_hash.startswith("$2b$") and PASSWORD not in member.password_hash
        assert member.privacy_accepted_at is not None
        ledger = (await session.scalars(select(PointsLedger).where(PointsLedger.member_id == member.id))).all()
        assert [(row.kind, row.amount) for row in ledger] == [("welcome", 100)]
    assert member.member_no in summary.text


BAD_INPUTS = [
    ("username", "ab", "error-username-too-short"),
    ("username", "x" * 21, "error-username-too-long"),
    ("username", "no spaces!", "error-username-bad-chars"),
    ("username", "<b>&amp;</b>", "error-username-bad-chars"),
    ("password", "short1", "error-password-too-short"),
    ("password", "1234567890", "error-password-all-digits"),
    ("password", "y" * 65, "error-password-too-long"),
    ("email", "not-an-email", "error-email-invalid"),
    ("email", "a@b", "error-email-invalid"),
    ("phone", "12345", "error-phone-invalid"),
    ("phone", "'; DROP TABLE members; --", "error-phone-invalid"),
    ("address", "abc", "error-address-too-short"),
    ("address", "长" * 201, "error-address-too-long"),
    ("birthday", "20/05/1990", "error-birthday-format"),
    ("birthday", "2999-01-01", "error-birthday-range"),
    ("birthday", "1990-02-30", "error-birthday-no-such-date"),
    ("birthday", datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat(), "error-birthday-range"),
    ("address", "\u200b\u200c\u200d\u2060\ufeff" * 2, "error-address-too-short"),
]


@pytest.mark.parametrize(("step", "junk", "reason"), BAD_INPUTS)
async def test_bad_input_says_which_rule_failed_and_asks_again(user: SimUser, step: str, junk: str, reason: str) -> None:
    await fill_until(user, step)
    await user.send(junk)
    answer = await user.expect_message()
    assert shown(reason) in answer.text, answer.text
    assert shown(f"reg-ask-{step}") in answer.text  # the same question again, the dialog goes on


async def test_password_equal_to_username_is_refused(user: SimUser) -> None:
    name = await fill_until(user, "password", name=unique("samepass"))
    await user.send(name.upper())
    assert shown("error-password-is-username") in (await user.expect_message()).text


async def test_taken_username_email_and_phone_are_refused_on_the_spot(bot_env: BotEnv, user: SimUser) -> None:
    other = bot_env.new_user()
    await bot_env.make_member(other)
    await fill_until(user, "username")
    await user.send(other.member_username.upper())
    assert shown("error-username-taken") in (await user.expect_message()).text
    await user.send(unique("free"))
    await user.expect_message()
    await user.send(PASSWORD)
    await user.expect_message()
    await user.send(f"{other.member_username}@EXAMPLE.com")
    assert shown("error-email-taken") in (await user.expect_message()).text


async def test_someone_elses_contact_is_refused(user: SimUser) -> None:
    await fill_until(user, "phone")
    await user.share_contact("+8613912345678", own=False)
    answer = await user.expect_message()
    assert shown("error-phone-not-own") in answer.text and user.reply_keyboard is not None


async def test_typed_phone_is_normalised(bot_env: BotEnv, user: SimUser) -> None:
    await fill_until(user, "phone")
    await user.send("139 1234 5678")
    assert "+8613912345678" in (await user.expect_message()).text  # the own number, normalised, unmasked


async def test_back_returns_one_step_and_cancel_leaves(user: SimUser) -> None:
    await fill_until(user, "address")
    question = user.messages[-1]
    await user.press(question, t("btn-back"))
    assert user.reply_keyboard is not None and shown("reg-ask-phone") in user.messages[-1].text
    await user.press_reply(t("btn-back"))
    await user.wait_for(lambda: shown("reg-ask-email") in user.messages[-1].text and user.reply_keyboard is None)
    await user.press(user.messages[-1], t("btn-cancel"))
    cancelled = user.messages[-1].text
    # home, with the user's name
    assert shown("reg-cancelled") in cancelled and shown("start-guest", name=user.first_name) in cancelled


async def test_cancel_command_at_any_step(user: SimUser) -> None:
    await fill_until(user, "email")
    await user.send("/cancel")
    assert (await user.expect_message()).text == shown("cancelled")
    assert t("btn-register") in (await user.expect_message()).button_texts
    await user.send("hello")
    answer = (await user.expect_message()).text
    assert shown("not-understood") in answer and shown("start-guest", name=user.first_name) in answer


async def test_declining_privacy_stops_registration(bot_env: BotEnv, user: SimUser) -> None:
    await fill_until(user, "privacy")  # consent is the first question: nothing typed yet, nothing lost
    await user.press(user.messages[-1], t("btn-decline"))
    answer = user.messages[-1]
    assert shown("reg-privacy-required") in answer.text and t("btn-register") in answer.button_texts
    async with bot_env.sessionmaker() as session:
        assert await session.scalar(select(Member).where(Member.telegram_id == user.id)) is None


async def test_edit_a_field_from_the_summary(bot_env: BotEnv, user: SimUser) -> None:
    await fill_until(user, "address")
    question = user.messages[-1]
    for button in ("btn-skip", "btn-skip"):
        await user.press(question, t(button))
    await user.press(question, t("btn-edit"))
    await user.press(question, t("field-address"))
    await user.send("北京市朝阳区建国路 88 号 <b>&")
    summary = await user.expect_message()
    assert "建国路 88 号 <b>&" in summary.text  # escaped on the way out, shown as typed
    await user.press(summary, t("btn-confirm"))
    assert says(summary.text, "reg-done", member_no=ANY, points=bot_env.settings.welcome_points)


async def test_text_while_waiting_for_a_button_gets_a_hint(user: SimUser) -> None:
    await fill_until(user, "privacy")
    await user.send("yes")
    hint = await user.expect_message()
    assert shown("use-buttons") in hint.text and t("btn-accept") in hint.button_texts


async def test_stale_and_forged_buttons_get_an_answer(bot_env: BotEnv, user: SimUser) -> None:
    await user.send("/start")
    welcome = await user.expect_message()
    for forged in ("pf:edit:email", "f:confirm:", "m:profile", "garbage", "lang:xx"):
        toast = await press_data(bot_env, user, welcome, forged)
        assert toast == t("button-expired")
    async with bot_env.sessionmaker() as session:
        assert await session.scalar(select(Member).where(Member.telegram_id == user.id)) is None


async def press_data(bot_env: BotEnv, user: SimUser, message: ChatMessage, data: str) -> str | None:
    """Send a callback query with arbitrary (forged) data, as a modified client could."""
    emulator = bot_env.emulator
    query_id, pending = emulator.open_query(user.id)
    emulator.enqueue_update(
        {"callback_query": {"id": query_id, "from": user.user_dict, "message": message.to_telegram(),
                            "chat_instance": "1", "data": data}}
    )
    await user.wait_for(lambda: pending.answered)
    return pending.text


async def test_dialog_survives_a_restart(bot_env: BotEnv, user: SimUser) -> None:
    name = await fill_until(user, "email")
    await bot_env.restart()
    await user.send(f"{name}@example.com")
    assert shown("reg-ask-phone") in (await user.expect_message()).text


async def test_update_delivered_twice_is_handled_once(bot_env: BotEnv, user: SimUser) -> None:
    await fill_until(user, "username")
    name = unique("dup")
    sent = await user.send(name)
    await user.expect_message()
    bot_env.emulator.enqueue_update({"message": sent}, update_id=bot_env.emulator.last_update_id)
    await user.send("/help")
    await user.expect_message()  # the help text, and nothing for the repeated update
    assert sum(shown("reg-ask-password") in (m.text or "") for m in user.messages) == 1


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(junk=st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=200)
       | st.sampled_from(["<script>", "&", "</b>", "*bold*", "_x_", "`", "' OR 1=1 --", "🙂" * 50, "\u202e"]))
async def test_junk_never_breaks_the_dialog(bot_env: BotEnv, junk: str) -> None:
    user = bot_env.new_user()
    await fill_until(user, "username")
    for _ in range(3):  # username, then whatever step that led to
        before = len(user.messages)
        await user.send(junk if junk.strip() else junk + "x")
        await user.wait_for(lambda: len(user.messages) > before)
    errors = [record.error for record in bot_env.emulator.errors]
    bot_env.emulator.clear_errors()
    assert not errors
