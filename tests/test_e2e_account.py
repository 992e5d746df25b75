"""Linking a shop login, lockout, logout, password change and deep links (PRODUCT.md 1.2)."""

from datetime import timedelta

from sqlalchemy import select

from models import Member
from sandbox.emulator import SimUser
from services import accounts
from services.members import MemberView
from tests.conftest import BotEnv, unique

PASSWORD = "shop-pass-123"


async def shop_account(bot_env: BotEnv) -> MemberView:
    """An account made on the shop website: no Telegram binding yet."""
    name = unique("shop")
    return await accounts.create_account(bot_env.uow(), name, PASSWORD, f"{name}@example.com", None, rounds=4)


async def log_in(user: SimUser, identifier: str, password: str) -> None:
    await user.send("/start")
    welcome = await user.expect_message()
    await user.press(welcome, "登录")
    await user.send(identifier)
    assert "密码" in (await user.expect_message()).text
    await user.send(password)


async def bound_member(bot_env: BotEnv, user: SimUser) -> Member | None:
    async with bot_env.sessionmaker() as session:
        return await session.scalar(select(Member).where(Member.telegram_id == user.id))


async def test_member_logs_in_with_email_and_the_password_message_is_deleted(bot_env: BotEnv, user: SimUser) -> None:
    account = await shop_account(bot_env)
    await log_in(user, account.email.upper(), PASSWORD)
    done = await user.expect_message()
    assert "已登录" in done.text and account.username in done.text
    assert user.user_messages[-1].deleted
    menu = await user.expect_message()
    assert account.member_no in menu.text
    assert (await bound_member(bot_env, user)).id == account.id


async def test_logging_in_elsewhere_tells_the_old_chat(bot_env: BotEnv, user: SimUser) -> None:
    account = await shop_account(bot_env)
    await log_in(user, account.username, PASSWORD)
    await user.expect_message()  # logged in
    await user.expect_message()  # main menu
    other = bot_env.new_user()
    await log_in(other, account.username, PASSWORD)
    assert "已登录" in (await other.expect_message()).text
    notice = await user.expect_message()
    assert "另一个 Telegram 账号" in notice.text and account.username in notice.text
    assert await bound_member(bot_env, user) is None
    assert (await bound_member(bot_env, other)).id == account.id


async def test_five_wrong_passwords_lock_out_until_a_time_even_after_restart(bot_env: BotEnv, user: SimUser) -> None:
    account = await shop_account(bot_env)
    await log_in(user, account.username, "wrong-one-1")
    for attempt in range(4):
        answer = await user.expect_message()
        assert "用户名或密码错误" in answer.text
        await user.send(account.username)
        await user.expect_message()
        await user.send(f"wrong-again-{attempt}")
    locked = await user.expect_message()
    assert "已暂时锁定" in locked.text and "之后再试" in locked.text
    assert all(message.deleted for message in user.user_messages if "wrong" in (message.text or ""))
    await bot_env.restart()
    await user.send("/start")
    welcome = await user.expect_message()
    await user.press(welcome, "登录")
    assert "已暂时锁定" in (await user.expect_message()).text
    assert await bound_member(bot_env, user) is None


async def test_logout_unbinds(bot_env: BotEnv, member: SimUser) -> None:
    await member.send("/logout")
    answer = await member.expect_message()
    assert "已解除绑定" in answer.text and "🔑 登录" in answer.button_texts
    assert await bound_member(bot_env, member) is None
    await member.send("/profile")
    assert "请先注册或登录" in (await member.expect_message()).text


async def test_password_change_needs_the_old_one(bot_env: BotEnv, member: SimUser) -> None:
    await member.send("/password")
    await member.expect_message()
    await member.send("not-the-password")
    assert "当前密码不正确" in (await member.expect_message()).text
    await member.send("pass-word-1")
    assert "新密码" in (await member.expect_message()).text
    await member.send("12345678")
    assert "全是数字" in (await member.expect_message()).text
    await member.send("better-pass-2")
    assert "密码已修改" in (await member.expect_message()).text
    assert all(m.deleted for m in member.user_messages if m.text and "pass" in m.text and not m.text.startswith("/"))
    await accounts.verify_password(bot_env.uow(), member.member_id, "better-pass-2", member.id)


async def test_link_token_deep_link_binds_once(bot_env: BotEnv, user: SimUser) -> None:
    account = await shop_account(bot_env)
    token = await accounts.create_link_token(bot_env.uow(), account.id, timedelta(hours=1))
    await user.send(f"/start link_{token}")
    assert account.username in (await user.expect_message()).text
    assert account.member_no in (await user.expect_message()).text
    stranger = bot_env.new_user()
    await stranger.send(f"/start link_{token}")
    assert "无效、已过期或已被使用" in (await stranger.expect_message()).text
    assert await bound_member(bot_env, stranger) is None


async def test_referral_deep_link_is_remembered_through_registration(bot_env: BotEnv, member: SimUser, user: SimUser) -> None:
    from tests.test_e2e_registration import PASSWORD as REG_PASSWORD
    from tests.test_e2e_registration import fill_until

    referrer_no = f"M{member.member_id:06d}"
    await user.send(f"/start ref_{referrer_no}")
    await user.expect_message()
    user._cursor = len(user.messages)  # noqa: SLF001
    name = unique("invitee")
    welcome = user.messages[-1]
    await user.press(welcome, "注册")
    for answer in (name, REG_PASSWORD, f"{name}@example.com"):
        await user.send(answer)
        await user.expect_message()
    await user.press_reply("分享我的手机号")
    await user.expect_message()
    question = await user.expect_message()
    for button in ("跳过", "跳过", "✅ 同意", "不用了", "确认注册"):
        await user.press(question, button)
    async with bot_env.sessionmaker() as session:
        invitee = await session.scalar(select(Member).where(Member.username_key == name.casefold()))
    assert invitee.referrer_id == member.member_id
    assert fill_until  # shared helper imported from the registration journey


async def test_guest_gets_a_clear_answer_for_member_commands(user: SimUser) -> None:
    for command in ("/profile", "/card", "/logout", "/password"):
        await user.send(command)
        answer = await user.expect_message()
        assert "请先注册或登录" in answer.text and "📝 注册" in answer.button_texts
