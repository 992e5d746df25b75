"""A new user registers through the chat, the way Telegram delivers it (PRODUCT.md 1.1)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from models import Member, PointsLedger
from sandbox.emulator import ChatMessage, SimUser
from tests.conftest import BotEnv, unique

PASSWORD = "correct-horse-9"


async def open_registration(user: SimUser) -> ChatMessage:
    await user.send("/start")
    welcome = await user.expect_message()
    await user.press(welcome, "注册")
    return user.messages[-1]


async def fill_until(user: SimUser, step: str, name: str | None = None) -> str:
    """Answer the questions up to (not including) `step`; returns the username used."""
    name = name or unique("u")
    await open_registration(user)
    answers = [
        ("username", lambda: user.send(name)),
        ("password", lambda: user.send(PASSWORD)),
        ("email", lambda: user.send(f"{name}@example.com")),
        ("phone", lambda: user.press_reply("分享我的手机号")),
        ("address", lambda: user.send("上海市浦东新区世纪大道 100 号")),
        ("birthday", lambda: user.send("1990-05-20")),
    ]
    for current, answer in answers:
        if current == step:
            break
        before = len(user.messages)
        await answer()
        await user.wait_for(lambda: len(user.messages) > before and user.messages[-1].text and "第" in user.messages[-1].text)
    user._cursor = len(user.messages)  # noqa: SLF001 - continue from the current question
    return name


async def test_new_user_is_offered_register_and_login(user: SimUser) -> None:
    await user.send("/start")
    welcome = await user.expect_message()
    assert "欢迎" in welcome.text
    assert {"📝 注册", "🔑 登录"} <= set(welcome.button_texts)


async def test_member_registers_with_shared_contact(bot_env: BotEnv, user: SimUser) -> None:
    name = unique("Reg")
    first = await open_registration(user)
    assert "用户名" in first.text and first.edit_count == 1  # the welcome message turned into the question
    await user.send(name)
    assert "密码" in (await user.expect_message()).text
    await user.send(PASSWORD)
    assert "邮箱" in (await user.expect_message()).text
    await user.wait_for(lambda: user.user_messages[-1].deleted)  # the password left the chat
    await user.send(f"{name}@Example.com")
    phone_question = await user.expect_message()
    assert "手机号" in phone_question.text and user.reply_keyboard is not None
    await user.press_reply("分享我的手机号")
    saved = await user.expect_message()
    assert "****" in saved.text and user.reply_keyboard is None
    assert "地址" in (await user.expect_message()).text
    address_question = user.messages[-1]
    await user.press(address_question, "跳过")
    assert "生日" in address_question.text  # edited in place
    await user.press(address_question, "跳过")
    assert "隐私政策" in address_question.text
    await user.press(address_question, "✅ 同意")
    await user.press(address_question, "是，我愿意")
    summary = address_question
    assert name in summary.text and "****" in summary.text and "@example.com" in summary.text
    await user.press(summary, "确认注册")
    assert "注册成功" in summary.text
    menu = await user.expect_message()
    assert "可用积分：100" in menu.text and "👤 个人资料" in menu.button_texts

    async with bot_env.sessionmaker() as session:
        member = await session.scalar(select(Member).where(Member.username_key == name.casefold()))
        assert member is not None and member.telegram_id == user.id
        assert member.phone == user.phone_number and member.marketing_opt_in
        assert member.password_hash.startswith("$2b$") and PASSWORD not in member.password_hash
        ledger = (await session.scalars(select(PointsLedger).where(PointsLedger.member_id == member.id))).all()
        assert [(row.kind, row.amount) for row in ledger] == [("welcome", 100)]
    assert member.member_no in summary.text


BAD_INPUTS = [
    ("username", "ab", "太短"),
    ("username", "x" * 21, "太长"),
    ("username", "no spaces!", "只能包含"),
    ("username", "<b>&amp;</b>", "只能包含"),
    ("password", "short1", "太短"),
    ("password", "1234567890", "全是数字"),
    ("password", "y" * 65, "太长"),
    ("email", "not-an-email", "邮箱格式"),
    ("email", "a@b", "邮箱格式"),
    ("phone", "12345", "手机号无效"),
    ("phone", "'; DROP TABLE members; --", "手机号无效"),
    ("address", "abc", "太短"),
    ("address", "长" * 201, "太长"),
    ("birthday", "20/05/1990", "YYYY-MM-DD"),
    ("birthday", "2999-01-01", "今天以前"),
]


@pytest.mark.parametrize(("step", "junk", "reason"), BAD_INPUTS)
async def test_bad_input_says_which_rule_failed_and_asks_again(user: SimUser, step: str, junk: str, reason: str) -> None:
    await fill_until(user, step)
    await user.send(junk)
    answer = await user.expect_message()
    assert reason in answer.text, answer.text
    question_word = {"username": "用户名", "password": "密码", "email": "邮箱", "phone": "手机号", "address": "地址", "birthday": "生日"}[step]
    assert question_word in answer.text  # the same question again, the dialog goes on


async def test_password_equal_to_username_is_refused(user: SimUser) -> None:
    name = await fill_until(user, "password", name=unique("samepass"))
    await user.send(name.upper())
    assert "不能与用户名相同" in (await user.expect_message()).text


async def test_taken_username_email_and_phone_are_refused_on_the_spot(bot_env: BotEnv, user: SimUser) -> None:
    other = bot_env.new_user()
    await bot_env.make_member(other)
    await fill_until(user, "username")
    await user.send(other.member_username.upper())
    assert "已被使用" in (await user.expect_message()).text
    await user.send(unique("free"))
    await user.expect_message()
    await user.send(PASSWORD)
    await user.expect_message()
    await user.send(f"{other.member_username}@EXAMPLE.com")
    assert "已被其他会员使用" in (await user.expect_message()).text


async def test_someone_elses_contact_is_refused(user: SimUser) -> None:
    await fill_until(user, "phone")
    await user.share_contact("+8613912345678", own=False)
    answer = await user.expect_message()
    assert "只能分享你自己的手机号" in answer.text and user.reply_keyboard is not None


async def test_typed_phone_is_normalised(bot_env: BotEnv, user: SimUser) -> None:
    await fill_until(user, "phone")
    await user.send("139 1234 5678")
    assert "+86139****5678" in (await user.expect_message()).text


async def test_back_returns_one_step_and_cancel_leaves(user: SimUser) -> None:
    await fill_until(user, "address")
    question = user.messages[-1]
    await user.press(question, "返回")
    assert user.reply_keyboard is not None and "手机号" in user.messages[-1].text
    await user.press_reply("返回")
    await user.wait_for(lambda: "邮箱" in user.messages[-1].text and user.reply_keyboard is None)
    await user.press(user.messages[-1], "取消")
    assert "已取消注册" in user.messages[-1].text


async def test_cancel_command_at_any_step(user: SimUser) -> None:
    await fill_until(user, "email")
    await user.send("/cancel")
    assert "已取消" in (await user.expect_message()).text
    assert "📝 注册" in (await user.expect_message()).button_texts
    await user.send("hello")
    assert "没看懂" in (await user.expect_message()).text


async def test_declining_privacy_stops_registration(bot_env: BotEnv, user: SimUser) -> None:
    name = await fill_until(user, "privacy")
    await user.press(user.messages[-1], "不同意")
    assert "需要同意隐私政策" in user.messages[-1].text
    async with bot_env.sessionmaker() as session:
        assert await session.scalar(select(Member).where(Member.username_key == name.casefold())) is None


async def test_edit_a_field_from_the_summary(bot_env: BotEnv, user: SimUser) -> None:
    await fill_until(user, "address")
    question = user.messages[-1]
    for button in ("跳过", "跳过", "✅ 同意", "不用了"):
        await user.press(question, button)
    await user.press(question, "修改某项")
    await user.press(question, "地址")
    await user.send("北京市朝阳区建国路 88 号 <b>&")
    summary = await user.expect_message()
    assert "建国路 88 号 <b>&" in summary.text  # escaped on the way out, shown as typed
    await user.press(summary, "确认注册")
    assert "注册成功" in summary.text


async def test_text_while_waiting_for_a_button_gets_a_hint(user: SimUser) -> None:
    await fill_until(user, "privacy")
    await user.send("yes")
    hint = await user.expect_message()
    assert "请点击上方的按钮" in hint.text and "✅ 同意" in hint.button_texts


async def test_stale_and_forged_buttons_get_an_answer(bot_env: BotEnv, user: SimUser) -> None:
    await user.send("/start")
    welcome = await user.expect_message()
    for forged in ("pf:edit:email", "f:confirm:", "m:profile", "garbage", "lang:xx"):
        toast = await press_data(bot_env, user, welcome, forged)
        assert toast and "失效" in toast
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
    assert "手机号" in (await user.expect_message()).text


async def test_update_delivered_twice_is_handled_once(bot_env: BotEnv, user: SimUser) -> None:
    await fill_until(user, "username")
    name = unique("dup")
    sent = await user.send(name)
    await user.expect_message()
    bot_env.emulator.enqueue_update({"message": sent}, update_id=bot_env.emulator.last_update_id)
    await user.send("/help")
    await user.expect_message()  # the help text, and nothing for the repeated update
    assert sum("密码" in m.text for m in user.messages if m.text and "第 2 步" in m.text) == 1


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
